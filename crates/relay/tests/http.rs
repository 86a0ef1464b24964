//! `/healthz`, static serving and the binary's command line.

mod common;

use std::process::Command;

use common::{Relay, TestResult, http_get};
use webimap_relay::Config;

#[tokio::test]
async fn healthz_is_ok() -> TestResult {
    let relay = Relay::start(Config::default()).await?;
    let response = http_get(relay.addr, "/healthz", "").await?;
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "ok");
    Ok(())
}

#[tokio::test]
async fn without_static_dir_unknown_paths_are_404() -> TestResult {
    let relay = Relay::start(Config::default()).await?;
    assert_eq!(http_get(relay.addr, "/", "").await?.status, 404);
    Ok(())
}

#[tokio::test]
async fn serves_the_app_with_spa_fallback() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = "<!doctype html><title>webimap</title>";
    std::fs::write(dir.path().join("index.html"), index)?;
    let wasm = b"\0asm\x01\0\0\0";
    std::fs::write(dir.path().join("webmail_bg.wasm"), wasm)?;
    std::fs::write(dir.path().join("webmail.js"), "export default 1;")?;
    let mut config = Config::default();
    config.static_dir = Some(dir.path().to_owned());
    let relay = Relay::start(config).await?;

    for path in ["/", "/index.html", "/mailbox/INBOX", "/message/42?x=1"] {
        let response = http_get(relay.addr, path, "").await?;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.text(), index, "{path}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}: {:?}",
            response.header("content-type")
        );
    }
    let response = http_get(relay.addr, "/webmail_bg.wasm", "").await?;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.body, wasm);
    let response = http_get(relay.addr, "/webmail.js", "").await?;
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.contains("javascript")),
        "{:?}",
        response.header("content-type")
    );
    // The API routes still win over the fallback.
    assert_eq!(http_get(relay.addr, "/healthz", "").await?.text(), "ok");
    Ok(())
}

#[test]
fn help_documents_every_option() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .arg("--help")
        .output()?;
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout)?;
    for option in [
        "--listen",
        "--allow",
        "--static",
        "--connect-timeout",
        "--config",
        "--max-connections",
        "--token-file",
        "--trusted-proxy",
        "--tls-cert",
        "--tls-key",
        "--precompress",
        "compress",
        "--max-connections-per-ip",
        "--max-message-size",
        "--idle-timeout",
        "--ping-interval",
        "--metrics",
        "--help",
        "--version",
    ] {
        assert!(help.contains(option), "--help lacks {option}:\n{help}");
    }
    Ok(())
}

#[test]
fn bad_allow_value_is_a_clear_error() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .args(["--allow", "nonsense"])
        .output()?;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr)?;
    assert!(
        stderr.contains("invalid value 'nonsense' for '--allow <HOST:PORT>'")
            && stderr.contains("expected HOST:PORT"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn missing_static_dir_fails_at_startup() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--static",
            "/nonexistent/webimap-relay",
        ])
        .output()?;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr)?;
    assert!(stderr.contains("static directory"), "{stderr}");
    Ok(())
}

#[test]
fn sigterm_stops_the_binary_cleanly() -> TestResult {
    use std::{
        io::{BufRead, BufReader},
        process::Stdio,
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .args(["--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("relay listening"));
    assert!(listening.is_some(), "the relay did not report listening");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait()?;
    assert!(exit.success(), "{exit:?}; log: {rest:?}");
    assert!(rest.iter().any(|l| l.contains("relay stopped")), "{rest:?}");
    Ok(())
}

/// The `'sha256-…'` CSP sources of the inline scripts in `html`, found independently of
/// the relay's parser (split on the literal tags Trunk writes).
fn expected_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    html.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let (attrs, rest) = rest.split_once('>')?;
            if attrs.contains("src=") {
                return None;
            }
            let body = rest.split_once("</script>")?.0;
            let digest = sha2::Sha256::digest(body.as_bytes());
            Some(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ))
        })
        .collect()
}

fn csp_directive<'a>(csp: &'a str, name: &str) -> Vec<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).filter(|r| r.starts_with(' ')))
        .map(|r| r.split_whitespace().collect())
        .unwrap_or_default()
}

const TRUNK_LIKE_INDEX: &str = "<!doctype html><html><head><title>webimap</title>\n\
<script type=\"module\">\nimport init from '/app-0123456789abcdef.js';\nawait init();\n</script>\n\
<link rel=\"stylesheet\" href=\"/app-0123456789abcdef.css\"/></head><body></body></html>";

fn fixture() -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    std::fs::write(p.join("index.html"), TRUNK_LIKE_INDEX)?;
    std::fs::write(p.join("app-0123456789abcdef.js"), "export default 1;")?;
    std::fs::write(p.join("app-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0")?;
    std::fs::write(p.join("app-0123456789abcdef.css"), "body{margin:0}")?;
    std::fs::write(p.join("manifest.webmanifest"), "{}")?;
    std::fs::create_dir(p.join("icons"))?;
    std::fs::write(
        p.join("icons/icon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )?;
    Ok(dir)
}

async fn relay_serving(dir: &std::path::Path) -> std::io::Result<Relay> {
    let mut config = Config::default();
    config.static_dir = Some(dir.to_owned());
    Relay::start(config).await
}

#[tokio::test]
async fn content_types_and_cache_headers() -> TestResult {
    let dir = fixture()?;
    let relay = relay_serving(dir.path()).await?;
    for (path, content_type, cache) in [
        ("/", "text/html", "no-cache"),
        ("/index.html", "text/html", "no-cache"),
        ("/mailbox/INBOX", "text/html", "no-cache"),
        // A hashed name that does not exist falls back to index.html: never immutable.
        ("/gone-0123456789abcdef.js", "text/html", "no-cache"),
        (
            "/app-0123456789abcdef.js",
            "text/javascript",
            "public, max-age=31536000, immutable",
        ),
        (
            "/app-0123456789abcdef_bg.wasm",
            "application/wasm",
            "public, max-age=31536000, immutable",
        ),
        (
            "/app-0123456789abcdef.css",
            "text/css",
            "public, max-age=31536000, immutable",
        ),
        (
            "/manifest.webmanifest",
            "application/manifest+json",
            "no-cache",
        ),
        ("/icons/icon.svg", "image/svg+xml", "no-cache"),
    ] {
        let response = http_get(relay.addr, path, "").await?;
        assert_eq!(response.status, 200, "{path}");
        let got = response.header("content-type").unwrap_or_default();
        assert!(got.starts_with(content_type), "{path}: {got}");
        assert_eq!(response.header("cache-control"), Some(cache), "{path}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            response.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        let csp = response.header("content-security-policy");
        assert_eq!(
            csp.is_some(),
            content_type == "text/html",
            "{path}: {csp:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn csp_hashes_the_inline_script_and_follows_index_changes() -> TestResult {
    let dir = fixture()?;
    let relay = relay_serving(dir.path()).await?;
    let response = http_get(relay.addr, "/", "").await?;
    let csp = response
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    let expected = expected_script_hashes(TRUNK_LIKE_INDEX);
    assert_eq!(expected.len(), 1);
    let script_src = csp_directive(&csp, "script-src");
    assert_eq!(script_src[..2], ["'self'", "'wasm-unsafe-eval'"], "{csp}");
    assert_eq!(script_src[2..], expected[..], "{csp}");
    assert!(!script_src.contains(&"'unsafe-inline'"), "{csp}");
    for directive in [
        "default-src 'none'",
        // Mail's own inline styles, in the sandboxed frame that inherits this policy.
        "style-src 'self' 'unsafe-inline' https: http:",
        "img-src 'self' data: blob: https: http:",
        "font-src 'self'",
        "frame-src blob: 'self'",
        "child-src blob:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(
            csp.split("; ").any(|d| d == directive),
            "{directive} missing: {csp}"
        );
    }
    let host = relay.addr.to_string();
    assert_eq!(
        csp_directive(&csp, "connect-src"),
        ["'self'", &format!("ws://{host}"), &format!("wss://{host}")],
        "{csp}"
    );

    // A new build: the hash follows without a restart.
    let next = TRUNK_LIKE_INDEX.replace("await init();", "await init(); start();");
    std::fs::write(dir.path().join("index.html"), &next)?;
    let csp = http_get(relay.addr, "/", "").await?;
    let csp = csp.header("content-security-policy").unwrap_or_default();
    assert_eq!(
        csp_directive(csp, "script-src")[2..],
        expected_script_hashes(&next)[..]
    );
    Ok(())
}

#[tokio::test]
async fn csp_matches_the_real_trunk_build_if_present() -> TestResult {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist");
    let Ok(html) = std::fs::read_to_string(dist.join("index.html")) else {
        eprintln!("no dist/ (run `trunk build`): skipped");
        return Ok(());
    };
    let expected = expected_script_hashes(&html);
    assert!(
        !expected.is_empty(),
        "Trunk's index.html has an inline loader script"
    );
    let relay = relay_serving(&dist).await?;
    let response = http_get(relay.addr, "/", "").await?;
    assert_eq!(response.text(), html);
    let csp = response
        .header("content-security-policy")
        .unwrap_or_default();
    assert_eq!(csp_directive(csp, "script-src")[2..], expected[..], "{csp}");
    // Every asset the page loads is served with a long cache lifetime.
    for name in std::fs::read_dir(&dist)?.filter_map(|e| e.ok()?.file_name().into_string().ok()) {
        if name.ends_with(".js") || name.ends_with(".wasm") || name.ends_with(".css") {
            let response = http_get(relay.addr, &format!("/{name}"), "").await?;
            assert_eq!(
                response.header("cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{name}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn precompressed_siblings_are_served_when_accepted() -> TestResult {
    let dir = fixture()?;
    let js = dir.path().join("app-0123456789abcdef.js");
    std::fs::write(&js, "export const x = 1;\n".repeat(100))?;
    let report = webimap_relay::assets::compress_dir(dir.path())?;
    assert!(report.written >= 2, "{report:?}");
    assert!(dir.path().join("app-0123456789abcdef.js.br").is_file());
    assert!(dir.path().join("app-0123456789abcdef.js.gz").is_file());
    // Small files are not worth it.
    assert!(!dir.path().join("manifest.webmanifest.br").exists());
    // Running again writes nothing.
    assert_eq!(webimap_relay::assets::compress_dir(dir.path())?.written, 0);

    let relay = relay_serving(dir.path()).await?;
    let original = std::fs::read(&js)?;
    for (accept, encoding) in [
        ("br, gzip", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let response = http_get(
            relay.addr,
            "/app-0123456789abcdef.js",
            &format!("Accept-Encoding: {accept}\r\n"),
        )
        .await?;
        assert_eq!(response.header("content-encoding"), encoding, "{accept}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.contains("javascript"))
        );
        let body = match encoding {
            Some("br") => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(
                    &mut brotli::Decompressor::new(&response.body[..], 4096),
                    &mut out,
                )?;
                out
            }
            Some(_) => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(&response.body[..]),
                    &mut out,
                )?;
                out
            }
            None => response.body.clone(),
        };
        assert_eq!(body, original, "{accept}");
    }
    Ok(())
}

#[test]
fn compress_subcommand_writes_siblings() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("index.html"), "<p>hello</p>\n".repeat(100))?;
    let output = Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .arg("compress")
        .arg(dir.path())
        .output()?;
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8(output.stdout)?.contains("2 compressed files written"));
    assert!(dir.path().join("index.html.br").is_file());
    assert!(dir.path().join("index.html.gz").is_file());
    Ok(())
}
