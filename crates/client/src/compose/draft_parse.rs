//! A draft saved on the server (its kept serialisation, Bcc included) read back into a
//! [`Draft`] for editing, with mail-parser.

use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

use super::address::from_parsed;
use super::original::{ids, text_of};
use super::{Attachment, Body, ComposeError, Draft, InlineImage};

/// The draft `raw` holds: addresses, subject, threading, body, inline images and
/// attachments. A draft written elsewhere reads as well as the parts it has allow.
pub fn parse_draft(raw: &[u8]) -> Result<Draft, ComposeError> {
    let message = MessageParser::default()
        .with_mime_headers()
        .with_address_headers()
        .with_date_headers()
        .with_message_ids()
        .header_text("Subject")
        .parse(raw)
        .ok_or(ComposeError::NotAMessage)?;
    let html = message.html_part(0).and_then(|part| match &part.body {
        PartType::Html(html) => Some(html.to_string()),
        _ => None,
    });
    let mut inline_images = Vec::new();
    let mut attachments = Vec::new();
    for part in message.attachments() {
        let is_attachment = part
            .content_disposition()
            .is_some_and(|d| d.is_attachment());
        match part.content_id() {
            Some(content_id) if html.is_some() && !is_attachment => {
                inline_images.push(InlineImage {
                    content_id: content_id.trim_matches(['<', '>']).to_string(),
                    mime_type: mime_type(part),
                    data: part.contents().to_vec(),
                });
            }
            _ => attachments.push(Attachment {
                name: part.attachment_name().unwrap_or("attachment").to_string(),
                mime_type: mime_type(part),
                data: part.contents().to_vec(),
            }),
        }
    }
    let body = match html {
        Some(html) => Body::Html {
            html,
            inline_images,
        },
        None => Body::text(message.text_part(0).map(text_of).unwrap_or_default()),
    };
    Ok(Draft {
        from: from_parsed(message.from())
            .into_iter()
            .next()
            .unwrap_or_default(),
        to: from_parsed(message.to()),
        cc: from_parsed(message.cc()),
        bcc: from_parsed(message.bcc()),
        subject: message.subject().unwrap_or_default().to_string(),
        body,
        attachments,
        in_reply_to: ids(message.in_reply_to()).pop(),
        references: ids(message.references()),
    })
}

/// `type/subtype` of a part (`application/octet-stream` when unknown).
fn mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(t) => match t.subtype() {
            Some(sub) => format!("{}/{}", t.ctype(), sub).to_ascii_lowercase(),
            None => t.ctype().to_ascii_lowercase(),
        },
        None => "application/octet-stream".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::build::build;
    use crate::compose::build::tests::{inputs, noise, sample};

    fn round_trip(draft: &Draft) {
        let built = build(draft, &inputs()).expect("builds");
        assert_eq!(parse_draft(&built.for_keeping).as_ref(), Ok(draft));
    }

    #[test]
    fn text_draft_round_trips() {
        let mut draft = sample();
        draft.subject = "Grüße — long subject ".repeat(6);
        draft.body = Body::text(format!(
            "Hello,\n\n{}\n> quoted line\n>> deeper\n From stuffing\n\n-- \nAnn",
            "a long paragraph of words ".repeat(12).trim_end()
        ));
        round_trip(&draft);
    }

    #[test]
    fn draft_without_recipients_or_threading_round_trips() {
        let mut draft = sample();
        draft.to.clear();
        draft.cc.clear();
        draft.bcc.clear();
        draft.in_reply_to = None;
        draft.references.clear();
        draft.body = Body::text("");
        round_trip(&draft);
    }

    #[test]
    fn html_draft_with_images_and_attachments_round_trips() {
        let mut draft = sample();
        draft.body = Body::Html {
            html: "<p>See <img src=\"cid:chart.1@example.com\"></p>".into(),
            inline_images: vec![InlineImage {
                content_id: "chart.1@example.com".into(),
                mime_type: "image/png".into(),
                data: noise(3000, 3),
            }],
        };
        draft.attachments = vec![
            Attachment {
                name: "Übersicht März.xlsx".into(),
                mime_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    .into(),
                data: noise(5000, 5),
            },
            Attachment {
                name: "notes.txt".into(),
                mime_type: "text/plain".into(),
                data: b"plain notes\r\nline two".to_vec(),
            },
            Attachment {
                name: "forwarded.eml".into(),
                mime_type: "message/rfc822".into(),
                data: b"From: x@y\r\nSubject: inner\r\n\r\nbody\r\n".to_vec(),
            },
        ];
        round_trip(&draft);
    }

    #[test]
    fn garbage_is_an_error_in_words() {
        let error = parse_draft(b"").expect_err("not a message");
        assert_eq!(
            error.to_string(),
            "the saved draft is not a readable mail message"
        );
    }
}
