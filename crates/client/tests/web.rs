//! In headless Chromium: the wasm client logs in through the real relay to the real
//! Dovecot and lists INBOX. `cargo xtask test` starts both and passes their addresses at
//! compile time (WEBIMAP_TEST_*); run that, not this file alone.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use webimap_client::{
    Client, ConnectOptions, Security,
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
    tls,
    transport::ws,
};

wasm_bindgen_test_configure!(run_in_browser);

fn setting(value: Option<&'static str>, name: &str) -> &'static str {
    value.unwrap_or_else(|| {
        panic!("{name} is not set: run the browser tests with `cargo xtask test`")
    })
}

#[wasm_bindgen_test]
async fn logs_in_through_the_relay_and_lists_inbox() {
    let relay = setting(
        option_env!("WEBIMAP_TEST_RELAY_URL"),
        "WEBIMAP_TEST_RELAY_URL",
    );
    let port: u16 = setting(
        option_env!("WEBIMAP_TEST_IMAP_PORT"),
        "WEBIMAP_TEST_IMAP_PORT",
    )
    .parse()
    .unwrap();
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let password = setting(
        option_env!("WEBIMAP_TEST_PASSWORD"),
        "WEBIMAP_TEST_PASSWORD",
    );
    let inbox_count: usize = setting(
        option_env!("WEBIMAP_TEST_INBOX_COUNT"),
        "WEBIMAP_TEST_INBOX_COUNT",
    )
    .parse()
    .unwrap();
    let subject = setting(option_env!("WEBIMAP_TEST_SUBJECT"), "WEBIMAP_TEST_SUBJECT");

    let stream = ws::connect(relay, "127.0.0.1", port).expect("websocket");
    let mut client = Client::connect(stream)
        .await
        .expect("greeting through the relay");
    client.login(user, password).await.expect("login");
    let folders = client.list_folders().await.expect("list");
    assert_eq!(folders.first().map(|f| f.path.as_str()), Some("INBOX"));
    let info = client.select(&MailboxName::inbox()).await.expect("select");
    assert_eq!(info.exists as usize, inbox_count);
    let summaries = client
        .fetch_summaries(SequenceSet::all())
        .await
        .expect("fetch");
    assert_eq!(summaries.len(), inbox_count);
    let message = summaries
        .iter()
        .find(|s| s.subject == subject)
        .expect("the non-ASCII subject is listed");
    let content = client.fetch_message(message.uid).await.expect("open");
    assert!(content.text.is_some_and(|t| !t.is_empty()));
    client.logout().await.expect("logout");
}

#[wasm_bindgen_test]
async fn relay_refusal_is_an_error_not_a_hang() {
    let relay = setting(
        option_env!("WEBIMAP_TEST_RELAY_URL"),
        "WEBIMAP_TEST_RELAY_URL",
    );
    // Port 9 (discard) is not on the relay's allowlist: 403 before the upgrade.
    let stream = ws::connect(relay, "127.0.0.1", 9).expect("websocket object");
    assert!(Client::connect(stream).await.is_err());
}

/// TLS runs inside the browser (rustls in wasm): implicit TLS and STARTTLS through the
/// relay, verified against the test CA.
#[wasm_bindgen_test]
async fn tls_and_starttls_in_the_browser() {
    let relay = setting(
        option_env!("WEBIMAP_TEST_RELAY_URL"),
        "WEBIMAP_TEST_RELAY_URL",
    );
    let ca = setting(option_env!("WEBIMAP_TEST_CA_PEM"), "WEBIMAP_TEST_CA_PEM");
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let password = setting(
        option_env!("WEBIMAP_TEST_PASSWORD"),
        "WEBIMAP_TEST_PASSWORD",
    );
    let inbox_count: usize = setting(
        option_env!("WEBIMAP_TEST_INBOX_COUNT"),
        "WEBIMAP_TEST_INBOX_COUNT",
    )
    .parse()
    .unwrap();
    let imap: u16 = setting(
        option_env!("WEBIMAP_TEST_IMAP_PORT"),
        "WEBIMAP_TEST_IMAP_PORT",
    )
    .parse()
    .unwrap();
    let imaps: u16 = setting(
        option_env!("WEBIMAP_TEST_IMAPS_PORT"),
        "WEBIMAP_TEST_IMAPS_PORT",
    )
    .parse()
    .unwrap();
    for (port, security) in [(imaps, Security::Tls), (imap, Security::StartTls)] {
        let mut options = ConnectOptions::new("localhost", security);
        options.tls = Some(tls::client_config(Some(ca)).expect("CA"));
        let stream = ws::connect(relay, "127.0.0.1", port).expect("websocket");
        let mut client = Client::open(stream, &options).await.expect("TLS session");
        assert!(client.is_encrypted());
        client.login(user, password).await.expect("login");
        let info = client.select(&MailboxName::inbox()).await.expect("select");
        assert_eq!(info.exists as usize, inbox_count);
        client.logout().await.expect("logout");
    }
}

/// Legacy multi-byte charsets are decoded by the browser's TextDecoder (the wasm build has
/// no charset tables of its own): encoded words, text and HTML parts, whole messages.
#[wasm_bindgen_test]
fn legacy_charsets_decode_with_the_browsers_text_decoder() {
    use webimap_client::mime;
    assert_eq!(
        mime::decode_header_text(b"=?ISO-2022-JP?B?GyRCJU8lbSE8ISYlbyE8JWslSRsoQg==?="),
        "\u{30cf}\u{30ed}\u{30fc}\u{30fb}\u{30ef}\u{30fc}\u{30eb}\u{30c9}"
    );
    let header =
        b"Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    assert_eq!(
        mime::decode_text_part(header, b"k/qWe4zqgsyDZYNMg1iDZw==").as_deref(),
        Some("日本語のテキスト")
    );
    let header = b"Content-Type: text/html; charset=euc-kr\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    assert_eq!(
        mime::decode_html_part(header, b"<p>=BE=C8=B3=E7=C7=CF=BC=BC=BF=E4</p>").as_deref(),
        Some("<p>안녕하세요</p>")
    );
    for (charset, bytes, text) in [
        ("gbk", &b"\xc4\xe3\xba\xc3"[..], "你好"),
        ("gb18030", b"\xc4\xe3\xba\xc3", "你好"),
        ("big5", b"\xa7A\xa6n", "你好"),
        ("euc-jp", b"\xa5\xcf\xa5\xed", "ハロ"),
        ("iso-2022-kr", b"\x1b$)Cabcd", "\u{fffd}"),
    ] {
        let header = format!("Content-Type: text/plain; charset={charset}\r\n\r\n");
        assert_eq!(
            mime::decode_text_part(header.as_bytes(), bytes).as_deref(),
            Some(text),
            "{charset}"
        );
    }
    let raw = b"Subject: =?shift_jis?Q?=8C=8F=96=BC?=\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n\x1b$B$3$s$K$A$O\x1b(B";
    let utf8 = mime::legacy_charsets_to_utf8(raw);
    let text = String::from_utf8_lossy(&utf8);
    assert!(text.contains("charset=utf-8"), "{text}");
    assert!(!text.contains("shift_jis"), "{text}");
}

/// Submission from the browser: implicit TLS (465) and STARTTLS (587) through the relay,
/// verified against the test CA; a 4 MB message uploads with progress that only counts
/// bytes the WebSocket's send queue let go, and arrives in the recipient's INBOX.
#[wasm_bindgen_test]
async fn submission_in_the_browser_with_upload_progress() {
    use webimap_client::{
        Credentials,
        submission::{OnRefused, Progress, SubmitOptions, send_once},
    };
    let relay = setting(
        option_env!("WEBIMAP_TEST_RELAY_URL"),
        "WEBIMAP_TEST_RELAY_URL",
    );
    let ca = setting(option_env!("WEBIMAP_TEST_CA_PEM"), "WEBIMAP_TEST_CA_PEM");
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let password = setting(
        option_env!("WEBIMAP_TEST_PASSWORD"),
        "WEBIMAP_TEST_PASSWORD",
    );
    let from = setting(option_env!("WEBIMAP_TEST_ADDRESS"), "WEBIMAP_TEST_ADDRESS");
    let to = setting(
        option_env!("WEBIMAP_TEST_SECOND_ADDRESS"),
        "WEBIMAP_TEST_SECOND_ADDRESS",
    );
    let second_user = setting(
        option_env!("WEBIMAP_TEST_SECOND_USER"),
        "WEBIMAP_TEST_SECOND_USER",
    );
    let second_password = setting(
        option_env!("WEBIMAP_TEST_SECOND_PASSWORD"),
        "WEBIMAP_TEST_SECOND_PASSWORD",
    );
    let port =
        |value: Option<&'static str>, name: &str| -> u16 { setting(value, name).parse().unwrap() };
    let submission = port(
        option_env!("WEBIMAP_TEST_SUBMISSION_PORT"),
        "WEBIMAP_TEST_SUBMISSION_PORT",
    );
    let submissions = port(
        option_env!("WEBIMAP_TEST_SUBMISSIONS_PORT"),
        "WEBIMAP_TEST_SUBMISSIONS_PORT",
    );
    let imap = port(
        option_env!("WEBIMAP_TEST_IMAP_PORT"),
        "WEBIMAP_TEST_IMAP_PORT",
    );
    let credentials = Credentials::Password {
        username: user.into(),
        password: password.into(),
    };
    let mut subjects = Vec::new();
    for (port, security) in [
        (submissions, Security::Tls),
        (submission, Security::StartTls),
    ] {
        let subject = format!("browser submission over {port}");
        let mut message = format!(
            "From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <browser-{port}@webimap.test>\r\n\r\n"
        )
        .into_bytes();
        // 4 MB of 76-column lines, one of them a lone "." to be stuffed.
        let line = "x".repeat(76);
        while message.len() < 4_000_000 {
            message.extend_from_slice(line.as_bytes());
            message.extend_from_slice(b"\r\n");
        }
        message.extend_from_slice(b".\r\nend\r\n");
        let mut options = SubmitOptions::new("localhost", port, security);
        options.tls = Some(tls::client_config(Some(ca)).expect("CA"));
        let worst_after_flush = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let stream = QueueWatch {
            inner: ws::connect(relay, "127.0.0.1", port).expect("websocket"),
            worst_after_flush: worst_after_flush.clone(),
        };
        let mut steps: Vec<Progress> = Vec::new();
        let mut submission =
            webimap_client::submission::Submission::open(stream, &options, &credentials)
                .await
                .expect("a TLS submission session in the browser");
        assert!(submission.is_encrypted());
        let report = submission
            .send_with_progress(
                from,
                &[to.to_string()],
                &message,
                OnRefused::Abort,
                &mut |p| steps.push(p),
            )
            .await
            .expect("sent");
        submission.quit().await;
        assert_eq!(report.accepted, vec![to.to_string()]);
        // Backpressure: no flush (after which progress is reported) left more than the
        // low-water mark in the browser's send queue.
        assert!(
            worst_after_flush.get() <= ws::LOW_WATER,
            "{} bytes still queued after a flush",
            worst_after_flush.get()
        );
        assert!(steps.len() > 10, "{} progress steps", steps.len());
        assert!(steps.windows(2).all(|w| w[0].sent <= w[1].sent));
        assert_eq!(
            steps.last().map(|p| (p.sent, p.total)),
            Some((message.len() as u64, message.len() as u64))
        );
        subjects.push(subject);
    }
    // An unknown recipient is refused by name; nothing is sent.
    let stream = ws::connect(relay, "127.0.0.1", submissions).expect("websocket");
    let mut options = SubmitOptions::new("localhost", submissions, Security::Tls);
    options.tls = Some(tls::client_config(Some(ca)).expect("CA"));
    let refused = send_once(
        stream,
        &options,
        &credentials,
        from,
        &["nobody@webimap.test".to_string()],
        b"Subject: never\r\n\r\nnever\r\n",
        OnRefused::Abort,
    )
    .await
    .expect_err("an unknown recipient is refused");
    assert!(
        refused.to_string().contains("nobody@webimap.test"),
        "{refused}"
    );

    let stream = ws::connect(relay, "127.0.0.1", imap).expect("websocket");
    let mut client = Client::connect(stream).await.expect("greeting");
    client
        .login(second_user, second_password)
        .await
        .expect("login as the recipient");
    client.select(&MailboxName::inbox()).await.expect("select");
    let summaries = client
        .fetch_summaries(SequenceSet::all())
        .await
        .expect("fetch");
    for subject in subjects {
        let delivered = summaries
            .iter()
            .find(|s| s.subject == subject)
            .unwrap_or_else(|| panic!("{subject} was delivered"));
        assert!(
            delivered.size.is_some_and(|s| s > 4_000_000),
            "{:?}",
            delivered.size
        );
    }
    client.logout().await.expect("logout");
}

/// The browser transport, noting the longest send queue left behind by a flush.
struct QueueWatch {
    inner: ws::WsTransport,
    worst_after_flush: std::rc::Rc<std::cell::Cell<u32>>,
}

impl futures_util::io::AsyncRead for QueueWatch {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl futures_util::io::AsyncWrite for QueueWatch {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let flushed = std::pin::Pin::new(&mut this.inner).poll_flush(cx);
        if let std::task::Poll::Ready(Ok(())) = flushed {
            let queued = this.inner.queued();
            if queued > this.worst_after_flush.get() {
                this.worst_after_flush.set(queued);
            }
        }
        flushed
    }

    fn poll_close(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}
