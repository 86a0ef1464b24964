//! Parsers for `* n FETCH (…)`: the item list and the literals held apart for it (here),
//! one item's name and value ([`items`]), ENVELOPE and BODYSTRUCTURE on a hand-written
//! cursor ([`body`]), section specifiers ([`section`]) and date-times ([`datetime`]).

mod body;
mod datetime;
mod items;
mod section;

use nom::{Parser, bytes::complete::tag};

pub(crate) use self::items::flag_list;
use self::items::{item_name, typed_item_to};
use crate::{
    types::{core::Text, fetch::FetchItem},
    wire::core::{In, R, any_value, crlf, fail, literal_head, osp, sp},
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
