//! The codec: turning commands into bytes ([`encode`]) and framed bytes into responses
//! ([`decode`]); [`encode_response`] writes responses (for fake servers and tests).

pub mod decode;
pub mod encode;

pub use crate::wire::encode_response::encode_response;
