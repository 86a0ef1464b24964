//! Plain data for JavaScript (camelCase), and the TypeScript declarations that describe it.

use serde::{Deserialize, Serialize};
use webimap_client::{Security, model::Folder, proto::types::mailbox::SpecialUse};

/// `ImapClient.connect` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectOptions {
    /// The relay's WebSocket URL (`wss://example.org/relay`).
    pub relay_url: String,
    /// IMAP server host.
    pub host: String,
    /// IMAP server port.
    pub port: u16,
    /// `"tls"`, `"starttls"` or `"none"`.
    pub security: Security,
    /// Extra CA certificate(s), PEM, for a self-hosted server.
    #[serde(default)]
    pub ca_pem: Option<String>,
    /// Allow a password over an unencrypted connection to a remote host (default false).
    #[serde(default)]
    pub allow_plaintext_password: bool,
}

/// A folder, for JavaScript: `name` is what to pass back to `select`, `path` what to show.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderDto {
    /// The name to use in calls (wire form).
    pub name: String,
    /// Full name as a user reads it.
    pub path: String,
    /// Last level of the name.
    pub label: String,
    /// Nesting level.
    pub depth: usize,
    /// Hierarchy delimiter.
    pub delimiter: Option<String>,
    /// `inbox`, `drafts`, `sent`, `archive`, `junk`, `trash`, `all`, `flagged`, `important`.
    pub role: Option<&'static str>,
    /// Whether it can be selected.
    pub selectable: bool,
    /// Messages, when known.
    pub total: Option<u32>,
    /// Unseen messages, when known.
    pub unseen: Option<u32>,
}

impl From<&Folder> for FolderDto {
    fn from(f: &Folder) -> Self {
        let role = if f.is_inbox() {
            Some("inbox")
        } else {
            f.special_use.map(|s| match s {
                SpecialUse::All => "all",
                SpecialUse::Archive => "archive",
                SpecialUse::Drafts => "drafts",
                SpecialUse::Flagged => "flagged",
                SpecialUse::Junk => "junk",
                SpecialUse::Sent => "sent",
                SpecialUse::Trash => "trash",
                SpecialUse::Important => "important",
            })
        };
        Self {
            name: String::from_utf8_lossy(f.name.as_wire()).into_owned(),
            path: f.path.clone(),
            label: f.label.clone(),
            depth: f.depth,
            delimiter: f.delimiter.map(String::from),
            role,
            selectable: f.selectable,
            total: f.total,
            unseen: f.unseen,
        }
    }
}

/// `search` criteria (all given ones must match).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchQuery {
    /// Anywhere in headers or body.
    pub text: Option<String>,
    /// In the subject.
    pub subject: Option<String>,
    /// In From.
    pub from: Option<String>,
    /// In To.
    pub to: Option<String>,
    /// In the body.
    pub body: Option<String>,
    /// Only unread (true) or read (false).
    pub seen: Option<bool>,
    /// Only flagged (true) or unflagged (false).
    pub flagged: Option<bool>,
}

/// TypeScript declarations of the objects above and of the client's data.
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
export type Security = "tls" | "starttls" | "none";
export interface ConnectOptions {
  relayUrl: string; host: string; port: number; security: Security;
  caPem?: string; allowPlaintextPassword?: boolean;
}
export interface Folder {
  name: string; path: string; label: string; depth: number; delimiter?: string;
  role?: "inbox" | "drafts" | "sent" | "archive" | "junk" | "trash" | "all" | "flagged" | "important";
  selectable: boolean; total?: number; unseen?: number;
}
export interface EmailAddress { name?: string; email: string }
export interface MessageSummary {
  uid: number; seq: number; seen: boolean; flagged: boolean; answered: boolean;
  received?: number; size?: number; subject: string; from: EmailAddress[]; to: EmailAddress[];
  cc: EmailAddress[]; date?: string; messageId?: string; hasAttachments: boolean;
}
export interface AttachmentInfo { section: number[]; filename?: string; mimeType: string; size?: number }
export interface InlinePart { section: number[]; contentId: string; mimeType: string; size?: number }
export interface MessageContent {
  summary: MessageSummary; text?: string; textSection?: number[];
  html?: string; htmlSection?: number[]; inlineParts: InlinePart[]; attachments: AttachmentInfo[];
}
export interface MailboxInfo { exists: number; uidValidity?: number; uidNext?: number; readOnly: boolean }
export interface SearchQuery {
  text?: string; subject?: string; from?: string; to?: string; body?: string;
  seen?: boolean; flagged?: boolean;
}
export type MailboxEvent =
  | { kind: "newMessages"; count: number; uids: number[] }
  | { kind: "removed"; uids: number[] }
  | { kind: "flagsChanged"; uid: number; flags: string[] }
  | { kind: "reset" };
"#;
