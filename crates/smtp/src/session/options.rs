//! Session settings: how the connection is secured, the EHLO name, the credentials.

use super::auth::Credentials;
use crate::address::ClientName;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465, RFC 8314).
    ImplicitTls,
    /// Plain TCP upgraded with STARTTLS before anything else (port 587); a server without
    /// STARTTLS is an error.
    StartTls,
    /// No TLS at all, chosen by the user. Credentials then cross the wire in the clear.
    Unencrypted,
}

/// Session settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// How the connection is secured.
    pub security: Security,
    /// The name given in EHLO (default `[127.0.0.1]`).
    pub client_name: ClientName,
    /// Sign in with these, if any.
    pub credentials: Option<Credentials>,
    /// Use BDAT when the server offers CHUNKING (default true).
    pub use_chunking: bool,
}

impl Options {
    /// Defaults for `security`: no credentials, BDAT when offered.
    pub fn new(security: Security) -> Self {
        Self {
            security,
            client_name: ClientName::default(),
            credentials: None,
            use_chunking: true,
        }
    }

    /// Signs in with `credentials`.
    #[must_use]
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Gives `name` in EHLO.
    #[must_use]
    pub fn with_client_name(mut self, name: ClientName) -> Self {
        self.client_name = name;
        self
    }

    /// Uses BDAT when offered (`true`), or always DATA.
    #[must_use]
    pub fn with_chunking(mut self, use_chunking: bool) -> Self {
        self.use_chunking = use_chunking;
        self
    }
}
