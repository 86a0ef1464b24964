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
