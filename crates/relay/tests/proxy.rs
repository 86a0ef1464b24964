//! Trusted reverse proxies, end to end: behind a trusted proxy the per-IP cap counts the
//! forwarded client address; from an untrusted peer the forwarding headers are ignored.

mod common;

use common::{EchoServer, Relay, TestResult, config_allowing};
use tokio_tungstenite::{
    WebSocketStream, connect_async,
    tungstenite::{Error as WsError, client::IntoClientRequest, http::HeaderValue},
};
use webimap_relay::{
    Config,
    proxy::{TrustedProxies, TrustedProxy},
};

type Ws = WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a tunnel with the header `name: value`; the status and (if 101) the open socket,
/// which must be kept to hold its slot.
async fn open(url: &str, name: &'static str, value: &str) -> Result<(u16, Option<Ws>), WsError> {
    let mut request = url.into_client_request()?;
    let value = HeaderValue::from_str(value).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
    request.headers_mut().insert(name, value);
    match connect_async(request).await {
        Ok((ws, response)) => Ok((response.status().as_u16(), Some(ws))),
        Err(WsError::Http(response)) => Ok((response.status().as_u16(), None)),
        Err(e) => Err(e),
    }
}

fn config(echo: &EchoServer, trusted: &[&str]) -> Result<Config, Box<dyn std::error::Error>> {
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.limits.max_connections_per_ip = 1;
    config.trusted_proxies = TrustedProxies::new(
        trusted
            .iter()
            .map(|t| t.parse::<TrustedProxy>())
            .collect::<Result<_, _>>()?,
    );
    Ok(config)
}

#[tokio::test]
async fn per_ip_cap_counts_the_forwarded_client_behind_a_trusted_proxy() -> TestResult {
    let echo = EchoServer::start().await?;
    let relay = Relay::start(config(&echo, &["127.0.0.1/32"]).map_err(|e| e.to_string())?).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let xff = "x-forwarded-for";
    let (status, _a) = open(&url, xff, "203.0.113.5").await?;
    assert_eq!(status, 101);
    // Same client again: over its cap, though the proxy's address has room.
    assert_eq!(open(&url, xff, "203.0.113.5").await?.0, 429);
    // The client cannot dodge the cap by prepending addresses: the right-most untrusted
    // entry (the one the proxy saw) is what counts.
    assert_eq!(open(&url, xff, "198.51.100.1, 203.0.113.5").await?.0, 429);
    // Another client behind the same proxy has its own cap.
    let (status, _b) = open(&url, xff, "198.51.100.1, 203.0.113.6").await?;
    assert_eq!(status, 101);
    // RFC 7239 Forwarded works too (used when X-Forwarded-For is absent).
    let (status, _c) = open(&url, "forwarded", "for=\"[2001:db8::7]:4711\";proto=https").await?;
    assert_eq!(status, 101);
    assert_eq!(open(&url, "forwarded", "for=2001:db8::7").await?.0, 429);
    Ok(())
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored() -> TestResult {
    let echo = EchoServer::start().await?;
    // Only 10.0.0.0/8 is trusted; the test connects from 127.0.0.1.
    let relay = Relay::start(config(&echo, &["10.0.0.0/8"]).map_err(|e| e.to_string())?).await?;
    let url = relay.ws_url("127.0.0.1", echo.addr.port());
    let (status, _a) = open(&url, "x-forwarded-for", "203.0.113.5").await?;
    assert_eq!(status, 101);
    // A spoofed, different client address does not get a fresh cap: the peer counts.
    assert_eq!(open(&url, "x-forwarded-for", "203.0.113.6").await?.0, 429);
    assert_eq!(open(&url, "forwarded", "for=203.0.113.7").await?.0, 429);
    Ok(())
}
