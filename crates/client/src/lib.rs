//! webimap-client: an async IMAP client engine over any byte stream (futures-io
//! `AsyncRead + AsyncWrite`): the browser WebSocket through webimap-relay on wasm32, TCP on
//! native. It drives a `webimap_proto` session and turns its data into what a mail
//! application shows: folders, message summaries, decoded message text.
//!
//! Its one rule: it never writes or reads IMAP syntax itself — commands are built and
//! responses parsed by `webimap-proto`; this crate moves bytes and interprets typed data.
//!
//! So far: LOGIN, LIST, SELECT/EXAMINE, UID FETCH of summaries and of one decoded text
//! part, raw part download with byte ranges, LOGOUT; TLS (implicit and STARTTLS) with
//! rustls in the client itself, also in the browser. IDLE and sync follow.
#![forbid(unsafe_code)]

mod charset;
pub mod client;
mod compress;
pub mod driver;
pub mod error;
mod html_text;
pub mod mime;
pub mod model;
mod stream;
pub mod sync;
pub mod tls;
pub mod transport;

pub use client::{
    AppendedUid, AuthMechanism, Client, ConnectOptions, CopiedUids, Credentials, Security,
};
pub use driver::{CommandResponse, Connection};
pub use error::ClientError;

/// Runs `operation`, giving up with [`ClientError::Timeout`] when `deadline` completes
/// first (runtime-agnostic: pass `tokio::time::sleep(..)` natively, a browser timer in
/// wasm). After a timeout the connection's state is unknown: drop that client.
pub async fn with_deadline<T>(
    operation: impl Future<Output = Result<T, ClientError>>,
    deadline: impl Future<Output = ()>,
) -> Result<T, ClientError> {
    use futures_util::future::{Either, select};
    let operation = std::pin::pin!(operation);
    let deadline = std::pin::pin!(deadline);
    match select(operation, deadline).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(ClientError::Timeout),
    }
}
pub use webimap_proto as proto;
