//! Shared-secret tokens, end to end: valid, invalid, rotated and missing; in a cookie and
//! in `Sec-WebSocket-Protocol`; never echoed, never logged.

mod common;

use common::{Binary, EchoServer, Relay, TestResult, WAIT, config_allowing};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message, client::IntoClientRequest, http::HeaderValue},
};
use webimap_relay::{Cli, token::Tokens};

const OLD: &str = "old-token-0123456789abcdef";
const NEW: &str = "new-token-fedcba9876543210";
const WRONG: &str = "wrong-token-000000000000000";

#[derive(Debug, Clone, Copy)]
enum Via {
    None,
    Cookie(&'static str),
    Protocol(&'static str),
}

/// Connects with the token sent `via`; returns the status, the selected subprotocol and
/// (if upgraded) whether a byte round-trips.
async fn attempt(url: &str, via: Via) -> Result<(u16, Option<String>, String), WsError> {
    let mut request = url.into_client_request()?;
    let header =
        |v: String| HeaderValue::from_str(&v).map_err(|e| WsError::Io(std::io::Error::other(e)));
    match via {
        Via::None => {}
        Via::Cookie(token) => {
            let value = header(format!("lang=en; webimap_relay_token={token}"))?;
            request.headers_mut().insert("cookie", value);
        }
        Via::Protocol(token) => {
            let value = header(format!("webimap, webimap.token.{token}"))?;
            request
                .headers_mut()
                .insert("sec-websocket-protocol", value);
        }
    }
    match connect_async(request).await {
        Ok((mut ws, response)) => {
            let protocol = response
                .headers()
                .get("sec-websocket-protocol")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            ws.send(Message::binary(b"x".to_vec())).await?;
            let echoed = tokio::time::timeout(WAIT, ws.next())
                .await
                .map_err(|e| WsError::Io(std::io::Error::other(e)))?;
            assert!(matches!(echoed, Some(Ok(Message::Binary(ref b))) if &b[..] == b"x"));
            Ok((response.status().as_u16(), protocol, String::new()))
        }
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            Ok((
                response.status().as_u16(),
                None,
                String::from_utf8_lossy(&body).into_owned(),
            ))
        }
        Err(e) => Err(e),
    }
}

async fn relay_with_tokens(
    echo: &EchoServer,
    tokens: &str,
) -> Result<Relay, Box<dyn std::error::Error + Send + Sync>> {
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.tokens = Tokens::parse_list(tokens).map_err(|(_, e)| e)?;
    config.metrics = true;
    Ok(Relay::start(config).await?)
}

#[tokio::test]
async fn valid_token_in_cookie_or_protocol_opens_the_tunnel() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = relay_with_tokens(&echo, OLD).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let (status, protocol, _) = attempt(&url, Via::Cookie(OLD)).await?;
    assert_eq!((status, protocol), (101, None));
    let (status, protocol, _) = attempt(&url, Via::Protocol(OLD)).await?;
    assert_eq!(status, 101);
    assert_eq!(
        protocol.as_deref(),
        Some("webimap"),
        "only the protocol name is echoed"
    );
    Ok(())
}

#[tokio::test]
async fn invalid_and_missing_tokens_are_refused_before_connecting() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = relay_with_tokens(&echo, OLD).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    for (via, body) in [
        (Via::None, "forbidden: token required\n"),
        (Via::Cookie(WRONG), "forbidden: invalid token\n"),
        (Via::Protocol(WRONG), "forbidden: invalid token\n"),
        // A prefix of the real token is as wrong as any other.
        (
            Via::Cookie("old-token-0123456789abcde"),
            "forbidden: invalid token\n",
        ),
    ] {
        let (status, _, text) = attempt(&url, via).await?;
        assert_eq!((status, text.as_str()), (403, body), "{via:?}");
    }
    assert_eq!(echo.accepted(), 0, "a refused request reached the server");
    let metrics = common::http_get(relay.addr, "/metrics", "").await?.text();
    assert!(metrics.contains("webimap_relay_refused_total{reason=\"token_missing\"} 1\n"));
    assert!(metrics.contains("webimap_relay_refused_total{reason=\"token_invalid\"} 3\n"));
    Ok(())
}

#[tokio::test]
async fn rotation_two_tokens_from_file_are_both_valid() -> TestResult {
    let echo = EchoServer::start().await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("tokens");
    std::fs::write(
        &file,
        format!("# rotating: {NEW} replaces {OLD}\n{OLD}\n{NEW}\n"),
    )?;
    let file = file.display().to_string();
    let cli = <Cli as clap::Parser>::try_parse_from([
        "webimap-relay",
        "--token-file",
        &file,
        "--allow",
        &echo.addr.to_string(),
    ])?;
    let (_, config) = cli.load()?;
    assert_eq!(config.load_tokens()?.len(), 2);
    assert!(
        !format!("{config:?}").contains("token-"),
        "Debug shows a token"
    );
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    assert_eq!(attempt(&url, Via::Cookie(OLD)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Protocol(NEW)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Cookie(WRONG)).await?.0, 403);
    Ok(())
}

#[tokio::test]
async fn binary_takes_tokens_from_env_and_file_and_never_logs_them() -> TestResult {
    let echo = EchoServer::start().await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("tokens");
    std::fs::write(&file, format!("{OLD}\n"))?;
    let allow = echo.addr.to_string();
    let file = file.display().to_string();
    let relay = Binary::start(
        &["--allow", &allow, "--token-file", &file],
        &[("WEBIMAP_RELAY_TOKENS", NEW)],
    )?;
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );
    assert_eq!(attempt(&url, Via::Cookie(OLD)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Protocol(NEW)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Protocol(WRONG)).await?.0, 403);
    assert_eq!(attempt(&url, Via::None).await?.0, 403);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = relay.log();
    assert!(
        log.contains("tunnel refused"),
        "trace log not captured:\n{log}"
    );
    for secret in [OLD, NEW, WRONG] {
        assert!(!log.contains(secret), "token {secret} in the log:\n{log}");
        assert!(
            !log.contains(&secret[..12]),
            "part of a token in the log:\n{log}"
        );
    }
    Ok(())
}

#[test]
fn bad_token_file_is_a_clear_error_without_the_token() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("tokens");
    std::fs::write(&file, "good-token-0123456789\nsecret but has spaces;x\n")?;
    let file = file.display().to_string();
    let cli = <Cli as clap::Parser>::try_parse_from(["webimap-relay", "--token-file", &file])?;
    let error = cli.load().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("line 2"), "{error}");
    assert!(!error.contains("secret"), "{error}");
    Ok(())
}

/// Sends SIGHUP to the relay binary.
fn hangup(relay: &Binary) -> TestResult {
    let pid = rustix::process::Pid::from_raw(relay.child.id() as i32).ok_or("pid")?;
    rustix::process::kill_process(pid, rustix::process::Signal::HUP)?;
    Ok(())
}

/// Waits (bounded) until the relay's log has `needle` `count` times.
async fn log_count(relay: &Binary, needle: &str, count: usize) -> TestResult {
    let deadline = std::time::Instant::now() + WAIT;
    while relay.log().matches(needle).count() < count {
        if std::time::Instant::now() > deadline {
            return Err(format!("{needle:?} not logged {count}×:\n{}", relay.log()).into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_token_file_and_a_broken_file_keeps_the_old_tokens() -> TestResult {
    let echo = EchoServer::start().await?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("tokens");
    std::fs::write(&path, format!("{OLD}\n"))?;
    let allow = echo.addr.to_string();
    let file = path.display().to_string();
    let relay = Binary::start(&["--allow", &allow, "--token-file", &file], &[])?;
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );
    assert_eq!(attempt(&url, Via::Cookie(OLD)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Cookie(NEW)).await?.0, 403);

    // Rotate: NEW replaces OLD, without a restart.
    std::fs::write(&path, format!("# rotated\n{NEW}\n"))?;
    hangup(&relay)?;
    log_count(&relay, "token files reloaded", 1).await?;
    assert_eq!(attempt(&url, Via::Cookie(NEW)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Protocol(OLD)).await?.0, 403);

    // A broken file is logged (without the token) and NEW stays the only valid token.
    std::fs::write(&path, format!("{OLD}\nnot a token; {WRONG}\n"))?;
    hangup(&relay)?;
    log_count(&relay, "token file reload failed", 1).await?;
    assert_eq!(attempt(&url, Via::Cookie(NEW)).await?.0, 101);
    assert_eq!(attempt(&url, Via::Cookie(OLD)).await?.0, 403);
    // So is an emptied file: it would open the relay to everyone.
    std::fs::write(&path, "# nothing\n")?;
    hangup(&relay)?;
    log_count(&relay, "token file reload failed", 2).await?;
    assert_eq!(attempt(&url, Via::None).await?.0, 403);
    assert_eq!(attempt(&url, Via::Cookie(NEW)).await?.0, 101);
    // A missing file too.
    std::fs::remove_file(&path)?;
    hangup(&relay)?;
    log_count(&relay, "token file reload failed", 3).await?;
    assert_eq!(attempt(&url, Via::Cookie(NEW)).await?.0, 101);

    let log = relay.log();
    assert!(log.contains("line 2"), "{log}");
    for secret in [OLD, NEW, WRONG] {
        assert!(!log.contains(secret), "token {secret} in the log:\n{log}");
    }
    Ok(())
}
