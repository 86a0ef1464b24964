//! webimap-smtp: SMTP message submission for clients, as data — a command encoder, a
//! size-capped reply reader, a streaming dot-stuffer and a session state machine that
//! takes a connection from the greeting through STARTTLS and AUTH to per-recipient results
//! and a delivered message.
//!
//! Its one rule, the same as webimap-proto's: **no I/O** — no sockets, no async, no clock,
//! no randomness. Bytes go in ([`SubmissionSession::handle_input`]), events and bytes to
//! send come out ([`SubmissionSession::poll_event`], [`SubmissionSession::poll_output`]).
//! Time is data ([`SubmissionSession::current_timeout`]); the SCRAM nonce and the ASCII
//! form of international domains come from the caller. It builds for
//! `wasm32-unknown-unknown` as for native.
//!
//! # Example
//!
//! A driver moves bytes and reacts to events; here the server's bytes are scripted.
//!
//! ```
//! use webimap_smtp::{
//!     Address, Credentials, Envelope, Event, Options, Security, SubmissionSession,
//! };
//!
//! /// Writes what the session has to send (a command's reply can only come after that),
//! /// feeds the server's bytes, writes again, and returns the events.
//! fn exchange(session: &mut SubmissionSession, server: &[u8], wire: &mut Vec<u8>) -> Vec<Event> {
//!     let mut write = |session: &mut SubmissionSession| {
//!         while let Some(bytes) = session.poll_output() {
//!             wire.extend_from_slice(&bytes); // to the connection
//!         }
//!     };
//!     write(session);
//!     session.handle_input(server);
//!     write(session);
//!     std::iter::from_fn(|| session.poll_event()).collect()
//! }
//!
//! let options = Options::new(Security::ImplicitTls)
//!     .with_credentials(Credentials::password("alice", "hunter2"));
//! let mut session = SubmissionSession::new(options);
//! let mut wire = Vec::new();
//! exchange(&mut session, b"220 mail.example.org ESMTP\r\n", &mut wire);
//! let ehlo = b"250-mail.example.org\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n";
//! exchange(&mut session, ehlo, &mut wire);
//! let events = exchange(&mut session, b"235 2.7.0 Authenticated\r\n", &mut wire);
//! assert_eq!(events.last(), Some(&Event::Ready));
//!
//! let from = Address::parse("alice@example.org")?;
//! let to = Address::parse("bob@example.net")?;
//! let message = b"Subject: hi\n\n.hello\n";
//! session.send(Envelope::new(from, vec![to], message.len() as u64)?)?;
//! let replies = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n";
//! exchange(&mut session, replies, &mut wire);
//! let events = exchange(&mut session, b"354 Go on\r\n", &mut wire);
//! assert_eq!(events, [Event::BodyWanted]);
//! session.write_body(message)?; // in pieces of any size
//! session.finish_body()?;
//! let events = exchange(&mut session, b"250 2.0.0 Ok: queued as 42\r\n", &mut wire);
//! assert!(matches!(&events[..], [Event::Sent { .. }, Event::Ready]));
//! assert!(wire.ends_with(b"DATA\r\nSubject: hi\r\n\r\n..hello\r\n.\r\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Modules
//!
//! - [`address`]: envelope addresses and the EHLO name, validated on construction (no CR,
//!   LF, NUL, `<`, `>` or space; ASCII domains, or a request to convert one).
//! - [`command`]: client commands and their encoder (smtp-proto has none for clients).
//! - [`reply`]: replies and the incremental reader over smtp-proto's `ResponseReceiver`,
//!   with a cap on one reply's size.
//! - [`problem`]: what a failure reply means for the user (wrong password, unknown
//!   recipient, too big, try later, …), from its codes.
//! - [`capabilities`]: the EHLO keywords that matter, over smtp-proto's `EhloResponse`.
//! - [`body`]: the streaming encoder for message bodies: CRLF normalisation, dot-stuffing,
//!   the terminator.
//! - [`session`]: the state machine, its events, errors and timeouts.
//!
//! # What is supported
//!
//! | RFC | what | where |
//! |---|---|---|
//! | RFC 5321 SMTP | greeting, EHLO (HELO fallback), MAIL, RCPT, DATA, RSET, QUIT, reply codes, timeouts (§4.5.3.2), dot-stuffing (§4.5.2) | [`session`], [`body`], [`session::timeout`] |
//! | RFC 6409 Message Submission | port 587 flow: STARTTLS, AUTH, then the transaction | [`session`] |
//! | RFC 8314 implicit TLS | port 465: TLS from the first byte ([`session::Security::ImplicitTls`]) | [`session`] |
//! | RFC 3207 STARTTLS | upgrade, bytes after the go-ahead discarded, EHLO again | [`session`] |
//! | RFC 4954 AUTH | SCRAM-SHA-256 (RFC 7677), PLAIN (RFC 4616), LOGIN, OAUTHBEARER (RFC 7628), XOAUTH2; initial response; `*` cancel | [`session`] via `webimap_proto::sasl` |
//! | RFC 2920 PIPELINING | MAIL and all RCPTs in one write; BDAT chunks without waiting | [`session`] |
//! | RFC 3030 CHUNKING | BDAT, BDAT LAST | [`session`], [`body`] |
//! | RFC 1870 SIZE | `SIZE=` on MAIL whenever offered; a too-big message refused before sending | [`session::Envelope`] |
//! | RFC 6152 8BITMIME | `BODY=8BITMIME` when offered and needed | [`session::Envelope`] |
//! | RFC 6531 SMTPUTF8 | `SMTPUTF8` when offered and needed; a clear error otherwise | [`session::Envelope`] |
//! | RFC 3463 / RFC 2034 enhanced status codes | parsed into [`reply::EnhancedCode`] | [`reply`] |
//!
//! Not supported (a submission client does not need them): DSN, BURL, BINARYMIME,
//! REQUIRETLS, source routes, VRFY/EXPN, CRAM-MD5/DIGEST-MD5/GSSAPI. One deliberate
//! difference from RFC 2920's examples: DATA (or the first BDAT) is sent only after every
//! RCPT TO is answered, so that the user can decide about refused recipients before any
//! of the message is sent.
//!
//! Tests: unit tests beside each module; transcripts of the RFCs' examples (RFC 5321
//! Appendix D, RFC 2920, RFC 3030, RFC 4954, RFC 3207) and hostile servers in `tests/`;
//! a proptest of the dot-stuffer over chunkings; a cargo-fuzz target on the reply reader
//! (`fuzz/`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod address;
pub mod body;
pub mod capabilities;
pub mod command;
pub mod problem;
pub mod reply;
pub mod session;

pub use address::{Address, AddressError, ClientName};
pub use problem::Problem;
pub use reply::{EnhancedCode, Reply};
pub use session::{
    CallError, Credentials, Envelope, Event, Options, Security, SessionError, Stage,
    SubmissionSession, TransactionError,
};
pub use webimap_proto::Secret;
