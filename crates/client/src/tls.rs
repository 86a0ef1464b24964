//! TLS to the IMAP server, inside the client (also in the browser: the relay only ever
//! carries ciphertext). rustls with the ring provider; Mozilla's roots (webpki-roots) plus
//! an optional extra CA for self-hosted servers. Certificate and host name checks are
//! always on.

use std::{io, sync::Arc};

use futures_rustls::TlsConnector;
use futures_util::io::{AsyncRead, AsyncWrite};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};

use crate::error::{CertificateProblem, ClientError, TlsError};

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
            let cert = cert.map_err(|_| TlsError::CaNotPem)?;
            roots.add(cert).map_err(|e| TlsError::CaUnusable {
                detail: e.to_string(),
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(TlsError::CaEmpty.into());
        }
    }
    let mut provider = rustls::crypto::ring::default_provider();
    if cfg!(target_arch = "wasm32") {
        prefer_chacha20(&mut provider);
    }
    let provider = Arc::new(provider);
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Other {
            detail: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Puts the ChaCha20-Poly1305 suites first. In the browser there is no AES instruction:
/// ring's constant-time AES-GCM in wasm encrypts at about 5 MB/s on this project's test
/// machine, ChaCha20-Poly1305 several times faster (`bench/send.sh`), and servers that
/// follow the client's order (OpenSSL's default, Dovecot's) or prefer ChaCha20 for clients
/// that list it first (BoringSSL, Go) then choose it. Natively AES-GCM has hardware and
/// stays first.
fn prefer_chacha20(provider: &mut rustls::crypto::CryptoProvider) {
    use rustls::CipherSuite::{
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TLS13_CHACHA20_POLY1305_SHA256,
    };
    // A stable sort: the order within each group stays ring's.
    provider.cipher_suites.sort_by_key(|suite| {
        !matches!(
            suite.suite(),
            TLS13_CHACHA20_POLY1305_SHA256
                | TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
                | TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        )
    });
}

/// Runs the TLS handshake for `host` over `stream`.
pub async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: &str,
    config: Arc<ClientConfig>,
) -> Result<TlsStream<S>, ClientError> {
    let name = ServerName::try_from(host.to_string()).map_err(|_| TlsError::InvalidServerName {
        host: host.to_string(),
    })?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| tls_error(&e, host))
}

/// A TLS failure by the check that failed.
pub(crate) fn tls_error(e: &io::Error, host: &str) -> ClientError {
    let Some(rustls_error) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => TlsError::ClosedInHandshake.into(),
            _ => ClientError::Io(io::Error::new(e.kind(), e.to_string())),
        };
    };
    classify(rustls_error, host).into()
}

fn classify(e: &rustls::Error, host: &str) -> TlsError {
    match e {
        rustls::Error::InvalidCertificate(cert) => TlsError::Certificate {
            host: host.to_string(),
            problem: certificate_problem(cert),
        },
        rustls::Error::AlertReceived(alert) => TlsError::Refused {
            alert: format!("{alert:?}"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            TlsError::NotTls
        }
        other => TlsError::Other {
            detail: other.to_string(),
        },
    }
}

fn certificate_problem(cert: &CertificateError) -> CertificateProblem {
    match cert {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            CertificateProblem::Expired
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CertificateProblem::NotYetValid
        }
        CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            CertificateProblem::WrongName
        }
        CertificateError::Revoked => CertificateProblem::Revoked,
        CertificateError::BadSignature => CertificateProblem::BadSignature,
        other => match other.to_string() {
            // webpki's words for a CA certificate presented as the server's own.
            text if text.contains("CaUsedAsEndEntity") => CertificateProblem::SelfSigned,
            text => CertificateProblem::Other(text),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha20_goes_first_and_nothing_is_lost() {
        let mut provider = rustls::crypto::ring::default_provider();
        let before: Vec<_> = provider.cipher_suites.iter().map(|s| s.suite()).collect();
        prefer_chacha20(&mut provider);
        let after: Vec<_> = provider.cipher_suites.iter().map(|s| s.suite()).collect();
        assert_eq!(after.len(), before.len());
        assert!(before.iter().all(|s| after.contains(s)));
        assert_eq!(
            after[0],
            rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256
        );
        let first_aes = after
            .iter()
            .position(|s| format!("{s:?}").contains("AES"))
            .unwrap_or(after.len());
        let last_chacha = after
            .iter()
            .rposition(|s| format!("{s:?}").contains("CHACHA20"))
            .unwrap_or(0);
        assert!(last_chacha < first_aes, "{after:?}");
    }

    #[test]
    fn certificate_failures_are_told_in_words() {
        let cases = [
            (CertificateError::Expired, "has expired"),
            (CertificateError::NotValidYet, "is not valid yet"),
            (CertificateError::UnknownIssuer, "unknown authority"),
            (CertificateError::NotValidForName, "not valid for the name"),
            (CertificateError::Revoked, "revoked"),
            (CertificateError::BadSignature, "bad signature"),
        ];
        for (error, words) in cases {
            let e = classify(
                &rustls::Error::InvalidCertificate(error),
                "mail.example.org",
            );
            let text = e.to_string();
            assert!(text.contains(words), "{text}");
            assert!(text.contains("mail.example.org"), "{text}");
            assert!(!text.contains("Error"), "no Debug text: {text}");
        }
    }

    #[test]
    fn a_plain_text_answer_is_named() {
        let e = classify(
            &rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            "h",
        );
        assert_eq!(e, TlsError::NotTls);
    }
}
