//! Hooks that run `services` in the background (`spawn_local` lives only here) and
//! dispatch the results to the reducers in `state`.

pub(crate) mod use_keydown;
pub(crate) mod use_mailbox;
pub(crate) mod use_server_list;
pub(crate) mod use_session;

pub(crate) use use_keydown::use_keydown;
pub(crate) use use_mailbox::{MailboxHandle, use_mailbox};
pub(crate) use use_session::{SessionHandle, use_session};
