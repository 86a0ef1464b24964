//! What writing mail keeps in this browser and asks of it: the identities (per account,
//! not secret), a local copy of each draft until the server has it, the clock, the UTC
//! offset and randomness for building a message, the guard against closing the tab with
//! unsaved changes, and reading picked or dropped files.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use webimap_client::compose::BuildInputs;

use super::browser::{storage, store_json, stored_json};
use crate::state::identity::Identity;

const IDENTITIES_KEY: &str = "webimap.identities.";
const UNSENT_KEY: &str = "webimap.unsent.";
/// The largest draft copied to this browser's storage (its quota is a few MB).
const MAX_LOCAL_COPY: usize = 1_500_000;

fn get(object: &JsValue, name: &str) -> Option<String> {
    Reflect::get(object, &name.into()).ok()?.as_string()
}

/// The identities remembered for `account` (`user` on `host:port`); none if never set.
pub(crate) fn load_identities(account: &str) -> Vec<Identity> {
    let Some(list) =
        stored_json(&format!("{IDENTITIES_KEY}{account}")).and_then(|v| v.dyn_into::<Array>().ok())
    else {
        return Vec::new();
    };
    list.iter()
        .filter(JsValue::is_object)
        .map(|o| Identity {
            name: get(&o, "name").unwrap_or_default(),
            address: get(&o, "address").unwrap_or_default(),
            signature: get(&o, "signature").unwrap_or_default(),
        })
        .collect()
}

/// Remembers the identities of `account`.
pub(crate) fn save_identities(account: &str, identities: &[Identity]) {
    let list = Array::new();
    for identity in identities {
        let o = Object::new();
        for (name, value) in [
            ("name", &identity.name),
            ("address", &identity.address),
            ("signature", &identity.signature),
        ] {
            let _ = Reflect::set(&o, &name.into(), &JsValue::from_str(value));
        }
        list.push(&o);
    }
    store_json(&format!("{IDENTITIES_KEY}{account}"), &list);
}

/// Keeps `message` (a draft's kept copy) in this browser under the compose's `key` until
/// the server has it; best effort (too big or storage full: not kept).
pub(crate) fn keep_local_copy(account: &str, key: &str, message: &[u8]) {
    if message.len() > MAX_LOCAL_COPY {
        return;
    }
    let o = Object::new();
    let _ = Reflect::set(&o, &"account".into(), &JsValue::from_str(account));
    let _ = Reflect::set(
        &o,
        &"message".into(),
        &JsValue::from_str(&STANDARD.encode(message)),
    );
    store_json(&format!("{UNSENT_KEY}{key}"), &o);
}

/// Forgets the local copy under `key` (the server has the draft, or it was sent).
pub(crate) fn drop_local_copy(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("{UNSENT_KEY}{key}"));
    }
}

/// The local copies of `account`'s drafts the server never got: (key, message bytes).
pub(crate) fn local_copies(account: &str) -> Vec<(String, Vec<u8>)> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let length = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..length)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(UNSENT_KEY))
        .collect();
    keys.into_iter()
        .filter_map(|k| {
            let o = stored_json(&k)?;
            (get(&o, "account")? == account).then_some(())?;
            let bytes = STANDARD.decode(get(&o, "message")?).ok()?;
            Some((k[UNSENT_KEY.len()..].to_string(), bytes))
        })
        .collect()
}

/// Milliseconds since the epoch.
pub(crate) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// `n` random bytes from the browser's CSPRNG (zeros if it is missing).
fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

/// A fresh key for a compose's local copy.
pub(crate) fn new_key() -> String {
    random::<8>().iter().map(|b| format!("{b:02x}")).collect()
}

/// The time, UTC offset and randomness a message is built with.
pub(crate) fn build_inputs() -> BuildInputs {
    let date = js_sys::Date::new_0();
    BuildInputs {
        unix_time: (date.get_time() / 1000.0) as i64,
        utc_offset_minutes: -(date.get_timezone_offset() as i32),
        random: random::<16>(),
    }
}

/// While alive, closing or reloading the tab asks first (the browser's own question).
#[derive(Debug)]
pub(crate) struct UnloadGuard {
    listener: Closure<dyn FnMut(web_sys::BeforeUnloadEvent)>,
}

impl UnloadGuard {
    /// Installs the guard.
    pub(crate) fn new() -> Option<Self> {
        let window = web_sys::window()?;
        let listener = Closure::<dyn FnMut(web_sys::BeforeUnloadEvent)>::new(
            |e: web_sys::BeforeUnloadEvent| {
                e.prevent_default();
                e.set_return_value("You have a message that is not saved yet.");
            },
        );
        window
            .add_event_listener_with_callback("beforeunload", listener.as_ref().unchecked_ref())
            .ok()?;
        Some(UnloadGuard { listener })
    }
}

impl Drop for UnloadGuard {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "beforeunload",
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

/// A file the user picked or dropped, read.
#[derive(Debug)]
pub(crate) struct ReadFile {
    /// Its name.
    pub(crate) name: String,
    /// Its type as the browser knows it (`application/octet-stream` otherwise).
    pub(crate) mime_type: String,
    /// Its bytes.
    pub(crate) data: Vec<u8>,
}

/// The files (from a picker or a drop), read one by one.
pub(crate) async fn read_files(files: Vec<web_sys::File>) -> Vec<ReadFile> {
    let mut out = Vec::new();
    for file in files {
        let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
            continue;
        };
        let mime_type = match file.type_() {
            t if t.contains('/') => t,
            _ => "application/octet-stream".to_string(),
        };
        out.push(ReadFile {
            name: file.name(),
            mime_type,
            data: js_sys::Uint8Array::new(&buffer).to_vec(),
        });
    }
    out
}
