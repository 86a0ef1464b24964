//! Trusted reverse proxies: behind nginx (or any proxy) every connection comes from the
//! proxy's address, so per-IP caps and logs would see one client. When the TCP peer is a
//! listed proxy, the client address is taken from the one header the proxy is configured
//! to write ([`ForwardedHeader`]: `X-Forwarded-For`, or RFC 7239 `Forwarded`): the
//! right-most address that is not itself a trusted proxy. Everything left of it was
//! written by the client and may be forged, so it is never used; the other header is never
//! read (a client could send it, and a proxy that does not write it passes it on). From any
//! other peer these headers are ignored.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    str::FromStr,
};

use axum::http::{HeaderMap, header};

use crate::policy::range::{IpNet, NetError};

const X_FORWARDED_FOR: header::HeaderName = header::HeaderName::from_static("x-forwarded-for");

/// The networks whose connections are trusted to name the client in forwarding headers,
/// and the header they write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardedHeader,
}

/// Which header the trusted proxies write to name the client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1` (nginx `$proxy_add_x_forwarded_for`, most
    /// proxies; the default).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    Forwarded,
}

/// One trusted-proxy entry: `ADDRESS` or `ADDRESS/PREFIX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(pub IpNet);

impl FromStr for TrustedProxy {
    type Err = NetError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let input = input.trim();
        if input.contains('/') {
            return input.parse().map(Self);
        }
        let addr: IpAddr = input
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| NetError::Syntax(input.to_owned()))?;
        Ok(Self(IpNet::single(addr.to_canonical())))
    }
}

impl fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TrustedProxies {
    /// These networks.
    #[must_use]
    pub fn new(entries: Vec<TrustedProxy>) -> Self {
        Self {
            nets: entries.into_iter().map(|e| e.0).collect(),
            header: ForwardedHeader::default(),
        }
    }

    /// These proxies, writing `header`.
    #[must_use]
    pub fn with_header(mut self, header: ForwardedHeader) -> Self {
        self.header = header;
        self
    }

    /// The header read to name the client.
    #[must_use]
    pub fn header(&self) -> ForwardedHeader {
        self.header
    }

    /// Whether no proxy is trusted (forwarding headers are always ignored).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `addr` is a trusted proxy.
    #[must_use]
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.nets.iter().any(|net| net.contains(addr))
    }

    /// The client's address for a connection from `peer` with these request headers:
    /// the forwarded address if `peer` is trusted and the headers name one, else `None`
    /// (use the peer itself).
    #[must_use]
    pub fn forwarded_client(&self, peer: IpAddr, headers: &HeaderMap) -> Option<IpAddr> {
        if self.nets.is_empty() || !self.contains(peer) {
            return None;
        }
        let name = match self.header {
            ForwardedHeader::XForwardedFor => X_FORWARDED_FOR,
            ForwardedHeader::Forwarded => header::FORWARDED,
        };
        let elements = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        let hops: Vec<Option<IpAddr>> = match self.header {
            ForwardedHeader::XForwardedFor => elements.map(parse_node).collect(),
            ForwardedHeader::Forwarded => elements.map(forwarded_for).collect(),
        };
        // From the right: skip our own proxies; the first other hop is the client. An
        // unparsable hop ends the walk (the last trusted hop is then the best we know).
        let mut client = None;
        for hop in hops.into_iter().rev() {
            match hop {
                Some(addr) if self.contains(addr) => client = Some(addr),
                Some(addr) => return Some(addr),
                None => break,
            }
        }
        client
    }
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.1;proto=https`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(value.trim().trim_matches('"')))
            .flatten()
    })
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:4711`. Anything else (`unknown`, `_hidden`): `None`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Ok(addr) = node.parse::<IpAddr>() {
        return Some(addr.to_canonical());
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip().to_canonical());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<IpAddr>().ok())
        .map(|addr| addr.to_canonical())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().filter_map(|s| s.parse().ok()).collect())
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn entries_parse_as_networks_or_addresses() {
        assert!("127.0.0.1".parse::<TrustedProxy>().is_ok());
        assert!("10.0.0.0/8".parse::<TrustedProxy>().is_ok());
        assert!("[::1]".parse::<TrustedProxy>().is_ok());
        assert!("10.0.0.1/8".parse::<TrustedProxy>().is_err());
        assert!("nginx".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5, 10.1.1.1")]);
        assert_eq!(
            trusted.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("203.0.113.5"))
        );
        // Two header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.6"),
        ]);
        assert_eq!(
            trusted.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("203.0.113.6"))
        );
    }

    #[test]
    fn untrusted_peer_or_garbage_is_ignored() {
        let trusted = proxies(&["127.0.0.1/32"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.5")]);
        assert_eq!(trusted.forwarded_client(ip("192.0.2.1"), &h), None);
        assert_eq!(proxies(&[]).forwarded_client(ip("127.0.0.1"), &h), None);
        let h = headers(&[("x-forwarded-for", "203.0.113.5, garbage")]);
        assert_eq!(trusted.forwarded_client(ip("127.0.0.1"), &h), None);
        assert_eq!(
            trusted.forwarded_client(ip("127.0.0.1"), &HeaderMap::new()),
            None
        );
    }

    #[test]
    fn only_the_configured_header_is_read() {
        // The proxy writes Forwarded; an X-Forwarded-For the client sent must not win.
        let forwarded = proxies(&["127.0.0.1"]).with_header(ForwardedHeader::Forwarded);
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.99"),
            ("forwarded", "for=203.0.113.5"),
        ]);
        assert_eq!(
            forwarded.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("203.0.113.5"))
        );
        // The proxy writes X-Forwarded-For; a Forwarded the client sent is ignored.
        let xff = proxies(&["127.0.0.1"]);
        assert_eq!(
            xff.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("198.51.100.99"))
        );
        let h = headers(&[("forwarded", "for=203.0.113.5")]);
        assert_eq!(xff.forwarded_client(ip("127.0.0.1"), &h), None);
        // Forwarded: the right-most untrusted hop, trusted proxies skipped.
        let two = proxies(&["127.0.0.1", "10.0.0.0/8"]).with_header(ForwardedHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.66, for=203.0.113.8;proto=https, for=10.1.2.3",
        )]);
        assert_eq!(
            two.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("203.0.113.8"))
        );
    }

    #[test]
    fn forwarded_header_syntax() {
        let trusted = proxies(&["127.0.0.1"]).with_header(ForwardedHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            "for=198.51.100.1;proto=https, for=\"[2001:db8::7]:4711\";by=127.0.0.1",
        )]);
        assert_eq!(
            trusted.forwarded_client(ip("127.0.0.1"), &h),
            Some(ip("2001:db8::7"))
        );
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(trusted.forwarded_client(ip("127.0.0.1"), &h), None);
    }

    #[test]
    fn mapped_ipv4_peer_matches_an_ipv4_entry() {
        let trusted = proxies(&["127.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.5")]);
        assert_eq!(
            trusted.forwarded_client(ip("::ffff:127.0.0.1"), &h),
            Some(ip("203.0.113.5"))
        );
    }
}
