//! webimap-proto: the IMAP4 protocol as data, for clients — typed commands and their
//! encoder, a streaming, quirk-tolerant response parser, and a client session state
//! machine that pairs every command with its data and its completion.
//!
//! Its one rule: **no I/O** — no sockets, no async, no clock, no threads. Bytes go in
//! ([`session::Session::enqueue_input`]), events and bytes to send come out
//! ([`session::Session::next`]). It builds for `wasm32-unknown-unknown` as for native.
//!
//! Layers, bottom up (each uses only those above it in this list; no module uses one that
//! uses it back):
//! - [`error`], [`secret`]: [`ValidationError`] for values that cannot become part of a
//!   command; [`Secret`], whose `Debug` is always redacted.
//! - [`types`]: commands, responses and their parts, owned and free of wire syntax.
//!   Commands are validated on construction: a field's type admits only what the grammar
//!   allows there (`types::core::{Atom, Vec1}`, `types::command::{Credential, FlagList}`,
//!   [`types::mailbox::MailboxName`], `types::section::{Section, PartPath, Partial}`,
//!   [`types::fetch::DateTime`], each with a constructor returning `Result`), so a
//!   [`types::command::Command`] that exists encodes to one command line, and a user's
//!   folder name cannot smuggle a second command. Free text (search strings, ID and
//!   metadata values, APPEND's message) goes as a quoted string or a literal; a NUL in it,
//!   which IMAP has no form for, is the one thing left for the server to refuse. Modules: `core` (tags, text,
//!   flags, capabilities, atoms, non-empty lists), `command`, `search`, `section`,
//!   `sequence`, `mailbox`, `fetch`, `response`.
//! - `wire` (private): the syntax, a directory module per job. `wire::core`: the shared
//!   nom parsers. `wire::response/`: one response (`mod.rs` dispatches on its kind;
//!   `code.rs`: resp-text and response codes; `mailbox.rs`: LIST, LSUB, STATUS;
//!   `search.rs`: SEARCH, SORT, ESEARCH, THREAD, VANISHED; `server.rs`: NAMESPACE, ID,
//!   QUOTA, METADATA). `wire::fetch/`: FETCH data (`mod.rs`: the item list; `items.rs`: one
//!   item's name and value; `body.rs`: ENVELOPE and BODYSTRUCTURE on a hand-written cursor;
//!   `section.rs`: section specifiers; `datetime.rs`: date-times). `wire::command/`: the
//!   command encoder (`mod.rs` per command; `writer.rs`: lines, literals, string forms;
//!   `search.rs`, `fetch.rs`), into `wire::fragment`'s [`codec::encode::Fragment`]s.
//!   `wire::encode_response`: writes responses.
//! - [`frame`]: splits the byte stream into whole responses under size limits.
//! - [`codec`]: the public face of `wire`: [`codec::encode`] (commands into fragments,
//!   [`codec::encode::EncodeOptions`]), [`codec::decode`] (framed bytes into responses),
//!   [`codec::encode_response`].
//! - [`session`]: tags, literals and continuations, capabilities, connection state and the
//!   selected mailbox.
//! - [`sasl`]: SASL client mechanisms (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER, SCRAM-SHA-256);
//!   the caller supplies randomness.
//!
//! # What is supported
//!
//! | RFC / extension | commands (typed, encoded) | responses (typed, parsed) |
//! |---|---|---|
//! | RFC 3501 IMAP4rev1, RFC 9051 IMAP4rev2 | all (CAPABILITY … LOGOUT, AUTHENTICATE, LOGIN, SELECT/EXAMINE, CREATE/DELETE/RENAME, (UN)SUBSCRIBE, LIST/LSUB, STATUS, APPEND, CHECK, CLOSE, UNSELECT, EXPUNGE, SEARCH, FETCH, STORE, COPY, MOVE, UID …) | all, incl. BODY/BODYSTRUCTURE, `BODY[section]<origin>`, RFC 5530 codes |
//! | LITERAL+ / LITERAL- (RFC 7888) | non-synchronising literals chosen from capabilities | — |
//! | SASL-IR (RFC 4959) | initial response in AUTHENTICATE | continuation exchange |
//! | IDLE (RFC 2177) | IDLE / DONE | pushed data |
//! | UIDPLUS (RFC 4315) | UID EXPUNGE | APPENDUID, COPYUID, UIDNOTSTICKY |
//! | MOVE (RFC 6851) | (UID) MOVE | — |
//! | CONDSTORE / QRESYNC (RFC 7162) | SELECT (CONDSTORE/QRESYNC), FETCH CHANGEDSINCE/VANISHED, STORE UNCHANGEDSINCE, SEARCH MODSEQ | MODSEQ, HIGHESTMODSEQ, NOMODSEQ, MODIFIED, CLOSED, VANISHED (EARLIER) |
//! | ENABLE (RFC 5161), ID (RFC 2971), NAMESPACE (RFC 2342) | yes | ENABLED, ID, NAMESPACE |
//! | SPECIAL-USE, CREATE-SPECIAL-USE (RFC 6154), LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) | LIST selection/RETURN options, CREATE (USE …) | attributes, CHILDINFO, OLDNAME, STATUS after LIST |
//! | ESEARCH (RFC 4731), SORT/THREAD (RFC 5256) | RETURN (MIN MAX ALL COUNT SAVE), SORT, THREAD | ESEARCH, SORT, THREAD trees |
//! | BINARY (RFC 3516) | BINARY[.PEEK], BINARY.SIZE | literal8 `~{n}` |
//! | COMPRESS=DEFLATE (RFC 4978) | COMPRESS DEFLATE (stream compression lives in the client) | COMPRESSIONACTIVE |
//! | UTF8=ACCEPT (RFC 6855) | UTF-8 quoted strings once enabled, else literals | raw UTF-8 names |
//! | STATUS=SIZE (RFC 8438), APPENDLIMIT (RFC 7889), QUOTA (RFC 9208), METADATA (RFC 5464) | STATUS items, GETQUOTA(ROOT), GET/SETMETADATA | SIZE, APPENDLIMIT, QUOTA, QUOTAROOT, METADATA |
//! | OBJECTID (RFC 8474), PREVIEW (RFC 8970), Gmail X-GM-EXT-1 | EMAILID, THREADID, PREVIEW, X-GM-MSGID/THRID/LABELS, X-GM-RAW | all typed |
//! | SCRAM-SHA-256 (RFC 7677) | [`sasl::SaslClient`] | server signature verified |
//!
//! Anything unknown — FETCH items, response codes, untagged data, STATUS/ESEARCH items —
//! is kept raw ([`types::response::Data::Other`], [`types::fetch::FetchItem::Other`],
//! [`types::response::Code::Other`]), never dropped; a response that does not parse even
//! with every tolerance is an error for that response only and the stream goes on. Each
//! tolerance names the server that needs it (`tests/quirks.rs`). Limits: [`frame::FrameLimits`]
//! (line, literal, response size) and the nesting depth; large literals are collected apart
//! as they arrive and moved into the decoded response without a second copy
//! ([`frame::Framer::next_frame`], [`codec::decode::decode_frame`]: what the session does). [`codec::encode_response`] writes responses back
//! (fake servers, round-trip tests). Benchmarks: `cargo bench -p webimap-proto --bench
//! parse`; fuzzing: `crates/proto/fuzz/README.md`.
//!
//! Tested against the RFCs' own examples: every server line (`S:`) of RFC 3501, RFC 9051
//! and the extension RFCs above — 1,360 responses from 24 RFCs, copied from the RFC texts
//! into `tests/data/rfc-examples/` — must frame exactly, decode, and keep nothing raw that
//! a supported extension defines (`tests/rfc_examples.rs`).
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
