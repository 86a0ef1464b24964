//! Parser for one complete server response (status, data or continuation request).

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use super::{
    core::{
        In, R, astring, crlf, fail, line_rest, nil, number, number64, osp, paren_list, quoted, sp,
        word,
    },
    fetch::{fetch_tail, flag_list},
};
use crate::types::{
    core::{Capability, Tag, Text, is_astring_char},
    mailbox::{ListItem, MailboxAttribute, MailboxName},
    response::{Code, ContinueRequest, Data, Response, StatusKind, StatusResponse},
    sequence::{SeqBound, SequenceSet},
};

/// One response, which must span all of `i` (a framed message).
pub(crate) fn response(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    match i.first() {
        Some(b'+') => continue_request(&i[1..]),
        Some(b'*') => untagged(&i[1..], max_depth),
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
    let (i, code) = if i.first() == Some(&b'[') {
        let (r, code) = code(&i[1..])?;
        let (r, ()) = osp(r)?;
        (r, Some(code))
    } else {
        (i, None)
    };
    let (i, text) = line_rest(i)?;
    if !i.is_empty() {
        return fail(i);
    }
    Ok((i, (code, Text::new(text.trim_ascii_end()))))
}

/// A response code after `[`, up to and including `]`. An unknown code, or a known one
/// whose value does not parse, is kept as [`Code::Other`] with its raw value.
fn code(i: In<'_>) -> R<'_, Code> {
    let (after_name, name) =
        take_while1(|b: u8| b != b' ' && b != b']' && b != b'\r' && b != b'\n').parse(i)?;
    let typed = typed_code(&name.to_ascii_uppercase(), after_name).and_then(|(r, c)| {
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
        _ => fail(i),
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

fn untagged(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    let (i, ()) = osp(i)?;
    if i.first().is_some_and(u8::is_ascii_digit) {
        return numbered(i, max_depth);
    }
    let line = i;
    let (after, w) =
        take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.').parse(i)?;
    let upper = w.to_ascii_uppercase();
    let parsed: R<'_, Response> = match upper.as_slice() {
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
        b"LIST" => list_item(after).and_then(|(r, l)| end(r, Data::List(l))),
        b"LSUB" => list_item(after).and_then(|(r, l)| end(r, Data::Lsub(l))),
        b"SEARCH" => search(after),
        b"STATUS" => status(after),
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

/// Untagged data we do not interpret: kept whole. `line` starts after `* `.
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

fn numbered(i: In<'_>, max_depth: usize) -> R<'_, Response> {
    let line = i;
    let (r, n) = number(i)?;
    let (r, ()) = sp(r)?;
    let (after, w) = take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-').parse(r)?;
    let parsed = match w.to_ascii_uppercase().as_slice() {
        b"EXISTS" => end(after, Data::Exists(n)),
        b"RECENT" => end(after, Data::Recent(n)),
        b"EXPUNGE" => end(after, Data::Expunge(n)),
        b"FETCH" => {
            let (r, items) = fetch_tail(after, max_depth)?;
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

/// `mailbox-list` after `LIST`.
fn list_item(i: In<'_>) -> R<'_, ListItem> {
    let (i, ()) = sp(i)?;
    let (i, attributes) = paren_list(i, |x| {
        take_while1(|b| !matches!(b, b' ' | b')' | b'(' | b'\r' | b'\n'))
            .map(MailboxAttribute::from_wire)
            .parse(x)
    })?;
    let (i, ()) = sp(i)?;
    let (i, delimiter) = match nil(i) {
        Ok((r, ())) => (r, None),
        Err(_) => {
            let (r, q) = quoted(i)?;
            let c = std::str::from_utf8(&q).ok().and_then(|s| s.chars().next());
            (r, c)
        }
    };
    let (i, ()) = sp(i)?;
    let (i, name) = astring(i)?;
    let (i, extended) = match sp(i) {
        Ok((r, ())) if !matches!(r.first(), None | Some(b'\r' | b'\n')) => {
            let len = r
                .iter()
                .position(|&b| b == b'\r' || b == b'\n')
                .unwrap_or(r.len());
            (&r[len..], Some(Text::new(&r[..len])))
        }
        _ => (i, None),
    };
    Ok((
        i,
        ListItem {
            attributes,
            delimiter,
            name: MailboxName::from_wire(name),
            extended,
        },
    ))
}

/// `* SEARCH *(SP nz-number) [SP "(" "MODSEQ" SP n ")"]`.
fn search(mut i: In<'_>) -> R<'_, Response> {
    let mut ids = Vec::new();
    let mut modseq = None;
    while let Ok((r, ())) = sp(i) {
        if let Ok((r2, n)) = number(r) {
            ids.push(n);
            i = r2;
        } else if r.first() == Some(&b'(') {
            let (r2, _) = tag("(").parse(r)?;
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
    end(i, Data::Search { ids, modseq })
}

/// `* STATUS mailbox (name value …)`.
fn status(i: In<'_>) -> R<'_, Response> {
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
        let (r, v) = number64(r)?;
        items.push((String::from_utf8_lossy(k).to_ascii_uppercase(), v));
        i = r;
    }
    end(
        i,
        Data::Status {
            mailbox: MailboxName::from_wire(name),
            items,
        },
    )
}
