//! Parsers for `* n FETCH (…)` items: envelope, body structure, dates, sections.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::core::{
    In, R, abort, any_value, atom, crlf, fail, lenient_string, nil, nstring, number, number64,
    objectid, osp, paren_list, quoted, size_or_negative, sp, string_start, upper,
};
use crate::types::{
    command::{Section, SectionKind},
    core::{Flag, Text},
    fetch::{
        Address, BodyExtension, BodyFields, BodyStructure, DateTime, Disposition, Envelope,
        FetchItem, SinglePartKind,
    },
};

/// `(` item *(SP item) `)` after `* n FETCH `.
pub(crate) fn fetch_items(i: In<'_>, max_depth: usize) -> R<'_, Vec<FetchItem>> {
    let (mut i, _) = tag("(").parse(i)?;
    let mut items = Vec::new();
    loop {
        (i, ()) = osp(i)?;
        if let Some(rest) = i.strip_prefix(b")") {
            return Ok((rest, items));
        }
        let (rest, item) = fetch_item(i, max_depth)?;
        items.push(item);
        i = rest;
        match i.first() {
            Some(b' ' | b')') => {}
            // QUIRK: no space between items (`FLAGS (\Seen)UID 4`, seen from several
            // servers after a parenthesised or quoted value).
            Some(b) if b.is_ascii_alphabetic() => {}
            _ => return fail(i),
        }
    }
}

/// The name of a FETCH item: `UID`, `BODY[1.MIME]<0>`, `X-GM-LABELS`.
fn item_name(i: In<'_>) -> R<'_, In<'_>> {
    let start = i;
    let (mut rest, _) =
        take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'$'))
            .parse(i)?;
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

fn fetch_item(i: In<'_>, max_depth: usize) -> R<'_, FetchItem> {
    let (after_name, name) = item_name(i)?;
    let (value, ()) = sp(after_name)?;
    match typed_item(name, value, max_depth) {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Failure(e)) => Err(nom::Err::Failure(e)),
        Err(_) => {
            // Unknown item, or a known one whose value did not parse: keep it raw.
            let (rest, raw) = any_value(value, 0, max_depth)?;
            Ok((
                rest,
                FetchItem::Other {
                    name: String::from_utf8_lossy(name).into_owned(),
                    raw: Text::new(raw),
                },
            ))
        }
    }
}

fn typed_item<'a>(name: In<'a>, v: In<'a>, max_depth: usize) -> R<'a, FetchItem> {
    let mut buf = [0; 24];
    let upper = upper(name, &mut buf);
    match upper {
        b"UID" => number.map(FetchItem::Uid).parse(v),
        b"FLAGS" => flag_list.map(FetchItem::Flags).parse(v),
        b"INTERNALDATE" => {
            let (rest, q) = quoted(v)?;
            match parse_date_time(&q) {
                Some(d) => Ok((rest, FetchItem::InternalDate(d))),
                None => fail(v),
            }
        }
        b"RFC822.SIZE" => number64.map(FetchItem::Rfc822Size).parse(v),
        b"ENVELOPE" => envelope.map(|e| FetchItem::Envelope(Box::new(e))).parse(v),
        b"BODYSTRUCTURE" => body(v, 0, max_depth).map(|(r, b)| (r, FetchItem::BodyStructure(b))),
        b"BODY" => body(v, 0, max_depth).map(|(r, b)| (r, FetchItem::Body(b))),
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
            let (r, data) = nstring(v)?;
            Ok((
                r,
                FetchItem::BodySection {
                    section: Section {
                        part: Vec::new(),
                        kind,
                    },
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
                true => super::core::string(x),
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

/// `[1.2]<origin>` after `BINARY` or `BINARY.SIZE`: part numbers only.
fn binary_section(spec: &[u8]) -> Option<(Vec<u32>, Option<u32>)> {
    let (section, origin) = parse_section_spec(spec)?;
    section.kind.is_none().then_some((section.part, origin))
}

/// `[section]<origin>` as it follows `BODY` in a FETCH response.
fn parse_section_spec(spec: &[u8]) -> Option<(Section, Option<u32>)> {
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
pub(crate) fn parse_section(s: &str) -> Option<Section> {
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

/// `envelope`.
pub(crate) fn envelope(i: In<'_>) -> R<'_, Envelope> {
    let (i, _) = tag("(").parse(i)?;
    let (i, ()) = osp(i)?;
    let (i, date) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, subject) = nstring(i)?;
    let mut lists: [Vec<Address>; 6] = Default::default();
    let mut i = i;
    for list in &mut lists {
        let (r, ()) = sp(i)?;
        let (r, l) = address_list(r)?;
        *list = l;
        i = r;
    }
    let (i, ()) = sp(i)?;
    let (i, in_reply_to) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, message_id) = nstring(i)?;
    let (i, ()) = osp(i)?;
    let (i, _) = tag(")").parse(i)?;
    let [from, sender, reply_to, to, cc, bcc] = lists;
    Ok((
        i,
        Envelope {
            date: date.map(Text::new),
            subject: subject.map(Text::new),
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to: in_reply_to.map(Text::new),
            message_id: message_id.map(Text::new),
        },
    ))
}

fn address_list(i: In<'_>) -> R<'_, Vec<Address>> {
    if let Ok((r, ())) = nil(i) {
        return Ok((r, Vec::new()));
    }
    paren_list(i, address)
}

fn address(i: In<'_>) -> R<'_, Address> {
    let (i, _) = tag("(").parse(i)?;
    let (i, ()) = osp(i)?;
    let (i, name) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, adl) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, mailbox) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, host) = nstring(i)?;
    let (i, ()) = osp(i)?;
    let (i, _) = tag(")").parse(i)?;
    let t = |v: Option<Vec<u8>>| v.map(Text::new);
    Ok((
        i,
        Address {
            name: t(name),
            adl: t(adl),
            mailbox: t(mailbox),
            host: t(host),
        },
    ))
}

/// `body`: BODYSTRUCTURE or BODY, to `max_depth` levels of nesting.
pub(crate) fn body(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    if depth > max_depth {
        return abort(i);
    }
    let (i, _) = tag("(").parse(i)?;
    let (i, ()) = osp(i)?;
    if i.first() == Some(&b'(') {
        multipart(i, depth, max_depth)
    } else {
        single_part(i, depth, max_depth)
    }
}

fn multipart(mut i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    let mut parts = Vec::new();
    while i.first() == Some(&b'(') {
        let (r, part) = body(i, depth + 1, max_depth)?;
        parts.push(part);
        // QUIRK: a space between the parts of a multipart (the grammar has none).
        (i, ()) = osp(r)?;
    }
    let (i, subtype) = lenient_string(i)?;
    let (i, params, extension) = match sp(i) {
        Ok((r, ())) if r.first() != Some(&b')') => {
            let (r, params) = body_params(r)?;
            let (r, ext) = body_extension_tail(r, None, max_depth)?;
            (r, params, Some(ext))
        }
        _ => (i, Vec::new(), None),
    };
    let (i, ()) = osp(i)?;
    let (i, _) = tag(")").parse(i)?;
    Ok((
        i,
        BodyStructure::Multi {
            parts,
            subtype: Text::new(subtype),
            params,
            extension,
        },
    ))
}

fn single_part(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    let (i, media_type) = lenient_string(i)?;
    let (i, ()) = sp(i)?;
    let (i, subtype) = lenient_string(i)?;
    let (i, ()) = sp(i)?;
    let (i, params) = body_params(i)?;
    let (i, ()) = sp(i)?;
    let (i, id) = nstring(i)?;
    let (i, ()) = sp(i)?;
    let (i, description) = nstring(i)?;
    let (i, ()) = sp(i)?;
    // QUIRK: NIL encoding (maddy).
    let (i, encoding) = nstring_or_atom(i)?;
    let (i, ()) = sp(i)?;
    let (mut i, size) = size_or_negative(i)?;
    let fields = BodyFields {
        media_type: Text::new(media_type),
        subtype: Text::new(subtype),
        params,
        id: id.map(Text::new),
        description: description.map(Text::new),
        encoding: encoding.map(Text::new),
        size,
    };
    let mtype = fields.media_type.as_bytes();
    let msub = fields.subtype.as_bytes();
    let mut specific = SinglePartKind::Basic;
    if mtype.eq_ignore_ascii_case(b"text") {
        if let Ok((r, lines)) = sp(i).and_then(|(r, ())| size_or_negative(r)) {
            specific = SinglePartKind::Text { lines };
            i = r;
        }
    } else if mtype.eq_ignore_ascii_case(b"message")
        && (msub.eq_ignore_ascii_case(b"rfc822") || msub.eq_ignore_ascii_case(b"global"))
    {
        let inner = |x| -> R<'_, SinglePartKind> {
            let (x, ()) = sp(x)?;
            let (x, env) = envelope(x)?;
            let (x, ()) = sp(x)?;
            let (x, b) = body(x, depth + 1, max_depth)?;
            let (x, ()) = sp(x)?;
            let (x, lines) = size_or_negative(x)?;
            Ok((
                x,
                SinglePartKind::Message {
                    envelope: Box::new(env),
                    body: Box::new(b),
                    lines,
                },
            ))
        };
        match inner(i) {
            Ok((r, k)) => {
                specific = k;
                i = r;
            }
            Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
            Err(_) => {}
        }
    }
    let (i, extension) = match sp(i) {
        Ok((r, ())) if r.first() != Some(&b')') => {
            let (r, md5) = nstring_or_atom(r)?;
            let (r, ext) = body_extension_tail(r, md5.map(Text::new), max_depth)?;
            (r, Some(ext))
        }
        _ => (i, None),
    };
    let (i, ()) = osp(i)?;
    let (i, _) = tag(")").parse(i)?;
    Ok((
        i,
        BodyStructure::Single {
            fields,
            specific,
            extension,
        },
    ))
}

fn nstring_or_atom(i: In<'_>) -> R<'_, Option<Vec<u8>>> {
    match nstring(i) {
        Ok(ok) => Ok(ok),
        Err(_) => atom.map(|a| Some(a.to_vec())).parse(i),
    }
}

/// `body-fld-param`. QUIRK: NIL values (`("boundary" NIL)`, mail.ru); `()`.
fn body_params(i: In<'_>) -> R<'_, Vec<(Text, Text)>> {
    if let Ok((r, ())) = nil(i) {
        return Ok((r, Vec::new()));
    }
    let (i, flat) = paren_list(i, lenient_string)?;
    let mut pairs = Vec::with_capacity(flat.len() / 2);
    let mut it = flat.into_iter();
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        pairs.push((Text::new(k), Text::new(v)));
    }
    Ok((i, pairs))
}

/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`.
fn body_extension_tail(i: In<'_>, md5: Option<Text>, max_depth: usize) -> R<'_, BodyExtension> {
    let mut ext = BodyExtension {
        md5,
        ..Default::default()
    };
    let Ok((r, ())) = sp(i) else {
        return Ok((i, ext));
    };
    if r.first() == Some(&b')') {
        return Ok((r, ext));
    }
    let (r, dsp) = disposition(r)?;
    ext.disposition = dsp;
    let Ok((r2, ())) = sp(r) else {
        return Ok((r, ext));
    };
    if r2.first() == Some(&b')') {
        return Ok((r2, ext));
    }
    let (r, lang) = language(r2)?;
    ext.language = lang;
    let Ok((r2, ())) = sp(r) else {
        return Ok((r, ext));
    };
    if r2.first() == Some(&b')') {
        return Ok((r2, ext));
    }
    let (r, loc) = nstring_or_atom(r2)?;
    ext.location = loc.map(Text::new);
    // Anything further: keep raw.
    let start = r;
    let mut cur = r;
    while let Ok((r2, ())) = sp(cur) {
        if r2.first() == Some(&b')') {
            cur = r2;
            break;
        }
        let (r3, _) = any_value(r2, 0, max_depth)?;
        cur = r3;
    }
    let extra = &start[..start.len() - cur.len()];
    let extra = extra.trim_ascii();
    if !extra.is_empty() {
        ext.extra = Some(Text::new(extra));
    }
    Ok((cur, ext))
}

fn disposition(i: In<'_>) -> R<'_, Option<Disposition>> {
    if let Ok((r, ())) = nil(i) {
        return Ok((r, None));
    }
    let (i, _) = tag("(").parse(i)?;
    let (i, ()) = osp(i)?;
    let (i, kind) = lenient_string(i)?;
    let (i, ()) = osp(i)?;
    let (i, params) = if i.first() == Some(&b')') {
        (i, Vec::new())
    } else {
        body_params(i)?
    };
    let (i, ()) = osp(i)?;
    let (i, _) = tag(")").parse(i)?;
    Ok((i, Some((Text::new(kind), params))))
}

fn language(i: In<'_>) -> R<'_, Vec<Text>> {
    if i.first() == Some(&b'(') {
        let (r, l) = paren_list(i, lenient_string)?;
        Ok((r, l.into_iter().map(Text::new).collect()))
    } else {
        let (r, l) = nstring(i)?;
        Ok((r, l.map(Text::new).into_iter().collect()))
    }
}

/// `date-time` contents: `17-Jul-1996 02:44:25 -0700` (day may be space-padded).
pub(crate) fn parse_date_time(s: &[u8]) -> Option<DateTime> {
    let s = std::str::from_utf8(s).ok()?.trim();
    let (date, rest) = s.split_once(' ')?;
    let (time, zone) = rest.trim_start().split_once(' ')?;
    let mut d = date.split('-');
    let day: u8 = d.next()?.trim().parse().ok()?;
    let month = month_number(d.next()?)?;
    let year: u16 = d.next()?.parse().ok()?;
    let mut t = time.split(':');
    let hour: u8 = t.next()?.parse().ok()?;
    let minute: u8 = t.next()?.parse().ok()?;
    let second: u8 = t.next()?.parse().ok()?;
    let zone = zone.trim();
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1i16, &zone[1..]),
        b'-' => (-1i16, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hh: i16 = digits[..2].parse().ok()?;
    let mm: i16 = digits[2..].parse().ok()?;
    let valid = (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 60 && mm < 60;
    valid.then_some(DateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes: sign * (hh * 60 + mm),
    })
}

fn month_number(name: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == lower)
        .and_then(|p| u8::try_from(p + 1).ok())
}

/// Used by tests and the response parser: a whole `* n FETCH (…)` tail after `FETCH`.
pub(crate) fn fetch_tail(i: In<'_>, max_depth: usize) -> R<'_, Vec<FetchItem>> {
    let (i, ()) = sp(i)?;
    let (i, items) = fetch_items(i, max_depth)?;
    let (i, ()) = crlf(i)?;
    Ok((i, items))
}
