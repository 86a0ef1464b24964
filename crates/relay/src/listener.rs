//! The accept loop: one task per TCP connection, each an HTTP/1.1 connection (hyper) with
//! a bounded time to send its request head and a cap on the head's size, optionally
//! inside TLS.
//!
//! A connection that does not finish its request head (the TLS handshake included) within
//! [`Limits::handshake_timeout`](crate::Limits::handshake_timeout) is closed (slowloris);
//! a head larger than [`Limits::max_header_size`](crate::Limits::max_header_size) gets
//! HTTP 431. At most [`Limits::max_http_connections`](crate::Limits::max_http_connections)
//! connections may be in that state at once; more are closed as soon as accepted.
//! Upgraded WebSocket connections leave this count: their tunnels are tracked (and
//! capped) by [`AppState`](crate::AppState).

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
    sync::Semaphore,
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower_service::Service as _;

use crate::{limits::Limits, metrics::Metrics, tls::TlsAcceptor};

/// Smallest read buffer cap hyper accepts.
const HYPER_MIN_BUF: usize = 8192;
/// Pause after a failed `accept` (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Per-connection HTTP settings.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    builder: http1::Builder,
    handshake_timeout: Duration,
    /// Connections not (yet) upgraded to a tunnel: TLS handshakes, request heads being
    /// read, static files, kept-alive HTTP connections.
    pending: Arc<Semaphore>,
}

impl Http {
    pub(crate) fn new(limits: &Limits) -> Self {
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.handshake_timeout)
            .max_header_size(limits.max_header_size)
            .max_buf_size(limits.max_header_size.max(HYPER_MIN_BUF) + 1024)
            .max_headers(100);
        Self {
            builder,
            handshake_timeout: limits.handshake_timeout,
            pending: Arc::new(Semaphore::new(limits.max_http_connections)),
        }
    }
}

/// Accepts connections until `shutdown` is cancelled; each connection runs on `tracker`.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    router: Router,
    http: Http,
    tls: Option<Arc<TlsAcceptor>>,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    metrics: &Metrics,
) {
    let http = Arc::new(http);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    () = shutdown.cancelled() => break,
                }
            }
        };
        let Ok(permit) = http.pending.clone().try_acquire_owned() else {
            // Dropping the stream closes it at once: the relay is busy with handshakes.
            tracing::debug!(%peer, "too many HTTP connections; closed");
            metrics.refused("too_many_http_connections");
            continue;
        };
        let router = router.clone();
        let http = http.clone();
        let tls = tls.clone();
        let shutdown = shutdown.clone();
        tracker.spawn(async move {
            let _permit = permit;
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
            match tls {
                None => serve(stream, peer, router, &http, shutdown).await,
                Some(tls) => {
                    let handshake =
                        tokio::time::timeout(http.handshake_timeout, tls.accept(stream)).await;
                    match handshake {
                        Ok(Ok(stream)) => serve(stream, peer, router, &http, shutdown).await,
                        Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
        });
    }
}

/// Serves HTTP on one connection until it closes, is upgraded, or shutdown (then
/// gracefully: a request in progress finishes, keep-alive ends).
async fn serve<I>(io: I, peer: SocketAddr, router: Router, http: &Http, shutdown: CancellationToken)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let mut router = router.clone();
        async move { Ok::<_, Infallible>(router.call(request).await.unwrap_or_else(|e| match e {})) }
    });
    let connection = http
        .builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            match tokio::time::timeout(http.handshake_timeout, connection.as_mut()).await {
                Ok(result) => result,
                Err(_) => Ok(()),
            }
        }
    };
    if let Err(error) = result {
        tracing::debug!(%peer, %error, "HTTP connection ended with an error");
    }
}
