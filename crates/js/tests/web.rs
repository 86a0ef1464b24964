//! The JavaScript API in headless Chromium, through the real relay to the real Dovecot,
//! with TLS in the page. `cargo xtask test` starts both and passes their addresses at
//! compile time (WEBIMAP_TEST_*).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::{cell::RefCell, rc::Rc};

use serde_json::{Value, json};
use wasm_bindgen::{JsValue, prelude::Closure};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use webimap_js::ImapClient;

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
