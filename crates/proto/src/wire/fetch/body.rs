//! ENVELOPE and BODY/BODYSTRUCTURE: [`envelope`] and [`body`] for the nom parsers, and
//! below them the grammars written against a cursor: each function advances `i` past what
//! it read, or stops (leaving `i` where it stopped). The `…_to` functions write their value
//! where it ends up (a field of a structure already in its `Vec` or `Box`), so nothing is
//! copied after it is built; this also avoids nom's `(rest, value)` tuples. The grammar and
//! its tolerances are those of the rest of the parser (`crate::wire::core`). The small
//! helpers are always inlined natively (speed), and left to the optimiser on wasm32, where
//! the crate is built for size.

use crate::{
    types::{
        core::{Text, is_atom_char},
        fetch::{
            Address, BodyExtension, BodyFields, BodyStructure, Disposition, Envelope,
            SinglePartKind,
        },
    },
    wire::core::{
        In, R, abort, any_value, digits_value, fail, find_quote_end, literal, quoted_raw,
        string_start, text,
    },
};

/// `envelope`.
pub(crate) fn envelope(i: In<'_>) -> R<'_, Box<Envelope>> {
    let mut c = i;
    match boxed_envelope(&mut c) {
        Ok(e) => Ok((c, e)),
        Err(stop) => stop.into_nom(c),
    }
}

/// `body`: BODYSTRUCTURE or BODY, to `max_depth` levels of nesting.
pub(crate) fn body(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, BodyStructure> {
    let mut c = i;
    let mut out = placeholder();
    match body_to(&mut c, depth, max_depth, &mut out) {
        Ok(()) => Ok((c, out)),
        Err(stop) => stop.into_nom(c),
    }
}

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
            Stop::Error => fail(at),
            Stop::TooDeep => abort(at),
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

/// `"(" [item *(SP item)] ")"`, as `crate::wire::core::paren_list`, into an empty
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

fn boxed_envelope(i: &mut In<'_>) -> P<Box<Envelope>> {
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

fn multipart_to(i: &mut In<'_>, depth: usize, max_depth: usize, out: &mut BodyStructure) -> P<()> {
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
            let envelope = boxed_envelope(i)?;
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
                    assert_eq!(nil(&mut cursor), is_nil);
                    assert_eq!(cursor.len(), if is_nil { 0 } else { 3 });
                    for next in 0..=255u8 {
                        let s = [a, b, c, next, b' '];
                        let mut cursor: In<'_> = &s;
                        let expected = is_nil && !is_atom_char(next);
                        assert_eq!(nil(&mut cursor), expected, "{s:?}");
                        assert_eq!(cursor.len(), if expected { 2 } else { 5 });
                    }
                }
            }
        }
    }
}
