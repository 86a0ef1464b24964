//! Errors of the protocol layer.

use thiserror::Error;

/// A value could not become part of a command.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// Tags are non-empty ASTRING-CHARs other than `+`.
    #[error("invalid tag")]
    Tag,
    /// Mailbox names cannot contain CR, LF or NUL.
    #[error("mailbox names cannot contain CR, LF or NUL")]
    MailboxName,
    /// User names and passwords cannot contain CR, LF or NUL.
    #[error("user names and passwords cannot contain CR, LF or NUL")]
    Credentials,
    /// Sequence sets are non-empty lists of non-zero numbers.
    #[error("sequence sets need at least one non-zero number")]
    SequenceSet,
    /// A value that must be an atom (mechanism, capability, keyword) is not.
    #[error("not an atom (letters, digits and most punctuation; no spaces or brackets)")]
    Atom,
    /// A date is not a real calendar date.
    #[error("invalid date")]
    Date,
    /// A body section names part 0, or MIME without a part.
    #[error("a body section's part numbers start at 1, and MIME needs a part number")]
    Section,
    /// A flag that no client can set: `\Recent`, `\*`.
    #[error("\\Recent and \\* cannot be set by a client")]
    Flag,
    /// A partial fetch of no octets.
    #[error("a partial fetch needs a length of at least 1")]
    Partial,
    /// A list that must have members was empty.
    #[error("a list that needs members was empty")]
    EmptyList,
}
