//! Sending mail through the relay to Dovecot's real submission service (465 implicit TLS,
//! 587 STARTTLS), delivered by Dovecot's LMTP: the message arrives byte-exact, a recording
//! hop between relay and server sees neither password nor subject nor body under TLS (and
//! sees them without it), and failures come back with their cause.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

mod support;

use support::{RecordingHop, Relay, WsIo, within};
use webimap_client::{
    Credentials, Security,
    submission::{OnRefused, SubmitError, SubmitOptions, send_once},
    tls,
};
use webimap_smtp::Problem;
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, SECOND_DEMO_USER, address_of,
};

const SUBJECT: &str = "Subject-token-7f3a";
const BODY_TOKEN: &str = "body-token-91c2";

fn dovecot() -> Dovecot {
    Dovecot::start(DovecotConfig {
        submission: true,
        ..DovecotConfig::default()
    })
    .unwrap()
}

/// A message with the awkward lines of SMTP: ".", "..", a lone LF before ".".
fn message(to: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {SUBJECT}\r\nMessage-ID: <t1@webimap.test>\r\n\r\n\
         {BODY_TOKEN}\r\n.\r\n..\r\nline\n.\r\nend\r\n",
        from = address_of(DEMO_USER)
    )
    .into_bytes()
}

fn credentials(password: &str) -> Credentials {
    Credentials::Password {
        username: DEMO_USER.into(),
        password: password.into(),
    }
}

/// Sends `message` through the relay and a recording hop to `port`.
async fn send_through_relay(
    dovecot: &Dovecot,
    port: u16,
    security: Security,
    password: &str,
    recipients: &[String],
    message: &[u8],
) -> (
    Result<webimap_client::submission::SendReport, SubmitError>,
    RecordingHop,
) {
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let hop = RecordingHop::start(target).await;
    let relay = Relay::start(&[format!("127.0.0.1:{}", hop.port)]).await;
    let stream = WsIo::connect(&relay.tunnel_url(hop.port)).await.unwrap();
    let mut options = SubmitOptions::new("localhost", port, security);
    options.tls = Some(tls::client_config(Some(dovecot.ca_pem())).unwrap());
    let result = within(send_once(
        stream,
        &options,
        &credentials(password),
        &address_of(DEMO_USER),
        recipients,
        message,
        OnRefused::Abort,
    ))
    .await;
    (result, hop)
}

/// The delivered copy of the message with `SUBJECT` in `user`'s INBOX.
fn delivered(dovecot: &Dovecot, user: &str) -> Vec<u8> {
    dovecot
        .inbox_messages(user)
        .unwrap()
        .into_iter()
        .find(|m| m.windows(SUBJECT.len()).any(|w| w == SUBJECT.as_bytes()))
        .expect("delivered")
}

fn body_of(raw: &[u8]) -> &[u8] {
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    &raw[at + 4..]
}

async fn sends_encrypted(security: Security) {
    let dovecot = dovecot();
    let port = match security {
        Security::Tls => dovecot.submissions_port(),
        _ => dovecot.submission_port(),
    }
    .unwrap();
    let to = address_of(SECOND_DEMO_USER);
    let sent = message(&to);
    let (result, hop) = send_through_relay(
        &dovecot,
        port,
        security,
        DEMO_PASSWORD,
        std::slice::from_ref(&to),
        &sent,
    )
    .await;
    let report = result.unwrap();
    assert_eq!(report.accepted, vec![to.clone()]);
    assert!(report.refused.is_empty());
    // Byte-exact, with the bare LF made CRLF on the wire (the smuggling lesson).
    let got = delivered(&dovecot, SECOND_DEMO_USER);
    assert_eq!(
        body_of(&got),
        format!("{BODY_TOKEN}\r\n.\r\n..\r\nline\r\n.\r\nend\r\n").as_bytes()
    );
    // The relay's network saw only ciphertext.
    assert!(hop.len() > 1000);
    assert!(!hop.contains(DEMO_PASSWORD.as_bytes()));
    assert!(!hop.contains(SUBJECT.as_bytes()));
    assert!(!hop.contains(BODY_TOKEN.as_bytes()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_over_implicit_tls_through_the_relay() {
    sends_encrypted(Security::Tls).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_over_starttls_through_the_relay() {
    sends_encrypted(Security::StartTls).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_tls_the_hop_sees_everything() {
    let dovecot = dovecot();
    let port = dovecot.submission_port().unwrap();
    let to = address_of(DEMO_USER);
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let hop = RecordingHop::start(target).await;
    let relay = Relay::start(&[format!("127.0.0.1:{}", hop.port)]).await;
    let stream = WsIo::connect(&relay.tunnel_url(hop.port)).await.unwrap();
    let mut options = SubmitOptions::new("127.0.0.1", port, Security::None);
    options.allow_plaintext_password = true;
    let result = within(send_once(
        stream,
        &options,
        &credentials(DEMO_PASSWORD),
        &to,
        std::slice::from_ref(&to),
        &message(&to),
        OnRefused::Abort,
    ))
    .await;
    result.unwrap();
    // The control: without TLS the same hop reads the subject and the body.
    assert!(hop.contains(SUBJECT.as_bytes()));
    assert!(hop.contains(BODY_TOKEN.as_bytes()));
    assert!(hop.contains(b"EHLO"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_named() {
    let dovecot = dovecot();
    let to = address_of(SECOND_DEMO_USER);
    let (result, _) = send_through_relay(
        &dovecot,
        dovecot.submissions_port().unwrap(),
        Security::Tls,
        "not-the-password",
        std::slice::from_ref(&to),
        &message(&to),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.problem(), Some(Problem::WrongCredentials), "{err}");
    assert!(!err.to_string().contains("Error"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_recipient_is_named_and_nothing_is_sent() {
    let dovecot = dovecot();
    let known = address_of(SECOND_DEMO_USER);
    let unknown = "nobody-here@webimap.test".to_string();
    let (result, _) = send_through_relay(
        &dovecot,
        dovecot.submissions_port().unwrap(),
        Security::Tls,
        DEMO_PASSWORD,
        &[known.clone(), unknown.clone()],
        &message(&known),
    )
    .await;
    let err = result.unwrap_err();
    match &err {
        SubmitError::RecipientsRefused(refused) => {
            assert_eq!(refused.len(), 1);
            assert_eq!(refused[0].address.to_string(), unknown);
            assert_eq!(refused[0].reply.code, 550);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains(&unknown));
    // Aborted before the body: the known recipient got nothing.
    assert!(
        !dovecot
            .inbox_messages(SECOND_DEMO_USER)
            .unwrap()
            .iter()
            .any(|m| m.windows(SUBJECT.len()).any(|w| w == SUBJECT.as_bytes()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_message_arrives_byte_exact() {
    let dovecot = dovecot();
    let to = address_of(SECOND_DEMO_USER);
    let mut sent = message(&to);
    // 10 MB of base64-like lines, as an attachment would be.
    let mut state = 0x2545_f491_u32;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while sent.len() < 10_000_000 {
        for _ in 0..76 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            sent.push(alphabet[(state % 64) as usize]);
        }
        sent.extend_from_slice(b"\r\n");
    }
    let (result, _) = send_through_relay(
        &dovecot,
        dovecot.submissions_port().unwrap(),
        Security::Tls,
        DEMO_PASSWORD,
        std::slice::from_ref(&to),
        &sent,
    )
    .await;
    result.unwrap();
    let got = delivered(&dovecot, SECOND_DEMO_USER);
    let tail = &sent[sent.len() - 200_000..];
    assert!(got.ends_with(tail));
    assert!(body_of(&got).len() >= body_of(&sent).len() - 2);
}
