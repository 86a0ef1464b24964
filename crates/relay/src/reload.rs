//! What the relay reloads without a restart, and when: on SIGHUP the token files and the
//! TLS certificate, and the certificate also whenever its files change.
//!
//! The SIGHUP handler is installed before the relay announces itself ([`Hangup::install`]),
//! so a `systemctl reload` never terminates it, with or without TLS. The reloading itself
//! lives with what is reloaded: [`AppState::reload_tokens`] and
//! [`TlsAcceptor::reload`]; a failed reload keeps what is in use and logs why.

use std::{sync::Arc, time::Duration};

use crate::{state::AppState, tls::TlsAcceptor};

/// The SIGHUP handler, installed when created (so a SIGHUP, e.g. `systemctl reload`, never
/// terminates the relay, with or without TLS).
#[derive(Debug)]
pub(crate) struct Hangup {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Hangup {
    /// Installs the handler; must run inside the Tokio runtime.
    pub(crate) fn install() -> Self {
        Self {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                .map_err(|error| tracing::warn!(%error, "cannot listen for SIGHUP"))
                .ok(),
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = self.signal.as_mut() {
            signal.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    }
}

/// Until the relay shuts down: reloads the certificate (if the relay serves TLS) when its
/// files change or on SIGHUP, and the token files (if any) on SIGHUP. With neither TLS nor
/// token files, a SIGHUP is only logged.
pub(crate) async fn watch(tls: Option<Arc<TlsAcceptor>>, mut hangup: Hangup, state: AppState) {
    let shutdown = state.shutdown_token();
    let Some(tls) = tls else {
        let reloads_tokens = !state.config().token_files.is_empty();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = hangup.recv() => {
                    if reloads_tokens {
                        tracing::info!("SIGHUP: reloading");
                        state.reload_tokens_and_log();
                    } else {
                        tracing::info!("SIGHUP: nothing to reload (no TLS listener, no token file)");
                    }
                }
            }
        }
    };
    let interval = tls.reload_interval();
    let polling = !interval.is_zero();
    let mut tick = tokio::time::interval(if polling {
        interval
    } else {
        Duration::from_secs(3600)
    });
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {
                if polling && tls.changed() {
                    tls.reload_and_log("file changed");
                }
            }
            () = hangup.recv() => {
                state.reload_tokens_and_log();
                tls.reload_and_log("SIGHUP");
            }
        }
    }
}
