//! The one request handler for `/relay`, and the tunnel it starts.
//!
//! [`handle_connect`] runs the steps in order: [`admission::screen`] (client address,
//! query, token, origin, target) → [`upstream::resolve`] (the one I/O step before the
//! decision) → [`admission::admit`] (policy over the resolved addresses, connection slot)
//! → [`upgrade::handshake`] → `101` and a spawned tunnel task. Every refusal happens before
//! the upgrade and before any outbound connection; the client gets a short category, the
//! log the full reason.
//!
//! The tunnel task takes the upgraded connection, connects to the vetted addresses
//! ([`upstream::connect`], with a timeout) and runs the [`pump`] until either side ends.

use axum::{
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tracing::Instrument;

use crate::{
    admission::{self, Admission, Gate, Refusal, Upstream},
    metrics::Metrics,
    pump::{self, CLOSE_UPSTREAM_FAILED, PumpOptions, close_client},
    state::AppState,
    upgrade, upstream, ws,
};

/// `GET /relay?host=HOST&port=PORT`.
pub(crate) async fn handle_connect(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let config = state.config();
    let tokens = state.tokens();
    let gate = Gate {
        policy: &config.policy,
        trusted_proxies: &config.trusted_proxies,
        tokens: &tokens,
        slots: state.slots(),
    };
    let screened = match admission::screen(&parts, &gate) {
        Ok(screened) => screened,
        Err(refusal) => return refuse(&refusal, state.metrics()),
    };
    // Resolve once; the tunnel connects only to the addresses policy vetted. A name that
    // does not resolve is reported after the upgrade, like a refused connection.
    let resolved = upstream::resolve(&screened.request.target, config.connect_timeout).await;
    let admission = match admission::admit(screened, resolved, &gate) {
        Ok(admission) => admission,
        Err(refusal) => return refuse(&refusal, state.metrics()),
    };
    let handshake = match upgrade::handshake(&mut parts) {
        Ok(handshake) => handshake,
        Err(rejection) => {
            rejection.log(&admission.client);
            return rejection.into_response();
        }
    };
    let (response, on_upgrade) = handshake.switch();
    let span = tracing::info_span!(
        "tunnel",
        client = %admission.client,
        target = %admission.target,
        rule = %admission.rule,
    );
    let task_state = state.clone();
    tokio::spawn(
        state.tunnels().track_future(
            async move {
                match on_upgrade.await {
                    Ok(upgraded) => run(upgraded, admission, task_state).await,
                    Err(error) => tracing::info!(%error, "WebSocket upgrade failed"),
                }
            }
            .instrument(span),
        ),
    );
    response
}

/// Logs and counts a refusal, and answers it.
fn refuse(refusal: &Refusal, metrics: &Metrics) -> Response {
    refusal.log();
    metrics.refused(refusal.label());
    (refusal.status(), refusal.body()).into_response()
}

/// The tunnel over an upgraded connection: the plain listener's socket itself (its halves
/// need no lock), or a TLS connection as a split stream.
async fn run(upgraded: hyper::upgrade::Upgraded, admission: Admission, state: AppState) {
    let limits = &state.config().limits;
    let read_limits = ws::ReadLimits {
        read_size: limits.ws_read_buffer_size,
        max_frame: limits.max_frame_size,
        max_message: limits.max_message_size,
    };
    match upgraded.downcast::<TokioIo<TcpStream>>() {
        Ok(parts) => {
            let (read, write) = parts.io.into_inner().into_split();
            let reader = ws::Reader::new(read, parts.read_buf, read_limits);
            let writer = ws::Writer::new(write);
            tunnel(reader, writer, admission, &state).await;
        }
        Err(upgraded) => {
            let (read, write) = tokio::io::split(TokioIo::new(upgraded));
            let reader = ws::Reader::new(read, Bytes::new(), read_limits);
            let writer = ws::Writer::new(write);
            tunnel(reader, writer, admission, &state).await;
        }
    }
}

/// Connects to the server and pumps until either side ends; the admission's slot is held
/// until then.
async fn tunnel<R, W>(
    reader: ws::Reader<R>,
    mut writer: ws::Writer<W>,
    admission: Admission,
    state: &AppState,
) where
    R: ws::ClientRead,
    W: ws::ClientWrite,
{
    let Admission {
        upstream: server,
        slot: _slot,
        ..
    } = admission;
    let metrics = state.metrics();
    let _open = metrics.tunnel_opened();
    let connected = match server {
        Upstream::Addresses(addrs) => {
            upstream::connect(&addrs, state.config().connect_timeout).await
        }
        Upstream::Unresolved(error) => {
            Err(std::io::Error::new(std::io::ErrorKind::NotFound, error))
        }
    };
    let upstream = match connected {
        Ok(stream) => stream,
        Err(error) => {
            tracing::warn!(%error, "upstream unreachable");
            metrics.upstream_failed();
            close_client(&mut writer, CLOSE_UPSTREAM_FAILED, "upstream unreachable").await;
            return;
        }
    };
    if let Err(error) = upstream.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    tracing::info!(upstream = ?upstream.peer_addr().ok(), "tunnel open");
    let limits = &state.config().limits;
    let options = PumpOptions {
        read_chunk_size: limits.read_chunk_size,
        idle_timeout: limits.idle_timeout,
        ping_interval: limits.ping_interval,
    };
    let report = pump::pump(
        writer,
        reader,
        upstream,
        &options,
        metrics,
        state.shutdown_token(),
    )
    .await;
    tracing::info!(
        ending = ?report.ending,
        bytes_to_upstream = report.bytes_to_upstream,
        bytes_to_client = report.bytes_to_client,
        "tunnel closed"
    );
}
