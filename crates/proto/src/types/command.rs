//! Commands a client sends. Every value is validated when built, so the encoder cannot
//! produce a second command from user input (no CR/LF smuggling).

use super::{mailbox::MailboxName, sequence::SequenceSet};
use crate::{error::ValidationError, secret::Secret};

/// A command body (the tag is added by the session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `CAPABILITY`
    Capability,
    /// `NOOP`
    Noop,
    /// `LOGOUT`
    Logout,
    /// `STARTTLS`
    StartTls,
    /// `LOGIN user password`
    Login {
        /// User name (sent as atom, quoted string or literal as needed).
        username: String,
        /// Password.
        password: Secret<String>,
    },
    /// `LIST reference pattern`
    List {
        /// Reference name (usually empty).
        reference: MailboxName,
        /// Pattern with `*` and `%` wildcards.
        pattern: ListPattern,
    },
    /// `SELECT mailbox`
    Select {
        /// Mailbox to open read-write.
        mailbox: MailboxName,
    },
    /// `EXAMINE mailbox`
    Examine {
        /// Mailbox to open read-only.
        mailbox: MailboxName,
    },
    /// `FETCH set items` or `UID FETCH set items`
    Fetch {
        /// Messages.
        set: SequenceSet,
        /// What to fetch (non-empty).
        items: Vec<FetchAttribute>,
        /// Whether `set` holds UIDs (`UID FETCH`).
        uid: bool,
    },
}

impl Command {
    /// `LOGIN`; fails if either value holds NUL, CR or LF (no encoding could carry them).
    pub fn login(username: &str, password: &str) -> Result<Self, ValidationError> {
        if [username, password]
            .iter()
            .any(|s| s.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')))
        {
            return Err(ValidationError::Credentials);
        }
        Ok(Command::Login {
            username: username.to_string(),
            password: Secret::new(password.to_string()),
        })
    }

    /// `UID FETCH` (or `FETCH` with `uid = false`); fails on an empty item list.
    pub fn fetch(
        set: SequenceSet,
        items: Vec<FetchAttribute>,
        uid: bool,
    ) -> Result<Self, ValidationError> {
        if items.is_empty() {
            return Err(ValidationError::EmptyList);
        }
        Ok(Command::Fetch { set, items, uid })
    }

    /// The command's name, for logs and errors (`"UID FETCH"`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Capability => "CAPABILITY",
            Command::Noop => "NOOP",
            Command::Logout => "LOGOUT",
            Command::StartTls => "STARTTLS",
            Command::Login { .. } => "LOGIN",
            Command::List { .. } => "LIST",
            Command::Select { .. } => "SELECT",
            Command::Examine { .. } => "EXAMINE",
            Command::Fetch { uid: true, .. } => "UID FETCH",
            Command::Fetch { uid: false, .. } => "FETCH",
        }
    }
}

/// A LIST pattern: mailbox-name characters plus the wildcards `*` and `%`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPattern(pub(crate) Vec<u8>);

impl ListPattern {
    /// From a pattern as a user writes it (non-ASCII is encoded to modified UTF-7).
    pub fn new(pattern: &str) -> Result<Self, ValidationError> {
        Ok(Self(MailboxName::from_display(pattern)?.as_wire().to_vec()))
    }

    /// `*`: every mailbox.
    pub fn all() -> Self {
        Self(b"*".to_vec())
    }
}

/// A FETCH data item to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchAttribute {
    /// `UID`
    Uid,
    /// `FLAGS`
    Flags,
    /// `INTERNALDATE`
    InternalDate,
    /// `RFC822.SIZE`
    Rfc822Size,
    /// `ENVELOPE`
    Envelope,
    /// `BODYSTRUCTURE`
    BodyStructure,
    /// `BODY[section]<partial>` or, with `peek`, `BODY.PEEK[…]` (does not set \Seen).
    BodySection {
        /// Which part.
        section: Section,
        /// `<offset.length>`
        partial: Option<(u32, u32)>,
        /// `BODY.PEEK`
        peek: bool,
    },
}

/// A body section specifier: a part path and what of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Section {
    /// Part numbers (`1.2.3`); empty for the whole message.
    pub part: Vec<u32>,
    /// What of the part; `None` for its content.
    pub kind: Option<SectionKind>,
}

/// What of a part a section names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `HEADER`
    Header,
    /// `HEADER.FIELDS (…)`
    HeaderFields(Vec<String>),
    /// `HEADER.FIELDS.NOT (…)`
    HeaderFieldsNot(Vec<String>),
    /// `TEXT`
    Text,
    /// `MIME` (only with a part number)
    Mime,
}

impl Section {
    /// The whole message (`BODY[]`).
    pub fn full() -> Self {
        Self::default()
    }

    /// A part's content (`BODY[1.2]`).
    pub fn part(part: Vec<u32>) -> Self {
        Self { part, kind: None }
    }

    /// A part with a kind (`BODY[1.MIME]`, `BODY[HEADER]`).
    pub fn with_kind(part: Vec<u32>, kind: SectionKind) -> Self {
        Self {
            part,
            kind: Some(kind),
        }
    }

    /// The section's wire text (`1.2.MIME`, `HEADER.FIELDS (FROM TO)`).
    pub fn to_wire(&self) -> String {
        let mut s = self
            .part
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        if let Some(kind) = &self.kind {
            if !s.is_empty() {
                s.push('.');
            }
            let fields = |name: &str, f: &[String]| format!("{name} ({})", f.join(" "));
            s.push_str(&match kind {
                SectionKind::Header => "HEADER".to_string(),
                SectionKind::HeaderFields(f) => fields("HEADER.FIELDS", f),
                SectionKind::HeaderFieldsNot(f) => fields("HEADER.FIELDS.NOT", f),
                SectionKind::Text => "TEXT".to_string(),
                SectionKind::Mime => "MIME".to_string(),
            });
        }
        s
    }
}
