//! The browser around the app: the page's address (for the default relay URL) and
//! localStorage (for the remembered, non-secret settings).

use crate::state::settings::Settings;

/// The localStorage key of the remembered settings.
const SETTINGS_KEY: &str = "webimap.settings";

/// The relay on the app's own origin: `ws(s)://<host>/relay`.
pub(crate) fn default_relay_url() -> String {
    if !cfg!(target_arch = "wasm32") {
        return relay_url_for("http:", "localhost");
    }
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

/// The relay URL for a page served with `protocol` (`https:`) from `host`.
fn relay_url_for(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/relay")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The remembered settings, or defaults.
pub(crate) fn load_settings() -> Settings {
    if !cfg!(target_arch = "wasm32") {
        return Settings::default();
    }
    storage()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok()?)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Remembers the settings (never the password: [`Settings`] has none).
pub(crate) fn save_settings(settings: &Settings) {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(settings)) {
        // Storage may be full or disabled (private mode): remembering is best effort.
        let _ = storage.set_item(SETTINGS_KEY, &json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_follows_the_page_scheme() {
        assert_eq!(
            relay_url_for("https:", "mail.example.org"),
            "wss://mail.example.org/relay"
        );
        assert_eq!(
            relay_url_for("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/relay"
        );
    }
}
