//! IMAP data types: validated on construction, owned, free of wire syntax.

pub mod command;
pub mod core;
pub mod fetch;
pub mod mailbox;
pub mod response;
pub mod search;
pub mod section;
pub mod sequence;
