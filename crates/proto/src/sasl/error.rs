//! Why a SASL exchange cannot go on.

use thiserror::Error;

/// Why a SASL exchange cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SaslError {
    /// The server sent something the mechanism does not expect.
    #[error("unexpected SASL challenge: {0}")]
    Unexpected(String),
    /// The server failed to prove it knows the password (SCRAM server signature).
    #[error("the server's SCRAM signature is wrong: it may not be the real server")]
    ServerSignature,
    /// The server reported an error (OAuth JSON error, SCRAM `e=`).
    #[error("the server reported: {0}")]
    Server(String),
    /// Credentials cannot be encoded (NUL in a PLAIN name, …).
    #[error("credentials cannot be encoded: {0}")]
    Credentials(&'static str),
}
