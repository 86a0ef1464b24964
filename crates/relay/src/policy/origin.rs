//! Which web pages may use the relay, judged by the `Origin` header.

use std::{fmt, str::FromStr};

use super::{
    host::{Host, parse_port},
    reason::Reason,
    request::ConnectRequest,
};

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

    /// Whether the host is a loopback one: `localhost`, 127.0.0.0/8 or `[::1]`.
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        match &self.host {
            Host::Name(name) => name == "localhost",
            Host::Ip(ip) => ip.is_loopback(),
        }
    }

    /// The scheme, lower-cased.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
}

/// How pages reach the relay's own listener: the scheme a same-origin page has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ListenerScheme {
    /// Plain HTTP (pages are `http://`).
    #[default]
    Http,
    /// The relay serves TLS itself (pages are `https://`).
    Https,
}

impl ListenerScheme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
    /// Allowed origins. Empty means loopback same-origin only: the `Origin` must name
    /// the authority in the request's `Host` header, with the listener's scheme, and that
    /// host must be a loopback one (so a DNS-rebinding page, whose Origin and Host both
    /// name the attacker's domain, is refused). A relay listening on a non-loopback
    /// address refuses to start with an empty list ([`crate::Config::check_listen`]).
    pub allowed: Vec<OriginRule>,
    /// What to do without an `Origin` header.
    pub missing: MissingOrigin,
}

impl OriginPolicy {
    pub(crate) fn check(
        &self,
        request: &ConnectRequest,
        listener: ListenerScheme,
    ) -> Result<(), Reason> {
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
                Some(host) if !origin.matches_host_header(host) => {
                    deny("not same-origin and no --origin configured")
                }
                None => deny("no Host header and no --origin configured"),
                Some(_) if origin.scheme() != listener.as_str() => {
                    deny("scheme differs from the listener's and no --origin configured")
                }
                Some(_) if !origin.is_loopback() => {
                    deny("not a loopback host and no --origin configured")
                }
                Some(_) => Ok(()),
            }
        } else if self.allowed.contains(&OriginRule::Exact(origin)) {
            Ok(())
        } else {
            deny("not in the origin allowlist")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
