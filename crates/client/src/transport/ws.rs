//! Browser WebSocket transport through webimap-relay (binary frames), with backpressure.
//!
//! A browser WebSocket's `send` never blocks: it queues the bytes and counts them in
//! `bufferedAmount`. Written naively, a 20 MB attachment is "sent" in a millisecond, sits
//! in the browser's memory, and any progress shown is fiction. [`WsTransport`] therefore
//! takes no more bytes while more than [`HIGH_WATER`] wait in the browser, and a flush
//! completes only once at most [`LOW_WATER`] wait: what a flush reports as written has
//! left for the network, but for at most [`LOW_WATER`] bytes. The browser has no event for
//! a shrinking queue, so a wait looks again every [`DRAIN_CHECK`]; the queue is kept long
//! enough that a background tab, whose timers the browser slows to about one a second,
//! still moves a megabyte per look. A socket that is closing or closed is an error at once
//! (the browser silently drops what is sent to it).
//!
//! Reading goes through gloo-net's stream; writing calls the socket's `send` with a view
//! of the bytes (the browser copies them at once), not gloo's `Blob` per write, which
//! takes every TLS record through the browser's blob store.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
    time::Duration,
};

use futures_util::{
    FutureExt,
    io::{AsyncRead, AsyncWrite},
};
use gloo_net::websocket::{State, futures::WebSocket};
use gloo_timers::future::TimeoutFuture;

use crate::error::{ClientError, ConnectFailure};

/// Above this many queued bytes, writes wait.
pub const HIGH_WATER: u32 = 2 * 1024 * 1024;
/// A flush waits until the queue is at most this long.
pub const LOW_WATER: u32 = 1024 * 1024;
/// The most one WebSocket message carries: a write of more sends this much and says so
/// (callers loop, as `write_all` does). A TLS record is at most about 16 KiB, so over TLS
/// this never splits anything; in plaintext it keeps every message small enough for a
/// relay that limits messages to what TLS needs.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// How often a waiting write looks at the queue again.
pub const DRAIN_CHECK: Duration = Duration::from_millis(4);

/// A WebSocket to the relay as a futures-io stream that honours the browser's send queue.
pub struct WsTransport {
    /// Reading, and the socket's state.
    socket: WebSocket,
    /// The same socket, for sending.
    raw: web_sys::WebSocket,
    /// The pending look at the queue, while a write or flush waits.
    drain_check: Option<TimeoutFuture>,
}

impl std::fmt::Debug for WsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsTransport")
            .field("queued", &self.socket.buffered_amount())
            .finish_non_exhaustive()
    }
}

/// Opens a WebSocket to the relay for `host:port`. `relay` is the relay's endpoint
/// (`wss://example.org/relay`).
pub fn connect(relay: &str, host: &str, port: u16) -> Result<WsTransport, ClientError> {
    let url = super::relay_url(relay, host, port);
    let refused = || ClientError::Connect {
        target: relay.to_string(),
        failure: ConnectFailure::InvalidAddress,
    };
    let raw = web_sys::WebSocket::new(&url).map_err(|_| refused())?;
    let socket = WebSocket::try_from(raw.clone()).map_err(|_| refused())?;
    Ok(WsTransport {
        socket,
        raw,
        drain_check: None,
    })
}

impl WsTransport {
    /// Bytes handed to the browser and not yet sent.
    pub fn queued(&self) -> u32 {
        self.socket.buffered_amount()
    }

    /// Ready once the socket is open and at most `limit` bytes are queued; until then it
    /// arranges to be woken for another look. A socket that is closing or closed never
    /// drains: that is an error, not a wait.
    fn poll_queue_below(&mut self, cx: &mut Context<'_>, limit: u32) -> Poll<io::Result<()>> {
        loop {
            match self.socket.state() {
                State::Closing | State::Closed => {
                    self.drain_check = None;
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "the connection to the relay closed",
                    )));
                }
                State::Open if self.socket.buffered_amount() <= limit => {
                    self.drain_check = None;
                    return Poll::Ready(Ok(()));
                }
                State::Connecting | State::Open => {}
            }
            let check = self
                .drain_check
                .get_or_insert_with(|| TimeoutFuture::new(DRAIN_CHECK.as_millis() as u32));
            match check.poll_unpin(cx) {
                Poll::Ready(()) => self.drain_check = None,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl AsyncRead for WsTransport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for WsTransport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Err(e) = ready!(this.poll_queue_below(cx, HIGH_WATER)) {
            return Poll::Ready(Err(e));
        }
        let piece = &buf[..buf.len().min(MAX_MESSAGE)];
        Poll::Ready(match this.raw.send_with_u8_array(piece) {
            Ok(()) => Ok(piece.len()),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the browser refused to send on the connection to the relay",
            )),
        })
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Err(e) = ready!(this.poll_queue_below(cx, LOW_WATER)) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Closing is the relay's and the server's (the protocols end their sessions);
        // the socket closes when the transport is dropped.
        Poll::Ready(Ok(()))
    }
}
