//! Every password mechanism against a real Dovecot, right and wrong passwords.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod support;

use support::{tls_options, within};
use webimap_client::{
    AuthMechanism, Client, ClientError, ConnectOptions, Credentials, Security, transport::tcp,
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};

async fn tls_client(dovecot: &Dovecot) -> Client<tcp::TcpTransport> {
    let options = tls_options(dovecot, "localhost", Security::Tls);
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

/// An RFC 7662 token introspection endpoint (the OAuth provider Dovecot asks): only
/// `good-token` is active, for the demo user.
async fn introspection_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then as much body as Content-Length says.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let active = String::from_utf8_lossy(&request).contains("good-token");
                let body = if active {
                    r#"{"active":true,"username":"demo"}"#
                } else {
                    r#"{"active":false}"#
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://127.0.0.1:{port}/introspect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_tokens_with_xoauth2_and_oauthbearer() {
    let url = introspection_server().await;
    let dovecot = Dovecot::start(DovecotConfig {
        oauth2_introspection_url: Some(url),
        ..DovecotConfig::default()
    })
    .unwrap();
    let token = |t: &str| Credentials::OAuth2 {
        username: DEMO_USER.into(),
        token: t.into(),
    };
    for mechanism in [AuthMechanism::XOAuth2, AuthMechanism::OAuthBearer] {
        let mut client = tls_client(&dovecot).await;
        assert!(
            client.capabilities().has("AUTH=XOAUTH2")
                && client.capabilities().has("AUTH=OAUTHBEARER")
        );
        let err = within(client.authenticate(&token("stolen-token"), mechanism))
            .await
            .unwrap_err();
        assert!(err.is_authentication_failure(), "{mechanism:?}: {err:?}");
        let used = within(client.authenticate(&token("good-token"), mechanism))
            .await
            .unwrap();
        assert_eq!(used, mechanism);
        within(client.select(&webimap_client::proto::types::mailbox::MailboxName::inbox()))
            .await
            .unwrap();
    }
    let mut client = tls_client(&dovecot).await;
    let used = within(client.authenticate(&token("good-token"), AuthMechanism::Auto))
        .await
        .unwrap();
    assert_eq!(used, AuthMechanism::OAuthBearer, "OAUTHBEARER is preferred");
    // Passwords still work beside tokens.
    let mut client = tls_client(&dovecot).await;
    within(client.login(DEMO_USER, DEMO_PASSWORD))
        .await
        .unwrap();
}
