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

pub mod client;
mod compress;
pub mod driver;
pub mod error;
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
pub use webimap_proto as proto;
