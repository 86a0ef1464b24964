//! Parser for one complete server response (status, data or continuation request).

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::{
    core::{
        In, R, any_value, astring, crlf, digits_value, fail, known, lenient_string, line_rest, nil,
        nstring, number, number64, objectid, osp, paren_list, quoted, sp, string_start, upper,
        word,
    },
    fetch::{Aside, fetch_tail, flag_list},
};
use crate::types::{
    core::{Capability, Tag, Text, is_astring_char},
    mailbox::{ListExtendedItem, ListItem, MailboxAttribute, MailboxName},
    response::{
        Code, ContinueRequest, Data, ESearch, ESearchItem, MetadataCode, MetadataEntries,
        Namespace, PlainCode, QuotaResource, Response, StatusItem, StatusKind, StatusResponse,
        Thread,
    },
    sequence::{SeqBound, SequenceSet},
};

/// One response, which must span all of `i` (a framed message).
pub(crate) fn response(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    response_aside(i, max_depth, &mut Aside::default())
}

/// [`response`] of a framed message whose large literals were held apart (`aside`).
pub(crate) fn response_aside<'a>(
    i: In<'a>,
    max_depth: usize,
    aside: &mut Aside<'_>,
) -> R<'a, Response> {
    match i.first() {
        Some(b'+') => continue_request(&i[1..]),
        Some(b'*') => untagged(&i[1..], max_depth, aside),
        _ => tagged(i),
    }
}

/// `+ [resp-text]`. QUIRK: `+` with nothing after it (yandex, public-inbox).
fn continue_request(i: In<'_>) -> R<'_, Response> {
    let (i, ()) = osp(i)?;
    let (i, (code, text)) = resp_text(i)?;
    Ok((i, Response::Continue(ContinueRequest { code, text })))
}

fn tagged(i: In<'_>) -> R<'_, Response> {
    let (i, tag) = take_while1(|b| is_astring_char(b) && b != b'+').parse(i)?;
    let (i, ()) = sp(i)?;
    let (i, kind) = status_kind(i)?;
    if matches!(kind, StatusKind::PreAuth | StatusKind::Bye) {
        return fail(i);
    }
    let (i, (code, text)) = resp_text(i)?;
    Ok((
        i,
        Response::Status(StatusResponse {
            tag: Some(Tag::from_parsed(tag)),
            kind,
            code,
            text,
        }),
    ))
}

fn status_kind(i: In<'_>) -> R<'_, StatusKind> {
    let (rest, w) = take_while1(|b: u8| b.is_ascii_alphabetic()).parse(i)?;
    let kind = match w.to_ascii_uppercase().as_slice() {
        b"OK" => StatusKind::Ok,
        b"NO" => StatusKind::No,
        b"BAD" => StatusKind::Bad,
        b"PREAUTH" => StatusKind::PreAuth,
        b"BYE" => StatusKind::Bye,
        _ => return fail(i),
    };
    Ok((rest, kind))
}

/// `[SP] ["[" resp-text-code "]" [SP]] text` up to and including the line end.
/// QUIRK: no text at all (`* BYE` from iCloud); no space after `]`; 8-bit text (a custom
/// Dovecot banner with a UTF-8 en dash).
fn resp_text(i: In<'_>) -> R<'_, (Option<Code>, Text)> {
    let (i, ()) = osp(i)?;
    let (i, code) = match i.first() {
        Some(b'[') => match code(&i[1..]) {
            Ok((r, code)) => {
                let (r, ()) = osp(r)?;
                (r, Some(code))
            }
            // QUIRK: a `[` that opens no well-formed code (no `]` on the line): the bytes
            // stay in the text rather than failing the status (seen in custom banners).
            Err(nom::Err::Error(_)) => (i, None),
            Err(e) => return Err(e),
        },
        _ => (i, None),
    };
    let (i, text) = line_rest(i)?;
    if !i.is_empty() {
        return fail(i);
    }
    Ok((i, (code, Text::new(trim_spaces_end(text)))))
}

/// A response code after `[`, up to and including `]`. An unknown code, or a known one
/// whose value does not parse, is kept as [`Code::Other`] with its raw value.
fn code(i: In<'_>) -> R<'_, Code> {
    let (after_name, name) =
        take_while1(|b: u8| b != b' ' && b != b']' && b != b'\r' && b != b'\n').parse(i)?;
    let mut buf = [0; 24];
    let typed = typed_code(upper(name, &mut buf), after_name).and_then(|(r, c)| {
        let (r, ()) = osp(r)?;
        let (r, _) = tag("]").parse(r)?;
        Ok((r, c))
    });
    if typed.is_ok() {
        return typed;
    }
    // Raw: up to the `]` that ends the code: the first unbalanced one (QUIRK: Gmail's
    // `[Gmail]` inside flag names), else the first followed by a space or the line end.
    let value_start = after_name.strip_prefix(b" ").unwrap_or(after_name);
    let line_len = value_start
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(value_start.len());
    let value_line = &value_start[..line_len];
    let mut end = None;
    let mut depth = 0usize;
    for (n, &b) in value_line.iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' if depth == 0 => {
                end = Some(n);
                break;
            }
            b']' => depth -= 1,
            _ => {}
        }
    }
    if end.is_none() {
        end = value_line.iter().enumerate().position(|(n, &b)| {
            b == b']' && matches!(value_line.get(n + 1), None | Some(b' ' | b'\r'))
        });
    }
    let Some(end) = end else { return fail(i) };
    let value = &value_start[..end];
    Ok((
        &value_start[end + 1..],
        Code::Other {
            name: String::from_utf8_lossy(name).into_owned(),
            value: (!value.is_empty()).then(|| Text::new(value)),
        },
    ))
}

fn typed_code<'a>(name: &[u8], i: In<'a>) -> R<'a, Code> {
    let num = |i: In<'a>| -> R<'a, u32> {
        let (i, ()) = sp(i)?;
        number(i)
    };
    match name {
        b"ALERT" => Ok((i, Code::Alert)),
        b"PARSE" => Ok((i, Code::Parse)),
        b"READ-ONLY" => Ok((i, Code::ReadOnly)),
        b"READ-WRITE" => Ok((i, Code::ReadWrite)),
        b"TRYCREATE" => Ok((i, Code::TryCreate)),
        b"NOMODSEQ" => Ok((i, Code::NoModSeq)),
        b"CLOSED" => Ok((i, Code::Closed)),
        b"UIDNOTSTICKY" => Ok((i, Code::UidNotSticky)),
        b"TOOBIG" => Ok((i, Code::TooBig)),
        b"COMPRESSIONACTIVE" => Ok((i, Code::CompressionActive)),
        b"HASCHILDREN" => Ok((i, Code::HasChildren)),
        b"UNKNOWN-CTE" => Ok((i, Code::UnknownCte)),
        b"MODIFIED" => {
            let (i, ()) = sp(i)?;
            sequence_set.map(Code::Modified).parse(i)
        }
        b"APPENDLIMIT" => {
            let (i, ()) = sp(i)?;
            number64.map(Code::AppendLimit).parse(i)
        }
        b"MAILBOXID" => {
            let (i, ()) = sp(i)?;
            objectid.map(|id| Code::MailboxId(Text::new(id))).parse(i)
        }
        b"METADATA" => {
            let (i, ()) = sp(i)?;
            let (r, w) = word(i)?;
            let mut buf = [0; 24];
            let m = match upper(w, &mut buf) {
                b"TOOMANY" => (r, MetadataCode::TooMany),
                b"NOPRIVATE" => (r, MetadataCode::NoPrivate),
                b"LONGENTRIES" => {
                    let (r, ()) = sp(r)?;
                    number64.map(MetadataCode::LongEntries).parse(r)?
                }
                b"MAXSIZE" => {
                    let (r, ()) = sp(r)?;
                    number64.map(MetadataCode::MaxSize).parse(r)?
                }
                _ => return fail(i),
            };
            Ok((m.0, Code::Metadata(m.1)))
        }
        b"UIDNEXT" => num.map(Code::UidNext).parse(i),
        b"UIDVALIDITY" => num.map(Code::UidValidity).parse(i),
        b"UNSEEN" => num.map(Code::Unseen).parse(i),
        b"HIGHESTMODSEQ" => {
            let (i, ()) = sp(i)?;
            number64.map(Code::HighestModSeq).parse(i)
        }
        b"CAPABILITY" => capability_list.map(Code::Capability).parse(i),
        b"PERMANENTFLAGS" => {
            let (i, ()) = sp(i)?;
            flag_list.map(Code::PermanentFlags).parse(i)
        }
        b"BADCHARSET" => {
            if let Ok((r, ())) = sp(i)
                && r.first() == Some(&b'(')
            {
                let (r, l) = paren_list(r, super::core::astring)?;
                return Ok((r, Code::BadCharset(l.into_iter().map(Text::new).collect())));
            }
            // QUIRK: one charset without the parentheses (RFC 9051's own example 6.4.4.4).
            if let Ok((r, ())) = sp(i) {
                if let Ok((r, charset)) = super::core::quoted(r) {
                    return Ok((r, Code::BadCharset(vec![Text::new(charset)])));
                }
                if let Ok((r, charset)) = super::core::atom(r) {
                    return Ok((r, Code::BadCharset(vec![Text::new(charset)])));
                }
            }
            Ok((i, Code::BadCharset(Vec::new())))
        }
        b"APPENDUID" => {
            let (i, uid_validity) = num(i)?;
            let (i, ()) = sp(i)?;
            let (i, uids) = sequence_set(i)?;
            Ok((i, Code::AppendUid { uid_validity, uids }))
        }
        b"COPYUID" => {
            let (i, uid_validity) = num(i)?;
            let (i, ()) = sp(i)?;
            let (i, source) = sequence_set(i)?;
            let (i, ()) = sp(i)?;
            let (i, target) = sequence_set(i)?;
            Ok((
                i,
                Code::CopyUid {
                    uid_validity,
                    source,
                    target,
                },
            ))
        }
        _ => match PlainCode::from_name(name) {
            Some(c) => Ok((i, Code::Plain(c))),
            None => fail(i),
        },
    }
}

/// `sequence-set` as servers send it in codes (`1:3,5`).
pub(crate) fn sequence_set(i: In<'_>) -> R<'_, SequenceSet> {
    let (rest, s) =
        take_while1(|b: u8| b.is_ascii_digit() || matches!(b, b':' | b',' | b'*')).parse(i)?;
    let bound = |t: &str| -> Option<SeqBound> {
        if t == "*" {
            Some(SeqBound::Last)
        } else {
            t.parse().ok().map(SeqBound::Value)
        }
    };
    let mut ranges = Vec::new();
    for part in std::str::from_utf8(s).unwrap_or("").split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        match (bound(a), bound(b)) {
            (Some(a), Some(b)) => ranges.push((a, b)),
            _ => return fail(i),
        }
    }
    match SequenceSet::from_ranges(ranges) {
        Some(set) => Ok((rest, set)),
        None => fail(i),
    }
}

/// `*(SP capability)`. QUIRK: any non-space bytes in a name.
fn capability_list(mut i: In<'_>) -> R<'_, Vec<Capability>> {
    let mut caps = Vec::new();
    while let Ok((r, ())) = sp(i) {
        match word(r) {
            Ok((r2, w)) => {
                caps.push(Capability::new(String::from_utf8_lossy(w).into_owned()));
                i = r2;
            }
            Err(_) => {
                i = r;
                break;
            }
        }
    }
    Ok((i, caps))
}

fn untagged<'a>(i: In<'a>, max_depth: usize, aside: &mut Aside<'_>) -> R<'a, Response> {
    // QUIRK: no space, or several, after `*` (several servers).
    let (i, ()) = osp(i)?;
    if i.first().is_some_and(u8::is_ascii_digit) {
        return numbered(i, max_depth, aside);
    }
    let line = i;
    let (after, w) =
        take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.').parse(i)?;
    let mut buf = [0; 24];
    let parsed: R<'_, Response> = match upper(w, &mut buf) {
        b"OK" | b"NO" | b"BAD" | b"PREAUTH" | b"BYE" => {
            let (r, kind) = status_kind(i)?;
            let (r, (code, text)) = resp_text(r)?;
            return Ok((
                r,
                Response::Status(StatusResponse {
                    tag: None,
                    kind,
                    code,
                    text,
                }),
            ));
        }
        b"CAPABILITY" => capability_list(after).and_then(|(r, c)| end(r, Data::Capability(c))),
        b"ENABLED" => capability_list(after).and_then(|(r, c)| end(r, Data::Enabled(c))),
        b"FLAGS" => sp(after)
            .and_then(|(r, ())| flag_list(r))
            .and_then(|(r, f)| end(r, Data::Flags(f))),
        b"LIST" => list_item(after, max_depth).and_then(|(r, l)| end(r, Data::List(l))),
        b"LSUB" => list_item(after, max_depth).and_then(|(r, l)| end(r, Data::Lsub(l))),
        b"SEARCH" => {
            search_ids(after).and_then(|(r, (ids, modseq))| end(r, Data::Search { ids, modseq }))
        }
        b"SORT" => {
            search_ids(after).and_then(|(r, (ids, modseq))| end(r, Data::Sort { ids, modseq }))
        }
        b"STATUS" => status(after, max_depth),
        b"ESEARCH" => esearch(after, max_depth).and_then(|(r, e)| end(r, Data::ESearch(e))),
        b"THREAD" => threads(after, max_depth).and_then(|(r, t)| end(r, Data::Thread(t))),
        b"VANISHED" => vanished(after),
        b"NAMESPACE" => namespace(after, max_depth),
        b"ID" => id(after),
        b"QUOTA" => quota(after),
        b"QUOTAROOT" => quotaroot(after),
        b"METADATA" => metadata(after),
        _ => fail(i),
    };
    match parsed {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Failure(e)) => Err(nom::Err::Failure(e)),
        Err(_) => other(line, w),
    }
}

fn end(i: In<'_>, data: Data) -> R<'_, Response> {
    let (i, ()) = crlf(i)?;
    if !i.is_empty() {
        return fail(i);
    }
    Ok((i, Response::Data(data)))
}

/// Untagged data we do not interpret, or whose syntax is broken beyond the tolerances:
/// kept whole rather than failing (the caller gets every byte). `line` starts after `* `.
fn other<'a>(line: In<'a>, name: In<'a>) -> R<'a, Response> {
    let raw = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line);
    Ok((
        &line[line.len()..],
        Response::Data(Data::Other {
            name: String::from_utf8_lossy(name).into_owned(),
            raw: Text::new(raw),
        }),
    ))
}

fn numbered<'a>(i: In<'a>, max_depth: usize, aside: &mut Aside<'_>) -> R<'a, Response> {
    let line = i;
    let (r, n) = number(i)?;
    let (r, ()) = sp(r)?;
    let (after, w) = take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-').parse(r)?;
    let parsed = match known(w, &[b"EXISTS", b"RECENT", b"EXPUNGE", b"FETCH"]) {
        b"EXISTS" => end(after, Data::Exists(n)),
        b"RECENT" => end(after, Data::Recent(n)),
        b"EXPUNGE" => end(after, Data::Expunge(n)),
        b"FETCH" => {
            let (r, items) = fetch_tail(after, max_depth, aside)?;
            if !r.is_empty() {
                return fail(r);
            }
            return Ok((r, Response::Data(Data::Fetch { seq: n, items })));
        }
        _ => fail(r),
    };
    match parsed {
        Ok(ok) => Ok(ok),
        Err(_) => other(line, w),
    }
}

/// A hierarchy delimiter: `NIL` or a quoted character.
fn delimiter(i: In<'_>) -> R<'_, Option<char>> {
    match nil(i) {
        Ok((r, ())) => Ok((r, None)),
        Err(_) => {
            let (r, q) = quoted(i)?;
            let c = std::str::from_utf8(&q).ok().and_then(|s| s.chars().next());
            Ok((r, c))
        }
    }
}

/// `mailbox-list` after `LIST`, with LIST-EXTENDED data (RFC 5258, RFC 9051).
fn list_item(i: In<'_>, max_depth: usize) -> R<'_, ListItem> {
    let (i, ()) = sp(i)?;
    let (i, attributes) = paren_list(i, |x| {
        take_while1(|b| !matches!(b, b' ' | b')' | b'(' | b'\r' | b'\n'))
            .map(MailboxAttribute::from_wire)
            .parse(x)
    })?;
    let (i, ()) = sp(i)?;
    let (i, delimiter) = delimiter(i)?;
    let (i, ()) = sp(i)?;
    let (i, name) = astring(i)?;
    let mut extended = Vec::new();
    let i = match sp(i) {
        Ok((r, ())) if r.first() == Some(&b'(') => {
            let (r, items) = paren_list(r, |x| list_extended_item(x, max_depth))?;
            extended = items;
            r
        }
        _ => i,
    };
    Ok((
        i,
        ListItem {
            attributes,
            delimiter,
            name: mailbox_name(i, name)?,
            extended,
        },
    ))
}

/// A mailbox name from the bytes a server sent. One holding CR, LF or NUL (only a literal
/// can) fails the response at `at`: no [`MailboxName`] holds them.
fn mailbox_name(
    at: In<'_>,
    bytes: Vec<u8>,
) -> Result<MailboxName, nom::Err<nom::error::Error<In<'_>>>> {
    MailboxName::from_wire(bytes).or_else(|_| fail(at).map(|(_, name)| name))
}

/// `mbox-list-extended-item`: `tag SP tagged-ext-val`.
fn list_extended_item(i: In<'_>, max_depth: usize) -> R<'_, ListExtendedItem> {
    let (i, tag) = astring(i)?;
    let (i, ()) = sp(i)?;
    let (rest, raw) = any_value(i, 1, max_depth)?;
    let mut buf = [0; 24];
    let typed = match upper(&tag, &mut buf) {
        b"CHILDINFO" => paren_list(raw, astring)
            .ok()
            .map(|(_, l)| ListExtendedItem::ChildInfo(l.into_iter().map(Text::new).collect())),
        b"OLDNAME" => paren_list(raw, astring).ok().and_then(|(_, mut l)| {
            let name = (l.len() == 1).then(|| l.remove(0))?;
            MailboxName::from_wire(name)
                .ok()
                .map(ListExtendedItem::OldName)
        }),
        _ => None,
    };
    Ok((
        rest,
        typed.unwrap_or_else(|| ListExtendedItem::Other {
            tag: Text::new(tag),
            raw: Text::new(raw),
        }),
    ))
}

/// `*(SP nz-number) [SP "(" "MODSEQ" SP n ")"]` after `SEARCH` or `SORT`.
fn search_ids(i: In<'_>) -> R<'_, (Vec<u32>, Option<u64>)> {
    let mut ids = Vec::with_capacity(number_starts(i));
    let mut modseq = None;
    let mut i = i;
    while let [b' ', rest @ ..] = i {
        let r = match rest {
            [b' ', ..] => {
                let n = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
                &rest[n..]
            }
            _ => rest,
        };
        if let Some((len, n)) = short_number(r) {
            ids.push(n);
            i = &r[len..];
        } else if r.first() == Some(&b'(') {
            let (r2, _) = tag("(").parse(r)?;
            let (r2, ()) = osp(r2)?;
            let (r2, _) = nom::bytes::complete::tag_no_case("MODSEQ").parse(r2)?;
            let (r2, ()) = sp(r2)?;
            let (r2, m) = number64(r2)?;
            let (r2, ()) = osp(r2)?;
            let (r2, _) = tag(")").parse(r2)?;
            modseq = Some(m);
            i = r2;
        } else {
            i = r;
            break;
        }
    }
    Ok((i, (ids, modseq)))
}

/// How many numbers a list of them holds at most: the spaces followed by a digit (exact
/// for what servers send; at most one per two bytes, so the list is sized without growing
/// it and without over-reserving). Counted in blocks a vector unit takes at once.
fn number_starts(i: In<'_>) -> usize {
    let Some(next) = i.get(1..) else {
        return 0;
    };
    let starts = |(&a, &b): (&u8, &u8)| u8::from(a == b' ' && b.wrapping_sub(b'0') < 10);
    let mut count = 0;
    // Pairs (i[n], next[n]) for n below `next.len()`, 64 at a time.
    let blocks = next.len() / 64;
    for (x, y) in i.chunks_exact(64).zip(next.chunks_exact(64)).take(blocks) {
        count += usize::from(x.iter().zip(y).map(starts).fold(0u8, u8::wrapping_add));
    }
    let done = blocks * 64;
    count
        + i[done..]
            .iter()
            .zip(&next[done..])
            .map(|p| usize::from(starts(p)))
            .sum::<usize>()
}

/// A `number` (32-bit) at the start of `i`: its length and value, as `number` reads it.
/// Eight bytes are examined at once: the digits' length from a mask of non-digits and the
/// value from three multiplications (no branch per digit, so the varying lengths of a
/// list's numbers cost no mispredictions). Eight or more digits, or fewer than eight bytes
/// left, take the byte-wise way.
#[inline]
fn short_number(i: In<'_>) -> Option<(usize, u32)> {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const LOW: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    if let Some(block) = i.first_chunk::<8>() {
        let x = u64::from_le_bytes(*block);
        // Per byte (no carry crosses bytes): high nibble not 3, or low nibble over 9.
        let non_digit = ((x & HIGH) ^ ZEROS) | (((x & LOW) + 0x0606_0606_0606_0606) & HIGH);
        let len = (non_digit.trailing_zeros() / 8) as usize;
        if len == 0 {
            return None;
        }
        if len < 8 {
            // The digits' values, moved to the top bytes (leading zeros below them); the
            // bytes after the digits may borrow, but only from bytes shifted out.
            let mut v = x.wrapping_sub(ZEROS) << (8 * (8 - len));
            v = v.wrapping_mul(10).wrapping_add(v >> 8);
            v = ((v & 0x0000_00FF_0000_00FF)
                .wrapping_mul(100 + (1_000_000 << 32))
                .wrapping_add(
                    ((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32)),
                ))
                >> 32;
            return Some((len, v as u32));
        }
    }
    let (len, n) = digits_value(i)?;
    Some((len, u32::try_from(n).ok()?))
}

/// `* STATUS mailbox (name value …)`.
fn status(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    let (i, ()) = sp(i)?;
    let (i, name) = astring(i)?;
    let (i, ()) = sp(i)?;
    let (i, _) = tag("(").parse(i)?;
    let mut items = Vec::new();
    let mut i = i;
    loop {
        (i, ()) = osp(i)?;
        if let Some(r) = i.strip_prefix(b")") {
            i = r;
            break;
        }
        let (r, k) =
            take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.').parse(i)?;
        let (r, ()) = sp(r)?;
        let (r, raw) = any_value(r, 1, max_depth)?;
        items.push(status_item(k, raw));
        i = r;
    }
    end(
        i,
        Data::Status {
            mailbox: mailbox_name(i, name)?,
            items,
        },
    )
}

fn status_item(name: &[u8], raw: &[u8]) -> StatusItem {
    let n32 = || {
        number(raw)
            .ok()
            .filter(|(r, _)| r.is_empty())
            .map(|(_, n)| n)
    };
    let n64 = || {
        number64(raw)
            .ok()
            .filter(|(r, _)| r.is_empty())
            .map(|(_, n)| n)
    };
    let mut buf = [0; 24];
    let typed = match upper(name, &mut buf) {
        b"MESSAGES" => n32().map(StatusItem::Messages),
        b"RECENT" => n32().map(StatusItem::Recent),
        b"UIDNEXT" => n32().map(StatusItem::UidNext),
        b"UIDVALIDITY" => n32().map(StatusItem::UidValidity),
        b"UNSEEN" => n32().map(StatusItem::Unseen),
        b"DELETED" => n32().map(StatusItem::Deleted),
        b"DELETED-STORAGE" => n64().map(StatusItem::DeletedStorage),
        b"SIZE" => n64().map(StatusItem::Size),
        b"HIGHESTMODSEQ" => n64().map(StatusItem::HighestModSeq),
        b"APPENDLIMIT" => match nil(raw) {
            Ok(([], ())) => Some(StatusItem::AppendLimit(None)),
            _ => n64().map(|n| StatusItem::AppendLimit(Some(n))),
        },
        b"MAILBOXID" => objectid(raw)
            .ok()
            .filter(|(r, _)| r.is_empty())
            .map(|(_, id)| StatusItem::MailboxId(Text::new(id))),
        _ => None,
    };
    typed.unwrap_or_else(|| StatusItem::Other {
        name: String::from_utf8_lossy(name).into_owned(),
        raw: Text::new(raw),
    })
}

/// `* ESEARCH [SP "(" "TAG" SP tag-string ")"] [SP "UID"] *(SP search-return-data)`.
fn esearch(i: In<'_>, max_depth: usize) -> R<'_, ESearch> {
    let mut out = ESearch::default();
    let mut i = i;
    if let Ok((r, ())) = sp(i)
        && r.first() == Some(&b'(')
    {
        // The correlator: `(TAG "A1")`; RFC 7377 adds MAILBOX and UIDVALIDITY pairs.
        let (r, list) = paren_list(r, |x| any_value(x, 1, max_depth))?;
        let mut it = list.into_iter();
        while let Some(k) = it.next() {
            let v = it.next().unwrap_or_default();
            if k.eq_ignore_ascii_case(b"TAG") {
                out.tag = lenient_string(v).ok().map(|(_, t)| Text::new(t));
            }
        }
        i = r;
    }
    if let Ok((r, ())) = sp(i)
        && let Ok((r2, w)) = word(r)
        && w.eq_ignore_ascii_case(b"UID")
    {
        out.uid = true;
        i = r2;
    }
    while let Ok((r, ())) = sp(i) {
        let Ok((r, name)) = word(r) else {
            break;
        };
        let (r, ()) = sp(r)?;
        let (r, raw) = any_value(r, 1, max_depth)?;
        let n32 = || {
            number(raw)
                .ok()
                .filter(|(r, _)| r.is_empty())
                .map(|(_, n)| n)
        };
        let mut buf = [0; 24];
        let item = match upper(name, &mut buf) {
            b"MIN" => n32().map(ESearchItem::Min),
            b"MAX" => n32().map(ESearchItem::Max),
            b"COUNT" => n32().map(ESearchItem::Count),
            b"ALL" => sequence_set(raw)
                .ok()
                .filter(|(r, _)| r.is_empty())
                .map(|(_, s)| ESearchItem::All(s)),
            b"MODSEQ" => number64(raw)
                .ok()
                .filter(|(r, _)| r.is_empty())
                .map(|(_, n)| ESearchItem::ModSeq(n)),
            _ => None,
        };
        out.items.push(item.unwrap_or_else(|| ESearchItem::Other {
            name: String::from_utf8_lossy(name).into_owned(),
            raw: Text::new(raw),
        }));
        i = r;
    }
    Ok((i, out))
}

/// `*(SP thread-list)` after `THREAD`. QUIRK: no space between thread lists (the RFC 5256
/// examples themselves write `(2)(3 6 …)`).
fn threads(i: In<'_>, max_depth: usize) -> R<'_, Vec<Thread>> {
    let mut out = Vec::new();
    let (mut i, ()) = osp(i)?;
    while i.first() == Some(&b'(') {
        let (r, t) = thread_list(i, 1, max_depth)?;
        out.push(t);
        (i, ()) = osp(r)?;
    }
    Ok((i, out))
}

/// `"(" (thread-members / thread-nested) ")"`.
fn thread_list(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, Thread> {
    if depth > max_depth {
        return super::core::abort(i);
    }
    let (mut i, _) = tag("(").parse(i)?;
    let mut t = Thread::default();
    loop {
        (i, ()) = osp(i)?;
        match i.first() {
            Some(b')') => return Ok((&i[1..], t)),
            Some(b'(') => {
                let (r, child) = thread_list(i, depth + 1, max_depth)?;
                t.children.push(child);
                i = r;
            }
            _ if t.children.is_empty() => {
                let (r, n) = number(i)?;
                t.ids.push(n);
                i = r;
            }
            _ => return fail(i),
        }
    }
}

/// `* VANISHED [(EARLIER)] known-uids` (RFC 7162).
fn vanished(i: In<'_>) -> R<'_, Response> {
    let (mut i, ()) = sp(i)?;
    let mut earlier = false;
    if let Some(r) = i.strip_prefix(b"(") {
        let (r, ()) = osp(r)?;
        let (r, _) = nom::bytes::complete::tag_no_case("EARLIER").parse(r)?;
        let (r, ()) = osp(r)?;
        let (r, _) = tag(")").parse(r)?;
        let (r, ()) = sp(r)?;
        earlier = true;
        i = r;
    }
    let (i, uids) = sequence_set(i)?;
    end(i, Data::Vanished { earlier, uids })
}

/// `* NAMESPACE personal other shared` (RFC 2342).
fn namespace(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    let mut lists: [Vec<Namespace>; 3] = Default::default();
    let mut i = i;
    for list in &mut lists {
        let (r, ()) = sp(i)?;
        let (r, l) = match nil(r) {
            Ok((r, ())) => (r, Vec::new()),
            Err(_) => paren_list(r, |x| namespace_descr(x, max_depth))?,
        };
        *list = l;
        i = r;
    }
    let [personal, other, shared] = lists;
    end(
        i,
        Data::Namespace {
            personal,
            other,
            shared,
        },
    )
}

/// `"(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) *(Namespace-Response-Extension) ")"`.
fn namespace_descr(i: In<'_>, max_depth: usize) -> R<'_, Namespace> {
    let (i, _) = tag("(").parse(i)?;
    let (i, ()) = osp(i)?;
    let (i, prefix) = lenient_string(i)?;
    let (i, ()) = sp(i)?;
    let (mut i, delimiter) = delimiter(i)?;
    let mut extensions = Vec::new();
    loop {
        (i, ()) = osp(i)?;
        if let Some(r) = i.strip_prefix(b")") {
            return Ok((
                r,
                Namespace {
                    prefix: Text::new(prefix),
                    delimiter,
                    extensions,
                },
            ));
        }
        let (r, name) = lenient_string(i)?;
        let (r, ()) = sp(r)?;
        let (r, values) = paren_list(r, |x| {
            let (x, v) = any_value(x, 2, max_depth)?;
            let v = lenient_string(v).map_or_else(|_| v.to_vec(), |(_, s)| s);
            Ok((x, Text::new(v)))
        })?;
        extensions.push((Text::new(name), values));
        i = r;
    }
}

/// `* ID ("name" "value" …)` or `* ID NIL` (RFC 2971).
fn id(i: In<'_>) -> R<'_, Response> {
    let (i, ()) = sp(i)?;
    let (i, pairs) = match nil(i) {
        Ok((r, ())) => (r, Vec::new()),
        Err(_) => {
            let (r, flat) = paren_list(i, nstring)?;
            let mut pairs = Vec::with_capacity(flat.len() / 2);
            let mut it = flat.into_iter();
            while let Some(k) = it.next() {
                let v = it.next().flatten();
                pairs.push((Text::new(k.unwrap_or_default()), v.map(Text::new)));
            }
            (r, pairs)
        }
    };
    end(i, Data::Id(pairs))
}

/// `* QUOTA root (resource usage limit …)` (RFC 9208).
fn quota(i: In<'_>) -> R<'_, Response> {
    let (i, ()) = sp(i)?;
    let (i, root) = astring(i)?;
    let (i, ()) = sp(i)?;
    let (i, _) = tag("(").parse(i)?;
    let mut resources = Vec::new();
    let mut i = i;
    loop {
        (i, ()) = osp(i)?;
        if let Some(r) = i.strip_prefix(b")") {
            i = r;
            break;
        }
        let (r, name) = super::core::atom(i)?;
        let (r, ()) = sp(r)?;
        let (r, usage) = number64(r)?;
        let (r, ()) = sp(r)?;
        let (r, limit) = number64(r)?;
        resources.push(QuotaResource {
            name: String::from_utf8_lossy(name).into_owned(),
            usage,
            limit,
        });
        i = r;
    }
    end(
        i,
        Data::Quota {
            root: Text::new(root),
            resources,
        },
    )
}

/// `* QUOTAROOT mailbox *(SP root)` (RFC 9208).
fn quotaroot(i: In<'_>) -> R<'_, Response> {
    let (i, ()) = sp(i)?;
    let (mut i, mailbox) = astring(i)?;
    let mut roots = Vec::new();
    while let Ok((r, ())) = sp(i) {
        let Ok((r, root)) = astring(r) else {
            break;
        };
        roots.push(Text::new(root));
        i = r;
    }
    end(
        i,
        Data::QuotaRoot {
            mailbox: mailbox_name(i, mailbox)?,
            roots,
        },
    )
}

/// `* METADATA mailbox (entry value …)` or `* METADATA mailbox entry …` (RFC 5464).
fn metadata(i: In<'_>) -> R<'_, Response> {
    let (i, ()) = sp(i)?;
    let (i, mailbox) = astring(i)?;
    let (i, ()) = sp(i)?;
    let (i, entries) = if i.first() == Some(&b'(') {
        let (r, flat) = paren_list(i, |x| match string_start(x) {
            true => string_value(x),
            false => match nil(x) {
                Ok((r, ())) => Ok((r, None)),
                Err(_) => astring(x).map(|(r, v)| (r, Some(v))),
            },
        })?;
        let mut pairs = Vec::with_capacity(flat.len() / 2);
        let mut it = flat.into_iter();
        while let Some(k) = it.next() {
            let v = it.next().flatten();
            pairs.push((Text::new(k.unwrap_or_default()), v.map(Text::new)));
        }
        (r, MetadataEntries::Values(pairs))
    } else {
        let (mut r, first) = astring(i)?;
        let mut names = vec![Text::new(first)];
        while let Ok((r2, ())) = sp(r) {
            let Ok((r2, n)) = astring(r2) else {
                break;
            };
            names.push(Text::new(n));
            r = r2;
        }
        (r, MetadataEntries::Names(names))
    };
    end(
        i,
        Data::Metadata {
            mailbox: mailbox_name(i, mailbox)?,
            entries,
        },
    )
}

fn string_value(i: In<'_>) -> R<'_, Option<Vec<u8>>> {
    super::core::string(i).map(|(r, v)| (r, Some(v)))
}

/// Drops trailing spaces (QUIRK: Exchange pads lines), keeping any other byte of the text.
fn trim_spaces_end(text: &[u8]) -> &[u8] {
    let n = text.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
    &text[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_read_as_number() {
        let mut cases: Vec<Vec<u8>> = Vec::new();
        for n in [
            0u64, 1, 9, 10, 99, 123, 4711, 99_999, 1_234_567, 9_999_999, 12_345_678,
        ] {
            cases.push(n.to_string().into_bytes());
        }
        cases.extend(
            [
                &b"99999999"[..],
                b"4294967295",
                b"4294967296",
                b"00000000000000000007",
                b"123456789012345678901234",
                b"",
                b"x",
                b" 1",
                b"0",
                b"0000001",
            ]
            .map(<[u8]>::to_vec),
        );
        for case in cases {
            for tail in [
                &b""[..],
                b" ",
                b")",
                b"\r\n",
                b" 5 6 7 8 9 10",
                b"/",
                b":",
                b"abcdefgh",
                b"\xff\x00\x3a\x2f",
            ] {
                let mut input = case.clone();
                input.extend_from_slice(tail);
                let want = number(&input).ok().map(|(r, n)| (input.len() - r.len(), n));
                let got = short_number(&input);
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&input));
            }
        }
        // Every byte after a digit.
        for b in 0..=255u8 {
            let input = [b'7', b, b'1', b'2', b'3', b'4', b'5', b'6', b'8'];
            let want = number(&input).ok().map(|(r, n)| (input.len() - r.len(), n));
            assert_eq!(short_number(&input), want, "{b}");
        }
    }

    #[test]
    fn number_starts_counts_space_digit_pairs() {
        for len in 0..200 {
            let s: Vec<u8> = (0..len)
                .map(|n| {
                    if n % 3 == 0 {
                        b' '
                    } else {
                        b'0' + (n % 7) as u8
                    }
                })
                .collect();
            let want = s
                .windows(2)
                .filter(|w| w[0] == b' ' && w[1].is_ascii_digit())
                .count();
            assert_eq!(number_starts(&s), want, "{len}");
        }
    }
}
