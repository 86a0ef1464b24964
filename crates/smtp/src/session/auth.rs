//! SMTP AUTH (RFC 4954) over `webimap_proto::sasl`: which mechanism to use, and one
//! exchange step by step. Pure: replies in, commands out.

use std::fmt;

use base64::{Engine, engine::general_purpose::STANDARD};
use webimap_proto::{
    Secret,
    sasl::{SaslClient, SaslError},
};

use super::event::SessionError;
use crate::{
    capabilities::{Capabilities, Mechanism},
    command::Command,
    reply::Reply,
};

/// What the user signs in with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and password: SCRAM-SHA-256 (when a nonce is given), PLAIN or LOGIN,
    /// the strongest the server offers.
    Password {
        /// The user name.
        username: String,
        /// The password.
        password: Secret<String>,
        /// A fresh random client nonce for SCRAM-SHA-256 (printable ASCII, no comma, 18+
        /// characters). This crate has no randomness; without a nonce SCRAM is skipped.
        scram_nonce: Option<Secret<String>>,
    },
    /// An OAuth 2.0 access token: OAUTHBEARER or XOAUTH2.
    OAuth {
        /// The user name (the mailbox address).
        username: String,
        /// The access token.
        token: Secret<String>,
        /// The server's host name, for OAUTHBEARER.
        host: String,
        /// The server's port, for OAUTHBEARER.
        port: u16,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password {
                username,
                scram_nonce,
                ..
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"<redacted>")
                .field("scram_nonce", &scram_nonce.as_ref().map(|_| "<redacted>"))
                .finish(),
            Credentials::OAuth {
                username,
                host,
                port,
                ..
            } => f
                .debug_struct("OAuth")
                .field("username", username)
                .field("token", &"<redacted>")
                .field("host", host)
                .field("port", port)
                .finish(),
        }
    }
}

impl Credentials {
    /// A user name and password, without SCRAM (see [`Credentials::with_scram_nonce`]).
    pub fn password(username: &str, password: &str) -> Self {
        Credentials::Password {
            username: username.to_string(),
            password: Secret::new(password.to_string()),
            scram_nonce: None,
        }
    }

    /// Allows SCRAM-SHA-256 with this fresh random client nonce.
    #[must_use]
    pub fn with_scram_nonce(self, nonce: &str) -> Self {
        match self {
            Credentials::Password {
                username, password, ..
            } => Credentials::Password {
                username,
                password,
                scram_nonce: Some(Secret::new(nonce.to_string())),
            },
            other => other,
        }
    }

    /// An OAuth access token for the server at `host:port`.
    pub fn oauth(username: &str, token: &str, host: &str, port: u16) -> Self {
        Credentials::OAuth {
            username: username.to_string(),
            token: Secret::new(token.to_string()),
            host: host.to_string(),
            port,
        }
    }

    /// Whether these credentials can run `mechanism`.
    fn fits(&self, mechanism: Mechanism) -> bool {
        match self {
            Credentials::Password { scram_nonce, .. } => match mechanism {
                Mechanism::ScramSha256 => scram_nonce.is_some(),
                Mechanism::Plain | Mechanism::Login => true,
                Mechanism::OAuthBearer | Mechanism::XOAuth2 => false,
            },
            Credentials::OAuth { .. } => {
                matches!(mechanism, Mechanism::OAuthBearer | Mechanism::XOAuth2)
            }
        }
    }

    fn client(&self, mechanism: Mechanism) -> Result<SaslClient, SaslError> {
        match self {
            Credentials::Password {
                username,
                password,
                scram_nonce,
            } => match (mechanism, scram_nonce) {
                (Mechanism::ScramSha256, Some(nonce)) => {
                    SaslClient::scram_sha256(username, password.expose(), nonce.expose())
                }
                (Mechanism::Login, _) => Ok(SaslClient::login(username, password.expose())),
                _ => SaslClient::plain(username, password.expose()),
            },
            Credentials::OAuth {
                username,
                token,
                host,
                port,
            } => match mechanism {
                Mechanism::OAuthBearer => {
                    SaslClient::oauthbearer(username, token.expose(), host, *port)
                }
                _ => SaslClient::xoauth2(username, token.expose()),
            },
        }
    }
}

/// The longest AUTH command line, CRLF included (RFC 4954 section 4).
const MAX_AUTH_LINE: usize = 12_288;

fn base64_len(data: &Secret<Vec<u8>>) -> usize {
    data.expose().len().div_ceil(3) * 4
}

/// What to do after an AUTH reply.
#[derive(Debug)]
pub(crate) enum AuthStep {
    /// Send this line and wait for the next reply.
    Send(Command),
    /// Signed in.
    Done(Mechanism),
    /// Sign-in failed.
    Failed(SessionError),
}

/// One AUTH exchange.
#[derive(Debug)]
pub(crate) struct AuthExchange {
    mechanism: Mechanism,
    sasl: SaslClient,
    /// An initial response too long for the AUTH line, sent on the first challenge.
    deferred: Option<Secret<Vec<u8>>>,
    /// The exchange was cancelled (`*`) for this reason; the next reply ends it.
    cancelled: Option<SaslError>,
}

impl AuthExchange {
    /// Picks the strongest mechanism both sides have and builds the AUTH command.
    pub(crate) fn start(
        credentials: &Credentials,
        capabilities: &Capabilities,
    ) -> Result<(Self, Command), SessionError> {
        let mechanism = capabilities
            .mechanisms
            .iter()
            .copied()
            .find(|&m| credentials.fits(m))
            .ok_or_else(|| SessionError::AuthUnavailable {
                offered: capabilities.mechanisms.clone(),
            })?;
        let mut sasl = credentials.client(mechanism).map_err(SessionError::Sasl)?;
        let mut initial_response = sasl.initial_response();
        // RFC 4954 section 4: an AUTH line may have 12,288 octets; a longer initial
        // response (a large OAuth token) waits for the server's empty challenge instead.
        let mut deferred = None;
        if let Some(response) = &initial_response {
            let line = "AUTH ".len() + mechanism.name().len() + 1 + base64_len(response) + 2;
            if line > MAX_AUTH_LINE {
                deferred = initial_response.take();
            }
        }
        let command = Command::Auth {
            mechanism: mechanism.name(),
            initial_response,
        };
        Ok((
            Self {
                mechanism,
                sasl,
                deferred,
                cancelled: None,
            },
            command,
        ))
    }

    /// The mechanism in use.
    #[cfg(test)]
    fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// Handles the server's reply to the last AUTH line.
    pub(crate) fn on_reply(&mut self, reply: Reply) -> AuthStep {
        if let Some(error) = self.cancelled.take() {
            return AuthStep::Failed(SessionError::Sasl(error));
        }
        match reply.code {
            334 => {
                if let Some(response) = self.deferred.take() {
                    return AuthStep::Send(Command::AuthResponse(response));
                }
                let challenge = match STANDARD.decode(reply.text.trim().as_bytes()) {
                    Ok(challenge) => challenge,
                    Err(_) => {
                        return self.cancel(SaslError::Unexpected(
                            "the server's challenge is not base64".into(),
                        ));
                    }
                };
                match self.sasl.respond(&challenge) {
                    Ok(response) => AuthStep::Send(Command::AuthResponse(response)),
                    Err(error) => self.cancel(error),
                }
            }
            235 => match self.sasl.finish() {
                Ok(()) => AuthStep::Done(self.mechanism),
                Err(error) => AuthStep::Failed(SessionError::Sasl(error)),
            },
            _ => AuthStep::Failed(SessionError::AuthFailed {
                mechanism: self.mechanism,
                reply,
            }),
        }
    }

    fn cancel(&mut self, error: SaslError) -> AuthStep {
        self.cancelled = Some(error);
        AuthStep::Send(Command::AuthCancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(mechanisms: &[Mechanism]) -> Capabilities {
        Capabilities {
            auth: true,
            mechanisms: mechanisms.to_vec(),
            ..Capabilities::default()
        }
    }

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            enhanced: None,
            text: text.into(),
        }
    }

    #[test]
    fn strongest_fitting_mechanism() {
        let all = [
            Mechanism::ScramSha256,
            Mechanism::Plain,
            Mechanism::Login,
            Mechanism::OAuthBearer,
            Mechanism::XOAuth2,
        ];
        let pick = |c: &Credentials, m: &[Mechanism]| {
            AuthExchange::start(c, &caps(m)).map(|(x, _)| x.mechanism())
        };
        let password = Credentials::password("u", "p");
        assert_eq!(
            pick(&password, &all),
            Ok(Mechanism::Plain),
            "no nonce: no SCRAM"
        );
        let scram = password.clone().with_scram_nonce("rOprNGfwEbeRWgbNEkqO");
        assert_eq!(pick(&scram, &all), Ok(Mechanism::ScramSha256));
        assert_eq!(pick(&scram, &[Mechanism::Login]), Ok(Mechanism::Login));
        let oauth = Credentials::oauth("u@x.org", "tok", "smtp.x.org", 587);
        assert_eq!(pick(&oauth, &all), Ok(Mechanism::OAuthBearer));
        assert_eq!(pick(&oauth, &[Mechanism::XOAuth2]), Ok(Mechanism::XOAuth2));
        assert_eq!(
            pick(&oauth, &[Mechanism::Plain]),
            Err(SessionError::AuthUnavailable {
                offered: vec![Mechanism::Plain]
            })
        );
    }

    #[test]
    fn login_exchange() {
        let (mut x, command) = AuthExchange::start(
            &Credentials::password("tim", "tanstaaftanstaaf"),
            &caps(&[Mechanism::Login]),
        )
        .unwrap();
        assert_eq!(command.to_bytes(), b"AUTH LOGIN\r\n");
        let AuthStep::Send(line) = x.on_reply(reply(334, "VXNlcm5hbWU6")) else {
            panic!()
        };
        assert_eq!(line.to_bytes(), b"dGlt\r\n");
        let AuthStep::Send(line) = x.on_reply(reply(334, "UGFzc3dvcmQ6")) else {
            panic!()
        };
        assert_eq!(line.to_bytes(), b"dGFuc3RhYWZ0YW5zdGFhZg==\r\n");
        assert!(matches!(
            x.on_reply(reply(235, "ok")),
            AuthStep::Done(Mechanism::Login)
        ));
    }

    #[test]
    fn a_huge_token_waits_for_the_empty_challenge() {
        let token = "t".repeat(10_000);
        let credentials = Credentials::oauth("u@x.org", &token, "smtp.x.org", 587);
        let (mut x, command) =
            AuthExchange::start(&credentials, &caps(&[Mechanism::XOAuth2])).unwrap();
        assert_eq!(command.to_bytes(), b"AUTH XOAUTH2\r\n");
        let AuthStep::Send(line) = x.on_reply(reply(334, "")) else {
            panic!()
        };
        let line = line.to_bytes();
        assert!(line.len() > 12_288 && line.ends_with(b"\r\n"));
        assert!(matches!(
            x.on_reply(reply(235, "ok")),
            AuthStep::Done(Mechanism::XOAuth2)
        ));
        // A normal token goes on the AUTH line.
        let credentials = Credentials::oauth("u@x.org", "short", "smtp.x.org", 587);
        let (_, command) = AuthExchange::start(&credentials, &caps(&[Mechanism::XOAuth2])).unwrap();
        assert!(command.to_bytes().starts_with(b"AUTH XOAUTH2 "));
    }

    #[test]
    fn bad_challenge_cancels_then_fails() {
        let (mut x, _) =
            AuthExchange::start(&Credentials::password("u", "p"), &caps(&[Mechanism::Login]))
                .unwrap();
        let AuthStep::Send(line) = x.on_reply(reply(334, "!!not base64!!")) else {
            panic!()
        };
        assert_eq!(line.to_bytes(), b"*\r\n");
        assert!(matches!(
            x.on_reply(reply(501, "cancelled")),
            AuthStep::Failed(SessionError::Sasl(_))
        ));
    }

    #[test]
    fn wrong_password() {
        let (mut x, _) =
            AuthExchange::start(&Credentials::password("u", "p"), &caps(&[Mechanism::Plain]))
                .unwrap();
        let step = x.on_reply(reply(535, "Authentication credentials invalid"));
        let AuthStep::Failed(SessionError::AuthFailed { mechanism, reply }) = step else {
            panic!()
        };
        assert_eq!((mechanism, reply.code), (Mechanism::Plain, 535));
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::password("alice", "hunter2").with_scram_nonce("nonce-secret");
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2") && !text.contains("nonce-secret"));
        let c = Credentials::oauth("alice", "ya29.token", "h", 1);
        assert!(!format!("{c:?}").contains("ya29"));
    }
}
