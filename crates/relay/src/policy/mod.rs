//! Whether a tunnel may be opened: pure data and pure functions, no I/O.
//!
//! A browser asks for a [`Target`] (host and port) in a [`ConnectRequest`]. The handler
//! first calls [`screen`] (origin, and could any rule admit this target at all?) so that
//! names no rule can admit are refused without a DNS query; then it resolves the host once
//! and calls [`decide`] with the resolved addresses. [`decide`] returns
//! [`Decision::Allow`] with the matching [`AllowRule`] (to log) and the vetted addresses
//! (the only ones to connect to), or [`Decision::Deny`] with a [`Reason`]. The client only
//! ever sees [`Reason::category`]; the log gets the full [`Reason`].
//!
//! Every resolved address must be admitted by a rule, and none may lie in a special range
//! ([`range::DENIED_V4`], [`range::DENIED_V6`]: loopback, private, link-local, CGNAT,
//! unique local, multicast, documentation, …) unless a rule for the port names that
//! address or a network inside that range explicitly (`127.0.0.1:1143`,
//! `10.1.0.0/16:993`). A broad rule such as `0.0.0.0/0:993` does not lift the ban.

pub mod host;
pub mod origin;
pub mod range;
mod reason;
mod request;

use std::{fmt, net::IpAddr, str::FromStr};

use self::host::parse_port;
pub use self::{
    host::{Host, Target, TargetError},
    origin::{ListenerScheme, MissingOrigin, Origin, OriginError, OriginPolicy, OriginRule},
    range::{Forbidden, IpNet, NetError, SpecialRange, forbidden},
    reason::Reason,
    request::ConnectRequest,
};

/// The host part of an allow rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostPattern {
    /// `imap.example.com` (exact name, any case) or `203.0.113.7` / `[2001:db8::7]`
    /// (that address, also when a requested name resolves to it).
    Exact(Host),
    /// `*.example.com`: any name with at least one label before `.example.com` (not
    /// `example.com` itself). Stored without the `*.`.
    Wildcard(String),
    /// `10.0.0.0/8`, `[fd00::/8]`: any address in the network, requested literally or
    /// resolved from a name.
    Net(IpNet),
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(host) => write!(f, "{host}"),
            Self::Wildcard(suffix) => write!(f, "*.{suffix}"),
            Self::Net(net) if net.addr().is_ipv6() => write!(f, "[{net}]"),
            Self::Net(net) => write!(f, "{net}"),
        }
    }
}

/// One allowlist entry, written `HOST:PORT` where HOST is a name (`imap.example.com`),
/// a wildcard (`*.example.com`), an address (`127.0.0.1`, `[::1]`) or a network
/// (`10.0.0.0/8`, `[fd00::/8]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowRule {
    /// What hosts the rule admits.
    pub host: HostPattern,
    /// The port the rule admits.
    pub port: u16,
}

/// How a rule relates to a requested name before it is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    /// The name itself matches (exact or wildcard).
    Name,
    /// Only the resolved addresses can tell (address and network rules).
    ByAddress,
    /// Never.
    No,
}

impl AllowRule {
    fn name_match(&self, target: &Target) -> NameMatch {
        if self.port != target.port {
            return NameMatch::No;
        }
        match (&self.host, &target.host) {
            (HostPattern::Exact(rule), host) if rule == host => NameMatch::Name,
            (HostPattern::Wildcard(suffix), Host::Name(name))
                if name
                    .strip_suffix(suffix.as_str())
                    .is_some_and(|head| head.len() > 1 && head.ends_with('.')) =>
            {
                NameMatch::Name
            }
            (HostPattern::Exact(Host::Ip(_)) | HostPattern::Net(_), Host::Name(_)) => {
                NameMatch::ByAddress
            }
            (HostPattern::Net(net), Host::Ip(ip)) if net.contains(*ip) => NameMatch::Name,
            _ => NameMatch::No,
        }
    }

    /// Whether this rule admits connecting to `addr` for `target`.
    #[must_use]
    pub fn admits(&self, target: &Target, addr: IpAddr) -> bool {
        match self.name_match(target) {
            NameMatch::No => false,
            NameMatch::Name => match &self.host {
                // A name rule vouches for whatever the name resolves to (subject to the
                // special ranges); an address rule only for its own address.
                HostPattern::Exact(Host::Name(_)) | HostPattern::Wildcard(_) => true,
                HostPattern::Exact(Host::Ip(ip)) => *ip == addr,
                HostPattern::Net(net) => net.contains(addr),
            },
            NameMatch::ByAddress => self.explicit_net().is_some_and(|net| net.contains(addr)),
        }
    }

    /// The addresses this rule names explicitly, if it is an address or network rule.
    #[must_use]
    pub fn explicit_net(&self) -> Option<IpNet> {
        match &self.host {
            HostPattern::Exact(Host::Ip(ip)) => Some(IpNet::single(*ip)),
            HostPattern::Net(net) => Some(*net),
            HostPattern::Exact(Host::Name(_)) | HostPattern::Wildcard(_) => None,
        }
    }
}

/// A malformed allow rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A bad host or port.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A bad network.
    #[error(transparent)]
    Net(#[from] NetError),
    /// A wildcard over a single label (`*.com`) or not of the form `*.NAME`.
    #[error(
        "invalid wildcard {0:?} (expected *.DOMAIN with at least two labels, e.g. *.example.com)"
    )]
    Wildcard(String),
}

impl FromStr for AllowRule {
    type Err = RuleError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let missing_port = || TargetError::MissingPort(input.to_owned());
        let (host, port) = input
            .rsplit_once(':')
            .filter(|(host, _)| !host.is_empty())
            .ok_or_else(missing_port)?;
        let port = parse_port(port)?;
        let host = if let Some(suffix) = host.strip_prefix("*.") {
            match Host::parse(suffix) {
                Ok(Host::Name(name)) if name.contains('.') => HostPattern::Wildcard(name),
                _ => return Err(RuleError::Wildcard(host.to_owned())),
            }
        } else if host.contains('/') {
            let net = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            HostPattern::Net(net.parse()?)
        } else if host.contains(':') && !host.starts_with('[') {
            // An unbracketed IPv6 address: the port would be ambiguous.
            return Err(missing_port().into());
        } else {
            HostPattern::Exact(Host::parse(host)?)
        };
        Ok(Self { host, port })
    }
}

impl fmt::Display for AllowRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// The relay's rules for opening tunnels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    rules: Vec<AllowRule>,
    origins: OriginPolicy,
    listener: ListenerScheme,
}

impl Policy {
    /// A policy admitting exactly the targets some rule matches, from any same-origin page
    /// or non-browser client.
    #[must_use]
    pub fn new(rules: Vec<AllowRule>) -> Self {
        Self {
            rules,
            origins: OriginPolicy::default(),
            listener: ListenerScheme::default(),
        }
    }

    /// This policy for a listener serving `scheme` (same-origin pages must use it).
    /// [`crate::run`] sets it from whether the relay serves TLS.
    #[must_use]
    pub fn with_listener(mut self, scheme: ListenerScheme) -> Self {
        self.listener = scheme;
        self
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

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'p> {
    /// Connect, to `addrs` only; `rule` is the rule that admitted the first address.
    Allow {
        /// The rule to log.
        rule: &'p AllowRule,
        /// The vetted addresses, in resolver order, without duplicates.
        addrs: Vec<IpAddr>,
    },
    /// Refuse, for this reason.
    Deny(Reason),
}

/// The checks possible before resolving the target: the origin, and whether any rule
/// could admit the target. Names no rule can admit are refused here, without a DNS query.
///
/// # Errors
///
/// The [`Reason`] for refusing.
pub fn screen(request: &ConnectRequest, policy: &Policy) -> Result<(), Reason> {
    policy.origins.check(request, policy.listener)?;
    if policy
        .rules
        .iter()
        .any(|rule| rule.name_match(&request.target) != NameMatch::No)
    {
        Ok(())
    } else {
        Err(Reason::TargetNotAllowed(request.target.clone()))
    }
}

/// Decides whether `request` may be tunnelled under `policy`, given the addresses its
/// host resolved to (for an IP literal, that address).
#[must_use]
pub fn decide<'p>(
    request: &ConnectRequest,
    resolved: &[IpAddr],
    policy: &'p Policy,
) -> Decision<'p> {
    if let Err(reason) = screen(request, policy) {
        return Decision::Deny(reason);
    }
    let target = &request.target;
    let mut first_rule = None;
    let mut addrs: Vec<IpAddr> = Vec::with_capacity(resolved.len());
    for addr in resolved.iter().map(|a| a.to_canonical()) {
        if addrs.contains(&addr) {
            continue;
        }
        let Some(rule) = policy.rules.iter().find(|rule| rule.admits(target, addr)) else {
            let reason = match target.host {
                Host::Ip(_) => Reason::TargetNotAllowed(target.clone()),
                Host::Name(_) => Reason::AddressNotAllowed {
                    target: target.clone(),
                    addr,
                },
            };
            return Decision::Deny(reason);
        };
        if let Some(hit) = forbidden(addr) {
            let named = policy.rules.iter().any(|rule| {
                rule.port == target.port
                    && rule.explicit_net().is_some_and(|net| {
                        hit.range.net.contains_net(&net) && net.contains(hit.checked)
                    })
            });
            if !named {
                return Decision::Deny(Reason::AddressForbidden {
                    target: target.clone(),
                    addr,
                    range: hit.range.name,
                });
            }
        }
        first_rule.get_or_insert(rule);
        addrs.push(addr);
    }
    match first_rule {
        Some(rule) => Decision::Allow { rule, addrs },
        None => Decision::Deny(Reason::NoAddress(target.clone())),
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn public() -> IpAddr {
        ip("93.184.216.34")
    }

    /// What `decide` says: the rule shown, or the reason's label.
    type Outcome = Result<String, &'static str>;

    fn outcome(
        p: &Policy,
        host: &str,
        port: &str,
        resolved: &[&str],
    ) -> Result<String, &'static str> {
        let req = request(host, port);
        let resolved: Vec<IpAddr> = match &req.target.host {
            Host::Ip(addr) if resolved.is_empty() => vec![*addr],
            _ => resolved.iter().map(|s| ip(s)).collect(),
        };
        match decide(&req, &resolved, p) {
            Decision::Allow { rule, addrs } => {
                assert!(!addrs.is_empty());
                assert!(
                    addrs
                        .iter()
                        .all(|a| resolved.contains(a) || resolved.contains(&a.to_canonical()))
                );
                Ok(rule.to_string())
            }
            Decision::Deny(reason) => Err(reason.label()),
        }
    }

    #[test]
    fn decide_table() {
        let p = policy(&[
            "imap.example.com:993",
            "127.0.0.1:1143",
            "[::1]:143",
            "*.mail.example.org:993",
            "10.1.0.0/16:993",
            "203.0.113.7:993",
            "0.0.0.0/0:995",
            "[2606:4700::/32]:993",
        ]);
        let ok = |r: &str| Outcome::Ok(r.to_owned());
        #[rustfmt::skip]
        let table: &[(&str, &str, &[&str], Outcome)] = &[
            // Names: exact, any case, trailing dot; resolved addresses must be public.
            ("imap.example.com", "993", &["93.184.216.34"], ok("imap.example.com:993")),
            ("IMAP.Example.COM", "993", &["93.184.216.34"], ok("imap.example.com:993")),
            ("imap.example.com.", "993", &["93.184.216.34", "2606:2800::1"], ok("imap.example.com:993")),
            ("imap.example.com", "143", &["93.184.216.34"], Err("address_not_allowed")),
            ("imap.example.com", "110", &["93.184.216.34"], Err("target_not_allowed")),
            ("mail.example.com", "993", &["93.184.216.34"], Err("address_not_allowed")),
            ("imap.example.com.evil.org", "993", &["93.184.216.34"], Err("address_not_allowed")),
            ("imap.example.com", "993", &["127.0.0.1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["93.184.216.34", "10.0.0.1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["169.254.169.254"], Err("address_forbidden")),
            ("imap.example.com", "993", &["::ffff:192.168.0.1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["fe80::1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["fd00::1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["100.64.1.1"], Err("address_forbidden")),
            ("imap.example.com", "993", &["64:ff9b::a00:1"], Err("address_forbidden")),
            ("imap.example.com", "993", &[], Err("no_address")),
            // A name resolving into an explicitly named private network is fine.
            ("imap.example.com", "993", &["10.1.2.3"], ok("imap.example.com:993")),
            ("imap.example.com", "993", &["10.2.0.1"], Err("address_forbidden")),
            // Wildcards: one or more labels before the suffix, not the suffix itself.
            ("a.mail.example.org", "993", &["93.184.216.34"], ok("*.mail.example.org:993")),
            ("a.b.mail.example.org", "993", &["93.184.216.34"], ok("*.mail.example.org:993")),
            ("mail.example.org", "993", &["93.184.216.34"], Err("address_not_allowed")),
            ("evilmail.example.org", "993", &["93.184.216.34"], Err("address_not_allowed")),
            ("a.mail.example.org", "993", &["192.168.1.1"], Err("address_forbidden")),
            // Address literals; spellings are normalised first.
            ("127.0.0.1", "1143", &[], ok("127.0.0.1:1143")),
            ("2130706433", "1143", &[], ok("127.0.0.1:1143")),
            ("0x7f.0.0.1", "1143", &[], ok("127.0.0.1:1143")),
            ("0177.0.0.1", "1143", &[], ok("127.0.0.1:1143")),
            ("127.1", "1143", &[], ok("127.0.0.1:1143")),
            ("::ffff:127.0.0.1", "1143", &[], ok("127.0.0.1:1143")),
            ("127.0.0.2", "1143", &[], Err("target_not_allowed")),
            ("::1", "143", &[], ok("[::1]:143")),
            ("[0:0:0:0:0:0:0:1]", "143", &[], ok("[::1]:143")),
            ("::1", "1143", &[], Err("target_not_allowed")),
            // A name resolving to an explicitly allowed address.
            ("localhost", "1143", &["127.0.0.1"], ok("127.0.0.1:1143")),
            ("localhost", "1143", &["::1", "127.0.0.1"], Err("address_not_allowed")),
            ("localhost", "143", &["::1"], ok("[::1]:143")),
            // Networks: literal or resolved; a broad network does not lift the ban.
            ("10.1.200.3", "993", &[], ok("10.1.0.0/16:993")),
            ("10.2.0.1", "993", &[], Err("target_not_allowed")),
            ("anything.example", "993", &["10.1.0.9"], ok("10.1.0.0/16:993")),
            ("203.0.113.7", "993", &[], ok("203.0.113.7:993")),
            ("203.0.113.8", "993", &[], Err("target_not_allowed")),
            ("8.8.8.8", "995", &[], ok("0.0.0.0/0:995")),
            ("any.example", "995", &["8.8.4.4"], ok("0.0.0.0/0:995")),
            ("127.0.0.1", "995", &[], Err("address_forbidden")),
            ("0177.1", "995", &[], Err("address_forbidden")),
            ("any.example", "995", &["192.168.0.10"], Err("address_forbidden")),
            ("any.example", "995", &["2606:4700::1"], Err("address_not_allowed")),
            ("2606:4700::1111", "993", &[], ok("[2606:4700::/32]:993")),
            ("::ffff:10.1.0.1", "993", &[], ok("10.1.0.0/16:993")),
        ];
        for (host, port, resolved, want) in table {
            assert_eq!(
                &outcome(&p, host, port, resolved),
                want,
                "{host}:{port} -> {resolved:?}"
            );
        }
    }

    #[test]
    fn screen_refuses_unmatchable_names_before_resolving() {
        let p = policy(&[
            "imap.example.com:993",
            "*.example.org:993",
            "10.0.0.0/8:143",
        ]);
        let screened = |h: &str, port: &str| screen(&request(h, port), &p).map_err(|r| r.label());
        assert_eq!(screened("imap.example.com", "993"), Ok(()));
        assert_eq!(screened("x.example.org", "993"), Ok(()));
        assert_eq!(
            screened("evil.example.net", "993"),
            Err("target_not_allowed")
        );
        // Address rules may admit any name once resolved: those names pass the screen.
        assert_eq!(screened("evil.example.net", "143"), Ok(()));
        assert_eq!(screened("10.0.0.1", "143"), Ok(()));
        assert_eq!(screened("11.0.0.1", "143"), Err("target_not_allowed"));
    }

    #[test]
    fn empty_policy_denies_everything() {
        let empty = Policy::default();
        let d = decide(&request("imap.example.com", "993"), &[public()], &empty);
        assert!(matches!(d, Decision::Deny(Reason::TargetNotAllowed(_))));
    }

    #[test]
    fn vetted_addresses_are_deduplicated_and_canonical() {
        let p = policy(&["imap.example.com:993"]);
        let resolved = [
            ip("93.184.216.34"),
            ip("::ffff:93.184.216.34"),
            ip("2606:2800::1"),
        ];
        match decide(&request("imap.example.com", "993"), &resolved, &p) {
            Decision::Allow { addrs, .. } => {
                assert_eq!(addrs, vec![ip("93.184.216.34"), ip("2606:2800::1")])
            }
            Decision::Deny(reason) => panic!("{reason}"),
        }
    }

    #[test]
    fn allow_rule_parse() {
        for (input, shown) in [
            ("imap.example.com:993", "imap.example.com:993"),
            ("IMAP.example.com:993", "imap.example.com:993"),
            ("[::1]:143", "[::1]:143"),
            ("127.0.0.1:1143", "127.0.0.1:1143"),
            ("2130706433:1143", "127.0.0.1:1143"),
            ("*.Example.com:993", "*.example.com:993"),
            ("10.0.0.0/8:993", "10.0.0.0/8:993"),
            ("[fd00::/8]:993", "[fd00::/8]:993"),
            ("fd00::/8:993", "[fd00::/8]:993"),
            ("0.0.0.0/0:993", "0.0.0.0/0:993"),
        ] {
            let rule: Result<AllowRule, _> = input.parse();
            assert_eq!(rule.map(|r| r.to_string()).as_deref(), Ok(shown), "{input}");
        }
        for input in [
            "nonsense",
            "::1:143",
            ":993",
            "host:",
            "host:0",
            "a b:1",
            "*.com:993",
            "*:993",
            "a.*.example.com:993",
            "*.*.example.com:993",
            "10.0.0.1/8:993",
            "10.0.0.0/33:993",
        ] {
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
        let same_tls = rules().with_listener(ListenerScheme::Https);
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
            // same-origin default: loopback hosts only, with the listener's scheme
            (&same, Some("http://127.0.0.1:8080"), Some("127.0.0.1:8080"), true),
            (&same, Some("http://localhost:8080"), Some("localhost:8080"), true),
            (&same, Some("http://LOCALHOST"), Some("localhost:80"), true),
            (&same, Some("http://127.0.0.2:8080"), Some("127.0.0.2:8080"), true),
            (&same, Some("http://[::1]:8080"), Some("[::1]:8080"), true),
            (&same, Some("http://127.0.0.1:8081"), Some("127.0.0.1:8080"), false),
            (&same, Some("http://127.0.0.1:8080"), Some("localhost:8080"), false),
            // DNS rebinding: Origin and Host both name the attacker's domain
            (&same, Some("http://evil.example:8080"), Some("evil.example:8080"), false),
            (&same, Some("https://mail.example.com"), Some("mail.example.com"), false),
            (&same, Some("http://10.0.0.5:8080"), Some("10.0.0.5:8080"), false),
            (&same, Some("http://localhost.evil.example"), Some("localhost.evil.example"), false),
            // scheme: an https page on a plain listener (and the reverse) is refused
            (&same, Some("https://127.0.0.1:8080"), Some("127.0.0.1:8080"), false),
            (&same, Some("ws://127.0.0.1:8080"), Some("127.0.0.1:8080"), false),
            (&same_tls, Some("https://127.0.0.1:8443"), Some("127.0.0.1:8443"), true),
            (&same_tls, Some("https://localhost"), Some("localhost"), true),
            (&same_tls, Some("http://127.0.0.1:8443"), Some("127.0.0.1:8443"), false),
            (&same, Some("https://evil.example"), Some("mail.example.com"), false),
            (&same, Some("http://127.0.0.1"), None, false),
            (&same, None, Some("mail.example.com"), true),
            (&same_strict, None, Some("mail.example.com"), false),
        ];
        for (policy, origin, host, allowed) in table {
            let decision = decide(&with_origin(*origin, *host), &[public()], policy);
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
        let d = decide(&request("imap.example.com", "993"), &[public()], &p);
        assert!(matches!(
            d,
            Decision::Deny(Reason::OriginNotAllowed { origin: None, .. })
        ));
    }
}
