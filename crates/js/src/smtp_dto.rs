//! Plain data of the sending API (camelCase) and its TypeScript declarations.

use serde::{Deserialize, Serialize};
use webimap_client::submission::{OnRefused, SendReport};
use webimap_smtp::{Reply, session::RefusedRecipient};

/// `SmtpClient.connect` options: the same fields as `ImapClient.connect`'s.
pub type SmtpConnectOptions = crate::dto::ConnectOptions;

/// `send` options.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SendOptions {
    /// What to do when the server refuses some recipients.
    pub on_refused: OnRefusedInput,
}

/// `"abort"` (the default: nothing is sent, the error lists the refused) or
/// `"sendToAccepted"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnRefusedInput {
    /// Send nothing.
    #[default]
    Abort,
    /// Send to the accepted recipients; the result lists the refused.
    SendToAccepted,
}

impl From<OnRefusedInput> for OnRefused {
    fn from(input: OnRefusedInput) -> Self {
        match input {
            OnRefusedInput::Abort => OnRefused::Abort,
            OnRefusedInput::SendToAccepted => OnRefused::SendToAccepted,
        }
    }
}

/// A recipient the server refused, with its reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedDto {
    /// The address.
    pub address: String,
    /// The reply code (550, 450, …).
    pub code: u16,
    /// The enhanced status code (`"5.1.1"`), when the server gave one.
    pub enhanced_code: Option<String>,
    /// The server's words.
    pub message: String,
}

impl RefusedDto {
    /// From the session's structured refusal.
    pub fn from_recipient(refused: &RefusedRecipient) -> Self {
        Self::from_reply(refused.address.to_string(), &refused.reply)
    }

    fn from_reply(address: String, reply: &Reply) -> Self {
        Self {
            address,
            code: reply.code,
            enhanced_code: reply.enhanced.map(|e| e.to_string()),
            message: reply.text.clone(),
        }
    }
}

/// What `send` resolves to (the kept copy is added as a `Uint8Array` by the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendResultDto {
    /// The message's Message-ID, without angle brackets.
    pub message_id: String,
    /// Recipients the server took.
    pub accepted: Vec<String>,
    /// Recipients it refused (only with `onRefused: "sendToAccepted"`).
    pub refused: Vec<RefusedDto>,
}

impl SendResultDto {
    /// The report of a sent message.
    pub fn new(message_id: String, report: &SendReport) -> Self {
        Self {
            message_id,
            accepted: report.accepted.clone(),
            refused: report
                .refused
                .iter()
                .map(RefusedDto::from_recipient)
                .collect(),
        }
    }
}

/// TypeScript declarations of the sending API's objects.
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** As for ImapClient: 465 with "tls", 587 with "starttls". */
export type SmtpConnectOptions = ConnectOptions;
/** "Ann <ann@example.org>", "ann@example.org" (a string may list several, comma-separated), or parts. */
export type AddressInput = string | { name?: string; address: string };
export interface OutgoingAttachment { filename: string; contentType?: string; data: Uint8Array | ArrayBuffer | number[] }
export interface InlineImage { contentId: string; contentType: string; data: Uint8Array | ArrayBuffer | number[] }
export interface OutgoingMessage {
  from: AddressInput; to?: AddressInput | AddressInput[]; cc?: AddressInput | AddressInput[];
  bcc?: AddressInput | AddressInput[]; subject?: string;
  /** Plain text (sent as format=flowed); ignored when html is given. */
  text?: string;
  /** HTML; the plain-text alternative is made from it. */
  html?: string; inlineImages?: InlineImage[];
  attachments?: OutgoingAttachment[];
  /** The Message-ID replied to; references: the thread's, oldest first. */
  inReplyTo?: string; references?: string[];
}
export interface SendOptions { onRefused?: "abort" | "sendToAccepted" }
export interface RefusedRecipient { address: string; code: number; enhancedCode?: string; message: string }
export interface SendResult {
  messageId: string; accepted: string[]; refused: RefusedRecipient[];
  /** The message as sent plus its Bcc header: what to keep in the Sent folder. */
  forKeeping: Uint8Array;
}
export interface BuiltMessage {
  messageId: string;
  /** What goes over SMTP: no Bcc header. */
  forSending: Uint8Array;
  /** What to keep in Drafts or Sent: with the Bcc header. */
  forKeeping: Uint8Array;
  /** The envelope recipients (To, Cc and Bcc, each once). */
  recipients: string[];
}
/** Errors of SmtpClient and buildMessage: an Error with a stable code. */
export interface SmtpError extends Error {
  code: "AUTH_FAILED" | "RECIPIENTS_REFUSED" | "MESSAGE_TOO_BIG" | "TRY_AGAIN_LATER"
    | "OUTCOME_UNKNOWN" | "TLS" | "CONNECT" | "INVALID_ADDRESS" | "SENDER_REFUSED"
    | "MESSAGE_REFUSED" | "NOT_SIGNED_IN" | "INSECURE" | "UNSUPPORTED" | "IO" | "CLOSED"
    | "TIMEOUT" | "SERVER_NO" | "PROTOCOL" | "INVALID" | "UNEXPECTED";
  /** With RECIPIENTS_REFUSED (and TRY_AGAIN_LATER for recipients): who and why. */
  refused?: RefusedRecipient[];
  /** With INVALID_ADDRESS: the address as given. */
  address?: string;
  /** From `send`, once the message was built (above all with OUTCOME_UNKNOWN: look for
   *  this Message-ID before sending again). */
  messageId?: string;
  /** From `send`, once the message was built: the copy to keep (with Bcc). */
  forKeeping?: Uint8Array;
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_carry_the_reply_as_data() {
        let reply = webimap_smtp::Reply {
            code: 550,
            enhanced: Some(webimap_smtp::EnhancedCode {
                class: 5,
                subject: 1,
                detail: 1,
            }),
            text: "<nobody@webimap.test> User doesn't exist".into(),
        };
        let refused = RefusedDto::from_reply("nobody@webimap.test".into(), &reply);
        assert_eq!(refused.code, 550);
        assert_eq!(refused.enhanced_code.as_deref(), Some("5.1.1"));
        assert_eq!(refused.message, "<nobody@webimap.test> User doesn't exist");
    }

    #[test]
    fn on_refused_defaults_to_abort() {
        let options: SendOptions =
            serde_json::from_str("{}").expect("an empty object is valid options");
        assert_eq!(options.on_refused, OnRefusedInput::Abort);
        let options: Result<SendOptions, _> =
            serde_json::from_str(r#"{"onRefused":"sendToAccepted"}"#);
        assert!(matches!(
            options.map(|o| o.on_refused),
            Ok(OnRefusedInput::SendToAccepted)
        ));
        assert!(serde_json::from_str::<SendOptions>(r#"{"onRefused":"maybe"}"#).is_err());
    }
}
