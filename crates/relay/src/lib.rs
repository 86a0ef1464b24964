//! The webimap relay: it carries the browser's connections to mail servers (IMAP, SMTP
//! submission: whatever the allowlist admits) from a WebSocket to a TCP connection and
//! back, and serves the built web app. TLS runs inside the browser, so the bytes it carries are
//! ciphertext; its one rule is that it **never parses IMAP or SMTP**: bytes in one side come
//! out of the other, unchanged, one TCP read per binary WebSocket frame.
//!
//! The binary `webimap-relay` only parses the command line ([`Cli`]), sets up logging and
//! calls [`run`] with a bound listener, a validated [`Config`] and a shutdown future.
//!
//! Modules, from the outside in:
//!
//! - [`config`]: command line, TOML file and validated settings; [`limits`] (connection,
//!   size and time caps), [`token`] (shared-secret tokens), [`proxy`] (trusted reverse
//!   proxies), [`policy`] (the pure decision whether a connection may be made), [`tls`]
//!   (the optional TLS listener's certificate);
//! - `listener` (the accept loop: HTTP/1.1 connections, optionally in TLS), [`server`] (the
//!   router), [`state`] (what every request shares), [`assets`] (serving the web app),
//!   [`metrics`] (Prometheus counters), `reload` (SIGHUP and certificate-file watching);
//! - the tunnel, one step per module: `tunnel` (the `/relay` handler and the tunnel task,
//!   in order) → `admission` (every check without I/O: client, query, token, origin,
//!   policy over the resolved addresses, connection slot) → `upstream` (DNS and TCP
//!   connect) → `upgrade` (the WebSocket handshake) → `pump` (bytes both ways) over `ws`
//!   (the tunnel's WebSocket framing).

#![forbid(unsafe_code)]
#![deny(missing_debug_implementations)]
#![warn(unreachable_pub)]

mod admission;
pub mod assets;
pub mod config;
pub mod limits;
mod listener;
pub mod metrics;
pub mod policy;
pub mod proxy;
mod pump;
mod reload;
pub mod server;
pub mod state;
pub mod tls;
pub mod token;
mod tunnel;
mod upgrade;
mod upstream;
mod ws;

use std::{future::Future, io, sync::Arc, time::Duration};

use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

pub use crate::{
    config::{Cli, Config, ConfigError},
    limits::Limits,
    server::app,
    state::AppState,
};

/// How long [`run`] waits, after the shutdown future resolved, for open tunnels to close.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// What can stop [`run`].
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The configuration was rejected.
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// The listener failed.
    #[error("server i/o error: {0}")]
    Io(#[from] io::Error),
    /// The TLS certificate or key cannot be used.
    #[error("TLS: {0}")]
    Tls(#[from] tls::TlsError),
}

/// Serves the relay on `listener` until `shutdown` resolves.
///
/// Then it stops accepting, tells every open tunnel to close (WebSocket close code 1001,
/// "going away"; TCP shutdown) and waits up to five seconds for them to finish.
///
/// # Errors
///
/// [`RelayError::Config`] if the configuration cannot be used (e.g. the static directory is
/// missing, or `listener` is not on loopback and no origins are configured),
/// [`RelayError::Io`] if serving fails.
pub async fn run<F>(listener: TcpListener, config: Config, shutdown: F) -> Result<(), RelayError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut config = config;
    config.check()?;
    let local = listener.local_addr()?;
    config.check_listen(local)?;
    config.policy = config.policy.with_listener(if config.tls.is_some() {
        policy::ListenerScheme::Https
    } else {
        policy::ListenerScheme::Http
    });
    // Before anything is announced: from here on a SIGHUP cannot terminate the relay.
    let hangup = reload::Hangup::install();
    let tls = match &config.tls {
        Some(files) => Some(Arc::new(tls::TlsAcceptor::new(files.clone())?)),
        None => None,
    };
    if config.precompress
        && let Some(dir) = config.static_dir.clone()
    {
        tokio::task::spawn_blocking(move || match assets::compress_dir(&dir) {
            Ok(report) => tracing::info!(?report, "precompressed static files"),
            Err(error) => tracing::warn!(%error, "cannot precompress static files"),
        });
    }
    let http = listener::Http::new(&config.limits);
    let state = AppState::new(config);
    tracing::info!(%local, tls = tls.is_some(), config = ?state.config(), "relay listening");
    let router = app(state.clone());
    let token = state.shutdown_token();
    tokio::spawn(reload::watch(tls.clone(), hangup, state.clone()));
    let connections = TaskTracker::new();
    let accept = listener::accept_loop(
        listener,
        router,
        http,
        tls,
        token.clone(),
        connections.clone(),
        state.metrics(),
    );
    let stop = async move {
        shutdown.await;
        tracing::info!("shutdown requested; closing tunnels");
        token.cancel();
    };
    tokio::join!(accept, stop);
    connections.close();
    state.drain(DRAIN_TIMEOUT).await;
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, connections.wait()).await;
    tracing::info!("relay stopped");
    Ok(())
}
