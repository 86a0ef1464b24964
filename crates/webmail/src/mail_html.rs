//! HTML mail made safe to show: sanitised with DOMPurify (`www/vendor/dompurify`, loaded
//! by `index.html` as a same-origin script) under the rules of this module, then wrapped
//! in a document of its own for a sandboxed `<iframe srcdoc>` (no scripts, an opaque
//! origin) whose Content-Security-Policy lets nothing load but inline styles and `data:`
//! images, unless the user allowed remote content for that message.
//!
//! Three layers, each enough on its own against script: the sanitiser keeps only the tags
//! and attributes listed here (no script, no event handlers, no forms, no SVG or MathML)
//! and only http(s), mailto and tel links; the sandbox lacks `allow-scripts`; the CSP has
//! no `script-src`. Remote loads (tracking pixels, CSS `url()`, fonts) are stopped by the
//! CSP and, for images, by dropping their `src` as well. Without DOMPurify (the script
//! failed to load, or threw) the mail's HTML is shown as escaped source, never as markup.

use std::{borrow::Cow, cell::Cell, collections::BTreeMap};

/// The `sandbox` attribute of the iframe: links may open a new tab (outside the sandbox,
/// so the linked site works), nothing else. No `allow-scripts`, no `allow-same-origin`,
/// no forms, no top navigation.
pub(crate) const SANDBOX: &str = "allow-popups allow-popups-to-escape-sandbox";

/// A message's HTML, ready for `srcdoc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SafeHtml {
    /// The whole document for `srcdoc`.
    pub(crate) document: String,
    /// Whether the message refers to remote content that was blocked.
    pub(crate) blocked_remote: bool,
}

/// Sanitises `html` and wraps it for the iframe. `inline` maps Content-IDs (without angle
/// brackets) to `data:` URLs of parts already fetched; `allow_remote` lets http(s) images,
/// CSS and fonts load.
pub(crate) fn prepare(
    html: &str,
    inline: &BTreeMap<String, String>,
    allow_remote: bool,
) -> SafeHtml {
    let blocked = Cell::new(false);
    let Some(body) = sanitise(html, inline, allow_remote, &blocked) else {
        return SafeHtml {
            document: wrap(&unsanitised(html), false),
            blocked_remote: false,
        };
    };
    let blocked_remote = !allow_remote && (blocked.get() || stylesheet_loads(&body));
    SafeHtml {
        document: wrap(&body, allow_remote),
        blocked_remote,
    }
}

/// What is shown when the sanitiser is missing: the HTML as escaped text.
fn unsanitised(html: &str) -> String {
    let mut out = String::from(
        "<p><b>This message's HTML could not be made safe to show; its source follows.</b></p><pre>",
    );
    for c in html.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.push_str("</pre>");
    out
}

/// The Content-IDs that `html` shows as `cid:` images, among `ids`.
pub(crate) fn referenced_cids<'a>(
    html: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    ids.into_iter()
        .filter(|id| lower.contains(&format!("cid:{}", id.to_ascii_lowercase())))
        .map(str::to_string)
        .collect()
}

/// The policy inside the iframe.
fn csp(allow_remote: bool) -> &'static str {
    if allow_remote {
        "default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline' https: http:; \
         font-src data: https: http:; form-action 'none'; base-uri 'none'"
    } else {
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; \
         form-action 'none'; base-uri 'none'"
    }
}

fn wrap(body: &str, allow_remote: bool) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <base target=\"_blank\">\
         <style>html{{background:#fff;color:#1b1f24;color-scheme:light}}\
         body{{margin:0;padding:16px 20px;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;overflow-wrap:anywhere}}\
         img{{max-width:100%;height:auto}}table{{max-width:100%}}pre{{white-space:pre-wrap}}</style>\
         </head><body>{body}</body></html>",
        csp(allow_remote)
    )
}

/// DOMPurify's configuration: the tags and attributes that pass (those ammonia allowed by
/// default, plus `font`, `style`, `tfoot` and the presentational attributes of mail), and
/// the sanitiser's options. `href` and `src` are the only URL attributes: they go through
/// [`filter_attribute`] and then DOMPurify's own URL check (`ALLOWED_URI_REGEXP`, set in
/// [`sanitise`]); all others are plain values. No `data-*`, no `aria-*`, no comments.
/// `FORCE_BODY` keeps a `<style>` of the mail's `<head>` (which would otherwise go).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const CONFIG: &str = r#"{
"ALLOWED_TAGS":["a","abbr","acronym","area","article","aside","b","bdi","bdo","blockquote","br","caption","center","cite","code","col","colgroup","data","dd","del","details","dfn","div","dl","dt","em","figcaption","figure","font","footer","h1","h2","h3","h4","h5","h6","header","hgroup","hr","i","img","ins","kbd","li","map","mark","nav","ol","p","pre","q","rp","rt","rtc","ruby","s","samp","small","span","strike","strong","style","sub","summary","sup","table","tbody","td","tfoot","th","thead","time","tr","tt","u","ul","var","wbr"],
"ALLOWED_ATTR":["href","src","lang","title","hreflang","dir","align","char","charoff","span","datetime","size","width","height","alt","start","summary","colspan","rowspan","headers","scope","style","class","valign","bgcolor","border","cellpadding","cellspacing","color","face"],
"ADD_URI_SAFE_ATTR":["lang","hreflang","dir","align","char","charoff","span","datetime","size","width","height","start","colspan","rowspan","headers","scope","valign","bgcolor","border","cellpadding","cellspacing","color","face"],
"ALLOW_DATA_ATTR":false,"ALLOW_ARIA_ATTR":false,"FORCE_BODY":true}"#;

/// Sanitises `html` with DOMPurify: a fresh instance for each call, whose hooks apply
/// [`filter_attribute`] to every attribute, [`style_text`] to `<style>` elements and
/// `rel="noopener noreferrer"` to links. `None` if DOMPurify is missing or failed.
#[cfg(target_arch = "wasm32")]
fn sanitise(
    html: &str,
    inline: &BTreeMap<String, String>,
    allow_remote: bool,
    blocked: &Cell<bool>,
) -> Option<String> {
    use std::rc::Rc;

    use js_sys::{Function, JSON, Reflect, RegExp};
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};

    fn get(v: &JsValue, k: &str) -> Option<JsValue> {
        Reflect::get(v, &JsValue::from_str(k)).ok()
    }
    fn string(v: &JsValue, k: &str) -> Option<String> {
        get(v, k)?.as_string()
    }
    let create = get(&js_sys::global(), "DOMPurify")?
        .dyn_into::<Function>()
        .ok()?;
    let purify = create.call0(&JsValue::UNDEFINED).ok()?;
    if get(&purify, "isSupported")?.as_bool() != Some(true) {
        return None;
    }
    let config = JSON::parse(CONFIG).ok()?;
    let urls = RegExp::new("^(?:https?|mailto|tel):", "i");
    Reflect::set(&config, &"ALLOWED_URI_REGEXP".into(), &urls).ok()?;

    let flag = Rc::new(Cell::new(false));
    let attributes = {
        let inline = inline.clone();
        let flag = Rc::clone(&flag);
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |node: JsValue, data: JsValue| {
            let tag = string(&node, "nodeName")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let name = string(&data, "attrName").unwrap_or_default();
            let value = string(&data, "attrValue").unwrap_or_default();
            let keep = match filter_attribute(&tag, &name, &value, &inline, allow_remote, &flag) {
                Some(v) if v == value => true,
                Some(v) => {
                    Reflect::set(&data, &"attrValue".into(), &JsValue::from_str(&v)) == Ok(true)
                }
                None => false,
            };
            if !keep {
                let _ = Reflect::set(&data, &"keepAttr".into(), &JsValue::FALSE);
            }
        })
    };
    let elements =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |node: JsValue, data: JsValue| {
            if string(&data, "tagName").as_deref() == Some("style")
                && let Some(css) = string(&node, "textContent")
            {
                let _ = Reflect::set(
                    &node,
                    &"textContent".into(),
                    &JsValue::from_str(&style_text(&css)),
                );
            }
        });
    let links = Closure::<dyn FnMut(JsValue)>::new(move |node: JsValue| {
        if let Some(link) = node.dyn_ref::<web_sys::Element>()
            && matches!(link.local_name().as_str(), "a" | "area")
        {
            let _ = link.set_attribute("rel", "noopener noreferrer");
        }
    });
    let add_hook = get(&purify, "addHook")?.dyn_into::<Function>().ok()?;
    for (entry, hook) in [
        ("uponSanitizeAttribute", attributes.as_ref()),
        ("uponSanitizeElement", elements.as_ref()),
        ("afterSanitizeAttributes", links.as_ref()),
    ] {
        add_hook.call2(&purify, &entry.into(), hook).ok()?;
    }
    let sanitize = get(&purify, "sanitize")?.dyn_into::<Function>().ok()?;
    let clean = sanitize
        .call2(&purify, &html.into(), &config)
        .ok()?
        .as_string()?;
    blocked.set(flag.get());
    Some(clean)
}

/// Natively (unit tests) there is no DOMPurify: the escaped fallback is what shows.
#[cfg(not(target_arch = "wasm32"))]
fn sanitise(
    _html: &str,
    _inline: &BTreeMap<String, String>,
    _allow_remote: bool,
    _blocked: &Cell<bool>,
) -> Option<String> {
    None
}

/// The text of a `<style>` element without the `<!--` and `-->` that old mail wraps its
/// sheets in (CSS ignores both at the top level of a sheet). DOMPurify drops a `<style>`
/// whose text looks like markup, which these would.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn style_text(css: &str) -> String {
    css.replace("<!--", "").replace("-->", "")
}

/// The verdict on one attribute of a kept element: `None` drops it, `Some` keeps it with
/// that value. Sets `blocked` for remote content left out.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn filter_attribute<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    inline: &BTreeMap<String, String>,
    allow_remote: bool,
    blocked: &Cell<bool>,
) -> Option<Cow<'u, str>> {
    let scheme = scheme(value);
    match (element, attribute) {
        ("a" | "area", "href") => {
            matches!(scheme.as_deref(), Some("http" | "https" | "mailto" | "tel"))
                .then_some(Cow::Borrowed(value))
        }
        ("img", "src") => match scheme.as_deref() {
            Some("cid") => {
                let id = value.trim()[4..].trim_matches(['<', '>']);
                inline
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id))
                    .map(|(_, url)| Cow::Owned(url.clone()))
            }
            // Raster data only: an inline SVG image cannot run script, but there is no
            // reason to parse one either.
            Some("data") if is_raster_data_url(value) => Some(Cow::Borrowed(value)),
            Some("http" | "https") if allow_remote => Some(Cow::Borrowed(value)),
            Some("http" | "https") => {
                blocked.set(true);
                None
            }
            _ => None,
        },
        (_, "style") => {
            let lower = value.to_ascii_lowercase();
            // Old-IE script in CSS: harmless today, but never worth keeping.
            if lower.contains("javascript:") || lower.contains("expression(") {
                return None;
            }
            if !allow_remote && stylesheet_loads(value) {
                blocked.set(true);
            }
            Some(Cow::Borrowed(value))
        }
        // Every other URL-bearing attribute (cite, longdesc, usemap…) goes.
        (_, "cite" | "longdesc" | "usemap" | "src" | "href" | "background" | "poster") => None,
        _ => Some(Cow::Borrowed(value)),
    }
}

/// The scheme of a URL, lower case (`None` for a relative URL).
fn scheme(url: &str) -> Option<String> {
    let url = url.trim_start();
    let end = url.find(':')?;
    let scheme = &url[..end];
    (!scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

fn is_raster_data_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["png", "gif", "jpeg", "jpg", "webp", "bmp", "avif"]
        .iter()
        .any(|t| lower.starts_with(&format!("data:image/{t}")))
}

/// Whether CSS (a `style` attribute, or the `<style>` sheets of sanitised HTML) would load
/// something from elsewhere: any `url()` not of `data:`, any `@import`, `image-set()`, or
/// an escape (which can spell either).
fn stylesheet_loads(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("image-set") || lower.contains('\\') {
        return true;
    }
    lower.match_indices("url(").any(|(i, _)| {
        let rest = lower[i + 4..].trim_start_matches([' ', '\t', '\n', '\r', '"', '\'']);
        !(rest.starts_with("data:") || rest.starts_with(')'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // DOMPurify itself runs only in the browser: the browser suite (tests/e2e/app.test.mjs,
    // the hostile mails and the sanitiser's rules) checks the whole. Here: the rules that
    // the hooks apply, and the escaped fallback.

    fn keep(element: &str, attribute: &str, value: &str) -> Option<String> {
        filter_attribute(
            element,
            attribute,
            value,
            &BTreeMap::new(),
            false,
            &Cell::new(false),
        )
        .map(Cow::into_owned)
    }

    fn body(safe: &SafeHtml) -> &str {
        let start = safe.document.find("<body>").unwrap() + 6;
        let end = safe.document.rfind("</body>").unwrap();
        &safe.document[start..end]
    }

    #[test]
    fn without_the_sanitiser_html_shows_as_escaped_text() {
        let hostile = [
            "<script>parent.__xss=1</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<img src=\"https://tracker.test/p.gif\"> &amp; \"quotes\" 'too'",
        ];
        for html in hostile {
            let safe = prepare(html, &BTreeMap::new(), true);
            let out = body(&safe);
            let source = &out[out.find("<pre>").unwrap() + 5..out.rfind("</pre>").unwrap()];
            assert!(
                !source.contains(['<', '>', '"', '\'']),
                "{html:?} left markup in {out:?}"
            );
            assert!(!safe.blocked_remote);
            // Nothing remote may load either way.
            assert!(safe.document.contains("default-src 'none'; img-src data:;"));
        }
    }

    #[test]
    fn hostile_urls_and_attributes_go() {
        for (element, attribute, value) in [
            ("a", "href", "javascript:alert(1)"),
            ("a", "href", " JaVaScRiPt:alert(1)"),
            ("a", "href", "data:text/html,<script>alert(1)</script>"),
            ("a", "href", "vbscript:x"),
            ("area", "href", "javascript:alert(1)"),
            ("img", "src", "javascript:alert(1)"),
            ("img", "src", "data:image/svg+xml,<svg onload=alert(1)>"),
            ("img", "src", "data:text/html,<script>alert(1)</script>"),
            ("div", "style", "background:url(javascript:alert(1))"),
            ("div", "style", "width:expression(alert(1))"),
            ("blockquote", "cite", "http://evil.test/"),
            ("img", "longdesc", "http://evil.test/"),
            ("img", "usemap", "#m"),
            ("table", "background", "http://evil.test/bg.png"),
            ("div", "src", "http://evil.test/"),
            ("div", "href", "http://evil.test/"),
            ("video", "poster", "http://evil.test/p.png"),
        ] {
            assert_eq!(
                keep(element, attribute, value),
                None,
                "{element} {attribute}={value}"
            );
        }
        for (element, attribute, value) in [
            ("a", "href", "https://example.org/"),
            ("a", "href", "HTTP://example.org/"),
            ("a", "href", "mailto:ann@example.com"),
            ("a", "href", "tel:+123"),
            ("img", "src", "data:image/png;base64,AA=="),
            ("p", "style", "color:red"),
            ("td", "bgcolor", "#fff"),
            ("p", "class", "x"),
        ] {
            assert_eq!(keep(element, attribute, value).as_deref(), Some(value));
        }
    }

    #[test]
    fn the_document_has_a_strict_policy_and_opens_links_in_a_new_tab() {
        let doc = wrap("<p>x</p>", false);
        assert!(doc.contains("default-src 'none'; img-src data:;"));
        assert!(!doc.contains("script-src"));
        assert!(doc.contains("<base target=\"_blank\">"));
        assert!(doc.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
        assert!(wrap("", true).contains("img-src data: https: http:"));
        assert!(!SANDBOX.contains("allow-scripts") && !SANDBOX.contains("allow-same-origin"));
    }

    #[test]
    fn remote_images_and_css_are_blocked_until_allowed() {
        let inline = BTreeMap::new();
        let blocked = Cell::new(false);
        let src = "https://tracker.test/p.gif";
        assert_eq!(
            filter_attribute("img", "src", src, &inline, false, &blocked),
            None
        );
        assert!(blocked.get());
        let allowed = Cell::new(false);
        assert_eq!(
            filter_attribute("img", "src", src, &inline, true, &allowed).as_deref(),
            Some(src)
        );
        assert!(!allowed.get());

        let style = "background:url('https://x.test/a.png')";
        let blocked = Cell::new(false);
        assert!(filter_attribute("div", "style", style, &inline, false, &blocked).is_some());
        assert!(
            blocked.get(),
            "the style stays (the frame's CSP holds it) but is noted"
        );

        for css in [
            "<style>@import 'https://x.test/a.css';</style><p>x</p>",
            "<style>p{background:u\\72l(https://x.test/a.png)}</style><p>x</p>",
            "<style>p{background:image-set('a.png' 1x)}</style>",
            "<p style=\"background:url( https://x.test/a.png)\">x</p>",
        ] {
            assert!(stylesheet_loads(css), "{css}");
        }
        assert!(!stylesheet_loads(
            "<div style=\"color:red;background:url(data:image/png;base64,AA==)\">x</div>"
        ));
    }

    #[test]
    fn cid_images_become_data_urls() {
        let inline = BTreeMap::from([(
            "logo@x".to_string(),
            "data:image/png;base64,iVBOR".to_string(),
        )]);
        let blocked = Cell::new(false);
        let src = |value| filter_attribute("img", "src", value, &inline, false, &blocked);
        assert_eq!(
            src("cid:logo@x").as_deref(),
            Some("data:image/png;base64,iVBOR")
        );
        assert_eq!(
            src(" CID:<Logo@X>").as_deref(),
            Some("data:image/png;base64,iVBOR")
        );
        assert_eq!(src("cid:missing"), None);
        assert!(!blocked.get());
        assert_eq!(
            referenced_cids("<IMG SRC=\"CID:Logo@X\">", ["logo@x", "other"]),
            vec!["logo@x".to_string()]
        );
    }

    #[test]
    fn relative_urls_do_not_reach_the_app_origin() {
        for (element, attribute, value) in [
            ("img", "src", "/logout"),
            ("img", "src", "//evil.test/x"),
            ("img", "src", "relative.png"),
            ("a", "href", "/x"),
            ("a", "href", "#top"),
        ] {
            assert_eq!(
                keep(element, attribute, value),
                None,
                "{element} {attribute}={value}"
            );
        }
    }

    #[test]
    fn style_sheets_lose_their_comment_wrappers_only() {
        assert_eq!(style_text("<!--\np{color:red}\n-->"), "\np{color:red}\n");
        assert_eq!(style_text("p{color:red}"), "p{color:red}");
        // What still looks like markup stays, and DOMPurify then drops the sheet.
        assert!(style_text("<!--</style><img src=x onerror=alert(1)>-->").contains("</style"));
    }
}
