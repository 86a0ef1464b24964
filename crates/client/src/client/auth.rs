//! Authentication: SCRAM-SHA-256, AUTHENTICATE PLAIN (with SASL-IR), LOGIN, XOAUTH2 and
//! OAUTHBEARER, choosing the strongest the server offers unless told otherwise.

use std::fmt;

use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD};
use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::{sasl::SaslClient, types::command::Command};

use super::Client;
use crate::error::{ClientError, Unexpected};

/// What proves who the user is.
#[derive(Clone)]
pub enum Credentials {
    /// A user name and password.
    Password {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// An OAuth 2.0 access token (Gmail, Outlook).
    OAuth2 {
        /// User name (the mail address).
        username: String,
        /// Bearer token.
        token: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .finish_non_exhaustive(),
            Credentials::OAuth2 { username, .. } => f
                .debug_struct("OAuth2")
                .field("username", username)
                .finish_non_exhaustive(),
        }
    }
}

/// Which mechanism to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMechanism {
    /// The strongest the server offers for the credentials.
    Auto,
    /// The LOGIN command.
    Login,
    /// AUTHENTICATE PLAIN.
    Plain,
    /// AUTHENTICATE SCRAM-SHA-256: the password never crosses the wire, and the server
    /// proves it knows it.
    ScramSha256,
    /// AUTHENTICATE XOAUTH2.
    XOAuth2,
    /// AUTHENTICATE OAUTHBEARER.
    OAuthBearer,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Authenticates. Refuses to send a password over an unencrypted connection to a host
    /// that is not loopback (unless allowed in [`super::ConnectOptions`]) — SCRAM is allowed,
    /// since it never sends the password — and honours LOGINDISABLED. Capabilities are
    /// refreshed afterwards if the server did not send them with its OK. Returns the
    /// mechanism used.
    pub async fn authenticate(
        &mut self,
        credentials: &Credentials,
        mechanism: AuthMechanism,
    ) -> Result<AuthMechanism, ClientError> {
        let mechanism = match mechanism {
            AuthMechanism::Auto => self.choose_mechanism(credentials)?,
            chosen => chosen,
        };
        let sends_secret = mechanism != AuthMechanism::ScramSha256;
        if sends_secret && !self.may_send_password() {
            return Err(ClientError::Insecure(format!(
                "the connection to {} is not encrypted; refusing to send the password",
                self.host
            )));
        }
        let before = self.capabilities().clone();
        match (mechanism, credentials) {
            (AuthMechanism::Login, Credentials::Password { username, password }) => {
                if self.capabilities().has("LOGINDISABLED") {
                    return Err(ClientError::Insecure(
                        "the server does not allow LOGIN on this connection".into(),
                    ));
                }
                self.conn
                    .execute(Command::login(username, password)?)
                    .await?;
            }
            (AuthMechanism::Login, Credentials::OAuth2 { .. }) => {
                return Err(ClientError::Invalid(
                    webimap_proto::ValidationError::Credentials,
                ));
            }
            (_, credentials) => {
                let mut sasl = sasl_client(mechanism, credentials, &self.host)?;
                let initial = if self.capabilities().has("SASL-IR") {
                    sasl.initial_response().map(|r| r.expose().clone())
                } else {
                    None
                };
                let command = Command::authenticate(sasl.mechanism(), initial)?;
                self.conn.authenticate(command, &mut sasl).await?;
            }
        }
        if *self.capabilities() == before {
            self.refresh_capabilities().await?;
        }
        Ok(mechanism)
    }

    fn choose_mechanism(&self, credentials: &Credentials) -> Result<AuthMechanism, ClientError> {
        let caps = self.capabilities();
        let offered = |m: &str| caps.auth_mechanisms().any(|a| a.eq_ignore_ascii_case(m));
        Ok(match credentials {
            Credentials::Password { .. } => {
                if offered("SCRAM-SHA-256") {
                    AuthMechanism::ScramSha256
                } else if offered("PLAIN") {
                    AuthMechanism::Plain
                } else {
                    AuthMechanism::Login
                }
            }
            Credentials::OAuth2 { .. } => {
                if offered("OAUTHBEARER") {
                    AuthMechanism::OAuthBearer
                } else if offered("XOAUTH2") {
                    AuthMechanism::XOAuth2
                } else {
                    return Err(ClientError::Insecure(
                        "the server offers no OAuth 2.0 mechanism".into(),
                    ));
                }
            }
        })
    }
}

fn sasl_client(
    mechanism: AuthMechanism,
    credentials: &Credentials,
    host: &str,
) -> Result<SaslClient, ClientError> {
    Ok(match (mechanism, credentials) {
        (AuthMechanism::Plain, Credentials::Password { username, password }) => {
            SaslClient::plain(username, password)?
        }
        (AuthMechanism::ScramSha256, Credentials::Password { username, password }) => {
            SaslClient::scram_sha256(username, password, &client_nonce()?)?
        }
        (AuthMechanism::XOAuth2, Credentials::OAuth2 { username, token }) => {
            SaslClient::xoauth2(username, token)?
        }
        (AuthMechanism::OAuthBearer, Credentials::OAuth2 { username, token }) => {
            // RFC 7628 wants the server's host and port; the port is informational.
            SaslClient::oauthbearer(username, token, host, 993)?
        }
        _ => {
            return Err(ClientError::Invalid(
                webimap_proto::ValidationError::Credentials,
            ));
        }
    })
}

/// 24 random bytes, base64 (no padding, no comma): the SCRAM client nonce.
fn client_nonce() -> Result<String, ClientError> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| ClientError::Unexpected(Unexpected::NoRandomness))?;
    Ok(STANDARD_NO_PAD.encode(bytes))
}
