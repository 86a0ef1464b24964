//! HTML that enters the rich-text editor (pasted, or quoted from a message replied to) is
//! sanitised with the vendored DOMPurify down to what the editor's toolbar makes: text
//! formatting, paragraphs, lists, quotes and http(s)/mailto links. The editor is part of
//! the app's own page, so nothing else may reach it. Without DOMPurify, HTML is turned
//! into escaped text instead.

/// DOMPurify's configuration for the editor.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const CONFIG: &str = r#"{
"ALLOWED_TAGS":["a","b","blockquote","br","code","div","em","h1","h2","h3","i","li","ol","p","pre","s","span","strong","u","ul"],
"ALLOWED_ATTR":["href"],
"ALLOW_DATA_ATTR":false,"ALLOW_ARIA_ATTR":false}"#;

/// `html` sanitised for the editor, or `None` without DOMPurify.
#[cfg(target_arch = "wasm32")]
pub(crate) fn sanitise(html: &str) -> Option<String> {
    use js_sys::{Function, JSON, Reflect, RegExp};
    use wasm_bindgen::{JsCast, JsValue};

    let get = |v: &JsValue, k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let create = get(&js_sys::global(), "DOMPurify")?
        .dyn_into::<Function>()
        .ok()?;
    let purify = create.call0(&JsValue::UNDEFINED).ok()?;
    if get(&purify, "isSupported")?.as_bool() != Some(true) {
        return None;
    }
    let config = JSON::parse(CONFIG).ok()?;
    let urls = RegExp::new("^(?:https?|mailto):", "i");
    Reflect::set(&config, &"ALLOWED_URI_REGEXP".into(), &urls).ok()?;
    let sanitize = get(&purify, "sanitize")?.dyn_into::<Function>().ok()?;
    sanitize
        .call2(&purify, &html.into(), &config)
        .ok()?
        .as_string()
}

/// Natively (unit tests) there is no DOMPurify.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn sanitise(_html: &str) -> Option<String> {
    None
}

/// Plain text as editor HTML: escaped, lines as `<br>`.
pub(crate) fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// HTML for the editor: sanitised, else shown as its escaped text.
pub(crate) fn for_editor(html: &str) -> String {
    sanitise(html).unwrap_or_else(|| text_to_html(html))
}

/// Whether `url` may become a link in the editor (http, https, mailto).
pub(crate) fn linkable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_without_a_sanitiser_html_is_text() {
        assert_eq!(
            text_to_html("a<b>\n&\"c\""),
            "a&lt;b&gt;<br>&amp;&quot;c&quot;"
        );
        assert_eq!(
            for_editor("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
    }

    #[test]
    fn only_web_and_mail_links() {
        assert!(linkable("https://example.com"));
        assert!(linkable(" MAILTO:a@b.test"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable("https://"));
        assert!(!linkable("data:text/html,x"));
    }
}
