//! `date-time` (INTERNALDATE, SAVEDATE): `17-Jul-1996 02:44:25 -0700`, read directly in
//! the usual form and leniently otherwise.

use crate::types::fetch::DateTime;

/// `date-time` contents: `17-Jul-1996 02:44:25 -0700` (day may be space-padded).
pub(crate) fn parse_date_time(s: &[u8]) -> Option<DateTime> {
    // The usual form is read directly; anything else (or anything it rejects) takes the
    // general way.
    parse_date_time_usual(s).or_else(|| parse_date_time_general(s))
}

/// `dd-Mon-yyyy hh:mm:ss ±zzzz` exactly (day zero- or space-padded).
fn parse_date_time_usual(s: &[u8]) -> Option<DateTime> {
    match s {
        [
            d1,
            d2,
            b'-',
            m1,
            m2,
            m3,
            b'-',
            y1,
            y2,
            y3,
            y4,
            b' ',
            h1,
            h2,
            b':',
            n1,
            n2,
            b':',
            s1,
            s2,
            b' ',
            sign @ (b'+' | b'-'),
            z1,
            z2,
            z3,
            z4,
        ] => {
            let digit = |b: u8| b.is_ascii_digit().then(|| b - b'0');
            let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
            let day = if *d1 == b' ' {
                digit(*d2)?
            } else {
                two(*d1, *d2)?
            };
            let month = month_number_bytes([*m1, *m2, *m3])?;
            let year = [*y1, *y2, *y3, *y4]
                .iter()
                .try_fold(0u16, |y, &b| Some(y * 10 + u16::from(digit(b)?)))?;
            let (hour, minute, second) = (two(*h1, *h2)?, two(*n1, *n2)?, two(*s1, *s2)?);
            let (hh, mm) = (i16::from(two(*z1, *z2)?), i16::from(two(*z3, *z4)?));
            let sign = if *sign == b'+' { 1 } else { -1 };
            checked_date_time(
                (year, month, day),
                (hour, minute, second),
                sign * (hh * 60 + mm),
                mm,
            )
        }
        _ => None,
    }
}

fn month_number_bytes(name: [u8; 3]) -> Option<u8> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = name.map(|b| b.to_ascii_lowercase());
    MONTHS
        .iter()
        .position(|m| **m == lower)
        .and_then(|p| u8::try_from(p + 1).ok())
}

fn parse_date_time_general(s: &[u8]) -> Option<DateTime> {
    let s = std::str::from_utf8(s).ok()?.trim();
    let (date, rest) = s.split_once(' ')?;
    let (time, zone) = rest.trim_start().split_once(' ')?;
    let mut d = date.split('-');
    let day: u8 = d.next()?.trim().parse().ok()?;
    let month = month_number(d.next()?)?;
    let year: u16 = d.next()?.parse().ok()?;
    let mut t = time.split(':');
    let hour: u8 = t.next()?.parse().ok()?;
    let minute: u8 = t.next()?.parse().ok()?;
    let second: u8 = t.next()?.parse().ok()?;
    let zone = zone.trim();
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1i16, &zone[1..]),
        b'-' => (-1i16, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hh: i16 = digits[..2].parse().ok()?;
    let mm: i16 = digits[2..].parse().ok()?;
    checked_date_time(
        (year, month, day),
        (hour, minute, second),
        sign * (hh * 60 + mm),
        mm,
    )
}

/// A date-time from its parts, if they are in range (`zone_minutes`: the zone's minutes
/// field, under 60; a leap second is allowed).
fn checked_date_time(
    date: (u16, u8, u8),
    time: (u8, u8, u8),
    offset_minutes: i16,
    zone_minutes: i16,
) -> Option<DateTime> {
    if zone_minutes >= 60 {
        return None;
    }
    DateTime::new(date, time, offset_minutes).ok()
}

fn month_number(name: &str) -> Option<u8> {
    month_number_bytes(name.as_bytes().try_into().ok()?)
}
