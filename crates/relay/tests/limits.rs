//! Connection caps, message size, idle timeout and `/metrics`, end to end.

mod common;

use std::time::Duration;

use common::{EchoServer, Relay, TestResult, WAIT, config_allowing, http_get};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message, protocol::frame::coding::CloseCode},
};
use webimap_relay::Config;

async fn status(url: &str) -> Result<u16, WsError> {
    match connect_async(url).await {
        Ok((_ws, response)) => Ok(response.status().as_u16()),
        Err(WsError::Http(response)) => Ok(response.status().as_u16()),
        Err(e) => Err(e),
    }
}

fn config_for(echo: &EchoServer) -> Config {
    config_allowing(&[echo.addr.to_string()])
}

#[tokio::test]
async fn per_ip_cap_refuses_with_429_and_frees_on_close() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_for(&echo);
    config.limits.max_connections_per_ip = 2;
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let (mut first, _) = connect_async(url.as_str()).await?;
    let (_second, _) = connect_async(url.as_str()).await?;
    assert_eq!(status(&url).await?, 429);
    first.close(None).await?;
    // The slot is freed when the tunnel task ends; poll briefly.
    let freed = tokio::time::timeout(WAIT, async {
        loop {
            if status(&url).await.ok() == Some(101) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(freed.is_ok(), "slot never freed");
    Ok(())
}

#[tokio::test]
async fn global_cap_refuses_with_503() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_for(&echo);
    config.limits.max_connections = 1;
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let (_first, _) = connect_async(url.as_str()).await?;
    assert_eq!(status(&url).await?, 503);
    assert_eq!(echo.accepted(), 1);
    Ok(())
}

#[tokio::test]
async fn oversized_message_never_reaches_upstream() -> TestResult {
    let (addr, mut seen) = common::recording_server(b"", false).await?;
    let mut config = config_allowing(&[addr.to_string()]);
    config.limits.max_message_size = 1024;
    config.limits.max_frame_size = 1024;
    let relay = Relay::start(config).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", addr.port())).await?;
    ws.send(Message::binary(vec![b'a'; 1000])).await?;
    let _ = ws.send(Message::binary(vec![b'b'; 4096])).await;
    // The relay drops the connection (with or without a close frame).
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(Ok(msg)) = ws.next().await {
            if msg.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "connection not ended");
    let all = tokio::time::timeout(WAIT, seen.recv())
        .await?
        .unwrap_or_default();
    assert_eq!(all, vec![b'a'; 1000], "upstream got the oversized message");
    Ok(())
}

#[tokio::test]
async fn idle_tunnel_is_closed() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_for(&echo);
    config.limits.idle_timeout = Duration::from_millis(500);
    let relay = Relay::start(config).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", echo.addr.port())).await?;
    match tokio::time::timeout(WAIT, ws.next()).await? {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(frame.code, CloseCode::Normal);
            assert_eq!(frame.reason.as_str(), "idle timeout");
        }
        other => return Err(format!("expected close, got {other:?}").into()),
    }
    Ok(())
}

fn sample(text: &str, series: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_tunnels_refusals_and_bytes() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_for(&echo);
    config.metrics = true;
    let relay = Relay::start(config).await?;

    assert_eq!(
        status(&relay.ws_url("127.0.0.2", echo.addr.port())).await?,
        403
    );
    assert_eq!(
        status(&format!("ws://{}/relay?host=x", relay.addr)).await?,
        400
    );
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", echo.addr.port())).await?;
    ws.send(Message::binary(vec![1u8; 1000])).await?;
    let mut echoed = 0;
    while echoed < 1000 {
        match tokio::time::timeout(WAIT, ws.next()).await? {
            Some(Ok(Message::Binary(data))) => echoed += data.len(),
            other => return Err(format!("{other:?}").into()),
        }
    }
    let response = http_get(relay.addr, "/metrics", "").await?;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain"))
    );
    let text = response.text();
    assert_eq!(
        sample(&text, "webimap_relay_tunnels_open"),
        Some(1),
        "{text}"
    );
    assert_eq!(
        sample(&text, "webimap_relay_tunnels_total"),
        Some(1),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "webimap_relay_refused_total{reason=\"target_not_allowed\"}"
        ),
        Some(1),
        "{text}"
    );
    assert_eq!(
        sample(&text, "webimap_relay_refused_total{reason=\"bad_request\"}"),
        Some(1)
    );
    assert_eq!(
        sample(
            &text,
            "webimap_relay_bytes_total{direction=\"to_upstream\"}"
        ),
        Some(1000)
    );
    assert_eq!(
        sample(&text, "webimap_relay_bytes_total{direction=\"to_client\"}"),
        Some(1000)
    );

    ws.close(None).await?;
    let closed = tokio::time::timeout(WAIT, async {
        loop {
            let text = http_get(relay.addr, "/metrics", "")
                .await
                .map(|r| r.text())
                .unwrap_or_default();
            if sample(&text, "webimap_relay_tunnels_open") == Some(0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(closed.is_ok(), "open gauge never went back to 0");
    Ok(())
}

#[tokio::test]
async fn metrics_are_off_by_default() -> TestResult {
    let relay = Relay::start(Config::default()).await?;
    assert_eq!(http_get(relay.addr, "/metrics", "").await?.status, 404);
    Ok(())
}

/// VmRSS of a process, in KiB.
fn rss_kib_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The real binary against 16 clients that each send a fragment of almost the message
/// limit and then announce a next fragment that would exceed it: each is closed with 1009
/// as soon as that header arrives (its body is never sent), the relay's memory stays
/// bounded, and another client still opens a tunnel.
#[tokio::test]
async fn binary_closes_fragmented_oversized_messages_at_the_header() -> TestResult {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let echo = EchoServer::start().await?;
    let allow = echo.addr.to_string();
    let relay = common::Binary::start(&["--allow", &allow, "--max-message-size", "1048576"], &[])?;
    let before = rss_kib_of(relay.child.id());
    let limit = 1 << 20;
    let mut attackers = Vec::new();
    for _ in 0..16 {
        let mut stream = tokio::net::TcpStream::connect(relay.addr).await?;
        let head = format!(
            "GET /relay?host=127.0.0.1&port={} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            echo.addr.port(),
            relay.addr
        );
        stream.write_all(head.as_bytes()).await?;
        let mut response = Vec::new();
        let mut byte = [0u8; 1];
        while !response.ends_with(b"\r\n\r\n") {
            if tokio::time::timeout(WAIT, stream.read(&mut byte)).await?? == 0 {
                return Err("no upgrade response".into());
            }
            response.push(byte[0]);
        }
        assert!(response.starts_with(b"HTTP/1.1 101"));
        // Binary, not final, 127-length form, zero mask.
        let first = limit - 1024;
        let mut frame = vec![0x02, 0x80 | 127];
        frame.extend_from_slice(&(first as u64).to_be_bytes());
        frame.extend_from_slice(&[0; 4]);
        frame.extend(std::iter::repeat_n(7u8, first));
        // Continuation, final, announcing a full limit more; no body follows.
        frame.extend_from_slice(&[0x80, 0x80 | 127]);
        frame.extend_from_slice(&(limit as u64).to_be_bytes());
        frame.extend_from_slice(&[0; 4]);
        stream.write_all(&frame).await?;
        attackers.push(stream);
    }
    for stream in &mut attackers {
        let mut close = [0u8; 4];
        tokio::time::timeout(WAIT, stream.read_exact(&mut close)).await??;
        // Close frame (its length byte covers the reason), code 1009.
        assert_eq!(
            [close[0], close[2], close[3]],
            [0x88, 0x03, 0xF1],
            "close 1009 at the header"
        );
    }
    let after = rss_kib_of(relay.child.id());
    eprintln!("relay RSS {before} KiB before, {after} KiB after 16 attackers");
    assert!(
        after.saturating_sub(before) < 48 * 1024,
        "relay grew from {before} to {after} KiB"
    );
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );
    let (mut ws, _) = connect_async(url.as_str()).await?;
    ws.send(Message::Binary(b"still here".to_vec().into()))
        .await?;
    let echoed = tokio::time::timeout(WAIT, ws.next()).await?;
    assert!(matches!(echoed, Some(Ok(Message::Binary(ref b))) if &b[..] == b"still here"));
    Ok(())
}
