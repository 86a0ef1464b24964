//! Application state: plain data and pure reducers (no markup, no browser APIs), so their
//! tests run natively.

pub(crate) mod error;
pub(crate) mod loadable;
pub(crate) mod mailbox;
pub(crate) mod session;
pub(crate) mod settings;
