//! Special-range protection and the richer allow rules, end to end.

mod common;

use std::time::Duration;

use common::{EchoServer, Relay, TestResult, WAIT, config_allowing};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message, protocol::frame::coding::CloseCode},
};

async fn expect_403(url: String) -> TestResult {
    match connect_async(url.as_str()).await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status(), 403, "{url}");
            Ok(())
        }
        other => Err(format!("{url}: expected 403, got {other:?}").into()),
    }
}

async fn expect_echo(url: String) -> TestResult {
    let (mut ws, _) = connect_async(url.as_str()).await?;
    ws.send(Message::binary(b"a1 NOOP\r\n".to_vec())).await?;
    match tokio::time::timeout(WAIT, ws.next()).await? {
        Some(Ok(Message::Binary(data))) => assert_eq!(&data[..], b"a1 NOOP\r\n", "{url}"),
        other => return Err(format!("{url}: {other:?}").into()),
    }
    ws.close(None).await?;
    Ok(())
}

#[tokio::test]
async fn name_resolving_to_loopback_is_refused() -> TestResult {
    let echo = EchoServer::start().await?;
    let port = echo.addr.port();
    let relay = Relay::start(config_allowing(&[format!("localhost:{port}")])).await?;
    expect_403(relay.ws_url("localhost", port)).await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        echo.accepted(),
        0,
        "connected to loopback through a name rule"
    );
    Ok(())
}

#[tokio::test]
async fn broad_network_rule_does_not_open_loopback() -> TestResult {
    let echo = EchoServer::start().await?;
    let port = echo.addr.port();
    let relay = Relay::start(config_allowing(&[format!("0.0.0.0/0:{port}")])).await?;
    for host in ["127.0.0.1", "2130706433", "0x7f.1", "[::ffff:127.0.0.1]"] {
        expect_403(relay.ws_url(host, port)).await?;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(echo.accepted(), 0);
    Ok(())
}

#[tokio::test]
async fn explicit_loopback_rules_work_in_any_spelling() -> TestResult {
    let echo = EchoServer::start().await?;
    let port = echo.addr.port();
    let exact = Relay::start(config_allowing(&[format!("127.0.0.1:{port}")])).await?;
    for host in [
        "127.0.0.1",
        "2130706433",
        "0x7f.0.0.1",
        "0177.0.0.1",
        "127.1",
        "[::ffff:127.0.0.1]",
    ] {
        expect_echo(exact.ws_url(host, port)).await?;
    }
    let net = Relay::start(config_allowing(&[format!("127.0.0.0/8:{port}")])).await?;
    expect_echo(net.ws_url("127.0.0.1", port)).await?;
    Ok(())
}

#[tokio::test]
async fn unresolvable_name_closes_as_unreachable() -> TestResult {
    let mut config = config_allowing(&["imap.webimap-test.invalid:993".to_owned()]);
    config.connect_timeout = Duration::from_secs(3);
    let relay = Relay::start(config).await?;
    let (mut ws, _) = connect_async(relay.ws_url("imap.webimap-test.invalid", 993)).await?;
    match tokio::time::timeout(WAIT, ws.next()).await? {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(frame.code, CloseCode::Error);
            assert_eq!(frame.reason.as_str(), "upstream unreachable");
        }
        other => return Err(format!("expected close, got {other:?}").into()),
    }
    Ok(())
}
