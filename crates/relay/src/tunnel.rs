//! The one request handler for `/relay`.
//!
//! [`handle_connect`] does, in order: parse the query → [`policy::decide`] → upgrade →
//! connect (with a timeout) → [`pump::pump`]. Every refusal happens before the upgrade and before
//! any outbound connection; the client gets a short category, the log the full reason.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpStream;
use tracing::Instrument;

use crate::{
    limits::{LimitExceeded, Slot},
    policy::{self, ConnectRequest, Decision, Host, Reason, Target, TargetError},
    pump::{self, CLOSE_UPSTREAM_FAILED, PumpOptions, close_client},
    state::AppState,
    token::{self, Presented},
    ws,
};

#[derive(Debug, Deserialize)]
struct RelayQuery {
    host: Option<String>,
    port: Option<String>,
}

/// Why a `/relay` request is malformed (HTTP 400).
#[derive(Debug, thiserror::Error)]
enum BadRequest {
    #[error("query string: {0}")]
    Query(String),
    #[error("missing query parameter {0:?}")]
    Missing(&'static str),
    #[error(transparent)]
    Target(#[from] TargetError),
}

fn parse_target(uri: &axum::http::Uri) -> Result<Target, BadRequest> {
    let Query(query) =
        Query::<RelayQuery>::try_from_uri(uri).map_err(|e| BadRequest::Query(e.body_text()))?;
    let host = query.host.ok_or(BadRequest::Missing("host"))?;
    let port = query.port.ok_or(BadRequest::Missing("port"))?;
    Ok(Target::parse(&host, &port)?)
}

/// The client of a request: the TCP peer, and the address a trusted proxy forwarded for.
struct Peer {
    tcp: Option<SocketAddr>,
    forwarded: Option<IpAddr>,
}

impl Peer {
    /// The address per-IP caps count: the forwarded one if any, else the TCP peer's.
    fn ip(&self) -> Option<IpAddr> {
        self.forwarded.or(self.tcp.map(|addr| addr.ip()))
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.forwarded, self.tcp) {
            (Some(ip), Some(proxy)) => write!(f, "{ip} (via {proxy})"),
            (Some(ip), None) => write!(f, "{ip}"),
            (None, Some(addr)) => write!(f, "{addr}"),
            (None, None) => f.write_str("unknown"),
        }
    }
}

/// `GET /relay?host=HOST&port=PORT`.
pub(crate) async fn handle_connect(State(state): State<AppState>, request: Request) -> Response {
    let tcp = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let forwarded = tcp.and_then(|peer| {
        state
            .config()
            .trusted_proxies
            .forwarded_client(peer.ip(), request.headers())
    });
    let client = Peer { tcp, forwarded };
    let (mut parts, _body) = request.into_parts();

    let target = match parse_target(&parts.uri) {
        Ok(target) => target,
        Err(error) => {
            tracing::info!(%client, %error, "bad relay request");
            state.metrics().refused("bad_request");
            return (
                StatusCode::BAD_REQUEST,
                "bad request: expected /relay?host=HOST&port=PORT\n",
            )
                .into_response();
        }
    };
    let tokens = state.tokens();
    if tokens.required() {
        let presented = tokens.check(
            parts
                .headers
                .get_all(header::COOKIE)
                .iter()
                .map(|v| v.as_bytes()),
            parts
                .headers
                .get_all(header::SEC_WEBSOCKET_PROTOCOL)
                .iter()
                .map(|v| v.as_bytes()),
        );
        let (label, category) = match presented {
            Presented::Valid => ("", ""),
            Presented::Missing => ("token_missing", "token required"),
            Presented::Invalid => ("token_invalid", "invalid token"),
        };
        if presented != Presented::Valid {
            // The token itself is never logged.
            tracing::warn!(%client, %target, reason = label, "tunnel refused");
            state.metrics().refused(label);
            return (StatusCode::FORBIDDEN, format!("forbidden: {category}\n")).into_response();
        }
    }
    let header_value = |name| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let request = ConnectRequest {
        target,
        origin: header_value(header::ORIGIN),
        host_header: header_value(header::HOST),
    };
    let policy = &state.config().policy;
    let refuse = |reason: Reason| {
        tracing::warn!(%client, %reason, "tunnel refused");
        state.metrics().refused(reason.label());
        (
            StatusCode::FORBIDDEN,
            format!("forbidden: {}\n", reason.category()),
        )
            .into_response()
    };
    if let Err(reason) = policy::screen(&request, policy) {
        return refuse(reason);
    }
    // Resolve once; connect only to the addresses policy vetted. A name that does not
    // resolve is reported after the upgrade, like a refused connection.
    let (rule, upstream) = match resolve(&request.target, state.config().connect_timeout).await {
        Ok(resolved) if !resolved.is_empty() => match policy::decide(&request, &resolved, policy) {
            Decision::Allow { rule, addrs } => {
                let port = request.target.port;
                let addrs = addrs.into_iter().map(|ip| SocketAddr::new(ip, port));
                (rule.to_string(), Ok(addrs.collect::<Vec<_>>()))
            }
            Decision::Deny(reason) => return refuse(reason),
        },
        Ok(_) => (String::new(), Err("name has no address".to_owned())),
        Err(error) => (String::new(), Err(error.to_string())),
    };
    let slot = match state.slots().acquire(client.ip()) {
        Ok(slot) => slot,
        Err(exceeded) => {
            tracing::warn!(%client, %exceeded, "tunnel refused");
            state.metrics().refused(exceeded.label());
            let status = match exceeded {
                LimitExceeded::Global => StatusCode::SERVICE_UNAVAILABLE,
                LimitExceeded::PerIp => StatusCode::TOO_MANY_REQUESTS,
            };
            return (status, format!("{exceeded}\n")).into_response();
        }
    };
    let accept = match check_upgrade(&parts) {
        Ok(accept) => accept,
        Err((status, rejection)) => {
            tracing::info!(%client, %rejection, "relay request without WebSocket upgrade");
            return (status, format!("{rejection}\n")).into_response();
        }
    };
    let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        tracing::info!(%client, "relay request on a connection that cannot be upgraded");
        return (StatusCode::UPGRADE_REQUIRED, "connection not upgradable\n").into_response();
    };
    let Ok(accept) = HeaderValue::from_str(&accept) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Select `webimap` if offered; a `webimap.token.…` value is never echoed.
    let offered = has_token(
        &parts.headers,
        header::SEC_WEBSOCKET_PROTOCOL,
        token::PROTOCOL,
    );

    let target = request.target;
    let span = tracing::info_span!("tunnel", %client, %target, %rule);
    let tunnels = state.tunnels().clone();
    let task_state = state.clone();
    tokio::spawn(
        tunnels.track_future(
            async move {
                match on_upgrade.await {
                    Ok(upgraded) => run_tunnel(upgraded, upstream, task_state, slot).await,
                    Err(error) => tracing::info!(%error, "WebSocket upgrade failed"),
                }
            }
            .instrument(span),
        ),
    );
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    if offered {
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static(token::PROTOCOL),
        );
    }
    response
}

/// Whether any `name` header lists `token` (comma-separated, any case).
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|item| item.trim().eq_ignore_ascii_case(token))
        })
    })
}

/// Checks the WebSocket handshake (RFC 6455 §4.2.1); the `Sec-WebSocket-Accept` value, or
/// the status and reason of the refusal.
fn check_upgrade(parts: &Parts) -> Result<String, (StatusCode, &'static str)> {
    let headers = &parts.headers;
    if !has_token(headers, header::CONNECTION, "upgrade") {
        return Err((
            StatusCode::UPGRADE_REQUIRED,
            "Connection header did not include 'upgrade'",
        ));
    }
    if !has_token(headers, header::UPGRADE, "websocket") {
        return Err((
            StatusCode::BAD_REQUEST,
            "Upgrade header did not include 'websocket'",
        ));
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .map(HeaderValue::as_bytes)
        != Some(b"13")
    {
        return Err((
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Version header missing or not 13",
        ));
    }
    match headers.get(header::SEC_WEBSOCKET_KEY) {
        Some(key) => Ok(ws::accept_key(key.as_bytes())),
        None => Err((StatusCode::BAD_REQUEST, "Sec-WebSocket-Key header missing")),
    }
}

async fn run_tunnel(
    upgraded: hyper::upgrade::Upgraded,
    upstream: Result<Vec<SocketAddr>, String>,
    state: AppState,
    slot: Slot,
) {
    let limits = &state.config().limits;
    let read_limits = ws::ReadLimits {
        read_size: limits.ws_read_buffer_size,
        max_frame: limits.max_frame_size,
        max_message: limits.max_message_size,
    };
    // The plain listener's socket itself (its halves need no lock); TLS as a split stream.
    match upgraded.downcast::<TokioIo<TcpStream>>() {
        Ok(parts) => {
            let (read, write) = parts.io.into_inner().into_split();
            let reader = ws::Reader::new(read, parts.read_buf, read_limits);
            let writer = ws::Writer::new(write);
            tunnel(reader, writer, upstream, &state, slot).await;
        }
        Err(upgraded) => {
            let (read, write) = tokio::io::split(TokioIo::new(upgraded));
            let reader = ws::Reader::new(read, Bytes::new(), read_limits);
            let writer = ws::Writer::new(write);
            tunnel(reader, writer, upstream, &state, slot).await;
        }
    }
}

async fn tunnel<R, W>(
    reader: ws::Reader<R>,
    mut writer: ws::Writer<W>,
    upstream: Result<Vec<SocketAddr>, String>,
    state: &AppState,
    _slot: Slot,
) where
    R: ws::ClientRead,
    W: ws::ClientWrite,
{
    let metrics = state.metrics();
    let _open = metrics.tunnel_opened();
    let connected = match upstream {
        Ok(addrs) => connect(&addrs, state.config().connect_timeout).await,
        Err(error) => Err(std::io::Error::new(std::io::ErrorKind::NotFound, error)),
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

/// Resolves the target's host once (an IP literal is its own address).
async fn resolve(target: &Target, timeout: Duration) -> std::io::Result<Vec<IpAddr>> {
    match &target.host {
        Host::Ip(ip) => Ok(vec![*ip]),
        Host::Name(name) => {
            let lookup = tokio::net::lookup_host((name.as_str(), target.port));
            let addrs = tokio::time::timeout(timeout, lookup).await.map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::TimedOut, "DNS lookup timed out")
            })??;
            Ok(addrs.map(|a| a.ip()).collect())
        }
    }
}

/// Connects to the first of `addrs` that accepts, all within `timeout`.
async fn connect(addrs: &[SocketAddr], timeout: Duration) -> std::io::Result<TcpStream> {
    let attempt = async {
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => return Ok(stream),
                Err(error) => {
                    tracing::debug!(%addr, %error, "connect failed");
                    last = error;
                }
            }
        }
        Err(last)
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))?
}
