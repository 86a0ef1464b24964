//! Errors of the client engine: one enum, wrapping the layer below.

use thiserror::Error;
use webimap_proto::{
    ValidationError,
    session::SessionError,
    types::response::{Code, StatusResponse},
};

/// Why a client operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Reading or writing the byte stream failed.
    #[error("connection error: {0}")]
    Io(#[from] std::io::Error),
    /// The connection closed before the operation completed.
    #[error("the connection closed")]
    Closed,
    /// The server refused the command (NO) or did not understand it (BAD).
    #[error("{command} failed: {}", .text)]
    Server {
        /// The command (`LOGIN`, `SELECT`).
        command: &'static str,
        /// Whether it was BAD rather than NO.
        bad: bool,
        /// The response code (`AUTHENTICATIONFAILED`, `TRYCREATE`), if any.
        code: Option<Code>,
        /// The server's text.
        text: String,
    },
    /// The session cannot go on (no greeting, PREAUTH where STARTTLS was required…).
    #[error("protocol error: {0}")]
    Protocol(#[from] SessionError),
    /// SASL authentication could not complete (the server's SCRAM proof was wrong, …).
    #[error("authentication failed: {0}")]
    Sasl(#[from] webimap_proto::sasl::SaslError),
    /// A value could not be put in a command (CR/LF in a name…).
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    /// The server's answer lacked something the operation needs.
    #[error("unexpected server response: {0}")]
    Unexpected(String),
    /// TLS failed: the reason names the check (expired, unknown issuer, name mismatch).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The operation would expose a secret: a password over an unencrypted connection to
    /// a server that is not on this machine, or STARTTLS not offered.
    #[error("refused for safety: {0}")]
    Insecure(String),
    /// The server lacks an extension the operation needs (and there is no safe fallback).
    #[error("not supported by this server: {0}")]
    Unsupported(String),
    /// A response broke a size limit (line, literal or response size) and was dropped.
    #[error("a response exceeded a size limit: {0}")]
    LimitExceeded(String),
    /// The operation did not finish before its deadline ([`crate::with_deadline`]); the
    /// connection's state is unknown afterwards: drop it.
    #[error("the server did not answer in time")]
    Timeout,
    /// The transport could not be opened (WebSocket refused by the relay, TCP refused).
    #[error("could not connect: {0}")]
    Connect(String),
}

impl ClientError {
    pub(crate) fn server(command: &'static str, status: StatusResponse, bad: bool) -> Self {
        ClientError::Server {
            command,
            bad,
            code: status.code,
            text: status.text.to_lossy().into_owned(),
        }
    }

    /// Whether the server rejected credentials (`NO [AUTHENTICATIONFAILED]`, or any NO to
    /// LOGIN).
    pub fn is_authentication_failure(&self) -> bool {
        matches!(
            self,
            ClientError::Server {
                command: "LOGIN" | "AUTHENTICATE",
                bad: false,
                ..
            }
        )
    }
}
