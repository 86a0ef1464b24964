//! The JavaScript API: `ImapClient` and `IdleHandle` (wasm32 only).

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use futures::{FutureExt, channel::oneshot, future, lock::Mutex};
use js_sys::{Function, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use webimap_client::{
    AuthMechanism, Client, ClientError, ConnectOptions as ClientOptions, Credentials, Security,
    proto::types::{
        command::{SearchKey, Section, StoreAction},
        core::Flag,
        mailbox::MailboxName,
        sequence::SequenceSet,
    },
    sync::{MailboxEvent, MailboxModel},
    tls,
    transport::ws::{self, WsTransport},
};

use crate::{
    dto::{ConnectOptions, FolderDto, SearchQuery},
    error::{invalid, to_js_error},
};

/// How long one IDLE may last before it is renewed (servers drop it at about 30 minutes).
const IDLE_RENEW_MS: u32 = 25 * 60 * 1000;

struct Shared {
    client: Mutex<Client<WsTransport>>,
    /// The selected mailbox's model, kept current by `idle`.
    model: RefCell<Option<MailboxModel>>,
    /// Calls waiting for the connection: IDLE yields to them.
    waiting: Cell<u32>,
    /// Ends the IDLE in progress (sends DONE).
    wake_idle: RefCell<Option<oneshot::Sender<()>>>,
}

impl Shared {
    fn wake_idle(&self) {
        if let Some(tx) = self.wake_idle.borrow_mut().take() {
            let _ = tx.send(());
        }
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid(&e.to_string()))
}

fn mailbox(name: &str) -> Result<MailboxName, JsValue> {
    MailboxName::from_wire(name.as_bytes().to_vec())
        .map_err(|_| invalid("folder names cannot contain CR, LF or NUL"))
}

fn uid_set(uids: &[u32]) -> Result<SequenceSet, JsValue> {
    SequenceSet::from_numbers(uids.iter().copied()).map_err(|e| invalid(&e.to_string()))
}

/// An IMAP session from the browser.
#[wasm_bindgen]
pub struct ImapClient {
    shared: Rc<Shared>,
}

impl std::fmt::Debug for ImapClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImapClient")
    }
}

impl ImapClient {
    /// Runs `f` with the connection, ending IDLE first if it is running.
    async fn run<T>(
        &self,
        f: impl AsyncFnOnce(
            &mut Client<WsTransport>,
            &RefCell<Option<MailboxModel>>,
        ) -> Result<T, ClientError>,
    ) -> Result<T, JsValue> {
        let shared = &self.shared;
        shared.waiting.set(shared.waiting.get() + 1);
        shared.wake_idle();
        let mut client = shared.client.lock().await;
        shared.waiting.set(shared.waiting.get().saturating_sub(1));
        f(&mut client, &shared.model)
            .await
            .map_err(|e| to_js_error(&e))
    }
}

#[wasm_bindgen]
impl ImapClient {
    /// Opens a session: WebSocket to the relay, then TLS / STARTTLS / nothing, then the
    /// greeting.
    pub async fn connect(
        #[wasm_bindgen(unchecked_param_type = "ConnectOptions")] options: JsValue,
    ) -> Result<ImapClient, JsValue> {
        let options: ConnectOptions = serde_wasm_bindgen::from_value(options)
            .map_err(|e| invalid(&format!("connect options: {e}")))?;
        let security = match options.security.as_str() {
            "tls" => Security::Tls,
            "starttls" => Security::StartTls,
            "none" => Security::None,
            other => {
                return Err(invalid(&format!(
                    "security must be tls, starttls or none, not {other:?}"
                )));
            }
        };
        let mut client_options = ClientOptions::new(options.host.clone(), security);
        client_options.allow_plaintext_password = options.allow_plaintext_password;
        if let Some(pem) = &options.ca_pem {
            client_options.tls = Some(tls::client_config(Some(pem)).map_err(|e| to_js_error(&e))?);
        }
        let stream = ws::connect(&options.relay_url, &options.host, options.port)
            .map_err(|e| to_js_error(&e))?;
        let client = Client::open(stream, &client_options)
            .await
            .map_err(|e| to_js_error(&e))?;
        Ok(ImapClient {
            shared: Rc::new(Shared {
                client: Mutex::new(client),
                model: RefCell::new(None),
                waiting: Cell::new(0),
                wake_idle: RefCell::new(None),
            }),
        })
    }

    /// Logs in with a password by the strongest mechanism offered; resolves to its name.
    pub async fn login(&self, username: String, password: String) -> Result<String, JsValue> {
        let credentials = Credentials::Password { username, password };
        let used = self
            .run(async |c, _| c.authenticate(&credentials, AuthMechanism::Auto).await)
            .await?;
        Ok(format!("{used:?}"))
    }

    /// Logs in with an OAuth 2.0 access token (OAUTHBEARER or XOAUTH2).
    #[wasm_bindgen(js_name = loginOAuth2)]
    pub async fn login_oauth2(&self, username: String, token: String) -> Result<String, JsValue> {
        let credentials = Credentials::OAuth2 { username, token };
        let used = self
            .run(async |c, _| c.authenticate(&credentials, AuthMechanism::Auto).await)
            .await?;
        Ok(format!("{used:?}"))
    }

    /// The server's capabilities.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub async fn capabilities(&self) -> Result<JsValue, JsValue> {
        let caps = self
            .run(async |c, _| {
                Ok(c.capabilities()
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect::<Vec<_>>())
            })
            .await?;
        to_js(&caps)
    }

    /// All folders (INBOX first, then special-use ones), with counts where the server
    /// gives them in the same round trip.
    #[wasm_bindgen(unchecked_return_type = "Folder[]")]
    pub async fn list(&self) -> Result<JsValue, JsValue> {
        let folders = self.run(async |c, _| c.list_folders().await).await?;
        to_js(&folders.iter().map(FolderDto::from).collect::<Vec<_>>())
    }

    /// Opens a folder (by `Folder.name`), resynchronising what this client knew of it.
    #[wasm_bindgen(unchecked_return_type = "MailboxInfo")]
    pub async fn select(&self, name: String) -> Result<JsValue, JsValue> {
        let name = mailbox(&name)?;
        let info = self
            .run(async |c, model| {
                let cached = model.borrow_mut().take();
                let (fresh, _) = c.open_mailbox(&name, cached).await?;
                model.replace(Some(fresh));
                c.selected_info()
            })
            .await?;
        to_js(&info)
    }

    /// Summaries of messages by UID (all messages when `uids` is omitted).
    #[wasm_bindgen(js_name = fetchSummaries, unchecked_return_type = "MessageSummary[]")]
    pub async fn fetch_summaries(&self, uids: Option<Vec<u32>>) -> Result<JsValue, JsValue> {
        let set = match uids {
            Some(u) => uid_set(&u)?,
            None => SequenceSet::all(),
        };
        let summaries = self.run(async |c, _| c.fetch_summaries(set).await).await?;
        to_js(&summaries)
    }

    /// Just UID, flags and envelope of messages (all when `uids` is omitted): the
    /// lightest sync of a big folder.
    #[wasm_bindgen(js_name = fetchHeaders, unchecked_return_type = "MessageSummary[]")]
    pub async fn fetch_headers(&self, uids: Option<Vec<u32>>) -> Result<JsValue, JsValue> {
        let set = match uids {
            Some(u) => uid_set(&u)?,
            None => SequenceSet::all(),
        };
        let headers = self.run(async |c, _| c.fetch_headers(set).await).await?;
        to_js(&headers)
    }

    /// Turns on COMPRESS=DEFLATE when the server offers it; resolves to whether it is on.
    #[wasm_bindgen(js_name = enableCompression)]
    pub async fn enable_compression(&self) -> Result<bool, JsValue> {
        self.run(async |c, _| c.enable_compression().await).await
    }

    /// Bytes `[sent, received]` on this connection so far (compressed where COMPRESS is on).
    #[wasm_bindgen(js_name = bytesTransferred, unchecked_return_type = "[number, number]")]
    pub async fn bytes_transferred(&self) -> Result<JsValue, JsValue> {
        let (sent, received) = self.run(async |c, _| Ok(c.bytes_transferred())).await?;
        to_js(&(sent, received))
    }

    /// A message for reading: headers, decoded text, HTML (unsanitised!), attachments.
    #[wasm_bindgen(js_name = fetchMessage, unchecked_return_type = "MessageContent")]
    pub async fn fetch_message(&self, uid: u32) -> Result<JsValue, JsValue> {
        let content = self.run(async |c, _| c.fetch_message(uid).await).await?;
        to_js(&content)
    }

    /// One part's raw content (`section` like `"1.2"`; `""` for the whole message), or a
    /// byte range of it.
    #[wasm_bindgen(js_name = fetchPart)]
    pub async fn fetch_part(
        &self,
        uid: u32,
        section: String,
        offset: Option<u32>,
        length: Option<u32>,
    ) -> Result<Uint8Array, JsValue> {
        let part = section
            .split('.')
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<u32>()
                    .map_err(|_| invalid("section must be part numbers like 1.2"))
            })
            .collect::<Result<Vec<u32>, JsValue>>()?;
        let partial = match (offset, length) {
            (Some(o), Some(l)) => Some((o, l)),
            (None, None) => None,
            _ => return Err(invalid("give both offset and length, or neither")),
        };
        let section = Section::part(part).map_err(|e| invalid(&e.to_string()))?;
        let bytes = self
            .run(async |c, _| c.fetch_part(uid, section, partial).await)
            .await?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// UIDs matching every given criterion.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub async fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let q: SearchQuery = serde_wasm_bindgen::from_value(query)
            .map_err(|e| invalid(&format!("search query: {e}")))?;
        let mut keys = Vec::new();
        let text = |f: fn(String) -> SearchKey, v: Option<String>, keys: &mut Vec<SearchKey>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                keys.push(f(v));
            }
        };
        text(SearchKey::Text, q.text, &mut keys);
        text(SearchKey::Subject, q.subject, &mut keys);
        text(SearchKey::From, q.from, &mut keys);
        text(SearchKey::To, q.to, &mut keys);
        text(SearchKey::Body, q.body, &mut keys);
        if let Some(seen) = q.seen {
            keys.push(if seen {
                SearchKey::Seen
            } else {
                SearchKey::Unseen
            });
        }
        if let Some(flagged) = q.flagged {
            keys.push(if flagged {
                SearchKey::Flagged
            } else {
                SearchKey::Unflagged
            });
        }
        let uids = self.run(async |c, _| c.search(keys).await).await?;
        to_js(&uids)
    }

    /// Adds (`"add"`), removes (`"remove"`) or sets (`"replace"`) flags (`"\\Seen"`,
    /// `"\\Flagged"`, keywords).
    pub async fn store(
        &self,
        uids: Vec<u32>,
        action: String,
        flags: Vec<String>,
    ) -> Result<(), JsValue> {
        let action = match action.as_str() {
            "add" => StoreAction::Add,
            "remove" => StoreAction::Remove,
            "replace" => StoreAction::Replace,
            _ => return Err(invalid("action must be add, remove or replace")),
        };
        let flags: Vec<Flag> = flags
            .iter()
            .map(|f| Flag::from_wire(f.as_bytes()))
            .collect();
        self.run(async |c, _| c.store_flags(&uids, action, flags).await.map(|_| ()))
            .await
    }

    /// Moves messages to a folder (by `Folder.name`).
    #[wasm_bindgen(js_name = "move")]
    pub async fn move_messages(&self, uids: Vec<u32>, target: String) -> Result<(), JsValue> {
        let target = mailbox(&target)?;
        self.run(async |c, _| c.move_messages(&uids, &target).await.map(|_| ()))
            .await
    }

    /// Copies messages to a folder.
    pub async fn copy(&self, uids: Vec<u32>, target: String) -> Result<(), JsValue> {
        let target = mailbox(&target)?;
        self.run(async |c, _| c.copy_messages(&uids, &target).await.map(|_| ()))
            .await
    }

    /// Deletes messages for good (UID EXPUNGE of exactly these).
    pub async fn delete(&self, uids: Vec<u32>) -> Result<(), JsValue> {
        self.run(async |c, _| c.delete_messages(&uids).await).await
    }

    /// Appends a message; resolves to its UID when the server says (UIDPLUS).
    pub async fn append(
        &self,
        folder: String,
        message: Vec<u8>,
        flags: Option<Vec<String>>,
    ) -> Result<Option<u32>, JsValue> {
        let folder = mailbox(&folder)?;
        let flags: Vec<Flag> = flags
            .unwrap_or_default()
            .iter()
            .map(|f| Flag::from_wire(f.as_bytes()))
            .collect();
        let appended = self
            .run(async |c, _| c.append(&folder, message, flags, None).await)
            .await?;
        Ok(appended.map(|a| a.uid))
    }

    /// Watches the selected folder: `onEvent` gets each change (`MailboxEvent`) as it
    /// happens (IDLE, renewed every 25 minutes; NOOP polling every 30 s without IDLE). Other
    /// calls interrupt it and it resumes after them. Stop it with the returned handle.
    pub fn idle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: MailboxEvent) => void")] on_event: Function,
    ) -> IdleHandle {
        let stopped = Rc::new(Cell::new(false));
        let shared = self.shared.clone();
        let flag = stopped.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let emit = |event: &MailboxEvent| {
                if let Ok(value) = to_js(event) {
                    let _ = on_event.call1(&JsValue::NULL, &value);
                }
            };
            while !flag.get() {
                // Calls waiting for the connection go first.
                while shared.waiting.get() > 0 {
                    gloo_timers::future::TimeoutFuture::new(5).await;
                }
                let mut client = shared.client.lock().await;
                if shared.waiting.get() > 0 || flag.get() {
                    continue;
                }
                let Some(mut model) = shared.model.borrow_mut().take() else {
                    let _ =
                        on_event.call1(&JsValue::NULL, &JsValue::from_str("no folder is selected"));
                    break;
                };
                let (tx, rx) = oneshot::channel::<()>();
                shared.wake_idle.replace(Some(tx));
                let renew = if client.supports("IDLE") {
                    IDLE_RENEW_MS
                } else {
                    30_000
                };
                let stop =
                    future::select(rx, gloo_timers::future::TimeoutFuture::new(renew)).map(|_| ());
                let result = client.watch(&mut model, stop, |e| emit(&e)).await;
                shared.model.replace(Some(model));
                shared.wake_idle.replace(None);
                drop(client);
                if let Err(e) = result {
                    let _ = on_event.call1(&JsValue::NULL, &to_js_error(&e));
                    break;
                }
            }
        });
        IdleHandle {
            stopped,
            shared: self.shared.clone(),
        }
    }

    /// Logs out and closes the connection.
    pub async fn logout(&self) -> Result<(), JsValue> {
        self.run(async |c, _| c.logout().await).await
    }
}

/// Stops an `idle` watch.
#[wasm_bindgen]
pub struct IdleHandle {
    stopped: Rc<Cell<bool>>,
    shared: Rc<Shared>,
}

impl std::fmt::Debug for IdleHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdleHandle")
    }
}

#[wasm_bindgen]
impl IdleHandle {
    /// Ends the watch (IDLE gets its DONE).
    pub fn stop(&self) {
        self.stopped.set(true);
        self.shared.wake_idle();
    }
}
