//! Commands a client sends. Every value is validated when built, so the encoder cannot
//! produce a second command from user input (no CR/LF smuggling).

use super::{
    core::{Flag, is_atom_char},
    fetch::DateTime,
    mailbox::{MailboxName, SpecialUse},
    sequence::SequenceSet,
};
pub use super::{
    search::{SearchDate, SearchKey, SearchReturn, SortCriterion, SortKey, ThreadAlgorithm},
    section::{Section, SectionKind},
};
use crate::{error::ValidationError, secret::Secret};

/// A command body (the tag is added by the session).
///
/// Build values with the constructors where there are some: they check what the types
/// cannot (non-empty lists, atoms). Whatever a variant holds, the encoder never lets a
/// value end the line: strings become quoted strings or literals as needed.
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
    /// `AUTHENTICATE mechanism [initial-response]` (RFC 3501, SASL-IR RFC 4959). Further
    /// steps go through `Session::send_continuation`.
    Authenticate {
        /// SASL mechanism name (`PLAIN`, `SCRAM-SHA-256`), an atom.
        mechanism: String,
        /// Initial response (raw, base64-encoded by the encoder; empty sends `=`). Only
        /// with the SASL-IR capability.
        initial_response: Option<Secret<Vec<u8>>>,
    },
    /// `ENABLE cap…` (RFC 5161)
    Enable(Vec<String>),
    /// `ID (…)` / `ID NIL` (RFC 2971)
    Id(Option<Vec<(String, Option<String>)>>),
    /// `NAMESPACE` (RFC 2342)
    Namespace,
    /// `LIST [(selection)] reference pattern [RETURN (…)]` (RFC 3501, LIST-EXTENDED RFC 5258,
    /// SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819)
    List {
        /// Reference name (usually empty).
        reference: MailboxName,
        /// Pattern with `*` and `%` wildcards.
        pattern: ListPattern,
        /// Selection and return options (empty: a plain RFC 3501 LIST).
        options: ListOptions,
    },
    /// `LSUB reference pattern`
    Lsub {
        /// Reference name.
        reference: MailboxName,
        /// Pattern.
        pattern: ListPattern,
    },
    /// `SELECT mailbox [(CONDSTORE | QRESYNC …)]`
    Select {
        /// Mailbox to open read-write.
        mailbox: MailboxName,
        /// CONDSTORE / QRESYNC parameters.
        options: SelectOptions,
    },
    /// `EXAMINE mailbox [(…)]`
    Examine {
        /// Mailbox to open read-only.
        mailbox: MailboxName,
        /// CONDSTORE / QRESYNC parameters.
        options: SelectOptions,
    },
    /// `CREATE mailbox [(USE (\special))]` (CREATE-SPECIAL-USE RFC 6154)
    Create {
        /// New mailbox.
        mailbox: MailboxName,
        /// Special use to give it.
        special_use: Option<SpecialUse>,
    },
    /// `DELETE mailbox`
    Delete {
        /// Mailbox.
        mailbox: MailboxName,
    },
    /// `RENAME from to`
    Rename {
        /// Old name.
        from: MailboxName,
        /// New name.
        to: MailboxName,
    },
    /// `SUBSCRIBE mailbox`
    Subscribe {
        /// Mailbox.
        mailbox: MailboxName,
    },
    /// `UNSUBSCRIBE mailbox`
    Unsubscribe {
        /// Mailbox.
        mailbox: MailboxName,
    },
    /// `STATUS mailbox (items)`
    Status {
        /// Mailbox.
        mailbox: MailboxName,
        /// Items (non-empty).
        items: Vec<StatusItem>,
    },
    /// `APPEND mailbox [(flags)] [date] literal`
    Append {
        /// Target mailbox.
        mailbox: MailboxName,
        /// Flags to set.
        flags: Vec<Flag>,
        /// Internal date to set.
        date: Option<DateTime>,
        /// The message (RFC 5322 bytes).
        message: Vec<u8>,
    },
    /// `CHECK` (IMAP4rev1 only)
    Check,
    /// `CLOSE`: expunges \Deleted messages and closes the mailbox.
    Close,
    /// `UNSELECT` (RFC 3691): closes the mailbox without expunging.
    Unselect,
    /// `EXPUNGE`: removes every \Deleted message, including other clients'.
    Expunge,
    /// `UID EXPUNGE set` (UIDPLUS): removes only these \Deleted messages.
    UidExpunge(SequenceSet),
    /// `[UID] SEARCH [RETURN (…)] [CHARSET UTF-8] criteria`
    Search {
        /// Criteria (ANDed; empty means ALL).
        criteria: Vec<SearchKey>,
        /// `UID SEARCH`.
        uid: bool,
        /// ESEARCH return options (RFC 4731); `None` for a plain SEARCH.
        returns: Option<Vec<SearchReturn>>,
    },
    /// `[UID] SORT (criteria) charset search` (RFC 5256)
    Sort {
        /// Sort keys (non-empty).
        criteria: Vec<SortCriterion>,
        /// Search criteria.
        search: Vec<SearchKey>,
        /// `UID SORT`.
        uid: bool,
    },
    /// `[UID] THREAD algorithm charset search` (RFC 5256)
    Thread {
        /// Algorithm.
        algorithm: ThreadAlgorithm,
        /// Search criteria.
        search: Vec<SearchKey>,
        /// `UID THREAD`.
        uid: bool,
    },
    /// `FETCH set items` or `UID FETCH set items [(CHANGEDSINCE n [VANISHED])]`
    Fetch {
        /// Messages.
        set: SequenceSet,
        /// What to fetch (non-empty).
        items: Vec<FetchAttribute>,
        /// Whether `set` holds UIDs (`UID FETCH`).
        uid: bool,
        /// CHANGEDSINCE (CONDSTORE) and VANISHED (QRESYNC, UID FETCH only).
        changed_since: Option<ChangedSince>,
    },
    /// `[UID] STORE set [+|-]FLAGS[.SILENT] (flags)` with optional `(UNCHANGEDSINCE n)`.
    Store {
        /// Messages.
        set: SequenceSet,
        /// Whether `set` holds UIDs.
        uid: bool,
        /// Add, remove or replace.
        action: StoreAction,
        /// `.SILENT`: no FETCH responses for the change.
        silent: bool,
        /// The flags.
        flags: Vec<Flag>,
        /// CONDSTORE UNCHANGEDSINCE.
        unchanged_since: Option<u64>,
    },
    /// `[UID] COPY set mailbox`
    Copy {
        /// Messages.
        set: SequenceSet,
        /// Target.
        mailbox: MailboxName,
        /// Whether `set` holds UIDs.
        uid: bool,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851)
    Move {
        /// Messages.
        set: SequenceSet,
        /// Target.
        mailbox: MailboxName,
        /// Whether `set` holds UIDs.
        uid: bool,
    },
    /// `IDLE` (RFC 2177); ended with `Session::idle_done`.
    Idle,
    /// `COMPRESS DEFLATE` (RFC 4978)
    CompressDeflate,
    /// `GETQUOTAROOT mailbox` (RFC 9208)
    GetQuotaRoot {
        /// Mailbox.
        mailbox: MailboxName,
    },
    /// `GETQUOTA root` (RFC 9208)
    GetQuota {
        /// Quota root name.
        root: String,
    },
    /// `GETMETADATA mailbox (entries)` (RFC 5464); an empty mailbox name means the server.
    GetMetadata {
        /// Mailbox.
        mailbox: MailboxName,
        /// Entry names (`/private/comment`), non-empty.
        entries: Vec<String>,
    },
    /// `SETMETADATA mailbox (entry value …)` (RFC 5464); `None` removes the entry.
    SetMetadata {
        /// Mailbox.
        mailbox: MailboxName,
        /// Entries and values, non-empty.
        entries: Vec<(String, Option<Vec<u8>>)>,
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

    /// `AUTHENTICATE`; the mechanism must be an atom.
    pub fn authenticate(
        mechanism: &str,
        initial_response: Option<Vec<u8>>,
    ) -> Result<Self, ValidationError> {
        if !is_atom(mechanism) {
            return Err(ValidationError::Atom);
        }
        Ok(Command::Authenticate {
            mechanism: mechanism.to_ascii_uppercase(),
            initial_response: initial_response.map(Secret::new),
        })
    }

    /// `ENABLE`; names must be atoms, at least one.
    pub fn enable<I: IntoIterator<Item = S>, S: Into<String>>(
        caps: I,
    ) -> Result<Self, ValidationError> {
        let caps: Vec<String> = caps.into_iter().map(Into::into).collect();
        if caps.is_empty() {
            return Err(ValidationError::EmptyList);
        }
        if !caps.iter().all(|c| is_atom(c)) {
            return Err(ValidationError::Atom);
        }
        Ok(Command::Enable(caps))
    }

    /// `SELECT mailbox` without parameters.
    pub fn select(mailbox: MailboxName) -> Self {
        Command::Select {
            mailbox,
            options: SelectOptions::default(),
        }
    }

    /// `EXAMINE mailbox` without parameters.
    pub fn examine(mailbox: MailboxName) -> Self {
        Command::Examine {
            mailbox,
            options: SelectOptions::default(),
        }
    }

    /// `LIST "" *` plus options.
    pub fn list_all(options: ListOptions) -> Self {
        Command::List {
            reference: MailboxName::from_wire(Vec::new()),
            pattern: ListPattern::all(),
            options,
        }
    }

    /// `STATUS`; fails on an empty item list.
    pub fn status(mailbox: MailboxName, items: Vec<StatusItem>) -> Result<Self, ValidationError> {
        if items.is_empty() {
            return Err(ValidationError::EmptyList);
        }
        Ok(Command::Status { mailbox, items })
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
        Ok(Command::Fetch {
            set,
            items,
            uid,
            changed_since: None,
        })
    }

    /// `[UID] STORE`; keyword flags must be atoms.
    pub fn store(
        set: SequenceSet,
        uid: bool,
        action: StoreAction,
        flags: Vec<Flag>,
    ) -> Result<Self, ValidationError> {
        check_flags(&flags)?;
        Ok(Command::Store {
            set,
            uid,
            action,
            silent: false,
            flags,
            unchanged_since: None,
        })
    }

    /// `APPEND`; keyword flags must be atoms, `\Recent` cannot be set.
    pub fn append(
        mailbox: MailboxName,
        flags: Vec<Flag>,
        date: Option<DateTime>,
        message: Vec<u8>,
    ) -> Result<Self, ValidationError> {
        check_flags(&flags)?;
        if flags.contains(&Flag::Recent) {
            return Err(ValidationError::Atom);
        }
        Ok(Command::Append {
            mailbox,
            flags,
            date,
            message,
        })
    }

    /// The command's name, for logs and errors (`"UID FETCH"`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Capability => "CAPABILITY",
            Command::Noop => "NOOP",
            Command::Logout => "LOGOUT",
            Command::StartTls => "STARTTLS",
            Command::Login { .. } => "LOGIN",
            Command::Authenticate { .. } => "AUTHENTICATE",
            Command::Enable(_) => "ENABLE",
            Command::Id(_) => "ID",
            Command::Namespace => "NAMESPACE",
            Command::List { .. } => "LIST",
            Command::Lsub { .. } => "LSUB",
            Command::Select { .. } => "SELECT",
            Command::Examine { .. } => "EXAMINE",
            Command::Create { .. } => "CREATE",
            Command::Delete { .. } => "DELETE",
            Command::Rename { .. } => "RENAME",
            Command::Subscribe { .. } => "SUBSCRIBE",
            Command::Unsubscribe { .. } => "UNSUBSCRIBE",
            Command::Status { .. } => "STATUS",
            Command::Append { .. } => "APPEND",
            Command::Check => "CHECK",
            Command::Close => "CLOSE",
            Command::Unselect => "UNSELECT",
            Command::Expunge => "EXPUNGE",
            Command::UidExpunge(_) => "UID EXPUNGE",
            Command::Search { uid: true, .. } => "UID SEARCH",
            Command::Search { uid: false, .. } => "SEARCH",
            Command::Sort { uid: true, .. } => "UID SORT",
            Command::Sort { uid: false, .. } => "SORT",
            Command::Thread { uid: true, .. } => "UID THREAD",
            Command::Thread { uid: false, .. } => "THREAD",
            Command::Fetch { uid: true, .. } => "UID FETCH",
            Command::Fetch { uid: false, .. } => "FETCH",
            Command::Store { uid: true, .. } => "UID STORE",
            Command::Store { uid: false, .. } => "STORE",
            Command::Copy { uid: true, .. } => "UID COPY",
            Command::Copy { uid: false, .. } => "COPY",
            Command::Move { uid: true, .. } => "UID MOVE",
            Command::Move { uid: false, .. } => "MOVE",
            Command::Idle => "IDLE",
            Command::CompressDeflate => "COMPRESS",
            Command::GetQuotaRoot { .. } => "GETQUOTAROOT",
            Command::GetQuota { .. } => "GETQUOTA",
            Command::GetMetadata { .. } => "GETMETADATA",
            Command::SetMetadata { .. } => "SETMETADATA",
        }
    }
}

/// Whether `s` is a non-empty atom.
pub(crate) fn is_atom(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_atom_char)
}

fn check_flags(flags: &[Flag]) -> Result<(), ValidationError> {
    let ok = flags.iter().all(|f| match f {
        Flag::Keyword(k) => is_atom(k),
        Flag::System(s) => is_atom(s),
        _ => true,
    });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::Atom)
    }
}

/// SELECT/EXAMINE parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectOptions {
    /// `(CONDSTORE)`: enable CONDSTORE for this mailbox (RFC 7162).
    pub condstore: bool,
    /// `(QRESYNC (…))`: resynchronise from a known state (RFC 7162; ENABLE QRESYNC first).
    pub qresync: Option<QresyncParams>,
}

/// What the client knew of the mailbox when it last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QresyncParams {
    /// UIDVALIDITY it knew.
    pub uid_validity: u32,
    /// HIGHESTMODSEQ it knew.
    pub modseq: u64,
    /// UIDs it knows (optional).
    pub known_uids: Option<SequenceSet>,
}

/// LIST-EXTENDED selection and return options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// `SUBSCRIBED` selection.
    pub subscribed: bool,
    /// `RETURN (SPECIAL-USE)`.
    pub return_special_use: bool,
    /// `RETURN (CHILDREN)`.
    pub return_children: bool,
    /// `RETURN (SUBSCRIBED)` (RFC 5258): `\Subscribed` on the subscribed mailboxes, in
    /// the same round trip.
    pub return_subscribed: bool,
    /// `RETURN (STATUS (…))` (LIST-STATUS): STATUS data for each mailbox.
    pub return_status: Vec<StatusItem>,
}

impl ListOptions {
    /// Whether any extended syntax is needed.
    pub fn is_empty(&self) -> bool {
        *self == ListOptions::default()
    }
}

/// A STATUS item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusItem {
    /// `MESSAGES`
    Messages,
    /// `RECENT` (IMAP4rev1)
    Recent,
    /// `UIDNEXT`
    UidNext,
    /// `UIDVALIDITY`
    UidValidity,
    /// `UNSEEN`
    Unseen,
    /// `DELETED` (IMAP4rev2)
    Deleted,
    /// `DELETED-STORAGE` (QUOTA, RFC 9208)
    DeletedStorage,
    /// `SIZE` (STATUS=SIZE, RFC 8438)
    Size,
    /// `HIGHESTMODSEQ` (CONDSTORE)
    HighestModSeq,
    /// `APPENDLIMIT` (RFC 7889)
    AppendLimit,
    /// `MAILBOXID` (OBJECTID, RFC 8474)
    MailboxId,
}

impl StatusItem {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::Recent => "RECENT",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::Deleted => "DELETED",
            StatusItem::DeletedStorage => "DELETED-STORAGE",
            StatusItem::Size => "SIZE",
            StatusItem::HighestModSeq => "HIGHESTMODSEQ",
            StatusItem::AppendLimit => "APPENDLIMIT",
            StatusItem::MailboxId => "MAILBOXID",
        }
    }
}

/// FETCH modifiers of CONDSTORE/QRESYNC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangedSince {
    /// Only messages whose MODSEQ is greater.
    pub modseq: u64,
    /// Also report expunged UIDs as VANISHED (EARLIER) (QRESYNC, UID FETCH only).
    pub vanished: bool,
}

/// How STORE changes flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    /// `+FLAGS`
    Add,
    /// `-FLAGS`
    Remove,
    /// `FLAGS`
    Replace,
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
    /// `BODY` (the non-extensible structure)
    Body,
    /// `MODSEQ` (CONDSTORE)
    ModSeq,
    /// `BINARY.SIZE[part]` (RFC 3516)
    BinarySize(Vec<u32>),
    /// `BINARY[part]<partial>` / `BINARY.PEEK[…]` (RFC 3516): content without transfer
    /// encoding.
    Binary {
        /// Part path.
        part: Vec<u32>,
        /// `<offset.length>`
        partial: Option<(u32, u32)>,
        /// `BINARY.PEEK`
        peek: bool,
    },
    /// `EMAILID` (OBJECTID)
    EmailId,
    /// `THREADID` (OBJECTID)
    ThreadId,
    /// `PREVIEW` (RFC 8970)
    Preview,
    /// `X-GM-MSGID` (Gmail)
    GmailMessageId,
    /// `X-GM-THRID` (Gmail)
    GmailThreadId,
    /// `X-GM-LABELS` (Gmail)
    GmailLabels,
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
