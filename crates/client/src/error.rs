//! Errors of the client engine: one enum, wrapping the layer below.

use thiserror::Error;
use webimap_proto::{
    ValidationError,
    frame::FrameError,
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
    Unexpected(Unexpected),
    /// TLS failed: which check (expired, unknown issuer, name mismatch, not TLS at all).
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The operation would expose a secret: a password over an unencrypted connection to
    /// a server that is not on this machine, or STARTTLS not offered.
    #[error("refused for safety: {0}")]
    Insecure(String),
    /// The server lacks an extension the operation needs (and there is no safe fallback).
    #[error("not supported by this server: {0}")]
    Unsupported(String),
    /// A response broke a size limit (line, literal or response size) and was dropped.
    #[error("the server's answer was too large: {0}")]
    LimitExceeded(FrameError),
    /// The operation did not finish before its deadline ([`crate::with_deadline`]); the
    /// connection's state is unknown afterwards: drop it.
    #[error("the server did not answer in time")]
    Timeout,
    /// A step was left out on purpose so that nothing is lost: the draft of a sent message
    /// is kept while no copy of the message is in the Sent folder.
    #[error("the draft was kept because the sent message is not saved in the Sent folder yet")]
    DraftKept,
    /// A message named as a draft to remove is not marked `\Draft` (nor in the folder
    /// named as Drafts): it was left in place, since a wrong reference must never delete
    /// mail.
    #[error("the message named as the draft is not marked as a draft, so it was left in place")]
    NotADraft,
    /// The transport could not be opened (WebSocket refused by the relay, TCP refused).
    #[error("could not connect to {target}: {failure}")]
    Connect {
        /// Where to (`host:port`, or the relay's URL).
        target: String,
        /// Why not.
        failure: ConnectFailure,
    },
}

/// What the server's answer lacked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Unexpected {
    /// No mailbox is selected after SELECT/EXAMINE said OK.
    #[error("no folder is selected")]
    NotSelected,
    /// STATUS said OK without the STATUS data.
    #[error("the server sent no folder status")]
    NoStatus,
    /// No message with this UID (it may have been deleted meanwhile).
    #[error("message {uid} is not on the server (any more)")]
    NoSuchMessage {
        /// The UID asked for.
        uid: u32,
    },
    /// The message's structure (BODYSTRUCTURE) was missing.
    #[error("the server sent no structure for message {uid}")]
    NoStructure {
        /// The UID asked for.
        uid: u32,
    },
    /// The message has no such part.
    #[error("message {uid} has no part {part:?}")]
    NoSuchPart {
        /// The UID asked for.
        uid: u32,
        /// The part number path (`[1, 2]` for part 1.2).
        part: Vec<u32>,
    },
    /// A section asked for did not come back.
    #[error("the server sent no BODY[{section}] for message {uid}")]
    NoSection {
        /// The UID asked for.
        uid: u32,
        /// The section as written on the wire.
        section: String,
    },
    /// A search answered with more UIDs than the client takes at once.
    #[error("the search found more messages than can be listed")]
    TooManyResults,
    /// COMPRESS=DEFLATE data could not be inflated (or deflated).
    #[error("compressed data was broken: {detail}")]
    Compression {
        /// What the deflate library said.
        detail: String,
    },
    /// The platform gave no randomness (SCRAM needs a nonce).
    #[error("no randomness was available")]
    NoRandomness,
    /// A message just appended was not found in its folder (the server gave no APPENDUID,
    /// and a search by its Message-ID found nothing).
    #[error("the message just saved was not found in its folder")]
    AppendedNotFound,
}

/// Why a connection could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConnectFailure {
    /// Nothing listens there (TCP refused).
    #[error("the connection was refused")]
    Refused,
    /// The name does not resolve.
    #[error("the server name was not found")]
    NotFound,
    /// No answer in time.
    #[error("the server did not answer")]
    TimedOut,
    /// The address (or the relay URL) is not valid.
    #[error("the address is not valid")]
    InvalidAddress,
    /// Something else, in the platform's words.
    #[error("{0}")]
    Other(String),
}

impl ConnectFailure {
    /// The failure an I/O error describes.
    pub fn from_io(error: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::ConnectionRefused => ConnectFailure::Refused,
            ErrorKind::TimedOut => ConnectFailure::TimedOut,
            ErrorKind::InvalidInput | ErrorKind::AddrNotAvailable => ConnectFailure::InvalidAddress,
            // getaddrinfo failures surface as `Other`/`Uncategorized` with this text.
            _ if error.to_string().contains("failed to lookup address") => ConnectFailure::NotFound,
            _ => ConnectFailure::Other(error.to_string()),
        }
    }
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

/// Why TLS failed, by the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The extra CA text is not PEM.
    #[error("the extra CA certificate is not valid PEM")]
    CaNotPem,
    /// The extra CA certificate cannot serve as a root.
    #[error("the extra CA certificate cannot be used: {detail}")]
    CaUnusable {
        /// What the certificate parser said.
        detail: String,
    },
    /// The extra CA text holds no certificate.
    #[error("the extra CA PEM holds no certificate")]
    CaEmpty,
    /// The host cannot be checked against a certificate (not a DNS name or IP address).
    #[error("{host:?} is not a valid server name for TLS")]
    InvalidServerName {
        /// The name given.
        host: String,
    },
    /// The server's certificate failed a check.
    #[error("{}", describe_certificate(problem, host))]
    Certificate {
        /// The server's name.
        host: String,
        /// Which check.
        problem: CertificateProblem,
    },
    /// The server sent a TLS alert and ended the handshake.
    #[error("the server refused the TLS handshake ({alert})")]
    Refused {
        /// The alert's name.
        alert: String,
    },
    /// The server did not speak TLS (a plain-text port).
    #[error("the server did not answer with TLS (is this a plain-text port?)")]
    NotTls,
    /// The connection closed during the handshake.
    #[error("the server closed the connection during the TLS handshake (is this port for TLS?)")]
    ClosedInHandshake,
    /// STARTTLS on a connection that already uses TLS, or is being upgraded.
    #[error("the connection already uses TLS")]
    AlreadyEncrypted,
    /// Another TLS failure, in rustls' words.
    #[error("TLS failed: {detail}")]
    Other {
        /// What rustls said.
        detail: String,
    },
}

/// Which certificate check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Past its validity.
    Expired,
    /// Before its validity.
    NotYetValid,
    /// Not issued by a trusted authority.
    UnknownIssuer,
    /// A CA certificate used as the server's own (what `openssl req -x509` makes).
    SelfSigned,
    /// Not issued for this name.
    WrongName,
    /// Revoked by its issuer.
    Revoked,
    /// Its signature does not verify.
    BadSignature,
    /// Another problem, in rustls' words.
    Other(String),
}

fn describe_certificate(problem: &CertificateProblem, host: &str) -> String {
    match problem {
        CertificateProblem::Expired => format!("the certificate of {host} has expired"),
        CertificateProblem::NotYetValid => format!("the certificate of {host} is not valid yet"),
        CertificateProblem::UnknownIssuer => format!(
            "the certificate of {host} is issued by an unknown authority (add its CA if it is self-hosted)"
        ),
        CertificateProblem::SelfSigned => format!(
            "the certificate of {host} is self-signed (add it as the extra CA if you trust it)"
        ),
        CertificateProblem::WrongName => {
            format!("the certificate is not valid for the name {host}")
        }
        CertificateProblem::Revoked => format!("the certificate of {host} has been revoked"),
        CertificateProblem::BadSignature => {
            format!("the certificate of {host} has a bad signature")
        }
        CertificateProblem::Other(detail) => {
            format!("the certificate of {host} was rejected: {detail}")
        }
    }
}
