//! The optional TLS listener: rustls (ring provider) with a certificate that is reloaded
//! without a restart.
//!
//! The certificate chain and key are read from PEM files at startup (an unusable pair
//! stops the relay). Afterwards [`TlsAcceptor::reload`] reads them again; the relay's
//! reload task (module `reload`) calls it when either file's modification time changes
//! (checked every few seconds) and on SIGHUP. A failed reload keeps the certificate in use
//! and logs why; handshakes in progress are unaffected, new ones get the new certificate.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{Arc, PoisonError, RwLock},
    time::{Duration, SystemTime},
};

use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

/// Default for [`TlsFiles::reload_interval`].
pub const DEFAULT_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// Where the listener's certificate and key are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM file with the certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM file with the private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// How often the files' modification times are checked; zero: never (SIGHUP only).
    pub reload_interval: Duration,
}

/// Why a certificate could not be loaded. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file cannot be read or holds no usable PEM item.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The key does not fit the certificate, or is of an unsupported type.
    #[error("certificate and key: {0}")]
    Pair(rustls::Error),
}

fn file_error(path: &Path, message: impl fmt::Display) -> TlsError {
    TlsError::File {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

fn load(files: &TlsFiles) -> Result<Arc<CertifiedKey>, TlsError> {
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| file_error(&files.cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_error(&files.cert, e))?;
    if chain.is_empty() {
        return Err(file_error(&files.cert, "no CERTIFICATE in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| file_error(&files.key, e))?;
    let provider = rustls::crypto::ring::default_provider();
    let certified = CertifiedKey::from_der(chain, key, &provider).map_err(TlsError::Pair)?;
    Ok(Arc::new(certified))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Hands the current certificate to every handshake.
struct Resolver {
    current: RwLock<Arc<CertifiedKey>>,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Resolver")
    }
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

/// TLS for the listener, with a reloadable certificate.
pub struct TlsAcceptor {
    files: TlsFiles,
    resolver: Arc<Resolver>,
    acceptor: tokio_rustls::TlsAcceptor,
    stamps: RwLock<(Option<SystemTime>, Option<SystemTime>)>,
}

impl fmt::Debug for TlsAcceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsAcceptor")
            .field("cert", &self.files.cert)
            .field("key", &self.files.key)
            .finish_non_exhaustive()
    }
}

impl TlsAcceptor {
    /// Loads the certificate and key.
    ///
    /// # Errors
    ///
    /// [`TlsError`] if they cannot be read or do not fit together.
    pub fn new(files: TlsFiles) -> Result<Self, TlsError> {
        let stamps = (modified(&files.cert), modified(&files.key));
        let resolver = Arc::new(Resolver {
            current: RwLock::new(load(&files)?),
        });
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Pair)?
            .with_no_client_auth()
            .with_cert_resolver(resolver.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            files,
            resolver,
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            stamps: RwLock::new(stamps),
        })
    }

    /// The TLS handshake on an accepted connection.
    pub(crate) async fn accept(&self, stream: TcpStream) -> std::io::Result<TlsStream<TcpStream>> {
        self.acceptor.accept(stream).await
    }

    /// Reads the files again and, if they are usable, serves the new certificate from the
    /// next handshake on. On failure the old certificate stays.
    ///
    /// # Errors
    ///
    /// Why the files are not usable.
    pub fn reload(&self) -> Result<(), TlsError> {
        let stamps = (modified(&self.files.cert), modified(&self.files.key));
        *self.stamps.write().unwrap_or_else(PoisonError::into_inner) = stamps;
        let certified = load(&self.files)?;
        *self
            .resolver
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner) = certified;
        Ok(())
    }

    /// How often the reload task checks the files' modification times; zero: never.
    pub(crate) fn reload_interval(&self) -> Duration {
        self.files.reload_interval
    }

    /// Whether either file's modification time differs from the last load attempt.
    pub(crate) fn changed(&self) -> bool {
        let now = (modified(&self.files.cert), modified(&self.files.key));
        *self.stamps.read().unwrap_or_else(PoisonError::into_inner) != now
    }

    /// [`TlsAcceptor::reload`] with the outcome logged; `why` names the trigger.
    pub(crate) fn reload_and_log(&self, why: &'static str) {
        match self.reload() {
            Ok(()) => {
                tracing::info!(why, cert = %self.files.cert.display(), "TLS certificate reloaded")
            }
            Err(error) => tracing::error!(
                why,
                %error,
                "TLS certificate reload failed; keeping the previous certificate"
            ),
        }
    }
}
