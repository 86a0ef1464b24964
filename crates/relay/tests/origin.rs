//! The `Origin` check of `/relay`, end to end.

mod common;

use std::time::Duration;

use common::{Binary, EchoServer, Relay, TestResult, config_allowing};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, client::IntoClientRequest, http::HeaderValue},
};
use webimap_relay::policy::{MissingOrigin, OriginPolicy};

/// Connects with an optional `Origin`; returns the HTTP status (101 on success).
async fn status_with_origin(url: &str, origin: Option<&str>) -> Result<u16, WsError> {
    status_with(url, origin, None).await
}

/// Connects with an optional `Origin` and `Host` (default: the URL's authority); returns
/// the HTTP status (101 on success).
async fn status_with(url: &str, origin: Option<&str>, host: Option<&str>) -> Result<u16, WsError> {
    let mut request = url.into_client_request()?;
    if let Some(host) = host {
        let value =
            HeaderValue::from_str(host).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
        request.headers_mut().insert("host", value);
    }
    if let Some(origin) = origin {
        let value =
            HeaderValue::from_str(origin).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
        request.headers_mut().insert("origin", value);
    }
    match connect_async(request).await {
        Ok((_ws, response)) => Ok(response.status().as_u16()),
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            if response.status() == 403 {
                assert_eq!(
                    String::from_utf8_lossy(&body),
                    "forbidden: origin not allowed\n"
                );
            }
            Ok(response.status().as_u16())
        }
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn listed_origins_only() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.policy = config.policy.with_origins(OriginPolicy {
        allowed: vec!["https://mail.example.com".parse()?],
        missing: MissingOrigin::Deny,
    });
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());

    assert_eq!(
        status_with_origin(&url, Some("https://evil.example")).await?,
        403
    );
    assert_eq!(status_with_origin(&url, Some("null")).await?, 403);
    assert_eq!(status_with_origin(&url, None).await?, 403);
    assert_eq!(
        echo.accepted(),
        0,
        "refused origins must not cause a connect"
    );
    assert_eq!(
        status_with_origin(&url, Some("https://mail.example.com")).await?,
        101
    );
    Ok(())
}

#[tokio::test]
async fn default_is_same_origin_and_missing_allowed() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = Relay::start(config_allowing(&[echo.addr.to_string()])).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let own = format!("http://{}", relay.addr);

    assert_eq!(
        status_with_origin(&url, Some("https://evil.example")).await?,
        403
    );
    let wrong_scheme = format!("https://{}", relay.addr);
    assert_eq!(status_with_origin(&url, Some(&wrong_scheme)).await?, 403);
    assert_eq!(echo.accepted(), 0);
    assert_eq!(status_with_origin(&url, Some(&own)).await?, 101);
    assert_eq!(status_with_origin(&url, None).await?, 101);
    Ok(())
}

/// The real binary without `--origin` on a loopback listener: a DNS-rebinding page (its
/// Origin and the Host header both name the attacker's domain, which now resolves to
/// 127.0.0.1) is refused, as is an `https` page on the plain listener; a page served from
/// the relay's own loopback address works.
#[tokio::test]
async fn binary_default_refuses_dns_rebinding() -> TestResult {
    let echo = EchoServer::start().await?;
    let allow = echo.addr.to_string();
    let relay = Binary::start(&["--allow", &allow], &[])?;
    let port = relay.addr.port();
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );

    let evil = format!("evil.example:{port}");
    let evil_origin = format!("http://{evil}");
    assert_eq!(
        status_with(&url, Some(&evil_origin), Some(&evil)).await?,
        403,
        "DNS-rebinding origin accepted"
    );
    let https_own = format!("https://{}", relay.addr);
    assert_eq!(
        status_with(&url, Some(&https_own), None).await?,
        403,
        "scheme mismatch accepted"
    );
    let private = format!("10.0.0.5:{port}");
    let private_origin = format!("http://{private}");
    assert_eq!(
        status_with(&url, Some(&private_origin), Some(&private)).await?,
        403,
        "non-loopback same-origin host accepted"
    );
    assert_eq!(
        echo.accepted(),
        0,
        "refused origins must not cause a connect"
    );

    let own = format!("http://{}", relay.addr);
    assert_eq!(status_with(&url, Some(&own), None).await?, 101);
    let localhost = format!("localhost:{port}");
    let localhost_origin = format!("http://{localhost}");
    assert_eq!(
        status_with(&url, Some(&localhost_origin), Some(&localhost)).await?,
        101
    );
    assert!(
        relay.log().contains("not a loopback host"),
        "the log says why: {}",
        relay.log()
    );
    Ok(())
}

/// The real binary listening on a non-loopback address without `--origin` does not start
/// and says why; with `--origin` it starts.
#[test]
fn binary_non_loopback_needs_origin() -> TestResult {
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
            .args(["--listen", "0.0.0.0:0", "--allow", "imap.example.com:993"])
            .args(extra)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
    };
    let output = run(&[])?.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "started without --origin: {stderr}"
    );
    assert!(
        stderr.contains("not a loopback address") && stderr.contains("--origin"),
        "message: {stderr}"
    );

    let mut child = run(&["--origin", "https://mail.example.com"])?;
    std::thread::sleep(Duration::from_millis(1500));
    let exited = child.try_wait()?;
    let _ = child.kill();
    let output = child.wait_with_output()?;
    assert!(
        exited.is_none(),
        "exited with --origin: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
