//! How dates, sizes and addresses read in the UI. Pure functions over local timestamps
//! (Unix seconds already shifted into the user's time zone by `clock::local`).

use webimap_client::model::EmailAddress;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// A calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    /// 1 to 12.
    month: u32,
    /// 1 to 31.
    day: u32,
    hour: u32,
    minute: u32,
    /// 0 is Sunday.
    weekday: usize,
}

/// From a Unix timestamp (the engine's `civil_from_days`, also used for Date headers).
fn civil(ts: i64) -> Civil {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (year, month, day) = webimap_client::compose::civil_from_days(days);
    Civil {
        year,
        month: month as u32,
        day: day as u32,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        weekday: (days + 4).rem_euclid(7) as usize,
    }
}

fn month_name(c: &Civil) -> &'static str {
    MONTHS[(c.month as usize).saturating_sub(1) % 12]
}

/// For the message list: the time if `local_ts` is today, else the day and month
/// (`12 Mar`), with the year if it is not this year (`12 Mar 2025`).
pub(crate) fn short_date(local_ts: i64, local_now: i64) -> String {
    let (t, now) = (civil(local_ts), civil(local_now));
    if (t.year, t.month, t.day) == (now.year, now.month, now.day) {
        format!("{:02}:{:02}", t.hour, t.minute)
    } else if t.year == now.year {
        format!("{} {}", t.day, month_name(&t))
    } else {
        format!("{} {} {}", t.day, month_name(&t), t.year)
    }
}

/// For the message list, relative to now: `now`, `5 min ago`, the time today,
/// `Yesterday`, the weekday within the last week, else as [`short_date`].
pub(crate) fn relative_date(local_ts: i64, local_now: i64) -> String {
    let ago = local_now - local_ts;
    if (0..60).contains(&ago) {
        return "now".into();
    }
    if (60..3600).contains(&ago) {
        return format!("{} min ago", ago / 60);
    }
    let day = |ts: i64| ts.div_euclid(86_400);
    match day(local_now) - day(local_ts) {
        0 => short_date(local_ts, local_now),
        1 => "Yesterday".into(),
        2..=6 => WEEKDAYS[civil(local_ts).weekday].into(),
        _ => short_date(local_ts, local_now),
    }
}

/// For the open message: `Wed 12 Mar 2025, 14:05`.
pub(crate) fn long_date(local_ts: i64) -> String {
    let t = civil(local_ts);
    format!(
        "{} {} {} {}, {:02}:{:02}",
        WEEKDAYS[t.weekday],
        t.day,
        month_name(&t),
        t.year,
        t.hour,
        t.minute
    )
}

/// A machine-readable date for `<time datetime>` (UTC): `2025-03-12T14:05Z`.
pub(crate) fn iso_date(ts: i64) -> String {
    let t = civil(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

/// A byte count as people read it: `512 B`, `1.2 KB`, `3.4 MB`. Integer arithmetic
/// (rounding half to even, as `{:.1}` of the quotient would): formatting an `f64` would
/// bring core's float printing into the wasm.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut div: u64 = 1024;
    let mut unit = 0;
    while bytes / div >= 1024 && unit < UNITS.len() - 1 {
        div *= 1024;
        unit += 1;
    }
    // In tenths below 10 units, else in whole units.
    let scale: u128 = if bytes / div < 10 { 10 } else { 1 };
    let (q, r) = (
        u128::from(bytes) * scale / u128::from(div),
        u128::from(bytes) * scale % u128::from(div),
    );
    let n = q + u128::from(2 * r > u128::from(div) || (2 * r == u128::from(div) && q % 2 == 1));
    if scale == 10 {
        format!("{}.{} {}", n / 10, n % 10, UNITS[unit])
    } else {
        format!("{n} {}", UNITS[unit])
    }
}

/// Senders for the message list: display names (or addresses), comma separated.
pub(crate) fn names(addresses: &[EmailAddress]) -> String {
    addresses
        .iter()
        .map(EmailAddress::display)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Addresses for the open message: `Name <email>`, or the bare address.
pub(crate) fn full_addresses(addresses: &[EmailAddress]) -> String {
    addresses
        .iter()
        .map(
            |a| match a.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(name) => format!("{name} <{}>", a.email),
                None => a.email.clone(),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-03-12 14:05:00 UTC, a Wednesday.
    const T: i64 = 1_741_788_300;

    #[test]
    fn civil_dates() {
        assert_eq!(
            civil(0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                weekday: 4
            }
        );
        assert_eq!(
            civil(T),
            Civil {
                year: 2025,
                month: 3,
                day: 12,
                hour: 14,
                minute: 5,
                weekday: 3
            }
        );
        // A leap day, and a time before 1970.
        assert_eq!(
            (civil(1_709_164_800).month, civil(1_709_164_800).day),
            (2, 29)
        );
        assert_eq!(civil(-1).year, 1969);
        assert_eq!(civil(-1).hour, 23);
    }

    #[test]
    fn short_dates() {
        assert_eq!(short_date(T, T + 3600), "14:05");
        assert_eq!(short_date(T, T + 86_400), "12 Mar");
        assert_eq!(short_date(T, T + 365 * 86_400), "12 Mar 2025");
        // Yesterday late evening is not "today".
        assert_eq!(short_date(T - (14 * 3600 + 5 * 60) - 60, T), "11 Mar");
    }

    #[test]
    fn relative_dates() {
        assert_eq!(relative_date(T, T + 30), "now");
        assert_eq!(relative_date(T, T + 300), "5 min ago");
        assert_eq!(relative_date(T, T + 3 * 3600), "14:05");
        assert_eq!(relative_date(T, T + 86_400), "Yesterday");
        assert_eq!(relative_date(T, T + 3 * 86_400), "Wed");
        assert_eq!(relative_date(T, T + 30 * 86_400), "12 Mar");
        // A date in the future (a wrong clock) reads as a date.
        assert_eq!(relative_date(T + 3 * 86_400, T), "15 Mar");
    }

    #[test]
    fn long_and_iso_dates() {
        assert_eq!(long_date(T), "Wed 12 Mar 2025, 14:05");
        assert_eq!(iso_date(T), "2025-03-12T14:05Z");
    }

    #[test]
    fn sizes() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1024), "1.0 KB");
        assert_eq!(size(1536), "1.5 KB");
        assert_eq!(size(200 * 1024), "200 KB");
        assert_eq!(size(3 * 1024 * 1024 + 400_000), "3.4 MB");
        // The same as formatting the quotient as a float, at the edges too.
        for bytes in [
            10_239,
            10_240,
            10_752,
            11_264,
            1_048_575,
            1_048_576,
            1_153_434,
            5 << 40,
            u64::MAX,
        ] {
            let mut value = bytes as f64 / 1024.0;
            let mut unit = 0;
            while value >= 1024.0 && unit < 3 {
                value /= 1024.0;
                unit += 1;
            }
            let unit = ["KB", "MB", "GB", "TB"][unit];
            let float = if value < 10.0 {
                format!("{value:.1} {unit}")
            } else {
                format!("{value:.0} {unit}")
            };
            assert_eq!(size(bytes), float, "{bytes}");
        }
    }

    #[test]
    fn addresses() {
        let list = vec![
            EmailAddress {
                name: Some("Alice Example".into()),
                email: "alice@example.com".into(),
            },
            EmailAddress {
                name: None,
                email: "bob@example.com".into(),
            },
        ];
        assert_eq!(names(&list), "Alice Example, bob@example.com");
        assert_eq!(
            full_addresses(&list),
            "Alice Example <alice@example.com>, bob@example.com"
        );
    }
}
