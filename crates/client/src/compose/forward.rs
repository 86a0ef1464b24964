//! Forwards: inline (the original's text under a "Forwarded message" block, its
//! attachments attached again) or as an attached message (message/rfc822, the original
//! bytes untouched).

use super::address::Mailbox;
use super::original::OriginalMessage;
use super::reply::{body_of, choose_identity, escape_html};
use super::subject::{base_subject, forward_subject};
use super::{Attachment, Body, Draft};

/// How the original travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardMode {
    /// Its text in the body, its attachments attached.
    Inline,
    /// The whole message attached as message/rfc822 (needs `original.raw`; without it
    /// the forward is inline).
    Attached,
}

/// The separator line that opens an inline forward.
const SEPARATOR: &str = "---------- Forwarded message ----------";

/// A forward of `original` from the identity it was addressed to among `identities`,
/// with no recipients yet.
pub fn forward(original: &OriginalMessage, mode: ForwardMode, identities: &[Mailbox]) -> Draft {
    let mut draft = Draft {
        from: choose_identity(original, identities).unwrap_or_default(),
        subject: forward_subject(&original.subject),
        ..Draft::default()
    };
    match (mode, &original.raw) {
        (ForwardMode::Attached, Some(raw)) => {
            let name = base_subject(&original.subject);
            let name = if name.is_empty() { "message" } else { name };
            draft.attachments.push(Attachment {
                name: format!("{}.eml", file_name(name)),
                mime_type: "message/rfc822".into(),
                data: raw.clone(),
            });
        }
        _ => {
            draft.body = inline_body(original);
            draft.attachments = original.attachments.clone();
        }
    }
    draft
}

/// The fields the "Forwarded message" block shows, in order.
fn fields(original: &OriginalMessage) -> Vec<(&'static str, String)> {
    let list = |mailboxes: &[Mailbox]| {
        mailboxes
            .iter()
            .map(|m| match m.display_name() {
                Some(name) => format!("{name} <{}>", m.address),
                None => m.address.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = vec![("From", list(&original.from))];
    if let Some(date) = &original.date {
        out.push(("Date", date.clone()));
    }
    out.push(("Subject", original.subject.clone()));
    out.push(("To", list(&original.to)));
    if !original.cc.is_empty() {
        out.push(("Cc", list(&original.cc)));
    }
    out
}

fn inline_body(original: &OriginalMessage) -> Body {
    let fields = fields(original);
    match &original.html {
        Some(html) => {
            let rows: String = fields
                .iter()
                .map(|(name, value)| format!("{name}: {}<br>\n", escape_html(value)))
                .collect();
            Body::Html {
                html: format!(
                    "<p><br></p>\n<div>{SEPARATOR}<br>\n{rows}</div>\n<br>\n{}\n",
                    body_of(html)
                ),
                inline_images: Vec::new(),
            }
        }
        None => {
            let rows: String = fields
                .iter()
                .map(|(name, value)| format!("{name}: {value}\n"))
                .collect();
            let text = original.quotable_text().replace("\r\n", "\n");
            Body::text(format!("\n\n{SEPARATOR}\n{rows}\n{text}"))
        }
    }
}

/// `name` with characters file systems refuse replaced by `_`.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original() -> OriginalMessage {
        OriginalMessage {
            message_id: Some("m3@example.org".into()),
            from: vec![Mailbox::new(Some("Bob"), "bob@example.org")],
            to: vec![Mailbox::new(None, "ann@example.com")],
            subject: "Re: Plans / 2027".into(),
            date: Some("Thu, 03 Dec 2026 10:00:00 +0100".into()),
            text: Some("See the file.\r\n".into()),
            attachments: vec![Attachment {
                name: "plan.pdf".into(),
                mime_type: "application/pdf".into(),
                data: b"%PDF".to_vec(),
            }],
            raw: Some(
                b"From: bob@example.org\r\nSubject: Re: Plans / 2027\r\n\r\nSee the file.\r\n"
                    .to_vec(),
            ),
            ..OriginalMessage::default()
        }
    }

    fn identities() -> Vec<Mailbox> {
        vec![Mailbox::new(Some("Ann"), "ann@example.com")]
    }

    #[test]
    fn inline_forward_with_block_and_attachments() {
        let draft = forward(&original(), ForwardMode::Inline, &identities());
        assert_eq!(draft.subject, "Fwd: Plans / 2027");
        assert_eq!(draft.from, identities()[0]);
        assert!(draft.to.is_empty() && draft.in_reply_to.is_none());
        assert_eq!(
            draft.body,
            Body::text(
                "\n\n---------- Forwarded message ----------\n\
                 From: Bob <bob@example.org>\n\
                 Date: Thu, 03 Dec 2026 10:00:00 +0100\n\
                 Subject: Re: Plans / 2027\n\
                 To: ann@example.com\n\nSee the file.\n"
            )
        );
        assert_eq!(draft.attachments, original().attachments);
    }

    #[test]
    fn inline_forward_of_html() {
        let mut message = original();
        message.html = Some("<body><p>See &lt;this&gt;</p></body>".into());
        message.from = vec![Mailbox::new(Some("Bob & Co"), "bob@example.org")];
        let Body::Html { html, .. } = forward(&message, ForwardMode::Inline, &identities()).body
        else {
            panic!("an HTML forward");
        };
        assert!(html.contains(SEPARATOR));
        assert!(
            html.contains("From: Bob &amp; Co &lt;bob@example.org&gt;<br>"),
            "{html}"
        );
        assert!(html.contains("<p>See &lt;this&gt;</p>"));
    }

    #[test]
    fn attached_forward_carries_the_original_bytes() {
        let draft = forward(&original(), ForwardMode::Attached, &identities());
        assert_eq!(draft.body, Body::default());
        assert_eq!(draft.attachments.len(), 1);
        assert_eq!(draft.attachments[0].name, "Plans _ 2027.eml");
        assert_eq!(draft.attachments[0].mime_type, "message/rfc822");
        assert_eq!(Some(&draft.attachments[0].data), original().raw.as_ref());
    }

    #[test]
    fn attached_without_raw_bytes_falls_back_to_inline() {
        let mut message = original();
        message.raw = None;
        let draft = forward(&message, ForwardMode::Attached, &identities());
        assert_eq!(draft.attachments, original().attachments);
        assert!(matches!(draft.body, Body::Text { ref text } if text.contains(SEPARATOR)));
    }
}
