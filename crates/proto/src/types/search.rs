//! SEARCH criteria (RFC 3501 6.4.4, RFC 9051), ESEARCH return options (RFC 4731), SORT and
//! THREAD (RFC 5256).

use super::{core::Atom, sequence::SequenceSet};
use crate::error::ValidationError;

/// A calendar date for SEARCH (`1-Feb-2024`): no time, no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SearchDate {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl SearchDate {
    /// A valid calendar date.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ValidationError> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(ValidationError::Date),
        };
        if day == 0 || day > days || year < 1 {
            return Err(ValidationError::Date);
        }
        Ok(Self { year, month, day })
    }

    /// `d-Mon-yyyy`.
    pub fn to_wire(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS
            .get(usize::from(self.month).saturating_sub(1))
            .unwrap_or(&"Jan");
        format!("{}-{}-{}", self.day, month, self.year)
    }
}

/// One search criterion. A list of them means all must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    /// `ALL`
    All,
    /// `ANSWERED`
    Answered,
    /// `UNANSWERED`
    Unanswered,
    /// `DELETED`
    Deleted,
    /// `UNDELETED`
    Undeleted,
    /// `DRAFT`
    Draft,
    /// `UNDRAFT`
    Undraft,
    /// `FLAGGED`
    Flagged,
    /// `UNFLAGGED`
    Unflagged,
    /// `SEEN`
    Seen,
    /// `UNSEEN`
    Unseen,
    /// `KEYWORD k` (an atom)
    Keyword(Atom),
    /// `UNKEYWORD k`
    Unkeyword(Atom),
    /// `FROM s`
    From(String),
    /// `TO s`
    To(String),
    /// `CC s`
    Cc(String),
    /// `BCC s`
    Bcc(String),
    /// `SUBJECT s`
    Subject(String),
    /// `BODY s`
    Body(String),
    /// `TEXT s` (headers and body)
    Text(String),
    /// `HEADER field s`
    Header(String, String),
    /// `BEFORE d` (internal date)
    Before(SearchDate),
    /// `ON d`
    On(SearchDate),
    /// `SINCE d`
    Since(SearchDate),
    /// `SENTBEFORE d` (Date header)
    SentBefore(SearchDate),
    /// `SENTON d`
    SentOn(SearchDate),
    /// `SENTSINCE d`
    SentSince(SearchDate),
    /// `LARGER n`
    Larger(u64),
    /// `SMALLER n`
    Smaller(u64),
    /// `UID set`
    Uid(SequenceSet),
    /// A message-number set.
    SequenceSet(SequenceSet),
    /// `MODSEQ n` (CONDSTORE)
    ModSeq(u64),
    /// `OLDER n` seconds (WITHIN, RFC 5032)
    Older(u32),
    /// `YOUNGER n` seconds (WITHIN)
    Younger(u32),
    /// `EMAILID id` (OBJECTID)
    EmailId(String),
    /// `THREADID id` (OBJECTID)
    ThreadId(String),
    /// `X-GM-RAW "gmail search"` (Gmail)
    GmailRaw(String),
    /// `NOT key`
    Not(Box<SearchKey>),
    /// `OR a b`
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `(a b …)`: all of them.
    And(Vec<SearchKey>),
}

impl SearchKey {
    /// `OR a b`.
    pub fn or(a: SearchKey, b: SearchKey) -> Self {
        SearchKey::Or(Box::new(a), Box::new(b))
    }

    /// `NOT k`.
    pub fn negate(k: SearchKey) -> Self {
        SearchKey::Not(Box::new(k))
    }

    /// Whether any string in the criteria is non-ASCII (then `CHARSET UTF-8` is needed
    /// unless UTF8=ACCEPT is enabled).
    pub(crate) fn has_8bit(&self) -> bool {
        match self {
            SearchKey::From(s)
            | SearchKey::To(s)
            | SearchKey::Cc(s)
            | SearchKey::Bcc(s)
            | SearchKey::Subject(s)
            | SearchKey::Body(s)
            | SearchKey::Text(s)
            | SearchKey::GmailRaw(s)
            | SearchKey::EmailId(s)
            | SearchKey::ThreadId(s) => !s.is_ascii(),
            SearchKey::Header(a, b) => !a.is_ascii() || !b.is_ascii(),
            SearchKey::Not(k) => k.has_8bit(),
            SearchKey::Or(a, b) => a.has_8bit() || b.has_8bit(),
            SearchKey::And(ks) => ks.iter().any(SearchKey::has_8bit),
            _ => false,
        }
    }
}

/// ESEARCH return options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchReturn {
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `ALL` (as a compact sequence set)
    All,
    /// `COUNT`
    Count,
    /// `SAVE` (SEARCHRES, RFC 5182)
    Save,
}

impl SearchReturn {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchReturn::Min => "MIN",
            SearchReturn::Max => "MAX",
            SearchReturn::All => "ALL",
            SearchReturn::Count => "COUNT",
            SearchReturn::Save => "SAVE",
        }
    }
}

/// A SORT key, possibly reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortCriterion {
    /// Descending.
    pub reverse: bool,
    /// What to sort by.
    pub key: SortKey,
}

/// What SORT compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// `ARRIVAL` (internal date)
    Arrival,
    /// `CC`
    Cc,
    /// `DATE` (Date header)
    Date,
    /// `FROM`
    From,
    /// `SIZE`
    Size,
    /// `SUBJECT` (base subject)
    Subject,
    /// `TO`
    To,
    /// `DISPLAYFROM` (RFC 5957)
    DisplayFrom,
    /// `DISPLAYTO` (RFC 5957)
    DisplayTo,
}

impl SortKey {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Arrival => "ARRIVAL",
            SortKey::Cc => "CC",
            SortKey::Date => "DATE",
            SortKey::From => "FROM",
            SortKey::Size => "SIZE",
            SortKey::Subject => "SUBJECT",
            SortKey::To => "TO",
            SortKey::DisplayFrom => "DISPLAYFROM",
            SortKey::DisplayTo => "DISPLAYTO",
        }
    }
}

/// THREAD algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`
    OrderedSubject,
    /// `REFERENCES`
    References,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_validated() {
        assert_eq!(
            SearchDate::new(2024, 2, 29).unwrap().to_wire(),
            "29-Feb-2024"
        );
        assert!(SearchDate::new(2023, 2, 29).is_err());
        assert!(SearchDate::new(2024, 13, 1).is_err());
        assert!(SearchDate::new(2024, 4, 31).is_err());
    }

    #[test]
    fn eight_bit_detection_recurses() {
        let k = SearchKey::or(
            SearchKey::Seen,
            SearchKey::negate(SearchKey::Subject("Grüße".into())),
        );
        assert!(k.has_8bit());
        assert!(!SearchKey::And(vec![SearchKey::Subject("hello".into())]).has_8bit());
    }
}
