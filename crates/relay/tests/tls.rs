//! The TLS listener: a rustls client trusting a test CA reaches `/healthz` and `/relay`
//! over TLS; swapping the certificate files is picked up without a restart; a broken
//! replacement keeps the old certificate.

mod common;

use std::{path::Path, sync::Arc, time::Duration};

use common::{EchoServer, Relay, TestResult, WAIT, config_allowing};
use futures::{SinkExt, StreamExt};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::Message;
use webimap_relay::tls::TlsFiles;

struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca() -> Result<Ca, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "webimap relay test CA");
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok(Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    })
}

/// A leaf for `localhost` and 127.0.0.1 named `cn`: (cert PEM, key PEM).
fn leaf(ca: &Ca, cn: &str) -> Result<(String, String), rcgen::Error> {
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
    params.distinguished_name.push(DnType::CommonName, cn);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &ca.issuer)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn write_pair(dir: &Path, pair: &(String, String)) -> std::io::Result<()> {
    // Write to temporary names and rename, as certbot and friends do.
    std::fs::write(dir.join("cert.tmp"), &pair.0)?;
    std::fs::write(dir.join("key.tmp"), &pair.1)?;
    std::fs::rename(dir.join("key.tmp"), dir.join("key.pem"))?;
    std::fs::rename(dir.join("cert.tmp"), dir.join("cert.pem"))?;
    Ok(())
}

fn client_config(
    ca_pem: &str,
) -> Result<Arc<rustls::ClientConfig>, Box<dyn std::error::Error + Send + Sync>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(ca_pem.as_bytes())?)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // A resumed session shows the certificate of the session it resumes; each
    // connection here must see what the server presents now.
    config.resumption = rustls::client::Resumption::disabled();
    Ok(Arc::new(config))
}

/// Connects over TLS, GETs /healthz; returns the server's leaf certificate (DER).
async fn healthz_over_tls(
    addr: std::net::SocketAddr,
    config: Arc<rustls::ClientConfig>,
) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let tcp = TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let mut tls = connector
        .connect(ServerName::try_from("localhost")?, tcp)
        .await?;
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
        .ok_or("no certificate")?;
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, tls.read_to_end(&mut response)).await??;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("ok"), "{text}");
    Ok(leaf)
}

fn der_of(pem: &str) -> Vec<u8> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map(|c| c.to_vec())
        .unwrap_or_default()
}

#[tokio::test]
async fn tls_listener_serves_and_reloads_its_certificate() -> TestResult {
    let ca = ca()?;
    let first = leaf(&ca, "first")?;
    let second = leaf(&ca, "second")?;
    let dir = tempfile::tempdir()?;
    write_pair(dir.path(), &first)?;

    let echo = EchoServer::start().await?;
    let mut config = config_allowing(&[echo.addr.to_string()]);
    config.tls = Some(TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
        reload_interval: Duration::from_millis(100),
    });
    let relay = Relay::start(config).await?;
    let client = client_config(&ca.pem)?;

    assert_eq!(
        healthz_over_tls(relay.addr, client.clone()).await?,
        der_of(&first.0)
    );

    // A WebSocket tunnel over TLS (wss://).
    let url = format!(
        "wss://localhost:{}/relay?host=127.0.0.1&port={}",
        relay.addr.port(),
        echo.addr.port()
    );
    let tcp = TcpStream::connect(relay.addr).await?;
    let tls = tokio_rustls::TlsConnector::from(client.clone())
        .connect(ServerName::try_from("localhost")?, tcp)
        .await?;
    let (mut ws, _) = tokio_tungstenite::client_async(url.as_str(), tls).await?;
    ws.send(Message::binary(b"a1 NOOP\r\n".to_vec())).await?;
    match tokio::time::timeout(WAIT, ws.next()).await? {
        Some(Ok(Message::Binary(data))) => assert_eq!(&data[..], b"a1 NOOP\r\n"),
        other => return Err(format!("{other:?}").into()),
    }

    // Swap the files: new handshakes get the new certificate, no restart.
    write_pair(dir.path(), &second)?;
    let swapped = tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(der) = healthz_over_tls(relay.addr, client.clone()).await
                && der == der_of(&second.0)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(swapped.is_ok(), "new certificate never served");
    // The open tunnel is unaffected.
    ws.send(Message::binary(b"a2 NOOP\r\n".to_vec())).await?;
    assert!(matches!(
        tokio::time::timeout(WAIT, ws.next()).await?,
        Some(Ok(Message::Binary(_)))
    ));

    // A broken replacement (key of another certificate) is refused; the old one stays.
    let third = leaf(&ca, "third")?;
    write_pair(dir.path(), &(third.0.clone(), first.1.clone()))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        healthz_over_tls(relay.addr, client.clone()).await?,
        der_of(&second.0)
    );
    // Garbage too.
    write_pair(dir.path(), &("not a pem".to_owned(), "nope".to_owned()))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        healthz_over_tls(relay.addr, client).await?,
        der_of(&second.0)
    );
    Ok(())
}

#[tokio::test]
async fn plain_http_on_the_tls_port_gets_nothing_and_a_slow_handshake_is_cut() -> TestResult {
    let ca = ca()?;
    let dir = tempfile::tempdir()?;
    write_pair(dir.path(), &leaf(&ca, "only")?)?;
    let mut config = webimap_relay::Config::default();
    config.tls = Some(TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
        reload_interval: Duration::from_secs(5),
    });
    config.limits.handshake_timeout = Duration::from_millis(500);
    let relay = Relay::start(config).await?;
    assert!(common::http_get(relay.addr, "/healthz", "").await.is_err());
    // Connect and say nothing: closed after the handshake timeout.
    let mut silent = TcpStream::connect(relay.addr).await?;
    let started = std::time::Instant::now();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(WAIT, silent.read(&mut buf)).await?;
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    Ok(())
}

#[test]
fn unusable_certificate_stops_startup_with_a_clear_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("cert.pem"), "junk")?;
    std::fs::write(dir.path().join("key.pem"), "junk")?;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_webimap-relay"))
        .args(["--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cert.pem"), "{stderr}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_reloads_on_sighup() -> TestResult {
    let ca = ca()?;
    let first = leaf(&ca, "first")?;
    let second = leaf(&ca, "second")?;
    let dir = tempfile::tempdir()?;
    write_pair(dir.path(), &first)?;
    let config = dir.path().join("relay.toml");
    // No polling: only SIGHUP can make it reload.
    std::fs::write(
        &config,
        "tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\ntls_reload_secs = 0\n",
    )?;
    let relay = common::Binary::start(&["--config", &config.display().to_string()], &[])?;
    let client = client_config(&ca.pem)?;
    assert_eq!(
        healthz_over_tls(relay.addr, client.clone()).await?,
        der_of(&first.0)
    );
    write_pair(dir.path(), &second)?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        healthz_over_tls(relay.addr, client.clone()).await?,
        der_of(&first.0),
        "reloaded without SIGHUP"
    );
    let pid = rustix::process::Pid::from_raw(relay.child.id() as i32).ok_or("pid")?;
    rustix::process::kill_process(pid, rustix::process::Signal::HUP)?;
    let reloaded = tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(der) = healthz_over_tls(relay.addr, client.clone()).await
                && der == der_of(&second.0)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(reloaded.is_ok(), "SIGHUP did not reload:\n{}", relay.log());
    assert!(relay.log().contains("TLS certificate reloaded"));
    Ok(())
}
