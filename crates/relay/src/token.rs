//! Shared-secret tokens: who may open tunnels when the relay is not open to everyone who can
//! load the page.
//!
//! A browser sends its token either in the cookie [`COOKIE_NAME`] or as a WebSocket
//! subprotocol `webimap.token.<TOKEN>` next to the plain [`PROTOCOL`] (`new WebSocket(url,
//! ["webimap", "webimap.token." + token])`); the relay answers with `webimap` only, so the
//! token never comes back. Several tokens may be valid at once (rotation: add the new one,
//! move clients over, remove the old one).
//!
//! Comparison is constant time: both the candidate and every configured token are hashed
//! with SHA-256 and the digests compared with [`subtle`], against every token, without an
//! early exit; so neither the position of the first wrong byte nor the token's length
//! shows in the timing. Tokens never appear in `Debug` output or logs.

use std::{fmt, path::Path, str::FromStr};

use sha2::{Digest as _, Sha256};
use subtle::{Choice, ConstantTimeEq as _};

/// The cookie a browser may carry its token in.
pub const COOKIE_NAME: &str = "webimap_relay_token";
/// The WebSocket subprotocol the relay selects (echoed back instead of the token).
pub const PROTOCOL: &str = "webimap";
/// Prefix of the subprotocol value that carries a token.
pub const PROTOCOL_TOKEN_PREFIX: &str = "webimap.token.";
/// Environment variable with tokens (separated by commas or whitespace).
pub const ENV_VAR: &str = "WEBIMAP_RELAY_TOKENS";
/// Shortest token accepted in the configuration.
pub const MIN_TOKEN_LEN: usize = 16;

/// One configured token; only its SHA-256 digest is kept.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    digest: [u8; 32],
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A token that cannot be used. The message never contains the token itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Too short to be a secret.
    #[error("token is {0} characters long; at least {MIN_TOKEN_LEN} are required")]
    TooShort(usize),
    /// A character outside `A-Z a-z 0-9 - . _ ~` (the token must fit a cookie and a
    /// WebSocket subprotocol name).
    #[error(
        "token contains a character other than A-Z a-z 0-9 - . _ ~ (e.g. use `openssl rand -hex 32`)"
    )]
    BadCharacter,
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl FromStr for Token {
    type Err = TokenError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        {
            return Err(TokenError::BadCharacter);
        }
        if text.len() < MIN_TOKEN_LEN {
            return Err(TokenError::TooShort(text.len()));
        }
        Ok(Self {
            digest: digest(text.as_bytes()),
        })
    }
}

/// The set of valid tokens. Empty: no token is required.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    tokens: Vec<Token>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tokens({} configured, redacted)", self.tokens.len())
    }
}

/// Where a request's token came from, if it carried one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presented {
    /// No token at all.
    Missing,
    /// A token that matches no configured one.
    Invalid,
    /// A valid token.
    Valid,
}

impl Tokens {
    /// These tokens.
    #[must_use]
    pub fn new(tokens: Vec<Token>) -> Self {
        Self { tokens }
    }

    /// Whether tokens are required (at least one is configured).
    #[must_use]
    pub fn required(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// How many tokens are valid.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no token is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Adds `other`'s tokens.
    pub fn extend(&mut self, other: Self) {
        self.tokens.extend(other.tokens);
    }

    /// Parses tokens from text: one per line, or separated by commas or whitespace; blank
    /// lines and lines starting with `#` are skipped.
    ///
    /// # Errors
    ///
    /// The first unusable token's [`TokenError`], with its line number (1-based).
    pub fn parse_list(text: &str) -> Result<Self, (usize, TokenError)> {
        let mut tokens = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            for word in line
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
            {
                tokens.push(word.parse().map_err(|e| (number + 1, e))?);
            }
        }
        Ok(Self { tokens })
    }

    /// Reads a token file (see [`Tokens::parse_list`]).
    ///
    /// # Errors
    ///
    /// A message naming the file and line; never the token.
    pub fn read_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read token file {}: {e}", path.display()))?;
        Self::parse_list(&text)
            .map_err(|(line, e)| format!("token file {} line {line}: {e}", path.display()))
    }

    /// Whether `candidate` is one of the tokens, in constant time.
    #[must_use]
    pub fn matches(&self, candidate: &[u8]) -> bool {
        let candidate = digest(candidate);
        let mut found = Choice::from(0);
        for token in &self.tokens {
            found |= token.digest.ct_eq(&candidate);
        }
        found.into()
    }

    /// Checks the tokens a request carries: every `webimap_relay_token` cookie in
    /// `cookies` (values of `Cookie` headers) and every `webimap.token.` subprotocol in
    /// `protocols` (values of `Sec-WebSocket-Protocol` headers). One valid token suffices.
    pub(crate) fn check<'a>(
        &self,
        cookies: impl IntoIterator<Item = &'a [u8]>,
        protocols: impl IntoIterator<Item = &'a [u8]>,
    ) -> Presented {
        let from_cookies = cookies.into_iter().flat_map(|header| {
            header.split(|&b| b == b';').filter_map(|pair| {
                let pair = pair.trim_ascii();
                let (name, value) = split_once(pair, b'=')?;
                (name.trim_ascii() == COOKIE_NAME.as_bytes()).then(|| {
                    let value = value.trim_ascii();
                    value
                        .strip_prefix(b"\"")
                        .and_then(|v| v.strip_suffix(b"\""))
                        .unwrap_or(value)
                })
            })
        });
        let from_protocols = protocols.into_iter().flat_map(|header| {
            header.split(|&b| b == b',').filter_map(|proto| {
                proto
                    .trim_ascii()
                    .strip_prefix(PROTOCOL_TOKEN_PREFIX.as_bytes())
            })
        });
        let mut presented = Presented::Missing;
        for candidate in from_cookies.chain(from_protocols) {
            if self.matches(candidate) {
                return Presented::Valid;
            }
            presented = Presented::Invalid;
        }
        presented
    }
}

fn split_once(bytes: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&b| b == sep)?;
    Some((&bytes[..at], &bytes[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaa-1";
    const B: &str = "bbbbbbbbbbbbbbbb-2";

    fn tokens() -> Tokens {
        Tokens::parse_list(&format!("# team tokens\n{A}\n\n{B}\n")).unwrap_or_default()
    }

    #[test]
    fn parses_and_matches() {
        let t = tokens();
        assert_eq!(t.len(), 2);
        assert!(t.matches(A.as_bytes()));
        assert!(t.matches(B.as_bytes()));
        assert!(!t.matches(b"aaaaaaaaaaaaaaaa-3"));
        assert!(!t.matches(b""));
        assert_eq!(
            Tokens::parse_list(&format!("{A}, {B}")).map(|t| t.len()),
            Ok(2)
        );
    }

    #[test]
    fn rejects_weak_or_unusable_tokens_without_echoing_them() {
        assert_eq!(
            Tokens::parse_list("short").err(),
            Some((1, TokenError::TooShort(5)))
        );
        let err = Tokens::parse_list(&format!("{A}\nsecret;with-semicolon\n")).err();
        assert_eq!(err, Some((2, TokenError::BadCharacter)));
        assert!(!TokenError::BadCharacter.to_string().contains("semicolon"));
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?} {:?}", tokens(), A.parse::<Token>());
        assert!(!text.contains("aaaa"), "{text}");
        assert!(text.contains("2 configured"), "{text}");
    }

    #[test]
    fn finds_tokens_in_cookies_and_protocols() {
        let t = tokens();
        let cookie = format!("theme=dark; {COOKIE_NAME}={A}; x=1");
        let quoted = format!("{COOKIE_NAME}=\"{B}\"");
        let proto = format!("webimap, {PROTOCOL_TOKEN_PREFIX}{B}");
        let none: [&[u8]; 0] = [];
        assert_eq!(t.check([cookie.as_bytes()], none), Presented::Valid);
        assert_eq!(t.check([quoted.as_bytes()], none), Presented::Valid);
        assert_eq!(t.check(none, [proto.as_bytes()]), Presented::Valid);
        assert_eq!(t.check([&b"theme=dark"[..]], none), Presented::Missing);
        assert_eq!(t.check(none, [&b"webimap"[..]]), Presented::Missing);
        let wrong = format!("{COOKIE_NAME}=nope-nope-nope-nope");
        assert_eq!(t.check([wrong.as_bytes()], none), Presented::Invalid);
        // A wrong cookie does not spoil a valid protocol token.
        assert_eq!(
            t.check([wrong.as_bytes()], [proto.as_bytes()]),
            Presented::Valid
        );
    }
}
