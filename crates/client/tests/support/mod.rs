//! Shared by the native integration tests: a real Dovecot, an in-process relay, and a
//! WebSocket client (tokio-tungstenite) seen as a futures-io byte stream, as the browser's is.

#![allow(dead_code, unreachable_pub)]

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    task::{Context, Poll, ready},
};

use futures::{
    Sink, Stream,
    io::{AsyncRead, AsyncWrite},
};
use tokio::{net::TcpListener, sync::oneshot};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite::Message};
use webimap_relay::{
    Config,
    policy::{AllowRule, Policy},
};

/// Runs a future with a 30-second limit: a hang is a test failure, not a stuck run.
pub async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(30), f)
        .await
        .expect("no hang")
}

/// Connection options for the testkit Dovecot's private CA.
pub fn tls_options(
    dovecot: &webimap_testkit::Dovecot,
    host: &str,
    security: webimap_client::Security,
) -> webimap_client::ConnectOptions {
    let mut options = webimap_client::ConnectOptions::new(host, security);
    options.tls = Some(webimap_client::tls::client_config(Some(dovecot.ca_pem())).expect("CA"));
    options
}

/// Opens a session on `127.0.0.1:port` with the given options.
pub async fn open_tcp(
    port: u16,
    options: &webimap_client::ConnectOptions,
) -> Result<
    webimap_client::Client<webimap_client::transport::tcp::TcpTransport>,
    webimap_client::ClientError,
> {
    let stream = webimap_client::transport::tcp::connect("127.0.0.1", port).await?;
    within(webimap_client::Client::open(stream, options)).await
}

/// A plain session on loopback, logged in as the demo user, with some extensions treated
/// as absent.
pub async fn logged_in(
    dovecot: &webimap_testkit::Dovecot,
    disabled: &[&str],
) -> webimap_client::Client<webimap_client::transport::tcp::TcpTransport> {
    let mut options =
        webimap_client::ConnectOptions::new("127.0.0.1", webimap_client::Security::None);
    options.disabled_extensions = disabled.iter().map(|s| s.to_string()).collect();
    let stream = webimap_client::transport::tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .expect("tcp");
    let mut client = within(webimap_client::Client::open(stream, &options))
        .await
        .expect("greeting");
    within(client.login(webimap_testkit::DEMO_USER, webimap_testkit::DEMO_PASSWORD))
        .await
        .expect("login");
    client
}

/// A relay running in this process; stops when dropped.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Relay {
    pub async fn start(allow: &[String]) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config::default();
        config.policy = Policy::new(
            allow
                .iter()
                .map(|a| a.parse::<AllowRule>().expect("rule"))
                .collect(),
        );
        let (tx, rx) = oneshot::channel();
        tokio::spawn(async move {
            webimap_relay::run(listener, config, async move {
                let _ = rx.await;
            })
            .await
            .expect("relay runs");
        });
        Relay {
            addr,
            stop: Some(tx),
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/relay", self.addr)
    }

    /// The WebSocket URL of a tunnel to `127.0.0.1:port`.
    pub fn tunnel_url(&self, port: u16) -> String {
        format!("{}?host=127.0.0.1&port={port}", self.url())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// A WebSocket as `AsyncRead + AsyncWrite` (binary frames), like gloo-net's in the browser.
pub struct WsIo {
    ws: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    pending: Vec<u8>,
    pos: usize,
}

impl WsIo {
    pub async fn connect(url: &str) -> Result<WsIo, tokio_tungstenite::tungstenite::Error> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(WsIo {
            ws,
            pending: Vec::new(),
            pos: 0,
        })
    }
}

fn to_io(e: tokio_tungstenite::tungstenite::Error) -> io::Error {
    io::Error::other(e)
}

impl AsyncRead for WsIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            if self.pos < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pos);
                let pos = self.pos;
                buf[..n].copy_from_slice(&self.pending[pos..pos + n]);
                self.pos += n;
                return Poll::Ready(Ok(n));
            }
            match ready!(Pin::new(&mut self.ws).poll_next(cx)) {
                None | Some(Ok(Message::Close(_))) => return Poll::Ready(Ok(0)),
                Some(Ok(Message::Binary(data))) => {
                    self.pending = data.to_vec();
                    self.pos = 0;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Poll::Ready(Err(to_io(e))),
            }
        }
    }
}

impl AsyncWrite for WsIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(Pin::new(&mut self.ws).poll_ready(cx)).map_err(to_io)?;
        Pin::new(&mut self.ws)
            .start_send(Message::Binary(buf.to_vec().into()))
            .map_err(to_io)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.ws).poll_flush(cx).map_err(to_io)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.ws).poll_close(cx).map_err(to_io)
    }
}

/// A TCP hop that forwards to `target` and records every byte both ways: what a relay (or
/// anyone on its network) could see.
pub struct RecordingHop {
    pub port: u16,
    pub recorded: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl RecordingHop {
    pub async fn start(target: SocketAddr) -> RecordingHop {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind hop");
        let port = listener.local_addr().expect("addr").port();
        let recorded = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = recorded.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let Ok(outbound) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (mut ri, mut wi) = inbound.into_split();
                let (mut ro, mut wo) = outbound.into_split();
                let (log1, log2) = (log.clone(), log.clone());
                tokio::spawn(async move {
                    let mut buf = vec![0; 16384];
                    while let Ok(n) = ri.read(&mut buf).await {
                        if n == 0 || wo.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        log1.lock().expect("lock").extend_from_slice(&buf[..n]);
                    }
                    let _ = wo.shutdown().await;
                });
                tokio::spawn(async move {
                    let mut buf = vec![0; 16384];
                    while let Ok(n) = ro.read(&mut buf).await {
                        if n == 0 || wi.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        log2.lock().expect("lock").extend_from_slice(&buf[..n]);
                    }
                    let _ = wi.shutdown().await;
                });
            }
        });
        RecordingHop { port, recorded }
    }

    pub fn contains(&self, needle: &[u8]) -> bool {
        self.recorded
            .lock()
            .expect("lock")
            .windows(needle.len())
            .any(|w| w == needle)
    }

    pub fn len(&self) -> usize {
        self.recorded.lock().expect("lock").len()
    }
}
