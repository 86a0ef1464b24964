//! What a reply or a forward needs of the message it answers.
//!
//! The engine's models ([`MessageContent`]) hold From/To/Cc, the subject, the Date and
//! Message-ID, and the text; they do not hold In-Reply-To, References, Reply-To,
//! Mail-Followup-To or Delivered-To. [`OriginalMessage::from_content`] fills what the
//! models know; [`OriginalMessage::from_raw`] reads everything from the message's bytes.
//! For replies that thread and address right without the raw message, the engine's
//! FETCH must add `ENVELOPE` (Reply-To, In-Reply-To) and
//! `BODY.PEEK[HEADER.FIELDS (REFERENCES MAIL-FOLLOWUP-TO DELIVERED-TO)]`.

use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};

use super::address::{Mailbox, from_parsed};
use super::flowed::from_flowed;
use super::{Attachment, ComposeError};
use crate::html_text::html_to_text;
use crate::model::MessageContent;

/// A message as read, for replying to or forwarding it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginalMessage {
    /// Its Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// Its In-Reply-To, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Its References, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// From.
    pub from: Vec<Mailbox>,
    /// Reply-To.
    pub reply_to: Vec<Mailbox>,
    /// To.
    pub to: Vec<Mailbox>,
    /// Cc.
    pub cc: Vec<Mailbox>,
    /// Mail-Followup-To (where a list member asks replies to all to go).
    pub mail_followup_to: Vec<Mailbox>,
    /// Delivered-To addresses (added by the receiving server).
    pub delivered_to: Vec<String>,
    /// The subject, decoded.
    pub subject: String,
    /// The Date header as sent.
    pub date: Option<String>,
    /// The plain text, if the message has some.
    pub text: Option<String>,
    /// The HTML, if the message has some.
    pub html: Option<String>,
    /// Its attachments with their bytes (for a forward; the caller fetches them).
    pub attachments: Vec<Attachment>,
    /// The whole message as received (for forwarding as an attachment).
    pub raw: Option<Vec<u8>>,
}

impl OriginalMessage {
    /// What the engine's model of an opened message holds (see the module's note on what
    /// it lacks); attachments and raw bytes are the caller's to add.
    pub fn from_content(content: &MessageContent) -> Self {
        let summary = &content.summary;
        let mailboxes =
            |list: &[crate::model::EmailAddress]| list.iter().map(Mailbox::from).collect();
        OriginalMessage {
            message_id: summary.message_id.as_deref().map(strip_angles),
            from: mailboxes(&summary.from),
            to: mailboxes(&summary.to),
            cc: mailboxes(&summary.cc),
            subject: summary.subject.clone(),
            date: summary.date.clone(),
            text: content.text.clone(),
            html: content.html.clone(),
            ..OriginalMessage::default()
        }
    }

    /// Everything from the message's bytes (`BODY.PEEK[]`), kept as `raw` too.
    pub fn from_raw(raw: &[u8]) -> Result<Self, ComposeError> {
        let message = MessageParser::default()
            .with_mime_headers()
            .with_address_headers()
            .with_date_headers()
            .with_message_ids()
            .header_text("Subject")
            .header_address("Mail-Followup-To")
            .header_address("Delivered-To")
            .parse(raw)
            .ok_or(ComposeError::NotAMessage)?;
        let text = message
            .text_part(0)
            .filter(|part| matches!(part.body, PartType::Text(_)))
            .map(text_of);
        let html = message.html_part(0).and_then(|part| match &part.body {
            PartType::Html(html) => Some(html.to_string()),
            _ => None,
        });
        let attachments = message
            .attachments()
            // Images the HTML shows by Content-ID belong to the HTML, not to the attachments.
            .filter(|part| {
                part.content_id().is_none()
                    || part
                        .content_disposition()
                        .is_some_and(|d| d.is_attachment())
            })
            .map(|part| Attachment {
                name: part.attachment_name().unwrap_or("attachment").to_string(),
                mime_type: part
                    .content_type()
                    .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or("octet-stream")))
                    .unwrap_or_else(|| "application/octet-stream".to_string()),
                data: part.contents().to_vec(),
            })
            .collect();
        let delivered_to = message
            .header_values("Delivered-To")
            .flat_map(|value| {
                value
                    .as_address()
                    .map(|a| from_parsed(Some(a)))
                    .unwrap_or_default()
            })
            .map(|mailbox| mailbox.address)
            .collect();
        Ok(OriginalMessage {
            message_id: message.message_id().map(strip_angles),
            in_reply_to: message
                .in_reply_to()
                .as_text_list()
                .and_then(|ids| ids.last().map(|id| strip_angles(id)))
                .or_else(|| message.in_reply_to().as_text().map(strip_angles)),
            references: ids(message.references()),
            from: from_parsed(message.from()),
            reply_to: from_parsed(message.reply_to()),
            to: from_parsed(message.to()),
            cc: from_parsed(message.cc()),
            mail_followup_to: from_parsed(
                message
                    .header("Mail-Followup-To")
                    .and_then(|v| v.as_address()),
            ),
            delivered_to,
            subject: message.subject().unwrap_or_default().to_string(),
            date: message.header_raw("Date").map(|d| d.trim().to_string()),
            text,
            html,
            attachments,
            raw: Some(raw.to_vec()),
        })
    }

    /// The text to quote: the plain text, else the HTML as text.
    pub(super) fn quotable_text(&self) -> String {
        match (&self.text, &self.html) {
            (Some(text), _) => text.clone(),
            (None, Some(html)) => html_to_text(html),
            (None, None) => String::new(),
        }
    }

    /// Who wrote it, for attributions: the first From's name or address.
    pub(super) fn author(&self) -> String {
        self.from
            .first()
            .map(|m| m.display().to_string())
            .unwrap_or_else(|| "Unknown sender".to_string())
    }
}

/// A text part's text, format=flowed undone.
pub(super) fn text_of(part: &MessagePart<'_>) -> String {
    let PartType::Text(text) = &part.body else {
        return String::new();
    };
    let content_type = part.content_type();
    let flowed = content_type
        .and_then(|t| t.attribute("format"))
        .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
    if flowed {
        let delsp = content_type
            .and_then(|t| t.attribute("delsp"))
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        from_flowed(text, delsp)
    } else {
        text.replace("\r\n", "\n")
    }
}

/// Message-IDs of a header parsed as one or a list.
pub(super) fn ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match (value.as_text_list(), value.as_text()) {
        (Some(list), _) => list.iter().map(|id| strip_angles(id)).collect(),
        (None, Some(one)) => vec![strip_angles(one)],
        (None, None) => Vec::new(),
    }
}

/// `id` without surrounding spaces and angle brackets.
pub(super) fn strip_angles(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmailAddress, MessageSummary};

    const RAW: &[u8] = b"From: Bob <bob@example.org>\r\n\
Reply-To: Bob Private <bob@home.example>\r\n\
To: Ann <ann@example.com>, list@lists.example\r\n\
Cc: Carol <carol@example.net>\r\n\
Mail-Followup-To: list@lists.example\r\n\
Delivered-To: ann+work@example.com\r\n\
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\
Date: Thu, 03 Dec 2026 10:00:00 +0100\r\n\
Message-ID: <m3@example.org>\r\n\
In-Reply-To: <m2@example.org>\r\n\
References: <m1@example.org> <m2@example.org>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello Ann\r\n";

    #[test]
    fn reads_what_replies_need_from_the_bytes() {
        let original = OriginalMessage::from_raw(RAW).expect("parses");
        assert_eq!(original.message_id.as_deref(), Some("m3@example.org"));
        assert_eq!(original.in_reply_to.as_deref(), Some("m2@example.org"));
        assert_eq!(original.references, ["m1@example.org", "m2@example.org"]);
        assert_eq!(
            original.reply_to,
            [Mailbox::new(Some("Bob Private"), "bob@home.example")]
        );
        assert_eq!(
            original.mail_followup_to,
            [Mailbox::new(None, "list@lists.example")]
        );
        assert_eq!(original.delivered_to, ["ann+work@example.com"]);
        assert_eq!(original.to.len(), 2);
        assert_eq!(original.subject, "Grüße");
        assert_eq!(
            original.date.as_deref(),
            Some("Thu, 03 Dec 2026 10:00:00 +0100")
        );
        assert_eq!(original.text.as_deref(), Some("Hello Ann\n"));
        assert_eq!(original.raw.as_deref(), Some(RAW));
    }

    #[test]
    fn flowed_text_is_unflowed() {
        let raw = b"From: bob@example.org\r\n\
Content-Type: text/plain; charset=utf-8; format=flowed\r\n\
\r\n\
A soft \r\nbreak\r\n> quoted \r\n> on\r\n";
        let original = OriginalMessage::from_raw(raw).expect("parses");
        assert_eq!(
            original.text.as_deref(),
            Some("A soft break\n> quoted on\n")
        );
    }

    #[test]
    fn not_a_message_is_an_error() {
        assert_eq!(
            OriginalMessage::from_raw(b""),
            Err(ComposeError::NotAMessage)
        );
    }

    #[test]
    fn from_the_model() {
        let content = MessageContent {
            summary: MessageSummary {
                subject: "Hi".into(),
                message_id: Some("<x@y>".into()),
                from: vec![EmailAddress {
                    name: Some("Bob".into()),
                    email: "bob@example.org".into(),
                }],
                ..MessageSummary::default()
            },
            html: Some("<p>Hi &amp; bye</p>".into()),
            ..MessageContent::default()
        };
        let original = OriginalMessage::from_content(&content);
        assert_eq!(original.message_id.as_deref(), Some("x@y"));
        assert_eq!(original.author(), "Bob");
        assert_eq!(original.quotable_text().trim(), "Hi & bye");
    }
}
