//! Application state: plain data and pure reducers (no markup, no browser APIs), so their
//! tests run natively.

pub(crate) mod actions;
pub(crate) mod conversations;
pub(crate) mod error;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod folders;
pub(crate) mod keys;
pub(crate) mod list;
pub(crate) mod loadable;
pub(crate) mod mailbox;
pub(crate) mod message;
pub(crate) mod presets;
pub(crate) mod session;
pub(crate) mod settings;
