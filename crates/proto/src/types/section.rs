//! Body section specifiers (`1.2.MIME`, `HEADER.FIELDS (FROM TO)`): what a command asks
//! for in `BODY[…]` and what a FETCH response says it holds.

use super::core::Vec1;
use crate::error::ValidationError;

/// A body section specifier: a part path and what of it. Part numbers start at 1, and
/// `MIME` names a part's MIME header, so it needs a part number (RFC 3501 `section-spec`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Section {
    part: Vec<u32>,
    kind: Option<SectionKind>,
}

/// What of a part a section names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `HEADER`
    Header,
    /// `HEADER.FIELDS (…)`
    HeaderFields(Vec1<String>),
    /// `HEADER.FIELDS.NOT (…)`
    HeaderFieldsNot(Vec1<String>),
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

    /// A part's content (`BODY[1.2]`); fails on a part number 0.
    pub fn part(part: Vec<u32>) -> Result<Self, ValidationError> {
        Self::new(part, None)
    }

    /// A part with a kind (`BODY[1.MIME]`, `BODY[HEADER]`); fails on a part number 0 and
    /// on `MIME` without a part.
    pub fn with_kind(part: Vec<u32>, kind: SectionKind) -> Result<Self, ValidationError> {
        Self::new(part, Some(kind))
    }

    /// A section from its part path and kind, checked.
    pub fn new(part: Vec<u32>, kind: Option<SectionKind>) -> Result<Self, ValidationError> {
        if part.contains(&0) || (part.is_empty() && kind == Some(SectionKind::Mime)) {
            return Err(ValidationError::Section);
        }
        Ok(Self { part, kind })
    }

    /// The part numbers (`[1, 2]` for `1.2`); empty for the whole message.
    pub fn part_numbers(&self) -> &[u32] {
        &self.part
    }

    /// What of the part; `None` for its content.
    pub fn kind(&self) -> Option<&SectionKind> {
        self.kind.as_ref()
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

/// A body part's path for `BINARY[…]` and `BINARY.SIZE[…]` (`1.2`; empty for the whole
/// message): part numbers start at 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PartPath(Vec<u32>);

impl PartPath {
    /// Fails on a part number 0.
    pub fn new(part: Vec<u32>) -> Result<Self, ValidationError> {
        if part.contains(&0) {
            return Err(ValidationError::Section);
        }
        Ok(Self(part))
    }

    /// The part numbers.
    pub fn part_numbers(&self) -> &[u32] {
        &self.0
    }
}

/// A partial fetch, `<offset.length>`: `length` octets from `offset` (RFC 3501 `partial`,
/// whose length is at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Partial {
    offset: u32,
    length: u32,
}

impl Partial {
    /// Fails on a length of 0.
    pub fn new(offset: u32, length: u32) -> Result<Self, ValidationError> {
        if length == 0 {
            return Err(ValidationError::Partial);
        }
        Ok(Self { offset, length })
    }

    /// The first octet.
    pub fn offset(&self) -> u32 {
        self.offset
    }

    /// How many octets (at least 1).
    pub fn length(&self) -> u32 {
        self.length
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_sections_cannot_be_built() {
        assert_eq!(Section::part(vec![1, 0]), Err(ValidationError::Section));
        assert_eq!(
            Section::with_kind(Vec::new(), SectionKind::Mime),
            Err(ValidationError::Section)
        );
        assert_eq!(
            Section::with_kind(vec![0], SectionKind::Header),
            Err(ValidationError::Section)
        );
        let fields = Vec1::new(vec!["From".to_string(), "To".to_string()]).unwrap();
        let s = Section::with_kind(vec![2], SectionKind::HeaderFields(fields)).unwrap();
        assert_eq!(s.to_wire(), "2.HEADER.FIELDS (From To)");
        assert_eq!(s.part_numbers(), [2]);
        assert_eq!(
            Section::with_kind(vec![1, 2], SectionKind::Mime)
                .unwrap()
                .to_wire(),
            "1.2.MIME"
        );
    }

    #[test]
    fn part_paths_and_partials_are_checked() {
        assert_eq!(PartPath::new(vec![2, 0]), Err(ValidationError::Section));
        assert_eq!(PartPath::new(vec![2, 1]).unwrap().part_numbers(), [2, 1]);
        assert!(PartPath::new(Vec::new()).is_ok());
        assert_eq!(Partial::new(0, 0), Err(ValidationError::Partial));
        let p = Partial::new(10, 1).unwrap();
        assert_eq!((p.offset(), p.length()), (10, 1));
    }
}
