//! The Date header (RFC 5322 §3.3) in the writer's local offset, from a Unix time and
//! an offset the caller gives (mail-builder writes only +0000).

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// RFC 5322 zones are `[+-]HHMM`; offsets beyond a day are clamped.
const MAX_OFFSET_MINUTES: i32 = 23 * 60 + 59;

/// `unix_seconds` as local time at `utc_offset_minutes` east of UTC, e.g.
/// `Fri, 04 Dec 2026 19:10:04 +0100`.
pub fn rfc5322_date(unix_seconds: i64, utc_offset_minutes: i32) -> String {
    let offset = utc_offset_minutes.clamp(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES);
    let local = unix_seconds.saturating_add(i64::from(offset) * 60);
    let days = local.div_euclid(86_400);
    let seconds = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = DAYS[usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
    let month_name = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    format!(
        "{weekday}, {day:02} {month_name} {year:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60,
        offset / 60,
        offset % 60,
    )
}

/// (year, month 1-12, day 1-31) of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_writers_offset() {
        // 2026-12-04 18:10:04 UTC.
        let t = 1_796_407_804;
        let cases = [
            (0, "Fri, 04 Dec 2026 18:10:04 +0000"),
            (60, "Fri, 04 Dec 2026 19:10:04 +0100"),
            (-300, "Fri, 04 Dec 2026 13:10:04 -0500"),
            (330, "Fri, 04 Dec 2026 23:40:04 +0530"),
            (-570, "Fri, 04 Dec 2026 08:40:04 -0930"),
            (345, "Fri, 04 Dec 2026 23:55:04 +0545"),
            (14 * 60, "Sat, 05 Dec 2026 08:10:04 +1400"),
            (-12 * 60, "Fri, 04 Dec 2026 06:10:04 -1200"),
        ];
        for (offset, expected) in cases {
            assert_eq!(rfc5322_date(t, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn rollovers_of_day_month_and_year() {
        // 2026-12-31 23:30:00 UTC: a year later east of UTC.
        assert_eq!(
            rfc5322_date(1_798_759_800, 60),
            "Fri, 01 Jan 2027 00:30:00 +0100"
        );
        // 2027-01-01 00:30:00 UTC: a year earlier west of UTC.
        assert_eq!(
            rfc5322_date(1_798_763_400, -60),
            "Thu, 31 Dec 2026 23:30:00 -0100"
        );
        // 2028-02-28 23:00:00 UTC + 1:30: leap day.
        assert_eq!(
            rfc5322_date(1_835_391_600, 90),
            "Tue, 29 Feb 2028 00:30:00 +0130"
        );
        // 2027-03-01 00:10:00 UTC - 0:30: not a leap year.
        assert_eq!(
            rfc5322_date(1_803_859_800, -30),
            "Sun, 28 Feb 2027 23:40:00 -0030"
        );
        // Month end: 2026-04-30 22:00:00 UTC + 3:00.
        assert_eq!(
            rfc5322_date(1_777_586_400, 180),
            "Fri, 01 May 2026 01:00:00 +0300"
        );
    }

    #[test]
    fn epoch_before_it_and_absurd_offsets() {
        assert_eq!(rfc5322_date(0, 0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc5322_date(-1, 0), "Wed, 31 Dec 1969 23:59:59 +0000");
        assert_eq!(rfc5322_date(0, 100_000), "Thu, 01 Jan 1970 23:59:00 +2359");
        // No overflow at the extremes.
        assert!(rfc5322_date(i64::MAX, i32::MAX).ends_with("+2359"));
    }
}
