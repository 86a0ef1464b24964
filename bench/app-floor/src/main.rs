//! The floor of the webmail's size: the least a Yew app that signs in over TLS and lists a
//! folder's subjects has to ship (see Cargo.toml and bench/app-floor.sh). Its one rule: do
//! nothing beyond that, so that its size is the architecture's, not a feature's.
#![forbid(unsafe_code)]

use yew::prelude::*;

#[function_component]
fn App() -> Html {
    let subjects = use_state(Vec::<String>::new);
    let onclick = {
        let subjects = subjects.clone();
        Callback::from(move |_| {
            let subjects = subjects.clone();
            wasm_bindgen_futures::spawn_local(async move {
                subjects.set(load().await);
            });
        })
    };
    html! {
        <main>
            <button {onclick}>{ "Sign in" }</button>
            <ul>{ for subjects.iter().map(|s| html! { <li>{ s }</li> }) }</ul>
        </main>
    }
}

#[cfg(feature = "imap")]
async fn load() -> Vec<String> {
    use webimap_client::{
        Client, ConnectOptions, Security, proto::types::mailbox::MailboxName, transport::ws,
    };
    let result = async {
        let stream = ws::connect("ws://127.0.0.1:8080", "imap.example.com", 993)?;
        let options = ConnectOptions::new("imap.example.com", Security::Tls);
        let mut client = Client::open(stream, &options).await?;
        client.login("user", "password").await?;
        let info = client.select(&MailboxName::inbox()).await?;
        let summaries = client.fetch_newest_summaries(info.exists, 50).await?;
        Ok::<_, webimap_client::ClientError>(summaries.into_iter().map(|s| s.subject).collect())
    }
    .await;
    result.unwrap_or_else(|e| vec![e.to_string()])
}

#[cfg(all(feature = "tls", not(feature = "imap")))]
async fn load() -> Vec<String> {
    use futures_util::AsyncReadExt as _;
    use webimap_client::{tls, transport::ws};
    let result = async {
        let stream = ws::connect("ws://127.0.0.1:8080", "imap.example.com", 993)?;
        let config = tls::client_config(None)?;
        let mut tls = tls::handshake(stream, "imap.example.com", config).await?;
        let mut greeting = vec![0; 512];
        let n = tls
            .read(&mut greeting)
            .await
            .map_err(|e| webimap_client::ClientError::Tls(e.to_string()))?;
        Ok::<_, webimap_client::ClientError>(vec![
            String::from_utf8_lossy(&greeting[..n]).into_owned(),
        ])
    }
    .await;
    result.unwrap_or_else(|e| vec![e.to_string()])
}

#[cfg(not(any(feature = "imap", feature = "tls")))]
async fn load() -> Vec<String> {
    vec!["no IMAP in this build".to_owned()]
}

fn main() {
    yew::Renderer::<App>::new().render();
}
