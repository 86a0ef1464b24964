//! Signing in and out.

use std::time::Duration;

use futures::{FutureExt, future::Either, pin_mut};
use webimap_client::{Client, ClientError, ConnectOptions, Security as ClientSecurity};

use super::{
    Connection, Transport,
    error::{Stage, describe},
};
use crate::state::{
    error::UiError,
    session::Account,
    settings::{Security, Target},
};

/// How long connecting and logging in may take before giving up.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long to wait for the server to acknowledge LOGOUT.
const SIGN_OUT_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens the relay WebSocket to `target`, reads the greeting and logs in.
pub(crate) async fn sign_in(
    target: &Target,
    password: &str,
) -> Result<(Account, Connection), UiError> {
    let address = target.address();
    let attempt = async {
        let stream = open_transport(target).map_err(|e| describe(&e, Stage::Connect, &address))?;
        let security = match target.security {
            Security::Tls => ClientSecurity::Tls,
            Security::StartTls => ClientSecurity::StartTls,
            Security::None => ClientSecurity::None,
        };
        let mut options = ConnectOptions::new(target.host.clone(), security);
        if let Some(pem) = &target.ca_pem {
            options.tls = Some(
                webimap_client::tls::client_config(Some(pem))
                    .map_err(|e| describe(&e, Stage::Connect, &address))?,
            );
        }
        let mut client = Client::open(stream, &options)
            .await
            .map_err(|e| describe(&e, Stage::Connect, &address))?;
        client
            .login(&target.username, password)
            .await
            .map_err(|e| describe(&e, Stage::Login, &address))?;
        Ok(client)
    }
    .fuse();
    let timeout = yew::platform::time::sleep(SIGN_IN_TIMEOUT).fuse();
    pin_mut!(attempt, timeout);
    match futures::future::select(attempt, timeout).await {
        Either::Left((result, _)) => {
            let client = result?;
            let account = Account {
                username: target.username.clone(),
                server: target.address(),
            };
            Ok((account, Connection::new(client)))
        }
        Either::Right(((), _)) => Err(UiError::Unreachable {
            target: target.address(),
        }),
    }
}

/// Logs out, giving up after a few seconds (a dead connection never answers). Dropping
/// the last handle closes the WebSocket.
pub(crate) async fn sign_out(conn: Connection) {
    let logout = async {
        let mut inner = conn.lock().await;
        // The watch loop stops.
        inner.model = None;
        inner.generation += 1;
        // Errors do not matter: the session ends either way.
        let _ = inner.client.logout().await;
    }
    .fuse();
    let timeout = yew::platform::time::sleep(SIGN_OUT_TIMEOUT).fuse();
    pin_mut!(logout, timeout);
    futures::future::select(logout, timeout).await;
}

#[cfg(target_arch = "wasm32")]
fn open_transport(target: &Target) -> Result<Transport, ClientError> {
    webimap_client::transport::ws::connect(&target.relay_url, &target.host, target.port)
}

#[cfg(not(target_arch = "wasm32"))]
fn open_transport(_target: &Target) -> Result<Transport, ClientError> {
    Err(ClientError::Connect(
        "the web app connects only from a browser".into(),
    ))
}
