//! SASL client mechanisms for AUTHENTICATE: PLAIN, LOGIN, XOAUTH2, OAUTHBEARER and
//! SCRAM-SHA-256. Pure computation: the caller supplies randomness (the SCRAM client
//! nonce) and moves the bytes (`Session::send_continuation`). Challenges and responses
//! here are raw bytes; base64 is the session's business.

mod error;
mod oauth;
mod scram;

pub use error::SaslError;
pub use scram::ScramSha256;

use crate::secret::Secret;

/// The client side of one SASL exchange.
#[derive(Debug)]
pub struct SaslClient {
    state: Mechanism,
}

#[derive(Debug)]
enum Mechanism {
    Plain {
        message: Secret<Vec<u8>>,
        sent: bool,
    },
    Login {
        username: Secret<Vec<u8>>,
        password: Secret<Vec<u8>>,
        step: u8,
    },
    XOAuth2 {
        message: Secret<Vec<u8>>,
        sent: bool,
    },
    OAuthBearer {
        message: Secret<Vec<u8>>,
        sent: bool,
    },
    Scram(Box<ScramSha256>),
}

impl SaslClient {
    /// PLAIN (RFC 4616): `authzid NUL authcid NUL password`, in one message.
    pub fn plain(username: &str, password: &str) -> Result<Self, SaslError> {
        if username.contains('\0') || password.contains('\0') {
            return Err(SaslError::Credentials(
                "PLAIN names and passwords cannot contain NUL",
            ));
        }
        let mut message = Vec::with_capacity(username.len() + password.len() + 2);
        message.push(0);
        message.extend_from_slice(username.as_bytes());
        message.push(0);
        message.extend_from_slice(password.as_bytes());
        Ok(Self {
            state: Mechanism::Plain {
                message: Secret::new(message),
                sent: false,
            },
        })
    }

    /// LOGIN (draft-murchison-sasl-login): user name, then password, one per challenge.
    pub fn login(username: &str, password: &str) -> Self {
        Self {
            state: Mechanism::Login {
                username: Secret::new(username.as_bytes().to_vec()),
                password: Secret::new(password.as_bytes().to_vec()),
                step: 0,
            },
        }
    }

    /// XOAUTH2 (Google, Microsoft): `user=U ^A auth=Bearer T ^A ^A`.
    pub fn xoauth2(username: &str, token: &str) -> Result<Self, SaslError> {
        Ok(Self {
            state: Mechanism::XOAuth2 {
                message: Secret::new(oauth::xoauth2(username, token)?),
                sent: false,
            },
        })
    }

    /// OAUTHBEARER (RFC 7628) with the server's host and port.
    pub fn oauthbearer(
        username: &str,
        token: &str,
        host: &str,
        port: u16,
    ) -> Result<Self, SaslError> {
        Ok(Self {
            state: Mechanism::OAuthBearer {
                message: Secret::new(oauth::oauthbearer(username, token, host, port)?),
                sent: false,
            },
        })
    }

    /// SCRAM-SHA-256 (RFC 7677) with a fresh random `client_nonce` (printable ASCII, no
    /// comma; at least 18 characters recommended).
    pub fn scram_sha256(
        username: &str,
        password: &str,
        client_nonce: &str,
    ) -> Result<Self, SaslError> {
        Ok(Self {
            state: Mechanism::Scram(Box::new(ScramSha256::new(
                username,
                password,
                client_nonce,
            )?)),
        })
    }

    /// The mechanism's name for AUTHENTICATE.
    pub fn mechanism(&self) -> &'static str {
        match &self.state {
            Mechanism::Plain { .. } => "PLAIN",
            Mechanism::Login { .. } => "LOGIN",
            Mechanism::XOAuth2 { .. } => "XOAUTH2",
            Mechanism::OAuthBearer { .. } => "OAUTHBEARER",
            Mechanism::Scram(_) => "SCRAM-SHA-256",
        }
    }

    /// The initial response, for SASL-IR (RFC 4959), if the mechanism has one. Taking it
    /// counts as sending it.
    pub fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        match &mut self.state {
            Mechanism::Plain { message, sent }
            | Mechanism::XOAuth2 { message, sent }
            | Mechanism::OAuthBearer { message, sent } => {
                *sent = true;
                Some(message.clone())
            }
            Mechanism::Scram(scram) => Some(scram.client_first()),
            Mechanism::Login { .. } => None,
        }
    }

    /// The response to a (base64-decoded) server challenge.
    pub fn respond(&mut self, challenge: &[u8]) -> Result<Secret<Vec<u8>>, SaslError> {
        match &mut self.state {
            Mechanism::Plain { message, sent }
            | Mechanism::XOAuth2 { message, sent }
            | Mechanism::OAuthBearer { message, sent }
                if !*sent =>
            {
                *sent = true;
                Ok(message.clone())
            }
            // An error report (JSON) after the token: answer so the server can say NO.
            Mechanism::XOAuth2 { .. } => Ok(Secret::new(Vec::new())),
            Mechanism::OAuthBearer { .. } => Ok(Secret::new(vec![0x01])),
            Mechanism::Plain { .. } => Err(SaslError::Unexpected("PLAIN takes one message".into())),
            Mechanism::Login {
                username,
                password,
                step,
            } => {
                *step += 1;
                match *step {
                    1 => Ok(username.clone()),
                    2 => Ok(password.clone()),
                    _ => Err(SaslError::Unexpected("LOGIN takes two messages".into())),
                }
            }
            Mechanism::Scram(scram) => scram.respond(challenge),
        }
    }

    /// After the server's OK: whether the exchange is complete from the client's side
    /// (SCRAM: the server proved it knows the password).
    pub fn finish(&self) -> Result<(), SaslError> {
        match &self.state {
            Mechanism::Scram(scram) if !scram.server_verified() => Err(SaslError::ServerSignature),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_message() {
        let mut c = SaslClient::plain("tim", "tanstaaftanstaaf").unwrap();
        assert_eq!(
            c.initial_response().unwrap().expose(),
            b"\0tim\0tanstaaftanstaaf"
        );
        assert!(c.respond(b"").is_err(), "only one message");
        assert!(SaslClient::plain("a\0b", "x").is_err());
    }

    #[test]
    fn plain_without_sasl_ir_answers_the_first_challenge() {
        let mut c = SaslClient::plain("u", "p").unwrap();
        assert_eq!(c.respond(b"").unwrap().expose(), b"\0u\0p");
    }

    #[test]
    fn login_steps() {
        let mut c = SaslClient::login("user", "pw");
        assert!(c.initial_response().is_none());
        assert_eq!(c.respond(b"Username:").unwrap().expose(), b"user");
        assert_eq!(c.respond(b"Password:").unwrap().expose(), b"pw");
        assert!(c.respond(b"?").is_err());
    }

    #[test]
    fn debug_never_shows_credentials() {
        let c = SaslClient::plain("alice", "hunter2").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        let c = SaslClient::scram_sha256("alice", "hunter2", "abcdefghijklmnopqrstuvwx").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
