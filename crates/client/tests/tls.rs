//! TLS inside the client against a real Dovecot with a private CA: implicit TLS, STARTTLS,
//! certificate failures in words, the plaintext-password guard, and proof that a relay in
//! the middle sees only ciphertext.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;

use support::{RecordingHop, Relay, WsIo, open_tcp, tls_options, within};
use webimap_client::{
    AuthMechanism, Client, ClientError, ConnectOptions, Credentials, Security,
    error::{CertificateProblem, TlsError},
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
    transport::tcp,
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, sample};

async fn list_inbox<S: futures::AsyncRead + futures::AsyncWrite + Unpin>(
    client: &mut Client<S>,
) -> usize {
    client.login(DEMO_USER, DEMO_PASSWORD).await.expect("login");
    client.select(&MailboxName::inbox()).await.expect("select");
    client
        .fetch_summaries(SequenceSet::all())
        .await
        .expect("fetch")
        .len()
}

fn inbox_count() -> usize {
    sample::messages()
        .iter()
        .filter(|m| m.folder == "INBOX")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_with_a_private_ca() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    for host in ["localhost", "127.0.0.1"] {
        let stream = tcp::connect("127.0.0.1", dovecot.imaps_port())
            .await
            .unwrap();
        let mut client = within(Client::open(
            stream,
            &tls_options(&dovecot, host, Security::Tls),
        ))
        .await
        .expect(host);
        assert!(client.is_encrypted());
        assert_eq!(within(list_inbox(&mut client)).await, inbox_count());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_upgrades_before_login() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let stream = tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .unwrap();
    let mut client = within(Client::open(
        stream,
        &tls_options(&dovecot, "localhost", Security::StartTls),
    ))
    .await
    .unwrap();
    assert!(client.is_encrypted());
    assert!(
        client.capabilities().has("AUTH=PLAIN"),
        "capabilities asked again after TLS"
    );
    assert_eq!(within(list_inbox(&mut client)).await, inbox_count());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_failures_are_named() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    // Public roots only: the private CA is unknown.
    let err = open_tcp(
        dovecot.imaps_port(),
        &ConnectOptions::new("localhost", Security::Tls),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Tls(TlsError::Certificate {
                problem: CertificateProblem::UnknownIssuer,
                ..
            })
        ) && err.to_string().contains("unknown authority"),
        "{err}"
    );
    // The right CA but another name.
    let err = open_tcp(
        dovecot.imaps_port(),
        &tls_options(&dovecot, "mail.example.org", Security::Tls),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Tls(TlsError::Certificate {
                problem: CertificateProblem::WrongName,
                ..
            })
        ) && err
            .to_string()
            .contains("not valid for the name mail.example.org"),
        "{err}"
    );
    // TLS to the plain port.
    let err = open_tcp(
        dovecot.imap_port(),
        &tls_options(&dovecot, "localhost", Security::Tls),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Tls(TlsError::NotTls | TlsError::ClosedInHandshake) | ClientError::Io(_)
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_in_plaintext_to_a_remote_host() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let stream = tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .unwrap();
    // The caller says the server is "mail.example.org" (a remote name) and chose no TLS.
    let mut client = within(Client::open(
        stream,
        &ConnectOptions::new("mail.example.org", Security::None),
    ))
    .await
    .unwrap();
    let credentials = Credentials::Password {
        username: DEMO_USER.into(),
        password: DEMO_PASSWORD.into(),
    };
    for mechanism in [AuthMechanism::Login, AuthMechanism::Plain] {
        let err = within(client.authenticate(&credentials, mechanism))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ClientError::Insecure(_)),
            "{mechanism:?}: {err}"
        );
    }
    // Loopback is fine.
    let stream = tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .unwrap();
    let mut client = within(Client::open(
        stream,
        &ConnectOptions::new("127.0.0.1", Security::None),
    ))
    .await
    .unwrap();
    within(client.login(DEMO_USER, DEMO_PASSWORD))
        .await
        .unwrap();
}

/// Through the relay and a recording hop to Dovecot: returns what the hop saw.
async fn session_through_recording_relay(
    dovecot: &Dovecot,
    port: u16,
    security: Security,
) -> RecordingHop {
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let hop = RecordingHop::start(target).await;
    let relay = Relay::start(&[format!("127.0.0.1:{}", hop.port)]).await;
    let url = relay.tunnel_url(hop.port);
    let stream = WsIo::connect(&url).await.unwrap();
    let mut options = tls_options(dovecot, "localhost", security);
    options.allow_plaintext_password = true;
    let mut client = within(Client::open(stream, &options)).await.unwrap();
    // LOGIN puts the password itself on the wire: the strongest check of what TLS hides.
    let credentials = Credentials::Password {
        username: DEMO_USER.into(),
        password: DEMO_PASSWORD.into(),
    };
    within(client.authenticate(&credentials, AuthMechanism::Login))
        .await
        .unwrap();
    within(client.select(&MailboxName::inbox())).await.unwrap();
    let summaries = within(client.fetch_summaries(SequenceSet::all()))
        .await
        .unwrap();
    assert_eq!(summaries.len(), inbox_count());
    within(client.logout()).await.unwrap();
    hop
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_sees_only_ciphertext() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let subject = "Welcome to webimap";
    assert!(sample::messages().iter().any(|m| m.subject == subject));

    // Control: without TLS the hop sees both, so the check below can fail.
    let plain =
        session_through_recording_relay(&dovecot, dovecot.imap_port(), Security::None).await;
    assert!(plain.contains(DEMO_PASSWORD.as_bytes()) && plain.contains(subject.as_bytes()));

    for (port, security) in [
        (dovecot.imaps_port(), Security::Tls),
        (dovecot.imap_port(), Security::StartTls),
    ] {
        let hop = session_through_recording_relay(&dovecot, port, security).await;
        assert!(
            hop.len() > 1000,
            "{security:?}: the hop recorded the session"
        );
        assert!(
            !hop.contains(DEMO_PASSWORD.as_bytes()),
            "{security:?}: password visible to the relay"
        );
        assert!(
            !hop.contains(subject.as_bytes()),
            "{security:?}: subject visible to the relay"
        );
        assert!(
            !hop.contains(DEMO_USER.as_bytes()) || security == Security::StartTls,
            "{security:?}: user name"
        );
    }
}
