//! webimap-testkit starts a real, private Dovecot for webimap's tests and demo: it writes
//! a self-contained config, a CA and server certificate, a passwd file and a maildir of
//! sample messages into one directory, starts `dovecot`, waits until it is ready, and
//! stops it on drop. On request ([`DovecotConfig::submission`]) the same Dovecot also
//! runs its submission service (SMTP AUTH, 587-style STARTTLS and 465-style TLS ports)
//! and delivers the mail it takes into the recipients' INBOX through its LMTP server.
//!
//! One rule: this crate never writes or parses IMAP, and reads SMTP and LMTP only in the
//! bridge that carries submission's relayed mail to LMTP, command by command and answer
//! by answer (see `bridge`). Readiness means the ports accepted a connection and the
//! plain ones sent some bytes; what they say is for the tests to check.
//!
//! On disk, an instance directory holds `dovecot.conf`, `passwd`, `tls/{ca.pem,server.pem,
//! server.key}`, `dovecot.log`, `bridge.log`, Dovecot's `run/` and `state/`, and each
//! user's mail in `home/<user>/Maildir/` (maildir, `LAYOUT=fs`): INBOX is
//! `Maildir/INBOX/`, every other mailbox the directory of its name
//! (`Maildir/Work/Projects/`), each with `cur/ new/ tmp/`.
//!
//! ```no_run
//! use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};
//!
//! let dovecot = Dovecot::start(DovecotConfig::default())?;
//! println!("{DEMO_USER}:{DEMO_PASSWORD} at {}:{}", dovecot.host(), dovecot.imap_port());
//! # Ok::<(), webimap_testkit::TestkitError>(())
//! ```
//!
//! With the submission service, the demo user can write to itself and to
//! [`SECOND_DEMO_USER`]; what LMTP delivered is in [`Dovecot::inbox_messages`]:
//!
//! ```no_run
//! use webimap_testkit::{Dovecot, DovecotConfig, SECOND_DEMO_USER, address_of};
//!
//! let dovecot = Dovecot::start(DovecotConfig { submission: true, ..Default::default() })?;
//! let (starttls, tls) = (dovecot.submission_port(), dovecot.submissions_port());
//! println!("send to {} via 127.0.0.1:{starttls:?} or {tls:?}", address_of(SECOND_DEMO_USER));
//! let delivered: Vec<Vec<u8>> = dovecot.inbox_messages(SECOND_DEMO_USER)?;
//! # Ok::<(), webimap_testkit::TestkitError>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_debug_implementations)]
#![warn(unreachable_pub, missing_docs)]

mod bridge;
mod config;
mod config_file;
mod error;
mod maildir;
pub mod sample;
mod server;
mod tls;

pub use config::{DEFAULT_SUBMISSION_MAX_MAIL_SIZE, DovecotConfig};
pub use error::TestkitError;
pub use server::Dovecot;

/// The user the default configuration creates.
pub const DEMO_USER: &str = "demo";
/// The password of [`DEMO_USER`].
pub const DEMO_PASSWORD: &str = "demo-password";
/// A second user the default configuration creates, for the demo user to write to.
pub const SECOND_DEMO_USER: &str = "demo2";
/// The password of [`SECOND_DEMO_USER`].
pub const SECOND_DEMO_PASSWORD: &str = "demo2-password";
/// The mail domain of the instance's users: `demo` is `demo@webimap.test` (`.test` is
/// reserved, RFC 2606, so these addresses can never reach a real server).
pub const MAIL_DOMAIN: &str = "webimap.test";

/// The mail address of `user`: `user@`[`MAIL_DOMAIN`], or the name itself when it
/// already holds an `@`.
pub fn address_of(user: &str) -> String {
    if user.contains('@') {
        user.to_owned()
    } else {
        format!("{user}@{MAIL_DOMAIN}")
    }
}
