//! Commands a client sends. Every value is validated when built: each field's type admits
//! only what the grammar allows there (atoms, non-empty lists, mailbox names and
//! credentials without CR/LF/NUL, flags a client may set, in-range dates), so a [`Command`]
//! that exists encodes to one valid command line, and user input cannot smuggle a second.

use super::{
    core::{Atom, Flag, Vec1, is_atom_char},
    fetch::DateTime,
    mailbox::{MailboxName, SpecialUse},
    sequence::SequenceSet,
};
pub use super::{
    search::{SearchDate, SearchKey, SearchReturn, SortCriterion, SortKey, ThreadAlgorithm},
    section::{PartPath, Partial, Section, SectionKind},
};
use crate::{error::ValidationError, secret::Secret};

/// A command body (the tag is added by the session).
///
/// The variants are open, but their fields cannot hold invalid values: lists the grammar
/// wants non-empty are [`Vec1`]s, names that must be atoms are [`Atom`]s, credentials are
/// [`Credential`]s, flags to set a [`FlagList`], mailbox names [`MailboxName`]s. The
/// constructors (`Command::login`, `Command::fetch`, …) build those from plain values and
/// return a [`ValidationError`] for what cannot be sent. Free text (search strings, ID
/// values, metadata) is never spliced raw: it becomes a quoted string or a literal (a NUL
/// in it, which IMAP has no form for, makes the server refuse the command).
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
        username: Credential,
        /// Password.
        password: Secret<Credential>,
    },
    /// `AUTHENTICATE mechanism [initial-response]` (RFC 3501, SASL-IR RFC 4959). Further
    /// steps go through `Session::send_continuation`.
    Authenticate {
        /// SASL mechanism name (`PLAIN`, `SCRAM-SHA-256`).
        mechanism: Atom,
        /// Initial response (raw, base64-encoded by the encoder; empty sends `=`). Only
        /// with the SASL-IR capability.
        initial_response: Option<Secret<Vec<u8>>>,
    },
    /// `ENABLE cap…` (RFC 5161)
    Enable(Vec1<Atom>),
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
        /// Items.
        items: Vec1<StatusItem>,
    },
    /// `APPEND mailbox [(flags)] [date] literal`
    Append {
        /// Target mailbox.
        mailbox: MailboxName,
        /// Flags to set.
        flags: FlagList,
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
        /// Sort keys.
        criteria: Vec1<SortCriterion>,
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
        /// What to fetch.
        items: Vec1<FetchAttribute>,
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
        flags: FlagList,
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
        /// Entry names (`/private/comment`).
        entries: Vec1<String>,
    },
    /// `SETMETADATA mailbox (entry value …)` (RFC 5464); `None` removes the entry.
    SetMetadata {
        /// Mailbox.
        mailbox: MailboxName,
        /// Entries and values.
        entries: Vec1<(String, Option<Vec<u8>>)>,
    },
}

impl Command {
    /// `LOGIN`; fails if either value holds NUL, CR or LF (no encoding could carry them).
    pub fn login(username: &str, password: &str) -> Result<Self, ValidationError> {
        Ok(Command::Login {
            username: Credential::new(username)?,
            password: Secret::new(Credential::new(password)?),
        })
    }

    /// `AUTHENTICATE`; the mechanism must be an atom.
    pub fn authenticate(
        mechanism: &str,
        initial_response: Option<Vec<u8>>,
    ) -> Result<Self, ValidationError> {
        Ok(Command::Authenticate {
            mechanism: Atom::new(mechanism.to_ascii_uppercase())?,
            initial_response: initial_response.map(Secret::new),
        })
    }

    /// `ENABLE`; names must be atoms, at least one.
    pub fn enable<I: IntoIterator<Item = S>, S: Into<String>>(
        caps: I,
    ) -> Result<Self, ValidationError> {
        let caps = caps
            .into_iter()
            .map(|c| Atom::new(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Command::Enable(Vec1::new(caps)?))
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
            reference: MailboxName::default(),
            pattern: ListPattern::all(),
            options,
        }
    }

    /// `STATUS`; fails on an empty item list.
    pub fn status(mailbox: MailboxName, items: Vec<StatusItem>) -> Result<Self, ValidationError> {
        Ok(Command::Status {
            mailbox,
            items: Vec1::new(items)?,
        })
    }

    /// `UID FETCH` (or `FETCH` with `uid = false`); fails on an empty item list.
    pub fn fetch(
        set: SequenceSet,
        items: Vec<FetchAttribute>,
        uid: bool,
    ) -> Result<Self, ValidationError> {
        Ok(Command::Fetch {
            set,
            items: Vec1::new(items)?,
            uid,
            changed_since: None,
        })
    }

    /// `[UID] STORE`; keyword flags must be atoms, `\Recent` and `\*` cannot be set.
    pub fn store(
        set: SequenceSet,
        uid: bool,
        action: StoreAction,
        flags: Vec<Flag>,
    ) -> Result<Self, ValidationError> {
        Ok(Command::Store {
            set,
            uid,
            action,
            silent: false,
            flags: FlagList::new(flags)?,
            unchanged_since: None,
        })
    }

    /// `APPEND`; keyword flags must be atoms, `\Recent` and `\*` cannot be set.
    pub fn append(
        mailbox: MailboxName,
        flags: Vec<Flag>,
        date: Option<DateTime>,
        message: Vec<u8>,
    ) -> Result<Self, ValidationError> {
        Ok(Command::Append {
            mailbox,
            flags: FlagList::new(flags)?,
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

/// A user name or password for LOGIN: any text without NUL, CR or LF (no form of the
/// LOGIN command can carry those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential(String);

impl Credential {
    /// Fails on NUL, CR or LF.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
            return Err(ValidationError::Credentials);
        }
        Ok(Self(value))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Credential {
    type Error = ValidationError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

/// The flags STORE and APPEND set (possibly none): system flags and keywords that are
/// atoms; never `\Recent` or `\*`, which no client can set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagList(Vec<Flag>);

impl FlagList {
    /// Fails on a keyword or system flag that is not an atom ([`ValidationError::Atom`])
    /// and on `\Recent` or `\*` ([`ValidationError::Flag`]).
    pub fn new(flags: Vec<Flag>) -> Result<Self, ValidationError> {
        for flag in &flags {
            match flag {
                Flag::Keyword(name) | Flag::System(name) if !is_atom(name) => {
                    return Err(ValidationError::Atom);
                }
                Flag::Recent | Flag::MayCreate => return Err(ValidationError::Flag),
                _ => {}
            }
        }
        Ok(Self(flags))
    }

    /// The flags.
    pub fn as_slice(&self) -> &[Flag] {
        &self.0
    }
}

impl TryFrom<Vec<Flag>> for FlagList {
    type Error = ValidationError;

    fn try_from(flags: Vec<Flag>) -> Result<Self, Self::Error> {
        Self::new(flags)
    }
}

impl std::ops::Deref for FlagList {
    type Target = [Flag];

    fn deref(&self) -> &[Flag] {
        &self.0
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
    BinarySize(PartPath),
    /// `BINARY[part]<partial>` / `BINARY.PEEK[…]` (RFC 3516): content without transfer
    /// encoding.
    Binary {
        /// Part path.
        part: PartPath,
        /// `<offset.length>`
        partial: Option<Partial>,
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
        partial: Option<Partial>,
        /// `BODY.PEEK`
        peek: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> SequenceSet {
        SequenceSet::all()
    }

    #[test]
    fn constructors_refuse_what_cannot_be_sent() {
        let no_caps: [&str; 0] = [];
        assert_eq!(Command::enable(no_caps), Err(ValidationError::EmptyList));
        assert_eq!(
            Command::enable(["QRESYNC", "a b"]),
            Err(ValidationError::Atom)
        );
        assert_eq!(
            Command::authenticate("PLAIN X", None),
            Err(ValidationError::Atom)
        );
        assert_eq!(
            Command::login("alice", "pw\0"),
            Err(ValidationError::Credentials)
        );
        assert_eq!(
            Command::status(MailboxName::inbox(), Vec::new()),
            Err(ValidationError::EmptyList)
        );
        assert_eq!(
            Command::fetch(set(), Vec::new(), true),
            Err(ValidationError::EmptyList)
        );
        let keyword = |k: &str| vec![Flag::Keyword(k.into())];
        for (flags, error) in [
            (keyword("a b"), ValidationError::Atom),
            (keyword(""), ValidationError::Atom),
            (vec![Flag::System("x)".into())], ValidationError::Atom),
            (vec![Flag::Recent], ValidationError::Flag),
            (vec![Flag::MayCreate], ValidationError::Flag),
        ] {
            assert_eq!(
                Command::store(set(), true, StoreAction::Add, flags.clone()),
                Err(error.clone())
            );
            assert_eq!(
                Command::append(MailboxName::inbox(), flags, None, Vec::new()),
                Err(error)
            );
        }
    }

    #[test]
    fn field_types_refuse_invalid_values() {
        // What a hand-built variant would need: each type checks on construction.
        assert_eq!(
            Vec1::<Atom>::new(Vec::new()),
            Err(ValidationError::EmptyList)
        );
        assert_eq!(Atom::new("SCRAM SHA"), Err(ValidationError::Atom));
        assert_eq!(Credential::new("a\r\nb"), Err(ValidationError::Credentials));
        assert_eq!(
            FlagList::new(vec![Flag::Seen, Flag::Recent]),
            Err(ValidationError::Flag)
        );
        assert_eq!(
            MailboxName::from_wire(b"a\0b".to_vec()),
            Err(ValidationError::MailboxName)
        );
        // And the valid ones build.
        let enable = Command::Enable(Vec1::one(Atom::new("CONDSTORE").unwrap()));
        assert_eq!(enable.name(), "ENABLE");
        let store = Command::store(set(), false, StoreAction::Replace, Vec::new()).unwrap();
        assert!(matches!(store, Command::Store { flags, .. } if flags.is_empty()));
        assert_eq!(
            Command::authenticate("scram-sha-256", None),
            Ok(Command::Authenticate {
                mechanism: Atom::new("SCRAM-SHA-256").unwrap(),
                initial_response: None
            })
        );
    }
}
