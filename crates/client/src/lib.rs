//! webimap-client: an async IMAP client engine over any byte stream (futures-io
//! `AsyncRead + AsyncWrite`): the browser WebSocket through webimap-relay on wasm32, TCP on
//! native. It drives a `webimap_proto` session and turns its data into what a mail
//! application shows: folders, message summaries, decoded message text.
//!
//! Its one rule: it never writes or reads IMAP or SMTP syntax itself — commands are built
//! and responses parsed by `webimap-proto` and `webimap-smtp`; this crate moves bytes and
//! interprets typed data.
//!
//! Layers, bottom up: [`transport`] (the byte stream), [`tls`] (rustls in the client,
//! also in the browser), [`driver`] (one loop moving bytes between the stream and a
//! protocol session), [`client`] (IMAP operations: sign-in by the strongest SASL means,
//! folders, summaries, decoded messages and parts, search/sort/thread, flags, copy, move,
//! delete, append, resynchronisation with QRESYNC/CONDSTORE, IDLE), [`sync`] (a
//! folder's model kept right by the server's untagged data), and [`account`]: one
//! connection shared by all of a front end's tasks, with the scheduling they need (IDLE
//! that yields to commands, its renewal, polling without it) written once here, so the
//! npm API and the web app only call it.
//!
//! Beside the layers, [`compose`] writes mail: drafts built into MIME messages (one for
//! sending, one for Sent/Drafts), replies, forwards and reopened drafts — pure logic
//! whose clock and randomness come from its caller; [`submission`] sends it over SMTP
//! (`webimap-smtp`) on the same transports and TLS as IMAP; [`outgoing`] does the IMAP
//! side of writing on the shared [`Account`]: drafts saved and replaced, the original of a
//! reply read, and the copy in Sent, the mark on the original and the draft's removal
//! after a send.
#![forbid(unsafe_code)]

pub mod account;
mod charset;
pub mod client;
pub mod compose;
mod compress;
pub mod driver;
pub mod error;
mod html_text;
pub mod idna;
pub mod mime;
pub mod model;
pub mod outgoing;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod scripted;
mod stream;
pub mod submission;
pub mod sync;
pub mod time;
pub mod tls;
pub mod transport;

pub use account::Account;
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
