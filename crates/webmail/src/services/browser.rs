//! The browser around the app: the page's address (for the default relay URL),
//! localStorage (for the remembered, non-secret settings and preferences), the page's
//! theme, the keyboard focus, downloads, and waiting for a paint.

use std::rc::Rc;

use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::state::{
    prefs::{FOLDERS_WIDTH, LIST_WIDTH, Prefs, Theme},
    settings::{Settings, relay_url_for},
};

/// The localStorage key of the remembered settings.
const SETTINGS_KEY: &str = "webimap.settings";

/// The relay on the app's own origin: `ws(s)://<host>/relay`.
pub(crate) fn default_relay_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let protocol = location
        .as_ref()
        .and_then(|l| l.protocol().ok())
        .unwrap_or_default();
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "localhost".into());
    relay_url_for(&protocol, &host)
}

pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The remembered settings, or defaults.
pub(crate) fn load_settings() -> Settings {
    let Some(stored) = stored_json(SETTINGS_KEY).filter(JsValue::is_object) else {
        return Settings::default();
    };
    Settings::from_fields(|name| Reflect::get(&stored, &name.into()).ok()?.as_string())
}

/// Remembers the settings (never the password: [`Settings`] has none).
pub(crate) fn save_settings(settings: &Settings) {
    let object = Object::new();
    for (name, value) in settings.fields() {
        let value = value.map_or(JsValue::NULL, JsValue::from_str);
        let _ = Reflect::set(&object, &name.into(), &value);
    }
    // Storage may be full or disabled (private mode): remembering is best effort.
    store_json(SETTINGS_KEY, &object);
}

/// The JSON value stored under `key` (parsed by the browser: the wasm carries no JSON
/// parser of its own).
pub(crate) fn stored_json(key: &str) -> Option<JsValue> {
    let text = storage()?.get_item(key).ok()??;
    JSON::parse(&text).ok()
}

/// Stores `value` as JSON under `key`, best effort.
pub(crate) fn store_json(key: &str, value: &JsValue) {
    if let (Some(storage), Ok(json)) = (storage(), JSON::stringify(value)) {
        let _ = storage.set_item(key, &String::from(json));
    }
}

const THEME_KEY: &str = "webimap.theme";
const LAYOUT_KEY: &str = "webimap.layout";

/// The remembered preferences (defaults for what was never chosen).
pub(crate) fn load_prefs() -> Prefs {
    let defaults = Prefs::default();
    Prefs {
        theme: load_theme(),
        widths: load_layout().unwrap_or(defaults.widths),
        mark_read_on_open: load_mark_read_on_open(),
        trusted_senders: Rc::new(load_trusted_senders()),
        undo_send_seconds: load_undo_send().unwrap_or(defaults.undo_send_seconds),
    }
}

const UNDO_SEND_KEY: &str = "webimap.undoSendSeconds";

/// The undo delay for sending, if the user chose one offered.
fn load_undo_send() -> Option<u32> {
    let value = storage()?.get_item(UNDO_SEND_KEY).ok()??;
    value
        .parse()
        .ok()
        .filter(|s| crate::state::prefs::UNDO_SEND_CHOICES.contains(s))
}

/// Remembers the undo delay for sending.
pub(crate) fn save_undo_send(seconds: u32) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(UNDO_SEND_KEY, &seconds.to_string());
    }
}

/// The remembered theme, if the user chose one.
fn load_theme() -> Option<Theme> {
    storage()
        .and_then(|s| s.get_item(THEME_KEY).ok()?)
        .and_then(|t| Theme::from_value(&t))
}

/// Remembers the chosen theme.
pub(crate) fn save_theme(theme: Theme) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(THEME_KEY, theme.value());
    }
}

/// Shows `theme` (`data-theme` on `<html>`), or follows the system when `None`.
pub(crate) fn apply_theme(theme: Option<Theme>) {
    let Some(root) = document().and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match theme {
        Some(theme) => root.set_attribute("data-theme", theme.value()),
        None => root.remove_attribute("data-theme"),
    };
}

/// Whether the system asks for a dark theme.
pub(crate) fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok()?)
        .is_some_and(|m| m.matches())
}

/// The remembered widths of the folder and list panes (CSS pixels), within bounds.
fn load_layout() -> Option<(u32, u32)> {
    let widths = stored_json(LAYOUT_KEY)?.dyn_into::<Array>().ok()?;
    let width = |i| {
        let w = widths.get(i).as_f64()?;
        // Whole, non-negative pixel counts only (as stored).
        (w.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&w)).then_some(w as u32)
    };
    let (folders, list) = (width(0)?, width(1)?);
    (widths.length() == 2).then_some((
        folders.clamp(FOLDERS_WIDTH.0, FOLDERS_WIDTH.2),
        list.clamp(LIST_WIDTH.0, LIST_WIDTH.2),
    ))
}

/// Remembers the pane widths.
pub(crate) fn save_layout(widths: (u32, u32)) {
    let list = Array::of2(&widths.0.into(), &widths.1.into());
    store_json(LAYOUT_KEY, &list);
}

const MARK_READ_KEY: &str = "webimap.markReadOnOpen";
/// Where the senders trusted with remote content are remembered.
const TRUSTED_SENDERS_KEY: &str = "webimap.trusted-senders";

/// Whether opening a message marks it read (the default) or the user turned that off.
fn load_mark_read_on_open() -> bool {
    storage()
        .and_then(|s| s.get_item(MARK_READ_KEY).ok()?)
        .is_none_or(|v| v != "false")
}

/// Remembers whether opening a message marks it read.
pub(crate) fn save_mark_read_on_open(on: bool) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(MARK_READ_KEY, if on { "true" } else { "false" });
    }
}

/// The senders whose mail may load remote content (addresses, lower case).
fn load_trusted_senders() -> std::collections::BTreeSet<String> {
    stored_json(TRUSTED_SENDERS_KEY)
        .and_then(|v| v.dyn_into::<Array>().ok())
        .map(|senders| senders.iter().filter_map(|s| s.as_string()).collect())
        .unwrap_or_default()
}

/// Remembers the senders whose mail may load remote content.
pub(crate) fn save_trusted_senders(senders: &std::collections::BTreeSet<String>) {
    let list: Array = senders.iter().map(|s| JsValue::from_str(s)).collect();
    store_json(TRUSTED_SENDERS_KEY, &list);
}

pub(crate) fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Resolves once the browser has had the chance to paint what is rendered now (the next
/// animation frame, then one more task), so heavy work that follows does not hold the
/// paint back; after 100 ms at the latest (hidden tabs get no animation frames).
pub(crate) async fn painted() {
    use futures::FutureExt;
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else {
        return;
    };
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let frame = Closure::once(move || {
        let _ = tx.send(());
    });
    if window
        .request_animation_frame(frame.as_ref().unchecked_ref())
        .is_ok()
    {
        let late = yew::platform::time::sleep(std::time::Duration::from_millis(100));
        futures::future::select(rx, Box::pin(late))
            .map(|_| ())
            .await;
    }
    drop(frame);
    yew::platform::time::sleep(std::time::Duration::ZERO).await;
}

/// Moves the keyboard focus to the element with `id`, if it exists.
pub(crate) fn focus(id: &str) {
    if let Some(element) = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Saves `data` as a file named `filename`: a `blob:` URL of type `mime_type` behind an
/// `<a download>` that is clicked, so the browser downloads it instead of showing it.
pub(crate) fn download(data: &[u8], mime_type: &str, filename: &str) -> Result<(), String> {
    let document = document().ok_or("no document")?;
    let bytes = js_sys::Uint8Array::from(data);
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the file could not be built")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the file could not be built")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into()
        .map_err(|_| "no link")?;
    link.set_href(&url);
    link.set_download(filename);
    link.set_rel("noopener");
    link.click();
    // Revoke once the download has started.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// What has the keyboard focus, as far as shortcuts care.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Focused {
    /// Its tag name, lower case (`input`, `button`, …; empty without one).
    pub(crate) tag: String,
    /// Whether it is `contenteditable`.
    pub(crate) editable: bool,
    /// Its `id`.
    pub(crate) id: String,
}

/// The element with the keyboard focus.
pub(crate) fn focused() -> Focused {
    let Some(active) = document().and_then(|d| d.active_element()) else {
        return Focused::default();
    };
    Focused {
        tag: active.tag_name().to_ascii_lowercase(),
        editable: active.has_attribute("contenteditable"),
        id: active.id(),
    }
}
