//! Browser WebSocket transport through webimap-relay (binary frames).

use gloo_net::websocket::futures::WebSocket;

use crate::error::{ClientError, ConnectFailure};

/// A WebSocket as a futures-io stream.
pub type WsTransport = WebSocket;

/// Opens a WebSocket to the relay for `host:port`. `relay` is the relay's endpoint
/// (`wss://example.org/relay`).
pub fn connect(relay: &str, host: &str, port: u16) -> Result<WsTransport, ClientError> {
    let url = super::relay_url(relay, host, port);
    WebSocket::open(&url).map_err(|_| ClientError::Connect {
        target: relay.to_string(),
        failure: ConnectFailure::InvalidAddress,
    })
}
