//! What a server says about itself and its storage: NAMESPACE (RFC 2342), ID (RFC 2971),
//! QUOTA and QUOTAROOT (RFC 9208), METADATA (RFC 5464).

use nom::{Parser, bytes::complete::tag};

use super::mailbox::{delimiter, mailbox_name};
use crate::{
    types::{
        core::Text,
        response::{Data, MetadataEntries, Namespace, QuotaResource},
    },
    wire::core::{
        In, R, any_value, astring, lenient_string, nil, nstring, number64, osp, paren_list, sp,
        string_start,
    },
};

/// `* NAMESPACE personal other shared` (RFC 2342).
pub(super) fn namespace(i: In<'_>, max_depth: usize) -> R<'_, Data> {
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
    Ok((
        i,
        Data::Namespace {
            personal,
            other,
            shared,
        },
    ))
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
pub(super) fn id(i: In<'_>) -> R<'_, Data> {
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
    Ok((i, Data::Id(pairs)))
}

/// `* QUOTA root (resource usage limit …)` (RFC 9208).
pub(super) fn quota(i: In<'_>) -> R<'_, Data> {
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
        let (r, name) = crate::wire::core::atom(i)?;
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
    Ok((
        i,
        Data::Quota {
            root: Text::new(root),
            resources,
        },
    ))
}

/// `* QUOTAROOT mailbox *(SP root)` (RFC 9208).
pub(super) fn quotaroot(i: In<'_>) -> R<'_, Data> {
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
    Ok((
        i,
        Data::QuotaRoot {
            mailbox: mailbox_name(i, mailbox)?,
            roots,
        },
    ))
}

/// `* METADATA mailbox (entry value …)` or `* METADATA mailbox entry …` (RFC 5464).
pub(super) fn metadata(i: In<'_>) -> R<'_, Data> {
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
    Ok((
        i,
        Data::Metadata {
            mailbox: mailbox_name(i, mailbox)?,
            entries,
        },
    ))
}

fn string_value(i: In<'_>) -> R<'_, Option<Vec<u8>>> {
    crate::wire::core::string(i).map(|(r, v)| (r, Some(v)))
}
