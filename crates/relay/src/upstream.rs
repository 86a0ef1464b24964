//! The I/O towards the IMAP server: resolving the target's name once, and connecting to
//! the first vetted address that accepts. Both are bounded by the connect timeout.

use std::{
    io,
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use tokio::net::TcpStream;

use crate::policy::{Host, Target};

/// Resolves the target's host once (an IP literal is its own address).
///
/// # Errors
///
/// The resolver's error, or [`io::ErrorKind::TimedOut`] after `timeout`.
pub(crate) async fn resolve(target: &Target, timeout: Duration) -> io::Result<Vec<IpAddr>> {
    match &target.host {
        Host::Ip(ip) => Ok(vec![*ip]),
        Host::Name(name) => {
            let lookup = tokio::net::lookup_host((name.as_str(), target.port));
            let addrs = tokio::time::timeout(timeout, lookup)
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "DNS lookup timed out"))??;
            Ok(addrs.map(|a| a.ip()).collect())
        }
    }
}

/// Connects to the first of `addrs` that accepts, all within `timeout`.
///
/// # Errors
///
/// The last address's error, [`io::ErrorKind::NotFound`] if `addrs` is empty, or
/// [`io::ErrorKind::TimedOut`] after `timeout`.
pub(crate) async fn connect(addrs: &[SocketAddr], timeout: Duration) -> io::Result<TcpStream> {
    let attempt = async {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
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
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))?
}

#[cfg(test)]
mod tests {
    use tokio::net::TcpListener;

    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn an_ip_literal_resolves_to_itself() {
        let target = Target::parse("192.0.2.7", "993").expect("target");
        let resolved = resolve(&target, TIMEOUT).await.ok();
        assert_eq!(resolved, Some(vec![IpAddr::from([192, 0, 2, 7])]));
    }

    #[tokio::test]
    async fn connects_to_the_first_address_that_accepts() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let open = listener.local_addr().expect("addr");
        // A port that was just free: nothing listens there.
        let closed = {
            let gone = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            gone.local_addr().expect("addr")
        };
        let stream = connect(&[closed, open], TIMEOUT).await.expect("connect");
        assert_eq!(stream.peer_addr().ok(), Some(open));

        let refused = connect(&[closed], TIMEOUT)
            .await
            .map(|_| ())
            .map_err(|e| e.kind());
        assert_eq!(refused, Err(io::ErrorKind::ConnectionRefused));
        let none = connect(&[], TIMEOUT)
            .await
            .map(|_| ())
            .map_err(|e| e.kind());
        assert_eq!(none, Err(io::ErrorKind::NotFound));
    }
}
