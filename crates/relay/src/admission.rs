//! Whether a `/relay` request may open a tunnel: every check that needs no I/O, as two
//! functions of the request, the relay's rules and the resolved addresses.
//!
//! The handler calls them around the one I/O step in between, resolving the target:
//!
//! 1. [`screen`]: who the client is (the TCP peer, or the address a trusted proxy forwarded
//!    for), the query (`host`, `port`), the token, the page's origin, and whether any allow
//!    rule could admit the target at all (so names no rule can admit cost no DNS query);
//! 2. the handler resolves the target's name once (an IP literal is its own address);
//! 3. [`admit`]: the policy decision over the resolved addresses, then a connection slot
//!    (the global and the per-client cap; the slot is held as long as the tunnel).
//!
//! A [`Refusal`] says what the log gets (the full reason) and what the client gets (a
//! status and a short category); an [`Admission`] holds what the tunnel needs. A name that
//! does not resolve is admitted without addresses ([`Upstream::Unresolved`]): the tunnel
//! reports it after the upgrade, in a close frame, like a refused connection.
//!
//! The WebSocket handshake headers are checked after admission, by the upgrade step.

use std::{
    fmt, io,
    net::{IpAddr, SocketAddr},
};

use axum::{
    extract::{ConnectInfo, Query},
    http::{StatusCode, Uri, header, request::Parts},
};
use serde::Deserialize;

use crate::{
    limits::{ConnectionSlots, LimitExceeded, Slot},
    policy::{self, ConnectRequest, Decision, Policy, Reason, Target, TargetError},
    proxy::TrustedProxies,
    token::{Presented, Tokens},
};

/// What a request is checked against: the relay's policy, trusted proxies and tokens, and
/// its connection slots (borrowed from the relay's state for one request).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gate<'a> {
    pub(crate) policy: &'a Policy,
    pub(crate) trusted_proxies: &'a TrustedProxies,
    pub(crate) tokens: &'a Tokens,
    pub(crate) slots: &'a ConnectionSlots,
}

/// The client of a request: the TCP peer, and the address a trusted proxy forwarded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Peer {
    tcp: Option<SocketAddr>,
    forwarded: Option<IpAddr>,
}

impl Peer {
    /// The address per-IP caps count: the forwarded one if any, else the TCP peer's.
    pub(crate) fn ip(&self) -> Option<IpAddr> {
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

/// A request that passed [`screen`]: its client and what it asks for.
#[derive(Debug)]
pub(crate) struct Screened {
    pub(crate) client: Peer,
    pub(crate) request: ConnectRequest,
}

/// Where an admitted tunnel connects.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Upstream {
    /// The addresses policy vetted, in resolver order; the first that accepts is used.
    Addresses(Vec<SocketAddr>),
    /// The name did not resolve (why, in words): the tunnel reports this to the browser
    /// after the upgrade.
    Unresolved(String),
}

/// A request that may open a tunnel.
#[derive(Debug)]
pub(crate) struct Admission {
    pub(crate) client: Peer,
    pub(crate) target: Target,
    /// The allow rule that admitted the target, for the log (empty if unresolved).
    pub(crate) rule: String,
    pub(crate) upstream: Upstream,
    /// The tunnel's connection slot; dropping it frees it.
    pub(crate) slot: Slot,
}

/// A request that may not open a tunnel, and from whom.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) client: Peer,
    pub(crate) why: Why,
}

/// Why a request was refused.
#[derive(Debug)]
pub(crate) enum Why {
    /// The query does not name a target (HTTP 400).
    BadRequest(BadRequest),
    /// Tokens are required and the request carries none (HTTP 403).
    TokenMissing(Target),
    /// Tokens are required and none the request carries is valid (HTTP 403).
    TokenInvalid(Target),
    /// Policy refuses the origin or the target (HTTP 403).
    Policy(Reason),
    /// A connection cap is reached (HTTP 503 overall, 429 for the client's address).
    Limit(LimitExceeded),
}

/// Why a `/relay` request is malformed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BadRequest {
    #[error("query string: {0}")]
    Query(String),
    #[error("missing query parameter {0:?}")]
    Missing(&'static str),
    #[error(transparent)]
    Target(#[from] TargetError),
}

impl Refusal {
    /// The HTTP status the client gets.
    pub(crate) fn status(&self) -> StatusCode {
        match &self.why {
            Why::BadRequest(_) => StatusCode::BAD_REQUEST,
            Why::TokenMissing(_) | Why::TokenInvalid(_) | Why::Policy(_) => StatusCode::FORBIDDEN,
            Why::Limit(LimitExceeded::Global) => StatusCode::SERVICE_UNAVAILABLE,
            Why::Limit(LimitExceeded::PerIp) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The response body: a short category, never address details or tokens.
    pub(crate) fn body(&self) -> String {
        match &self.why {
            Why::BadRequest(_) => "bad request: expected /relay?host=HOST&port=PORT\n".to_owned(),
            Why::TokenMissing(_) => "forbidden: token required\n".to_owned(),
            Why::TokenInvalid(_) => "forbidden: invalid token\n".to_owned(),
            Why::Policy(reason) => format!("forbidden: {}\n", reason.category()),
            Why::Limit(exceeded) => format!("{exceeded}\n"),
        }
    }

    /// A stable machine-readable name, for the refusal counter.
    pub(crate) fn label(&self) -> &'static str {
        match &self.why {
            Why::BadRequest(_) => "bad_request",
            Why::TokenMissing(_) => "token_missing",
            Why::TokenInvalid(_) => "token_invalid",
            Why::Policy(reason) => reason.label(),
            Why::Limit(exceeded) => exceeded.label(),
        }
    }

    /// Logs the refusal with its full reason (the token itself is never logged).
    pub(crate) fn log(&self) {
        let client = &self.client;
        match &self.why {
            Why::BadRequest(error) => tracing::info!(%client, %error, "bad relay request"),
            Why::TokenMissing(target) | Why::TokenInvalid(target) => {
                tracing::warn!(%client, %target, reason = self.label(), "tunnel refused");
            }
            Why::Policy(reason) => tracing::warn!(%client, %reason, "tunnel refused"),
            Why::Limit(exceeded) => tracing::warn!(%client, %exceeded, "tunnel refused"),
        }
    }
}

/// Every check possible before resolving the target, in this order: client address,
/// query, token, origin, whether any rule could admit the target.
///
/// # Errors
///
/// The [`Refusal`] for the first check that fails.
pub(crate) fn screen(request: &Parts, gate: &Gate<'_>) -> Result<Screened, Refusal> {
    let tcp = request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let forwarded = tcp.and_then(|peer| {
        gate.trusted_proxies
            .forwarded_client(peer.ip(), &request.headers)
    });
    let client = Peer { tcp, forwarded };
    let refuse = |why| Refusal { client, why };

    let target = parse_target(&request.uri).map_err(|error| refuse(Why::BadRequest(error)))?;
    if gate.tokens.required() {
        let headers = &request.headers;
        let cookies = headers.get_all(header::COOKIE).iter();
        let protocols = headers.get_all(header::SEC_WEBSOCKET_PROTOCOL).iter();
        match gate.tokens.check(
            cookies.map(|v| v.as_bytes()),
            protocols.map(|v| v.as_bytes()),
        ) {
            Presented::Valid => {}
            Presented::Missing => return Err(refuse(Why::TokenMissing(target))),
            Presented::Invalid => return Err(refuse(Why::TokenInvalid(target))),
        }
    }
    let header_value = |name| {
        request
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let request = ConnectRequest {
        target,
        origin: header_value(header::ORIGIN),
        host_header: header_value(header::HOST),
    };
    policy::screen(&request, gate.policy).map_err(|reason| refuse(Why::Policy(reason)))?;
    Ok(Screened { client, request })
}

/// The decision over what the target resolved to (`resolved`: the addresses, or why the
/// lookup failed), then a connection slot.
///
/// # Errors
///
/// The [`Refusal`] if policy denies a resolved address or a connection cap is reached.
pub(crate) fn admit(
    screened: Screened,
    resolved: io::Result<Vec<IpAddr>>,
    gate: &Gate<'_>,
) -> Result<Admission, Refusal> {
    let Screened { client, request } = screened;
    let (rule, upstream) = match resolved {
        Ok(resolved) if !resolved.is_empty() => {
            match policy::decide(&request, &resolved, gate.policy) {
                Decision::Allow { rule, addrs } => {
                    let port = request.target.port;
                    let addrs = addrs.into_iter().map(|ip| SocketAddr::new(ip, port));
                    (rule.to_string(), Upstream::Addresses(addrs.collect()))
                }
                Decision::Deny(reason) => {
                    return Err(Refusal {
                        client,
                        why: Why::Policy(reason),
                    });
                }
            }
        }
        Ok(_) => (
            String::new(),
            Upstream::Unresolved("name has no address".to_owned()),
        ),
        Err(error) => (String::new(), Upstream::Unresolved(error.to_string())),
    };
    let slot = gate
        .slots
        .acquire(client.ip())
        .map_err(|exceeded| Refusal {
            client,
            why: Why::Limit(exceeded),
        })?;
    Ok(Admission {
        client,
        target: request.target,
        rule,
        upstream,
        slot,
    })
}

#[derive(Debug, Deserialize)]
struct RelayQuery {
    host: Option<String>,
    port: Option<String>,
}

fn parse_target(uri: &Uri) -> Result<Target, BadRequest> {
    let Query(query) =
        Query::<RelayQuery>::try_from_uri(uri).map_err(|e| BadRequest::Query(e.body_text()))?;
    let host = query.host.ok_or(BadRequest::Missing("host"))?;
    let port = query.port.ok_or(BadRequest::Missing("port"))?;
    Ok(Target::parse(&host, &port)?)
}
