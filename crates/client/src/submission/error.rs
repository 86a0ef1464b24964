//! Why sending failed, with the cause as data; the words for people come from `Display`.

use thiserror::Error;
use webimap_smtp::{CallError, Problem, SessionError, TransactionError, session::RefusedRecipient};

use crate::error::{ClientError, TlsError};

/// Why a submission failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// Reading or writing the connection failed.
    #[error("connection error: {0}")]
    Io(#[from] std::io::Error),
    /// The connection closed before the step completed.
    #[error("the connection closed")]
    Closed,
    /// The server did not answer in time.
    #[error("the server did not answer in time")]
    Timeout,
    /// TLS failed.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// A password would cross the network unencrypted to a server not on this machine.
    #[error("refused for safety: the password would be sent unencrypted")]
    Insecure,
    /// An address cannot be used (CR, LF, spaces, no domain, non-ASCII without SMTPUTF8…).
    #[error("the address {address} cannot be used: {reason}")]
    BadAddress {
        /// The address as given.
        address: String,
        /// Why not.
        reason: String,
    },
    /// The session could not go on (greeting refused, sign-in failed, STARTTLS missing…).
    #[error(transparent)]
    Session(SessionError),
    /// The server refused this message (the connection is fine).
    #[error(transparent)]
    Transaction(TransactionError),
    /// Some recipients were refused, so nothing was sent (the user decides). Each with
    /// the server's words.
    #[error("the server refused {}", refused_list(.0))]
    RecipientsRefused(Vec<RefusedRecipient>),
    /// The message cannot be sent as it is (too big for the server's SIZE, needs 8BITMIME
    /// or SMTPUTF8 the server lacks), or a call came at the wrong time.
    #[error(transparent)]
    Refused(CallError),
    /// The end of the message went out but its answer never came: it may have been sent.
    /// Not retried by itself.
    #[error(
        "the connection was lost just after the message was sent: it may or may not have been delivered"
    )]
    OutcomeUnknown,
    /// The server's answers did not follow the protocol.
    #[error("the server's answer did not follow the protocol")]
    Protocol,
    /// The platform gave no randomness (SCRAM needs a nonce).
    #[error("no randomness was available")]
    NoRandomness,
}

fn refused_list(refused: &[RefusedRecipient]) -> String {
    refused
        .iter()
        .map(|r| format!("{} ({})", r.address, r.reply))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SubmitError {
    pub(super) fn from_client(e: ClientError) -> Self {
        match e {
            ClientError::Tls(t) => SubmitError::Tls(t),
            ClientError::Io(io) => SubmitError::Io(io),
            ClientError::Closed => SubmitError::Closed,
            ClientError::Timeout => SubmitError::Timeout,
            _ => SubmitError::Protocol,
        }
    }

    pub(super) fn from_session(e: SessionError) -> Self {
        match e {
            SessionError::Timeout { .. } => SubmitError::Timeout,
            SessionError::ConnectionLost { .. } => SubmitError::Closed,
            other => SubmitError::Session(other),
        }
    }

    /// What the server's reply means for the user (wrong password, unknown recipient,
    /// too big, try later…), where a reply caused this.
    pub fn problem(&self) -> Option<Problem> {
        match self {
            SubmitError::Session(e) => e.reply().map(Problem::of),
            SubmitError::Transaction(e) => e.reply().map(Problem::of),
            SubmitError::RecipientsRefused(_) => Some(Problem::UnknownRecipient),
            _ => None,
        }
    }

    /// Whether trying again later may work (4xx replies, lost connections before the
    /// message was complete).
    pub fn is_transient(&self) -> bool {
        match self {
            SubmitError::Transaction(e) => e.is_transient(),
            // 421 and other 4xx replies to the session (greeting, EHLO, AUTH, MAIL).
            SubmitError::Session(e) => e.reply().is_some_and(|r| r.code / 100 == 4),
            SubmitError::Io(_) | SubmitError::Closed | SubmitError::Timeout => true,
            _ => false,
        }
    }
}
