//! The codec: turning commands into bytes ([`encode`]) and framed bytes into responses
//! ([`decode`]).

pub mod decode;
pub mod encode;
