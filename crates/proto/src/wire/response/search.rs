//! Message lists: SEARCH and SORT results, ESEARCH (RFC 4731), THREAD trees (RFC 5256)
//! and VANISHED (RFC 7162).

use nom::{Parser, bytes::complete::tag};

use super::code::sequence_set;
use crate::{
    types::{
        core::Text,
        response::{Data, ESearch, ESearchItem, Thread},
    },
    wire::core::{
        In, R, any_value, digits_value, fail, lenient_string, number, number64, osp, paren_list,
        sp, upper, word,
    },
};

/// `*(SP nz-number) [SP "(" "MODSEQ" SP n ")"]` after `SEARCH` or `SORT`.
pub(super) fn search_ids(i: In<'_>) -> R<'_, (Vec<u32>, Option<u64>)> {
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

/// `* ESEARCH [SP "(" "TAG" SP tag-string ")"] [SP "UID"] *(SP search-return-data)`.
pub(super) fn esearch(i: In<'_>, max_depth: usize) -> R<'_, ESearch> {
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
pub(super) fn threads(i: In<'_>, max_depth: usize) -> R<'_, Vec<Thread>> {
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
        return crate::wire::core::abort(i);
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
pub(super) fn vanished(i: In<'_>) -> R<'_, Data> {
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
    Ok((i, Data::Vanished { earlier, uids }))
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
