//! Envelope addresses (RFC 5321 section 4.1.2 `Mailbox`) and the client's EHLO name,
//! validated on construction so that no user input can end a command line early or add
//! a parameter: no CR, LF, NUL, `<`, `>`, space or other control character, and the local
//! part a dot-string or quoted string (UTF-8 allowed, RFC 6531).
//!
//! Domains must already be ASCII. This crate has no IDNA tables (they would swell the
//! wasm); a non-ASCII domain is reported as [`AddressError::DomainNeedsConversion`] and the
//! caller converts it (in the browser: `new URL("http://" + domain).hostname`) and builds
//! the address again with [`Address::with_domain`].

use std::fmt;

use thiserror::Error;

/// RFC 5321 section 4.5.3.1.1: at most 64 octets of local part.
const MAX_LOCAL: usize = 64;
/// RFC 5321 section 4.5.3.1.2: at most 255 octets of domain.
const MAX_DOMAIN: usize = 255;
/// RFC 5321 section 4.5.3.1.3: a path is at most 256 octets with its angle brackets.
const MAX_PATH: usize = 254;

/// Why a string is not an envelope address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddressError {
    /// Nothing before or after the `@`, or no `@` at all.
    #[error("\"{address}\" is not an email address (it needs a name, an @ and a domain)")]
    Incomplete {
        /// The text as given.
        address: String,
    },
    /// A character that cannot appear in an envelope address.
    #[error("an email address cannot contain {}", describe(*character))]
    Forbidden {
        /// The character.
        character: char,
    },
    /// Longer than SMTP allows.
    #[error("the email address is too long ({part} may have at most {max} bytes)")]
    TooLong {
        /// Which part.
        part: &'static str,
        /// The limit in bytes.
        max: usize,
    },
    /// The part before the `@` is neither a dot-string nor a quoted string (RFC 5321
    /// section 4.1.2): an unquoted `@`, `,`, `"`, two dots in a row, …
    #[error("\"{local}\" is not a valid name before the @ of an email address")]
    BadLocalPart {
        /// The local part as given.
        local: String,
    },
    /// The domain is not a valid host name or address literal.
    #[error("\"{domain}\" is not a valid mail domain")]
    BadDomain {
        /// The domain as given.
        domain: String,
    },
    /// The domain has non-ASCII characters: convert it to its ASCII (punycode) form and
    /// call [`Address::with_domain`] with `local` and the result.
    #[error("the domain \"{domain}\" must be converted to its ASCII form first")]
    DomainNeedsConversion {
        /// The local part, already checked.
        local: String,
        /// The domain to convert.
        domain: String,
    },
}

fn describe(c: char) -> String {
    match c {
        '\r' | '\n' => "a line break".into(),
        '\0' => "a NUL character".into(),
        ' ' => "a space".into(),
        '<' | '>' => format!("\"{c}\""),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("\"{c}\""),
    }
}

fn check_characters(text: &str) -> Result<(), AddressError> {
    match text
        .chars()
        .find(|&c| c.is_control() || matches!(c, ' ' | '<' | '>'))
    {
        Some(character) => Err(AddressError::Forbidden { character }),
        None => Ok(()),
    }
}

/// Checks an ASCII domain: dot-separated labels of letters, digits and hyphens, or an
/// address literal such as `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
fn check_ascii_domain(domain: &str) -> Result<(), AddressError> {
    let bad = || AddressError::BadDomain {
        domain: domain.to_string(),
    };
    if domain.len() > MAX_DOMAIN {
        return Err(AddressError::TooLong {
            part: "the domain",
            max: MAX_DOMAIN,
        });
    }
    if let Some(literal) = domain.strip_prefix('[') {
        let inner = literal.strip_suffix(']').ok_or_else(bad)?;
        let fine = !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'-'));
        return if fine { Ok(()) } else { Err(bad()) };
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A mailbox for MAIL FROM or RCPT TO: `local@domain`, domain in ASCII.
///
/// The local part may be non-ASCII (RFC 6531); such an address needs a server that offers
/// SMTPUTF8 ([`Address::needs_smtputf8`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    text: String,
    at: usize,
}

impl Address {
    /// Parses `local@domain` (the last `@` separates them).
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        check_characters(text)?;
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err(AddressError::Incomplete {
                address: text.to_string(),
            });
        };
        if local.is_empty() || domain.is_empty() {
            return Err(AddressError::Incomplete {
                address: text.to_string(),
            });
        }
        if !domain.is_ascii() {
            // The local part is checked first, so the caller converts only what is worth it.
            check_local(local)?;
            return Err(AddressError::DomainNeedsConversion {
                local: local.to_string(),
                domain: domain.to_string(),
            });
        }
        Self::with_domain(local, domain)
    }

    /// Builds an address from a local part and an ASCII (converted) domain.
    pub fn with_domain(local: &str, ascii_domain: &str) -> Result<Self, AddressError> {
        check_characters(local)?;
        check_characters(ascii_domain)?;
        if local.is_empty() || ascii_domain.is_empty() {
            return Err(AddressError::Incomplete {
                address: format!("{local}@{ascii_domain}"),
            });
        }
        check_local(local)?;
        if !ascii_domain.is_ascii() {
            return Err(AddressError::DomainNeedsConversion {
                local: local.to_string(),
                domain: ascii_domain.to_string(),
            });
        }
        check_ascii_domain(ascii_domain)?;
        let text = format!("{local}@{ascii_domain}");
        if text.len() > MAX_PATH {
            return Err(AddressError::TooLong {
                part: "the whole address",
                max: MAX_PATH,
            });
        }
        Ok(Self {
            text,
            at: local.len(),
        })
    }

    /// The address as sent between `<` and `>`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The part before the `@`.
    pub fn local(&self) -> &str {
        self.text.get(..self.at).unwrap_or_default()
    }

    /// The ASCII domain.
    pub fn domain(&self) -> &str {
        self.text.get(self.at + 1..).unwrap_or_default()
    }

    /// Whether the local part has non-ASCII characters (RFC 6531 SMTPUTF8 needed).
    pub fn needs_smtputf8(&self) -> bool {
        !self.text.is_ascii()
    }
}

/// RFC 5321 `Local-part = Dot-string / Quoted-string`, with RFC 6531's UTF-8 allowed in
/// both (space and controls were refused before).
fn check_local(local: &str) -> Result<(), AddressError> {
    if local.len() > MAX_LOCAL {
        return Err(AddressError::TooLong {
            part: "the part before the @",
            max: MAX_LOCAL,
        });
    }
    let bad = || AddressError::BadLocalPart {
        local: local.to_string(),
    };
    if let Some(quoted) = local.strip_prefix('"') {
        let inner = quoted.strip_suffix('"').ok_or_else(bad)?;
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                // quoted-pairSMTP: a backslash and any printable ASCII.
                '\\' => {
                    chars
                        .next()
                        .filter(|n| n.is_ascii_graphic())
                        .ok_or_else(bad)?;
                }
                '"' => return Err(bad()),
                _ => {}
            }
        }
        return Ok(());
    }
    let atext =
        |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii();
    if local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(atext))
    {
        Ok(())
    } else {
        Err(bad())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The name the client gives in EHLO/HELO: an ASCII domain or an address literal.
/// A browser does not know its own host name; the default is `[127.0.0.1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

impl ClientName {
    /// Checks a host name or address literal (`[192.0.2.1]`).
    pub fn new(name: &str) -> Result<Self, AddressError> {
        check_characters(name)?;
        if name.is_empty() {
            return Err(AddressError::BadDomain {
                domain: String::new(),
            });
        }
        if !name.is_ascii() {
            return Err(AddressError::DomainNeedsConversion {
                local: String::new(),
                domain: name.to_string(),
            });
        }
        check_ascii_domain(name)?;
        Ok(Self(name.to_string()))
    }

    /// The name as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ClientName {
    fn default() -> Self {
        Self("[127.0.0.1]".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_address() {
        let a = Address::parse("alice@example.org").unwrap();
        assert_eq!(a.as_str(), "alice@example.org");
        assert_eq!(a.local(), "alice");
        assert_eq!(a.domain(), "example.org");
        assert!(!a.needs_smtputf8());
    }

    #[test]
    fn injection_characters_are_refused() {
        for bad in [
            "a@b.org\r\nRCPT TO:<evil@x.org>",
            "a@b.org>",
            "<a@b.org",
            "a b@c.org",
            "a@b.org SIZE=1",
            "a\0@b.org",
            "a@b.org\n",
            "a\t@b.org",
        ] {
            assert!(
                matches!(Address::parse(bad), Err(AddressError::Forbidden { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Address::with_domain("a", "b.org\r\nQUIT"),
            Err(AddressError::Forbidden { .. })
        ));
    }

    #[test]
    fn incomplete_addresses() {
        for bad in ["alice", "@example.org", "alice@", ""] {
            assert!(
                matches!(Address::parse(bad), Err(AddressError::Incomplete { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn non_ascii_domain_asks_for_conversion() {
        let err = Address::parse("jörg@bücher.example").unwrap_err();
        let AddressError::DomainNeedsConversion { local, domain } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            (local.as_str(), domain.as_str()),
            ("jörg", "bücher.example")
        );
        // The caller converts with the URL API and comes back:
        let a = Address::with_domain(local, "xn--bcher-kva.example").unwrap();
        assert_eq!(a.as_str(), "jörg@xn--bcher-kva.example");
        assert!(a.needs_smtputf8(), "the local part is still UTF-8");
        assert!(err.to_string().contains("ASCII"));
    }

    #[test]
    fn local_part_grammar() {
        for good in [
            "first.last@x.org",
            "a+tag@x.org",
            "o'brien@x.org",
            "\"a@b\"@x.org",
            "\"a\\\"b\"@x.org",
            "用户@x.org",
        ] {
            assert!(Address::parse(good).is_ok(), "{good:?}");
        }
        for bad in [
            "a@b@x.org",
            ".a@x.org",
            "a.@x.org",
            "a..b@x.org",
            "a,b@x.org",
            "a\"b@x.org",
            "\"ab@x.org",
            "\"a\"b\"@x.org",
            "\"a\\\"@x.org",
        ] {
            assert!(
                matches!(Address::parse(bad), Err(AddressError::BadLocalPart { .. })),
                "{bad:?}: {:?}",
                Address::parse(bad)
            );
        }
    }

    #[test]
    fn bad_domains() {
        for bad in [
            "a@-x.org",
            "a@x..org",
            "a@x.org.",
            "a@x_y.org",
            "a@[]",
            "a@[1.2.3.4",
        ] {
            assert!(
                matches!(Address::parse(bad), Err(AddressError::BadDomain { .. })),
                "{bad:?}"
            );
        }
        assert!(Address::parse("postmaster@[192.0.2.1]").is_ok());
        assert!(Address::parse("x@[IPv6:2001:db8::1]").is_ok());
    }

    #[test]
    fn lengths() {
        let long_local = "a".repeat(65);
        assert!(matches!(
            Address::parse(&format!("{long_local}@x.org")),
            Err(AddressError::TooLong { .. })
        ));
        let label = "a".repeat(63);
        let domain = [label.as_str(); 4].join(".");
        assert!(matches!(
            Address::parse(&format!("bob@{domain}")),
            Err(AddressError::TooLong { .. })
        ));
    }

    #[test]
    fn errors_read_as_words() {
        let err = Address::parse("a b@c.org").unwrap_err();
        assert_eq!(err.to_string(), "an email address cannot contain a space");
    }

    #[test]
    fn client_name() {
        assert_eq!(ClientName::default().as_str(), "[127.0.0.1]");
        assert!(ClientName::new("client.example.org").is_ok());
        assert!(ClientName::new("bad name").is_err());
        assert!(ClientName::new("x\r\nQUIT").is_err());
        assert!(ClientName::new("").is_err());
    }
}
