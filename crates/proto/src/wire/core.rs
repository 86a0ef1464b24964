//! Lexical parsers shared by every response: spaces, numbers, atoms, strings, lists.
//!
//! They run on one complete, framed response (see `crate::frame`), so they use nom's
//! `complete` semantics: running out of input is an error, not "need more".
//! Tolerances (each names the servers that need it) are marked `QUIRK`.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take, take_while1},
    error::{Error, ErrorKind},
};

use std::borrow::Cow;

use crate::types::core::{Text, is_atom_char};

pub(crate) type In<'a> = &'a [u8];
pub(crate) type R<'a, T> = IResult<In<'a>, T>;

pub(crate) fn fail<T>(i: In<'_>) -> R<'_, T> {
    Err(nom::Err::Error(Error::new(i, ErrorKind::Verify)))
}

/// An error that stops alternatives from being tried (a limit was hit).
pub(crate) fn abort<T>(i: In<'_>) -> R<'_, T> {
    Err(nom::Err::Failure(Error::new(i, ErrorKind::TooLarge)))
}

/// One or more spaces. QUIRK: doubled spaces between tokens (several servers).
#[inline]
pub(crate) fn sp(i: In<'_>) -> R<'_, ()> {
    match i {
        [b' ', b, ..] if *b != b' ' => Ok((&i[1..], ())),
        [b' ', ..] => Ok((i.trim_ascii_start_spaces(), ())),
        _ => fail(i),
    }
}

trait TrimSpaces {
    fn trim_ascii_start_spaces(&self) -> &Self;
}

impl TrimSpaces for [u8] {
    #[inline]
    fn trim_ascii_start_spaces(&self) -> &[u8] {
        let n = self.iter().position(|&b| b != b' ').unwrap_or(self.len());
        &self[n..]
    }
}

/// Zero or more spaces. QUIRK: `* STATUS INBOX (MESSAGES 1) ` (Exchange), `(UID 19436 )` (qq.com).
#[inline]
pub(crate) fn osp(i: In<'_>) -> R<'_, ()> {
    match i.first() {
        Some(b' ') => Ok((i.trim_ascii_start_spaces(), ())),
        _ => Ok((i, ())),
    }
}

/// Line end. QUIRK: bare LF instead of CRLF; spaces before the line end (Exchange).
pub(crate) fn crlf(i: In<'_>) -> R<'_, ()> {
    let (i, ()) = osp(i)?;
    if let Some(rest) = i.strip_prefix(b"\r\n") {
        Ok((rest, ()))
    } else if let Some(rest) = i.strip_prefix(b"\n") {
        Ok((rest, ()))
    } else {
        fail(i)
    }
}

/// The rest of the line (without its line end), consuming the line end.
pub(crate) fn line_rest(i: In<'_>) -> R<'_, In<'_>> {
    match memchr::memchr(b'\n', i) {
        Some(n) => {
            let line = &i[..n];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            Ok((&i[n + 1..], line))
        }
        None => Ok((&i[i.len()..], i)),
    }
}

/// Leading decimal digits as a `u64`: `None` if there are none or the value overflows.
/// Up to 19 digits cannot overflow and are read without checks (a checked multiplication
/// per digit is a long dependency chain); longer runs take the checked way.
#[inline]
pub(crate) fn digits_value(i: In<'_>) -> Option<(usize, u64)> {
    let mut n: u64 = 0;
    let mut len = 0;
    while let Some(&b) = i.get(len) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if len == 19 {
            return digits_value_checked(i);
        }
        n = n.wrapping_mul(10).wrapping_add(u64::from(d));
        len += 1;
    }
    (len > 0).then_some((len, n))
}

#[cold]
fn digits_value_checked(i: In<'_>) -> Option<(usize, u64)> {
    let mut n: u64 = 0;
    let mut len = 0;
    for &b in i {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        len += 1;
    }
    (len > 0).then_some((len, n))
}

/// `number` (32-bit).
#[inline]
pub(crate) fn number(i: In<'_>) -> R<'_, u32> {
    match digits_value(i) {
        Some((len, n)) => match u32::try_from(n) {
            Ok(n) => Ok((&i[len..], n)),
            Err(_) => fail(i),
        },
        None => fail(i),
    }
}

/// `number64`.
#[inline]
pub(crate) fn number64(i: In<'_>) -> R<'_, u64> {
    match digits_value(i) {
        Some((len, n)) => Ok((&i[len..], n)),
        None => fail(i),
    }
}

/// `atom`.
pub(crate) fn atom(i: In<'_>) -> R<'_, In<'_>> {
    take_while1(is_atom_char).parse(i)
}

/// A word up to a space, `)`, `]` or the line end: names of capabilities, codes and FETCH
/// items. QUIRK: characters the grammar forbids in atoms (`\*`, `[`).
pub(crate) fn word(i: In<'_>) -> R<'_, In<'_>> {
    take_while1(|b| !matches!(b, b' ' | b'(' | b')' | b']' | b'\r' | b'\n')).parse(i)
}

/// The entry of `names` (upper case) that `name` equals ignoring ASCII case, else empty.
/// Unlike [`upper`] nothing is copied: the comparisons that follow read the constant.
#[inline]
pub(crate) fn known<'k>(name: &[u8], names: &[&'k [u8]]) -> &'k [u8] {
    names
        .iter()
        .copied()
        .find(|n| name.eq_ignore_ascii_case(n))
        .unwrap_or(&[])
}

/// Upper-cases a short name into `buf` without allocating (names longer than the buffer
/// come back empty, matching no known name).
pub(crate) fn upper<'b>(name: &[u8], buf: &'b mut [u8; 24]) -> &'b [u8] {
    if name.len() > buf.len() {
        return &[];
    }
    let out = &mut buf[..name.len()];
    out.copy_from_slice(name);
    out.make_ascii_uppercase();
    out
}

/// The `(` … `)` value of an OBJECTID (`(M6d99ac3275bb4e)`). QUIRK: a bare atom or a
/// string instead of the parenthesised form (an atom, not an astring: inside a response
/// code the `]` that closes it is not part of the id).
pub(crate) fn objectid(i: In<'_>) -> R<'_, Vec<u8>> {
    if let Some(r) = i.strip_prefix(b"(") {
        let (r, ()) = osp(r)?;
        let (r, id) = astring(r)?;
        let (r, ()) = osp(r)?;
        let (r, _) = tag(")").parse(r)?;
        Ok((r, id))
    } else if string_start(i) {
        string(i)
    } else {
        atom(i).map(|(r, id)| (r, id.to_vec()))
    }
}

/// `NIL` (case-insensitive), not followed by an atom character.
#[inline]
pub(crate) fn nil(i: In<'_>) -> R<'_, ()> {
    match i {
        [b'N' | b'n', b'I' | b'i', b'L' | b'l', rest @ ..] => match rest.first() {
            Some(&b) if is_atom_char(b) => fail(i),
            _ => Ok((rest, ())),
        },
        _ => fail(i),
    }
}

/// Text from a parsed string: borrowed bytes are copied once (inline when short), owned
/// ones (unescaped) are moved.
#[inline]
pub(crate) fn text(s: Cow<'_, [u8]>) -> Text {
    match s {
        Cow::Borrowed(b) => Text::from_slice(b),
        Cow::Owned(v) => Text::new(v),
    }
}

/// `quoted`, as owned bytes.
pub(crate) fn quoted(i: In<'_>) -> R<'_, Vec<u8>> {
    quoted_raw(i).map(|(r, s)| (r, s.into_owned()))
}

/// `quoted`. QUIRK: 8-bit bytes inside (raw UTF-8 or Latin-1 from many servers); a
/// backslash before any byte escapes it. Borrows the input unless there are escapes.
#[inline]
pub(crate) fn quoted_raw(i: In<'_>) -> R<'_, Cow<'_, [u8]>> {
    let Some(mut rest) = i.strip_prefix(b"\"") else {
        return fail(i);
    };
    // Fast path: no escapes, the bytes as they are.
    if let Some(n) = find_quote_end(rest)
        && rest[n] == b'"'
    {
        return Ok((&rest[n + 1..], Cow::Borrowed(&rest[..n])));
    }
    let mut out = Vec::new();
    loop {
        let Some(n) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
            return fail(i);
        };
        out.extend_from_slice(&rest[..n]);
        match rest[n] {
            b'"' => return Ok((&rest[n + 1..], Cow::Owned(out))),
            b'\\' if rest.len() > n + 1 && rest[n + 1] != b'\n' => {
                out.push(rest[n + 1]);
                rest = &rest[n + 2..];
            }
            _ => return fail(i),
        }
    }
}

/// The first `"`, `\` or line feed. Most strings are short: sixteen bytes in two
/// registers find their end sooner than a vectorised search would start, and that first
/// step is inlined where strings are read (the call cost as much as the step); longer
/// strings take [`find_quote_end_after`].
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(crate) fn find_quote_end(s: &[u8]) -> Option<usize> {
    match s.first_chunk::<16>() {
        Some(block) => quote_end_in(block).or_else(|| find_quote_end_after(s, 16)),
        None => find_quote_end_after(s, 0),
    }
}

/// The first `"`, `\` or line feed in sixteen bytes, as two independent words.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn quote_end_in(block: &[u8; 16]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A zero byte in `x ^ c` is a byte equal to `c`; the lowest flagged byte is exact.
    let hits = |x: u64| {
        let (q, b, n) = (x ^ (ONES * 0x22), x ^ (ONES * 0x5c), x ^ (ONES * 0x0a));
        ((q.wrapping_sub(ONES) & !q) | (b.wrapping_sub(ONES) & !b) | (n.wrapping_sub(ONES) & !n))
            & HIGH
    };
    let (lo, hi) = block.split_at(8);
    let (mut a, mut b) = ([0; 8], [0; 8]);
    a.copy_from_slice(lo);
    b.copy_from_slice(hi);
    let (ha, hb) = (hits(u64::from_le_bytes(a)), hits(u64::from_le_bytes(b)));
    // Which word holds the end is not predictable (strings of under eight bytes and longer
    // ones alternate): both words as one number, without a branch.
    (ha | hb != 0)
        .then(|| ((u128::from(ha) | (u128::from(hb) << 64)).trailing_zeros() / 8) as usize)
}

/// [`find_quote_end`] from `from` on (the bytes before it hold none of the three): two
/// more steps of sixteen, then a vectorised search; under sixteen bytes left, a word and
/// then byte by byte.
#[cfg_attr(not(target_arch = "wasm32"), inline(never))]
fn find_quote_end_after(s: &[u8], from: usize) -> Option<usize> {
    let tail = s.get(from..)?;
    let mut pairs = tail.chunks_exact(16);
    for (n, pair) in pairs.by_ref().take(2).enumerate() {
        if let Some(at) = pair.first_chunk::<16>().and_then(quote_end_in) {
            return Some(from + n * 16 + at);
        }
    }
    let scanned = from + tail.len() - pairs.len() * 16 - pairs.remainder().len();
    if scanned < 48 {
        // Fewer than sixteen bytes left: a word, then byte by byte.
        let mut at = scanned;
        if let Some(word) = s.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            let mut block = [0; 16];
            block[..8].copy_from_slice(word);
            if let Some(n) = quote_end_in(&block).filter(|&n| n < 8) {
                return Some(at + n);
            }
            at += 8;
        }
        return s
            .get(at..)?
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
            .map(|n| n + at);
    }
    memchr::memchr3(b'"', b'\\', b'\n', s.get(scanned..)?).map(|n| n + scanned)
}

/// `literal` / `literal8`: `{n}` (or `{n+}`, `~{n}`), a line end, then n bytes.
/// QUIRK: bare LF after the brace; a zero-length literal `{0}` (Dovecot).
pub(crate) fn literal(i: In<'_>) -> R<'_, In<'_>> {
    let (rest, n) = literal_head(i)?;
    take(n as usize).parse(rest)
}

/// A literal's announcement and line end: the input after them (its data) and its size.
pub(crate) fn literal_head(i: In<'_>) -> R<'_, u32> {
    let start = i.strip_prefix(b"~").unwrap_or(i);
    let (rest, _) = tag("{").parse(start)?;
    let (rest, n) = number(rest)?;
    let rest = rest.strip_prefix(b"+").unwrap_or(rest);
    let (rest, _) = tag("}").parse(rest)?;
    match rest.strip_prefix(b"\r\n") {
        Some(r) => Ok((r, n)),
        None => match rest.strip_prefix(b"\n") {
            Some(r) => Ok((r, n)),
            None => fail(i),
        },
    }
}

/// Whether a string (quoted, literal or literal8) starts here.
pub(crate) fn string_start(i: In<'_>) -> bool {
    matches!(i, [b'"' | b'{', ..] | [b'~', b'{', ..])
}

/// `string`: quoted or literal.
pub(crate) fn string(i: In<'_>) -> R<'_, Vec<u8>> {
    string_raw(i).map(|(r, s)| (r, s.into_owned()))
}

/// `string`: quoted or literal, borrowed unless a quoted string has escapes.
#[inline]
pub(crate) fn string_raw(i: In<'_>) -> R<'_, Cow<'_, [u8]>> {
    match i.first() {
        Some(b'"') => quoted_raw(i),
        Some(b'{' | b'~') => literal.map(Cow::Borrowed).parse(i),
        _ => fail(i),
    }
}

/// `nstring`: NIL or a string.
pub(crate) fn nstring(i: In<'_>) -> R<'_, Option<Vec<u8>>> {
    if string_start(i) {
        string.map(Some).parse(i)
    } else {
        nil.map(|()| None).parse(i)
    }
}

/// A string where the grammar wants one. QUIRK: NIL there (mail.ru, several others)
/// reads as empty; a bare atom reads as its text.
pub(crate) fn lenient_string(i: In<'_>) -> R<'_, Vec<u8>> {
    lenient_raw(i).map(|(r, s)| (r, s.into_owned()))
}

#[inline]
fn lenient_raw(i: In<'_>) -> R<'_, Cow<'_, [u8]>> {
    match string_start(i) {
        true => string_raw(i),
        false => {
            if let Ok((rest, ())) = nil(i) {
                return Ok((rest, Cow::Borrowed(&[])));
            }
            atom.map(Cow::Borrowed).parse(i)
        }
    }
}

/// `astring`: an atom (with `]`) or a string. QUIRK: 8-bit bytes in an atom (raw UTF-8
/// mailbox names unquoted in LIST, from Courier and servers with UTF8=ACCEPT enabled).
pub(crate) fn astring(i: In<'_>) -> R<'_, Vec<u8>> {
    match string_start(i) {
        true => string(i),
        false => take_while1(|b| is_atom_char(b) || b == b']' || b >= 0x80)
            .map(<[u8]>::to_vec)
            .parse(i),
    }
}

/// `"(" [item *(SP item)] ")"`. QUIRK: spaces after `(` and before `)`; an empty list
/// where members are required (several servers).
pub(crate) fn paren_list<'a, T>(
    i: In<'a>,
    mut item: impl FnMut(In<'a>) -> R<'a, T>,
) -> R<'a, Vec<T>> {
    let (mut i, _) = tag("(").parse(i)?;
    let mut out = Vec::new();
    loop {
        (i, ()) = osp(i)?;
        if let Some(rest) = i.strip_prefix(b")") {
            return Ok((rest, out));
        }
        let (rest, v) = item(i)?;
        out.push(v);
        i = rest;
        match i.first() {
            Some(b' ' | b')') => {}
            // QUIRK: no space between list members (addresses, body parts).
            Some(b'(') => {}
            _ => return fail(i),
        }
    }
}

/// Skips one value of any shape (number, atom, string, NIL, or a parenthesised list of
/// values), returning the bytes it spanned. Used to keep unknown items raw.
pub(crate) fn any_value(i: In<'_>, depth: usize, max_depth: usize) -> R<'_, In<'_>> {
    if depth > max_depth {
        return abort(i);
    }
    let start = i;
    let (rest, ()) = match i.first() {
        Some(b'(') => {
            let (rest, _) = paren_list(i, |x| any_value(x, depth + 1, max_depth))?;
            (rest, ())
        }
        Some(_) if string_start(i) => string.map(|_| ()).parse(i)?,
        Some(_) => take_while1(|b: u8| !matches!(b, b' ' | b'(' | b')' | b'\r' | b'\n' | b'"'))
            .map(|_| ())
            .parse(i)?,
        None => return fail(i),
    };
    Ok((rest, &start[..start.len() - rest.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(
            quoted(b"\"a\\\"b\\\\c\" x").unwrap(),
            (&b" x"[..], b"a\"b\\c".to_vec())
        );
        assert_eq!(quoted(b"\"caf\xc3\xa9\"").unwrap().1, "café".as_bytes());
        assert!(quoted(b"\"unterminated").is_err());
        // Every length and position of the end, across the word-at-a-time boundaries.
        for len in 0..120 {
            for end in [b'"', b'\\', b'\n'] {
                let mut s = vec![b'a'; len];
                s.push(end);
                s.extend_from_slice(b"\"x\\");
                assert_eq!(find_quote_end(&s), Some(len), "{len} {end}");
            }
            assert_eq!(find_quote_end(&vec![0xff; len]), None);
            // Near misses (one bit off an end byte) before the end.
            let near = [
                0x23u8, 0xa2, 0x20, 0x5d, 0xdc, 0x5e, 0x0b, 0x8a, 0x08, 0x01, 0x00,
            ];
            let mut s: Vec<u8> = (0..len).map(|n| near[n % near.len()]).collect();
            assert_eq!(find_quote_end(&s), None, "{len}");
            s.push(b'"');
            assert_eq!(find_quote_end(&s), Some(len), "{len}");
        }
        assert_eq!(literal(b"{3}\r\nabcd").unwrap(), (&b"d"[..], &b"abc"[..]));
        assert_eq!(literal(b"{0}\r\n)").unwrap(), (&b")"[..], &b""[..]));
        assert_eq!(literal(b"~{2}\nxyz").unwrap(), (&b"z"[..], &b"xy"[..]));
        assert!(literal(b"{5}\r\nab").is_err());
        assert_eq!(nstring(b"NIL)").unwrap(), (&b")"[..], None));
        assert_eq!(nstring(b"nil ").unwrap(), (&b" "[..], None));
        assert!(nstring(b"NILS").is_err());
        assert_eq!(astring(b"INBOX ").unwrap().1, b"INBOX");
        assert_eq!(lenient_string(b"NIL)").unwrap().1, b"");
    }

    #[test]
    fn numbers() {
        assert_eq!(number(b"42 ").unwrap(), (&b" "[..], 42));
        assert!(number(b"99999999999").is_err(), "over 32 bits");
        assert_eq!(number64(b"99999999999").unwrap().1, 99_999_999_999);
        for (input, want) in [
            (
                &b"9999999999999999999 "[..],
                Some((19, 9_999_999_999_999_999_999)),
            ),
            (b"18446744073709551615)", Some((20, u64::MAX))),
            (b"18446744073709551616", None),
            (b"00000000000000000000000042x", Some((26, 42))),
            (b"x", None),
            (b"", None),
            (b"7", Some((1, 7))),
        ] {
            assert_eq!(digits_value(input), want);
            assert_eq!(digits_value_checked(input), want);
        }
    }

    #[test]
    fn lists_tolerate_spacing() {
        let (_, v) = paren_list(b"( 1  2 3 )", number).unwrap();
        assert_eq!(v, [1, 2, 3]);
        let (_, v) = paren_list(b"()", number).unwrap();
        assert!(v.is_empty());
    }

    #[test]
    fn any_value_spans_nested_lists() {
        let input = b"(\\Inbox \"Travel\" (a (b {2}\r\nxy)) c) rest";
        let (rest, v) = any_value(input, 0, 10).unwrap();
        assert_eq!(rest, b" rest");
        assert_eq!(v.len(), input.len() - 5);
        assert!(any_value(b"((((((x))))))", 0, 3).is_err(), "depth limit");
    }

    #[test]
    fn line_ends() {
        assert!(crlf(b"  \r\n").is_ok());
        assert!(crlf(b"\n").is_ok());
        assert!(crlf(b"x\r\n").is_err());
    }
}
