//! The one error type of this crate.

use std::{io, path::Path};

/// Why a Dovecot could not be prepared or started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestkitError {
    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, and to which path.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The certificates could not be generated.
    #[error("generating certificates: {0}")]
    Tls(#[from] rcgen::Error),
    /// The configuration can't be turned into a working Dovecot setup.
    #[error("invalid testkit configuration: {0}")]
    InvalidConfig(String),
    /// This machine lacks something Dovecot needs (the binary, a user account).
    #[error("environment: {0}")]
    Environment(String),
    /// Dovecot exited during startup; `log` holds its log and output.
    #[error("dovecot exited during startup ({status}); log:\n{log}")]
    Exited {
        /// The exit status as text.
        status: String,
        /// Dovecot's log and standard output/error.
        log: String,
    },
    /// Dovecot did not accept connections before the deadline; `log` holds its log.
    #[error("dovecot was not ready within {seconds} s; log:\n{log}")]
    NotReady {
        /// The deadline that passed.
        seconds: u64,
        /// Dovecot's log and standard output/error.
        log: String,
    },
}

/// `map_err` helper: an `io::Error` with what was done to which path.
pub(crate) fn io_context(action: &str, path: &Path) -> impl FnOnce(io::Error) -> TestkitError {
    let context = format!("{action} {}", path.display());
    move |source| TestkitError::Io { context, source }
}
