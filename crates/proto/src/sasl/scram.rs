//! SCRAM-SHA-256 (RFC 5802, RFC 7677), client side, without channel binding (`n,,`).

use std::fmt;

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::error::SaslError;
use crate::secret::Secret;

type HmacSha256 = Hmac<Sha256>;

/// Server iteration counts above this are refused (a hostile server could make the
/// client spin; RFC 7677 recommends 4096).
const MAX_ITERATIONS: u32 = 1_000_000;

/// One SCRAM-SHA-256 exchange.
pub struct ScramSha256 {
    password: Secret<Vec<u8>>,
    client_first_bare: String,
    client_nonce: String,
    state: State,
}

enum State {
    Initial,
    SentFirst,
    SentFinal { server_signature: [u8; 32] },
    Verified,
}

impl fmt::Debug for ScramSha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramSha256")
            .field("client_first_bare", &self.client_first_bare)
            .finish_non_exhaustive()
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length: new_from_slice cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl ScramSha256 {
    pub(super) fn new(
        username: &str,
        password: &str,
        client_nonce: &str,
    ) -> Result<Self, SaslError> {
        if client_nonce.is_empty()
            || !client_nonce
                .bytes()
                .all(|b| (0x21..=0x7e).contains(&b) && b != b',')
        {
            return Err(SaslError::Credentials(
                "the SCRAM nonce must be printable ASCII without commas",
            ));
        }
        if username.contains('\0') {
            return Err(SaslError::Credentials("the user name contains NUL"));
        }
        let user = username.replace('=', "=3D").replace(',', "=2C");
        Ok(Self {
            password: Secret::new(password.as_bytes().to_vec()),
            client_first_bare: format!("n={user},r={client_nonce}"),
            client_nonce: client_nonce.to_string(),
            state: State::Initial,
        })
    }

    /// `n,,n=user,r=nonce`.
    pub(super) fn client_first(&mut self) -> Secret<Vec<u8>> {
        self.state = State::SentFirst;
        Secret::new(format!("n,,{}", self.client_first_bare).into_bytes())
    }

    pub(super) fn server_verified(&self) -> bool {
        matches!(self.state, State::Verified)
    }

    pub(super) fn respond(&mut self, challenge: &[u8]) -> Result<Secret<Vec<u8>>, SaslError> {
        match std::mem::replace(&mut self.state, State::Initial) {
            State::Initial if challenge.is_empty() => Ok(self.client_first()),
            State::SentFirst => self.client_final(challenge),
            State::SentFinal { server_signature } => {
                let text = std::str::from_utf8(challenge)
                    .map_err(|_| SaslError::Unexpected("not UTF-8".into()))?;
                if let Some(e) = attribute(text, 'e') {
                    return Err(SaslError::Server(e.to_string()));
                }
                let v =
                    attribute(text, 'v').ok_or_else(|| SaslError::Unexpected(text.to_string()))?;
                let v = STANDARD
                    .decode(v)
                    .map_err(|_| SaslError::Unexpected("bad server signature".into()))?;
                if v.as_slice() != server_signature.as_slice() {
                    return Err(SaslError::ServerSignature);
                }
                self.state = State::Verified;
                Ok(Secret::new(Vec::new()))
            }
            State::Verified | State::Initial => {
                Err(SaslError::Unexpected("exchange already complete".into()))
            }
        }
    }

    fn client_final(&mut self, server_first: &[u8]) -> Result<Secret<Vec<u8>>, SaslError> {
        let text = std::str::from_utf8(server_first)
            .map_err(|_| SaslError::Unexpected("not UTF-8".into()))?;
        if let Some(e) = attribute(text, 'e') {
            return Err(SaslError::Server(e.to_string()));
        }
        let nonce = attribute(text, 'r').ok_or_else(|| SaslError::Unexpected("no nonce".into()))?;
        if !nonce.starts_with(&self.client_nonce) || nonce.len() == self.client_nonce.len() {
            return Err(SaslError::Unexpected(
                "the server nonce does not extend ours".into(),
            ));
        }
        let salt = attribute(text, 's')
            .and_then(|s| STANDARD.decode(s).ok())
            .ok_or_else(|| SaslError::Unexpected("no salt".into()))?;
        let iterations: u32 = attribute(text, 'i')
            .and_then(|i| i.parse().ok())
            .filter(|i| (1..=MAX_ITERATIONS).contains(i))
            .ok_or_else(|| SaslError::Unexpected("bad iteration count".into()))?;

        let mut salted = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(self.password.expose(), &salt, iterations, &mut salted);
        let client_key = hmac(&salted, b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{},{}", self.client_first_bare, text, without_proof);
        let client_signature = hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(client_signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = hmac(&salted, b"Server Key");
        let server_signature = hmac(&server_key, auth_message.as_bytes());
        self.state = State::SentFinal { server_signature };
        Ok(Secret::new(
            format!("{without_proof},p={}", STANDARD.encode(proof)).into_bytes(),
        ))
    }
}

/// The value of `name=` in a comma-separated SCRAM message.
fn attribute(message: &str, name: char) -> Option<&str> {
    message.split(',').find_map(|part| {
        let mut chars = part.chars();
        (chars.next() == Some(name) && chars.next() == Some('=')).then(|| &part[2..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677 section 3.
    #[test]
    fn rfc7677_test_vector() {
        let mut s = ScramSha256::new("user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
        assert_eq!(
            s.client_first().expose(),
            b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
        );
        let server_first = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let client_final = s.respond(server_first).unwrap();
        assert_eq!(
            client_final.expose().as_slice(),
            b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert!(!s.server_verified());
        s.respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
        assert!(s.server_verified());
    }

    #[test]
    fn a_wrong_server_signature_is_refused() {
        let mut s = ScramSha256::new("user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
        s.client_first();
        s.respond(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").unwrap();
        assert_eq!(
            s.respond(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            Err(SaslError::ServerSignature)
        );
    }

    #[test]
    fn hostile_server_first_messages() {
        for bad in [
            &b"r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"[..],
            b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqOx,s=!!,i=4096",
            b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4000000000",
            b"e=invalid-proof",
            b"\xff",
        ] {
            let mut s = ScramSha256::new("user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
            s.client_first();
            assert!(s.respond(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
