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
    /// Boxed: refusals are the rare path, and the reason is large.
    pub(crate) why: Box<Why>,
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
    fn new(client: Peer, why: Why) -> Self {
        Self {
            client,
            why: Box::new(why),
        }
    }

    /// The HTTP status the client gets.
    pub(crate) fn status(&self) -> StatusCode {
        match &*self.why {
            Why::BadRequest(_) => StatusCode::BAD_REQUEST,
            Why::TokenMissing(_) | Why::TokenInvalid(_) | Why::Policy(_) => StatusCode::FORBIDDEN,
            Why::Limit(LimitExceeded::Global) => StatusCode::SERVICE_UNAVAILABLE,
            Why::Limit(LimitExceeded::PerIp) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The response body: a short category, never address details or tokens.
    pub(crate) fn body(&self) -> String {
        match &*self.why {
            Why::BadRequest(_) => "bad request: expected /relay?host=HOST&port=PORT\n".to_owned(),
            Why::TokenMissing(_) => "forbidden: token required\n".to_owned(),
            Why::TokenInvalid(_) => "forbidden: invalid token\n".to_owned(),
            Why::Policy(reason) => format!("forbidden: {}\n", reason.category()),
            Why::Limit(exceeded) => format!("{exceeded}\n"),
        }
    }

    /// A stable machine-readable name, for the refusal counter.
    pub(crate) fn label(&self) -> &'static str {
        match &*self.why {
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
        match &*self.why {
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
    let refuse = |why| Refusal::new(client, why);

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
                Decision::Deny(reason) => return Err(Refusal::new(client, Why::Policy(reason))),
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
        .map_err(|exceeded| Refusal::new(client, Why::Limit(exceeded)))?;
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

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;
    use crate::{
        limits::Limits,
        policy::{MissingOrigin, OriginPolicy},
    };

    const TOKEN: &str = "aaaaaaaaaaaaaaaa-1";
    const GOOD_COOKIE: (&str, &str) = ("cookie", "webimap_relay_token=aaaaaaaaaaaaaaaa-1");
    const PAGE: (&str, &str) = ("origin", "https://mail.example.com");
    /// The relay's proxy; anything else is a client.
    const PROXY: &str = "10.0.0.1";
    /// Open tunnels overall at most (one per client address).
    const MAX_CONNECTIONS: usize = 4;

    /// One request and what the relay finds out about it; the outcome expected.
    struct Case {
        what: &'static str,
        /// The TCP peer.
        peer: &'static str,
        /// After `/relay?`.
        query: &'static str,
        headers: &'static [(&'static str, &'static str)],
        /// What DNS says (only asked if the request passes the screen): the addresses,
        /// or the lookup's error.
        resolved: Result<&'static [&'static str], &'static str>,
        /// Client addresses with a tunnel open already.
        open: &'static [&'static str],
        /// Admitted: `CLIENT RULE UPSTREAM`; refused: the label and HTTP status.
        expect: Result<&'static str, (&'static str, u16)>,
    }

    const ADMIT: Case = Case {
        what: "",
        peer: "192.0.2.10:50000",
        query: "host=imap.example.com&port=993",
        headers: &[GOOD_COOKIE, PAGE],
        resolved: Ok(&["93.184.216.34"]),
        open: &[],
        expect: Ok("192.0.2.10 imap.example.com:993 93.184.216.34:993"),
    };

    #[rustfmt::skip]
    const TABLE: &[Case] = &[
        // Admissions.
        ADMIT,
        Case { what: "addresses deduplicated (IPv4-mapped is the same), in resolver order",
            resolved: Ok(&["93.184.216.34", "::ffff:93.184.216.34", "2606:2800::1"]),
            expect: Ok("192.0.2.10 imap.example.com:993 93.184.216.34:993,[2606:2800::1]:993"),
            ..ADMIT },
        Case { what: "token as a WebSocket subprotocol",
            headers: &[("sec-websocket-protocol", "webimap, webimap.token.aaaaaaaaaaaaaaaa-1"), PAGE],
            ..ADMIT },
        Case { what: "no Origin header: a non-browser client, allowed by default",
            headers: &[GOOD_COOKIE], ..ADMIT },
        Case { what: "wildcard rule",
            query: "host=eu.mail.example.org&port=993",
            expect: Ok("192.0.2.10 *.mail.example.org:993 93.184.216.34:993"), ..ADMIT },
        Case { what: "address literal named by a rule, special range or not",
            query: "host=127.0.0.1&port=1143", resolved: Ok(&["127.0.0.1"]),
            expect: Ok("192.0.2.10 127.0.0.1:1143 127.0.0.1:1143"), ..ADMIT },
        Case { what: "a trusted proxy's X-Forwarded-For names the client",
            peer: "10.0.0.1:40000",
            headers: &[GOOD_COOKIE, PAGE, ("x-forwarded-for", "203.0.113.9, 198.51.100.7")],
            expect: Ok("198.51.100.7 imap.example.com:993 93.184.216.34:993"), ..ADMIT },
        Case { what: "anyone else's X-Forwarded-For is ignored",
            headers: &[GOOD_COOKIE, PAGE, ("x-forwarded-for", "198.51.100.7")], ..ADMIT },
        Case { what: "a name that does not resolve is admitted, reported after the upgrade",
            resolved: Err("no such host"),
            expect: Ok("192.0.2.10 - unresolved: no such host"), ..ADMIT },
        Case { what: "a name without addresses likewise",
            resolved: Ok(&[]),
            expect: Ok("192.0.2.10 - unresolved: name has no address"), ..ADMIT },
        Case { what: "other clients' tunnels leave room",
            open: &["192.0.2.11", "192.0.2.12", "192.0.2.13"], ..ADMIT },
        // Malformed requests.
        Case { what: "no query", query: "", expect: Err(("bad_request", 400)), ..ADMIT },
        Case { what: "no port", query: "host=imap.example.com", expect: Err(("bad_request", 400)), ..ADMIT },
        Case { what: "no host", query: "port=993", expect: Err(("bad_request", 400)), ..ADMIT },
        Case { what: "bad port", query: "host=imap.example.com&port=99999", expect: Err(("bad_request", 400)), ..ADMIT },
        Case { what: "bad host", query: "host=imap..example.com&port=993", expect: Err(("bad_request", 400)), ..ADMIT },
        Case { what: "a malformed request is a bad request, token or not",
            query: "port=993", headers: &[PAGE], expect: Err(("bad_request", 400)), ..ADMIT },
        // Tokens.
        Case { what: "no token", headers: &[PAGE], expect: Err(("token_missing", 403)), ..ADMIT },
        Case { what: "wrong token",
            headers: &[("cookie", "webimap_relay_token=bbbbbbbbbbbbbbbb-2"), PAGE],
            expect: Err(("token_invalid", 403)), ..ADMIT },
        Case { what: "the token is checked before the origin",
            headers: &[("origin", "https://evil.example")], expect: Err(("token_missing", 403)), ..ADMIT },
        // Origin and target, before resolving.
        Case { what: "foreign page",
            headers: &[GOOD_COOKIE, ("origin", "https://evil.example")],
            expect: Err(("origin_not_allowed", 403)), ..ADMIT },
        Case { what: "sandboxed page", headers: &[GOOD_COOKIE, ("origin", "null")],
            expect: Err(("origin_not_allowed", 403)), ..ADMIT },
        Case { what: "port no rule names", query: "host=imap.example.com&port=143",
            expect: Err(("target_not_allowed", 403)), ..ADMIT },
        Case { what: "name no rule names", query: "host=evil.example&port=993",
            expect: Err(("target_not_allowed", 403)), ..ADMIT },
        Case { what: "address no rule names", query: "host=127.0.0.1&port=993",
            expect: Err(("target_not_allowed", 403)), ..ADMIT },
        // The decision over the resolved addresses.
        Case { what: "a name only an address rule could admit, resolving elsewhere",
            query: "host=imap.example.net&port=1143",
            expect: Err(("address_not_allowed", 403)), ..ADMIT },
        Case { what: "a name rule does not vouch for private addresses",
            resolved: Ok(&["10.1.2.3"]), expect: Err(("address_forbidden", 403)), ..ADMIT },
        Case { what: "nor for loopback among public ones",
            resolved: Ok(&["93.184.216.34", "::1"]), expect: Err(("address_forbidden", 403)), ..ADMIT },
        // Connection slots, taken last.
        Case { what: "all slots taken",
            open: &["192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"],
            expect: Err(("too_many_connections", 503)), ..ADMIT },
        Case { what: "this client's slots taken", open: &["192.0.2.10"],
            expect: Err(("too_many_connections_per_ip", 429)), ..ADMIT },
        Case { what: "behind the proxy, the forwarded client's slots count",
            peer: "10.0.0.1:40000", open: &["198.51.100.7"],
            headers: &[GOOD_COOKIE, PAGE, ("x-forwarded-for", "198.51.100.7")],
            expect: Err(("too_many_connections_per_ip", 429)), ..ADMIT },
        Case { what: "policy refuses before the slots are looked at",
            resolved: Ok(&["10.1.2.3"]), open: &["192.0.2.10"],
            expect: Err(("address_forbidden", 403)), ..ADMIT },
    ];

    fn parse<T: std::str::FromStr>(text: &str) -> T
    where
        T::Err: fmt::Display,
    {
        text.parse()
            .unwrap_or_else(|e| panic!("test input {text:?}: {e}"))
    }

    /// The relay's rules for the table; `slots` holds one tunnel per `open` address.
    struct Relay {
        policy: Policy,
        trusted_proxies: TrustedProxies,
        tokens: Tokens,
        slots: ConnectionSlots,
    }

    impl Relay {
        fn new() -> Self {
            let rules = [
                "imap.example.com:993",
                "127.0.0.1:1143",
                "*.mail.example.org:993",
            ];
            let origins = OriginPolicy {
                allowed: vec![parse("https://mail.example.com")],
                missing: MissingOrigin::Allow,
            };
            Self {
                policy: Policy::new(rules.iter().map(|r| parse(r)).collect()).with_origins(origins),
                trusted_proxies: TrustedProxies::new(vec![parse(PROXY)]),
                tokens: Tokens::new(vec![parse(TOKEN)]),
                slots: ConnectionSlots::new(&Limits {
                    max_connections: MAX_CONNECTIONS,
                    max_connections_per_ip: 1,
                    ..Limits::default()
                }),
            }
        }

        fn gate(&self) -> Gate<'_> {
            Gate {
                policy: &self.policy,
                trusted_proxies: &self.trusted_proxies,
                tokens: &self.tokens,
                slots: &self.slots,
            }
        }
    }

    fn request(case: &Case) -> Parts {
        let mut request = Request::builder().uri(format!("/relay?{}", case.query));
        for (name, value) in case.headers {
            request = request.header(*name, *value);
        }
        let mut parts = request
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|e| panic!("{}: {e}", case.what));
        let peer: SocketAddr = parse(case.peer);
        parts.extensions.insert(ConnectInfo(peer));
        parts
    }

    fn summary(admission: &Admission) -> String {
        let client = admission.client.ip().map(|ip| ip.to_string());
        let rule = if admission.rule.is_empty() {
            "-"
        } else {
            &admission.rule
        };
        let upstream = match &admission.upstream {
            Upstream::Addresses(addrs) => {
                let addrs: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                addrs.join(",")
            }
            Upstream::Unresolved(why) => format!("unresolved: {why}"),
        };
        format!("{} {rule} {upstream}", client.unwrap_or_default())
    }

    /// Runs `case` through both steps as the handler does (resolving only after the
    /// screen), with its `open` tunnels holding slots.
    fn outcome(relay: &Relay, case: &Case) -> Result<String, (&'static str, u16)> {
        let _open: Vec<Slot> = case
            .open
            .iter()
            .map(|ip| {
                relay
                    .slots
                    .acquire(Some(parse(ip)))
                    .unwrap_or_else(|e| panic!("{}: open tunnel {ip}: {e}", case.what))
            })
            .collect();
        let gate = relay.gate();
        let resolved = || match case.resolved {
            Ok(addrs) => Ok(addrs.iter().map(|a| parse(a)).collect()),
            Err(why) => Err(io::Error::other(why)),
        };
        match screen(&request(case), &gate).and_then(|s| admit(s, resolved(), &gate)) {
            Ok(admission) => Ok(summary(&admission)),
            Err(refusal) => Err((refusal.label(), refusal.status().as_u16())),
        }
    }

    #[test]
    fn admission_table() {
        let relay = Relay::new();
        for case in TABLE {
            let expected = case.expect.map(str::to_owned);
            assert_eq!(outcome(&relay, case), expected, "{}", case.what);
        }
    }

    #[test]
    fn an_admission_holds_its_slot_and_a_refusal_holds_none() {
        let relay = Relay::new();
        let gate = relay.gate();
        let admitted = screen(&request(&ADMIT), &gate)
            .and_then(|s| admit(s, Ok(vec![parse("93.184.216.34")]), &gate));
        assert!(admitted.is_ok());
        let again = screen(&request(&ADMIT), &gate)
            .and_then(|s| admit(s, Ok(vec![parse("93.184.216.34")]), &gate))
            .map(|a| a.client);
        assert_eq!(
            again.err().map(|r| r.label()),
            Some("too_many_connections_per_ip")
        );
        drop(admitted);
        // Refusals after the slot was freed take none: the next admission still fits.
        let forbidden = screen(&request(&ADMIT), &gate)
            .and_then(|s| admit(s, Ok(vec![parse("10.1.2.3")]), &gate));
        assert_eq!(
            forbidden.err().map(|r| r.label()),
            Some("address_forbidden")
        );
        let third = screen(&request(&ADMIT), &gate)
            .and_then(|s| admit(s, Ok(vec![parse("93.184.216.34")]), &gate));
        assert!(third.is_ok());
    }

    #[test]
    fn the_client_gets_a_category_and_never_the_details() {
        let relay = Relay::new();
        let gate = relay.gate();
        let body = |case: &Case, resolved: &str| {
            screen(&request(case), &gate)
                .and_then(|s| admit(s, Ok(vec![parse(resolved)]), &gate))
                .err()
                .map(|refusal| refusal.body())
        };
        assert_eq!(
            body(&ADMIT, "10.1.2.3").as_deref(),
            Some("forbidden: target not allowed\n")
        );
        let wrong_token = Case {
            headers: &[("cookie", "webimap_relay_token=bbbbbbbbbbbbbbbb-2")],
            ..ADMIT
        };
        assert_eq!(
            body(&wrong_token, "93.184.216.34").as_deref(),
            Some("forbidden: invalid token\n")
        );
        let foreign = Case {
            headers: &[GOOD_COOKIE, ("origin", "https://evil.example")],
            ..ADMIT
        };
        assert_eq!(
            body(&foreign, "93.184.216.34").as_deref(),
            Some("forbidden: origin not allowed\n")
        );
        let malformed = Case {
            query: "port=993",
            ..ADMIT
        };
        assert_eq!(
            body(&malformed, "93.184.216.34").as_deref(),
            Some("bad request: expected /relay?host=HOST&port=PORT\n")
        );
    }

    #[test]
    fn the_log_names_the_client_and_its_proxy() {
        let tcp = Some(parse::<SocketAddr>("10.0.0.1:40000"));
        let forwarded = Some(parse::<IpAddr>("198.51.100.7"));
        let shown = |tcp, forwarded| Peer { tcp, forwarded }.to_string();
        assert_eq!(shown(tcp, forwarded), "198.51.100.7 (via 10.0.0.1:40000)");
        assert_eq!(shown(tcp, None), "10.0.0.1:40000");
        assert_eq!(shown(None, None), "unknown");
        assert_eq!(Peer { tcp, forwarded }.ip(), forwarded);
        assert_eq!(
            Peer {
                tcp,
                forwarded: None
            }
            .ip(),
            Some(parse("10.0.0.1"))
        );
    }
}
