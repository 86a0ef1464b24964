//! webimap-testkit starts a real, private Dovecot for webimap's tests and demo: it writes
//! a self-contained config, a CA and server certificate, a passwd file and a maildir of
//! sample messages into one directory, starts `dovecot`, waits until it is ready, and
//! stops it on drop.
//!
//! One rule: this crate never writes or parses IMAP. Readiness means the plain port
//! accepted a connection and sent some bytes; what they say is for the tests to check.
//!
//! On disk, an instance directory holds `dovecot.conf`, `passwd`, `tls/{ca.pem,server.pem,
//! server.key}`, `dovecot.log`, Dovecot's `run/` and `state/`, and each user's mail in
//! `home/<user>/Maildir/` (maildir, `LAYOUT=fs`): INBOX is `Maildir/INBOX/`, every other
//! mailbox the directory of its name (`Maildir/Work/Projects/`), each with `cur/ new/ tmp/`.
//!
//! ```no_run
//! use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};
//!
//! let dovecot = Dovecot::start(DovecotConfig::default())?;
//! println!("{DEMO_USER}:{DEMO_PASSWORD} at {}:{}", dovecot.host(), dovecot.imap_port());
//! # Ok::<(), webimap_testkit::TestkitError>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_debug_implementations)]
#![warn(unreachable_pub, missing_docs)]

mod config;
mod error;
mod maildir;
pub mod sample;
mod server;
mod tls;

pub use config::DovecotConfig;
pub use error::TestkitError;
pub use server::Dovecot;

/// The user the default configuration creates.
pub const DEMO_USER: &str = "demo";
/// The password of [`DEMO_USER`].
pub const DEMO_PASSWORD: &str = "demo-password";
