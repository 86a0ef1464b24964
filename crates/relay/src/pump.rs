//! The byte pump: moves bytes between the browser's WebSocket and the server's TCP
//! connection until either side ends, then closes the other with the fitting close code.
//!
//! Nothing is buffered beyond one chunk per direction, so a slow reader on either side
//! slows the writer on the other; the bytes are never looked at.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use tokio::{io::AsyncWriteExt, net::TcpStream, sync::Notify, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{metrics::Metrics, ws};

/// Close code for a failed upstream: 1011 "internal error". (1014 "bad gateway" would fit
/// better, but some WebSocket clients, tungstenite among them, reject it as reserved.)
pub(crate) const CLOSE_UPSTREAM_FAILED: u16 = ws::code::ERROR;
/// Smallest read from the server (grows towards `read_chunk_size` during bulk transfers).
const MIN_READ: usize = 16 << 10;
/// Bound on sending the final close frame and shutting the TCP side.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// How a pumped tunnel ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The server closed the TCP connection (EOF).
    UpstreamClosed,
    /// Reading from or writing to the server failed.
    UpstreamError,
    /// The browser sent a close frame.
    ClientClosed,
    /// The WebSocket ended without a close frame, or failed.
    ClientError,
    /// The browser sent a text frame: only binary frames are carried.
    TextFrame,
    /// The relay is shutting down.
    Shutdown,
    /// No data either way for the idle timeout.
    Idle,
}

/// How [`pump`] behaves.
#[derive(Debug, Clone)]
pub(crate) struct PumpOptions {
    /// Largest read from upstream, hence largest frame to the client.
    pub(crate) read_chunk_size: usize,
    /// Close after this long without data either way.
    pub(crate) idle_timeout: Duration,
    /// Ping the client this often; zero disables.
    pub(crate) ping_interval: Duration,
}

/// What [`pump`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PumpReport {
    pub(crate) ending: Ending,
    pub(crate) bytes_to_upstream: u64,
    pub(crate) bytes_to_client: u64,
}

/// Moves bytes between the browser's WebSocket and a TCP connection until either side
/// closes, then closes the other.
///
/// Each binary message is written to `upstream` whole before the next is read, and each
/// read from `upstream` (at most `read_chunk_size` bytes) is sent as one binary frame
/// before the next read: nothing is buffered beyond one chunk per direction, so a slow
/// reader on either side slows the writer on the other. The read buffer (or, when
/// splicing, the pipe) exists only during bulk transfers, so an idle tunnel holds none.
///
/// Pings are answered with a pong (only the latest unanswered ping: a flood of pings costs
/// at most one pong per frame sent); protocol errors close with 1002, oversized messages
/// with 1009.
///
/// Half-close: when the server ends its side (TCP EOF), the browser gets a close frame,
/// but what the browser still sends until it answers that close (bounded by
/// [`CLOSE_TIMEOUT`]) is delivered to the server before the relay ends the server's side.
pub(crate) async fn pump<R, W>(
    mut ws_tx: ws::Writer<W>,
    mut ws_rx: ws::Reader<R>,
    upstream: TcpStream,
    options: &PumpOptions,
    metrics: &Metrics,
    shutdown: CancellationToken,
) -> PumpReport
where
    R: ws::ClientRead,
    W: ws::ClientWrite,
{
    let (up_rx, mut up_tx) = upstream.into_split();
    let mut bytes_to_upstream = 0u64;
    let mut bytes_to_client = 0u64;
    // Milliseconds from `started` to the last data in either direction. An atomic, not a
    // Cell, so the pump future stays Send.
    let started = Instant::now();
    let last_data = AtomicU64::new(0);
    let touch = || {
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        last_data.store(ms, Ordering::Relaxed);
    };
    let upstream_eof = AtomicBool::new(false);
    // The latest ping to answer, handed from the reading to the writing side.
    let pong = Mutex::new(None::<Bytes>);
    let pong_due = Notify::new();
    let mut client_close = None::<u16>;
    let mut violation = None::<(u16, &'static str)>;

    let ending = {
        let client_to_upstream = async {
            loop {
                match ws_rx.next().await {
                    Ok(ws::Message::Binary(data)) => {
                        if let Err(error) = up_tx.write_all(&data).await {
                            tracing::debug!(%error, "write to upstream failed");
                            return Ending::UpstreamError;
                        }
                        touch();
                        bytes_to_upstream += data.len() as u64;
                        metrics.add_to_upstream(data.len());
                    }
                    Ok(ws::Message::Text) => return Ending::TextFrame,
                    Ok(ws::Message::Close(code)) => {
                        client_close = code;
                        return Ending::ClientClosed;
                    }
                    Ok(ws::Message::Ping(data)) => {
                        if let Ok(mut slot) = pong.lock() {
                            *slot = Some(data);
                        }
                        pong_due.notify_one();
                    }
                    Ok(ws::Message::Pong) => {}
                    Err(error) => {
                        tracing::debug!(%error, "WebSocket read failed");
                        violation = error.close_code();
                        return Ending::ClientError;
                    }
                }
            }
        };
        let upstream_to_client = async {
            // Adaptive read size: small for interactive traffic, doubling while reads
            // fill the buffer (bulk transfer) up to the configured chunk size.
            let chunk = options.read_chunk_size.max(1);
            let mut next = MIN_READ.min(chunk);
            let interval = options.ping_interval;
            let mut ping = (!interval.is_zero())
                .then(|| tokio::time::interval_at(Instant::now() + interval, interval));
            loop {
                let tick = async {
                    match ping.as_mut() {
                        Some(ping) => {
                            ping.tick().await;
                        }
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    ready = up_rx.readable() => {
                        if let Err(error) = ready {
                            tracing::debug!(%error, "upstream not readable");
                            return Ending::UpstreamError;
                        }
                        match ws_tx.forward(up_rx.as_ref(), next).await {
                            Ok(0) => break,
                            Ok(n) => {
                                if n >= next {
                                    next = (next * 2).min(chunk);
                                } else if n < next / 4 {
                                    next = (next / 2).max(MIN_READ.min(chunk));
                                }
                                touch();
                                bytes_to_client += n as u64;
                                metrics.add_to_client(n);
                            }
                            Err(ws::ForwardError::Upstream(error))
                                if error.kind() == std::io::ErrorKind::WouldBlock => {}
                            Err(ws::ForwardError::Upstream(error)) => {
                                tracing::debug!(%error, "read from upstream failed");
                                return Ending::UpstreamError;
                            }
                            Err(ws::ForwardError::Client(error)) => {
                                tracing::debug!(%error, "write to client failed");
                                return Ending::ClientError;
                            }
                        }
                    }
                    () = tick => {
                        if ws_tx.control(ws::OP_PING, &[]).await.is_err() {
                            return Ending::ClientError;
                        }
                    }
                    () = pong_due.notified() => {
                        let data = pong.lock().ok().and_then(|mut slot| slot.take());
                        if let Some(data) = data
                            && ws_tx.control(ws::OP_PONG, &data).await.is_err()
                        {
                            return Ending::ClientError;
                        }
                    }
                }
            }
            // Upstream EOF: close towards the browser, then give it time to answer while
            // its last frames still go upstream.
            upstream_eof.store(true, Ordering::Relaxed);
            close_client(&mut ws_tx, ws::code::NORMAL, "upstream closed").await;
            tokio::time::sleep(CLOSE_TIMEOUT).await;
            Ending::UpstreamClosed
        };
        let idle = async {
            loop {
                let last = Duration::from_millis(last_data.load(Ordering::Relaxed));
                let deadline = started + last + options.idle_timeout;
                if Instant::now() >= deadline {
                    if upstream_eof.load(Ordering::Relaxed) {
                        // Closing already; the close timeout bounds it.
                        return std::future::pending().await;
                    }
                    return Ending::Idle;
                }
                tokio::time::sleep_until(deadline).await;
            }
        };
        tokio::select! {
            ending = client_to_upstream => ending,
            ending = upstream_to_client => ending,
            ending = idle => ending,
            () = shutdown.cancelled() => Ending::Shutdown,
        }
    };
    let upstream_closed_first = upstream_eof.load(Ordering::Relaxed);

    match ending {
        _ if upstream_closed_first => {}
        Ending::UpstreamClosed => {}
        Ending::UpstreamError => {
            close_client(&mut ws_tx, CLOSE_UPSTREAM_FAILED, "upstream error").await;
        }
        Ending::TextFrame => {
            close_client(&mut ws_tx, ws::code::POLICY, "binary frames only").await;
        }
        Ending::Shutdown => {
            close_client(&mut ws_tx, ws::code::AWAY, "relay shutting down").await;
        }
        Ending::Idle => close_client(&mut ws_tx, ws::code::NORMAL, "idle timeout").await,
        // Answer the browser's close frame with its code (RFC 6455 §5.5.1).
        Ending::ClientClosed => {
            let payload = client_close.map(u16::to_be_bytes);
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
                let _ = ws_tx
                    .control(ws::OP_CLOSE, payload.as_ref().map_or(&[][..], |p| &p[..]))
                    .await;
                let _ = ws_tx.shutdown().await;
            })
            .await;
        }
        Ending::ClientError => {
            if let Some((code, reason)) = violation {
                close_client(&mut ws_tx, code, reason).await;
            }
        }
    }
    // TCP FIN towards the server; errors mean it is gone already. Dropping the halves
    // then closes the socket.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, up_tx.shutdown()).await;
    PumpReport {
        ending: if upstream_closed_first {
            Ending::UpstreamClosed
        } else {
            ending
        },
        bytes_to_upstream,
        bytes_to_client,
    }
}

/// Sends a close frame and ends the browser connection's sending side, bounded by
/// [`CLOSE_TIMEOUT`]; errors mean the client is gone already.
pub(crate) async fn close_client<W: ws::ClientWrite>(
    ws_tx: &mut ws::Writer<W>,
    code: u16,
    reason: &str,
) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
        let _ = ws_tx.close(code, reason).await;
        let _ = ws_tx.shutdown().await;
    })
    .await;
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use futures::{
        SinkExt, StreamExt,
        stream::{SplitSink, SplitStream},
    };
    use tokio::{io::AsyncReadExt, net::TcpListener};
    use tokio_tungstenite::{
        WebSocketStream,
        tungstenite::{Message, protocol::Role},
    };

    use super::*;

    type Client = WebSocketStream<TcpStream>;
    type ClientTx = SplitSink<Client, Message>;
    type ClientRx = SplitStream<Client>;

    /// A connected loopback TCP pair: the connecting end, the accepted end.
    async fn tcp_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (relay, server) = tokio::join!(TcpStream::connect(addr), listener.accept());
        (relay.expect("connect"), server.expect("accept").0)
    }

    /// Starts a pump between a tungstenite client (the "browser") and a TCP server end.
    async fn start(
        chunk: usize,
    ) -> (
        ClientTx,
        ClientRx,
        TcpStream,
        CancellationToken,
        tokio::task::JoinHandle<PumpReport>,
    ) {
        start_with(PumpOptions {
            read_chunk_size: chunk,
            idle_timeout: Duration::from_secs(3600),
            ping_interval: Duration::ZERO,
        })
        .await
    }

    async fn start_with(
        options: PumpOptions,
    ) -> (
        ClientTx,
        ClientRx,
        TcpStream,
        CancellationToken,
        tokio::task::JoinHandle<PumpReport>,
    ) {
        let (browser, relay_side) = tcp_pair().await;
        let (relay_up, server_end) = tcp_pair().await;
        let (read, write) = relay_side.into_split();
        let limits = ws::ReadLimits {
            read_size: 4096,
            max_frame: 1 << 20,
            max_message: 1 << 20,
        };
        let reader = ws::Reader::new(read, Bytes::new(), limits);
        let writer = ws::Writer::new(write);
        let token = CancellationToken::new();
        let cancel = token.clone();
        let handle = tokio::spawn(async move {
            let metrics = Metrics::default();
            pump(writer, reader, relay_up, &options, &metrics, cancel).await
        });
        let client = WebSocketStream::from_raw_socket(browser, Role::Client, None).await;
        let (client_tx, client_rx) = client.split();
        (client_tx, client_rx, server_end, token, handle)
    }

    fn close_code_of(msg: Option<Result<Message, impl fmt::Debug>>) -> Option<u16> {
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => Some(frame.code.into()),
            _ => None,
        }
    }

    fn binary(data: &'static [u8]) -> Message {
        Message::binary(Bytes::from_static(data))
    }

    #[tokio::test]
    async fn bytes_flow_both_ways_and_upstream_eof_closes_client() {
        let (mut client_tx, mut client_rx, mut server, _token, handle) = start(1024).await;
        client_tx.send(binary(b"a1 NOOP\r\n")).await.ok();
        let mut got = [0u8; 9];
        server.read_exact(&mut got).await.ok();
        assert_eq!(&got, b"a1 NOOP\r\n");

        server.write_all(b"a1 OK done\r\n").await.ok();
        assert_eq!(
            client_rx.next().await.and_then(Result::ok),
            Some(binary(b"a1 OK done\r\n"))
        );
        drop(server);
        assert_eq!(
            close_code_of(client_rx.next().await),
            Some(ws::code::NORMAL)
        );
        // Reading on flushes tungstenite's answer to the close.
        let _ = client_rx.next().await;
        let report = handle.await.ok();
        assert_eq!(
            report,
            Some(PumpReport {
                ending: Ending::UpstreamClosed,
                bytes_to_upstream: 9,
                bytes_to_client: 12
            })
        );
    }

    /// Interactive traffic: every server write is a short read for the relay, after which
    /// it waits on epoll without a further read. No write may be left unread by that:
    /// 2,000 round trips of varying size (up to 700 bytes more), each within a deadline.
    #[tokio::test]
    async fn short_reads_never_strand_server_data() {
        let (mut client_tx, mut client_rx, mut server, _token, _handle) = start(64 << 10).await;
        for i in 0..2_000usize {
            let line = format!("* {i} EXISTS{}\r\n", "x".repeat(i % 700));
            client_tx.send(binary(b"a NOOP\r\n")).await.ok();
            let mut got = [0u8; 8];
            server.read_exact(&mut got).await.ok();
            server.write_all(line.as_bytes()).await.ok();
            let mut back = Vec::new();
            while back.len() < line.len() {
                match tokio::time::timeout(Duration::from_secs(5), client_rx.next()).await {
                    Ok(Some(Ok(Message::Binary(b)))) => back.extend_from_slice(&b),
                    other => panic!("round trip {i}: {other:?}"),
                }
            }
            assert_eq!(back, line.as_bytes(), "round trip {i}");
        }
    }

    #[tokio::test]
    async fn reads_are_split_into_chunk_sized_frames() {
        let (_client_tx, mut client_rx, mut server, _token, _handle) = start(4).await;
        server.write_all(b"0123456789").await.ok();
        let mut sizes = Vec::new();
        let mut total = 0;
        while total < 10 {
            match client_rx.next().await {
                Some(Ok(Message::Binary(b))) => {
                    sizes.push(b.len());
                    total += b.len();
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(sizes.iter().all(|&s| s <= 4), "{sizes:?}");
    }

    /// A bulk download arrives intact and counted, in small and in large frames.
    #[tokio::test]
    async fn bulk_download_is_intact() {
        for chunk in [4 << 10, 256 << 10] {
            let options = PumpOptions {
                read_chunk_size: chunk,
                idle_timeout: Duration::from_secs(3600),
                ping_interval: Duration::ZERO,
            };
            let (_client_tx, mut client_rx, mut server, _token, handle) = start_with(options).await;
            let data: Vec<u8> = (0..8u32 << 20).map(|i| (i % 251) as u8).collect();
            let expected = data.clone();
            let writer = tokio::spawn(async move {
                server.write_all(&data).await.ok();
                drop(server);
            });
            let mut got = Vec::new();
            loop {
                match client_rx.next().await {
                    Some(Ok(Message::Binary(b))) => got.extend_from_slice(&b),
                    Some(Ok(Message::Close(_))) => break,
                    other => panic!("unexpected {other:?}"),
                }
            }
            let _ = client_rx.next().await;
            writer.await.ok();
            assert!(got == expected, "chunk {chunk}: corrupted");
            let report = handle.await.ok();
            assert_eq!(report.map(|r| r.bytes_to_client), Some(8 << 20));
        }
    }

    #[tokio::test]
    async fn pings_get_pongs_and_fragments_are_joined() {
        let (mut client_tx, mut client_rx, mut server, _token, _handle) = start(1024).await;
        client_tx
            .send(Message::Ping(Bytes::from_static(b"hi")))
            .await
            .ok();
        assert_eq!(
            client_rx.next().await.and_then(Result::ok),
            Some(Message::Pong(Bytes::from_static(b"hi")))
        );
        client_tx
            .send(Message::Frame(
                tokio_tungstenite::tungstenite::protocol::frame::Frame::message(
                    Bytes::from_static(b"ab"),
                    tokio_tungstenite::tungstenite::protocol::frame::coding::OpCode::Data(
                        tokio_tungstenite::tungstenite::protocol::frame::coding::Data::Binary,
                    ),
                    false,
                ),
            ))
            .await
            .ok();
        client_tx
            .send(Message::Frame(
                tokio_tungstenite::tungstenite::protocol::frame::Frame::message(
                    Bytes::from_static(b"cd"),
                    tokio_tungstenite::tungstenite::protocol::frame::coding::OpCode::Data(
                        tokio_tungstenite::tungstenite::protocol::frame::coding::Data::Continue,
                    ),
                    true,
                ),
            ))
            .await
            .ok();
        let mut got = [0u8; 4];
        server.read_exact(&mut got).await.ok();
        assert_eq!(&got, b"abcd");
    }

    #[tokio::test]
    async fn oversized_frame_closes_with_1009() {
        let (mut client_tx, mut client_rx, _server, _token, handle) = start(1024).await;
        let _ = client_tx.send(Message::binary(vec![0u8; 2 << 20])).await;
        assert_eq!(
            close_code_of(client_rx.next().await),
            Some(ws::code::TOO_BIG)
        );
        assert_eq!(
            handle.await.ok().map(|r| r.ending),
            Some(Ending::ClientError)
        );
    }

    #[tokio::test]
    async fn text_frame_closes_with_policy_violation() {
        let (mut client_tx, mut client_rx, mut server, _token, handle) = start(1024).await;
        client_tx.send(Message::text("a1 NOOP")).await.ok();
        assert_eq!(
            close_code_of(client_rx.next().await),
            Some(ws::code::POLICY)
        );
        let mut rest = Vec::new();
        server.read_to_end(&mut rest).await.ok();
        assert!(rest.is_empty(), "text frame bytes reached upstream");
        assert_eq!(handle.await.ok().map(|r| r.ending), Some(Ending::TextFrame));
    }

    #[tokio::test]
    async fn client_close_shuts_upstream() {
        let (mut client_tx, mut client_rx, mut server, _token, handle) = start(1024).await;
        client_tx.send(binary(b"x")).await.ok();
        client_tx.send(Message::Close(None)).await.ok();
        let mut rest = Vec::new();
        let eof = tokio::time::timeout(Duration::from_secs(5), server.read_to_end(&mut rest)).await;
        assert!(matches!(eof, Ok(Ok(1))), "{eof:?}");
        assert!(matches!(
            client_rx.next().await,
            Some(Ok(Message::Close(None)))
        ));
        assert_eq!(
            handle.await.ok().map(|r| r.ending),
            Some(Ending::ClientClosed)
        );
    }

    #[tokio::test]
    async fn shutdown_closes_with_going_away() {
        let (_client_tx, mut client_rx, _server, token, handle) = start(1024).await;
        token.cancel();
        assert_eq!(close_code_of(client_rx.next().await), Some(ws::code::AWAY));
        assert_eq!(handle.await.ok().map(|r| r.ending), Some(Ending::Shutdown));
    }

    #[tokio::test]
    async fn slow_client_stalls_upstream_reads() {
        // The client never reads: after the kernel buffers and one chunk in flight, the
        // pump must stop reading, so the server's large write cannot complete.
        let (_client_tx, _client_rx, mut server, _token, _handle) = start(1024).await;
        let big = vec![7u8; 64 << 20];
        let write = tokio::time::timeout(Duration::from_millis(300), server.write_all(&big)).await;
        assert!(
            write.is_err(),
            "64 MiB were absorbed without a reader: unbounded buffering"
        );
    }

    #[tokio::test]
    async fn slow_server_stalls_client_frames() {
        // The server never reads: the pump must stop taking frames from the client.
        let (mut client_tx, _client_rx, _server, _token, _handle) = start(1024).await;
        let sends = async {
            for _ in 0..1024 {
                client_tx
                    .send(Message::binary(vec![1u8; 64 << 10]))
                    .await
                    .ok();
            }
        };
        let done = tokio::time::timeout(Duration::from_millis(300), sends).await;
        assert!(
            done.is_err(),
            "64 MiB of frames were absorbed without a reader"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_tunnel_is_closed_but_active_one_is_not() {
        let options = PumpOptions {
            read_chunk_size: 1024,
            idle_timeout: Duration::from_secs(35 * 60),
            ping_interval: Duration::ZERO,
        };
        let (mut client_tx, mut client_rx, mut server, _token, handle) = start_with(options).await;
        // Traffic every 20 minutes keeps it open past the 35-minute mark.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(20 * 60)).await;
            client_tx.send(binary(b"x")).await.ok();
            let mut got = [0u8; 1];
            server.read_exact(&mut got).await.ok();
        }
        assert!(!handle.is_finished(), "closed although active");
        let before = Instant::now();
        assert_eq!(
            close_code_of(client_rx.next().await),
            Some(ws::code::NORMAL)
        );
        let waited = before.elapsed();
        assert!(waited >= Duration::from_secs(35 * 60 - 1), "{waited:?}");
        assert_eq!(handle.await.ok().map(|r| r.ending), Some(Ending::Idle));
    }

    #[tokio::test(start_paused = true)]
    async fn pings_the_client_on_schedule() {
        let options = PumpOptions {
            read_chunk_size: 1024,
            idle_timeout: Duration::from_secs(3600),
            ping_interval: Duration::from_secs(30),
        };
        let (_client_tx, mut client_rx, _server, _token, _handle) = start_with(options).await;
        let before = Instant::now();
        for _ in 0..3 {
            assert!(matches!(client_rx.next().await, Some(Ok(Message::Ping(_)))));
        }
        let waited = before.elapsed();
        assert!(
            waited >= Duration::from_secs(90) && waited < Duration::from_secs(91),
            "{waited:?}"
        );
    }
}
