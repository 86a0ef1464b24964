//! Whether a tunnel may be opened: pure data and pure functions, no I/O.
//!
//! A browser asks for a [`Target`] (host and port) in a [`ConnectRequest`]; [`decide`]
//! checks it against the [`Policy`] and returns [`Decision::Allow`] with the matching
//! [`AllowRule`] (logged by the caller) or [`Decision::Deny`] with a [`Reason`]. The client
//! only ever sees [`Reason::category`]; the log gets the full [`Reason`].

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    str::FromStr,
};

/// The host part of a target or rule: a lower-cased DNS name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A DNS name: ASCII letters (lower-cased), digits, `-` and `_`, dot-separated labels,
    /// no trailing dot.
    Name(String),
    /// An IP address. IPv4 written in any `inet_aton` spelling (`2130706433`,
    /// `0x7f.1`, `0177.0.0.1`) is normalised to this form.
    Ip(IpAddr),
}

impl Host {
    /// Parses a host as written in a URL query or an allow rule: a DNS name, an IPv4
    /// address (any `inet_aton` spelling), or an IPv6 address with or without brackets.
    ///
    /// # Errors
    ///
    /// [`TargetError::InvalidHost`] for anything else.
    pub fn parse(input: &str) -> Result<Self, TargetError> {
        let invalid = || TargetError::InvalidHost(input.to_owned());
        if let Some(inner) = input.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or_else(invalid)?;
            return inner
                .parse::<Ipv6Addr>()
                .map(|ip| Self::Ip(IpAddr::V6(ip)))
                .map_err(|_| invalid());
        }
        if let Ok(ip) = input.parse::<Ipv6Addr>() {
            return Ok(Self::Ip(IpAddr::V6(ip)));
        }
        if let Some(ip) = parse_ipv4_loose(input) {
            return Ok(Self::Ip(IpAddr::V4(ip)));
        }
        let name = input.strip_suffix('.').unwrap_or(input);
        if name.is_empty() || name.len() > 253 {
            return Err(invalid());
        }
        let labels_ok = name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        // A name whose last label is numeric would be read as an IPv4 address by resolvers
        // (WHATWG URL rule); it was not a valid one, so refuse it rather than guess.
        let last_numeric = name
            .rsplit('.')
            .next()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()) || l.starts_with("0x"));
        if !labels_ok || last_numeric {
            return Err(invalid());
        }
        Ok(Self::Name(name.to_ascii_lowercase()))
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name) => f.write_str(name),
            Self::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Self::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
        }
    }
}

/// Parses IPv4 the way `inet_aton` does: one to four dot-separated parts, each decimal,
/// octal (leading `0`) or hexadecimal (`0x`); the last part fills the remaining bytes.
fn parse_ipv4_loose(input: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = input.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        values.push(u32::from_str_radix(digits, radix).ok()?);
    }
    let (last, leading) = values.split_last()?;
    let mut addr: u32 = 0;
    for (i, v) in leading.iter().enumerate() {
        if *v > 0xff {
            return None;
        }
        addr |= v << (24 - 8 * i);
    }
    let last_bits = 32 - 8 * leading.len();
    if last_bits < 32 && *last >= (1u32 << last_bits) {
        return None;
    }
    Some(Ipv4Addr::from(addr | last))
}

/// Where a browser asks to be connected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The server's host.
    pub host: Host,
    /// The server's TCP port, never 0.
    pub port: u16,
}

impl Target {
    /// Parses the `host` and `port` query parameters of a `/relay` request.
    ///
    /// # Errors
    ///
    /// [`TargetError`] if either is malformed.
    pub fn parse(host: &str, port: &str) -> Result<Self, TargetError> {
        Ok(Self {
            host: Host::parse(host)?,
            port: parse_port(port)?,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

fn parse_port(input: &str) -> Result<u16, TargetError> {
    match input.parse::<u16>() {
        Ok(port) if port != 0 && input.bytes().all(|b| b.is_ascii_digit()) => Ok(port),
        _ => Err(TargetError::InvalidPort(input.to_owned())),
    }
}

/// A malformed host or port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a DNS name or IP address.
    #[error("invalid host {0:?}")]
    InvalidHost(String),
    /// Not a number from 1 to 65535.
    #[error("invalid port {0:?} (expected 1-65535)")]
    InvalidPort(String),
    /// Not of the form `HOST:PORT`.
    #[error("expected HOST:PORT, got {0:?}")]
    MissingPort(String),
}

/// One allowlist entry, written `HOST:PORT` (`[IPv6]:PORT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowRule {
    /// The host the rule admits (exact match, case-insensitive for names).
    pub host: Host,
    /// The port the rule admits.
    pub port: u16,
}

impl AllowRule {
    /// Whether this rule admits `target`.
    #[must_use]
    pub fn matches(&self, target: &Target) -> bool {
        self.port == target.port && self.host == target.host
    }
}

impl FromStr for AllowRule {
    type Err = TargetError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let (host, port) = input
            .rsplit_once(':')
            .filter(|(host, _)| !host.is_empty())
            .ok_or_else(|| TargetError::MissingPort(input.to_owned()))?;
        // An unbracketed IPv6 address has more colons; demand brackets to keep the port clear.
        if host.contains(':') && !host.starts_with('[') {
            return Err(TargetError::MissingPort(input.to_owned()));
        }
        Ok(Self {
            host: Host::parse(host)?,
            port: parse_port(port)?,
        })
    }
}

impl fmt::Display for AllowRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// A web origin, `scheme://host[:port]`, as browsers send it in the `Origin` header.
///
/// Scheme and host are lower-cased; a port equal to the scheme's default (80 for `http`,
/// 443 for `https`) is dropped, so `https://Mail.Example.com:443` equals
/// `https://mail.example.com`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: String,
    host: Host,
    port: Option<u16>,
}

impl Origin {
    fn default_port(scheme: &str) -> Option<u16> {
        match scheme {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        }
    }

    /// Whether this origin names the same authority as an HTTP `Host` header value
    /// (a same-origin request: the page was served by this relay, or by the proxy in
    /// front of it).
    #[must_use]
    pub fn matches_host_header(&self, host_header: &str) -> bool {
        let (host, port) = match host_header.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => match parse_port(port) {
                Ok(port) => (host, Some(port)),
                Err(_) => return false,
            },
            _ => (host_header, None),
        };
        let port = port.filter(|p| Some(*p) != Self::default_port(&self.scheme));
        Host::parse(host).is_ok_and(|host| host == self.host) && port == self.port
    }
}

impl FromStr for Origin {
    type Err = OriginError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || OriginError(input.to_owned());
        let (scheme, authority) = input.split_once("://").ok_or_else(invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return Err(invalid());
        }
        // An origin has no path, query, user info or fragment; tolerate one trailing '/'.
        let authority = authority.strip_suffix('/').unwrap_or(authority);
        if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
            return Err(invalid());
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => {
                (host, Some(parse_port(port).map_err(|_| invalid())?))
            }
            _ => (authority, None),
        };
        if host.contains(':') && !host.starts_with('[') {
            return Err(invalid());
        }
        let host = Host::parse(host).map_err(|_| invalid())?;
        let port = port.filter(|p| Some(*p) != Self::default_port(&scheme));
        Ok(Self { scheme, host, port })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

/// A malformed origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid origin {0:?} (expected SCHEME://HOST[:PORT], e.g. https://mail.example.com)")]
pub struct OriginError(String);

/// One entry of the origin allowlist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OriginRule {
    /// `*`: any origin.
    Any,
    /// This origin exactly.
    Exact(Origin),
}

impl FromStr for OriginRule {
    type Err = OriginError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        if input == "*" {
            Ok(Self::Any)
        } else {
            input.parse().map(Self::Exact)
        }
    }
}

impl fmt::Display for OriginRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Exact(origin) => write!(f, "{origin}"),
        }
    }
}

/// What to do with a request that carries no `Origin` header. Browsers always send one on
/// WebSocket requests, so a missing header means a non-browser client (which could as
/// well send a forged one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum MissingOrigin {
    /// Accept it (the default).
    #[default]
    Allow,
    /// Refuse it with 403.
    Deny,
}

/// Which web pages may open tunnels, judged by the `Origin` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// Allowed origins. Empty means same-origin only: the `Origin` must name the
    /// authority in the request's `Host` header.
    pub allowed: Vec<OriginRule>,
    /// What to do without an `Origin` header.
    pub missing: MissingOrigin,
}

impl OriginPolicy {
    fn check(&self, request: &ConnectRequest) -> Result<(), Reason> {
        let Some(raw) = &request.origin else {
            return match self.missing {
                MissingOrigin::Allow => Ok(()),
                MissingOrigin::Deny => Err(Reason::OriginNotAllowed {
                    origin: None,
                    why: "no Origin header",
                }),
            };
        };
        if self.allowed.contains(&OriginRule::Any) {
            return Ok(());
        }
        let deny = |why| {
            Err(Reason::OriginNotAllowed {
                origin: Some(raw.clone()),
                why,
            })
        };
        // "null" (sandboxed frames, file: pages) and garbage never match.
        let Ok(origin) = raw.parse::<Origin>() else {
            return deny("not a valid origin");
        };
        if self.allowed.is_empty() {
            match &request.host_header {
                Some(host) if origin.matches_host_header(host) => Ok(()),
                _ => deny("not same-origin and no --origin configured"),
            }
        } else if self.allowed.contains(&OriginRule::Exact(origin)) {
            Ok(())
        } else {
            deny("not in the origin allowlist")
        }
    }
}

/// The relay's rules for opening tunnels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    rules: Vec<AllowRule>,
    origins: OriginPolicy,
}

impl Policy {
    /// A policy admitting exactly the targets some rule matches, from any same-origin page
    /// or non-browser client.
    #[must_use]
    pub fn new(rules: Vec<AllowRule>) -> Self {
        Self {
            rules,
            origins: OriginPolicy::default(),
        }
    }

    /// This policy with `origins` deciding which pages may connect.
    #[must_use]
    pub fn with_origins(mut self, origins: OriginPolicy) -> Self {
        self.origins = origins;
        self
    }

    /// The allow rules, in the order given.
    #[must_use]
    pub fn rules(&self) -> &[AllowRule] {
        &self.rules
    }

    /// The origin policy.
    #[must_use]
    pub fn origins(&self) -> &OriginPolicy {
        &self.origins
    }
}

/// What a browser asked for, as far as policy is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The requested server.
    pub target: Target,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// The `Host` header, if any (for the same-origin check).
    pub host_header: Option<String>,
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'p> {
    /// Connect; `rule` is the allow rule that matched (log it).
    Allow {
        /// The first matching rule.
        rule: &'p AllowRule,
    },
    /// Refuse, for this reason.
    Deny(Reason),
}

/// Why a tunnel was refused. `Display` gives the full reason, for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// No allow rule matches the target.
    #[error("target {0} matches no allow rule")]
    TargetNotAllowed(Target),
    /// The page's origin may not use the relay.
    #[error("origin {origin:?} refused: {why}")]
    OriginNotAllowed {
        /// The `Origin` header as sent.
        origin: Option<String>,
        /// Which check failed.
        why: &'static str,
    },
}

impl Reason {
    /// The short category shown to the client (HTTP 403 body) and used as a metrics label.
    #[must_use]
    pub fn category(&self) -> &'static str {
        match self {
            Self::TargetNotAllowed(_) => "target not allowed",
            Self::OriginNotAllowed { .. } => "origin not allowed",
        }
    }
}

/// Decides whether `request` may be tunnelled under `policy`: first the origin, then the
/// target.
#[must_use]
pub fn decide<'p>(request: &ConnectRequest, policy: &'p Policy) -> Decision<'p> {
    if let Err(reason) = policy.origins.check(request) {
        return Decision::Deny(reason);
    }
    match policy
        .rules
        .iter()
        .find(|rule| rule.matches(&request.target))
    {
        Some(rule) => Decision::Allow { rule },
        None => Decision::Deny(Reason::TargetNotAllowed(request.target.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(rules: &[&str]) -> Policy {
        Policy::new(
            rules
                .iter()
                .map(|r| r.parse().unwrap_or_else(|e| panic!("rule {r}: {e}")))
                .collect(),
        )
    }

    fn request(host: &str, port: &str) -> ConnectRequest {
        ConnectRequest {
            target: Target::parse(host, port).unwrap_or_else(|e| panic!("{host}:{port}: {e}")),
            origin: None,
            host_header: None,
        }
    }

    #[test]
    fn decide_table() {
        let p = policy(&["imap.example.com:993", "127.0.0.1:1143", "[::1]:143"]);
        let table: &[(&str, &str, Option<&str>)] = &[
            ("imap.example.com", "993", Some("imap.example.com:993")),
            ("IMAP.Example.COM", "993", Some("imap.example.com:993")),
            ("imap.example.com.", "993", Some("imap.example.com:993")),
            ("imap.example.com", "143", None),
            ("mail.example.com", "993", None),
            ("example.com", "993", None),
            ("imap.example.com.evil.org", "993", None),
            ("127.0.0.1", "1143", Some("127.0.0.1:1143")),
            ("2130706433", "1143", Some("127.0.0.1:1143")),
            ("0x7f.0.0.1", "1143", Some("127.0.0.1:1143")),
            ("0177.0.0.1", "1143", Some("127.0.0.1:1143")),
            ("127.1", "1143", Some("127.0.0.1:1143")),
            ("127.0.0.2", "1143", None),
            ("localhost", "1143", None),
            ("::1", "143", Some("[::1]:143")),
            ("[::1]", "143", Some("[::1]:143")),
            ("[0:0:0:0:0:0:0:1]", "143", Some("[::1]:143")),
            ("::1", "1143", None),
        ];
        for (host, port, want) in table {
            let got = match decide(&request(host, port), &p) {
                Decision::Allow { rule } => Some(rule.to_string()),
                Decision::Deny(reason) => {
                    assert_eq!(reason.category(), "target not allowed");
                    None
                }
            };
            assert_eq!(got.as_deref(), *want, "{host}:{port}");
        }
    }

    #[test]
    fn empty_policy_denies_everything() {
        let empty = Policy::default();
        let d = decide(&request("imap.example.com", "993"), &empty);
        assert!(matches!(d, Decision::Deny(Reason::TargetNotAllowed(_))));
    }

    #[test]
    fn target_parse_table() {
        let bad: &[(&str, &str)] = &[
            ("", "993"),
            ("imap.example.com", ""),
            ("imap.example.com", "0"),
            ("imap.example.com", "65536"),
            ("imap.example.com", "+993"),
            ("imap.example.com", " 993"),
            ("imap example.com", "993"),
            ("imap.example.com/x", "993"),
            ("-imap.example.com", "993"),
            ("imap..example.com", "993"),
            ("[::1", "993"),
            ("[imap]", "993"),
            ("256.0.0.1", "993"),
            ("1.2.3.4.5", "993"),
            ("08.0.0.1", "993"),
            ("0x", "993"),
            ("user@imap.example.com", "993"),
            ("ìmap.example.com", "993"),
        ];
        for (host, port) in bad {
            assert!(
                Target::parse(host, port).is_err(),
                "{host:?}:{port:?} accepted"
            );
        }
    }

    #[test]
    fn ipv4_spellings_normalise() {
        let table = [
            ("1.2.3.4", "1.2.3.4"),
            ("0x01020304", "1.2.3.4"),
            ("16909060", "1.2.3.4"),
            ("1.0x2.0300.4", "1.2.192.4"),
            ("1.2.772", "1.2.3.4"),
            ("1.131844", "1.2.3.4"),
            ("0", "0.0.0.0"),
            ("4294967295", "255.255.255.255"),
        ];
        for (input, want) in table {
            assert_eq!(parse_ipv4_loose(input), want.parse().ok(), "{input}");
        }
        for input in [
            "4294967296",
            "1.256.0.0",
            "1.2.65536",
            "1.2.3.256",
            "1..2",
            "",
        ] {
            assert_eq!(parse_ipv4_loose(input), None, "{input}");
        }
    }

    #[test]
    fn allow_rule_parse() {
        for (input, shown) in [
            ("imap.example.com:993", "imap.example.com:993"),
            ("IMAP.example.com:993", "imap.example.com:993"),
            ("[::1]:143", "[::1]:143"),
            ("127.0.0.1:1143", "127.0.0.1:1143"),
        ] {
            let rule: Result<AllowRule, _> = input.parse();
            assert_eq!(rule.map(|r| r.to_string()).as_deref(), Ok(shown), "{input}");
        }
        for input in ["nonsense", "::1:143", ":993", "host:", "host:0", "a b:1"] {
            assert!(input.parse::<AllowRule>().is_err(), "{input} accepted");
        }
    }

    fn with_origin(origin: Option<&str>, host_header: Option<&str>) -> ConnectRequest {
        ConnectRequest {
            origin: origin.map(str::to_owned),
            host_header: host_header.map(str::to_owned),
            ..request("imap.example.com", "993")
        }
    }

    #[test]
    fn origin_table() {
        let rules = || policy(&["imap.example.com:993"]);
        let listed = |missing| {
            rules().with_origins(OriginPolicy {
                allowed: vec![
                    "https://mail.example.com".parse().expect("origin"),
                    "http://localhost:8080".parse().expect("origin"),
                ],
                missing,
            })
        };
        let any = rules().with_origins(OriginPolicy {
            allowed: vec![OriginRule::Any],
            missing: MissingOrigin::Deny,
        });
        let same = rules();
        let same_strict = rules().with_origins(OriginPolicy {
            allowed: vec![],
            missing: MissingOrigin::Deny,
        });
        let allow_missing = listed(MissingOrigin::Allow);
        let deny_missing = listed(MissingOrigin::Deny);
        #[rustfmt::skip]
        let table: &[(&Policy, Option<&str>, Option<&str>, bool)] = &[
            // allowlist
            (&allow_missing, Some("https://mail.example.com"), None, true),
            (&allow_missing, Some("https://MAIL.example.com:443"), None, true),
            (&allow_missing, Some("https://mail.example.com/"), None, true),
            (&allow_missing, Some("http://mail.example.com"), None, false),
            (&allow_missing, Some("https://mail.example.com:8443"), None, false),
            (&allow_missing, Some("https://evil.example.com"), None, false),
            (&allow_missing, Some("https://mail.example.com.evil.org"), None, false),
            (&allow_missing, Some("http://localhost:8080"), None, true),
            (&allow_missing, Some("http://localhost"), None, false),
            (&allow_missing, Some("null"), None, false),
            (&allow_missing, Some(""), None, false),
            (&allow_missing, None, None, true),
            (&deny_missing, None, None, false),
            (&deny_missing, Some("https://mail.example.com"), None, true),
            // any
            (&any, Some("https://whatever.example"), None, true),
            (&any, Some("null"), None, true),
            (&any, None, None, false),
            // same-origin default
            (&same, Some("http://127.0.0.1:8080"), Some("127.0.0.1:8080"), true),
            (&same, Some("https://mail.example.com"), Some("mail.example.com"), true),
            (&same, Some("https://mail.example.com"), Some("mail.example.com:443"), true),
            (&same, Some("http://[::1]:8080"), Some("[::1]:8080"), true),
            (&same, Some("http://127.0.0.1:8081"), Some("127.0.0.1:8080"), false),
            (&same, Some("https://evil.example"), Some("mail.example.com"), false),
            (&same, Some("https://mail.example.com"), None, false),
            (&same, None, Some("mail.example.com"), true),
            (&same_strict, None, Some("mail.example.com"), false),
        ];
        for (policy, origin, host, allowed) in table {
            let decision = decide(&with_origin(*origin, *host), policy);
            match decision {
                Decision::Allow { .. } => assert!(allowed, "{origin:?} / {host:?} allowed"),
                Decision::Deny(reason) => {
                    assert!(!allowed, "{origin:?} / {host:?} denied: {reason}");
                    assert_eq!(reason.category(), "origin not allowed");
                }
            }
        }
    }

    #[test]
    fn origin_checked_before_target() {
        let p = policy(&[]).with_origins(OriginPolicy {
            allowed: vec![],
            missing: MissingOrigin::Deny,
        });
        let d = decide(&request("imap.example.com", "993"), &p);
        assert!(matches!(
            d,
            Decision::Deny(Reason::OriginNotAllowed { origin: None, .. })
        ));
    }

    #[test]
    fn origin_parse() {
        for (input, shown) in [
            ("https://Mail.Example.com", "https://mail.example.com"),
            ("https://mail.example.com:443", "https://mail.example.com"),
            ("HTTP://localhost:8080", "http://localhost:8080"),
            ("http://[::1]:80", "http://[::1]"),
        ] {
            assert_eq!(
                input.parse::<Origin>().map(|o| o.to_string()).as_deref(),
                Ok(shown)
            );
        }
        for input in [
            "mail.example.com",
            "https://",
            "https://mail.example.com/app",
            "https://user@mail.example.com",
            "https://mail.example.com:0",
            "https://::1",
            "null",
            "*",
        ] {
            assert!(input.parse::<Origin>().is_err(), "{input} accepted");
        }
        assert_eq!("*".parse::<OriginRule>(), Ok(OriginRule::Any));
    }
}
