//! The current time and the local time zone, from the browser (UTC natively).

/// Now, as a Unix timestamp (seconds).
#[cfg(target_arch = "wasm32")]
pub(crate) fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The local time zone's offset from UTC at instant `ts` (seconds east of UTC).
#[cfg(target_arch = "wasm32")]
pub(crate) fn utc_offset(ts: i64) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0));
    -(date.get_timezone_offset() as i64) * 60
}

/// Now, as a Unix timestamp (seconds).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The local time zone's offset from UTC at instant `ts` (seconds east of UTC).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn utc_offset(_ts: i64) -> i64 {
    0
}

/// A time as the user's clock shows it: `ts` shifted by the local offset.
pub(crate) fn local(ts: i64) -> i64 {
    ts + utc_offset(ts)
}
