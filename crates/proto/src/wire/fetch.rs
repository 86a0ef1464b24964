//! Parsers for `* n FETCH (…)` items: envelope, body structure, dates, sections.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::core::{
    In, R, abort, any_value, crlf, fail, literal_head, nil, nstring, number, number64, objectid,
    osp, paren_list, quoted, quoted_raw, sp, string_start,
};
use crate::types::{
    command::{Section, SectionKind},
    core::{Flag, Text},
    fetch::{BodyStructure, DateTime, Envelope, FetchItem},
};

/// Literals the framer held apart from a response's bytes (see `crate::frame::Frame`): where
/// their data belonged, as the length of the input from there on; and which FETCH items
/// took them (item index, that length), in order.
#[derive(Debug, Default)]
pub(crate) struct Aside<'x> {
    pub(crate) at: &'x [usize],
    pub(crate) claims: Vec<(usize, usize)>,
}

/// `(` item *(SP item) `)` after `* n FETCH `.
pub(crate) fn fetch_items<'a>(
    i: In<'a>,
    max_depth: usize,
    aside: &mut Aside<'_>,
) -> R<'a, Vec<FetchItem>> {
    let (mut i, _) = tag("(").parse(i)?;
    let mut items = Vec::with_capacity(8);
    loop {
        (i, ()) = osp(i)?;
        if let Some(rest) = i.strip_prefix(b")") {
            return Ok((rest, items));
        }
        // Each item is parsed into its place in the `Vec` (an item is large: building it
        // aside and moving it in costs more than parsing a small one).
        let index = items.len();
        items.resize_with(index + 1, || FetchItem::Uid(0));
        let Some(slot) = items.last_mut() else {
            return fail(i);
        };
        i = fetch_item_to(i, max_depth, slot, aside, index)?;
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

/// One item into `out`; returns the input after it.
fn fetch_item_to<'a>(
    i: In<'a>,
    max_depth: usize,
    out: &mut FetchItem,
    aside: &mut Aside<'_>,
    index: usize,
) -> Result<In<'a>, nom::Err<nom::error::Error<In<'a>>>> {
    let (after_name, name) = item_name(i)?;
    let (value, ()) = sp(after_name)?;
    if !aside.at.is_empty()
        && let Ok((data, _)) = literal_head(value)
        && aside.at.contains(&data.len())
    {
        // The literal's data was held apart: the item is read with an empty literal, and
        // takes the data after the whole response has parsed (`decode_frame`). Only the
        // items whose data is the literal (body sections) take it; any other reading is
        // left to the usual way, and the whole response then decodes from joined bytes.
        let empty: In<'a> = b"{0}\r\n";
        if let Ok([]) = typed_item_to(name, empty, max_depth, out)
            && let FetchItem::BodySection { data: Some(d), .. }
            | FetchItem::Binary { data: Some(d), .. } = out
            && d.is_empty()
        {
            aside.claims.push((index, data.len()));
            return Ok(data);
        }
    }
    match typed_item_to(name, value, max_depth, out) {
        Ok(rest) => Ok(rest),
        Err(nom::Err::Failure(e)) => Err(nom::Err::Failure(e)),
        Err(_) => {
            // Unknown item, or a known one whose value did not parse: keep it raw.
            let (rest, raw) = any_value(value, 0, max_depth)?;
            *out = FetchItem::Other {
                name: String::from_utf8_lossy(name).into_owned(),
                raw: Text::new(raw),
            };
            Ok(rest)
        }
    }
}

/// [`typed_item`] into `out`, the common items written in place.
fn typed_item_to<'a>(
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
        match cur::body_to(&mut c, 0, max_depth, b) {
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
            *out = FetchItem::BodyStructure(Box::new(cur::placeholder()));
            body_into(out)
        }
        b"BODY" => {
            *out = FetchItem::Body(Box::new(cur::placeholder()));
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
pub(crate) fn envelope(i: In<'_>) -> R<'_, Box<Envelope>> {
    let mut c = i;
    match cur::envelope(&mut c) {
        Ok(e) => Ok((c, e)),
        Err(stop) => stop.into_nom(c),
    }
}

/// `body`: BODYSTRUCTURE or BODY, to `max_depth` levels of nesting.
pub(crate) fn body(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    let mut c = i;
    let mut out = cur::placeholder();
    match cur::body_to(&mut c, depth, max_depth, &mut out) {
        Ok(()) => Ok((c, out)),
        Err(stop) => stop.into_nom(c),
    }
}

/// The envelope and body structure grammars, written against a cursor: each function
/// advances `i` past what it read, or stops (leaving `i` where it stopped). The `…_to`
/// functions write their value where it ends up (a field of a structure already in its
/// `Vec` or `Box`), so nothing is copied after it is built; this also avoids nom's
/// `(rest, value)` tuples. The grammar and its tolerances are those of the rest of the
/// parser (`super::core`). The small helpers are always inlined natively (speed), and left
/// to the optimiser on wasm32, where the crate is built for size.
mod cur {
    use super::super::core::{
        In, R, any_value, digits_value, find_quote_end, literal, quoted_raw, string_start, text,
    };
    use crate::types::{
        core::{Text, is_atom_char},
        fetch::{
            Address, BodyExtension, BodyFields, BodyStructure, Disposition, Envelope,
            SinglePartKind,
        },
    };

    /// Why parsing stopped.
    #[derive(Debug, Clone, Copy)]
    pub(super) enum Stop {
        /// Not this grammar (alternatives may be tried).
        Error,
        /// The nesting limit: stops everything.
        TooDeep,
    }

    impl Stop {
        pub(super) fn into_nom<T>(self, at: In<'_>) -> R<'_, T> {
            match self {
                Stop::Error => super::fail(at),
                Stop::TooDeep => super::abort(at),
            }
        }
    }

    pub(super) type P<T> = Result<T, Stop>;

    /// Runs a nom parser at the cursor.
    #[inline]
    fn nom<'a, T>(i: &mut In<'a>, r: R<'a, T>) -> P<T> {
        match r {
            Ok((rest, v)) => {
                *i = rest;
                Ok(v)
            }
            Err(nom::Err::Failure(_)) => Err(Stop::TooDeep),
            Err(_) => Err(Stop::Error),
        }
    }

    /// One or more spaces. QUIRK: doubled spaces.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn sp(i: &mut In<'_>) -> P<()> {
        match *i {
            [b' ', rest @ ..] => {
                *i = rest;
                osp(i);
                Ok(())
            }
            _ => Err(Stop::Error),
        }
    }

    /// Whether a space follows (consumed) and then something other than `)`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn sp_then_value(i: &mut In<'_>) -> bool {
        let save = *i;
        if sp(i).is_ok() && i.first() != Some(&b')') {
            true
        } else {
            *i = save;
            false
        }
    }

    /// Zero or more spaces.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn osp(i: &mut In<'_>) {
        while let [b' ', rest @ ..] = *i {
            *i = rest;
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn byte(i: &mut In<'_>, b: u8) -> P<()> {
        match i.split_first() {
            Some((&first, rest)) if first == b => {
                *i = rest;
                Ok(())
            }
            _ => Err(Stop::Error),
        }
    }

    /// `NIL`, not followed by an atom character: consumed if there.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn nil(i: &mut In<'_>) -> bool {
        // Usually four bytes are there: `NIL` in any case (clearing bit 5 upper-cases
        // exactly `n`, `i` and `l`) and what follows, in one comparison.
        if let Some(&[a, b, c, next]) = i.first_chunk::<4>() {
            let word = u32::from_le_bytes([a, b, c, 0]);
            if word & 0x00df_dfdf == u32::from_le_bytes(*b"NIL\0") && !is_atom_char(next) {
                *i = &i[3..];
                return true;
            }
            return false;
        }
        match *i {
            [b'N' | b'n', b'I' | b'i', b'L' | b'l', rest @ ..]
                if !rest.first().is_some_and(|&b| is_atom_char(b)) =>
            {
                *i = rest;
                true
            }
            _ => false,
        }
    }

    /// `string`: quoted or literal, into `out`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn string_to(i: &mut In<'_>, out: &mut Text) -> P<()> {
        match i.first() {
            Some(b'"') => {
                let rest = &i[1..];
                if let Some(n) = find_quote_end(rest)
                    && rest[n] == b'"'
                {
                    *i = &rest[n + 1..];
                    out.set_prefix(rest, n);
                    return Ok(());
                }
                *out = nom(i, quoted_raw(i)).map(text)?;
            }
            Some(b'{' | b'~') => *out = nom(i, literal(i)).map(Text::from_slice)?,
            _ => return Err(Stop::Error),
        }
        Ok(())
    }

    /// `nstring`, into `out` (left `None` for NIL).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn nstring_to(i: &mut In<'_>, out: &mut Option<Text>) -> P<()> {
        if string_start(i) {
            string_to(i, out.get_or_insert_with(Text::default))
        } else if nil(i) {
            *out = None;
            Ok(())
        } else {
            Err(Stop::Error)
        }
    }

    /// An atom, into `out`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn atom_to(i: &mut In<'_>, out: &mut Text) -> P<()> {
        let n = i.iter().position(|&b| !is_atom_char(b)).unwrap_or(i.len());
        if n == 0 {
            return Err(Stop::Error);
        }
        out.set_prefix(i, n);
        *i = &i[n..];
        Ok(())
    }

    /// A string where the grammar wants one, into `out`. QUIRK: NIL reads as empty, a
    /// bare atom as its text.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn lenient_to(i: &mut In<'_>, out: &mut Text) -> P<()> {
        if string_start(i) {
            string_to(i, out)
        } else if nil(i) {
            *out = Text::default();
            Ok(())
        } else {
            atom_to(i, out)
        }
    }

    /// QUIRK: an atom where an nstring belongs (`NIL` encoding from maddy is the
    /// nstring), into `out`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn nstring_or_atom_to(i: &mut In<'_>, out: &mut Option<Text>) -> P<()> {
        let save = *i;
        match nstring_to(i, out) {
            Ok(()) => Ok(()),
            Err(_) => {
                *i = save;
                atom_to(i, out.get_or_insert_with(Text::default))
            }
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn number64(i: &mut In<'_>) -> P<u64> {
        let (len, n) = digits_value(i).ok_or(Stop::Error)?;
        *i = &i[len..];
        Ok(n)
    }

    /// QUIRK: negative sizes (`-1`) read as `None`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn size_or_negative(i: &mut In<'_>) -> P<Option<u64>> {
        if let [b'-', rest @ ..] = *i {
            *i = rest;
            number64(i)?;
            Ok(None)
        } else {
            number64(i).map(Some)
        }
    }

    /// `"(" [item *(SP item)] ")"`, as `super::super::core::paren_list`, into an empty
    /// `out`. The first member is parsed aside, and stored once the list is known to end
    /// after it (one exact allocation) or to go on (room for four: most lists of more than
    /// one member then never reallocate); the others are parsed into a default value
    /// already in the `Vec`.
    fn list_to<'a, T: Default>(
        i: &mut In<'a>,
        out: &mut Vec<T>,
        mut item: impl FnMut(&mut In<'a>, &mut T) -> P<()>,
    ) -> P<()> {
        byte(i, b'(')?;
        let mut first = First::new();
        loop {
            osp(i);
            if let [b')', rest @ ..] = *i {
                *i = rest;
                first.finish(out);
                return Ok(());
            }
            if !first.set && out.is_empty() {
                item(i, first.slot())?;
            } else {
                first.store(out);
                out.resize_with(out.len() + 1, T::default);
                if let Some(last) = out.last_mut() {
                    item(i, last)?;
                }
            }
            // QUIRK: no space between members.
            if !matches!(i.first(), Some(b' ' | b')' | b'(')) {
                return Err(Stop::Error);
            }
        }
    }

    /// A list's first member, parsed aside (see [`list_to`]). Not an `Option`: moving a
    /// value out of an `Option` whose niche is its first byte copies it at an offset of one,
    /// and those unaligned loads of bytes just stored wait for the stores to complete (a
    /// store-forwarding stall, more than the rest of the move).
    struct First<T> {
        value: T,
        /// Whether `value` was parsed.
        set: bool,
    }

    impl<T: Default> First<T> {
        #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
        fn new() -> Self {
            Self {
                value: T::default(),
                set: false,
            }
        }

        /// Where to parse the first member.
        #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
        fn slot(&mut self) -> &mut T {
            self.set = true;
            &mut self.value
        }

        /// The list ends: the member, if any, into the empty `out` (one exact allocation).
        /// The allocation comes before the move, by which time the member's stores are done.
        #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
        fn finish(&mut self, out: &mut Vec<T>) {
            if self.set {
                self.set = false;
                out.reserve_exact(1);
                out.push(std::mem::take(&mut self.value));
            }
        }

        /// The list goes on: the member, if still aside, into the empty `out`, with room for
        /// four.
        #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
        fn store(&mut self, out: &mut Vec<T>) {
            if self.set {
                self.set = false;
                out.reserve_exact(4);
                out.push(std::mem::take(&mut self.value));
            }
        }
    }

    pub(super) fn envelope(i: &mut In<'_>) -> P<Box<Envelope>> {
        let mut e = Box::<Envelope>::default();
        envelope_to(i, &mut e)?;
        Ok(e)
    }

    fn envelope_to(i: &mut In<'_>, e: &mut Envelope) -> P<()> {
        byte(i, b'(')?;
        osp(i);
        nstring_to(i, &mut e.date)?;
        sp(i)?;
        nstring_to(i, &mut e.subject)?;
        for list in [
            &mut e.from,
            &mut e.sender,
            &mut e.reply_to,
            &mut e.to,
            &mut e.cc,
            &mut e.bcc,
        ] {
            sp(i)?;
            address_list_to(i, list)?;
        }
        sp(i)?;
        nstring_to(i, &mut e.in_reply_to)?;
        sp(i)?;
        nstring_to(i, &mut e.message_id)?;
        osp(i);
        byte(i, b')')
    }

    fn address_list_to(i: &mut In<'_>, out: &mut Vec<Address>) -> P<()> {
        if nil(i) {
            return Ok(());
        }
        list_to(i, out, address_to)
    }

    fn address_to(i: &mut In<'_>, a: &mut Address) -> P<()> {
        byte(i, b'(')?;
        osp(i);
        nstring_to(i, &mut a.name)?;
        sp(i)?;
        nstring_to(i, &mut a.adl)?;
        sp(i)?;
        nstring_to(i, &mut a.mailbox)?;
        sp(i)?;
        nstring_to(i, &mut a.host)?;
        osp(i);
        byte(i, b')')
    }

    /// A cheap value to parse a body structure into.
    pub(super) fn placeholder() -> BodyStructure {
        BodyStructure::Multi {
            parts: Vec::new(),
            subtype: Text::default(),
            params: Vec::new(),
            extension: None,
        }
    }

    pub(super) fn body_to(
        i: &mut In<'_>,
        depth: usize,
        max_depth: usize,
        out: &mut BodyStructure,
    ) -> P<()> {
        if depth > max_depth {
            return Err(Stop::TooDeep);
        }
        byte(i, b'(')?;
        osp(i);
        if i.first() == Some(&b'(') {
            multipart_to(i, depth, max_depth, out)
        } else {
            single_part_to(i, depth, max_depth, out)
        }
    }

    fn multipart_to(
        i: &mut In<'_>,
        depth: usize,
        max_depth: usize,
        out: &mut BodyStructure,
    ) -> P<()> {
        *out = placeholder();
        let BodyStructure::Multi {
            parts,
            subtype,
            params,
            extension,
        } = out
        else {
            return Err(Stop::Error);
        };
        // Room for three parts (1008 bytes): most multiparts have two or three, and a
        // block of that size is reused from the allocator's small per-thread caches.
        parts.reserve_exact(3);
        while i.first() == Some(&b'(') {
            parts.resize_with(parts.len() + 1, placeholder);
            if let Some(part) = parts.last_mut() {
                body_to(i, depth + 1, max_depth, part)?;
            }
            // QUIRK: a space between the parts of a multipart (the grammar has none).
            osp(i);
        }
        lenient_to(i, subtype)?;
        if sp_then_value(i) {
            body_params_to(i, params)?;
            body_extension_tail_to(
                i,
                extension.get_or_insert_with(BodyExtension::default),
                max_depth,
            )?;
        }
        osp(i);
        byte(i, b')')
    }

    fn single_part_to(
        i: &mut In<'_>,
        depth: usize,
        max_depth: usize,
        out: &mut BodyStructure,
    ) -> P<()> {
        *out = BodyStructure::Single {
            fields: BodyFields::default(),
            specific: SinglePartKind::Basic,
            extension: None,
        };
        let BodyStructure::Single {
            fields,
            specific,
            extension,
        } = out
        else {
            return Err(Stop::Error);
        };
        lenient_to(i, &mut fields.media_type)?;
        sp(i)?;
        lenient_to(i, &mut fields.subtype)?;
        sp(i)?;
        body_params_to(i, &mut fields.params)?;
        sp(i)?;
        nstring_to(i, &mut fields.id)?;
        sp(i)?;
        nstring_to(i, &mut fields.description)?;
        sp(i)?;
        // QUIRK: NIL encoding (maddy).
        nstring_or_atom_to(i, &mut fields.encoding)?;
        sp(i)?;
        fields.size = size_or_negative(i)?;
        let mtype = fields.media_type.as_bytes();
        let msub = fields.subtype.as_bytes();
        if mtype.eq_ignore_ascii_case(b"text") {
            let save = *i;
            match sp(i).and_then(|()| size_or_negative(i)) {
                Ok(lines) => *specific = SinglePartKind::Text { lines },
                Err(_) => *i = save,
            }
        } else if mtype.eq_ignore_ascii_case(b"message")
            && (msub.eq_ignore_ascii_case(b"rfc822") || msub.eq_ignore_ascii_case(b"global"))
        {
            let save = *i;
            let mut inner = || -> P<SinglePartKind> {
                sp(i)?;
                let envelope = envelope(i)?;
                sp(i)?;
                let mut body = Box::new(placeholder());
                body_to(i, depth + 1, max_depth, &mut body)?;
                sp(i)?;
                let lines = size_or_negative(i)?;
                Ok(SinglePartKind::Message {
                    envelope,
                    body,
                    lines,
                })
            };
            match inner() {
                Ok(k) => *specific = k,
                Err(Stop::TooDeep) => return Err(Stop::TooDeep),
                Err(Stop::Error) => *i = save,
            }
        }
        if sp_then_value(i) {
            let ext = extension.get_or_insert_with(BodyExtension::default);
            nstring_or_atom_to(i, &mut ext.md5)?;
            body_extension_tail_to(i, ext, max_depth)?;
        }
        osp(i);
        byte(i, b')')
    }

    /// `body-fld-param`, into an empty `out`. QUIRK: NIL values (`("boundary" NIL)`,
    /// mail.ru); `()`; an odd number of strings (the last value reads as empty). The first
    /// pair is parsed aside, as in [`list_to`].
    fn body_params_to(i: &mut In<'_>, out: &mut Vec<(Text, Text)>) -> P<()> {
        if nil(i) {
            return Ok(());
        }
        byte(i, b'(')?;
        let mut first = First::<(Text, Text)>::new();
        // Whether the last pair still waits for its value.
        let mut key_only = false;
        loop {
            osp(i);
            if let [b')', rest @ ..] = *i {
                *i = rest;
                first.finish(out);
                return Ok(());
            }
            if key_only {
                let pair = match first.set {
                    true => Some(&mut first.value),
                    false => out.last_mut(),
                };
                if let Some(pair) = pair {
                    lenient_to(i, &mut pair.1)?;
                }
            } else if !first.set && out.is_empty() {
                lenient_to(i, &mut first.slot().0)?;
            } else {
                first.store(out);
                out.resize_with(out.len() + 1, Default::default);
                if let Some(pair) = out.last_mut() {
                    lenient_to(i, &mut pair.0)?;
                }
            }
            key_only = !key_only;
            if !matches!(i.first(), Some(b' ' | b')' | b'(')) {
                return Err(Stop::Error);
            }
        }
    }

    /// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`,
    /// into `ext` (its `md5` already set). A space before the closing `)` is consumed.
    fn body_extension_tail_to(i: &mut In<'_>, ext: &mut BodyExtension, max_depth: usize) -> P<()> {
        // Each step: a space, then the value unless the list ends there.
        let more = |i: &mut In<'_>| {
            let save = *i;
            if sp(i).is_err() {
                *i = save;
                return false;
            }
            i.first() != Some(&b')')
        };
        if !more(i) {
            return Ok(());
        }
        disposition_to(i, &mut ext.disposition)?;
        if !more(i) {
            return Ok(());
        }
        language_to(i, &mut ext.language)?;
        if !more(i) {
            return Ok(());
        }
        nstring_or_atom_to(i, &mut ext.location)?;
        // Anything further: keep raw.
        let start = *i;
        loop {
            let save = *i;
            if sp(i).is_err() {
                *i = save;
                break;
            }
            if i.first() == Some(&b')') {
                break;
            }
            nom(i, any_value(i, 0, max_depth))?;
        }
        let extra = start[..start.len() - i.len()].trim_ascii();
        if !extra.is_empty() {
            ext.extra = Some(Text::from_slice(extra));
        }
        Ok(())
    }

    fn disposition_to(i: &mut In<'_>, out: &mut Option<Disposition>) -> P<()> {
        if nil(i) {
            return Ok(());
        }
        byte(i, b'(')?;
        osp(i);
        let (kind, params) = out.get_or_insert_with(Default::default);
        lenient_to(i, kind)?;
        osp(i);
        if i.first() != Some(&b')') {
            body_params_to(i, params)?;
        }
        osp(i);
        byte(i, b')')
    }

    fn language_to(i: &mut In<'_>, out: &mut Vec<Text>) -> P<()> {
        if i.first() == Some(&b'(') {
            list_to(i, out, lenient_to)
        } else {
            let mut l = None;
            nstring_to(i, &mut l)?;
            out.extend(l);
            Ok(())
        }
    }
}

/// `date-time` contents: `17-Jul-1996 02:44:25 -0700` (day may be space-padded).
pub(crate) fn parse_date_time(s: &[u8]) -> Option<DateTime> {
    // The usual form is read directly; anything else (or anything it rejects) takes the
    // general way.
    parse_date_time_usual(s).or_else(|| parse_date_time_general(s))
}

/// `dd-Mon-yyyy hh:mm:ss ±zzzz` exactly (day zero- or space-padded).
fn parse_date_time_usual(s: &[u8]) -> Option<DateTime> {
    match s {
        [
            d1,
            d2,
            b'-',
            m1,
            m2,
            m3,
            b'-',
            y1,
            y2,
            y3,
            y4,
            b' ',
            h1,
            h2,
            b':',
            n1,
            n2,
            b':',
            s1,
            s2,
            b' ',
            sign @ (b'+' | b'-'),
            z1,
            z2,
            z3,
            z4,
        ] => {
            let digit = |b: u8| b.is_ascii_digit().then(|| b - b'0');
            let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
            let day = if *d1 == b' ' {
                digit(*d2)?
            } else {
                two(*d1, *d2)?
            };
            let month = month_number_bytes([*m1, *m2, *m3])?;
            let year = [*y1, *y2, *y3, *y4]
                .iter()
                .try_fold(0u16, |y, &b| Some(y * 10 + u16::from(digit(b)?)))?;
            let (hour, minute, second) = (two(*h1, *h2)?, two(*n1, *n2)?, two(*s1, *s2)?);
            let (hh, mm) = (i16::from(two(*z1, *z2)?), i16::from(two(*z3, *z4)?));
            let sign = if *sign == b'+' { 1 } else { -1 };
            checked_date_time(
                (year, month, day),
                (hour, minute, second),
                sign * (hh * 60 + mm),
                mm,
            )
        }
        _ => None,
    }
}

fn month_number_bytes(name: [u8; 3]) -> Option<u8> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = name.map(|b| b.to_ascii_lowercase());
    MONTHS
        .iter()
        .position(|m| **m == lower)
        .and_then(|p| u8::try_from(p + 1).ok())
}

fn parse_date_time_general(s: &[u8]) -> Option<DateTime> {
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
    checked_date_time(
        (year, month, day),
        (hour, minute, second),
        sign * (hh * 60 + mm),
        mm,
    )
}

/// A date-time from its parts, if they are in range (`zone_minutes`: the zone's minutes
/// field, under 60; a leap second is allowed).
fn checked_date_time(
    (year, month, day): (u16, u8, u8),
    (hour, minute, second): (u8, u8, u8),
    offset_minutes: i16,
    zone_minutes: i16,
) -> Option<DateTime> {
    let valid =
        (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 60 && zone_minutes < 60;
    valid.then_some(DateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes,
    })
}

fn month_number(name: &str) -> Option<u8> {
    month_number_bytes(name.as_bytes().try_into().ok()?)
}

/// Used by tests and the response parser: a whole `* n FETCH (…)` tail after `FETCH`.
pub(crate) fn fetch_tail<'a>(
    i: In<'a>,
    max_depth: usize,
    aside: &mut Aside<'_>,
) -> R<'a, Vec<FetchItem>> {
    let (i, ()) = sp(i)?;
    let (i, items) = fetch_items(i, max_depth, aside)?;
    let (i, ()) = crlf(i)?;
    Ok((i, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nil_in_any_case_before_a_non_atom_byte() {
        use crate::types::core::is_atom_char;
        for a in [b'N', b'n', b'M', b'n' ^ 0x80, b'.'] {
            for b in [b'I', b'i', b'I' ^ 0x80, b')'] {
                for c in [b'L', b'l', b'l' ^ 0x80, b'L' + 1] {
                    let is_nil = a.eq_ignore_ascii_case(&b'N')
                        && b.eq_ignore_ascii_case(&b'I')
                        && c.eq_ignore_ascii_case(&b'L');
                    let mut cursor: In<'_> = &[a, b, c];
                    assert_eq!(cur::nil(&mut cursor), is_nil);
                    assert_eq!(cursor.len(), if is_nil { 0 } else { 3 });
                    for next in 0..=255u8 {
                        let s = [a, b, c, next, b' '];
                        let mut cursor: In<'_> = &s;
                        let expected = is_nil && !is_atom_char(next);
                        assert_eq!(cur::nil(&mut cursor), expected, "{s:?}");
                        assert_eq!(cursor.len(), if expected { 2 } else { 5 });
                    }
                }
            }
        }
    }

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
