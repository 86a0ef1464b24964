//! The JavaScript API in headless Chromium, through the real relay to the real Dovecot,
//! with TLS in the page. `cargo xtask test` starts both and passes their addresses at
//! compile time (WEBIMAP_TEST_*).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::{cell::RefCell, rc::Rc};

use serde_json::{Value, json};
use wasm_bindgen::{JsValue, prelude::Closure};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use webimap_js::{ImapClient, SendOptionsObject, SmtpClient, build_message};

wasm_bindgen_test_configure!(run_in_browser);

fn setting(value: Option<&'static str>, name: &str) -> &'static str {
    value.unwrap_or_else(|| {
        panic!("{name} is not set: run the browser tests with `cargo xtask test`")
    })
}

/// A plain JS object, as JavaScript code would pass (not a `Map`).
fn js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn rs(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

async fn connect() -> ImapClient {
    let options = json!({
        "relayUrl": setting(option_env!("WEBIMAP_TEST_RELAY_URL"), "WEBIMAP_TEST_RELAY_URL"),
        "host": "localhost",
        "port": setting(option_env!("WEBIMAP_TEST_IMAPS_PORT"), "WEBIMAP_TEST_IMAPS_PORT").parse::<u16>().unwrap(),
        "security": "tls",
        "caPem": setting(option_env!("WEBIMAP_TEST_CA_PEM"), "WEBIMAP_TEST_CA_PEM"),
    });
    let client = ImapClient::connect(js(&options)).await.expect("connect");
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let password = setting(
        option_env!("WEBIMAP_TEST_PASSWORD"),
        "WEBIMAP_TEST_PASSWORD",
    );
    let mechanism = client
        .login(user.into(), password.into())
        .await
        .expect("login");
    assert_eq!(mechanism, "ScramSha256");
    client
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys_window();
        let _ = js_sys::Reflect::get(&window, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .map(|f| f.call2(&window, &resolve, &JsValue::from(ms)));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn web_sys_window() -> JsValue {
    js_sys::global().into()
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn the_js_api_reads_searches_changes_and_watches_mail() {
    let inbox_count: usize = setting(
        option_env!("WEBIMAP_TEST_INBOX_COUNT"),
        "WEBIMAP_TEST_INBOX_COUNT",
    )
    .parse()
    .unwrap();
    let client = connect().await;
    let caps = rs(client.capabilities().await.unwrap());
    assert!(caps.as_array().unwrap().iter().any(|c| c == "IDLE"));

    let folders = rs(client.list().await.unwrap());
    let folders = folders.as_array().unwrap();
    assert_eq!(folders[0]["role"], "inbox");
    assert!(
        folders
            .iter()
            .any(|f| f["path"] == "Work/Projects" && f["depth"] == 1)
    );
    let inbox_total = folders[0]["total"].as_u64();
    assert!(inbox_total.is_none() || inbox_total == Some(inbox_count as u64));

    let info = rs(client.select("INBOX".into()).await.unwrap());
    assert_eq!(info["exists"], inbox_count);
    let summaries = rs(client.fetch_summaries(None).await.unwrap());
    assert_eq!(summaries.as_array().unwrap().len(), inbox_count);
    assert!(
        client.enable_compression().await.unwrap(),
        "Dovecot offers COMPRESS=DEFLATE"
    );
    let before = rs(client.bytes_transferred().await.unwrap())[1]
        .as_u64()
        .unwrap();
    let headers = rs(client.fetch_headers(None).await.unwrap());
    assert_eq!(headers.as_array().unwrap().len(), inbox_count);
    let after = rs(client.bytes_transferred().await.unwrap())[1]
        .as_u64()
        .unwrap();
    assert!(after > before, "bytes are counted");

    let hits = rs(client
        .search(js(&json!({ "subject": "München" })))
        .await
        .unwrap());
    let uid = hits[0].as_u64().unwrap() as u32;
    let message = rs(client.fetch_message(uid).await.unwrap());
    assert!(message["text"].as_str().unwrap().contains("München"));
    assert_eq!(message["summary"]["subject"], "Grüße aus München");

    client
        .store(vec![uid], "add".into(), vec!["\\Flagged".into()])
        .await
        .unwrap();
    let flagged = rs(client
        .search(js(&json!({ "flagged": true })))
        .await
        .unwrap());
    assert!(
        flagged
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u.as_u64() == Some(u64::from(uid)))
    );

    let bad = ImapClient::connect(js(
        &json!({ "relayUrl": "x", "host": "h", "port": 1, "security": "ssl" }),
    ))
    .await;
    let code = js_sys::Reflect::get(&bad.unwrap_err(), &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("INVALID"));

    // Watch INBOX while a second session appends: the first gets a newMessages event.
    let events: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = events.clone();
    let on_event = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        sink.borrow_mut()
            .push(serde_wasm_bindgen::from_value(e).unwrap_or(Value::Null));
    });
    let handle = client.idle(
        on_event
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone(),
    );
    sleep(300).await;
    let other = connect().await;
    let message =
        b"From: a@example.com\r\nSubject: from the second session\r\n\r\nhello\r\n".to_vec();
    let new_uid = other
        .append("INBOX".into(), message, None)
        .await
        .unwrap()
        .unwrap();
    for _ in 0..100 {
        if events.borrow().iter().any(|e| {
            e["kind"] == "newMessages" && e["uids"].as_array().is_some_and(|u| !u.is_empty())
        }) {
            break;
        }
        sleep(100).await;
    }
    let seen = events.borrow().clone();
    assert!(
        seen.iter().any(|e| e["kind"] == "newMessages"
            && e["uids"]
                .as_array()
                .is_some_and(|u| u.iter().any(|x| x.as_u64() == Some(u64::from(new_uid))))),
        "{seen:?}"
    );
    // A call in the middle of IDLE interrupts it and gets its answer.
    let after = rs(client.fetch_summaries(Some(vec![new_uid])).await.unwrap());
    assert_eq!(after[0]["subject"], "from the second session");
    handle.stop();
    client.delete(vec![new_uid]).await.unwrap();
    client.logout().await.unwrap();
    other.logout().await.unwrap();
    drop(on_event);
}

// ---- Sending (SmtpClient, buildMessage) through the relay to Dovecot's submission service.

fn env_port(value: Option<&'static str>, name: &str) -> u16 {
    setting(value, name).parse().unwrap()
}

fn submission_port() -> u16 {
    env_port(
        option_env!("WEBIMAP_TEST_SUBMISSION_PORT"),
        "WEBIMAP_TEST_SUBMISSION_PORT",
    )
}

fn submissions_port() -> u16 {
    env_port(
        option_env!("WEBIMAP_TEST_SUBMISSIONS_PORT"),
        "WEBIMAP_TEST_SUBMISSIONS_PORT",
    )
}

fn own_address() -> &'static str {
    setting(option_env!("WEBIMAP_TEST_ADDRESS"), "WEBIMAP_TEST_ADDRESS")
}

fn second_address() -> &'static str {
    setting(
        option_env!("WEBIMAP_TEST_SECOND_ADDRESS"),
        "WEBIMAP_TEST_SECOND_ADDRESS",
    )
}

fn smtp_options(port: u16, security: &str) -> Value {
    json!({
        "relayUrl": setting(option_env!("WEBIMAP_TEST_RELAY_URL"), "WEBIMAP_TEST_RELAY_URL"),
        "host": "localhost",
        "port": port,
        "security": security,
        "caPem": setting(option_env!("WEBIMAP_TEST_CA_PEM"), "WEBIMAP_TEST_CA_PEM"),
    })
}

async fn smtp(port: u16, security: &str) -> SmtpClient {
    let client = SmtpClient::connect(js(&smtp_options(port, security)))
        .await
        .unwrap_or_else(|e| panic!("connect {security}: {}", message_of(&e)));
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let password = setting(
        option_env!("WEBIMAP_TEST_PASSWORD"),
        "WEBIMAP_TEST_PASSWORD",
    );
    client
        .login(user.into(), password.into())
        .await
        .unwrap_or_else(|e| panic!("login {security}: {}", message_of(&e)));
    client
}

fn field(error: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(error, &name.into()).unwrap()
}

fn code_of(error: &JsValue) -> String {
    field(error, "code").as_string().unwrap_or_default()
}

fn message_of(error: &JsValue) -> String {
    field(error, "message").as_string().unwrap_or_default()
}

/// A subject no earlier run used.
fn unique(label: &str) -> String {
    format!("{label} {}", (js_sys::Math::random() * 1e12) as u64)
}

fn plain(subject: &str, to: Value) -> JsValue {
    js(&json!({
        "from": format!("Demo <{}>", own_address()),
        "to": to,
        "subject": subject,
        "text": format!("Sent by the webimap-js test suite.\n{subject}\n"),
    }))
}

/// The UIDs of INBOX messages with `subject`, as the second demo user sees them, waiting
/// up to `wait_ms` for at least one.
async fn second_user_finds(subject: &str, wait_ms: u32) -> Vec<u32> {
    let options = json!({
        "relayUrl": setting(option_env!("WEBIMAP_TEST_RELAY_URL"), "WEBIMAP_TEST_RELAY_URL"),
        "host": "localhost",
        "port": env_port(option_env!("WEBIMAP_TEST_IMAPS_PORT"), "WEBIMAP_TEST_IMAPS_PORT"),
        "security": "tls",
        "caPem": setting(option_env!("WEBIMAP_TEST_CA_PEM"), "WEBIMAP_TEST_CA_PEM"),
    });
    let client = ImapClient::connect(js(&options)).await.expect("connect");
    let user = setting(
        option_env!("WEBIMAP_TEST_SECOND_USER"),
        "WEBIMAP_TEST_SECOND_USER",
    );
    let password = setting(
        option_env!("WEBIMAP_TEST_SECOND_PASSWORD"),
        "WEBIMAP_TEST_SECOND_PASSWORD",
    );
    client
        .login(user.into(), password.into())
        .await
        .expect("second user login");
    let mut waited = 0;
    let uids = loop {
        client.select("INBOX".into()).await.unwrap();
        let hits = rs(client
            .search(js(&json!({ "subject": subject })))
            .await
            .unwrap());
        let uids: Vec<u32> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_u64().unwrap() as u32)
            .collect();
        if !uids.is_empty() || waited >= wait_ms {
            break uids;
        }
        sleep(200).await;
        waited += 200;
    };
    if let Some(&uid) = uids.first() {
        let message = rs(client.fetch_message(uid).await.unwrap());
        assert_eq!(message["summary"]["subject"], subject);
    }
    client.logout().await.unwrap();
    uids
}

#[wasm_bindgen_test]
async fn the_js_api_sends_over_tls_and_starttls_to_another_user() {
    for (port, security) in [(submissions_port(), "tls"), (submission_port(), "starttls")] {
        let client = smtp(port, security).await;
        let subject = unique(&format!("js smtp over {security}"));
        let result = client
            .send(plain(&subject, json!(second_address())), None)
            .await
            .unwrap_or_else(|e| panic!("send {security}: {}", message_of(&e)));
        let message_id = field(&result, "messageId").as_string().unwrap();
        assert!(message_id.ends_with("@webimap.test"), "{message_id}");
        assert_eq!(rs(field(&result, "accepted")), json!([second_address()]));
        assert_eq!(rs(field(&result, "refused")), json!([]));
        let kept = js_sys::Uint8Array::new(&field(&result, "forKeeping")).to_vec();
        assert!(String::from_utf8_lossy(&kept).contains(&message_id));
        assert_eq!(
            second_user_finds(&subject, 10_000).await.len(),
            1,
            "{security}: the recipient has the message once"
        );
        client.logout();
    }
}

#[wasm_bindgen_test]
async fn sending_failures_have_stable_codes() {
    // A wrong password, after a right one.
    let client = smtp(submissions_port(), "tls").await;
    let user = setting(option_env!("WEBIMAP_TEST_USER"), "WEBIMAP_TEST_USER");
    let wrong = client
        .login(user.into(), "not-the-password".into())
        .await
        .unwrap_err();
    assert_eq!(code_of(&wrong), "AUTH_FAILED", "{}", message_of(&wrong));
    // A failed login leaves the client signed out.
    let unsigned = client
        .send(plain("never", json!(second_address())), None)
        .await
        .unwrap_err();
    assert_eq!(code_of(&unsigned), "NOT_SIGNED_IN");
    // An invalid address is refused before anything else (even before the sign-in check).
    let invalid = client
        .send(plain("never", json!(["Someone <someone>"])), None)
        .await
        .unwrap_err();
    assert_eq!(code_of(&invalid), "INVALID_ADDRESS");
    assert_eq!(
        field(&invalid, "address").as_string().as_deref(),
        Some("someone")
    );
    assert!(message_of(&invalid).contains("someone"));

    // A port the relay does not allow, and a certificate from an unknown authority.
    let mut refused = smtp_options(1, "tls");
    refused["caPem"] = Value::Null;
    let unreachable = SmtpClient::connect(js(&refused)).await.unwrap_err();
    assert_eq!(
        code_of(&unreachable),
        "CONNECT",
        "{}",
        message_of(&unreachable)
    );
    let mut unknown_ca = smtp_options(submissions_port(), "tls");
    unknown_ca["caPem"] = Value::Null;
    let tls = SmtpClient::connect(js(&unknown_ca)).await.unwrap_err();
    assert_eq!(code_of(&tls), "TLS", "{}", message_of(&tls));

    let client = smtp(submission_port(), "starttls").await;
    // Bigger than the server's SIZE (40 MiB once base64-encoded): refused before upload.
    let big = plain("too big", json!(second_address()));
    let attachment =
        js(&json!({ "filename": "big.bin", "contentType": "application/octet-stream" }));
    js_sys::Reflect::set(
        &attachment,
        &"data".into(),
        &js_sys::Uint8Array::new_with_length(32 << 20),
    )
    .unwrap();
    js_sys::Reflect::set(
        &big,
        &"attachments".into(),
        &js_sys::Array::of1(&attachment),
    )
    .unwrap();
    let started = js_sys::Date::now();
    let error = client.send(big, None).await.unwrap_err();
    assert_eq!(code_of(&error), "MESSAGE_TOO_BIG", "{}", message_of(&error));
    web_sys_console(&format!(
        "too big refused after {} ms",
        js_sys::Date::now() - started
    ));

    // An unknown recipient beside a known one: nothing is sent, the error names it.
    let nobody = "nobody@webimap.test";
    let subject = unique("js smtp refused");
    let error = client
        .send(plain(&subject, json!([second_address(), nobody])), None)
        .await
        .unwrap_err();
    assert_eq!(
        code_of(&error),
        "RECIPIENTS_REFUSED",
        "{}",
        message_of(&error)
    );
    assert!(message_of(&error).contains(nobody));
    let listed = rs(field(&error, "refused"));
    assert_eq!(listed[0]["address"], nobody);
    assert_eq!(listed[0]["code"], 550);
    assert_eq!(listed[0]["enhancedCode"], "5.1.1");
    // Only the unknown one.
    let error = client
        .send(plain(&subject, json!(nobody)), None)
        .await
        .unwrap_err();
    assert_eq!(
        code_of(&error),
        "RECIPIENTS_REFUSED",
        "{}",
        message_of(&error)
    );
    assert_eq!(rs(field(&error, "refused"))[0]["address"], nobody);
    assert!(
        second_user_finds(&subject, 0).await.is_empty(),
        "aborted: nothing was sent"
    );

    // With sendToAccepted the message goes to the known one; the result names the other.
    let result = client
        .send(
            plain(&subject, json!([second_address(), nobody])),
            Some(
                js(&json!({ "onRefused": "sendToAccepted" })).unchecked_into::<SendOptionsObject>(),
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)));
    assert_eq!(rs(field(&result, "accepted")), json!([second_address()]));
    let refused = rs(field(&result, "refused"));
    assert_eq!(refused[0]["address"], nobody);
    assert_eq!(refused[0]["code"], 550);
    assert_eq!(second_user_finds(&subject, 10_000).await.len(), 1);
}

#[wasm_bindgen_test]
fn build_message_keeps_bcc_only_in_the_kept_copy() {
    let built = build_message(js(&json!({
        "from": { "name": "Demo", "address": own_address() },
        "to": "Second <second@example.org>",
        "bcc": ["hidden@example.org"],
        "subject": "Grüße",
        "html": "<p>Hello <b>there</b></p>",
        "attachments": [{ "filename": "a.txt", "contentType": "text/plain", "data": [104, 105] }],
        "inReplyTo": "<parent@example.org>",
    })))
    .unwrap();
    let message_id = field(&built, "messageId").as_string().unwrap();
    let bytes =
        |name| String::from_utf8(js_sys::Uint8Array::new(&field(&built, name)).to_vec()).unwrap();
    let (sending, keeping) = (bytes("forSending"), bytes("forKeeping"));
    let has_bcc = |m: &str| {
        m.lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:"))
    };
    assert!(!has_bcc(&sending), "{sending}");
    assert!(!sending.contains("hidden@example.org"));
    assert!(
        has_bcc(&keeping) && keeping.contains("hidden@example.org"),
        "{keeping}"
    );
    for copy in [&sending, &keeping] {
        assert!(copy.contains(&format!("<{message_id}>")));
        assert!(copy.contains("In-Reply-To: <parent@example.org>"));
        assert!(copy.contains("multipart/mixed"));
    }
    // Dated now, in the browser's offset.
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let zone = format!(
        "{}{:02}{:02}",
        if offset < 0 { '-' } else { '+' },
        offset.abs() / 60,
        offset.abs() % 60
    );
    let date = sending.lines().find(|l| l.starts_with("Date: ")).unwrap();
    assert!(date.ends_with(&zone), "{date} in {zone}");
    assert_eq!(
        rs(field(&built, "recipients")),
        json!(["second@example.org", "hidden@example.org"])
    );
    let invalid = build_message(js(&json!({ "from": "me", "to": "you@example.org" }))).unwrap_err();
    assert_eq!(code_of(&invalid), "INVALID_ADDRESS");
}

fn web_sys_console(line: &str) {
    wasm_bindgen_test::console_log!("{line}");
}
