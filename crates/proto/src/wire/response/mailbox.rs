//! Mailbox data: LIST and LSUB items (with LIST-EXTENDED items) and STATUS.

use nom::{
    Parser,
    bytes::complete::{tag, take_while1},
};

use crate::{
    types::{
        core::Text,
        mailbox::{ListExtendedItem, ListItem, MailboxAttribute, MailboxName},
        response::{Data, StatusItem},
    },
    wire::core::{
        In, R, any_value, astring, fail, nil, number, number64, objectid, osp, paren_list, quoted,
        sp, upper,
    },
};

/// A hierarchy delimiter: `NIL` or a quoted character.
pub(super) fn delimiter(i: In<'_>) -> R<'_, Option<char>> {
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
pub(super) fn list_item(i: In<'_>, max_depth: usize) -> R<'_, ListItem> {
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
pub(super) fn mailbox_name(
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

/// `* STATUS mailbox (name value …)`.
pub(super) fn status(i: In<'_>, max_depth: usize) -> R<'_, Data> {
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
    Ok((
        i,
        Data::Status {
            mailbox: mailbox_name(i, name)?,
            items,
        },
    ))
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
