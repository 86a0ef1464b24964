//! IP networks (`CIDR`) and the special-purpose ranges a relay must not reach unless told to.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    str::FromStr,
};

/// An IP network: an address whose bits past `prefix` are zero, e.g. `10.0.0.0/8`,
/// `fd00::/8`. A single address is a `/32` (`/128`) network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// The network `addr/prefix`.
    ///
    /// # Errors
    ///
    /// [`NetError`] if the prefix is too long for the address family or host bits are set.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<Self, NetError> {
        let bits = Self::family_bits(addr);
        if prefix > bits {
            return Err(NetError::Prefix(format!("{addr}/{prefix}")));
        }
        let net = Self { addr, prefix };
        if net.network_bits(addr) != Self::to_bits(addr) {
            return Err(NetError::HostBits(format!("{addr}/{prefix}")));
        }
        Ok(net)
    }

    /// The network holding only `addr`.
    #[must_use]
    pub fn single(addr: IpAddr) -> Self {
        Self {
            addr,
            prefix: Self::family_bits(addr),
        }
    }

    /// The network address.
    #[must_use]
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    #[must_use]
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    fn family_bits(addr: IpAddr) -> u8 {
        match addr {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        }
    }

    fn to_bits(addr: IpAddr) -> u128 {
        match addr {
            IpAddr::V4(ip) => u128::from(ip.to_bits()),
            IpAddr::V6(ip) => ip.to_bits(),
        }
    }

    /// `addr` with the bits past this network's prefix cleared.
    fn network_bits(&self, addr: IpAddr) -> u128 {
        let bits = Self::family_bits(addr);
        let host_bits = u32::from(bits - self.prefix);
        let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
        Self::to_bits(addr) & mask
    }

    /// Whether `addr` lies in this network (same address family).
    #[must_use]
    pub fn contains(&self, addr: IpAddr) -> bool {
        addr.is_ipv4() == self.addr.is_ipv4() && self.network_bits(addr) == Self::to_bits(self.addr)
    }

    /// Whether every address of `other` lies in this network.
    #[must_use]
    pub fn contains_net(&self, other: &IpNet) -> bool {
        other.prefix >= self.prefix && self.contains(other.addr)
    }
}

impl FromStr for IpNet {
    type Err = NetError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || NetError::Syntax(input.to_owned());
        let (addr, prefix) = input.split_once('/').ok_or_else(invalid)?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
        let prefix: u8 = prefix.parse().map_err(|_| invalid())?;
        Self::new(addr, prefix)
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A malformed network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// Not `ADDRESS/PREFIX`.
    #[error("invalid network {0:?} (expected ADDRESS/PREFIX, e.g. 10.0.0.0/8)")]
    Syntax(String),
    /// Prefix longer than the address.
    #[error("prefix too long in {0:?}")]
    Prefix(String),
    /// Bits set past the prefix (e.g. `10.0.0.1/8`).
    #[error("host bits set in {0:?} (write the network address)")]
    HostBits(String),
}

/// A special-purpose range the relay refuses by default, with its name for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialRange {
    /// The range.
    pub net: IpNet,
    /// What it is, e.g. "private (RFC 1918)".
    pub name: &'static str,
}

/// An address that falls in a [`SpecialRange`]: `checked` is the address that matched,
/// which for IPv6 forms embedding IPv4 (NAT64, 6to4, IPv4-compatible) is the IPv4 inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forbidden {
    /// The address compared with the range.
    pub checked: IpAddr,
    /// The range it fell in.
    pub range: SpecialRange,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8, name: &'static str) -> SpecialRange {
    SpecialRange {
        net: IpNet {
            addr: IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
            prefix,
        },
        name,
    }
}

const fn v6(segments: [u16; 8], prefix: u8, name: &'static str) -> SpecialRange {
    let [a, b, c, d, e, f, g, h] = segments;
    SpecialRange {
        net: IpNet {
            addr: IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h)),
            prefix,
        },
        name,
    }
}

/// IPv4 ranges refused by default (IANA special-purpose registry, plus multicast and
/// reserved space).
pub const DENIED_V4: &[SpecialRange] = &[
    v4(0, 0, 0, 0, 8, "unspecified / this network"),
    v4(10, 0, 0, 0, 8, "private (RFC 1918)"),
    v4(100, 64, 0, 0, 10, "shared address space / CGNAT (RFC 6598)"),
    v4(127, 0, 0, 0, 8, "loopback"),
    v4(169, 254, 0, 0, 16, "link-local"),
    v4(172, 16, 0, 0, 12, "private (RFC 1918)"),
    v4(192, 0, 0, 0, 24, "IETF protocol assignments"),
    v4(192, 0, 2, 0, 24, "documentation (TEST-NET-1)"),
    v4(192, 88, 99, 0, 24, "6to4 relay anycast"),
    v4(192, 168, 0, 0, 16, "private (RFC 1918)"),
    v4(198, 18, 0, 0, 15, "benchmarking"),
    v4(198, 51, 100, 0, 24, "documentation (TEST-NET-2)"),
    v4(203, 0, 113, 0, 24, "documentation (TEST-NET-3)"),
    v4(224, 0, 0, 0, 4, "multicast"),
    v4(240, 0, 0, 0, 4, "reserved / broadcast"),
];

/// IPv6 ranges refused by default. IPv4-mapped addresses are turned into IPv4 before any
/// check; NAT64, 6to4 and IPv4-compatible addresses are also checked by the IPv4 inside.
pub const DENIED_V6: &[SpecialRange] = &[
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "unspecified"),
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback"),
    v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "NAT64 local use"),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only"),
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, "Teredo"),
    v6([0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48, "benchmarking"),
    v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "documentation"),
    v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "documentation"),
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "unique local (fc00::/7)"),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link-local (fe80::/10)"),
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "site-local (deprecated)"),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast"),
];

/// The IPv4 address an IPv6 address carries, for the forms that route to it: NAT64
/// (`64:ff9b::/96`), 6to4 (`2002::/16`) and IPv4-compatible (`::/96`, deprecated).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = ip.to_bits();
    let seg = ip.segments();
    let low32 = Ipv4Addr::from_bits((bits & 0xffff_ffff) as u32);
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 || bits >> 32 == 0 {
        Some(low32)
    } else if seg[0] == 0x2002 {
        Some(Ipv4Addr::from_bits((bits >> 80) as u32))
    } else {
        None
    }
}

/// The special range `addr` falls in, if any. IPv4-mapped IPv6 is checked as IPv4.
#[must_use]
pub fn forbidden(addr: IpAddr) -> Option<Forbidden> {
    let addr = addr.to_canonical();
    let check_v4 = |ip: Ipv4Addr| {
        DENIED_V4
            .iter()
            .find(|r| r.net.contains(IpAddr::V4(ip)))
            .map(|range| Forbidden {
                checked: IpAddr::V4(ip),
                range: *range,
            })
    };
    match addr {
        IpAddr::V4(ip) => check_v4(ip),
        IpAddr::V6(ip) => DENIED_V6
            .iter()
            .find(|r| r.net.contains(addr))
            .map(|range| Forbidden {
                checked: addr,
                range: *range,
            })
            .or_else(|| embedded_v4(ip).and_then(check_v4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn forbidden_table() {
        #[rustfmt::skip]
        let table: &[(&str, Option<&str>)] = &[
            ("0.0.0.0", Some("unspecified / this network")),
            ("10.1.2.3", Some("private (RFC 1918)")),
            ("172.16.0.1", Some("private (RFC 1918)")),
            ("172.31.255.255", Some("private (RFC 1918)")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private (RFC 1918)")),
            ("100.64.0.1", Some("shared address space / CGNAT (RFC 6598)")),
            ("100.127.255.255", Some("shared address space / CGNAT (RFC 6598)")),
            ("100.128.0.1", None),
            ("127.0.0.1", Some("loopback")),
            ("127.255.0.9", Some("loopback")),
            ("169.254.169.254", Some("link-local")),
            ("192.0.2.10", Some("documentation (TEST-NET-1)")),
            ("198.51.100.1", Some("documentation (TEST-NET-2)")),
            ("203.0.113.5", Some("documentation (TEST-NET-3)")),
            ("224.0.0.1", Some("multicast")),
            ("239.255.255.250", Some("multicast")),
            ("255.255.255.255", Some("reserved / broadcast")),
            ("8.8.8.8", None),
            ("93.184.216.34", None),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("fe80::1", Some("link-local (fe80::/10)")),
            ("febf::1", Some("link-local (fe80::/10)")),
            ("fc00::1", Some("unique local (fc00::/7)")),
            ("fd12:3456::1", Some("unique local (fc00::/7)")),
            ("ff02::1", Some("multicast")),
            ("2001:db8::1", Some("documentation")),
            ("2606:4700::1111", None),
            // IPv6 forms carrying IPv4.
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:10.0.0.1", Some("private (RFC 1918)")),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::7f00:1", Some("loopback")),
            ("64:ff9b::a9fe:a9fe", Some("link-local")),
            ("64:ff9b::808:808", None),
            ("2002:c0a8:0101::1", Some("private (RFC 1918)")),
            ("2002:0808:0808::1", None),
            ("::127.0.0.1", Some("loopback")),
            ("::10.0.0.1", Some("private (RFC 1918)")),
        ];
        for (addr, want) in table {
            assert_eq!(forbidden(ip(addr)).map(|f| f.range.name), *want, "{addr}");
        }
    }

    #[test]
    fn net_parse_and_contains() {
        let net: IpNet = "10.0.0.0/8".parse().expect("net");
        assert!(net.contains(ip("10.255.1.2")));
        assert!(!net.contains(ip("11.0.0.0")));
        assert!(!net.contains(ip("::ffff:10.0.0.1")), "families differ");
        let net6: IpNet = "fd00::/8".parse().expect("net");
        assert!(net6.contains(ip("fd12::1")));
        assert!(!net6.contains(ip("fe00::1")));
        let all: IpNet = "0.0.0.0/0".parse().expect("net");
        assert!(all.contains(ip("1.2.3.4")));
        assert!(all.contains_net(&net));
        assert!(!net.contains_net(&all));
        assert!(net.contains_net(&IpNet::single(ip("10.0.0.1"))));
        for bad in [
            "10.0.0.1/8",
            "10.0.0.0/33",
            "10.0.0.0",
            "10.0.0.0/",
            "x/8",
            "::/129",
            "1.2.3.4/+8",
        ] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad} accepted");
        }
    }
}
