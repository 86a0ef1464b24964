//! Slowloris, half-close, a vanishing client, a slow reader, SIGTERM drain and file
//! descriptor hygiene, end to end.

mod common;

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use common::{Binary, EchoServer, Relay, TestResult, WAIT, config_allowing, http_get};
use futures::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_tungstenite::{
    client_async, connect_async,
    tungstenite::{Message, protocol::frame::coding::CloseCode},
};

fn sample(text: &str, series: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Waits (bounded) until `/metrics` shows no open tunnel.
async fn wait_for_no_open_tunnels(relay: SocketAddr) -> Result<(), String> {
    tokio::time::timeout(WAIT, async {
        loop {
            let text = http_get(relay, "/metrics", "")
                .await
                .map(|r| r.text())
                .unwrap_or_default();
            if sample(&text, "webimap_relay_tunnels_open") == Some(0) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .map_err(|_| "a tunnel stayed open".to_owned())
}

#[tokio::test]
async fn slow_request_head_is_cut_off() -> TestResult {
    let mut config = webimap_relay::Config::default();
    config.limits.handshake_timeout = Duration::from_millis(800);
    let relay = Relay::start(config).await?;

    // Byte by byte, 50 ms apart: the head would take ~2 s to arrive.
    let mut stream = TcpStream::connect(relay.addr).await?;
    let head = b"GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Slow: aaaaaaaaaaaaaaaaaa\r\n\r\n";
    let started = Instant::now();
    let mut cut_at = None;
    for (i, byte) in head.iter().enumerate() {
        if stream.write_all(&[*byte]).await.is_err() {
            cut_at = Some(i);
            break;
        }
        // The relay may already have closed: a read returns EOF (or an error).
        let mut probe = [0u8; 256];
        if let Ok(read) =
            tokio::time::timeout(Duration::from_millis(50), stream.read(&mut probe)).await
        {
            assert!(
                !matches!(read, Ok(n) if n > 0 && probe.starts_with(b"HTTP/1.1 200")),
                "the slow request was served"
            );
            cut_at = Some(i);
            break;
        }
    }
    let elapsed = started.elapsed();
    let cut_at = cut_at.ok_or("the relay waited for the whole slow head")?;
    assert!(cut_at < head.len() - 1, "cut only at the end");
    assert!(
        elapsed >= Duration::from_millis(700) && elapsed < Duration::from_secs(3),
        "cut after {elapsed:?}"
    );

    // A connection that sends nothing at all is closed too.
    let mut silent = TcpStream::connect(relay.addr).await?;
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(WAIT, silent.read(&mut buf)).await?;
    assert!(!matches!(read, Ok(n) if n > 0 && !buf.starts_with(b"HTTP/1.1 408")));
    assert!(started.elapsed() < Duration::from_secs(3));

    // A normal request still works.
    assert_eq!(http_get(relay.addr, "/healthz", "").await?.status, 200);
    Ok(())
}

#[tokio::test]
async fn huge_request_head_gets_431() -> TestResult {
    let relay = Relay::start(webimap_relay::Config::default()).await?;
    let big = format!("X-Big: {}\r\n", "a".repeat(64 << 10));
    let response = http_get(relay.addr, "/healthz", &big).await?;
    assert_eq!(response.status, 431);
    // Many small headers, same total.
    let many: String = (0..2000).map(|i| format!("X-H{i}: {i:030}\r\n")).collect();
    let status = http_get(relay.addr, "/healthz", &many)
        .await
        .map(|r| r.status)
        .unwrap_or(0);
    assert!(status == 431 || status == 0, "got {status}");
    // Just under the default cap is fine.
    let fits = format!("X-Fits: {}\r\n", "a".repeat(12 << 10));
    assert_eq!(http_get(relay.addr, "/healthz", &fits).await?.status, 200);
    Ok(())
}

#[tokio::test]
async fn half_close_delivers_what_the_browser_sends_after_server_eof() -> TestResult {
    // The server ends its sending side at once but keeps reading until EOF.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let server_addr = listener.local_addr()?;
    let (tx, mut rx) = mpsc::channel(1);
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(b"* BYE\r\n").await;
            let _ = stream.shutdown().await;
            let mut all = Vec::new();
            let _ = stream.read_to_end(&mut all).await;
            let _ = tx.send(all).await;
        }
    });
    let relay = Relay::start(config_allowing(&[server_addr.to_string()])).await?;
    let (mut ws, _) = connect_async(relay.ws_url("127.0.0.1", server_addr.port())).await?;
    // By now the server's EOF has reached the relay and its close frame waits unread.
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws.send(Message::binary(b"a1 LOGOUT\r\n".to_vec())).await?;
    ws.send(Message::binary(b"late\r\n".to_vec())).await?;
    let mut got = Vec::new();
    let close = loop {
        match tokio::time::timeout(WAIT, ws.next()).await? {
            Some(Ok(Message::Binary(data))) => got.extend_from_slice(&data),
            Some(Ok(Message::Close(frame))) => break frame,
            other => return Err(format!("unexpected {other:?}").into()),
        }
    };
    assert_eq!(got, b"* BYE\r\n");
    assert_eq!(close.map(|f| f.code), Some(CloseCode::Normal));
    let _ = tokio::time::timeout(WAIT, ws.next()).await;
    let seen = tokio::time::timeout(WAIT, rx.recv())
        .await?
        .unwrap_or_default();
    assert_eq!(seen, b"a1 LOGOUT\r\nlate\r\n");
    Ok(())
}

/// A server that writes `limit` bytes (or until the peer is gone) to its first
/// connection; `written` counts them. Reports how the writing ended.
async fn source_server(
    limit: u64,
    written: Arc<AtomicU64>,
) -> std::io::Result<(SocketAddr, mpsc::Receiver<std::io::Result<()>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let chunk = vec![0x5au8; 256 << 10];
            let result = async {
                while written.load(Ordering::Relaxed) < limit {
                    stream.write_all(&chunk).await?;
                    written.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
                Ok(())
            }
            .await;
            let _ = tx.send(result).await;
        }
    });
    Ok((addr, rx))
}

#[tokio::test]
async fn client_reset_mid_transfer_closes_upstream_and_ends_the_task() -> TestResult {
    let written = Arc::new(AtomicU64::new(0));
    let (server, mut ended) = source_server(u64::MAX, written.clone()).await?;
    let mut config = config_allowing(&[server.to_string()]);
    config.metrics = true;
    let relay = Relay::start(config).await?;

    let tcp = TcpStream::connect(relay.addr).await?;
    let url = relay.ws_url("127.0.0.1", server.port());
    let (mut ws, _) = client_async(url.as_str(), tcp).await?;
    let mut received = 0usize;
    while received < 4 << 20 {
        match tokio::time::timeout(WAIT, ws.next()).await? {
            Some(Ok(Message::Binary(data))) => received += data.len(),
            other => return Err(format!("unexpected {other:?}").into()),
        }
    }
    // Vanish: RST instead of FIN, no close frame.
    #[allow(deprecated)]
    ws.get_ref().set_linger(Some(Duration::ZERO))?;
    drop(ws);

    let result = tokio::time::timeout(WAIT, ended.recv()).await?;
    assert!(
        matches!(result, Some(Err(_))),
        "the server kept its connection: {result:?}"
    );
    wait_for_no_open_tunnels(relay.addr).await?;
    Ok(())
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn slow_reader_keeps_memory_bounded() -> TestResult {
    const PUSH: u64 = 256 << 20;
    let written = Arc::new(AtomicU64::new(0));
    let (server, _ended) = source_server(PUSH, written.clone()).await?;
    let relay = Relay::start(config_allowing(&[server.to_string()])).await?;
    let before = rss_kib();
    // Connect, then never read.
    let (ws, _) = connect_async(relay.ws_url("127.0.0.1", server.port())).await?;

    // Wait until the server's writes stop making progress.
    let mut last = 0;
    let deadline = Instant::now() + WAIT;
    loop {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = written.load(Ordering::Relaxed);
        if (now == last && now > 0) || Instant::now() > deadline {
            break;
        }
        last = now;
    }
    let stalled_at = written.load(Ordering::Relaxed);
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    assert!(
        stalled_at < 64 << 20,
        "the server wrote {} MiB into a tunnel nobody reads",
        stalled_at >> 20
    );
    assert!(grown_mib < 48, "RSS grew by {grown_mib} MiB");
    eprintln!(
        "slow reader: server stalled after {} MiB; RSS grew {grown_mib} MiB",
        stalled_at >> 20
    );
    drop(ws);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_tunnels_and_exits_zero() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut relay = Binary::start(&["--allow", &echo.addr.to_string()], &[])?;
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );
    let (mut a, _) = connect_async(url.as_str()).await?;
    let (mut b, _) = connect_async(url.as_str()).await?;
    a.send(Message::binary(b"x".to_vec())).await?;
    assert!(matches!(
        tokio::time::timeout(WAIT, a.next()).await?,
        Some(Ok(Message::Binary(_)))
    ));
    let started = Instant::now();
    relay.terminate()?;
    for ws in [&mut a, &mut b] {
        match tokio::time::timeout(WAIT, ws.next()).await? {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Away);
            }
            other => return Err(format!("expected a close frame, got {other:?}").into()),
        }
    }
    // Answer the close (as browsers do) on one tunnel only; the other is left hanging.
    let _ = a.close(None).await;
    let status = tokio::task::block_in_place(|| relay.wait(Duration::from_secs(10)))?;
    assert!(status.success(), "exit status {status:?}\n{}", relay.log());
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "drain took {:?}",
        started.elapsed()
    );
    assert!(relay.log().contains("relay stopped"));
    Ok(())
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_file_descriptors_left_after_10000_connections() -> TestResult {
    let echo = EchoServer::start().await?;
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.metrics = true;
    let relay = Relay::start(config).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let one = || async {
        let (mut ws, _) = connect_async(url.as_str()).await?;
        ws.send(Message::binary(b"a".to_vec())).await?;
        let _ = ws.next().await;
        ws.close(None).await?;
        while let Some(Ok(_)) = ws.next().await {}
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    };
    for _ in 0..20 {
        one().await?;
    }
    wait_for_no_open_tunnels(relay.addr).await?;
    let before = open_fds();
    let started = Instant::now();
    for i in 0..10_000 {
        one().await.map_err(|e| format!("connection {i}: {e}"))?;
    }
    let elapsed = started.elapsed();
    wait_for_no_open_tunnels(relay.addr).await?;
    // Server-side sockets close asynchronously; give them a moment.
    let mut after = open_fds();
    for _ in 0..50 {
        if after <= before + 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        after = open_fds();
    }
    assert!(after <= before + 2, "fds before {before}, after {after}");
    assert!(elapsed < Duration::from_secs(90), "took {elapsed:?}");
    eprintln!("10,000 tunnels in {elapsed:?}; fds {before} -> {after}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_without_tls_does_not_stop_the_relay() -> TestResult {
    let mut relay = Binary::start(&[], &[])?;
    let pid = rustix::process::Pid::from_raw(relay.child.id() as i32).ok_or("pid")?;
    rustix::process::kill_process(pid, rustix::process::Signal::HUP)?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        relay.child.try_wait()?.is_none(),
        "relay exited:\n{}",
        relay.log()
    );
    assert_eq!(http_get(relay.addr, "/healthz", "").await?.status, 200);
    assert!(
        relay.log().contains("SIGHUP: nothing to reload"),
        "{}",
        relay.log()
    );
    Ok(())
}

#[tokio::test]
async fn connections_beyond_the_http_cap_are_closed_at_once() -> TestResult {
    let mut config = webimap_relay::Config::default();
    config.limits.max_http_connections = 2;
    config.limits.handshake_timeout = Duration::from_secs(2);
    let relay = Relay::start(config).await?;
    // Two slow clients hold both places.
    let _a = TcpStream::connect(relay.addr).await?;
    let _b = TcpStream::connect(relay.addr).await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(relay.addr).await?;
    let mut buf = [0u8; 16];
    let started = Instant::now();
    let read = tokio::time::timeout(WAIT, third.read(&mut buf)).await?;
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "not closed at once"
    );
    // Once they time out, there is room again.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(http_get(relay.addr, "/healthz", "").await?.status, 200);
    Ok(())
}
