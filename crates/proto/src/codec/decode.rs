//! Decoding one framed response (see [`crate::frame::Framer`]) into a [`Response`].

use thiserror::Error;

use crate::{types::response::Response, wire};

/// Default nesting limit for BODYSTRUCTURE and other nested lists.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// A framed response did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes do not form a response, even with every tolerance applied.
    #[error("malformed response at byte {offset}: {context}")]
    Malformed {
        /// Where parsing stopped.
        offset: usize,
        /// A short excerpt around that point (lossy UTF-8).
        context: String,
    },
    /// Lists nest deeper than the limit.
    #[error("response nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// Parses one complete response (a line plus its literals, as the framer returns it).
pub fn decode_response(message: &[u8], max_depth: usize) -> Result<Response, DecodeError> {
    match wire::response::response(message, max_depth) {
        Ok(([], response)) => Ok(response),
        Ok((rest, _)) => Err(malformed(message, rest)),
        Err(nom::Err::Failure(e)) if e.code == nom::error::ErrorKind::TooLarge => {
            Err(DecodeError::TooDeep { limit: max_depth })
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(malformed(message, e.input)),
        Err(nom::Err::Incomplete(_)) => Err(malformed(message, &[])),
    }
}

fn malformed(message: &[u8], rest: &[u8]) -> DecodeError {
    let offset = message.len() - rest.len().min(message.len());
    let from = offset.saturating_sub(20);
    let to = (offset + 20).min(message.len());
    DecodeError::Malformed {
        offset,
        context: String::from_utf8_lossy(&message[from..to]).into_owned(),
    }
}
