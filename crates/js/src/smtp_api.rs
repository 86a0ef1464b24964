//! The JavaScript sending API: `SmtpClient` and `buildMessage` (wasm32 only). Sending is
//! the engine's (`webimap_client::submission`, one connection per message), building is
//! the engine's (`webimap_client::compose`); this file converts and maps errors.

use std::{cell::RefCell, time::Duration};

use futures::{FutureExt, pin_mut, select};
use js_sys::Uint8Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use webimap_client::{
    Credentials,
    compose::{self, BuildInputs, Built, ComposeError},
    submission::{SendReport, Submission, SubmitError, SubmitOptions},
    tls,
    transport::ws::{self, WsTransport},
};

use crate::{
    draft_input::MessageInput,
    error::{coded_error, invalid, set, to_js, to_js_error},
    smtp_dto::{SendOptions, SendResultDto, SmtpConnectOptions},
    submit_error::{Step, invalid_address, submit_to_js_error},
};

/// How long `connect` waits for its check of the server.
const GREETING_WAIT: Duration = Duration::from_secs(30);

#[wasm_bindgen]
extern "C" {
    /// `SendOptions`, as the TypeScript declarations name it (an optional argument).
    #[wasm_bindgen(typescript_type = "SendOptions")]
    pub type SendOptionsObject;
}

/// Sends mail from the browser through a webimap-relay, TLS in the page. Credentials stay
/// in this object's memory only; every `send` opens its own connection.
#[wasm_bindgen]
pub struct SmtpClient {
    relay_url: String,
    options: SubmitOptions,
    credentials: RefCell<Option<Credentials>>,
}

impl std::fmt::Debug for SmtpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpClient")
            .field("options", &self.options)
            .field("signed_in", &self.credentials.borrow().is_some())
            .finish()
    }
}

impl SmtpClient {
    /// `host:port`, for messages.
    fn target(&self) -> String {
        format!("{}:{}", self.options.host, self.options.port)
    }

    /// A WebSocket through the relay to the server.
    fn stream(&self) -> Result<WsTransport, JsValue> {
        ws::connect(&self.relay_url, &self.options.host, self.options.port)
            .map_err(|e| to_js_error(&e))
    }

    /// A signed-in session on a new connection.
    async fn open(&self, credentials: &Credentials) -> Result<Submission<WsTransport>, JsValue> {
        Submission::open(self.stream()?, &self.options, credentials)
            .await
            .map_err(|e| submit_to_js_error(&e, Step::Opening, &self.target()))
    }

    /// Opens, sends `built` from `from`, and says goodbye.
    async fn submit(
        &self,
        credentials: &Credentials,
        from: &str,
        built: &Built,
        options: SendOptions,
    ) -> Result<SendReport, JsValue> {
        let mut submission = self.open(credentials).await?;
        let report = submission
            .send(
                from,
                &built.recipients,
                &built.for_sending,
                options.on_refused.into(),
            )
            .await
            .map_err(|e| self.send_error(&e))?;
        submission.quit().await;
        Ok(report)
    }

    fn send_error(&self, e: &SubmitError) -> JsValue {
        submit_to_js_error(e, Step::Sending, &self.target())
    }

    /// Whether a submission server answers through the relay: the engine's check
    /// (greeting, EHLO, TLS or STARTTLS with the certificate verified, QUIT; no sign-in),
    /// within [`GREETING_WAIT`].
    async fn check_reachable(&self) -> Result<(), JsValue> {
        let check = Submission::check(self.stream()?, &self.options).fuse();
        let timer = gloo_timers::future::sleep(GREETING_WAIT).fuse();
        pin_mut!(check, timer);
        select! {
            result = check => result
                .map_err(|e| submit_to_js_error(&e, Step::Opening, &self.target())),
            () = timer => Err(coded_error(
                "TIMEOUT",
                &format!(
                    "the submission server {} did not answer in time",
                    self.target()
                ),
            )),
        }
    }
}

#[wasm_bindgen]
impl SmtpClient {
    /// Prepares sending through `relayUrl` to `host:port` and checks that the server
    /// answers there as SMTP (relay policy, greeting, EHLO, TLS or STARTTLS with the certificate).
    pub async fn connect(
        #[wasm_bindgen(unchecked_param_type = "SmtpConnectOptions")] options: JsValue,
    ) -> Result<SmtpClient, JsValue> {
        let options: SmtpConnectOptions = serde_wasm_bindgen::from_value(options)
            .map_err(|e| invalid(&format!("connect options: {e}")))?;
        let mut submit = SubmitOptions::new(options.host.clone(), options.port, options.security);
        submit.allow_plaintext_password = options.allow_plaintext_password;
        if let Some(pem) = options.ca_pem.as_deref().filter(|p| !p.trim().is_empty()) {
            submit.tls = Some(tls::client_config(Some(pem)).map_err(|e| to_js_error(&e))?);
        }
        let client = SmtpClient {
            relay_url: options.relay_url,
            options: submit,
            credentials: RefCell::new(None),
        };
        client.check_reachable().await?;
        Ok(client)
    }

    /// Signs in with a password (the strongest mechanism offered) to check it, and keeps
    /// it in memory for `send`.
    pub async fn login(&self, username: String, password: String) -> Result<(), JsValue> {
        self.sign_in(Credentials::Password { username, password })
            .await
    }

    /// Signs in with an OAuth 2.0 access token (OAUTHBEARER or XOAUTH2), and keeps it.
    #[wasm_bindgen(js_name = loginOAuth2)]
    pub async fn login_oauth2(&self, username: String, token: String) -> Result<(), JsValue> {
        self.sign_in(Credentials::OAuth2 { username, token }).await
    }

    /// Checks `credentials` on a connection of their own; keeps them when they work and
    /// forgets any earlier ones when they do not.
    async fn sign_in(&self, credentials: Credentials) -> Result<(), JsValue> {
        self.credentials.replace(None);
        let submission = self.open(&credentials).await?;
        submission.quit().await;
        self.credentials.replace(Some(credentials));
        Ok(())
    }

    /// Builds and sends a message on a connection of its own. Every address is checked
    /// before connecting. A refused recipient fails the send (nothing is sent) unless
    /// `options.onRefused` is `"sendToAccepted"`.
    #[wasm_bindgen(unchecked_return_type = "SendResult")]
    pub async fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OutgoingMessage")] message: JsValue,
        options: Option<SendOptionsObject>,
    ) -> Result<JsValue, JsValue> {
        let options: SendOptions = match options {
            Some(options) => serde_wasm_bindgen::from_value(options.into())
                .map_err(|e| invalid(&format!("send options: {e}")))?,
            None => SendOptions::default(),
        };
        let draft = draft_of(message)?;
        let built = build(&draft)?;
        if built.recipients.is_empty() {
            return Err(invalid("the message has no recipients"));
        }
        let Some(credentials) = self.credentials.borrow().clone() else {
            return Err(coded_error(
                "NOT_SIGNED_IN",
                "sign in (login) before sending",
            ));
        };
        let from = draft.from.address.clone();
        // The message is held twice from here (to send, to keep); not three times.
        drop(draft);
        let report = match self.submit(&credentials, &from, &built, options).await {
            Ok(report) => report,
            Err(error) => {
                // What the caller needs after a failure, above all OUTCOME_UNKNOWN: the
                // Message-ID to look for, and the copy to keep (in Drafts or Sent).
                let _ = set(&error, "messageId", &JsValue::from_str(&built.message_id));
                let _ = set(
                    &error,
                    "forKeeping",
                    &Uint8Array::from(built.for_keeping.as_slice()),
                );
                return Err(error);
            }
        };
        let result = to_js(&SendResultDto::new(built.message_id.clone(), &report))?;
        set(
            &result,
            "forKeeping",
            &Uint8Array::from(built.for_keeping.as_slice()),
        )?;
        Ok(result)
    }

    /// Forgets the credentials (nothing stays open between sends).
    pub fn logout(&self) {
        self.credentials.replace(None);
    }
}

/// Builds a message without sending it: the copy to send (no Bcc) and the copy to keep in
/// Drafts or Sent (with Bcc), one Message-ID.
#[wasm_bindgen(js_name = buildMessage, unchecked_return_type = "BuiltMessage")]
pub fn build_message(
    #[wasm_bindgen(unchecked_param_type = "OutgoingMessage")] message: JsValue,
) -> Result<JsValue, JsValue> {
    let built = build(&draft_of(message)?)?;
    let result = to_js(&Recipients {
        recipients: &built.recipients,
    })?;
    set(&result, "messageId", &JsValue::from_str(&built.message_id))?;
    set(
        &result,
        "forSending",
        &Uint8Array::from(built.for_sending.as_slice()),
    )?;
    set(
        &result,
        "forKeeping",
        &Uint8Array::from(built.for_keeping.as_slice()),
    )?;
    Ok(result)
}

/// `{ recipients }`: the part of a built message that is plain data (the bytes are added
/// as `Uint8Array`s).
#[derive(Serialize)]
struct Recipients<'a> {
    recipients: &'a [String],
}

/// The engine's draft of a JS message; bad addresses named.
fn draft_of(message: JsValue) -> Result<compose::Draft, JsValue> {
    let input: MessageInput =
        serde_wasm_bindgen::from_value(message).map_err(|e| invalid(&format!("message: {e}")))?;
    input.into_draft().map_err(|e| invalid_address(&e))
}

/// Builds `draft` now, in the browser's offset, with a random Message-ID.
fn build(draft: &compose::Draft) -> Result<Built, JsValue> {
    let mut random = [0u8; 16];
    getrandom::getrandom(&mut random)
        .map_err(|_| coded_error("UNEXPECTED", "the browser gave no randomness"))?;
    let now = js_sys::Date::new_0();
    let inputs = BuildInputs {
        unix_time: (now.get_time() / 1000.0).floor() as i64,
        utc_offset_minutes: -(now.get_timezone_offset() as i32),
        random,
    };
    compose::build(draft, &inputs).map_err(|e| match e {
        ComposeError::Address(a) => coded_error("INVALID_ADDRESS", &a.to_string()),
        other => invalid(&other.to_string()),
    })
}
