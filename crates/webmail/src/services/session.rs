//! Signing in and out.

use std::time::Duration;

use futures::FutureExt;
use webimap_client::{
    Client, ClientError, ConnectOptions, Security as ClientSecurity, account::WatchOptions, time,
    with_deadline,
};

use super::{
    Connection, Transport,
    error::{Stage, describe},
};
use crate::state::{
    error::UiError,
    outgoing::{Outgoing, Password},
    session::Account,
    settings::{Security, Target},
};

/// How long connecting and logging in may take before giving up.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long to wait for the server to acknowledge LOGOUT.
const SIGN_OUT_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens the relay WebSocket to `target`, reads the greeting and logs in; mail goes out
/// through `outgoing` with `smtp_password`.
pub(crate) async fn sign_in(
    target: &Target,
    password: &str,
    outgoing: Outgoing,
    smtp_password: Password,
) -> Result<(Account, Connection), UiError> {
    let address = target.address();
    let deadline = Box::pin(time::sleep(SIGN_IN_TIMEOUT)).shared();
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
    let mut client = with_deadline(Client::open(stream, &options), deadline.clone())
        .await
        .map_err(|e| describe(&e, Stage::Connect, &address))?;
    with_deadline(client.login(&target.username, password), deadline)
        .await
        .map_err(|e| describe(&e, Stage::Login, &address))?;
    let account = Account {
        username: target.username.clone(),
        server: target.address(),
        host: target.host.clone(),
        outgoing,
        smtp_password,
    };
    // The list shows new mail with its summary at once.
    let mut watch = WatchOptions::default();
    watch.summaries_of_new = true;
    Ok((account, Connection::with_options(client, watch)))
}

/// Logs out, giving up after a few seconds (a dead connection never answers). Dropping
/// the last handle closes the WebSocket.
pub(crate) async fn sign_out(conn: Connection) {
    conn.sign_out(SIGN_OUT_TIMEOUT).await;
}

fn open_transport(target: &Target) -> Result<Transport, ClientError> {
    webimap_client::transport::ws::connect(&target.relay_url, &target.host, target.port)
}
