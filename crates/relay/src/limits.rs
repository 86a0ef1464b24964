//! Caps on what clients can take: connection counts (global and per client IP), message
//! sizes and idle time.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Default for [`Limits::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default for [`Limits::max_connections_per_ip`].
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 32;
/// Default for [`Limits::max_message_size`]: 8 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 8 << 20;
/// Default for [`Limits::read_chunk_size`]: 256 KiB.
pub const DEFAULT_READ_CHUNK_SIZE: usize = 256 << 10;
/// Default for [`Limits::idle_timeout`]: 35 minutes, above the 29 minutes after which an
/// IMAP client must re-issue IDLE (RFC 2177), so an idling mailbox is never cut.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(35 * 60);
/// Default for [`Limits::ws_read_buffer_size`]: 4 KiB.
pub const DEFAULT_WS_READ_BUFFER_SIZE: usize = 4 << 10;
/// Default for [`Limits::max_http_connections`].
pub const DEFAULT_MAX_HTTP_CONNECTIONS: usize = 1024;
/// Default for [`Limits::handshake_timeout`].
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`Limits::max_header_size`]: 16 KiB.
pub const DEFAULT_MAX_HEADER_SIZE: usize = 16 << 10;
/// Default for [`Limits::ipv6_client_prefix`]: a /64, what one subscriber usually gets.
pub const DEFAULT_IPV6_CLIENT_PREFIX: u8 = 64;
/// Default for [`Limits::ping_interval`].
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(30);

/// Caps the relay enforces.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Open tunnels at most, overall (503 beyond).
    pub max_connections: usize,
    /// Open tunnels at most from one client IP address (429 beyond); IPv6 clients are
    /// counted per network of [`Limits::ipv6_client_prefix`] bits.
    pub max_connections_per_ip: usize,
    /// IPv6 clients whose addresses share this many leading bits count as one client for
    /// [`Limits::max_connections_per_ip`] (1..=128; 128: each address on its own). One
    /// subscriber or server usually holds a whole /64 and can pick any address in it.
    pub ipv6_client_prefix: u8,
    /// Largest WebSocket message accepted from a browser, in bytes.
    pub max_message_size: usize,
    /// Largest WebSocket frame accepted from a browser, in bytes.
    pub max_frame_size: usize,
    /// Largest TCP read, hence largest binary frame sent to the browser, in bytes. Reads
    /// start at 16 KiB and double while they fill their buffer (bulk transfers), so
    /// interactive traffic never allocates this much.
    pub read_chunk_size: usize,
    /// A tunnel that carried no data either way for this long is closed.
    pub idle_timeout: Duration,
    /// Interval of WebSocket pings to the browser (keeps proxies and NATs from dropping
    /// a quiet connection).
    pub ping_interval: Duration,
    /// Time a connection gets to complete its TLS handshake (if any) and send a complete
    /// request head; also the longest wait for the next request on a kept-alive HTTP
    /// connection. Slower connections are closed (slowloris).
    pub handshake_timeout: Duration,
    /// Largest request head (request line and headers), in bytes; larger ones get
    /// HTTP 431.
    pub max_header_size: usize,
    /// Connections at most that are not tunnels (yet): in their TLS handshake, sending
    /// their request head, fetching the app or kept alive. More are closed at once.
    pub max_http_connections: usize,
    /// Initial size of each WebSocket's read buffer, and the most it reads from the
    /// socket at once beyond a frame already announced. Small, because the WebSocket
    /// layer allocates (and zero-fills) it for every connection, idle or not; a large
    /// frame still arrives in few reads, since its buffer is reserved from its header.
    pub ws_read_buffer_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            ipv6_client_prefix: DEFAULT_IPV6_CLIENT_PREFIX,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_frame_size: DEFAULT_MAX_MESSAGE_SIZE,
            read_chunk_size: DEFAULT_READ_CHUNK_SIZE,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            ping_interval: DEFAULT_PING_INTERVAL,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            max_header_size: DEFAULT_MAX_HEADER_SIZE,
            max_http_connections: DEFAULT_MAX_HTTP_CONNECTIONS,
            ws_read_buffer_size: DEFAULT_WS_READ_BUFFER_SIZE,
        }
    }
}

/// Why a connection slot was not granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum LimitExceeded {
    #[error("too many connections")]
    Global,
    #[error("too many connections from this address")]
    PerIp,
}

impl LimitExceeded {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Global => "too_many_connections",
            Self::PerIp => "too_many_connections_per_ip",
        }
    }
}

/// Open tunnels per client address.
type PerIp = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// Hands out connection slots.
#[derive(Debug)]
pub(crate) struct ConnectionSlots {
    global: Arc<Semaphore>,
    per_ip: PerIp,
    max_per_ip: usize,
    ipv6_prefix: u8,
}

/// The key a client is counted under: an IPv4 address as is, an IPv6 address with all
/// but its first `ipv6_prefix` bits cleared (IPv4-mapped IPv6 counts as IPv4).
pub(crate) fn client_key(ip: IpAddr, ipv6_prefix: u8) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u32::from(ipv6_prefix.min(128));
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
        v4 => v4,
    }
}

/// A granted slot; dropping it frees it.
#[derive(Debug)]
pub(crate) struct Slot {
    _global: OwnedSemaphorePermit,
    ip: Option<(IpAddr, PerIp)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some((ip, map)) = self.ip.take() {
            let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(count) = map.get_mut(&ip) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    map.remove(&ip);
                }
            }
        }
    }
}

impl ConnectionSlots {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            global: Arc::new(Semaphore::new(limits.max_connections)),
            per_ip: Arc::new(Mutex::new(HashMap::new())),
            max_per_ip: limits.max_connections_per_ip,
            ipv6_prefix: limits.ipv6_client_prefix,
        }
    }

    /// A slot for a tunnel from `client` (unknown client: only the global cap applies;
    /// IPv6 clients count per network, see [`client_key`]).
    pub(crate) fn acquire(&self, client: Option<IpAddr>) -> Result<Slot, LimitExceeded> {
        let global = self
            .global
            .clone()
            .try_acquire_owned()
            .map_err(|_| LimitExceeded::Global)?;
        let ip = match client {
            Some(ip) => {
                let ip = client_key(ip, self.ipv6_prefix);
                let mut map = self.per_ip.lock().unwrap_or_else(PoisonError::into_inner);
                let count = map.entry(ip).or_insert(0);
                if *count >= self.max_per_ip {
                    return Err(LimitExceeded::PerIp);
                }
                *count += 1;
                Some((ip, self.per_ip.clone()))
            }
            None => None,
        };
        Ok(Slot {
            _global: global,
            ip,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(global: usize, per_ip: usize) -> ConnectionSlots {
        ConnectionSlots::new(&Limits {
            max_connections: global,
            max_connections_per_ip: per_ip,
            ..Limits::default()
        })
    }

    #[test]
    fn per_ip_cap_and_release() {
        let s = slots(10, 2);
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let a1 = s.acquire(Some(a));
        let a2 = s.acquire(Some(a));
        assert!(a1.is_ok() && a2.is_ok());
        assert_eq!(s.acquire(Some(a)).err(), Some(LimitExceeded::PerIp));
        // IPv4-mapped spelling counts as the same client.
        let mapped = "::ffff:192.0.2.1".parse().ok();
        assert_eq!(s.acquire(mapped).err(), Some(LimitExceeded::PerIp));
        assert!(s.acquire(Some(b)).is_ok());
        drop(a1);
        assert!(s.acquire(Some(a)).is_ok(), "slot not released");
    }

    #[test]
    fn ipv6_clients_count_per_prefix() {
        let s = slots(10, 2);
        let ip = |text: &str| text.parse::<IpAddr>().ok();
        let first = s.acquire(ip("2001:db8:1:2::1"));
        let second = s.acquire(ip("2001:db8:1:2:ffff::9"));
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(
            s.acquire(ip("2001:db8:1:2:dead:beef:0:1")).err(),
            Some(LimitExceeded::PerIp),
            "another address of the same /64 is the same client"
        );
        let next = s.acquire(ip("2001:db8:1:3::1"));
        assert!(next.is_ok(), "the next /64 is another client");
        let per_address = ConnectionSlots::new(&Limits {
            max_connections_per_ip: 1,
            ipv6_client_prefix: 128,
            ..Limits::default()
        });
        let a = per_address.acquire(ip("2001:db8::1"));
        let b = per_address.acquire(ip("2001:db8::2"));
        assert!(a.is_ok() && b.is_ok(), "each address on its own with /128");
        assert_eq!(
            per_address.acquire(ip("2001:db8::1")).err(),
            Some(LimitExceeded::PerIp)
        );
    }

    #[test]
    fn client_keys() {
        let key = |text: &str, prefix| {
            text.parse::<IpAddr>()
                .map(|ip| client_key(ip, prefix).to_string())
                .unwrap_or_default()
        };
        assert_eq!(key("2001:db8:a:b:c:d:e:f", 64), "2001:db8:a:b::");
        assert_eq!(key("2001:db8:a:b:c:d:e:f", 48), "2001:db8:a::");
        assert_eq!(key("2001:db8:a:b:c:d:e:f", 128), "2001:db8:a:b:c:d:e:f");
        assert_eq!(key("2001:db8:a:b:c:d:e:f", 1), "::");
        assert_eq!(key("::ffff:192.0.2.7", 64), "192.0.2.7");
        assert_eq!(key("192.0.2.7", 64), "192.0.2.7");
    }

    #[test]
    fn global_cap_and_release() {
        let s = slots(2, 10);
        let first = s.acquire(None);
        let second = s.acquire(Some([192, 0, 2, 1].into()));
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(s.acquire(None).err(), Some(LimitExceeded::Global));
        drop(second);
        assert!(s.acquire(Some([192, 0, 2, 1].into())).is_ok());
        // A refused per-IP attempt must not leak a global permit.
        let s = slots(2, 1);
        let _a = s.acquire(Some([192, 0, 2, 1].into()));
        for _ in 0..5 {
            assert_eq!(
                s.acquire(Some([192, 0, 2, 1].into())).err(),
                Some(LimitExceeded::PerIp)
            );
        }
        assert!(s.acquire(Some([192, 0, 2, 9].into())).is_ok());
    }
}
