//! Leaf components: they render their props and report user actions through
//! `Callback`s. No I/O, no hooks beyond local UI state.

pub(crate) mod dialog;
pub(crate) mod folder_list;
pub(crate) mod html_frame;
pub(crate) mod login_form;
pub(crate) mod message_list;
pub(crate) mod message_view;
pub(crate) mod separator;
pub(crate) mod status;
