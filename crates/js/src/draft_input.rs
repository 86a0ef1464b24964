//! A message as JavaScript describes it (`send` and `buildMessage`), turned into the
//! engine's [`Draft`]. Only conversion: building and checking the MIME is the engine's.

use serde::{Deserialize, Deserializer, de};
use webimap_client::compose::{Attachment, Body, Draft, InlineImage};

use crate::address_input::{AddressInput, AddressListInput, InvalidAddress};

/// A message to send or keep.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageInput {
    /// The sender.
    pub from: AddressInput,
    /// To.
    #[serde(default)]
    pub to: AddressListInput,
    /// Cc.
    #[serde(default)]
    pub cc: AddressListInput,
    /// Bcc: envelope recipients, in no header of the copy sent.
    #[serde(default)]
    pub bcc: AddressListInput,
    /// Subject.
    #[serde(default)]
    pub subject: String,
    /// Plain text (sent as format=flowed). Ignored when `html` is given.
    #[serde(default)]
    pub text: Option<String>,
    /// HTML; the plain-text alternative is made from it.
    #[serde(default)]
    pub html: Option<String>,
    /// Images the HTML shows as `cid:<contentId>`.
    #[serde(default)]
    pub inline_images: Vec<InlineImageInput>,
    /// Attached files.
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
    /// The Message-ID replied to (angle brackets optional).
    #[serde(default)]
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first (angle brackets optional).
    #[serde(default)]
    pub references: Vec<String>,
}

/// An attached file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachmentInput {
    /// The file name.
    pub filename: String,
    /// Its MIME type (default `application/octet-stream`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Its bytes (`Uint8Array`, `ArrayBuffer` or an array of numbers).
    pub data: Bytes,
}

/// An image inside the HTML.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InlineImageInput {
    /// The Content-ID the HTML names as `cid:…` (without angle brackets).
    pub content_id: String,
    /// E.g. `image/png`.
    pub content_type: String,
    /// Its bytes.
    pub data: Bytes,
}

/// Bytes given as a `Uint8Array` (copied once), an `ArrayBuffer` or an array of numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a Uint8Array")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element::<u8>()? {
                    out.push(byte);
                }
                Ok(Bytes(out))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// The MIME type of an attachment whose type is not given.
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

impl MessageInput {
    /// The engine's draft; every address checked.
    pub fn into_draft(self) -> Result<Draft, InvalidAddress> {
        let body = match self.html {
            Some(html) => Body::Html {
                html,
                inline_images: self
                    .inline_images
                    .into_iter()
                    .map(|image| InlineImage {
                        content_id: bare_id(&image.content_id),
                        mime_type: image.content_type,
                        data: image.data.0,
                    })
                    .collect(),
            },
            None => Body::text(self.text.unwrap_or_default()),
        };
        Ok(Draft {
            from: self.from.mailbox()?,
            to: self.to.mailboxes()?,
            cc: self.cc.mailboxes()?,
            bcc: self.bcc.mailboxes()?,
            subject: self.subject,
            body,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    name: a.filename,
                    mime_type: a
                        .content_type
                        .filter(|t| !t.trim().is_empty())
                        .unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_string()),
                    data: a.data.0,
                })
                .collect(),
            in_reply_to: self
                .in_reply_to
                .as_deref()
                .map(bare_id)
                .filter(|id| !id.is_empty()),
            references: self
                .references
                .iter()
                .map(|id| bare_id(id))
                .filter(|id| !id.is_empty())
                .collect(),
        })
    }
}

/// A Message-ID or Content-ID without the angle brackets people often copy with it.
fn bare_id(id: &str) -> String {
    let id = id.trim();
    id.strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id)
        .to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use webimap_client::compose::Mailbox;

    use super::*;

    fn input(value: serde_json::Value) -> MessageInput {
        match serde_json::from_value(value) {
            Ok(input) => input,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_message_becomes_a_draft() {
        let draft = input(json!({
            "from": "Ann <ann@example.org>",
            "to": ["bob@example.org", { "name": "Cy", "address": "cy@example.org" }],
            "cc": "Dee <dee@example.org>, eve@example.org",
            "bcc": { "address": "fay@example.org" },
            "subject": "Hello",
            "text": "Hi\n.\nthere",
            "attachments": [{ "filename": "a.bin", "data": [0, 1, 255] },
                            { "filename": "b.txt", "contentType": "text/plain", "data": [104] }],
            "inReplyTo": "<parent@example.org>",
            "references": ["<root@example.org>", "parent@example.org"],
        }))
        .into_draft();
        let draft = draft.unwrap_or_default();
        assert_eq!(draft.from, Mailbox::new(Some("Ann"), "ann@example.org"));
        assert_eq!(
            draft.to,
            [
                Mailbox::new(None, "bob@example.org"),
                Mailbox::new(Some("Cy"), "cy@example.org")
            ]
        );
        assert_eq!(draft.cc.len(), 2);
        assert_eq!(draft.bcc, [Mailbox::new(None, "fay@example.org")]);
        assert_eq!(draft.body, Body::text("Hi\n.\nthere"));
        assert_eq!(draft.attachments[0].mime_type, "application/octet-stream");
        assert_eq!(draft.attachments[0].data, [0, 1, 255]);
        assert_eq!(draft.attachments[1].mime_type, "text/plain");
        assert_eq!(draft.in_reply_to.as_deref(), Some("parent@example.org"));
        assert_eq!(draft.references, ["root@example.org", "parent@example.org"]);
    }

    #[test]
    fn html_wins_over_text() {
        let draft = input(json!({
            "from": "ann@example.org", "to": "bob@example.org",
            "text": "ignored", "html": "<p>Hi <img src=\"cid:logo\"></p>",
            "inlineImages": [{ "contentId": "<logo>", "contentType": "image/png", "data": [1] }],
        }))
        .into_draft()
        .unwrap_or_default();
        let Body::Html {
            html,
            inline_images,
        } = draft.body
        else {
            panic!("an HTML body");
        };
        assert!(html.contains("cid:logo"));
        assert_eq!(inline_images[0].content_id, "logo");
    }

    #[test]
    fn a_misspelt_field_is_refused_not_ignored() {
        for wrong in [
            json!({ "from": "ann@example.org", "to": "bob@example.org", "Cc": "c@example.org" }),
            json!({ "from": "ann@example.org", "to": "bob@example.org",
                    "attachements": [] }),
            json!({ "from": "ann@example.org", "to": "bob@example.org",
                    "attachments": [{ "fileName": "a.txt", "data": [1] }] }),
        ] {
            assert!(serde_json::from_value::<MessageInput>(wrong).is_err());
        }
    }

    #[test]
    fn a_bad_address_anywhere_is_named() {
        let error = input(json!({
            "from": "ann@example.org", "to": "bob@example.org", "bcc": ["not-an-address"],
        }))
        .into_draft()
        .err();
        assert_eq!(error.map(|e| e.input), Some("not-an-address".to_string()));
        let error = input(json!({ "from": "Ann <ann>", "to": "bob@example.org" }))
            .into_draft()
            .err();
        // The entry as given, and why in words naming the address.
        let error = error.expect("refused");
        assert_eq!(error.input, "Ann <ann>");
        assert!(error.reason.contains("“ann”"), "{}", error.reason);
    }
}
