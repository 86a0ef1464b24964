//! Section specifiers as they follow `BODY` and `BINARY` in a FETCH response:
//! `[1.2.MIME]<0>`, `[HEADER.FIELDS (FROM TO)]`.

use crate::types::command::{Section, SectionKind};

/// `[1.2]<origin>` after `BINARY` or `BINARY.SIZE`: part numbers only.
pub(super) fn binary_section(spec: &[u8]) -> Option<(Vec<u32>, Option<u32>)> {
    let (section, origin) = parse_section_spec(spec)?;
    section.kind.is_none().then_some((section.part, origin))
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
    let fields = |prefix: &str| -> Option<Vec<String>> {
        let list = rest.get(prefix.len()..)?.trim();
        let list = list.strip_prefix('(')?.strip_suffix(')')?;
        Some(
            list.split_whitespace()
                .map(|f| f.trim_matches('"').to_string())
                .collect(),
        )
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
    Some(Section { part, kind })
}
