//! Section specifiers as they follow `BODY` and `BINARY` in a FETCH response:
//! `[1.2.MIME]<0>`, `[HEADER.FIELDS (FROM TO)]`.

use crate::types::{
    core::Vec1,
    section::{Section, SectionKind},
};

/// `[1.2]<origin>` after `BINARY` or `BINARY.SIZE`: part numbers only.
pub(super) fn binary_section(spec: &[u8]) -> Option<(Vec<u32>, Option<u32>)> {
    let (section, origin) = parse_section_spec(spec)?;
    section
        .kind()
        .is_none()
        .then(|| (section.part_numbers().to_vec(), origin))
}

/// `[section]<origin>` as it follows `BODY` in a FETCH response.
pub(super) fn parse_section_spec(spec: &[u8]) -> Option<(Section, Option<u32>)> {
    let inner_end = memchr::memchr(b']', spec)?;
    let inner = std::str::from_utf8(spec.get(1..inner_end)?).ok()?;
    let after = &spec[inner_end + 1..];
    let origin = match after {
        [] => None,
        [b'<', digits @ .., b'>'] => Some(std::str::from_utf8(digits).ok()?.parse().ok()?),
        _ => return None,
    };
    Some((parse_section(inner)?, origin))
}

/// `1.2.MIME`, `HEADER.FIELDS (FROM TO)`, `` (empty: the whole message).
fn parse_section(s: &str) -> Option<Section> {
    let mut part = Vec::new();
    let mut rest = s;
    while let Some(first) = rest.split('.').next() {
        match first.parse::<u32>() {
            Ok(n) if first.bytes().all(|b| b.is_ascii_digit()) => {
                part.push(n);
                rest = rest.get(first.len()..)?.strip_prefix('.').unwrap_or("");
            }
            _ => break,
        }
        if rest.is_empty() {
            break;
        }
    }
    let upper = rest.to_ascii_uppercase();
    let fields = |prefix: &str| -> Option<Vec1<String>> {
        let list = rest.get(prefix.len()..)?.trim();
        let list = list.strip_prefix('(')?.strip_suffix(')')?;
        let names = list.split_whitespace();
        Vec1::new(names.map(|f| f.trim_matches('"').to_string()).collect()).ok()
    };
    let kind = if upper.is_empty() {
        None
    } else if upper == "HEADER" {
        Some(SectionKind::Header)
    } else if upper == "TEXT" {
        Some(SectionKind::Text)
    } else if upper == "MIME" {
        Some(SectionKind::Mime)
    } else if upper.starts_with("HEADER.FIELDS.NOT") {
        Some(SectionKind::HeaderFieldsNot(fields("HEADER.FIELDS.NOT")?))
    } else if upper.starts_with("HEADER.FIELDS") {
        Some(SectionKind::HeaderFields(fields("HEADER.FIELDS")?))
    } else {
        return None;
    };
    Section::new(part, kind).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_parse_as_the_type_allows() {
        let spec = |s: &str| parse_section_spec(s.as_bytes()).map(|(s, o)| (s.to_wire(), o));
        assert_eq!(spec("[1.2.MIME]<0>"), Some(("1.2.MIME".into(), Some(0))));
        assert_eq!(
            spec("[HEADER.FIELDS (From \"To\")]"),
            Some(("HEADER.FIELDS (From To)".into(), None))
        );
        assert_eq!(spec("[]"), Some((String::new(), None)));
        // What a section cannot be: part 0, MIME without a part, an empty field list.
        for bad in [
            "[0]",
            "[1.0.TEXT]",
            "[MIME]",
            "[HEADER.FIELDS ()]",
            "[1.BOGUS]",
        ] {
            assert_eq!(spec(bad), None, "{bad}");
        }
        assert_eq!(binary_section(b"[1.2]"), Some((vec![1, 2], None)));
        assert_eq!(binary_section(b"[1.TEXT]"), None);
    }
}
