//! Parsers for `* n FETCH (…)` items: envelope, body structure, dates, sections.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::core::{
    In, R, abort, any_value, crlf, fail, nil, nstring, number, number64, objectid, osp, paren_list,
    quoted, quoted_raw, sp, string_start, upper,
};
use crate::types::{
    command::{Section, SectionKind},
    core::{Flag, Text},
    fetch::{BodyStructure, DateTime, Envelope, FetchItem},
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
            let (rest, q) = quoted_raw(v)?;
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
    let mut c = i;
    match cur::envelope(&mut c) {
        Ok(e) => Ok((c, e)),
        Err(stop) => stop.into_nom(c),
    }
}

/// `body`: BODYSTRUCTURE or BODY, to `max_depth` levels of nesting.
pub(crate) fn body(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    let mut c = i;
    match cur::body(&mut c, depth, max_depth) {
        Ok(b) => Ok((c, b)),
        Err(stop) => stop.into_nom(c),
    }
}

/// The envelope and body structure grammars, written against a cursor: each function
/// advances `i` past what it read and returns the value, or stops (leaving `i` where it
/// stopped). Values are built where they end up, without nom's `(rest, value)` tuples.
/// The grammar and its tolerances are those of the rest of the parser (`super::core`).
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
    #[inline(always)]
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
    #[inline(always)]
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
    #[inline(always)]
    fn osp(i: &mut In<'_>) {
        while let [b' ', rest @ ..] = *i {
            *i = rest;
        }
    }

    #[inline(always)]
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
    #[inline(always)]
    fn nil(i: &mut In<'_>) -> bool {
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

    /// `string`: quoted or literal.
    #[inline(always)]
    fn string(i: &mut In<'_>) -> P<Text> {
        match i.first() {
            Some(b'"') => {
                let rest = &i[1..];
                if let Some(n) = find_quote_end(rest)
                    && rest[n] == b'"'
                {
                    *i = &rest[n + 1..];
                    return Ok(Text::from_prefix(rest, n));
                }
                nom(i, quoted_raw(i)).map(text)
            }
            Some(b'{' | b'~') => nom(i, literal(i)).map(Text::from_slice),
            _ => Err(Stop::Error),
        }
    }

    /// `nstring`.
    #[inline(always)]
    fn nstring(i: &mut In<'_>) -> P<Option<Text>> {
        if string_start(i) {
            string(i).map(Some)
        } else if nil(i) {
            Ok(None)
        } else {
            Err(Stop::Error)
        }
    }

    /// An atom as [`Text`].
    #[inline(always)]
    fn atom_text(i: &mut In<'_>) -> P<Text> {
        let n = i.iter().position(|&b| !is_atom_char(b)).unwrap_or(i.len());
        if n == 0 {
            return Err(Stop::Error);
        }
        let t = Text::from_prefix(i, n);
        *i = &i[n..];
        Ok(t)
    }

    /// A string where the grammar wants one. QUIRK: NIL reads as empty, a bare atom as
    /// its text.
    #[inline(always)]
    fn lenient(i: &mut In<'_>) -> P<Text> {
        if string_start(i) {
            string(i)
        } else if nil(i) {
            Ok(Text::default())
        } else {
            atom_text(i)
        }
    }

    /// QUIRK: an atom where an nstring belongs (`NIL` encoding from maddy is the nstring).
    #[inline(always)]
    fn nstring_or_atom(i: &mut In<'_>) -> P<Option<Text>> {
        let save = *i;
        match nstring(i) {
            Ok(v) => Ok(v),
            Err(_) => {
                *i = save;
                atom_text(i).map(Some)
            }
        }
    }

    #[inline(always)]
    fn number64(i: &mut In<'_>) -> P<u64> {
        let (len, n) = digits_value(i).ok_or(Stop::Error)?;
        *i = &i[len..];
        Ok(n)
    }

    /// QUIRK: negative sizes (`-1`) read as `None`.
    #[inline(always)]
    fn size_or_negative(i: &mut In<'_>) -> P<Option<u64>> {
        if let [b'-', rest @ ..] = *i {
            *i = rest;
            number64(i)?;
            Ok(None)
        } else {
            number64(i).map(Some)
        }
    }

    /// `"(" [item *(SP item)] ")"`, as `super::super::core::paren_list`.
    fn paren_list<'a, T>(
        i: &mut In<'a>,
        capacity: usize,
        mut item: impl FnMut(&mut In<'a>) -> P<T>,
    ) -> P<Vec<T>> {
        byte(i, b'(')?;
        let mut out = Vec::with_capacity(capacity);
        loop {
            osp(i);
            if let [b')', rest @ ..] = *i {
                *i = rest;
                return Ok(out);
            }
            out.push(item(i)?);
            // QUIRK: no space between members.
            if !matches!(i.first(), Some(b' ' | b')' | b'(')) {
                return Err(Stop::Error);
            }
        }
    }

    pub(super) fn envelope(i: &mut In<'_>) -> P<Envelope> {
        byte(i, b'(')?;
        osp(i);
        let date = nstring(i)?;
        sp(i)?;
        let subject = nstring(i)?;
        let mut lists: [Vec<Address>; 6] = Default::default();
        for list in &mut lists {
            sp(i)?;
            *list = address_list(i)?;
        }
        sp(i)?;
        let in_reply_to = nstring(i)?;
        sp(i)?;
        let message_id = nstring(i)?;
        osp(i);
        byte(i, b')')?;
        let [from, sender, reply_to, to, cc, bcc] = lists;
        Ok(Envelope {
            date,
            subject,
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to,
            message_id,
        })
    }

    fn address_list(i: &mut In<'_>) -> P<Vec<Address>> {
        if nil(i) {
            return Ok(Vec::new());
        }
        paren_list(i, 1, address)
    }

    fn address(i: &mut In<'_>) -> P<Address> {
        byte(i, b'(')?;
        osp(i);
        let name = nstring(i)?;
        sp(i)?;
        let adl = nstring(i)?;
        sp(i)?;
        let mailbox = nstring(i)?;
        sp(i)?;
        let host = nstring(i)?;
        osp(i);
        byte(i, b')')?;
        Ok(Address {
            name,
            adl,
            mailbox,
            host,
        })
    }

    pub(super) fn body(i: &mut In<'_>, depth: usize, max_depth: usize) -> P<BodyStructure> {
        if depth > max_depth {
            return Err(Stop::TooDeep);
        }
        byte(i, b'(')?;
        osp(i);
        if i.first() == Some(&b'(') {
            multipart(i, depth, max_depth)
        } else {
            single_part(i, depth, max_depth)
        }
    }

    fn multipart(i: &mut In<'_>, depth: usize, max_depth: usize) -> P<BodyStructure> {
        let mut parts = Vec::with_capacity(2);
        while i.first() == Some(&b'(') {
            parts.push(body(i, depth + 1, max_depth)?);
            // QUIRK: a space between the parts of a multipart (the grammar has none).
            osp(i);
        }
        let subtype = lenient(i)?;
        let (params, extension) = if sp_then_value(i) {
            let params = body_params(i)?;
            let ext = body_extension_tail(i, None, max_depth)?;
            (params, Some(ext))
        } else {
            (Vec::new(), None)
        };
        osp(i);
        byte(i, b')')?;
        Ok(BodyStructure::Multi {
            parts,
            subtype,
            params,
            extension,
        })
    }

    fn single_part(i: &mut In<'_>, depth: usize, max_depth: usize) -> P<BodyStructure> {
        let media_type = lenient(i)?;
        sp(i)?;
        let subtype = lenient(i)?;
        sp(i)?;
        let params = body_params(i)?;
        sp(i)?;
        let id = nstring(i)?;
        sp(i)?;
        let description = nstring(i)?;
        sp(i)?;
        // QUIRK: NIL encoding (maddy).
        let encoding = nstring_or_atom(i)?;
        sp(i)?;
        let size = size_or_negative(i)?;
        let mut specific = SinglePartKind::Basic;
        let mtype = media_type.as_bytes();
        let msub = subtype.as_bytes();
        if mtype.eq_ignore_ascii_case(b"text") {
            let save = *i;
            match sp(i).and_then(|()| size_or_negative(i)) {
                Ok(lines) => specific = SinglePartKind::Text { lines },
                Err(_) => *i = save,
            }
        } else if mtype.eq_ignore_ascii_case(b"message")
            && (msub.eq_ignore_ascii_case(b"rfc822") || msub.eq_ignore_ascii_case(b"global"))
        {
            let save = *i;
            let mut inner = || -> P<SinglePartKind> {
                sp(i)?;
                let envelope = Box::new(envelope(i)?);
                sp(i)?;
                let body = Box::new(body(i, depth + 1, max_depth)?);
                sp(i)?;
                let lines = size_or_negative(i)?;
                Ok(SinglePartKind::Message {
                    envelope,
                    body,
                    lines,
                })
            };
            match inner() {
                Ok(k) => specific = k,
                Err(Stop::TooDeep) => return Err(Stop::TooDeep),
                Err(Stop::Error) => *i = save,
            }
        }
        let extension = if sp_then_value(i) {
            let md5 = nstring_or_atom(i)?;
            Some(body_extension_tail(i, md5, max_depth)?)
        } else {
            None
        };
        osp(i);
        byte(i, b')')?;
        Ok(BodyStructure::Single {
            fields: BodyFields {
                media_type,
                subtype,
                params,
                id,
                description,
                encoding,
                size,
            },
            specific,
            extension,
        })
    }

    /// `body-fld-param`. QUIRK: NIL values (`("boundary" NIL)`, mail.ru); `()`; an odd
    /// number of strings (the last value reads as empty).
    fn body_params(i: &mut In<'_>) -> P<Vec<(Text, Text)>> {
        if nil(i) {
            return Ok(Vec::new());
        }
        byte(i, b'(')?;
        let mut pairs = Vec::with_capacity(1);
        let mut key: Option<Text> = None;
        loop {
            osp(i);
            if let [b')', rest @ ..] = *i {
                *i = rest;
                if let Some(k) = key {
                    pairs.push((k, Text::default()));
                }
                return Ok(pairs);
            }
            let v = lenient(i)?;
            match key.take() {
                Some(k) => pairs.push((k, v)),
                None => key = Some(v),
            }
            if !matches!(i.first(), Some(b' ' | b')' | b'(')) {
                return Err(Stop::Error);
            }
        }
    }

    /// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`.
    /// A space before the closing `)` is consumed.
    fn body_extension_tail(
        i: &mut In<'_>,
        md5: Option<Text>,
        max_depth: usize,
    ) -> P<BodyExtension> {
        let mut ext = BodyExtension {
            md5,
            ..Default::default()
        };
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
            return Ok(ext);
        }
        ext.disposition = disposition(i)?;
        if !more(i) {
            return Ok(ext);
        }
        ext.language = language(i)?;
        if !more(i) {
            return Ok(ext);
        }
        ext.location = nstring_or_atom(i)?;
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
        Ok(ext)
    }

    fn disposition(i: &mut In<'_>) -> P<Option<Disposition>> {
        if nil(i) {
            return Ok(None);
        }
        byte(i, b'(')?;
        osp(i);
        let kind = lenient(i)?;
        osp(i);
        let params = if i.first() == Some(&b')') {
            Vec::new()
        } else {
            body_params(i)?
        };
        osp(i);
        byte(i, b')')?;
        Ok(Some((kind, params)))
    }

    fn language(i: &mut In<'_>) -> P<Vec<Text>> {
        if i.first() == Some(&b'(') {
            paren_list(i, 1, lenient)
        } else {
            Ok(nstring(i)?.into_iter().collect())
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
            let valid =
                (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 60 && mm < 60;
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
