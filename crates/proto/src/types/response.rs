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
    /// Any other code, or a known one whose value did not parse: name and raw value.
    Other {
        /// The code's name, as sent.
        name: String,
        /// Everything after the name up to `]`, unparsed.
        value: Option<Text>,
    },
}

/// Untagged data.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `* STATUS mailbox (…)`
    Status {
        /// The mailbox.
        mailbox: MailboxName,
        /// Items as (name, value), e.g. `("MESSAGES", 3)`.
        items: Vec<(String, u64)>,
    },
    /// `* ENABLED …`
    Enabled(Vec<Capability>),
    /// Untagged data this crate does not interpret: its first word and the whole line.
    Other {
        /// The first word after `*` (or after the number).
        name: String,
        /// The complete response, as sent.
        raw: Text,
    },
}
