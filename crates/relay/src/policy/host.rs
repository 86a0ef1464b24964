//! Hosts and targets as a browser names them: DNS names and IP addresses, normalised.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
};

/// The host part of a target or rule: a lower-cased DNS name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A DNS name: ASCII letters (lower-cased), digits, `-` and `_`, dot-separated labels,
    /// no trailing dot.
    Name(String),
    /// An IP address. IPv4 written in any `inet_aton` spelling (`2130706433`,
    /// `0x7f.1`, `0177.0.0.1`) and IPv4-mapped IPv6 (`::ffff:127.0.0.1`) are normalised
    /// to plain IPv4.
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
                .map(|ip| Self::Ip(IpAddr::V6(ip).to_canonical()))
                .map_err(|_| invalid());
        }
        if let Ok(ip) = input.parse::<Ipv6Addr>() {
            return Ok(Self::Ip(IpAddr::V6(ip).to_canonical()));
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
pub(crate) fn parse_ipv4_loose(input: &str) -> Option<Ipv4Addr> {
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

pub(crate) fn parse_port(input: &str) -> Result<u16, TargetError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn mapped_ipv6_becomes_ipv4() {
        for input in [
            "::ffff:127.0.0.1",
            "[::ffff:7f00:1]",
            "[0:0:0:0:0:ffff:127.0.0.1]",
        ] {
            assert_eq!(
                Host::parse(input),
                Ok(Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)))
            );
        }
    }
}
