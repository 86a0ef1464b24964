//! A mailbox (`Name <local@domain>`) as a draft holds it, checked before it reaches a
//! header or an SMTP envelope.

use serde::{Deserialize, Serialize};

use crate::model::EmailAddress;

/// A display name and an address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// `local@domain`.
    pub address: String,
}

/// Why an address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing given.
    #[error("an address is empty")]
    Empty,
    /// Not of the form `local@domain`.
    #[error("“{0}” is not an email address (local@domain)")]
    NoDomain(String),
    /// Holds a character no address may hold.
    #[error("the address “{0}” contains a space, line break, angle bracket or control character")]
    BadCharacter(String),
    /// A display name holds a line break or control character.
    #[error("the name “{0}” contains a line break or control character")]
    BadName(String),
    /// Text that could be read as addresses in more than one way (an address followed by
    /// a colon reads as a group's name; two addresses need a comma between them).
    #[error("“{0}” is unclear: separate addresses with commas")]
    Ambiguous(String),
    /// The domain is not a valid (internationalised) domain name.
    #[error("the address “{0}” does not end in a valid domain name")]
    BadDomain(String),
}

impl Mailbox {
    /// A mailbox with an optional name.
    pub fn new(name: Option<&str>, address: &str) -> Self {
        Mailbox {
            name: name.map(str::to_string),
            address: address.to_string(),
        }
    }

    /// Checks the address (no CR, LF, `<`, `>`, NUL, spaces or controls; one `@` with
    /// something on both sides) and the name (no line breaks or controls).
    pub fn validate(&self) -> Result<(), AddressError> {
        let address = self.address.as_str();
        if address.is_empty() {
            return Err(AddressError::Empty);
        }
        if address
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | ',' | '"'))
        {
            return Err(AddressError::BadCharacter(printable(address)));
        }
        match address.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                // One `@`, unless the local part is quoted ("a@b"@example.org).
                let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
                if !quoted && local.contains('@') {
                    return Err(AddressError::Ambiguous(printable(address)));
                }
            }
            _ => return Err(AddressError::NoDomain(address.to_string())),
        }
        if let Some(name) = &self.name
            && name.chars().any(char::is_control)
        {
            return Err(AddressError::BadName(printable(name)));
        }
        Ok(())
    }

    /// The same mailbox with its domain in ASCII form (`bücher.example` →
    /// `xn--bcher-kva.example`): what headers and SMTP envelopes carry. Call after
    /// [`Mailbox::validate`].
    pub fn with_ascii_domain(&self) -> Result<Mailbox, AddressError> {
        match self.address.rsplit_once('@') {
            Some((_, domain)) if domain.is_ascii() => Ok(self.clone()),
            Some((local, domain)) => {
                let ascii = crate::idna::to_ascii(domain)
                    .map_err(|_| AddressError::BadDomain(printable(&self.address)))?;
                Ok(Mailbox {
                    name: self.name.clone(),
                    address: format!("{local}@{ascii}"),
                })
            }
            None => Err(AddressError::NoDomain(self.address.clone())),
        }
    }

    /// The part after the last `@`, lower-cased (empty if none).
    pub fn domain(&self) -> String {
        self.address
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Whether both are the same address: the domain compared case-insensitively, the
    /// local part too (as every common provider treats it).
    pub fn same_address(&self, other: &str) -> bool {
        self.address.trim().eq_ignore_ascii_case(other.trim())
    }

    /// The name if there is a non-blank one.
    pub(crate) fn display_name(&self) -> Option<&str> {
        self.name.as_deref().filter(|n| !n.trim().is_empty())
    }

    /// The name if there is one, else the address.
    pub fn display(&self) -> &str {
        self.display_name().unwrap_or(&self.address)
    }
}

impl From<&EmailAddress> for Mailbox {
    fn from(address: &EmailAddress) -> Self {
        Mailbox {
            name: address.name.clone(),
            address: address.email.clone(),
        }
    }
}

impl From<&mail_parser::Addr<'_>> for Mailbox {
    fn from(address: &mail_parser::Addr<'_>) -> Self {
        Mailbox {
            name: address.name.as_deref().map(str::to_string),
            address: address.address.as_deref().unwrap_or_default().to_string(),
        }
    }
}

/// The mailboxes of a parsed header (groups flattened; entries without an address dropped).
pub(crate) fn from_parsed(address: Option<&mail_parser::Address<'_>>) -> Vec<Mailbox> {
    address
        .map(|list| {
            list.iter()
                .filter(|a| a.address.as_deref().is_some_and(|s| !s.is_empty()))
                .map(Mailbox::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The mailboxes of an address list as people type or paste it (`Ann <ann@example.org>,
/// bob@example.org`, quoted names, groups flattened), each checked with
/// [`Mailbox::validate`]. A blank text names none. The RFC 5322 grammar is mail-parser's;
/// what it would read in a way the writer hardly meant is refused rather than guessed
/// (an address taken for a group's name, two addresses without a comma between them), so
/// no recipient is ever dropped without a word.
pub fn parse_mailboxes(text: &str) -> Result<Vec<Mailbox>, AddressError> {
    if text.chars().any(char::is_control) {
        return Err(AddressError::BadCharacter(printable(text)));
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    // The header parser reads a field value up to its line end.
    let line = format!("{text}\n");
    let parsed = mail_parser::parsers::MessageStream::new(line.as_bytes()).parse_address();
    let found: Vec<_> = match &parsed {
        mail_parser::HeaderValue::Address(mail_parser::Address::List(list)) => {
            list.iter().collect()
        }
        mail_parser::HeaderValue::Address(mail_parser::Address::Group(groups)) => {
            if let Some(name) = groups
                .iter()
                .filter_map(|g| g.name.as_deref())
                .find(|name| name.contains('@'))
            {
                return Err(AddressError::Ambiguous(printable(name)));
            }
            groups.iter().flat_map(|g| g.addresses.iter()).collect()
        }
        _ => Vec::new(),
    };
    if found.is_empty() {
        return Err(AddressError::NoDomain(printable(text.trim())));
    }
    found
        .into_iter()
        .map(|addr| {
            let address = addr.address.as_deref().map(str::trim).unwrap_or_default();
            if address.is_empty() {
                return Err(AddressError::NoDomain(printable(
                    addr.name.as_deref().unwrap_or(text).trim(),
                )));
            }
            let name = addr
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let mailbox = Mailbox::new(name, address);
            mailbox.validate()?;
            Ok(mailbox)
        })
        .collect()
}

/// `text` with control characters shown as `?` (an error message never carries a raw
/// line break).
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lists_as_people_type_them() {
        let list = parse_mailboxes(
            r#"Ann Example <ann@example.org>, bob@example.org, "Lee, Pat" <pat@example.net>"#,
        )
        .unwrap();
        assert_eq!(
            list,
            vec![
                Mailbox::new(Some("Ann Example"), "ann@example.org"),
                Mailbox::new(None, "bob@example.org"),
                Mailbox::new(Some("Lee, Pat"), "pat@example.net"),
            ]
        );
        assert_eq!(parse_mailboxes("  ").unwrap(), vec![]);
        assert_eq!(
            parse_mailboxes("Team: a@example.org, b@example.org;")
                .unwrap()
                .len(),
            2
        );
        assert!(parse_mailboxes("not an address").is_err());
        assert!(parse_mailboxes("a@example.org\r\nBcc: x@evil.example").is_err());
        assert!(parse_mailboxes("Ann <ann>").is_err());
        // Read otherwise than meant: refused, never a recipient dropped.
        for unclear in [
            "ann@example.org: bob@example.org",
            "a@b.org\u{85}Bcc: c@d.org",
            "Ann <ann@example.org> Bob <bob@example.org>",
        ] {
            assert!(parse_mailboxes(unclear).is_err(), "{unclear}");
        }
    }

    #[test]
    fn good_addresses_pass() {
        assert_eq!(
            Mailbox::new(Some("Ann"), "ann@example.com").validate(),
            Ok(())
        );
        assert_eq!(
            Mailbox::new(None, "a.b+c@sub.example.org").validate(),
            Ok(())
        );
        assert_eq!(
            Mailbox::new(Some("Jörg Ünal"), "jörg@bücher.de").validate(),
            Ok(())
        );
    }

    #[test]
    fn bad_addresses_are_refused_in_words() {
        let cases = [
            ("", AddressError::Empty),
            ("ann", AddressError::NoDomain("ann".into())),
            (
                "@example.com",
                AddressError::NoDomain("@example.com".into()),
            ),
            ("ann@", AddressError::NoDomain("ann@".into())),
            (
                "ann@x\r\nBcc: eve@x",
                AddressError::BadCharacter("ann@x??Bcc: eve@x".into()),
            ),
            ("ann@x>", AddressError::BadCharacter("ann@x>".into())),
            ("<ann@x", AddressError::BadCharacter("<ann@x".into())),
            ("ann\0@x", AddressError::BadCharacter("ann?@x".into())),
            ("ann @x", AddressError::BadCharacter("ann @x".into())),
        ];
        for (address, error) in cases {
            assert_eq!(
                Mailbox::new(None, address).validate(),
                Err(error),
                "{address:?}"
            );
        }
        let named = Mailbox::new(Some("Ann\nBcc: eve@x"), "ann@x");
        let error = named
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("Ann?Bcc"), "{error}");
        assert!(!error.contains('\n'));
    }

    #[test]
    fn domains_and_comparison_ignore_case() {
        let ann = Mailbox::new(None, "Ann@Example.COM");
        assert_eq!(ann.domain(), "example.com");
        assert!(ann.same_address("ann@example.com"));
        assert!(!ann.same_address("anne@example.com"));
        assert_eq!(Mailbox::new(Some(" "), "a@b").display(), "a@b");
    }
}
