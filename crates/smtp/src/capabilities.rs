//! What the server offers, from its EHLO reply (RFC 5321 section 4.1.1.1), parsed by
//! smtp-proto's `EhloResponse` and reduced to what a submission client uses.

use std::fmt;

use smtp_proto::{
    AUTH_LOGIN, AUTH_OAUTHBEARER, AUTH_PLAIN, AUTH_SCRAM_SHA_256, AUTH_XOAUTH2, EXT_8BIT_MIME,
    EXT_AUTH, EXT_CHUNKING, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE, EXT_SMTP_UTF8,
    EXT_START_TLS, EhloResponse,
};
use thiserror::Error;

/// A SASL mechanism this crate can run (through `webimap_proto::sasl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// SCRAM-SHA-256 (RFC 7677): the password never crosses the wire, and the server
    /// proves it knows it.
    ScramSha256,
    /// PLAIN (RFC 4616).
    Plain,
    /// LOGIN (draft-murchison-sasl-login).
    Login,
    /// OAUTHBEARER (RFC 7628).
    OAuthBearer,
    /// XOAUTH2 (Google, Microsoft).
    XOAuth2,
}

impl Mechanism {
    /// The name on the AUTH line.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::XOAuth2 => "XOAUTH2",
        }
    }

    const ALL: [(Mechanism, u64); 5] = [
        (Mechanism::ScramSha256, AUTH_SCRAM_SHA_256),
        (Mechanism::Plain, AUTH_PLAIN),
        (Mechanism::Login, AUTH_LOGIN),
        (Mechanism::OAuthBearer, AUTH_OAUTHBEARER),
        (Mechanism::XOAuth2, AUTH_XOAUTH2),
    ];
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The EHLO keywords a submission client acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// The name the server gave on its first EHLO line.
    pub server_name: String,
    /// SIZE (RFC 1870): `None` when not offered; `Some(0)` offered without a stated limit.
    pub size: Option<u64>,
    /// PIPELINING (RFC 2920).
    pub pipelining: bool,
    /// CHUNKING (RFC 3030): BDAT.
    pub chunking: bool,
    /// 8BITMIME (RFC 6152).
    pub eight_bit_mime: bool,
    /// SMTPUTF8 (RFC 6531).
    pub smtputf8: bool,
    /// STARTTLS (RFC 3207).
    pub starttls: bool,
    /// ENHANCEDSTATUSCODES (RFC 2034).
    pub enhanced_status_codes: bool,
    /// AUTH (RFC 4954) was offered, with whatever mechanisms.
    pub auth: bool,
    /// The offered mechanisms this crate can run, strongest first.
    pub mechanisms: Vec<Mechanism>,
}

/// The EHLO reply could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the server's EHLO reply cannot be read ({reason})")]
pub struct CapabilitiesError {
    /// What went wrong, in smtp-proto's words.
    pub reason: String,
}

impl Capabilities {
    /// Parses the raw bytes of a complete `250` EHLO reply.
    pub fn from_ehlo(raw: &[u8]) -> Result<Self, CapabilitiesError> {
        let ehlo = EhloResponse::parse(&mut raw.iter()).map_err(|e| CapabilitiesError {
            reason: e.to_string(),
        })?;
        let has = |flag| ehlo.has_capability(flag);
        let mut mechanisms: Vec<Mechanism> = Mechanism::ALL
            .iter()
            .filter(|(_, flag)| ehlo.auth() & flag != 0)
            .map(|(mechanism, _)| *mechanism)
            .collect();
        mechanisms.sort();
        Ok(Self {
            server_name: ehlo.hostname.clone(),
            size: has(EXT_SIZE).then(|| declared_size(raw).unwrap_or(0)),
            pipelining: has(EXT_PIPELINING),
            chunking: has(EXT_CHUNKING),
            eight_bit_mime: has(EXT_8BIT_MIME),
            smtputf8: has(EXT_SMTP_UTF8),
            starttls: has(EXT_START_TLS),
            enhanced_status_codes: has(EXT_ENHANCED_STATUS_CODES),
            auth: has(EXT_AUTH),
            mechanisms,
        })
    }

    /// The size limit the server stated, if any (SIZE with a non-zero value).
    pub fn size_limit(&self) -> Option<u64> {
        self.size.filter(|&limit| limit > 0)
    }
}

/// RFC 1870's `SIZE [number]`, read as a `u64`: smtp-proto reads a `usize` (32 bits on
/// wasm32) and mangles values past its range. A value that is not a number, or does not
/// fit, states no limit (0).
fn declared_size(raw: &[u8]) -> Option<u64> {
    raw.split(|&b| b == b'\n').skip(1).find_map(|line| {
        let text = std::str::from_utf8(line.get(4..)?).ok()?;
        let mut words = text.split_ascii_whitespace();
        if !words.next()?.eq_ignore_ascii_case("SIZE") {
            return None;
        }
        Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dovecot_submission() {
        let raw = b"250-mail.example.org\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n\
250-BURL imap\r\n250-CHUNKING\r\n250-ENHANCEDSTATUSCODES\r\n250-SIZE 10240000\r\n\
250-STARTTLS\r\n250 PIPELINING\r\n";
        let caps = Capabilities::from_ehlo(raw).unwrap();
        assert_eq!(caps.server_name, "mail.example.org");
        assert_eq!(caps.size, Some(10_240_000));
        assert_eq!(caps.size_limit(), Some(10_240_000));
        assert!(caps.pipelining && caps.chunking && caps.eight_bit_mime && caps.starttls);
        assert!(caps.enhanced_status_codes && caps.auth);
        assert!(!caps.smtputf8);
        assert_eq!(caps.mechanisms, vec![Mechanism::Plain, Mechanism::Login]);
    }

    /// EHLO replies as big providers and common servers send them.
    #[test]
    fn real_world_ehlo_replies() {
        let gmail = "250-smtp.gmail.com at your service, [192.0.2.1]\r\n250-SIZE 35882577\r\n\
250-8BITMIME\r\n250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n\
250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n";
        let caps = Capabilities::from_ehlo(gmail.as_bytes()).unwrap();
        assert_eq!(caps.size, Some(35_882_577));
        assert!(caps.pipelining && caps.chunking && caps.smtputf8 && caps.eight_bit_mime);
        assert_eq!(
            caps.mechanisms,
            vec![
                Mechanism::Plain,
                Mechanism::Login,
                Mechanism::OAuthBearer,
                Mechanism::XOAuth2
            ]
        );

        let outlook = "250-AM0PR02CA0001.outlook.office365.com Hello [192.0.2.1]\r\n\
250-SIZE 157286400\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n\
250-AUTH LOGIN XOAUTH2\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n";
        let caps = Capabilities::from_ehlo(outlook.as_bytes()).unwrap();
        assert_eq!(caps.mechanisms, vec![Mechanism::Login, Mechanism::XOAuth2]);
        assert!(caps.chunking && caps.pipelining);

        let exim = "250-mail.example.com Hello foo [192.0.2.1]\r\n250-SIZE 52428800\r\n\
250-8BITMIME\r\n250-PIPELINING\r\n250-PIPE_CONNECT\r\n250-AUTH PLAIN LOGIN\r\n\
250-CHUNKING\r\n250-STARTTLS\r\n250-PRDR\r\n250 HELP\r\n";
        let caps = Capabilities::from_ehlo(exim.as_bytes()).unwrap();
        assert!(caps.starttls && caps.chunking && caps.pipelining);
        assert_eq!(caps.mechanisms, vec![Mechanism::Plain, Mechanism::Login]);

        let postfix = "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n\
250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n\
250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n";
        let caps = Capabilities::from_ehlo(postfix.as_bytes()).unwrap();
        assert!(caps.starttls && caps.chunking && caps.smtputf8);
        assert_eq!(caps.size, Some(10_240_000));
        assert_eq!(caps.mechanisms, vec![Mechanism::Plain, Mechanism::Login]);
    }

    #[test]
    fn strongest_mechanism_first() {
        let raw = b"250-x\r\n250 AUTH LOGIN XOAUTH2 PLAIN SCRAM-SHA-256 OAUTHBEARER CRAM-MD5\r\n";
        let caps = Capabilities::from_ehlo(raw).unwrap();
        assert_eq!(
            caps.mechanisms,
            vec![
                Mechanism::ScramSha256,
                Mechanism::Plain,
                Mechanism::Login,
                Mechanism::OAuthBearer,
                Mechanism::XOAuth2
            ]
        );
        assert_eq!(caps.size, None);
    }

    #[test]
    fn size_without_a_value_means_no_stated_limit() {
        let caps = Capabilities::from_ehlo(b"250-x\r\n250 SIZE\r\n").unwrap();
        assert_eq!(caps.size, Some(0));
        assert_eq!(caps.size_limit(), None);
    }

    #[test]
    fn size_values_beyond_32_bits_and_beyond_reason() {
        let caps =
            Capabilities::from_ehlo(b"250-x\r\n250-SIZE 5000000000\r\n250 HELP\r\n").unwrap();
        assert_eq!(caps.size_limit(), Some(5_000_000_000));
        let huge = b"250-x\r\n250-SIZE 99999999999999999999999\r\n250 PIPELINING\r\n";
        let caps = Capabilities::from_ehlo(huge).unwrap();
        assert_eq!(caps.size, Some(0), "no usable limit, not a mangled one");
        assert!(caps.pipelining);
        let caps = Capabilities::from_ehlo(b"250-x\r\n250 size abc\r\n").unwrap();
        assert_eq!(caps.size, Some(0));
    }

    #[test]
    fn one_line_ehlo_offers_nothing() {
        let caps = Capabilities::from_ehlo(b"250 x\r\n").unwrap();
        assert_eq!(caps.server_name, "x");
        assert!(!caps.pipelining && caps.mechanisms.is_empty());
    }

    #[test]
    fn non_250_is_an_error() {
        assert!(Capabilities::from_ehlo(b"502 no\r\n").is_err());
    }
}
