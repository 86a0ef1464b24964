//! Hooks that run `services` in the background (`spawn_local` lives only here), touch the
//! browser through `services::browser`, and dispatch the results to the reducers in
//! `state`.

pub(crate) mod tasks;
pub(crate) mod use_compose;
pub(crate) mod use_keydown;
pub(crate) mod use_mailbox;
pub(crate) mod use_place;
pub(crate) mod use_prefs;
pub(crate) mod use_server_list;
pub(crate) mod use_session;
pub(crate) mod use_shortcuts;

pub(crate) use use_mailbox::{Fetch, MailboxHandle, use_mailbox};
pub(crate) use use_prefs::{PrefsContext, PrefsHandle, use_pane_widths, use_prefs};
pub(crate) use use_session::{SessionContext, use_session};
pub(crate) use use_shortcuts::use_shortcuts;
