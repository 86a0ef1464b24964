//! Parser for one complete server response (status, data or continuation request): the
//! dispatch on the response's kind here; `resp-text` and response codes in `code.rs`; LIST,
//! LSUB and STATUS in `mailbox.rs`; SEARCH, SORT, ESEARCH, THREAD and VANISHED in
//! `search.rs`; NAMESPACE, ID, QUOTA, QUOTAROOT and METADATA in `server.rs`; FETCH in
//! `super::fetch`.

mod code;
mod mailbox;
mod search;
mod server;

use nom::{Parser, bytes::complete::take_while1};

use self::{
    code::{capability_list, resp_text},
    mailbox::{list_item, status},
    search::{esearch, search_ids, threads, vanished},
    server::{id, metadata, namespace, quota, quotaroot},
};
use crate::{
    types::{
        core::{Tag, Text, is_astring_char},
        response::{ContinueRequest, Data, Response, StatusKind, StatusResponse},
    },
    wire::{
        core::{In, R, crlf, fail, known, number, osp, sp, upper},
        fetch::{Aside, fetch_tail, flag_list},
    },
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
        b"STATUS" => status(after, max_depth).and_then(|(r, d)| end(r, d)),
        b"ESEARCH" => esearch(after, max_depth).and_then(|(r, e)| end(r, Data::ESearch(e))),
        b"THREAD" => threads(after, max_depth).and_then(|(r, t)| end(r, Data::Thread(t))),
        b"VANISHED" => vanished(after).and_then(|(r, d)| end(r, d)),
        b"NAMESPACE" => namespace(after, max_depth).and_then(|(r, d)| end(r, d)),
        b"ID" => id(after).and_then(|(r, d)| end(r, d)),
        b"QUOTA" => quota(after).and_then(|(r, d)| end(r, d)),
        b"QUOTAROOT" => quotaroot(after).and_then(|(r, d)| end(r, d)),
        b"METADATA" => metadata(after).and_then(|(r, d)| end(r, d)),
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
