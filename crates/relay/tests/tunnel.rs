//! End-to-end tests of `/relay`: a real relay on 127.0.0.1:0, tokio TCP servers as IMAP
//! stand-ins, tokio-tungstenite as the browser.

mod common;

use std::time::Duration;

use common::{
    EchoServer, Relay, TestResult, WAIT, closed_port, config_allowing, http_get, recording_server,
};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message, protocol::frame::coding::CloseCode},
};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads binary frames until `len` bytes arrived; fails on anything else.
async fn read_bytes(ws: &mut Ws, len: usize) -> Result<Vec<u8>, String> {
    let mut got = Vec::with_capacity(len);
    while got.len() < len {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Binary(data)))) => got.extend_from_slice(&data),
            other => return Err(format!("after {} bytes: {other:?}", got.len())),
        }
    }
    Ok(got)
}

/// The close frame the client receives next (skipping nothing else).
async fn next_close(ws: &mut Ws) -> Result<(CloseCode, String), String> {
    match tokio::time::timeout(WAIT, ws.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => Ok((frame.code, frame.reason.to_string())),
        other => Err(format!("expected a close frame, got {other:?}")),
    }
}

#[tokio::test]
async fn allowed_target_round_trips_bytes() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = Relay::start(config_allowing(&[echo.addr.to_string()])).await?;
    let (mut ws, response) = connect_async(relay.ws_url("127.0.0.1", echo.addr.port())).await?;
    assert_eq!(response.status(), 101);
    assert!(
        response.headers().get("sec-websocket-extensions").is_none(),
        "no extension (permessage-deflate) may be negotiated"
    );

    // Several frames, each echoed.
    for i in 0..5 {
        let line = format!("a{i} NOOP\r\n");
        ws.send(Message::binary(line.clone().into_bytes())).await?;
        assert_eq!(read_bytes(&mut ws, line.len()).await?, line.into_bytes());
    }

    // 1 MiB in one frame, echoed in (possibly many) frames.
    let big: Vec<u8> = (0..1u32 << 20).map(|i| (i * 7 + i / 251) as u8).collect();
    ws.send(Message::binary(big.clone())).await?;
    let back = read_bytes(&mut ws, big.len()).await?;
    assert!(back == big, "1 MiB payload came back altered");

    // 1 MiB in 64 frames of 16 KiB.
    for chunk in big.chunks(16 << 10) {
        ws.send(Message::binary(chunk.to_vec())).await?;
    }
    let back = read_bytes(&mut ws, big.len()).await?;
    assert!(back == big, "chunked 1 MiB payload came back altered");

    ws.close(None).await?;
    assert_eq!(echo.accepted(), 1);
    Ok(())
}

#[tokio::test]
async fn target_not_allowed_is_403_without_connecting() -> TestResult {
    let echo = EchoServer::start().await?;
    // Allowed: another port on the same host, and the same port under another name.
    let relay = Relay::start(config_allowing(&[
        format!("127.0.0.1:{}", echo.addr.port().wrapping_add(1).max(1)),
        format!("localhost:{}", echo.addr.port()),
    ]))
    .await?;
    for host in ["127.0.0.1", "127.0.0.2", "2130706433"] {
        match connect_async(relay.ws_url(host, echo.addr.port())).await {
            Err(WsError::Http(response)) => {
                assert_eq!(response.status(), 403, "{host}");
                let body = response.body().clone().unwrap_or_default();
                assert_eq!(
                    String::from_utf8_lossy(&body),
                    "forbidden: target not allowed\n"
                );
            }
            other => return Err(format!("{host}: expected 403, got {other:?}").into()),
        }
    }
    // Also as plain HTTP (no upgrade headers): still 403, decided before the upgrade check.
    let plain = http_get(
        relay.addr,
        &format!("/relay?host=127.0.0.1&port={}", echo.addr.port()),
        "",
    )
    .await?;
    assert_eq!(plain.status, 403);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        echo.accepted(),
        0,
        "the relay connected to a refused target"
    );
    Ok(())
}

#[tokio::test]
async fn bad_query_is_400() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = Relay::start(config_allowing(&[echo.addr.to_string()])).await?;
    let port = echo.addr.port();
    for query in [
        String::new(),
        "?host=127.0.0.1".to_owned(),
        format!("?port={port}"),
        "?host=127.0.0.1&port=0".to_owned(),
        "?host=127.0.0.1&port=99999".to_owned(),
        "?host=127.0.0.1&port=abc".to_owned(),
        format!("?host=bad%20host&port={port}"),
        format!("?host=&port={port}"),
        format!("?host=127.0.0.1&port={port}&port={port}"),
    ] {
        let url = format!("ws://{}/relay{query}", relay.addr);
        match connect_async(url).await {
            Err(WsError::Http(response)) => assert_eq!(response.status(), 400, "{query}"),
            other => return Err(format!("{query}: expected 400, got {other:?}").into()),
        }
    }
    assert_eq!(echo.accepted(), 0);
    Ok(())
}

#[tokio::test]
async fn upstream_close_closes_websocket() -> TestResult {
    let (addr, _seen) = recording_server(b"* OK hello\r\n", true).await?;
    let relay = Relay::start(config_allowing(&[addr.to_string()])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", addr.port())).await?;
    assert_eq!(read_bytes(&mut ws, 12).await?, b"* OK hello\r\n");
    let (code, _) = next_close(&mut ws).await?;
    assert_eq!(code, CloseCode::Normal);
    Ok(())
}

#[tokio::test]
async fn client_close_gives_upstream_eof() -> TestResult {
    let (addr, mut seen) = recording_server(b"* OK\r\n", false).await?;
    let relay = Relay::start(config_allowing(&[addr.to_string()])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", addr.port())).await?;
    assert_eq!(read_bytes(&mut ws, 6).await?, b"* OK\r\n");
    ws.send(Message::binary(b"a1 LOGOUT\r\n".to_vec())).await?;
    ws.close(None).await?;
    let all = tokio::time::timeout(WAIT, seen.recv()).await?;
    assert_eq!(
        all.as_deref(),
        Some(&b"a1 LOGOUT\r\n"[..]),
        "upstream did not see EOF"
    );
    Ok(())
}

#[tokio::test]
async fn text_frame_closes_with_policy_violation() -> TestResult {
    let (addr, mut seen) = recording_server(b"", false).await?;
    let relay = Relay::start(config_allowing(&[addr.to_string()])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", addr.port())).await?;
    ws.send(Message::text("a1 NOOP\r\n")).await?;
    let (code, reason) = next_close(&mut ws).await?;
    assert_eq!(code, CloseCode::Policy);
    assert!(reason.contains("binary"), "{reason}");
    let all = tokio::time::timeout(WAIT, seen.recv()).await?;
    assert_eq!(
        all.as_deref(),
        Some(&b""[..]),
        "text reached upstream, or no EOF"
    );
    Ok(())
}

#[tokio::test]
async fn unreachable_upstream_closes_with_reason() -> TestResult {
    let port = closed_port().await?;
    let relay = Relay::start(config_allowing(&[format!("127.0.0.1:{port}")])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", port)).await?;
    let (code, reason) = next_close(&mut ws).await?;
    assert_eq!(code, CloseCode::Error);
    assert_eq!(reason, "upstream unreachable");
    Ok(())
}

#[tokio::test]
async fn shutdown_closes_open_tunnels_and_run_returns() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut relay = Relay::start(config_allowing(&[echo.addr.to_string()])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", echo.addr.port())).await?;
    ws.send(Message::binary(b"x".to_vec())).await?;
    assert_eq!(read_bytes(&mut ws, 1).await?, b"x");
    relay.shutdown();
    let (code, _) = next_close(&mut ws).await?;
    assert_eq!(code, CloseCode::Away);
    drop(ws);
    let result = tokio::time::timeout(WAIT, &mut relay.handle).await??;
    assert!(result.is_ok(), "{result:?}");
    Ok(())
}
