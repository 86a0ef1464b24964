//! Every password mechanism against a real Dovecot, right and wrong passwords.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use webimap_client::{
    AuthMechanism, Client, ClientError, ConnectOptions, Credentials, Security, tls, transport::tcp,
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};

async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("no hang")
}

async fn tls_client(dovecot: &Dovecot) -> Client<tcp::TcpTransport> {
    let mut options = ConnectOptions::new("localhost", Security::Tls);
    options.tls = Some(tls::client_config(Some(dovecot.ca_pem())).unwrap());
    let stream = tcp::connect("127.0.0.1", dovecot.imaps_port())
        .await
        .unwrap();
    within(Client::open(stream, &options)).await.unwrap()
}

fn password(p: &str) -> Credentials {
    Credentials::Password {
        username: DEMO_USER.into(),
        password: p.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_password_mechanism_logs_in_and_rejects_a_wrong_password() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    for mechanism in [
        AuthMechanism::Login,
        AuthMechanism::Plain,
        AuthMechanism::ScramSha256,
    ] {
        let mut client = tls_client(&dovecot).await;
        let err = within(client.authenticate(&password("wrong"), mechanism))
            .await
            .unwrap_err();
        assert!(err.is_authentication_failure(), "{mechanism:?}: {err:?}");
        let used = within(client.authenticate(&password(DEMO_PASSWORD), mechanism))
            .await
            .unwrap();
        assert_eq!(used, mechanism);
        assert!(
            client.capabilities().has("IDLE"),
            "{mechanism:?}: capabilities after auth"
        );
        within(client.logout()).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_prefers_scram() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut client = tls_client(&dovecot).await;
    assert!(
        client.capabilities().has("AUTH=SCRAM-SHA-256"),
        "{:?}",
        client.capabilities()
    );
    let used = within(client.authenticate(&password(DEMO_PASSWORD), AuthMechanism::Auto))
        .await
        .unwrap();
    assert_eq!(used, AuthMechanism::ScramSha256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_works_without_tls_because_the_password_never_travels() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let stream = tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .unwrap();
    let mut client = within(Client::open(
        stream,
        &ConnectOptions::new("mail.example.org", Security::None),
    ))
    .await
    .unwrap();
    let err = within(client.authenticate(&password(DEMO_PASSWORD), AuthMechanism::Plain))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Insecure(_)), "{err:?}");
    within(client.authenticate(&password(DEMO_PASSWORD), AuthMechanism::ScramSha256))
        .await
        .unwrap();
}
