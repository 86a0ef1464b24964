//! Wire syntax: each type's parser and encoder (private; see `crate::codec`).

pub(crate) mod command;
pub(crate) mod core;
pub(crate) mod encode_response;
pub(crate) mod fetch;
pub(crate) mod fragment;
pub(crate) mod response;
