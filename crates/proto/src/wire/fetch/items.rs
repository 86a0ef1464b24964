//! One FETCH item: its name (`UID`, `BODY[1.MIME]<0>`, `X-GM-LABELS`) and its value,
//! typed where the item is known. The names are recognised by length and word compares
//! (servers send them in upper case), the common items written in place.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::{
    body::{self, body, envelope},
    datetime::parse_date_time,
    section::{binary_section, parse_section_spec},
};
use crate::{
    types::{
        command::{Section, SectionKind},
        core::{Flag, Text},
        fetch::FetchItem,
    },
    wire::core::{
        In, R, fail, nil, nstring, number, number64, objectid, osp, paren_list, quoted, quoted_raw,
        string, string_start,
    },
};

/// The name of a FETCH item: `UID`, `BODY[1.MIME]<0>`, `X-GM-LABELS`.
pub(super) fn item_name(i: In<'_>) -> R<'_, In<'_>> {
    let start = i;
    let n = item_name_len(i);
    if n == 0 {
        return fail(i);
    }
    let mut rest = &i[n..];
    if rest.first() == Some(&b'[') {
        let Some(end) = memchr::memchr(b']', rest) else {
            return fail(i);
        };
        rest = &rest[end + 1..];
        if rest.first() == Some(&b'<') {
            let Some(end) = memchr::memchr(b'>', rest) else {
                return fail(i);
            };
            rest = &rest[end + 1..];
        }
    }
    Ok((rest, &start[..start.len() - rest.len()]))
}

/// A byte of a FETCH item name: an ASCII letter or digit, `.`, `-`, `_` or `$`.
fn is_item_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'$')
}

/// How many bytes of item name [`is_item_name_char`] `i` starts with. Servers send names in
/// upper case: eight upper-case letters are recognised at a time, the rest byte by byte.
#[inline]
fn item_name_len(i: In<'_>) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    while let Some(word) = i.get(n..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*word);
        // Per byte, without carries (seven bits + at most 0x3f): the high bit of `from_a`
        // is set for `A` (0x41) and above, that of `past_z` for `[` (0x5b) and above.
        let low = x & !HIGH;
        let from_a = low + ONES * 0x3f;
        let past_z = low + ONES * 0x25;
        let not_upper = !(from_a & !past_z & !x) & HIGH;
        if not_upper != 0 {
            n += (not_upper.trailing_zeros() / 8) as usize;
            break;
        }
        n += 8;
    }
    let rest = i.get(n..).unwrap_or_default();
    n + rest
        .iter()
        .position(|&b| !is_item_name_char(b))
        .unwrap_or(rest.len())
}

/// [`typed_item`] into `out`, the common items written in place.
pub(super) fn typed_item_to<'a>(
    name: In<'a>,
    v: In<'a>,
    max_depth: usize,
    out: &mut FetchItem,
) -> Result<In<'a>, nom::Err<nom::error::Error<In<'a>>>> {
    let upper = item_kind(name);
    let body_into = |out: &mut FetchItem| -> Result<In<'a>, _> {
        let (FetchItem::BodyStructure(b) | FetchItem::Body(b)) = out else {
            return fail(v).map(|(r, ())| r);
        };
        let mut c = v;
        match body::body_to(&mut c, 0, max_depth, b) {
            Ok(()) => Ok(c),
            Err(stop) => stop.into_nom(c).map(|(r, ())| r),
        }
    };
    match upper {
        b"UID" => number(v).map(|(r, n)| {
            *out = FetchItem::Uid(n);
            r
        }),
        b"RFC822.SIZE" => number64(v).map(|(r, n)| {
            *out = FetchItem::Rfc822Size(n);
            r
        }),
        b"ENVELOPE" => envelope(v).map(|(r, e)| {
            *out = FetchItem::Envelope(e);
            r
        }),
        b"FLAGS" => flag_list(v).map(|(r, f)| {
            *out = FetchItem::Flags(f);
            r
        }),
        b"INTERNALDATE" => {
            let (rest, q) = quoted_raw(v)?;
            match parse_date_time(&q) {
                Some(d) => {
                    *out = FetchItem::InternalDate(d);
                    Ok(rest)
                }
                None => fail(v).map(|(r, ())| r),
            }
        }
        b"BODYSTRUCTURE" => {
            *out = FetchItem::BodyStructure(Box::new(body::placeholder()));
            body_into(out)
        }
        b"BODY" => {
            *out = FetchItem::Body(Box::new(body::placeholder()));
            body_into(out)
        }
        _ => typed_item(name, upper, v, max_depth).map(|(r, item)| {
            *out = item;
            r
        }),
    }
}

/// The FETCH item name `typed_item` knows that `name` is (ignoring case; empty if none):
/// candidates by length, so a name is compared with one or two of them. Servers send the
/// names in upper case: each candidate is first compared exactly (a few word compares,
/// the length being known), and only then ignoring case (a loop over the bytes).
#[inline]
fn item_kind(name: &[u8]) -> &'static [u8] {
    let is = |c: &'static [u8]| name == c || name.eq_ignore_ascii_case(c);
    let kind: &'static [u8] = match name.len() {
        3 if is(b"UID") => b"UID",
        4 if is(b"BODY") => b"BODY",
        5 if is(b"FLAGS") => b"FLAGS",
        6 if is(b"MODSEQ") => b"MODSEQ",
        6 if is(b"RFC822") => b"RFC822",
        7 if is(b"PREVIEW") => b"PREVIEW",
        7 if is(b"EMAILID") => b"EMAILID",
        8 if is(b"ENVELOPE") => b"ENVELOPE",
        8 if is(b"THREADID") => b"THREADID",
        8 if is(b"SAVEDATE") => b"SAVEDATE",
        10 if is(b"X-GM-MSGID") => b"X-GM-MSGID",
        10 if is(b"X-GM-THRID") => b"X-GM-THRID",
        11 if is(b"RFC822.SIZE") => b"RFC822.SIZE",
        11 if is(b"RFC822.TEXT") => b"RFC822.TEXT",
        11 if is(b"X-GM-LABELS") => b"X-GM-LABELS",
        12 if is(b"INTERNALDATE") => b"INTERNALDATE",
        13 if is(b"BODYSTRUCTURE") => b"BODYSTRUCTURE",
        13 if is(b"RFC822.HEADER") => b"RFC822.HEADER",
        _ => &[],
    };
    kind
}

/// The item `name` (`upper`: its [`item_kind`]) with the value `v`.
fn typed_item<'a>(name: In<'a>, upper: &[u8], v: In<'a>, max_depth: usize) -> R<'a, FetchItem> {
    match upper {
        b"UID" => number.map(FetchItem::Uid).parse(v),
        b"FLAGS" => flag_list.map(FetchItem::Flags).parse(v),
        b"INTERNALDATE" => {
            let (rest, q) = quoted_raw(v)?;
            match parse_date_time(&q) {
                Some(d) => Ok((rest, FetchItem::InternalDate(d))),
                None => fail(v),
            }
        }
        b"RFC822.SIZE" => number64.map(FetchItem::Rfc822Size).parse(v),
        b"ENVELOPE" => envelope.map(FetchItem::Envelope).parse(v),
        b"BODYSTRUCTURE" => {
            body(v, 0, max_depth).map(|(r, b)| (r, FetchItem::BodyStructure(Box::new(b))))
        }
        b"BODY" => body(v, 0, max_depth).map(|(r, b)| (r, FetchItem::Body(Box::new(b)))),
        b"MODSEQ" => {
            let (r, _) = tag("(").parse(v)?;
            let (r, ()) = osp(r)?;
            let (r, n) = number64(r)?;
            let (r, ()) = osp(r)?;
            let (r, _) = tag(")").parse(r)?;
            Ok((r, FetchItem::ModSeq(n)))
        }
        b"RFC822" | b"RFC822.HEADER" | b"RFC822.TEXT" => {
            let kind = match upper {
                b"RFC822.HEADER" => Some(SectionKind::Header),
                b"RFC822.TEXT" => Some(SectionKind::Text),
                _ => None,
            };
            let Ok(section) = Section::new(Vec::new(), kind) else {
                return fail(v);
            };
            let (r, data) = nstring(v)?;
            Ok((
                r,
                FetchItem::BodySection {
                    section,
                    origin: None,
                    data,
                },
            ))
        }
        b"X-GM-MSGID" => number64.map(FetchItem::GmMsgId).parse(v),
        b"X-GM-THRID" => number64.map(FetchItem::GmThrId).parse(v),
        b"X-GM-LABELS" => {
            // Labels are astrings; system labels (`\Inbox`) are atoms with a backslash.
            let (r, l) = paren_list(v, |x| match string_start(x) {
                true => string(x),
                false => take_while1(|b| !matches!(b, b' ' | b')' | b'(' | b'\r' | b'\n'))
                    .map(<[u8]>::to_vec)
                    .parse(x),
            })?;
            Ok((
                r,
                FetchItem::GmLabels(l.into_iter().map(Text::new).collect()),
            ))
        }
        b"PREVIEW" => nstring
            .map(|p| FetchItem::Preview(p.map(Text::new)))
            .parse(v),
        b"EMAILID" => objectid
            .map(|id| FetchItem::EmailId(Text::new(id)))
            .parse(v),
        b"THREADID" => match nil(v) {
            Ok((r, ())) => Ok((r, FetchItem::ThreadId(None))),
            Err(_) => objectid
                .map(|id| FetchItem::ThreadId(Some(Text::new(id))))
                .parse(v),
        },
        b"SAVEDATE" => match nil(v) {
            Ok((r, ())) => Ok((r, FetchItem::SaveDate(None))),
            Err(_) => {
                let (rest, q) = quoted(v)?;
                match parse_date_time(&q) {
                    Some(d) => Ok((rest, FetchItem::SaveDate(Some(d)))),
                    None => fail(v),
                }
            }
        },
        _ if starts_with_no_case(name, b"BINARY.SIZE[") => {
            let Some((section, None)) = binary_section(&name[11..]) else {
                return fail(v);
            };
            let (r, size) = number64(v)?;
            Ok((r, FetchItem::BinarySize { section, size }))
        }
        _ if starts_with_no_case(name, b"BINARY[") => {
            let Some((section, origin)) = binary_section(&name[6..]) else {
                return fail(v);
            };
            let (r, data) = nstring(v)?;
            Ok((
                r,
                FetchItem::Binary {
                    section,
                    origin,
                    data,
                },
            ))
        }
        _ if starts_with_no_case(name, b"BODY[") => {
            let Some((section, origin)) = parse_section_spec(&name[4..]) else {
                return fail(v);
            };
            let (r, data) = nstring(v)?;
            Ok((
                r,
                FetchItem::BodySection {
                    section,
                    origin,
                    data,
                },
            ))
        }
        _ => fail(v),
    }
}

fn starts_with_no_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// `(flag *(SP flag))`. QUIRK: flags with characters the grammar forbids
/// (`OIB-Seen-[Gmail]/All` from Gmail, `\*` in FLAGS from Zoho).
/// QUIRK: `NIL` for an empty list and a bare flag without parentheses (a list where the
/// grammar wants one; seen from old Exchange and hMailServer builds).
pub(crate) fn flag_list(i: In<'_>) -> R<'_, Vec<Flag>> {
    let flag = |x| {
        take_while1(|b| !matches!(b, b' ' | b')' | b'(' | b'\r' | b'\n'))
            .map(Flag::from_wire)
            .parse(x)
    };
    if i.first() == Some(&b'(') {
        return paren_list(i, flag);
    }
    if let Ok((r, ())) = nil(i) {
        return Ok((r, Vec::new()));
    }
    take_while1(|b| !matches!(b, b' ' | b')' | b'(' | b']' | b'\r' | b'\n'))
        .map(|f| vec![Flag::from_wire(f)])
        .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_name_len_is_the_byte_rule() {
        let expected = |s: &[u8]| s.iter().position(|&c| !is_item_name_char(c));
        for b in 0..=255u8 {
            for at in 0..20 {
                for fill in [b'A', b'Z', b'z', b'8', b'.'] {
                    let mut s = vec![fill; at];
                    s.push(b);
                    s.extend_from_slice(b"UID");
                    for end in at..=s.len() {
                        let s = &s[..end];
                        assert_eq!(item_name_len(s), expected(s).unwrap_or(s.len()), "{s:?}");
                    }
                }
            }
        }
    }
}
