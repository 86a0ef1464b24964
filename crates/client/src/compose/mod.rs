//! Writing mail: a [`Draft`] (plain data a front end fills in) built into MIME bytes,
//! replies and forwards prepared from an [`OriginalMessage`], and drafts saved on the
//! server reopened for editing.
//!
//! Pure logic: no I/O, no clock, no randomness inside — the time, the UTC offset and the
//! random part of the Message-ID are the caller's inputs ([`BuildInputs`]), so one draft
//! always builds to the same bytes. MIME syntax is written by `mail-builder` and read by
//! `mail-parser`; this module only decides what goes where.

mod address;
mod build;
mod date;
mod draft_parse;
mod flowed;
mod forward;
mod original;
mod reply;
mod size;
mod subject;

pub use address::{AddressError, Mailbox, parse_mailboxes};
pub use build::{BuildInputs, Built, build};
pub use date::{civil_from_days, rfc5322_date};
pub use draft_parse::parse_draft;
pub use flowed::{from_flowed, to_flowed};
pub use forward::{ForwardMode, forward};
pub use original::OriginalMessage;
pub use reply::{ReplyMode, choose_identity, reply};
pub use size::estimated_size;
pub use subject::{base_subject, forward_subject, reply_subject};

use serde::{Deserialize, Serialize};

/// A message being written: what a compose form holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    /// The sender (one of the user's identities).
    pub from: Mailbox,
    /// To.
    pub to: Vec<Mailbox>,
    /// Cc.
    pub cc: Vec<Mailbox>,
    /// Bcc: envelope recipients, kept in the saved copy, never in the sent one.
    pub bcc: Vec<Mailbox>,
    /// Subject (any Unicode; RFC 2047 encoded when built).
    pub subject: String,
    /// The text the user wrote.
    pub body: Body,
    /// Files attached.
    pub attachments: Vec<Attachment>,
    /// The Message-ID replied to, without angle brackets.
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first, without angle brackets.
    pub references: Vec<String>,
}

/// A draft's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Body {
    /// Plain text, sent as format=flowed.
    Text {
        /// The text, lines separated by `\n`.
        text: String,
    },
    /// HTML, sent with a plain-text alternative and its inline images.
    Html {
        /// The HTML; inline images are referenced as `cid:<content_id>`.
        html: String,
        /// Images the HTML shows.
        inline_images: Vec<InlineImage>,
    },
}

impl Default for Body {
    fn default() -> Self {
        Body::Text {
            text: String::new(),
        }
    }
}

impl Body {
    /// A plain-text body.
    pub fn text(text: impl Into<String>) -> Self {
        Body::Text { text: text.into() }
    }
}

/// An image shown inside an HTML body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineImage {
    /// The Content-ID (without angle brackets), as in `cid:` in the HTML.
    pub content_id: String,
    /// E.g. `image/png`.
    pub mime_type: String,
    /// The image's bytes.
    pub data: Vec<u8>,
}

/// A file attached to a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// The file name (any Unicode; RFC 2231 encoded when built).
    pub name: String,
    /// E.g. `application/pdf`; `message/rfc822` for a forwarded message.
    pub mime_type: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Why a draft cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// An address is not usable.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A MIME type is not `type/subtype` of token characters.
    #[error("“{0}” is not a valid MIME type")]
    MimeType(String),
    /// A Content-ID or Message-ID holds characters it cannot hold.
    #[error("“{0}” is not a valid message or content identifier")]
    Identifier(String),
    /// A header value holds a line break or NUL.
    #[error("the {0} contains a line break")]
    LineBreak(&'static str),
    /// The bytes given as a draft are not a mail message.
    #[error("the saved draft is not a readable mail message")]
    NotAMessage,
}

/// Whether `mime_type` is `type/subtype` of RFC 2045 token characters.
fn valid_mime_type(mime_type: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    matches!(mime_type.split_once('/'), Some((t, s)) if token(t) && token(s))
}

/// Whether `id` can stand inside `<...>` as a Message-ID or Content-ID.
fn valid_identifier(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>\"\\[]()".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_and_identifiers_are_checked() {
        assert!(valid_mime_type("image/png"));
        assert!(valid_mime_type("application/vnd.ms-excel"));
        assert!(!valid_mime_type("image"));
        assert!(!valid_mime_type("image/png\r\nBcc: x"));
        assert!(!valid_mime_type("text/plain; charset=x"));
        assert!(valid_identifier("abc.123@example.com"));
        assert!(!valid_identifier("a b@c"));
        assert!(!valid_identifier("a>b"));
        assert!(!valid_identifier(""));
    }
}
