//! [`Client`]: IMAP operations a mail application needs, over a [`Connection`].

use std::{net::IpAddr, sync::Arc};

use futures_util::io::{AsyncRead, AsyncWrite};
use rustls::ClientConfig;
use webimap_proto::{
    session::Options,
    types::{command::Command, core::Capabilities, response::StatusResponse},
};

use crate::{driver::Connection, error::ClientError, tls};

mod auth;
mod changes;
mod folders;
mod messages;
mod search;
mod watch;

pub use auth::{AuthMechanism, Credentials};
pub use changes::{AppendedUid, CopiedUids};

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS, port 993).
    Tls,
    /// Plain connection upgraded with STARTTLS before anything else (port 143). Fails if
    /// the server does not offer STARTTLS; a PREAUTH greeting is refused.
    StartTls,
    /// No encryption: only when chosen explicitly.
    None,
}

/// Where and how to connect.
#[derive(Clone)]
pub struct ConnectOptions {
    /// The server's host name (TLS checks the certificate against it).
    pub host: String,
    /// TLS, STARTTLS or none.
    pub security: Security,
    /// TLS settings (roots and an optional extra CA); `None`: public roots only.
    pub tls: Option<Arc<ClientConfig>>,
    /// Send a password over an unencrypted connection to a server that is not on this
    /// machine. Off by default: a password then goes only over TLS or to loopback.
    pub allow_plaintext_password: bool,
    /// Extensions to treat as absent although the server announces them (a runtime quirk
    /// switch for servers whose implementation of one is broken), e.g. `["MOVE"]`.
    pub disabled_extensions: Vec<String>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("host", &self.host)
            .field("security", &self.security)
            .field("extra_tls_config", &self.tls.is_some())
            .field("allow_plaintext_password", &self.allow_plaintext_password)
            .field("disabled_extensions", &self.disabled_extensions)
            .finish()
    }
}

impl ConnectOptions {
    /// Options for `host` with the given security, public TLS roots, no plaintext passwords.
    pub fn new(host: impl Into<String>, security: Security) -> Self {
        Self {
            host: host.into(),
            security,
            tls: None,
            allow_plaintext_password: false,
            disabled_extensions: Vec::new(),
        }
    }
}

/// An IMAP client on one connection.
#[derive(Debug)]
pub struct Client<S> {
    conn: Connection<S>,
    greeting: StatusResponse,
    host: String,
    allow_plaintext_password: bool,
    disabled_extensions: Vec<String>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Reads the greeting on a fresh, unencrypted connection whose far end is trusted by
    /// the caller (tests, loopback tools): passwords may be sent in plaintext. Prefer
    /// [`Client::open`].
    pub async fn connect(stream: S) -> Result<Self, ClientError> {
        let (conn, greeting) = Connection::open(stream, Options::default()).await?;
        Ok(Self {
            conn,
            greeting,
            host: String::new(),
            allow_plaintext_password: true,
            disabled_extensions: Vec::new(),
        })
    }

    /// Opens a session over `stream` (already connected to `options.host`, directly or
    /// through the relay) with the chosen security: the TLS handshake first, or STARTTLS
    /// right after the greeting, or nothing.
    pub async fn open(stream: S, options: &ConnectOptions) -> Result<Self, ClientError> {
        let tls_config = || match &options.tls {
            Some(config) => Ok(config.clone()),
            None => tls::client_config(None),
        };
        let (conn, greeting) = match options.security {
            Security::Tls => {
                Connection::open_tls(stream, &options.host, tls_config()?, Options::default())
                    .await?
            }
            Security::None => Connection::open(stream, Options::default()).await?,
            Security::StartTls => {
                let mut session_options = Options::default();
                session_options.starttls_required = true;
                let (mut conn, greeting) = Connection::open(stream, session_options).await?;
                if !conn.session().capabilities().has("STARTTLS") {
                    conn.execute(Command::Capability).await?;
                }
                if !conn.session().capabilities().has("STARTTLS") {
                    return Err(ClientError::Insecure(
                        "the server does not offer STARTTLS".into(),
                    ));
                }
                conn.starttls(&options.host, tls_config()?).await?;
                (conn, greeting)
            }
        };
        let mut client = Self {
            conn,
            greeting,
            host: options.host.clone(),
            allow_plaintext_password: options.allow_plaintext_password,
            disabled_extensions: options.disabled_extensions.clone(),
        };
        if client.capabilities().is_empty() {
            client.refresh_capabilities().await?;
        }
        Ok(client)
    }

    /// Turns on COMPRESS=DEFLATE when the server offers it (and it is not disabled);
    /// returns whether compression is on. Worth it on slow links and big mailboxes.
    pub async fn enable_compression(&mut self) -> Result<bool, ClientError> {
        if !self.supports("COMPRESS=DEFLATE") {
            return Ok(false);
        }
        self.conn.compress().await
    }

    /// Bytes `(sent, received)` on this connection so far (compressed where COMPRESS is on).
    pub fn bytes_transferred(&self) -> (u64, u64) {
        self.conn.bytes_transferred()
    }

    /// Whether the connection is encrypted (TLS or STARTTLS).
    pub fn is_encrypted(&self) -> bool {
        self.conn.is_encrypted()
    }

    /// The server's greeting.
    pub fn greeting(&self) -> &StatusResponse {
        &self.greeting
    }

    /// The server's capabilities as last reported.
    pub fn capabilities(&self) -> &Capabilities {
        self.conn.session().capabilities()
    }

    /// Whether the server supports an extension (and it is not disabled in
    /// [`ConnectOptions::disabled_extensions`]).
    pub fn supports(&self, capability: &str) -> bool {
        self.capabilities().has(capability)
            && !self
                .disabled_extensions
                .iter()
                .any(|d| d.eq_ignore_ascii_case(capability))
    }

    /// The largest message APPEND takes in any folder (RFC 7889 `APPENDLIMIT=n`); `None`
    /// when the server names none, or names limits per folder only (a bare `APPENDLIMIT`).
    pub fn append_limit(&self) -> Option<u64> {
        append_limit_of(self.capabilities())
    }

    /// The underlying connection (for commands this type has no method for).
    pub fn connection(&mut self) -> &mut Connection<S> {
        &mut self.conn
    }

    /// Asks the server for its capabilities.
    pub async fn refresh_capabilities(&mut self) -> Result<&Capabilities, ClientError> {
        self.conn.execute(Command::Capability).await?;
        Ok(self.capabilities())
    }

    /// Logs in with a password, by the strongest means the server offers (SCRAM-SHA-256,
    /// then AUTHENTICATE PLAIN, then LOGIN). See [`Client::authenticate`].
    pub async fn login(&mut self, username: &str, password: &str) -> Result<(), ClientError> {
        let credentials = Credentials::Password {
            username: username.into(),
            password: password.into(),
        };
        self.authenticate(&credentials, AuthMechanism::Auto)
            .await
            .map(|_| ())
    }

    /// Whether the password may go to the server as is (TLS, loopback, or allowed).
    fn may_send_password(&self) -> bool {
        self.conn.is_encrypted() || self.allow_plaintext_password || is_loopback(&self.host)
    }

    /// Logs out and closes the session.
    pub async fn logout(&mut self) -> Result<(), ClientError> {
        match self.conn.execute(Command::Logout).await {
            Ok(_) | Err(ClientError::Closed) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// `localhost`, `127.0.0.0/8`, `::1`: a password sent there does not leave the machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `APPENDLIMIT=n` among `capabilities`.
fn append_limit_of(capabilities: &Capabilities) -> Option<u64> {
    capabilities.iter().find_map(|c| {
        let (name, value) = c.as_str().split_once('=')?;
        if name.eq_ignore_ascii_case("APPENDLIMIT") {
            value.parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod append_limit_tests {
    use webimap_proto::types::core::Capability;

    use super::*;

    #[test]
    fn append_limit_is_read_from_the_capability() {
        let caps =
            |list: &[&str]| Capabilities::new(list.iter().map(|c| Capability::new(*c)).collect());
        assert_eq!(
            append_limit_of(&caps(&["IMAP4rev1", "APPENDLIMIT=35651584"])),
            Some(35_651_584)
        );
        assert_eq!(append_limit_of(&caps(&["appendlimit=10"])), Some(10));
        assert_eq!(append_limit_of(&caps(&["APPENDLIMIT"])), None);
        assert_eq!(append_limit_of(&caps(&["APPENDLIMIT=x"])), None);
        assert_eq!(append_limit_of(&caps(&["IMAP4rev1"])), None);
    }
}
