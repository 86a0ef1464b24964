//! Responses a server sends: status responses, untagged data and continuation requests.

use super::{
    core::{Capability, Flag, Tag, Text},
    fetch::FetchItem,
    mailbox::{ListItem, MailboxName},
    sequence::SequenceSet,
};

/// One complete server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `tag OK/NO/BAD …` or `* OK/NO/BAD/PREAUTH/BYE …`
    Status(StatusResponse),
    /// Untagged data (`* 3 EXISTS`, `* LIST …`).
    Data(Data),
    /// `+ …`: the server waits for more from the client.
    Continue(ContinueRequest),
}

/// A status response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse {
    /// The tag of the completed command; `None` for `*`.
    pub tag: Option<Tag>,
    /// OK, NO, BAD, PREAUTH or BYE.
    pub kind: StatusKind,
    /// The bracketed response code, if any.
    pub code: Option<Code>,
    /// Human-readable text (possibly empty: iCloud sends `* BYE` alone).
    pub text: Text,
}

/// The kind of a status response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// `OK`
    Ok,
    /// `NO`: the command failed.
    No,
    /// `BAD`: the command was not understood.
    Bad,
    /// `PREAUTH` (greeting only): already authenticated.
    PreAuth,
    /// `BYE`: the server is closing the connection.
    Bye,
}

impl StatusKind {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        }
    }
}

/// A `+` continuation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinueRequest {
    /// A response code, if the text starts with one.
    pub code: Option<Code>,
    /// The text (base64 data during AUTHENTICATE); empty for a bare `+`.
    pub text: Text,
}

/// A bracketed response code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code {
    /// `ALERT`: show the text to the user.
    Alert,
    /// `BADCHARSET`
    BadCharset(Vec<Text>),
    /// `CAPABILITY …`
    Capability(Vec<Capability>),
    /// `PARSE`
    Parse,
    /// `PERMANENTFLAGS (…)`
    PermanentFlags(Vec<Flag>),
    /// `READ-ONLY`
    ReadOnly,
    /// `READ-WRITE`
    ReadWrite,
    /// `TRYCREATE`
    TryCreate,
    /// `UIDNEXT n`
    UidNext(u32),
    /// `UIDVALIDITY n`
    UidValidity(u32),
    /// `UNSEEN n`
    Unseen(u32),
    /// `HIGHESTMODSEQ n` (CONDSTORE)
    HighestModSeq(u64),
    /// `NOMODSEQ` (CONDSTORE)
    NoModSeq,
    /// `APPENDUID validity uids` (UIDPLUS)
    AppendUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// UIDs assigned.
        uids: SequenceSet,
    },
    /// `COPYUID validity source-uids target-uids` (UIDPLUS)
    CopyUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// Source UIDs.
        source: SequenceSet,
        /// UIDs in the target.
        target: SequenceSet,
    },
    /// `CLOSED` (QRESYNC)
    Closed,
    /// `MODIFIED set` (CONDSTORE): messages a conditional STORE did not change.
    Modified(SequenceSet),
    /// `UIDNOTSTICKY` (UIDPLUS): the mailbox does not keep UIDs.
    UidNotSticky,
    /// `APPENDLIMIT n`: the largest message APPEND accepts (some servers send it as a code).
    AppendLimit(u64),
    /// `TOOBIG` (RFC 4469, RFC 7889): the message is over the APPENDLIMIT.
    TooBig,
    /// `COMPRESSIONACTIVE` (RFC 4978)
    CompressionActive,
    /// `MAILBOXID (id)` (OBJECTID, RFC 8474)
    MailboxId(Text),
    /// `METADATA …` (RFC 5464)
    Metadata(MetadataCode),
    /// `HASCHILDREN` (RFC 9051)
    HasChildren,
    /// `UNKNOWN-CTE` (BINARY, RFC 3516 and RFC 9051)
    UnknownCte,
    /// A code of RFC 5530 (and RFC 9051) that carries no value.
    Plain(PlainCode),
    /// Any other code, or a known one whose value did not parse: name and raw value.
    Other {
        /// The code's name, as sent.
        name: String,
        /// Everything after the name up to `]`, unparsed.
        value: Option<Text>,
    },
}

/// The value of a `METADATA` response code (RFC 5464 section 4.2, 4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataCode {
    /// `LONGENTRIES n`: the longest value that was not returned.
    LongEntries(u64),
    /// `MAXSIZE n`: the largest value the server accepts.
    MaxSize(u64),
    /// `TOOMANY`
    TooMany,
    /// `NOPRIVATE`
    NoPrivate,
}

/// Response codes without a value, from RFC 5530 (and RFC 9051).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlainCode {
    /// `UNAVAILABLE`
    Unavailable,
    /// `AUTHENTICATIONFAILED`
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED`
    AuthorizationFailed,
    /// `EXPIRED`
    Expired,
    /// `PRIVACYREQUIRED`
    PrivacyRequired,
    /// `CONTACTADMIN`
    ContactAdmin,
    /// `NOPERM`
    NoPerm,
    /// `INUSE`
    InUse,
    /// `EXPUNGEISSUED`
    ExpungeIssued,
    /// `CORRUPTION`
    Corruption,
    /// `SERVERBUG`
    ServerBug,
    /// `CLIENTBUG`
    ClientBug,
    /// `CANNOT`
    Cannot,
    /// `LIMIT`
    Limit,
    /// `OVERQUOTA`
    OverQuota,
    /// `ALREADYEXISTS`
    AlreadyExists,
    /// `NONEXISTENT`
    NonExistent,
    /// `NOTSAVED` (RFC 9051 SEARCHRES)
    NotSaved,
    /// `USEATTR` (RFC 6154): the special-use attribute is not supported for the mailbox.
    UseAttr,
}

impl PlainCode {
    /// Every value, for lookups and tests.
    pub const ALL: [PlainCode; 19] = [
        PlainCode::Unavailable,
        PlainCode::AuthenticationFailed,
        PlainCode::AuthorizationFailed,
        PlainCode::Expired,
        PlainCode::PrivacyRequired,
        PlainCode::ContactAdmin,
        PlainCode::NoPerm,
        PlainCode::InUse,
        PlainCode::ExpungeIssued,
        PlainCode::Corruption,
        PlainCode::ServerBug,
        PlainCode::ClientBug,
        PlainCode::Cannot,
        PlainCode::Limit,
        PlainCode::OverQuota,
        PlainCode::AlreadyExists,
        PlainCode::NonExistent,
        PlainCode::NotSaved,
        PlainCode::UseAttr,
    ];

    /// The code's name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlainCode::Unavailable => "UNAVAILABLE",
            PlainCode::AuthenticationFailed => "AUTHENTICATIONFAILED",
            PlainCode::AuthorizationFailed => "AUTHORIZATIONFAILED",
            PlainCode::Expired => "EXPIRED",
            PlainCode::PrivacyRequired => "PRIVACYREQUIRED",
            PlainCode::ContactAdmin => "CONTACTADMIN",
            PlainCode::NoPerm => "NOPERM",
            PlainCode::InUse => "INUSE",
            PlainCode::ExpungeIssued => "EXPUNGEISSUED",
            PlainCode::Corruption => "CORRUPTION",
            PlainCode::ServerBug => "SERVERBUG",
            PlainCode::ClientBug => "CLIENTBUG",
            PlainCode::Cannot => "CANNOT",
            PlainCode::Limit => "LIMIT",
            PlainCode::OverQuota => "OVERQUOTA",
            PlainCode::AlreadyExists => "ALREADYEXISTS",
            PlainCode::NonExistent => "NONEXISTENT",
            PlainCode::NotSaved => "NOTSAVED",
            PlainCode::UseAttr => "USEATTR",
        }
    }

    /// Looks a name up (case-insensitive).
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().as_bytes().eq_ignore_ascii_case(name))
    }
}

/// Untagged data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Data {
    /// `* CAPABILITY …`
    Capability(Vec<Capability>),
    /// `* LIST …`
    List(ListItem),
    /// `* LSUB …`
    Lsub(ListItem),
    /// `* FLAGS (…)`
    Flags(Vec<Flag>),
    /// `* n EXISTS`
    Exists(u32),
    /// `* n RECENT`
    Recent(u32),
    /// `* n EXPUNGE`
    Expunge(u32),
    /// `* n FETCH (…)`
    Fetch {
        /// Message sequence number.
        seq: u32,
        /// Items, in the order sent.
        items: Vec<FetchItem>,
    },
    /// `* SEARCH n …`
    Search {
        /// Matching numbers or UIDs.
        ids: Vec<u32>,
        /// `(MODSEQ n)` (CONDSTORE)
        modseq: Option<u64>,
    },
    /// `* STATUS mailbox (…)` (also after LIST with LIST-STATUS, RFC 5819)
    Status {
        /// The mailbox.
        mailbox: MailboxName,
        /// Items, in the order sent.
        items: Vec<StatusItem>,
    },
    /// `* ENABLED …`
    Enabled(Vec<Capability>),
    /// `* ESEARCH …` (RFC 4731, RFC 9051)
    ESearch(ESearch),
    /// `* SORT n …` (RFC 5256)
    Sort {
        /// Numbers or UIDs in sort order.
        ids: Vec<u32>,
        /// `(MODSEQ n)` (CONDSTORE)
        modseq: Option<u64>,
    },
    /// `* THREAD …` (RFC 5256): one entry per thread.
    Thread(Vec<Thread>),
    /// `* VANISHED [(EARLIER)] uids` (QRESYNC, RFC 7162)
    Vanished {
        /// `(EARLIER)`: a reply to a FETCH with VANISHED, not a live expunge.
        earlier: bool,
        /// The UIDs that are gone.
        uids: SequenceSet,
    },
    /// `* NAMESPACE personal other shared` (RFC 2342, RFC 9051)
    Namespace {
        /// Personal namespaces.
        personal: Vec<Namespace>,
        /// Other users' namespaces.
        other: Vec<Namespace>,
        /// Shared namespaces.
        shared: Vec<Namespace>,
    },
    /// `* ID (…)` or `* ID NIL` (RFC 2971): field names and values.
    Id(Vec<(Text, Option<Text>)>),
    /// `* QUOTA root (resource usage limit …)` (RFC 9208)
    Quota {
        /// The quota root.
        root: Text,
        /// Resources.
        resources: Vec<QuotaResource>,
    },
    /// `* QUOTAROOT mailbox root …` (RFC 9208)
    QuotaRoot {
        /// The mailbox.
        mailbox: MailboxName,
        /// Its quota roots (possibly none).
        roots: Vec<Text>,
    },
    /// `* METADATA mailbox …` (RFC 5464)
    Metadata {
        /// The mailbox (empty for server annotations).
        mailbox: MailboxName,
        /// Entries with values, or (unsolicited) entry names only.
        entries: MetadataEntries,
    },
    /// Untagged data this crate does not interpret: its first word and the whole line.
    Other {
        /// The first word after `*` (or after the number).
        name: String,
        /// The complete response, as sent.
        raw: Text,
    },
}

/// One item of `* STATUS` data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusItem {
    /// `MESSAGES n`
    Messages(u32),
    /// `RECENT n` (IMAP4rev1)
    Recent(u32),
    /// `UIDNEXT n`
    UidNext(u32),
    /// `UIDVALIDITY n`
    UidValidity(u32),
    /// `UNSEEN n`
    Unseen(u32),
    /// `DELETED n` (RFC 9051)
    Deleted(u32),
    /// `DELETED-STORAGE n` (QUOTA, RFC 9208): storage freed by expunging the deleted
    /// messages, in units of 1024 octets.
    DeletedStorage(u64),
    /// `SIZE n` (STATUS=SIZE, RFC 8438)
    Size(u64),
    /// `HIGHESTMODSEQ n` (CONDSTORE)
    HighestModSeq(u64),
    /// `APPENDLIMIT n` or `APPENDLIMIT NIL` (RFC 7889)
    AppendLimit(Option<u64>),
    /// `MAILBOXID (id)` (OBJECTID, RFC 8474)
    MailboxId(Text),
    /// Another item: its name and the raw value.
    Other {
        /// The item's name, as sent.
        name: String,
        /// The value's bytes.
        raw: Text,
    },
}

/// `* ESEARCH` data (RFC 4731).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ESearch {
    /// `(TAG "A1")`: the command this answers.
    pub tag: Option<Text>,
    /// `UID`: the numbers are UIDs.
    pub uid: bool,
    /// Results, in the order sent.
    pub items: Vec<ESearchItem>,
}

/// One ESEARCH result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ESearchItem {
    /// `MIN n`
    Min(u32),
    /// `MAX n`
    Max(u32),
    /// `COUNT n`
    Count(u32),
    /// `ALL set`
    All(SequenceSet),
    /// `MODSEQ n` (CONDSTORE)
    ModSeq(u64),
    /// Another result (PARTIAL, RELEVANCY, …): its name and raw value.
    Other {
        /// The result's name, as sent.
        name: String,
        /// The value's bytes.
        raw: Text,
    },
}

/// One thread of `* THREAD` data: a chain of messages, each the parent of the next, and
/// the sub-threads below the last (RFC 5256 `thread-list`). A chain may be empty when the
/// server knows of no common parent (`((3)(5))`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thread {
    /// The chain.
    pub ids: Vec<u32>,
    /// Branches below the last message of the chain (none, or two or more).
    pub children: Vec<Thread>,
}

/// One namespace of `* NAMESPACE` data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// The prefix (`""`, `"INBOX."`, `"#shared/"`).
    pub prefix: Text,
    /// The hierarchy delimiter (`None` for NIL).
    pub delimiter: Option<char>,
    /// Namespace response extensions: name and values (`"TRANSLATION" ("x")`).
    pub extensions: Vec<(Text, Vec<Text>)>,
}

/// A resource in `* QUOTA` data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    /// `STORAGE`, `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`, …
    pub name: String,
    /// Current usage.
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

/// The entries of `* METADATA` data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataEntries {
    /// `(entry value …)`: a reply to GETMETADATA (value `None` for NIL).
    Values(Vec<(Text, Option<Text>)>),
    /// `entry …`: an unsolicited change notice.
    Names(Vec<Text>),
}
