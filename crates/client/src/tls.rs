//! TLS to the IMAP server, inside the client (also in the browser: the relay only ever
//! carries ciphertext). rustls with the ring provider; Mozilla's roots (webpki-roots) plus
//! an optional extra CA for self-hosted servers. Certificate and host name checks are
//! always on.

use std::{io, sync::Arc};

use futures_rustls::TlsConnector;
use futures_util::io::{AsyncRead, AsyncWrite};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};

use crate::error::ClientError;

/// A TLS session over a byte stream.
pub type TlsStream<S> = futures_rustls::client::TlsStream<S>;

/// A TLS client configuration: public roots, plus `extra_ca_pem` (one or more PEM
/// certificates) if given.
pub fn client_config(extra_ca_pem: Option<&str>) -> Result<Arc<ClientConfig>, ClientError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = extra_ca_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| {
                ClientError::Tls(format!("the extra CA certificate is not valid PEM: {e}"))
            })?;
            roots.add(cert).map_err(|e| {
                ClientError::Tls(format!("the extra CA certificate cannot be used: {e}"))
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(ClientError::Tls(
                "the extra CA PEM holds no certificate".into(),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Runs the TLS handshake for `host` over `stream`.
pub async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: &str,
    config: Arc<ClientConfig>,
) -> Result<TlsStream<S>, ClientError> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| ClientError::Tls(format!("{host:?} is not a valid server name for TLS")))?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| tls_error(&e, host))
}

/// A TLS failure in words: which check failed.
pub(crate) fn tls_error(e: &io::Error, host: &str) -> ClientError {
    let Some(rustls_error) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => ClientError::Tls(
                "the server closed the connection during the TLS handshake (is this port for TLS?)"
                    .into(),
            ),
            _ => ClientError::Io(io::Error::new(e.kind(), e.to_string())),
        };
    };
    ClientError::Tls(describe(rustls_error, host))
}

fn describe(e: &rustls::Error, host: &str) -> String {
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                format!("the certificate of {host} has expired")
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!("the certificate of {host} is not valid yet")
            }
            CertificateError::UnknownIssuer => {
                format!(
                    "the certificate of {host} is issued by an unknown authority (add its CA if it is self-hosted)"
                )
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("the certificate is not valid for the name {host}")
            }
            CertificateError::Revoked => format!("the certificate of {host} has been revoked"),
            CertificateError::BadSignature => {
                format!("the certificate of {host} has a bad signature")
            }
            other => format!("the certificate of {host} was rejected: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => {
            format!("the server refused the TLS handshake ({alert:?})")
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "the server did not answer with TLS (is this a plain-text port?)".to_string()
        }
        other => format!("TLS failed: {other}"),
    }
}
