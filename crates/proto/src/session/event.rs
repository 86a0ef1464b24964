//! What the session reports to its driver.

use thiserror::Error;

use crate::{
    codec::decode::DecodeError,
    frame::FrameError,
    secret::Secret,
    types::response::{ContinueRequest, Data, StatusResponse},
};

/// Identifies an enqueued command in the events that concern it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandHandle(pub(crate) u64);

/// Something that happened on the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server's greeting (`* OK`, `* PREAUTH` or `* BYE`).
    Greeting(StatusResponse),
    /// Untagged data, with the command in progress it most likely answers (`None` when no
    /// command is in flight: unsolicited, e.g. new mail).
    Data {
        /// The oldest command in flight, if any.
        handle: Option<CommandHandle>,
        /// The data.
        data: Data,
    },
    /// An untagged OK/NO/BAD (often carrying a response code such as `[ALERT]`).
    Status {
        /// The oldest command in flight, if any.
        handle: Option<CommandHandle>,
        /// The response.
        status: StatusResponse,
    },
    /// A command finished: OK, or why not. Every enqueued command gets exactly one.
    Completed {
        /// Which command.
        handle: CommandHandle,
        /// OK with its response, or the failure.
        result: Result<StatusResponse, CommandError>,
    },
    /// The server asked a command for more (AUTHENTICATE challenge, IDLE's `+ idling`).
    Continue {
        /// Which command.
        handle: CommandHandle,
        /// The request.
        request: ContinueRequest,
    },
    /// STARTTLS succeeded: the driver must now run the TLS handshake. Bytes the server sent
    /// after its OK and before the handshake were discarded (a known injection attack).
    StartTls {
        /// How many bytes were discarded.
        discarded: usize,
    },
    /// COMPRESS DEFLATE succeeded: from the next byte on, both directions are
    /// deflate-compressed (RFC 4978); the driver must wrap its stream now.
    CompressionStarted {
        /// Bytes that arrived between the OK and now, dropped (normally 0).
        discarded: usize,
    },
    /// `* BYE`: the server is closing the connection.
    Bye(StatusResponse),
    /// A response that could not be framed or parsed; it was skipped and the stream goes on.
    Malformed {
        /// Why.
        error: MalformedError,
        /// The response's bytes (may hold private data: redacted in `Debug`).
        raw: Secret<Vec<u8>>,
    },
}

/// Why a response was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MalformedError {
    /// It broke a size limit.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// It did not parse.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// Why a command did not complete with OK.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// The server answered NO.
    #[error("server said NO: {}", .0.text.to_lossy())]
    No(StatusResponse),
    /// The server answered BAD.
    #[error("server said BAD: {}", .0.text.to_lossy())]
    Bad(StatusResponse),
    /// The connection closed (or the server said BYE) before the command completed.
    #[error("the connection closed before the command completed")]
    ConnectionLost,
}

/// The session needs its driver to do I/O, or hit an error that ends it.
#[derive(Debug, PartialEq, Eq)]
#[must_use]
pub enum Interrupt {
    /// Do this I/O, then call `next` again.
    Io(Io),
    /// The session cannot go on.
    Error(SessionError),
}

/// I/O the driver must do.
#[derive(Debug, PartialEq, Eq)]
pub enum Io {
    /// Send these bytes to the server.
    Output(Vec<u8>),
    /// Nothing more to do until more bytes arrive ([`crate::session::Session::enqueue_input`]).
    NeedMoreInput,
}

/// An error that ends the session.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SessionError {
    /// The first response was not a greeting.
    #[error("the server did not send a greeting")]
    NoGreeting,
    /// The server sent PREAUTH where TLS was required first (STARTTLS downgrade attack).
    #[error("the server sent PREAUTH on a connection that needs STARTTLS first")]
    PreAuthWithoutTls,
    /// The connection is closed (LOGOUT, BYE or connection loss).
    #[error("the connection is closed")]
    Closed,
}
