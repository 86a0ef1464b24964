//! The client against a real Dovecot (started by webimap-testkit), directly over TCP and
//! through the real relay over a WebSocket.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use futures::io::{AsyncRead, AsyncWrite};
use support::{Relay, WsIo, within};
use webimap_client::{
    Client, ClientError,
    proto::types::{
        mailbox::{MailboxName, SpecialUse},
        sequence::SequenceSet,
    },
    transport::tcp,
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, sample};

fn dovecot() -> Dovecot {
    Dovecot::start(DovecotConfig::default()).expect("dovecot starts")
}

/// Signs in, lists folders, reads every sample message in every folder and checks what a
/// user would see: subjects (decoded), senders, flags, body text (decoded).
async fn read_whole_mailbox<S: AsyncRead + AsyncWrite + Unpin>(stream: S) {
    let mut client = Client::connect(stream).await.expect("greeting");
    assert!(
        client.capabilities().has("IMAP4rev1"),
        "{:?}",
        client.capabilities()
    );
    client.login(DEMO_USER, DEMO_PASSWORD).await.expect("login");
    assert!(
        client.capabilities().has("IDLE"),
        "capabilities after login"
    );

    let folders = client.list_folders().await.expect("list");
    let paths: Vec<&str> = folders.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths.first(), Some(&"INBOX"), "{paths:?}");
    for expected in sample::folders() {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    let nested = folders
        .iter()
        .find(|f| f.path == "Work/Projects")
        .expect("nested folder");
    assert_eq!((nested.label.as_str(), nested.depth), ("Projects", 1));
    let sent = folders
        .iter()
        .find(|f| f.special_use == Some(SpecialUse::Sent))
        .expect("special-use Sent");
    assert_eq!(sent.path, "Sent");

    let all = sample::messages();
    for folder in sample::folders() {
        let expected: Vec<_> = all.iter().filter(|m| m.folder == folder).collect();
        let info = client
            .select(&MailboxName::from_display(folder).unwrap())
            .await
            .expect("select");
        assert_eq!(info.exists as usize, expected.len(), "{folder}");
        if expected.is_empty() {
            continue;
        }
        let summaries = client
            .fetch_summaries(SequenceSet::all())
            .await
            .expect("fetch");
        assert_eq!(summaries.len(), expected.len());
        for want in &expected {
            let got = summaries
                .iter()
                .find(|s| s.subject == want.subject)
                .unwrap_or_else(|| panic!("{folder}: no summary with subject {:?}", want.subject));
            assert_eq!(
                (got.seen, got.flagged),
                (want.seen, want.flagged),
                "{}",
                want.subject
            );
            assert_eq!(got.from[0].email, want.from_addr, "{}", want.subject);
            assert_eq!(got.from[0].display(), want.from_name, "{}", want.subject);
            assert_eq!(got.received, Some(want.unix_time()), "{}", want.subject);
            assert_eq!(got.has_attachments, want.has_attachment, "{}", want.subject);
            let content = client.fetch_message(got.uid).await.expect("message");
            let raw_html = String::from_utf8_lossy(&want.raw)
                .to_ascii_lowercase()
                .contains("text/html");
            assert_eq!(
                content.html.is_some(),
                raw_html && content.html_section.is_some(),
                "{}",
                want.subject
            );
            for attachment in &content.attachments {
                let part = client
                    .fetch_decoded_part(got.uid, &attachment.section)
                    .await
                    .expect("part");
                assert!(
                    !part.data.is_empty(),
                    "{}: attachment {:?} is empty",
                    want.subject,
                    attachment.section
                );
                assert_eq!(part.mime_type, attachment.mime_type);
            }
            let raw = client.fetch_raw_message(got.uid).await.expect("raw");
            assert_eq!(
                raw, want.raw,
                "{}: BODY[] is the stored message",
                want.subject
            );
            let text = content.text.unwrap_or_default();
            assert!(
                text.contains(want.body_contains),
                "{}: body {:?} lacks {:?}",
                want.subject,
                text,
                want.body_contains
            );
        }
        // Reading did not mark anything seen (BODY.PEEK).
        let again = client
            .fetch_summaries(SequenceSet::all())
            .await
            .expect("fetch again");
        assert_eq!(
            again.iter().filter(|s| s.seen).count(),
            expected.iter().filter(|m| m.seen).count()
        );
    }
    client.logout().await.expect("logout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_sample_message_over_tcp() {
    let dovecot = dovecot();
    let stream = tcp::connect(dovecot.host(), dovecot.imap_port())
        .await
        .expect("tcp");
    within(read_whole_mailbox(stream)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_sample_message_through_the_relay() {
    let dovecot = dovecot();
    let relay = Relay::start(&[format!("127.0.0.1:{}", dovecot.imap_port())]).await;
    let url = relay.tunnel_url(dovecot.imap_port());
    let stream = WsIo::connect(&url).await.expect("websocket");
    within(read_whole_mailbox(stream)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_an_authentication_failure() {
    let dovecot = dovecot();
    let stream = tcp::connect(dovecot.host(), dovecot.imap_port())
        .await
        .expect("tcp");
    let mut client = within(Client::connect(stream)).await.expect("greeting");
    let err = within(client.login(DEMO_USER, "wrong"))
        .await
        .expect_err("refused");
    assert!(err.is_authentication_failure(), "{err:?}");
    // The session goes on: the right password works after a wrong one.
    within(client.login(DEMO_USER, DEMO_PASSWORD))
        .await
        .expect("login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_refuses_a_target_not_allowed_before_upgrading() {
    let dovecot = dovecot();
    let relay = Relay::start(&[format!("127.0.0.1:{}", dovecot.imap_port())]).await;
    let url = relay.tunnel_url(dovecot.imaps_port());
    match WsIo::connect(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        Err(other) => panic!("expected HTTP 403, got {other}"),
        Ok(_) => panic!("a target not allowed was relayed"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_that_closes_the_connection_fails_cleanly() {
    // A "server" that accepts and closes at once, with no greeting.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let relay = Relay::start(&[format!("127.0.0.1:{port}")]).await;
    let url = relay.tunnel_url(port);
    let stream = WsIo::connect(&url)
        .await
        .expect("upgrade happens: the target is allowed");
    match within(Client::connect(stream)).await {
        Err(ClientError::Closed | ClientError::Io(_) | ClientError::Protocol(_)) => {}
        Err(other) => panic!("expected a closed connection, got {other:?}"),
        Ok(_) => panic!("a greeting from a server that sent nothing"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_closing_mid_session_fails_the_command_without_hanging() {
    let dovecot = dovecot();
    let relay = Relay::start(&[format!("127.0.0.1:{}", dovecot.imap_port())]).await;
    let url = relay.tunnel_url(dovecot.imap_port());
    let mut client = within(Client::connect(WsIo::connect(&url).await.unwrap()))
        .await
        .unwrap();
    within(client.login(DEMO_USER, DEMO_PASSWORD))
        .await
        .unwrap();
    dovecot.stop();
    let result = within(client.list_folders()).await;
    assert!(
        matches!(result, Err(ClientError::Closed | ClientError::Io(_))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_times_out_instead_of_hanging() {
    // A "server" that greets and then never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"* OK silent server\r\n").await;
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(60)).await;
                drop(socket);
            });
        }
    });
    let stream = tcp::connect("127.0.0.1", port).await.unwrap();
    let mut client = within(Client::connect(stream)).await.unwrap();
    let result = webimap_client::with_deadline(
        client.list_folders(),
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await;
    assert!(matches!(result, Err(ClientError::Timeout)), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_over_the_size_limit_is_a_clear_error() {
    // A server that answers a FETCH with a literal larger than the client accepts.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write
            .write_all(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
            .await
            .unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let tag = line.split(' ').next().unwrap_or("*").to_string();
            if line.contains("FETCH") {
                // 200 MiB announced: over the 100 MiB default; the bytes stream past.
                write
                    .write_all(b"* 1 FETCH (UID 1 BODY[] {209715200}\r\n")
                    .await
                    .unwrap();
                let chunk = vec![b'x'; 1 << 20];
                for _ in 0..200 {
                    write.write_all(&chunk).await.unwrap();
                }
                write.write_all(b")\r\n").await.unwrap();
            }
            write
                .write_all(format!("{tag} OK done\r\n").as_bytes())
                .await
                .unwrap();
        }
    });
    let stream = tcp::connect("127.0.0.1", port).await.unwrap();
    let mut client = within(Client::connect(stream)).await.unwrap();
    let result = within(client.fetch_part(
        1,
        webimap_client::proto::types::command::Section::full(),
        None,
    ))
    .await;
    assert!(
        matches!(result, Err(ClientError::LimitExceeded(_))),
        "{result:?}"
    );
    // The session goes on after the oversized response.
    within(
        client
            .connection()
            .execute(webimap_client::proto::types::command::Command::Noop),
    )
    .await
    .unwrap();
}
