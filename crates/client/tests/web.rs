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
