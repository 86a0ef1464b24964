//! Native TCP transport (tokio), as a futures-io stream.

use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

use crate::error::{ClientError, ConnectFailure};

/// A TCP connection as a futures-io stream.
pub type TcpTransport = Compat<TcpStream>;

/// Connects to `host:port`.
pub async fn connect(host: &str, port: u16) -> Result<TcpTransport, ClientError> {
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| ClientError::Connect {
            target: format!("{host}:{port}"),
            failure: ConnectFailure::from_io(&e),
        })?;
    stream.set_nodelay(true).map_err(ClientError::Io)?;
    Ok(stream.compat())
}
