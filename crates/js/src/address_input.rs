//! Addresses as JavaScript gives them — `"Ann <ann@example.org>"`, `"ann@example.org"`,
//! `{ name, address }`, or a list of those — turned into the engine's [`Mailbox`]es and
//! checked before anything is built or sent. The RFC 5322 grammar (quoted names, comments,
//! encoded words) is mail-parser's.

use mail_parser::{Address, HeaderValue, parsers::MessageStream};
use serde::Deserialize;
use webimap_client::compose::Mailbox;

/// One address: a string in the form people write, or its two parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AddressInput {
    /// `"Ann <ann@example.org>"` or `"ann@example.org"`.
    Text(String),
    /// `{ name?, address }`.
    Parts {
        /// The display name.
        #[serde(default)]
        name: Option<String>,
        /// `local@domain`.
        address: String,
    },
}

/// One address or several (a string may hold several, separated by commas).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AddressListInput {
    /// One entry.
    One(AddressInput),
    /// Several entries.
    Many(Vec<AddressInput>),
}

impl Default for AddressListInput {
    fn default() -> Self {
        AddressListInput::Many(Vec::new())
    }
}

/// An address that cannot be used, with the text as given (control characters shown as
/// `?`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{input}” cannot be used as an email address: {reason}")]
pub struct InvalidAddress {
    /// The address as given.
    pub input: String,
    /// Why not.
    pub reason: String,
}

impl InvalidAddress {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
            reason: reason.into(),
        }
    }
}

impl AddressInput {
    /// The mailboxes this entry names (a string may name several), each checked.
    pub fn mailboxes(&self) -> Result<Vec<Mailbox>, InvalidAddress> {
        let mailboxes = match self {
            AddressInput::Parts { name, address } => {
                vec![Mailbox::new(name.as_deref(), address.trim())]
            }
            AddressInput::Text(text) => parse(text)?,
        };
        for mailbox in &mailboxes {
            mailbox
                .validate()
                .map_err(|e| InvalidAddress::new(&mailbox.address, e.to_string()))?;
        }
        Ok(mailboxes)
    }

    /// Exactly one mailbox (a sender).
    pub fn mailbox(&self) -> Result<Mailbox, InvalidAddress> {
        let mut mailboxes = self.mailboxes()?;
        match mailboxes.len() {
            1 => Ok(mailboxes.remove(0)),
            0 => Err(InvalidAddress::new(self.as_given(), "no address is given")),
            _ => Err(InvalidAddress::new(
                self.as_given(),
                "one address is expected here, not several",
            )),
        }
    }

    fn as_given(&self) -> &str {
        match self {
            AddressInput::Text(text) => text,
            AddressInput::Parts { address, .. } => address,
        }
    }
}

impl AddressListInput {
    /// Every mailbox of every entry, in order, each checked.
    pub fn mailboxes(&self) -> Result<Vec<Mailbox>, InvalidAddress> {
        match self {
            AddressListInput::One(entry) => entry.mailboxes(),
            AddressListInput::Many(entries) => {
                let mut all = Vec::new();
                for entry in entries {
                    all.extend(entry.mailboxes()?);
                }
                Ok(all)
            }
        }
    }
}

/// The mailboxes of an address-list string (groups flattened). A blank string names none.
fn parse(text: &str) -> Result<Vec<Mailbox>, InvalidAddress> {
    if text.contains(['\r', '\n', '\0']) {
        return Err(InvalidAddress::new(text, "it contains a line break"));
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    // The header parser reads a field value up to its line end.
    let line = format!("{text}\n");
    let parsed = MessageStream::new(line.as_bytes()).parse_address();
    let addrs: Vec<_> = match &parsed {
        HeaderValue::Address(Address::List(list)) => list.iter().collect(),
        HeaderValue::Address(Address::Group(groups)) => {
            groups.iter().flat_map(|g| g.addresses.iter()).collect()
        }
        _ => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(InvalidAddress::new(
            text,
            "it is not of the form local@domain",
        ));
    }
    addrs
        .into_iter()
        .map(|addr| match addr.address.as_deref().map(str::trim) {
            Some(address) if !address.is_empty() => Ok(Mailbox::new(
                addr.name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty()),
                address,
            )),
            _ => Err(InvalidAddress::new(
                addr.name.as_deref().unwrap_or(text),
                "it is not of the form local@domain",
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> AddressInput {
        AddressInput::Text(s.to_string())
    }

    #[test]
    fn strings_in_the_forms_people_write() {
        let cases = [
            ("ann@example.org", None, "ann@example.org"),
            ("  ann@example.org ", None, "ann@example.org"),
            ("<ann@example.org>", None, "ann@example.org"),
            ("Ann <ann@example.org>", Some("Ann"), "ann@example.org"),
            (
                "\"Doe, Ann\" <ann@example.org>",
                Some("Doe, Ann"),
                "ann@example.org",
            ),
            (
                "=?utf-8?q?J=C3=B6rg?= <j@example.org>",
                Some("Jörg"),
                "j@example.org",
            ),
            (
                "Jörg Ünal <jörg@bücher.de>",
                Some("Jörg Ünal"),
                "jörg@bücher.de",
            ),
        ];
        for (input, name, address) in cases {
            let mailbox = text(input).mailbox().unwrap_or_default();
            assert_eq!(mailbox.name.as_deref(), name, "{input}");
            assert_eq!(mailbox.address, address, "{input}");
        }
    }

    #[test]
    fn lists_and_parts() {
        let list = AddressListInput::Many(vec![
            text("Ann <ann@example.org>, bob@example.org"),
            AddressInput::Parts {
                name: Some("Cy".into()),
                address: " cy@example.org ".into(),
            },
        ]);
        let addresses: Vec<String> = list
            .mailboxes()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.address)
            .collect();
        assert_eq!(
            addresses,
            ["ann@example.org", "bob@example.org", "cy@example.org"]
        );
        assert_eq!(
            AddressListInput::One(text("")).mailboxes(),
            Ok(Vec::new()),
            "an empty field names nobody"
        );
        assert_eq!(AddressListInput::default().mailboxes(), Ok(Vec::new()));
    }

    #[test]
    fn invalid_addresses_are_named() {
        for (input, named) in [
            ("nobody", "nobody"),
            ("Ann <ann>", "ann"),
            (
                "ann@example.org\r\nBcc: eve@example.org",
                "ann@example.org??Bcc: eve@example.org",
            ),
            ("@example.org", "@example.org"),
        ] {
            let error = text(input).mailboxes().err();
            assert_eq!(
                error.as_ref().map(|e| e.input.as_str()),
                Some(named),
                "{input}: {error:?}"
            );
        }
        let parts = AddressInput::Parts {
            name: None,
            address: "a b@example.org".into(),
        };
        let error = parts
            .mailbox()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("a b@example.org"), "{error}");
        let two = text("a@example.org, b@example.org").mailbox();
        assert!(two.is_err(), "a sender is one address");
    }
}
