//! Serving the built web app: content types and precompressed siblings (tower-http
//! `ServeDir`), cache headers, and a strict Content-Security-Policy whose `script-src`
//! names each inline `<script>` of `index.html` by its SHA-256 (Trunk's loader is an
//! inline module script), so no `'unsafe-inline'` is needed. The hashes are computed when
//! `index.html` changes (checked by modification time and size on each HTML response).
//!
//! [`compress_dir`] writes the `.br` and `.gz` siblings `ServeDir` looks for.

use std::{
    fs,
    io::{self, Write as _},
    path::{Path, PathBuf},
    sync::{Arc, PoisonError, RwLock},
    time::SystemTime,
};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// `Cache-Control` of files whose names carry a content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else (revalidate every time).
const NO_CACHE: &str = "no-cache";

/// Whether a file name carries a content hash as Trunk writes it: `name-<hex>.ext` or
/// `name-<hex>_bg.wasm`, with at least 8 hex digits.
#[must_use]
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        hex >= 8 && matches!(rest.as_bytes().get(hex), Some(b'.' | b'_'))
    })
}

/// `'sha256-…'` sources for the bodies of inline elements named `tag` (`script` or
/// `style`) in `html`; `<script src=…>` is skipped (it is not inline).
#[must_use]
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find(&open) {
        let start = from + found;
        let after_name = start + open.len();
        // `<scripts>` or `<script-x>` are other elements.
        if !lower[after_name..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>') {
            from = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| after_name + i + 1) else {
            break;
        };
        let Some(body_end) = lower[tag_end..].find(&close).map(|i| tag_end + i) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace())
            .any(|a| a == "src" || a.starts_with("src="));
        if !has_src {
            let digest = Sha256::digest(&html.as_bytes()[tag_end..body_end]);
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{b64}'"));
        }
        from = body_end + close.len();
    }
    hashes
}

/// Host header values that may appear in `connect-src` (no spaces, quotes or `;`).
fn safe_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// The Content-Security-Policy for the app's HTML pages.
#[must_use]
pub fn content_security_policy(scripts: &[String], host: Option<&str>) -> String {
    let join = |v: &[String]| v.iter().map(|h| format!(" {h}")).collect::<String>();
    let connect = match host.filter(|h| safe_host(h)) {
        Some(host) => format!(" ws://{host} wss://{host}"),
        None => String::new(),
    };
    // img-src and style-src admit what HTML mail needs (inline styles; remote images and
    // stylesheets) because mail renders in a sandboxed srcdoc frame, which inherits this
    // policy on top of its own: the frame's policy (no scripts, nothing remote until the
    // user allows it for that message) is what holds mail back. The app itself loads no
    // remote content and sets styles through the CSSOM; scripts stay strict.
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{}; \
         style-src 'self' 'unsafe-inline' https: http:; \
         img-src 'self' data: blob: https: http:; font-src 'self'; connect-src 'self'{connect}; \
         manifest-src 'self'; frame-src blob: 'self'; child-src blob:; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'; object-src 'none'",
        join(scripts),
    )
}

/// Inline hashes of one version of `index.html`.
#[derive(Debug, Clone, Default)]
struct Hashes {
    stamp: Option<(SystemTime, u64)>,
    scripts: Vec<String>,
}

/// The served directory and the CSP hashes of its `index.html`.
#[derive(Debug)]
pub(crate) struct Assets {
    index: PathBuf,
    hashes: RwLock<Arc<Hashes>>,
}

impl Assets {
    pub(crate) fn new(dir: &Path) -> Self {
        let assets = Self {
            index: dir.join("index.html"),
            hashes: RwLock::new(Arc::default()),
        };
        let hashes = assets.current();
        tracing::info!(
            scripts = hashes.scripts.len(),
            "inline hashes of index.html for the Content-Security-Policy"
        );
        assets
    }

    /// The hashes of `index.html` as it is now, recomputed if it changed.
    fn current(&self) -> Arc<Hashes> {
        let stamp = fs::metadata(&self.index)
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        {
            let cached = self.hashes.read().unwrap_or_else(PoisonError::into_inner);
            if cached.stamp == stamp && stamp.is_some() {
                return cached.clone();
            }
        }
        let html = fs::read_to_string(&self.index).unwrap_or_default();
        let fresh = Arc::new(Hashes {
            stamp,
            scripts: inline_hashes(&html, "script"),
        });
        *self.hashes.write().unwrap_or_else(PoisonError::into_inner) = fresh.clone();
        fresh
    }
}

/// Adds the security and cache headers to every response of the static service.
pub(crate) async fn headers(
    State(assets): State<Arc<Assets>>,
    request: Request,
    next: Next,
) -> Response {
    let hashed = is_hashed_name(request.uri().path());
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let csp = is_html.then(|| {
        let hashes = assets.current();
        content_security_policy(&hashes.scripts, host.as_deref())
    });
    let status = response.status();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let cache = if hashed && !is_html && status == StatusCode::OK {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(csp) = csp.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// Extensions worth compressing.
const COMPRESSIBLE: &[&str] = &[
    "html",
    "htm",
    "js",
    "mjs",
    "css",
    "wasm",
    "svg",
    "json",
    "webmanifest",
    "txt",
    "xml",
    "map",
    "ico",
];
/// Files smaller than this are not worth a compressed sibling.
const MIN_COMPRESS_SIZE: u64 = 256;

/// What [`compress_dir`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CompressReport {
    /// Sibling files written.
    pub written: usize,
    /// Siblings already up to date (newer than their source).
    pub up_to_date: usize,
    /// Files skipped (small, incompressible or of another type).
    pub skipped: usize,
}

/// Writes missing or outdated `.br` (brotli, quality 11) and `.gz` (gzip, level 9)
/// siblings for the compressible files under `dir`, recursively. A sibling that would not
/// be smaller than its source is not written. Files are written to a temporary name and
/// renamed, so a running relay never serves a half-written one.
///
/// # Errors
///
/// The first I/O error.
pub fn compress_dir(dir: &Path) -> io::Result<CompressReport> {
    let mut report = CompressReport::default();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let meta = entry.metadata()?;
            if !kind.is_file()
                || !COMPRESSIBLE.contains(&ext.to_ascii_lowercase().as_str())
                || meta.len() < MIN_COMPRESS_SIZE
            {
                report.skipped += 1;
                continue;
            }
            let source_time = meta.modified()?;
            let mut data: Option<Vec<u8>> = None;
            for (suffix, compress) in [
                ("br", brotli_bytes as fn(&[u8]) -> io::Result<Vec<u8>>),
                ("gz", gzip_bytes),
            ] {
                let mut name = path.as_os_str().to_owned();
                name.push(".");
                name.push(suffix);
                let sibling = PathBuf::from(name);
                if fs::metadata(&sibling)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= source_time)
                {
                    report.up_to_date += 1;
                    continue;
                }
                let data = match &data {
                    Some(data) => data,
                    None => data.insert(fs::read(&path)?),
                };
                let packed = compress(data)?;
                if packed.len() >= data.len() {
                    report.skipped += 1;
                    continue;
                }
                let tmp = sibling.with_extension(format!("{suffix}.tmp"));
                fs::write(&tmp, &packed)?;
                fs::rename(&tmp, &sibling)?;
                report.written += 1;
            }
        }
    }
    Ok(report)
}

fn brotli_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 << 10, 11, 22);
        writer.write_all(data)?;
        writer.flush()?;
    }
    Ok(out)
}

fn gzip_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        for yes in [
            "/webimap-webmail-9c72399e8fd8858f.js",
            "/webimap-webmail-9c72399e8fd8858f_bg.wasm",
            "/app-184559e6a41472a7.css",
            "/snippets/x/inline0-0123abcd.js",
        ] {
            assert!(is_hashed_name(yes), "{yes}");
        }
        for no in [
            "/index.html",
            "/manifest.webmanifest",
            "/icons/icon.svg",
            "/webimap-webmail.js",
            "/a-1234.js",
            "/mailbox/INBOX",
        ] {
            assert!(!is_hashed_name(no), "{no}");
        }
    }

    #[test]
    fn inline_script_hashes() {
        let html = "<head><SCRIPT type=\"module\">init();</SCRIPT><script src=\"/a.js\"></script>\
                    <scripts>no</scripts><script>\nx()\n</script><style>p{}</style></head>";
        let expect = |body: &str| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
            format!("'sha256-{b64}'")
        };
        assert_eq!(
            inline_hashes(html, "script"),
            vec![expect("init();"), expect("\nx()\n")]
        );
        assert_eq!(inline_hashes(html, "style"), vec![expect("p{}")]);
    }

    #[test]
    fn csp_names_the_relay_host_and_refuses_odd_hosts() {
        let csp = content_security_policy(&["'sha256-x'".into()], Some("mail.example.com"));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-x';"));
        assert!(csp.contains("connect-src 'self' ws://mail.example.com wss://mail.example.com;"));
        // Inline styles are admitted (HTML mail); inline scripts never.
        let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src"));
        assert!(
            scripts.is_some_and(|d| !d.contains("unsafe-inline")),
            "{csp}"
        );
        let odd = content_security_policy(&[], Some("x; script-src *"));
        assert!(odd.contains("connect-src 'self';"), "{odd}");
    }
}
