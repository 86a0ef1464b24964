//! The JavaScript API: `ImapClient` and `IdleHandle` (wasm32 only).

use std::{cell::Cell, rc::Rc};

use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;
use webimap_client::{
    Account, AuthMechanism, Client, ClientError, ConnectOptions as ClientOptions, Credentials,
    account::Change,
    proto::types::{
        command::{SearchKey, Section, StoreAction},
        core::Flag,
        mailbox::MailboxName,
        sequence::SequenceSet,
    },
    tls,
    transport::ws::{self, WsTransport},
};

use crate::{
    dto::{ConnectOptions, FolderDto, SearchQuery},
    error::{invalid, to_js, to_js_error},
};

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
    account: Account<WsTransport>,
}

impl std::fmt::Debug for ImapClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImapClient")
    }
}

impl ImapClient {
    /// Runs `f` on the connection (the engine ends a running IDLE first).
    async fn run<T>(
        &self,
        f: impl AsyncFnOnce(&mut Client<WsTransport>) -> Result<T, ClientError>,
    ) -> Result<T, JsValue> {
        self.account.run(f).await.map_err(|e| to_js_error(&e))
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
        let mut client_options = ClientOptions::new(options.host.clone(), options.security);
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
            account: Account::new(client),
        })
    }

    /// Logs in with a password by the strongest mechanism offered; resolves to its name.
    pub async fn login(&self, username: String, password: String) -> Result<String, JsValue> {
        let credentials = Credentials::Password { username, password };
        let used = self
            .run(async |c| c.authenticate(&credentials, AuthMechanism::Auto).await)
            .await?;
        Ok(format!("{used:?}"))
    }

    /// Logs in with an OAuth 2.0 access token (OAUTHBEARER or XOAUTH2).
    #[wasm_bindgen(js_name = loginOAuth2)]
    pub async fn login_oauth2(&self, username: String, token: String) -> Result<String, JsValue> {
        let credentials = Credentials::OAuth2 { username, token };
        let used = self
            .run(async |c| c.authenticate(&credentials, AuthMechanism::Auto).await)
            .await?;
        Ok(format!("{used:?}"))
    }

    /// The server's capabilities.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub async fn capabilities(&self) -> Result<JsValue, JsValue> {
        let caps = self
            .run(async |c| {
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
        let folders = self.run(async |c| c.list_folders().await).await?;
        to_js(&folders.iter().map(FolderDto::from).collect::<Vec<_>>())
    }

    /// Opens a folder (by `Folder.name`), resynchronising what this client knew of it.
    #[wasm_bindgen(unchecked_return_type = "MailboxInfo")]
    pub async fn select(&self, name: String) -> Result<JsValue, JsValue> {
        let name = mailbox(&name)?;
        let (opened, _) = self
            .account
            .open_tracked(&name)
            .await
            .map_err(|e| to_js_error(&e))?;
        to_js(&opened.info)
    }

    /// Summaries of messages by UID (all messages when `uids` is omitted).
    #[wasm_bindgen(js_name = fetchSummaries, unchecked_return_type = "MessageSummary[]")]
    pub async fn fetch_summaries(&self, uids: Option<Vec<u32>>) -> Result<JsValue, JsValue> {
        let set = match uids {
            Some(u) => uid_set(&u)?,
            None => SequenceSet::all(),
        };
        let summaries = self.run(async |c| c.fetch_summaries(set).await).await?;
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
        let headers = self.run(async |c| c.fetch_headers(set).await).await?;
        to_js(&headers)
    }

    /// Turns on COMPRESS=DEFLATE when the server offers it; resolves to whether it is on.
    #[wasm_bindgen(js_name = enableCompression)]
    pub async fn enable_compression(&self) -> Result<bool, JsValue> {
        self.run(async |c| c.enable_compression().await).await
    }

    /// Bytes `[sent, received]` on this connection so far (compressed where COMPRESS is on).
    #[wasm_bindgen(js_name = bytesTransferred, unchecked_return_type = "[number, number]")]
    pub async fn bytes_transferred(&self) -> Result<JsValue, JsValue> {
        let (sent, received) = self.run(async |c| Ok(c.bytes_transferred())).await?;
        to_js(&(sent, received))
    }

    /// A message for reading: headers, decoded text, HTML (unsanitised!), attachments.
    #[wasm_bindgen(js_name = fetchMessage, unchecked_return_type = "MessageContent")]
    pub async fn fetch_message(&self, uid: u32) -> Result<JsValue, JsValue> {
        let content = self.run(async |c| c.fetch_message(uid).await).await?;
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
            .run(async |c| c.fetch_part(uid, section, partial).await)
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
        let uids = self.run(async |c| c.search(keys).await).await?;
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
        self.run(async |c| c.store_flags(&uids, action, flags).await.map(|_| ()))
            .await
    }

    /// Moves messages to a folder (by `Folder.name`).
    #[wasm_bindgen(js_name = "move")]
    pub async fn move_messages(&self, uids: Vec<u32>, target: String) -> Result<(), JsValue> {
        let target = mailbox(&target)?;
        self.run(async |c| c.move_messages(&uids, &target).await.map(|_| ()))
            .await
    }

    /// Copies messages to a folder.
    pub async fn copy(&self, uids: Vec<u32>, target: String) -> Result<(), JsValue> {
        let target = mailbox(&target)?;
        self.run(async |c| c.copy_messages(&uids, &target).await.map(|_| ()))
            .await
    }

    /// Deletes messages for good (UID EXPUNGE of exactly these).
    pub async fn delete(&self, uids: Vec<u32>) -> Result<(), JsValue> {
        self.run(async |c| c.delete_messages(&uids).await).await
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
            .run(async |c| c.append(&folder, message, flags, None).await)
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
        let account = self.account.clone();
        let flag = stopped.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let mut emit = |change: Change| {
                if let Change::Mailbox(event) = change
                    && let Ok(value) = to_js(&event)
                {
                    let _ = on_event.call1(&JsValue::NULL, &value);
                }
            };
            while !flag.get() {
                let Some(generation) = account.watched_generation().await else {
                    let _ = on_event.call1(&JsValue::NULL, &invalid("no folder is selected"));
                    break;
                };
                // Over (another folder was selected: the watch follows it, or it was
                // stopped) and Reset (the folder was replaced) both go round again.
                if let Err(e) = account.watch(generation, &mut emit).await {
                    let _ = on_event.call1(&JsValue::NULL, &to_js_error(&e));
                    break;
                }
            }
        });
        IdleHandle {
            stopped,
            account: self.account.clone(),
        }
    }

    /// Logs out and closes the connection.
    pub async fn logout(&self) -> Result<(), JsValue> {
        self.account.sign_out(LOGOUT_TIMEOUT).await;
        Ok(())
    }
}

/// How long the server may take to acknowledge LOGOUT.
const LOGOUT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Stops an `idle` watch.
#[wasm_bindgen]
pub struct IdleHandle {
    stopped: Rc<Cell<bool>>,
    account: Account<WsTransport>,
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
        let account = self.account.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // Errors mean the session ended, which stops the watch too.
            let _ = account.stop_watching().await;
        });
    }
}
