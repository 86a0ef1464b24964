//! `resp-text` (`[code] text` after OK, NO, BAD, PREAUTH, BYE and `+`) and its response
//! codes; the sequence sets and capability lists codes and data share.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use crate::{
    types::{
        core::{Capability, Text},
        response::{Code, MetadataCode, PlainCode},
        sequence::{SeqBound, SequenceSet},
    },
    wire::{
        core::{
            In, R, fail, line_rest, number, number64, objectid, osp, paren_list, sp, upper, word,
        },
        fetch::flag_list,
    },
};

/// `[SP] ["[" resp-text-code "]" [SP]] text` up to and including the line end.
/// QUIRK: no text at all (`* BYE` from iCloud); no space after `]`; 8-bit text (a custom
/// Dovecot banner with a UTF-8 en dash).
pub(super) fn resp_text(i: In<'_>) -> R<'_, (Option<Code>, Text)> {
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
                let (r, l) = paren_list(r, crate::wire::core::astring)?;
                return Ok((r, Code::BadCharset(l.into_iter().map(Text::new).collect())));
            }
            // QUIRK: one charset without the parentheses (RFC 9051's own example 6.4.4.4).
            if let Ok((r, ())) = sp(i) {
                if let Ok((r, charset)) = crate::wire::core::quoted(r) {
                    return Ok((r, Code::BadCharset(vec![Text::new(charset)])));
                }
                if let Ok((r, charset)) = crate::wire::core::atom(r) {
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
pub(super) fn sequence_set(i: In<'_>) -> R<'_, SequenceSet> {
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
pub(super) fn capability_list(mut i: In<'_>) -> R<'_, Vec<Capability>> {
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

/// Drops trailing spaces (QUIRK: Exchange pads lines), keeping any other byte of the text.
fn trim_spaces_end(text: &[u8]) -> &[u8] {
    let n = text.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
    &text[..n]
}
