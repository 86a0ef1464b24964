//! What the command encoder produces ([`Fragment`]s) and what it may use
//! ([`EncodeOptions`]); public as `crate::codec::encode::{Fragment, EncodeOptions}`.

use crate::types::core::Capabilities;

/// A piece of an encoded command. A synchronising literal may only be sent after the
/// server answered the line before it with a `+` continuation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Bytes ending in CRLF (possibly `{n}\r\n`, announcing a literal).
    Line {
        /// The bytes.
        data: Vec<u8>,
    },
    /// Literal data.
    Literal {
        /// The bytes.
        data: Vec<u8>,
        /// Whether the client must wait for `+` before sending it.
        sync: bool,
    },
}

impl Fragment {
    /// The bytes to send.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Fragment::Line { data } | Fragment::Literal { data, .. } => data,
        }
    }
}

/// What the encoder may use, from the server's capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// LITERAL+ (RFC 7888): every literal may be non-synchronising.
    pub literal_plus: bool,
    /// LITERAL- (RFC 7888): literals up to 4096 bytes may be non-synchronising.
    pub literal_minus: bool,
    /// UTF8=ACCEPT is enabled: UTF-8 may go in quoted strings.
    pub utf8_accept: bool,
}

impl EncodeOptions {
    /// The options a server's capabilities allow (UTF8=ACCEPT counts only once enabled).
    pub fn from_capabilities(caps: &Capabilities, utf8_enabled: bool) -> Self {
        Self {
            literal_plus: caps.has("LITERAL+"),
            literal_minus: caps.has("LITERAL-"),
            utf8_accept: utf8_enabled,
        }
    }
}
