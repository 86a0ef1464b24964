//! Application state: plain data and pure reducers (no markup, no browser APIs), so their
//! tests run natively. One module per concern, each with its own actions: the session,
//! the folder pane, the selected folder's list, the reading pane, the dialogs and toasts,
//! the preferences; `mailbox` composes the three panes of the signed-in view.

pub(crate) mod actions;
pub(crate) mod address_book;
pub(crate) mod compose;
pub(crate) mod conversations;
pub(crate) mod error;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod folder_pane;
pub(crate) mod folders;
pub(crate) mod identity;
pub(crate) mod keys;
pub(crate) mod list;
pub(crate) mod loadable;
pub(crate) mod mailbox;
pub(crate) mod message;
pub(crate) mod outgoing;
pub(crate) mod overlay;
pub(crate) mod place;
pub(crate) mod prefs;
pub(crate) mod presets;
pub(crate) mod reader;
pub(crate) mod request;
pub(crate) mod send_error;
pub(crate) mod session;
pub(crate) mod settings;
pub(crate) mod sort;
