//! Reading the message a reply or forward answers: what the envelope holds, the header
//! fields threading and addressing need besides it, the text and HTML — and for a
//! forward its attachments and raw bytes.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{core::Vec1, mailbox::MailboxName};

use super::remove::keeping_selection;
use crate::{account::Account, client::Client, compose::OriginalMessage, error::ClientError};

/// The header fields read besides the envelope.
pub const THREAD_FIELDS: [&str; 5] = [
    "REFERENCES",
    "IN-REPLY-TO",
    "REPLY-TO",
    "MAIL-FOLLOWUP-TO",
    "DELIVERED-TO",
];

/// Reads what a reply or forward needs of message `uid` in `folder`: the envelope's
/// fields plus `BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO REPLY-TO
/// MAIL-FOLLOWUP-TO DELIVERED-TO)]` and the text and HTML; `with_attachments` (for a
/// forward) also the attachments and the raw bytes, read from the whole message
/// (`BODY.PEEK[]`). Never sets `\Seen`.
pub async fn fetch_original<S: AsyncRead + AsyncWrite + Unpin>(
    account: &Account<S>,
    folder: &MailboxName,
    uid: u32,
    with_attachments: bool,
) -> Result<OriginalMessage, ClientError> {
    account
        .run(async |client| {
            keeping_selection(client, async |client| {
                if client.selected_name() != Some(folder) {
                    client.select(folder).await?;
                }
                if with_attachments {
                    whole(client, uid).await
                } else {
                    without_attachments(client, uid).await
                }
            })
            .await
        })
        .await
}

async fn without_attachments<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    uid: u32,
) -> Result<OriginalMessage, ClientError> {
    let fields = Vec1::new(THREAD_FIELDS.iter().map(|f| f.to_string()).collect())?;
    let (content, header_fields) = client.fetch_message_with_fields(uid, fields).await?;
    Ok(with_header_fields(
        OriginalMessage::from_content(&content),
        &header_fields,
    ))
}

/// The whole message read once; if it cannot be read as a message, what the engine's
/// model holds, with the raw bytes.
async fn whole<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    uid: u32,
) -> Result<OriginalMessage, ClientError> {
    let raw = client.fetch_raw_message(uid).await?;
    if let Ok(original) = OriginalMessage::from_raw(&raw) {
        return Ok(original);
    }
    let mut original = without_attachments(client, uid).await?;
    original.raw = Some(raw);
    Ok(original)
}

/// `original` with what `header_fields` (raw `Name: value` lines) say of its thread and
/// its addressing; fields missing there keep what `original` has.
fn with_header_fields(mut original: OriginalMessage, header_fields: &[u8]) -> OriginalMessage {
    let Ok(fields) = OriginalMessage::from_raw(header_fields) else {
        return original;
    };
    if fields.in_reply_to.is_some() {
        original.in_reply_to = fields.in_reply_to;
    }
    if !fields.references.is_empty() {
        original.references = fields.references;
    }
    if !fields.reply_to.is_empty() {
        original.reply_to = fields.reply_to;
    }
    if !fields.mail_followup_to.is_empty() {
        original.mail_followup_to = fields.mail_followup_to;
    }
    if !fields.delivered_to.is_empty() {
        original.delivered_to = fields.delivered_to;
    }
    original
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::Mailbox;

    #[test]
    fn header_fields_add_what_the_envelope_lacks() {
        let base = OriginalMessage {
            message_id: Some("m3@example.org".into()),
            subject: "Hello".into(),
            from: vec![Mailbox::new(Some("Bob"), "bob@example.org")],
            ..OriginalMessage::default()
        };
        let fields = b"References: <m1@example.org>\r\n <m2@example.org>\r\n\
In-Reply-To: <m2@example.org>\r\n\
Reply-To: Bob Private <bob@home.example>\r\n\
Mail-Followup-To: list@lists.example\r\n\
Delivered-To: ann+work@example.com\r\n\r\n";
        let original = with_header_fields(base.clone(), fields);
        assert_eq!(original.references, ["m1@example.org", "m2@example.org"]);
        assert_eq!(original.in_reply_to.as_deref(), Some("m2@example.org"));
        assert_eq!(
            original.reply_to,
            [Mailbox::new(Some("Bob Private"), "bob@home.example")]
        );
        assert_eq!(
            original.mail_followup_to,
            [Mailbox::new(None, "list@lists.example")]
        );
        assert_eq!(original.delivered_to, ["ann+work@example.com"]);
        // What the envelope gave stays.
        assert_eq!(original.message_id, base.message_id);
        assert_eq!(original.subject, "Hello");
        assert_eq!(original.from, base.from);
    }

    #[test]
    fn no_fields_change_nothing() {
        let base = OriginalMessage {
            subject: "Hello".into(),
            ..OriginalMessage::default()
        };
        assert_eq!(with_header_fields(base.clone(), b"\r\n"), base);
        assert_eq!(with_header_fields(base.clone(), b""), base);
    }
}
