//! Plain async functions that talk to the IMAP client and the browser. The only place
//! that touches `webimap_client` I/O; hooks run these and dispatch what they return.

pub(crate) mod browser;
pub(crate) mod compose_store;
pub(crate) mod error;
pub(crate) mod folders;
pub(crate) mod mailbox;
pub(crate) mod outgoing;
pub(crate) mod search;
pub(crate) mod send;
pub(crate) mod session;

/// The byte stream to the server: the relay WebSocket in the browser (this module is
/// compiled for the browser only).
pub(crate) type Transport = webimap_client::transport::ws::WsTransport;

/// A signed-in IMAP connection, shared by every task of the session: the engine's
/// [`webimap_client::Account`], which runs commands one at a time, lets IDLE yield to
/// them, renews it and resynchronises after them.
pub(crate) type Connection = webimap_client::Account<Transport>;
