//! Body section specifiers (`1.2.MIME`, `HEADER.FIELDS (FROM TO)`): what a command asks
//! for in `BODY[…]` and what a FETCH response says it holds.

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
