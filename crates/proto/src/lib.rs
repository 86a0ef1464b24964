//! webimap-proto: the IMAP4 protocol as data, for clients — typed commands and their
//! encoder, a streaming, quirk-tolerant response parser, and a client session state
//! machine that pairs every command with its data and its completion.
//!
//! Its one rule: **no I/O** — no sockets, no async, no clock, no threads. Bytes go in
//! ([`session::Session::enqueue_input`]), events and bytes to send come out
//! ([`session::Session::next`]). It builds for `wasm32-unknown-unknown` as for native.
//!
//! Layers, bottom up:
//! - [`types`]: commands, responses and their parts, validated on construction (a user's
//!   folder name cannot smuggle a second command).
//! - [`frame`]: splits the byte stream into whole responses under size limits.
//! - [`codec`]: encodes commands into [`codec::encode::Fragment`]s, decodes responses.
//! - [`session`]: tags, literals and continuations, capabilities, connection state and the
//!   selected mailbox.
//!
//! Supported so far: the IMAP4rev1 (RFC 3501) commands CAPABILITY, NOOP, LOGOUT, STARTTLS,
//! LOGIN, LIST, SELECT, EXAMINE, FETCH/UID FETCH; responses: greeting, tagged and untagged
//! status with response codes (including UIDPLUS and CONDSTORE codes), CAPABILITY, ENABLED,
//! LIST/LSUB, FLAGS, EXISTS, RECENT, EXPUNGE, SEARCH, STATUS, and FETCH with UID, FLAGS,
//! INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY/BODYSTRUCTURE, BODY[section]<origin>, RFC822*,
//! MODSEQ; anything else is kept raw ([`types::response::Data::Other`],
//! [`types::fetch::FetchItem::Other`], [`types::response::Code::Other`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod codec;
pub mod error;
pub mod frame;
pub mod sasl;
pub mod secret;
pub mod session;
pub mod types;
mod wire;

pub use error::ValidationError;
pub use secret::Secret;
