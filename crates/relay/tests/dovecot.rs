//! Through the relay to a real Dovecot (webimap-testkit): the bytes of an IMAP session
//! reach the server and its answers come back unchanged. The test speaks raw IMAP; the
//! relay never parses it.

mod common;

use common::{Relay, TestResult, WAIT, config_allowing};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::{connect_async, tungstenite::Message};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads binary frames until the accumulated text contains `needle`.
async fn read_until(ws: &mut Ws, seen: &mut String, needle: &str) -> Result<(), String> {
    while !seen.contains(needle) {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Ok(Some(Ok(Message::Binary(data)))) => seen.push_str(&String::from_utf8_lossy(&data)),
            other => return Err(format!("waiting for {needle:?} after {seen:?}: {other:?}")),
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_session_through_the_relay_to_dovecot() -> TestResult {
    let dovecot =
        tokio::task::spawn_blocking(|| Dovecot::start(DovecotConfig::default())).await??;
    let target = format!("{}:{}", dovecot.host(), dovecot.imap_port());
    let mut config = config_allowing(&[target]);
    config.metrics = true;
    let relay = Relay::start(config).await?;
    let (mut ws, _) = connect_async(relay.ws_url(dovecot.host(), dovecot.imap_port())).await?;

    let mut seen = String::new();
    read_until(&mut ws, &mut seen, "\r\n").await?;
    assert!(seen.starts_with("* OK"), "greeting: {seen:?}");

    // Split a command across frames: the relay must not care about IMAP boundaries.
    let login = format!("a1 LOGIN {DEMO_USER} {DEMO_PASSWORD}\r\n");
    let (head, tail) = login.split_at(5);
    ws.send(Message::binary(head.as_bytes().to_vec())).await?;
    ws.send(Message::binary(tail.as_bytes().to_vec())).await?;
    let mut seen = String::new();
    read_until(&mut ws, &mut seen, "a1 OK").await?;

    // Two commands in one frame.
    ws.send(Message::binary(b"a2 SELECT INBOX\r\na3 NOOP\r\n".to_vec()))
        .await?;
    let mut seen = String::new();
    read_until(&mut ws, &mut seen, "a3 OK").await?;
    assert!(seen.contains(" EXISTS\r\n"), "{seen}");
    assert!(seen.contains("a2 OK"), "{seen}");

    ws.send(Message::binary(b"a4 LOGOUT\r\n".to_vec())).await?;
    let mut seen = String::new();
    read_until(&mut ws, &mut seen, "a4 OK").await?;
    assert!(seen.contains("* BYE"), "{seen}");
    // Dovecot closes the connection; the relay closes the WebSocket normally.
    let closed = loop {
        match tokio::time::timeout(WAIT, ws.next()).await? {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => return Err(format!("{other:?}").into()),
        }
    };
    assert_eq!(closed.map(|f| u16::from(f.code)), Some(1000));
    drop(dovecot);
    Ok(())
}
