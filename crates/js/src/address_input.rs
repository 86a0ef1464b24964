//! Addresses as JavaScript gives them — `"Ann <ann@example.org>"`, `"ann@example.org"`,
//! `{ name, address }`, or a list of those — turned into the engine's [`Mailbox`]es and
//! checked before anything is built or sent. The RFC 5322 grammar (quoted names, comments,
//! encoded words) is the engine's (`compose::parse_mailboxes`).

use serde::Deserialize;
use webimap_client::compose::{Mailbox, parse_mailboxes};

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

/// The mailboxes of an address-list string (the engine's parser; groups flattened). A
/// blank string names none.
fn parse(text: &str) -> Result<Vec<Mailbox>, InvalidAddress> {
    parse_mailboxes(text).map_err(|e| InvalidAddress::new(text, e.to_string()))
}
