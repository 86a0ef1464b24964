//! The state every request shares: the configuration, the valid tokens (reloaded on
//! SIGHUP), the connection slots, the counters, and the open tunnels with their shutdown
//! signal.

use std::{
    fmt,
    sync::{Arc, RwLock},
    time::Duration,
};

use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    config::{Config, ConfigError},
    limits::ConnectionSlots,
    metrics::Metrics,
    token::Tokens,
};

/// State shared by every request: the configuration, the shutdown signal for open tunnels
/// and the set of running tunnels. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// The valid tokens: the config's and the token files' as last (re)loaded.
    tokens: RwLock<Arc<Tokens>>,
    slots: ConnectionSlots,
    metrics: Metrics,
    shutdown: CancellationToken,
    tunnels: TaskTracker,
}

impl AppState {
    /// State for a relay running with `config`.
    #[must_use]
    pub fn new(config: Config) -> Self {
        let tokens = config.load_tokens().unwrap_or_else(|error| {
            tracing::error!(%error, "cannot read the token files; using the other tokens");
            config.tokens.clone()
        });
        Self {
            inner: Arc::new(Inner {
                tokens: RwLock::new(Arc::new(tokens)),
                slots: ConnectionSlots::new(&config.limits),
                metrics: Metrics::default(),
                config,
                shutdown: CancellationToken::new(),
                tunnels: TaskTracker::new(),
            }),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The tokens valid now.
    pub(crate) fn tokens(&self) -> Arc<Tokens> {
        match self.inner.tokens.read() {
            Ok(tokens) => tokens.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the token files again (SIGHUP): tokens added to a file are valid from now
    /// on, removed ones no longer. Open tunnels stay open. Returns how many tokens are
    /// valid.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Tokens`] if a file cannot be read or holds a bad token, or if tokens
    /// were required and none would be left (that would open the relay to everyone); the
    /// tokens in use stay valid.
    pub fn reload_tokens(&self) -> Result<usize, ConfigError> {
        let fresh = self.inner.config.load_tokens()?;
        if fresh.is_empty() && self.tokens().required() {
            return Err(ConfigError::Tokens(
                "the token files hold no token; refusing to stop requiring one".to_owned(),
            ));
        }
        let count = fresh.len();
        match self.inner.tokens.write() {
            Ok(mut tokens) => *tokens = Arc::new(fresh),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(fresh),
        }
        Ok(count)
    }

    /// [`AppState::reload_tokens`] with the outcome logged.
    pub(crate) fn reload_tokens_and_log(&self) {
        if self.inner.config.token_files.is_empty() {
            return;
        }
        match self.reload_tokens() {
            Ok(count) => tracing::info!(tokens = count, "token files reloaded"),
            Err(error) => tracing::error!(
                %error,
                "token file reload failed; keeping the previous tokens"
            ),
        }
    }

    /// Cancelling this token closes every open tunnel.
    #[must_use]
    pub fn shutdown_token(&self) -> CancellationToken {
        self.inner.shutdown.clone()
    }

    /// The relay's counters.
    #[must_use]
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub(crate) fn slots(&self) -> &ConnectionSlots {
        &self.inner.slots
    }

    pub(crate) fn tunnels(&self) -> &TaskTracker {
        &self.inner.tunnels
    }

    /// Closes every tunnel and waits up to `timeout` for them to finish.
    pub async fn drain(&self, timeout: Duration) {
        self.inner.shutdown.cancel();
        self.inner.tunnels.close();
        let open = self.inner.tunnels.len();
        if open > 0 {
            tracing::info!(open, "waiting for tunnels to close");
        }
        if tokio::time::timeout(timeout, self.inner.tunnels.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                open = self.inner.tunnels.len(),
                "tunnels still open after drain timeout"
            );
        }
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .field("open_tunnels", &self.inner.tunnels.len())
            .finish_non_exhaustive()
    }
}
