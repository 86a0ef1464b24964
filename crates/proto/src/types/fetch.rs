//! FETCH data: envelope, body structure, dates and sections.

use super::{
    core::{Flag, Text},
    section::Section,
};
use crate::error::ValidationError;

/// One item of a `* n FETCH (…)` response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchItem {
    /// `UID n`
    Uid(u32),
    /// `FLAGS (…)`
    Flags(Vec<Flag>),
    /// `INTERNALDATE "…"`
    InternalDate(DateTime),
    /// `RFC822.SIZE n`
    Rfc822Size(u64),
    /// `ENVELOPE (…)`
    Envelope(Box<Envelope>),
    /// `BODYSTRUCTURE (…)` (extensible form). Boxed, as [`Envelope`](Self::Envelope): a
    /// body structure is large (336 bytes), and the other items are at most 88.
    BodyStructure(Box<BodyStructure>),
    /// `BODY (…)` (non-extensible form)
    Body(Box<BodyStructure>),
    /// `BODY[section]<origin> nstring`
    BodySection {
        /// The section, as parsed.
        section: Section,
        /// `<origin>` for a partial fetch.
        origin: Option<u32>,
        /// The data (`None` for NIL).
        data: Option<Vec<u8>>,
    },
    /// `MODSEQ (n)` (CONDSTORE)
    ModSeq(u64),
    /// `BINARY[section]<origin> nstring / literal8` (RFC 3516, RFC 9051): decoded content.
    Binary {
        /// Part numbers (`[]` for the whole message).
        section: Vec<u32>,
        /// `<origin>` for a partial fetch.
        origin: Option<u32>,
        /// The data (`None` for NIL).
        data: Option<Vec<u8>>,
    },
    /// `BINARY.SIZE[section] n` (RFC 3516, RFC 9051): decoded size.
    BinarySize {
        /// Part numbers.
        section: Vec<u32>,
        /// Size in octets.
        size: u64,
    },
    /// `PREVIEW nstring` (RFC 8970)
    Preview(Option<Text>),
    /// `EMAILID (id)` (OBJECTID, RFC 8474)
    EmailId(Text),
    /// `THREADID (id)` or `THREADID NIL` (OBJECTID, RFC 8474)
    ThreadId(Option<Text>),
    /// `SAVEDATE "…"` or `SAVEDATE NIL` (RFC 8514)
    SaveDate(Option<DateTime>),
    /// `X-GM-MSGID n` (Gmail)
    GmMsgId(u64),
    /// `X-GM-THRID n` (Gmail)
    GmThrId(u64),
    /// `X-GM-LABELS (…)` (Gmail): labels as sent (system labels keep their `\`).
    GmLabels(Vec<Text>),
    /// An item this crate does not interpret (Gmail `X-GM-*`, vendor items), or a known one
    /// whose value did not parse: its name and the value's raw bytes.
    Other {
        /// The item name, as sent (`X-GM-LABELS`).
        name: String,
        /// The value's bytes, exactly as sent.
        raw: Text,
    },
}

/// A date-time (INTERNALDATE, SAVEDATE, APPEND's date): `dd-Mon-yyyy hh:mm:ss ±hhmm`.
/// Every field is in range: built with [`DateTime::new`], or parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    offset_minutes: i16,
}

impl DateTime {
    /// The largest zone offset the wire form can carry (`±9959`), in minutes.
    const MAX_OFFSET: i16 = 99 * 60 + 59;

    /// A date-time from its parts: a four-digit year, month 1–12, day 1–31, hour 0–23,
    /// minute 0–59, second 0–60 (a leap second), a zone offset (minutes east of UTC) within
    /// ±99:59.
    pub fn new(
        (year, month, day): (u16, u8, u8),
        (hour, minute, second): (u8, u8, u8),
        offset_minutes: i16,
    ) -> Result<Self, ValidationError> {
        let valid = year <= 9999
            && (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && hour < 24
            && minute < 60
            && second <= 60
            && offset_minutes.unsigned_abs() <= Self::MAX_OFFSET.unsigned_abs();
        if !valid {
            return Err(ValidationError::Date);
        }
        Ok(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
            offset_minutes,
        })
    }

    /// Year (0–9999).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// Day, 1–31.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// Minute, 0–59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// Second, 0–60.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// Zone offset from UTC in minutes.
    pub fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// Seconds since the Unix epoch (UTC).
    pub fn unix_timestamp(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An ENVELOPE: the main header fields, as the server parsed them. Strings are raw (they
/// may hold RFC 2047 encoded words for the client to decode).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// `Date:`
    pub date: Option<Text>,
    /// `Subject:`
    pub subject: Option<Text>,
    /// `From:`
    pub from: Vec<Address>,
    /// `Sender:`
    pub sender: Vec<Address>,
    /// `Reply-To:`
    pub reply_to: Vec<Address>,
    /// `To:`
    pub to: Vec<Address>,
    /// `Cc:`
    pub cc: Vec<Address>,
    /// `Bcc:`
    pub bcc: Vec<Address>,
    /// `In-Reply-To:`
    pub in_reply_to: Option<Text>,
    /// `Message-ID:`
    pub message_id: Option<Text>,
}

/// One address of an envelope (a group start has `host: None`, a group end also `mailbox: None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Display name.
    pub name: Option<Text>,
    /// Source route (obsolete).
    pub adl: Option<Text>,
    /// Local part (or group name).
    pub mailbox: Option<Text>,
    /// Domain.
    pub host: Option<Text>,
}

impl Address {
    /// `mailbox@host`, if both are present.
    pub fn email(&self) -> Option<String> {
        match (&self.mailbox, &self.host) {
            (Some(m), Some(h)) => Some(format!("{}@{}", m.to_lossy(), h.to_lossy())),
            _ => None,
        }
    }
}

/// `Content-Disposition`: its value (`attachment`, `inline`) and parameters.
pub type Disposition = (Text, Vec<(Text, Text)>);

/// A message's MIME structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyStructure {
    /// A non-multipart part.
    Single {
        /// Media type and subtype, parameters, id, description, encoding and size.
        fields: BodyFields,
        /// Type-specific data.
        specific: SinglePartKind,
        /// Extension data (BODYSTRUCTURE only).
        extension: Option<BodyExtension>,
    },
    /// A multipart.
    Multi {
        /// The parts (non-empty when the server follows the grammar).
        parts: Vec<BodyStructure>,
        /// `mixed`, `alternative`, …
        subtype: Text,
        /// Parameters (`boundary`); BODYSTRUCTURE only.
        params: Vec<(Text, Text)>,
        /// Extension data (BODYSTRUCTURE only).
        extension: Option<BodyExtension>,
    },
}

/// The fields every single part has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyFields {
    /// `text`, `image`, …
    pub media_type: Text,
    /// `plain`, `png`, …
    pub subtype: Text,
    /// Parameters (`charset`, `name`).
    pub params: Vec<(Text, Text)>,
    /// `Content-ID`
    pub id: Option<Text>,
    /// `Content-Description`
    pub description: Option<Text>,
    /// `Content-Transfer-Encoding` (`NIL` from some servers).
    pub encoding: Option<Text>,
    /// Size in octets of the encoded part (`None` where a server sent a negative number).
    pub size: Option<u64>,
}

/// Type-specific data of a single part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinglePartKind {
    /// Any type but text and message/rfc822.
    Basic,
    /// `text/*`: line count.
    Text {
        /// Lines (`None` where absent or negative).
        lines: Option<u64>,
    },
    /// `message/rfc822`: the inner message.
    Message {
        /// Its envelope.
        envelope: Box<Envelope>,
        /// Its structure.
        body: Box<BodyStructure>,
        /// Lines.
        lines: Option<u64>,
    },
}

/// Extension data of a part (BODYSTRUCTURE only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyExtension {
    /// `Content-MD5` (single parts only).
    pub md5: Option<Text>,
    /// `Content-Disposition`: value and parameters.
    pub disposition: Option<Disposition>,
    /// `Content-Language`.
    pub language: Vec<Text>,
    /// `Content-Location`.
    pub location: Option<Text>,
    /// Further extension data, raw.
    pub extra: Option<Text>,
}

impl BodyStructure {
    /// Media type (`text`, `multipart`), lower case.
    pub fn media_type(&self) -> String {
        match self {
            BodyStructure::Single { fields, .. } => {
                fields.media_type.to_lossy().to_ascii_lowercase()
            }
            BodyStructure::Multi { .. } => "multipart".to_string(),
        }
    }

    /// Subtype (`plain`, `mixed`), lower case.
    pub fn subtype(&self) -> String {
        match self {
            BodyStructure::Single { fields, .. } => fields.subtype.to_lossy().to_ascii_lowercase(),
            BodyStructure::Multi { subtype, .. } => subtype.to_lossy().to_ascii_lowercase(),
        }
    }

    /// Every part with its section path (`[1, 2]`), depth first. A non-multipart message is
    /// part `[1]`; the parts inside a message/rfc822 part are numbered below it.
    pub fn parts(&self) -> Vec<(Vec<u32>, &BodyStructure)> {
        let mut out = Vec::new();
        match self {
            BodyStructure::Multi { .. } => walk(self, &[], &mut out),
            BodyStructure::Single { .. } => {
                out.push((vec![1], self));
                if let BodyStructure::Single {
                    specific: SinglePartKind::Message { body, .. },
                    ..
                } = self
                {
                    walk_inner(body, &[1], &mut out);
                }
            }
        }
        out
    }
}

fn walk<'a>(body: &'a BodyStructure, prefix: &[u32], out: &mut Vec<(Vec<u32>, &'a BodyStructure)>) {
    if let BodyStructure::Multi { parts, .. } = body {
        for (i, part) in parts.iter().enumerate() {
            let mut path = prefix.to_vec();
            path.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            out.push((path.clone(), part));
            match part {
                BodyStructure::Multi { .. } => walk(part, &path, out),
                BodyStructure::Single {
                    specific: SinglePartKind::Message { body, .. },
                    ..
                } => walk_inner(body, &path, out),
                BodyStructure::Single { .. } => {}
            }
        }
    }
}

/// The body of an encapsulated message: a multipart's children are numbered below the
/// message part; a single body is the message part's `.1`.
fn walk_inner<'a>(
    body: &'a BodyStructure,
    prefix: &[u32],
    out: &mut Vec<(Vec<u32>, &'a BodyStructure)>,
) {
    match body {
        BodyStructure::Multi { .. } => walk(body, prefix, out),
        BodyStructure::Single { .. } => {
            let mut path = prefix.to_vec();
            path.push(1);
            out.push((path, body));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_items_are_small() {
        // The body structure is boxed: a list of eight items stays under 1 KiB (a block
        // the allocator serves from its small per-thread caches).
        assert!(std::mem::size_of::<FetchItem>() <= 88);
        assert!(std::mem::size_of::<BodyStructure>() > 3 * 88);
    }

    #[test]
    fn unix_timestamp_of_known_dates() {
        let d = DateTime::new((1996, 7, 17), (2, 44, 25), -7 * 60).unwrap();
        assert_eq!(d.unix_timestamp(), 837_596_665);
        let epoch = DateTime::new((1970, 1, 1), (0, 0, 0), 0).unwrap();
        assert_eq!(epoch.unix_timestamp(), 0);
    }

    #[test]
    fn out_of_range_date_times_cannot_be_built() {
        for (date, time, offset) in [
            ((2024, 13, 1), (0, 0, 0), 0),
            ((2024, 0, 1), (0, 0, 0), 0),
            ((2024, 1, 0), (0, 0, 0), 0),
            ((2024, 1, 32), (0, 0, 0), 0),
            ((2024, 1, 1), (24, 0, 0), 0),
            ((2024, 1, 1), (0, 60, 0), 0),
            ((2024, 1, 1), (0, 0, 61), 0),
            ((2024, 1, 1), (0, 0, 0), 100 * 60),
            ((10_000, 1, 1), (0, 0, 0), 0),
        ] {
            assert_eq!(
                DateTime::new(date, time, offset),
                Err(ValidationError::Date),
                "{date:?} {time:?} {offset}"
            );
        }
        assert!(DateTime::new((2016, 12, 31), (23, 59, 60), -(99 * 60 + 59)).is_ok());
    }
}
