//! HTML mail made safe to show: sanitised with ammonia, then wrapped in a document of its
//! own for a sandboxed `<iframe srcdoc>` (no scripts, an opaque origin) whose
//! Content-Security-Policy lets nothing load but inline styles and `data:` images, unless
//! the user allowed remote content for that message.
//!
//! Three layers, each enough on its own against script: the sanitiser drops script,
//! event handlers, forms, SVG, MathML and every URL scheme but http(s), mailto and tel;
//! the sandbox lacks `allow-scripts`; the CSP has no `script-src`. Remote loads (tracking
//! pixels, CSS `url()`, fonts) are stopped by the CSP and, for images, by dropping their
//! `src` as well.

use std::{
    borrow::Cow,
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

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
    let blocked = Arc::new(AtomicBool::new(false));
    let body = sanitise(html, inline, allow_remote, &blocked);
    let blocked_remote =
        !allow_remote && (blocked.load(Ordering::Relaxed) || stylesheet_loads(&body));
    SafeHtml {
        document: wrap(&body, allow_remote),
        blocked_remote,
    }
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

/// What ammonia lets through, on top of its defaults (which already drop script, iframes,
/// objects, forms, SVG and MathML, comments, and every `on*` attribute).
fn sanitise(
    html: &str,
    inline: &BTreeMap<String, String>,
    allow_remote: bool,
    blocked: &Arc<AtomicBool>,
) -> String {
    let inline = inline.clone();
    let flag = Arc::clone(blocked);
    ammonia::Builder::default()
        .add_tags(["font", "style", "tfoot"])
        .rm_clean_content_tags(["style"])
        .add_generic_attributes([
            "style",
            "class",
            "align",
            "valign",
            "bgcolor",
            "width",
            "height",
            "dir",
            "border",
            "cellpadding",
            "cellspacing",
            "color",
            "face",
            "size",
        ])
        .add_url_schemes(["cid", "data"])
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(element, attribute, value, &inline, allow_remote, &flag)
        })
        .clean(html)
        .to_string()
}

fn filter_attribute<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    inline: &BTreeMap<String, String>,
    allow_remote: bool,
    blocked: &AtomicBool,
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
                blocked.store(true, Ordering::Relaxed);
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
                blocked.store(true, Ordering::Relaxed);
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

    fn clean(html: &str) -> SafeHtml {
        prepare(html, &BTreeMap::new(), false)
    }

    fn body(safe: &SafeHtml) -> &str {
        let start = safe.document.find("<body>").unwrap() + 6;
        let end = safe.document.rfind("</body>").unwrap();
        &safe.document[start..end]
    }

    #[test]
    fn scripts_handlers_and_hostile_urls_go() {
        let hostile = [
            "<script>parent.__xss=1</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<svg><use href=\"data:image/svg+xml,<svg id=x onload=alert(1)>\"/></svg>",
            "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
            "<form action=\"http://evil.test/\"><input name=a><button>go</button></form>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<object data=\"javascript:alert(1)\"></object>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<![CDATA[<script>alert(1)</script>]]>",
            "<body onload=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<base href=\"http://evil.test/\">",
            "<link rel=stylesheet href=\"http://evil.test/x.css\">",
        ];
        for html in hostile {
            let safe = clean(html);
            let out = body(&safe).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onbegin",
                "javascript:alert",
                "<svg",
                "<math",
                "<meta",
                "<form",
                "<input",
                "<iframe",
                "<object",
                "<base",
                "<link",
                "data:text",
            ] {
                assert!(!out.contains(bad), "{html:?} left {bad:?} in {out:?}");
            }
        }
    }

    #[test]
    fn the_document_has_a_strict_policy_and_opens_links_in_a_new_tab() {
        let safe = clean("<p><a href=\"https://example.org/\">link</a></p>");
        assert!(safe.document.contains("default-src 'none'; img-src data:;"));
        assert!(!safe.document.contains("script-src"));
        assert!(safe.document.contains("<base target=\"_blank\">"));
        assert!(body(&safe).contains("rel=\"noopener noreferrer\""));
        assert!(!safe.blocked_remote);
        assert!(!SANDBOX.contains("allow-scripts") && !SANDBOX.contains("allow-same-origin"));
    }

    #[test]
    fn remote_images_and_css_are_blocked_until_allowed() {
        let html = "<p>Hi</p><img src=\"https://tracker.test/p.gif\" alt=\"pixel\">";
        let blocked = clean(html);
        assert!(blocked.blocked_remote);
        assert!(!blocked.document.contains("tracker.test"));
        let allowed = prepare(html, &BTreeMap::new(), true);
        assert!(!allowed.blocked_remote);
        assert!(allowed.document.contains("https://tracker.test/p.gif"));
        assert!(allowed.document.contains("img-src data: https: http:"));

        for css in [
            "<div style=\"background:url('https://x.test/a.png')\">x</div>",
            "<style>@import 'https://x.test/a.css';</style><p>x</p>",
            "<style>p{background:u\\72l(https://x.test/a.png)}</style><p>x</p>",
        ] {
            assert!(clean(css).blocked_remote, "{css}");
        }
        assert!(
            !clean("<div style=\"color:red;background:url(data:image/png;base64,AA==)\">x</div>")
                .blocked_remote
        );
    }

    #[test]
    fn cid_images_become_data_urls() {
        let inline = BTreeMap::from([(
            "logo@x".to_string(),
            "data:image/png;base64,iVBOR".to_string(),
        )]);
        let safe = prepare(
            "<img src=\"cid:logo@x\" alt=\"Logo\"><img src=\"cid:missing\">",
            &inline,
            false,
        );
        let out = body(&safe);
        assert!(out.contains("src=\"data:image/png;base64,iVBOR\""), "{out}");
        assert!(!out.contains("cid:"), "{out}");
        assert_eq!(
            referenced_cids("<IMG SRC=\"CID:Logo@X\">", ["logo@x", "other"]),
            vec!["logo@x".to_string()]
        );
    }

    #[test]
    fn relative_urls_do_not_reach_the_app_origin() {
        let out =
            clean("<img src=\"/logout\"><img src=\"//evil.test/x\"><a href=\"/x\">y</a>").document;
        assert!(
            !out.contains("/logout") && !out.contains("evil.test") && !out.contains("href=\"/x\"")
        );
    }
}
