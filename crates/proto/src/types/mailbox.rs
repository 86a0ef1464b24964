//! Mailbox names (with modified UTF-7, RFC 3501 section 5.1.3) and LIST results.

use std::{borrow::Cow, fmt};

use base64::{
    Engine,
    alphabet::Alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};

use super::core::Text;
use crate::error::ValidationError;

/// A mailbox name in its wire form (modified UTF-7 unless UTF8=ACCEPT is in force).
///
/// Build one from what a user typed with [`MailboxName::from_display`]; show one with
/// [`MailboxName::display`]. The name `INBOX` is case-insensitive.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct MailboxName(Vec<u8>);

impl MailboxName {
    /// `INBOX`.
    pub fn inbox() -> Self {
        Self(b"INBOX".to_vec())
    }

    /// From a name as a user sees it: encoded to modified UTF-7.
    ///
    /// Fails on CR, LF or NUL, which no mailbox name may contain.
    pub fn from_display(name: &str) -> Result<Self, ValidationError> {
        if name.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(ValidationError::MailboxName);
        }
        Ok(Self(encode_modified_utf7(name).into_bytes()))
    }

    /// From the exact wire bytes (as a server sent them in LIST: modified UTF-7, or UTF-8
    /// under UTF8=ACCEPT). Fails on CR, LF or NUL, as [`MailboxName::from_display`].
    pub fn from_wire(bytes: impl Into<Vec<u8>>) -> Result<Self, ValidationError> {
        let bytes = bytes.into();
        if bytes.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(ValidationError::MailboxName);
        }
        Ok(Self(bytes))
    }

    /// The wire bytes.
    pub fn as_wire(&self) -> &[u8] {
        &self.0
    }

    /// The name as a user sees it: modified UTF-7 decoded; if the bytes are not valid
    /// modified UTF-7 (servers that send raw UTF-8), they are shown as UTF-8 (lossy).
    pub fn display(&self) -> Cow<'_, str> {
        match decode_modified_utf7(&self.0) {
            Some(s) => Cow::Owned(s),
            None => String::from_utf8_lossy(&self.0),
        }
    }

    /// Whether this is INBOX (case-insensitive).
    pub fn is_inbox(&self) -> bool {
        self.0.eq_ignore_ascii_case(b"INBOX")
    }
}

impl fmt::Debug for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MailboxName({:?})", self.display())
    }
}

/// A mailbox attribute from LIST (`\Noselect`, `\HasChildren`, `\Sent`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MailboxAttribute {
    /// `\Noinferiors`
    NoInferiors,
    /// `\Noselect`
    NoSelect,
    /// `\NonExistent` (LIST-EXTENDED)
    NonExistent,
    /// `\Marked`
    Marked,
    /// `\Unmarked`
    Unmarked,
    /// `\HasChildren`
    HasChildren,
    /// `\HasNoChildren`
    HasNoChildren,
    /// `\Subscribed`
    Subscribed,
    /// `\Remote`
    Remote,
    /// A SPECIAL-USE attribute (RFC 6154).
    SpecialUse(SpecialUse),
    /// Anything else, as sent (with its backslash, if any).
    Other(String),
}

/// SPECIAL-USE mailbox roles (RFC 6154, RFC 8457 `\Important`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    /// `\All`
    All,
    /// `\Archive`
    Archive,
    /// `\Drafts`
    Drafts,
    /// `\Flagged`
    Flagged,
    /// `\Junk`
    Junk,
    /// `\Sent`
    Sent,
    /// `\Trash`
    Trash,
    /// `\Important`
    Important,
}

impl SpecialUse {
    /// The attribute's wire form (`\\Sent`).
    pub fn as_wire(self) -> &'static str {
        match self {
            SpecialUse::All => "\\All",
            SpecialUse::Archive => "\\Archive",
            SpecialUse::Drafts => "\\Drafts",
            SpecialUse::Flagged => "\\Flagged",
            SpecialUse::Junk => "\\Junk",
            SpecialUse::Sent => "\\Sent",
            SpecialUse::Trash => "\\Trash",
            SpecialUse::Important => "\\Important",
        }
    }
}

impl MailboxAttribute {
    /// Parses an attribute (case-insensitive).
    pub fn from_wire(bytes: &[u8]) -> Self {
        let s = String::from_utf8_lossy(bytes);
        match s.to_ascii_lowercase().as_str() {
            "\\noinferiors" => Self::NoInferiors,
            "\\noselect" => Self::NoSelect,
            "\\nonexistent" => Self::NonExistent,
            "\\marked" => Self::Marked,
            "\\unmarked" => Self::Unmarked,
            "\\haschildren" => Self::HasChildren,
            "\\hasnochildren" => Self::HasNoChildren,
            "\\subscribed" => Self::Subscribed,
            "\\remote" => Self::Remote,
            "\\all" => Self::SpecialUse(SpecialUse::All),
            "\\archive" => Self::SpecialUse(SpecialUse::Archive),
            "\\drafts" => Self::SpecialUse(SpecialUse::Drafts),
            "\\flagged" => Self::SpecialUse(SpecialUse::Flagged),
            "\\junk" => Self::SpecialUse(SpecialUse::Junk),
            "\\sent" => Self::SpecialUse(SpecialUse::Sent),
            "\\trash" => Self::SpecialUse(SpecialUse::Trash),
            "\\important" => Self::SpecialUse(SpecialUse::Important),
            _ => Self::Other(s.into_owned()),
        }
    }
}

/// One `* LIST` / `* LSUB` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// Attributes.
    pub attributes: Vec<MailboxAttribute>,
    /// The hierarchy delimiter (`None` for a flat namespace: NIL).
    pub delimiter: Option<char>,
    /// The name.
    pub name: MailboxName,
    /// LIST-EXTENDED data after the name (RFC 5258 `mbox-list-extended`).
    pub extended: Vec<ListExtendedItem>,
}

/// One item of LIST-EXTENDED data after the mailbox name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListExtendedItem {
    /// `CHILDINFO ("SUBSCRIBED")` (RFC 5258)
    ChildInfo(Vec<Text>),
    /// `OLDNAME ("name")` (RFC 9051, RFC 5465)
    OldName(MailboxName),
    /// Another item: its tag and raw value.
    Other {
        /// The tag, as sent.
        tag: Text,
        /// The value's bytes.
        raw: Text,
    },
}

impl ListItem {
    /// The SPECIAL-USE role, if any.
    pub fn special_use(&self) -> Option<SpecialUse> {
        self.attributes.iter().find_map(|a| match a {
            MailboxAttribute::SpecialUse(s) => Some(*s),
            _ => None,
        })
    }

    /// Whether the mailbox can be selected.
    pub fn is_selectable(&self) -> bool {
        !self.attributes.iter().any(|a| {
            matches!(
                a,
                MailboxAttribute::NoSelect | MailboxAttribute::NonExistent
            )
        })
    }
}

const MODIFIED_BASE64: GeneralPurpose = GeneralPurpose::new(
    &match Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,") {
        Ok(a) => a,
        Err(_) => panic!("static alphabet is valid"),
    },
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Encodes a name to modified UTF-7 (RFC 3501 5.1.3).
pub fn encode_modified_utf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&MODIFIED_BASE64.encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes modified UTF-7; `None` if the bytes are not valid modified UTF-7.
pub fn decode_modified_utf7(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'&' {
            let end = i + 1 + bytes[i + 1..].iter().position(|&c| c == b'-')?;
            let chunk = &bytes[i + 1..end];
            if chunk.is_empty() {
                out.push('&');
            } else {
                let raw = MODIFIED_BASE64.decode(chunk).ok()?;
                if raw.len() % 2 != 0 {
                    return None;
                }
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                let decoded = String::from_utf16(&units).ok()?;
                // A base64 run must not encode printable ASCII (RFC 3501 5.1.3).
                if decoded.chars().any(|c| (' '..='~').contains(&c)) {
                    return None;
                }
                out.push_str(&decoded);
            }
            i = end + 1;
        } else if (0x20..=0x7e).contains(&b) {
            out.push(b as char);
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3501_example_round_trips() {
        // RFC 3501 5.1.3: "~peter/mail/台北/日本語"
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        assert_eq!(
            decode_modified_utf7(wire.as_bytes()).as_deref(),
            Some("~peter/mail/台北/日本語")
        );
        assert_eq!(encode_modified_utf7("~peter/mail/台北/日本語"), wire);
    }

    #[test]
    fn ampersand_and_emoji() {
        assert_eq!(encode_modified_utf7("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(
            decode_modified_utf7(b"Tom &- Jerry").as_deref(),
            Some("Tom & Jerry")
        );
        let e = encode_modified_utf7("Grüße 📬");
        assert_eq!(
            decode_modified_utf7(e.as_bytes()).as_deref(),
            Some("Grüße 📬")
        );
    }

    #[test]
    fn invalid_utf7_falls_back_to_utf8_display() {
        let name = MailboxName::from_wire("Entwürfe".as_bytes().to_vec()).unwrap();
        assert_eq!(name.display(), "Entwürfe");
        assert_eq!(
            decode_modified_utf7(b"&AGE-"),
            None,
            "encoded ASCII is invalid"
        );
        assert_eq!(decode_modified_utf7(b"&Jjo"), None, "unterminated");
    }

    #[test]
    fn names_cannot_carry_line_breaks() {
        assert!(MailboxName::from_display("a\r\nA2 LOGOUT").is_err());
        assert!(MailboxName::from_display("Work/Projects").is_ok());
    }
}
