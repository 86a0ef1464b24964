//! The current time and the user's time zone. Dates are formatted from local timestamps
//! ([`local`]), and the zone is an input ([`TimeZone`]): the browser's is read only here,
//! and tests choose theirs.

/// A time zone: its offset from UTC at an instant (it changes with daylight saving).
pub(crate) trait TimeZone {
    /// The offset at Unix time `ts`, in seconds east of UTC.
    fn offset_at(&self, ts: i64) -> i64;
}

/// A zone a fixed number of seconds east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct FixedOffset(pub(crate) i64);

impl TimeZone for FixedOffset {
    fn offset_at(&self, _ts: i64) -> i64 {
        self.0
    }
}

/// The browser's time zone.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BrowserZone;

#[cfg(target_arch = "wasm32")]
impl TimeZone for BrowserZone {
    fn offset_at(&self, ts: i64) -> i64 {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0));
        -(date.get_timezone_offset() as i64) * 60
    }
}

/// Now, as a Unix timestamp (seconds), from the browser.
#[cfg(target_arch = "wasm32")]
pub(crate) fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A time as a clock in `zone` shows it: `ts` shifted by the zone's offset then.
pub(crate) fn local(ts: i64, zone: &impl TimeZone) -> i64 {
    ts + zone.offset_at(ts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{long_date, relative_date};

    /// 2025-03-12 02:00 UTC.
    const MESSAGE: i64 = 1_741_744_800;
    /// 2025-03-12 10:00 UTC.
    const NOW: i64 = MESSAGE + 8 * 3600;

    #[test]
    fn dates_read_in_the_users_zone() {
        let utc = FixedOffset(0);
        assert_eq!(
            relative_date(local(MESSAGE, &utc), local(NOW, &utc)),
            "02:00"
        );
        // Five hours west, the message came in the evening before.
        let new_york = FixedOffset(-5 * 3600);
        assert_eq!(
            relative_date(local(MESSAGE, &new_york), local(NOW, &new_york)),
            "Yesterday"
        );
        assert_eq!(
            long_date(local(MESSAGE, &new_york)),
            "Tue 11 Mar 2025, 21:00"
        );
        // Half an hour matters too.
        let india = FixedOffset(5 * 3600 + 1800);
        assert_eq!(long_date(local(MESSAGE, &india)), "Wed 12 Mar 2025, 07:30");
    }
}
