//! Trusted reverse proxies, end to end: behind a trusted proxy the per-IP cap counts the
//! forwarded client address; from an untrusted peer the forwarding headers are ignored.

mod common;

use common::{Binary, EchoServer, Relay, TestResult, config_allowing};
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
    open_with(url, &[(name, value)]).await
}

/// Opens a tunnel with these extra headers; as [`open`].
async fn open_with(
    url: &str,
    headers: &[(&'static str, &str)],
) -> Result<(u16, Option<Ws>), WsError> {
    let mut request = url.into_client_request()?;
    for (name, value) in headers {
        let value =
            HeaderValue::from_str(value).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
        request.headers_mut().insert(*name, value);
    }
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

/// The real binary behind a proxy that writes RFC 7239 `Forwarded`
/// (`--forwarded-header forwarded`): an `X-Forwarded-For` the client adds is never read,
/// the right-most untrusted `for=` counts, and IPv6 clients count per /64 (the default
/// `--ipv6-client-prefix`), so hopping to another address of the same /64 does not get a
/// fresh cap, while the next /64 is another client.
#[tokio::test]
async fn binary_forwarded_header_and_ipv6_prefix() -> TestResult {
    let echo = EchoServer::start().await?;
    let allow = echo.addr.to_string();
    let relay = Binary::start(
        &[
            "--allow",
            &allow,
            "--trusted-proxy",
            "127.0.0.1",
            "--forwarded-header",
            "forwarded",
            "--max-connections-per-ip",
            "1",
        ],
        &[],
    )?;
    let url = format!(
        "ws://{}/relay?host=127.0.0.1&port={}",
        relay.addr,
        echo.addr.port()
    );
    let (status, _a) = open_with(
        &url,
        &[("forwarded", "for=\"[2001:db8:1:2::1]:4711\";proto=https")],
    )
    .await?;
    assert_eq!(status, 101);
    // Another address in the same /64, and a forged X-Forwarded-For naming a fresh client.
    let (status, _b) = open_with(
        &url,
        &[
            ("forwarded", "for=\"[2001:db8:1:2:ffff::77]\""),
            ("x-forwarded-for", "198.51.100.200"),
        ],
    )
    .await?;
    assert_eq!(
        status, 429,
        "same /64 (or the forged X-Forwarded-For) got a fresh cap"
    );
    // A forged left-most for= does not help either.
    let (status, _c) = open_with(
        &url,
        &[("forwarded", "for=198.51.100.201, for=\"[2001:db8:1:2::2]\"")],
    )
    .await?;
    assert_eq!(status, 429);
    // The next /64 is another client.
    let (status, _d) = open_with(&url, &[("forwarded", "for=\"[2001:db8:1:3::1]\"")]).await?;
    assert_eq!(status, 101);
    assert!(
        relay.log().contains("2001:db8:1:2:ffff::77"),
        "the log names the forwarded client: {}",
        relay.log()
    );
    Ok(())
}
