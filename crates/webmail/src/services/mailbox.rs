//! Folders, message lists and messages.

use base64::Engine as _;
use futures::lock::MutexGuard;
use webimap_client::{
    model::{DecodedPart, Folder, MessageContent, MessageSummary},
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
};

use super::{
    Connection, Inner,
    error::{Stage, describe},
};
use crate::state::{error::UiError, message::AttachedMessage};

fn session_error(err: &webimap_client::ClientError) -> UiError {
    describe(err, Stage::Session, "the server")
}

/// All folders, INBOX first.
pub(crate) async fn list_folders(conn: &Connection) -> Result<Vec<Folder>, UiError> {
    let mut inner = conn.inner.lock().await;
    inner
        .client
        .list_folders()
        .await
        .map_err(|e| session_error(&e))
}

/// Selects `folder` and fetches the summaries of all its messages (in the server's order).
pub(crate) async fn open_folder(
    conn: &Connection,
    folder: &MailboxName,
) -> Result<Vec<MessageSummary>, UiError> {
    let mut inner = conn.inner.lock().await;
    inner.selected = None;
    let info = inner
        .client
        .select(folder)
        .await
        .map_err(|e| session_error(&e))?;
    inner.selected = Some(folder.clone());
    if info.exists == 0 {
        return Ok(Vec::new());
    }
    inner
        .client
        .fetch_summaries(SequenceSet::all())
        .await
        .map_err(|e| session_error(&e))
}

/// Fetches message `uid` of `folder` for reading (selecting the folder again if another
/// one was selected since).
pub(crate) async fn open_message(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<Box<MessageContent>, UiError> {
    let mut inner = selected(conn, folder).await?;
    inner
        .client
        .fetch_message(uid)
        .await
        .map(Box::new)
        .map_err(|e| session_error(&e))
}

/// Takes the connection with `folder` selected (selecting it again if another one was
/// selected since).
async fn selected<'a>(
    conn: &'a Connection,
    folder: &MailboxName,
) -> Result<MutexGuard<'a, Inner>, UiError> {
    let mut inner = conn.inner.lock().await;
    if inner.selected.as_ref() != Some(folder) {
        inner.selected = None;
        inner
            .client
            .select(folder)
            .await
            .map_err(|e| session_error(&e))?;
        inner.selected = Some(folder.clone());
    }
    Ok(inner)
}

/// One part of message `uid` (an attachment, an inline image), decoded.
pub(crate) async fn fetch_part(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
    section: &[u32],
) -> Result<DecodedPart, UiError> {
    let mut inner = selected(conn, folder).await?;
    inner
        .client
        .fetch_decoded_part(uid, section)
        .await
        .map_err(|e| session_error(&e))
}

/// An inline image as a `data:` URL (images only: anything else is refused).
pub(crate) async fn fetch_inline_image(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
    section: &[u32],
) -> Result<String, UiError> {
    let part = fetch_part(conn, folder, uid, section).await?;
    data_url(&part.mime_type, &part.data)
        .ok_or_else(|| UiError::Other(format!("{} is not an image", part.mime_type)))
}

/// `data:<type>;base64,…` for raster images.
pub(crate) fn data_url(mime_type: &str, data: &[u8]) -> Option<String> {
    let kind = mime_type.strip_prefix("image/")?;
    if !matches!(
        kind,
        "png" | "gif" | "jpeg" | "jpg" | "webp" | "bmp" | "avif"
    ) {
        return None;
    }
    Some(format!(
        "data:image/{kind};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(data)
    ))
}

/// The whole message as stored, as text (bytes that are not UTF-8 shown as U+FFFD).
pub(crate) async fn fetch_source(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<String, UiError> {
    let mut inner = selected(conn, folder).await?;
    let raw = inner
        .client
        .fetch_raw_message(uid)
        .await
        .map_err(|e| session_error(&e))?;
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

/// A message attached to message `uid` (message/rfc822 part `section`), parsed.
pub(crate) async fn fetch_attached(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
    section: &[u32],
) -> Result<AttachedMessage, UiError> {
    let part = fetch_part(conn, folder, uid, section).await?;
    parse_attached(&part.data)
        .ok_or_else(|| UiError::Other("the attached message could not be read".into()))
}

/// Parses a raw message for reading.
pub(crate) fn parse_attached(raw: &[u8]) -> Option<AttachedMessage> {
    let message = mail_parser::MessageParser::default().parse(raw)?;
    let addresses = |a: Option<&mail_parser::Address<'_>>| {
        a.map(|a| {
            a.iter()
                .map(|addr| match (addr.name(), addr.address()) {
                    (Some(name), Some(email)) => format!("{name} <{email}>"),
                    (None, Some(email)) => email.to_string(),
                    (Some(name), None) => name.to_string(),
                    (None, None) => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    };
    let html = message
        .html_part(0)
        .filter(|p| p.is_text_html())
        .and_then(|_| message.body_html(0))
        .map(|h| h.into_owned());
    let text = message
        .text_part(0)
        .filter(|p| !p.is_text_html())
        .and_then(|_| message.body_text(0))
        .map(|t| t.into_owned());
    Some(AttachedMessage {
        subject: message.subject().unwrap_or_default().to_string(),
        from: addresses(message.from()),
        to: addresses(message.to()),
        date: message.date().map(|d| d.to_rfc822()),
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attached_messages_are_parsed() {
        let raw = b"From: Ann <ann@example.com>\r\nTo: bo@example.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello inside\r\n";
        let m = parse_attached(raw).unwrap();
        assert_eq!(m.subject, "Grüße");
        assert_eq!(m.from, "Ann <ann@example.com>");
        assert_eq!(m.to, "bo@example.com");
        assert!(m.text.unwrap().contains("Hello inside"));
        assert_eq!(m.html, None);
        assert!(m.date.is_some());
    }

    #[test]
    fn only_raster_images_become_data_urls() {
        assert_eq!(
            data_url("image/png", b"ab").as_deref(),
            Some("data:image/png;base64,YWI=")
        );
        assert_eq!(data_url("image/svg+xml", b"<svg/>"), None);
        assert_eq!(data_url("text/html", b"x"), None);
    }
}
