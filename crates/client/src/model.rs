//! What the client hands to applications: folders, message summaries, message content.
//! Plain data (serde), already decoded for display.

use serde::{Deserialize, Serialize};
use webimap_proto::types::mailbox::{MailboxName, SpecialUse};

/// A folder from LIST.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folder {
    /// The name to use in commands.
    pub name: MailboxName,
    /// The full name as a user reads it (`Work/Projects`).
    pub path: String,
    /// The last level of the name (`Projects`).
    pub label: String,
    /// Nesting level (0 for top level).
    pub depth: usize,
    /// The hierarchy delimiter.
    pub delimiter: Option<char>,
    /// Special use (Drafts, Sent, …); INBOX has none.
    pub special_use: Option<SpecialUse>,
    /// Whether it can be opened.
    pub selectable: bool,
    /// Whether it is subscribed (`None`: not asked).
    pub subscribed: Option<bool>,
    /// Number of messages, when the server sent it with the list (LIST-STATUS) or it was
    /// asked with STATUS.
    pub total: Option<u32>,
    /// Number of unseen messages, likewise.
    pub unseen: Option<u32>,
}

impl Folder {
    /// Whether this is INBOX.
    pub fn is_inbox(&self) -> bool {
        self.name.is_inbox()
    }
}

/// A mailbox address, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    /// Display name (RFC 2047 decoded).
    pub name: Option<String>,
    /// `local@domain`.
    pub email: String,
}

impl EmailAddress {
    /// The name if there is one, else the address.
    pub fn display(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.email)
    }
}

/// What the message list shows of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSummary {
    /// UID.
    pub uid: u32,
    /// Sequence number when fetched.
    pub seq: u32,
    /// `\Seen`
    pub seen: bool,
    /// `\Flagged`
    pub flagged: bool,
    /// `\Answered`
    pub answered: bool,
    /// INTERNALDATE as a Unix timestamp (seconds).
    pub received: Option<i64>,
    /// RFC822.SIZE.
    pub size: Option<u64>,
    /// Subject, decoded (empty if none).
    pub subject: String,
    /// From.
    pub from: Vec<EmailAddress>,
    /// To.
    pub to: Vec<EmailAddress>,
    /// Cc.
    pub cc: Vec<EmailAddress>,
    /// The Date header as sent.
    pub date: Option<String>,
    /// Message-ID.
    pub message_id: Option<String>,
    /// Whether the structure has attachment parts.
    pub has_attachments: bool,
}

/// An attachment of an opened message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentInfo {
    /// Section path (`2`, `1.3`).
    pub section: Vec<u32>,
    /// File name, decoded (RFC 2231/2047), if any.
    pub filename: Option<String>,
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// Encoded size in bytes.
    pub size: Option<u64>,
}

/// An opened message: headers and the text to show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageContent {
    /// The summary (headers).
    pub summary: MessageSummary,
    /// The text body, decoded (transfer encoding and charset); from text/plain, else
    /// derived from text/html.
    pub text: Option<String>,
    /// Which section the text came from.
    pub text_section: Option<Vec<u32>>,
    /// The HTML body, decoded but NOT sanitised: never put it in the page as is.
    pub html: Option<String>,
    /// Which section the HTML came from.
    pub html_section: Option<Vec<u32>>,
    /// Parts the HTML may show inline (`cid:` references).
    pub inline_parts: Vec<InlinePart>,
    /// Attachments.
    pub attachments: Vec<AttachmentInfo>,
}

/// A part with a Content-ID, which HTML can show as `cid:ID`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlinePart {
    /// Section path.
    pub section: Vec<u32>,
    /// Content-ID without angle brackets.
    pub content_id: String,
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// Encoded size in bytes.
    pub size: Option<u64>,
}

/// A downloaded part, decoded from its transfer encoding.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedPart {
    /// The bytes.
    pub data: Vec<u8>,
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// The file name, decoded, if any.
    pub filename: Option<String>,
}

/// Counts of a folder (STATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderStatus {
    /// Messages.
    pub total: Option<u32>,
    /// Unseen messages.
    pub unseen: Option<u32>,
    /// UIDNEXT.
    pub uid_next: Option<u32>,
    /// UIDVALIDITY.
    pub uid_validity: Option<u32>,
    /// HIGHESTMODSEQ (CONDSTORE).
    pub highest_modseq: Option<u64>,
    /// Total size in bytes (STATUS=SIZE).
    pub size: Option<u64>,
}

/// The result of SELECT/EXAMINE.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxInfo {
    /// Messages in the mailbox.
    pub exists: u32,
    /// UIDVALIDITY.
    pub uid_validity: Option<u32>,
    /// UIDNEXT.
    pub uid_next: Option<u32>,
    /// Opened read-only.
    pub read_only: bool,
}
