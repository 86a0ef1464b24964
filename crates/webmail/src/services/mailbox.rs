//! Folders, message lists and messages.

use base64::Engine as _;
pub(crate) use webimap_client::account::Watched;
use webimap_client::{
    ClientError,
    account::Change,
    model::{DecodedPart, Folder, MessageContent, MessageSummary},
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
    sync::MailboxEvent,
};

use super::{
    Connection,
    error::{Stage, describe},
};
use crate::state::{
    actions::{LiveChange, Mark, Undo, flags_change},
    error::UiError,
    message::AttachedMessage,
};

pub(super) fn session_error(err: &ClientError) -> UiError {
    describe(err, Stage::Session, "the server")
}

/// All folders, INBOX first; with `counts` their message counts where the server lists
/// them (LIST-STATUS). Without counts no folder is opened on the server: what the folder
/// pane shows at sign-in (a big folder takes a while to open — and again to select it).
pub(crate) async fn list_folders(conn: &Connection, counts: bool) -> Result<Vec<Folder>, UiError> {
    conn.run(async |client| {
        if counts {
            client.list_folders().await
        } else {
            client.list_folders_without_counts().await
        }
    })
    .await
    .map_err(|e| session_error(&e))
}

/// How many of the newest messages a folder shows first.
const FIRST_ROWS: u32 = 100;
/// The batches after them: the first this big, each next one twice as big, up to the
/// second (few list updates on big folders, the connection free between batches).
const BATCH: (usize, usize) = (1_000, 16_000);

/// A folder just opened: its newest messages, and how many it holds.
#[derive(Debug)]
pub(crate) struct Opened {
    /// The newest messages (by position), in the server's order.
    pub(crate) first: Vec<MessageSummary>,
    /// How many messages the folder holds.
    pub(crate) total: usize,
    /// Tells this opening apart from later ones (the watch and the loading stop when
    /// another folder is opened).
    pub(crate) generation: u64,
}

/// Selects `folder` and fetches its newest messages, so the list shows at once;
/// [`load_rest`] brings the others.
pub(crate) async fn open_folder(
    conn: &Connection,
    folder: &MailboxName,
) -> Result<Opened, UiError> {
    let opened = conn.open(folder).await.map_err(|e| session_error(&e))?;
    let exists = opened.info.exists;
    // Another folder opened meanwhile: this one's rows are not wanted any more.
    let first = conn
        .run_watched(opened.generation, async |client| {
            client.fetch_newest_summaries(exists, FIRST_ROWS).await
        })
        .await
        .map_err(|e| session_error(&e))?
        .unwrap_or_default();
    Ok(Opened {
        first,
        total: usize::try_from(exists).unwrap_or(usize::MAX),
        generation: opened.generation,
    })
}

/// Loads the rest of the folder opened as `generation`: its model (UIDs and flags, kept
/// for the watch; resynchronisable with QRESYNC/CONDSTORE), then the summaries of the
/// messages not in `have`, newest first, in growing batches handed to `on_batch`. The
/// connection is free between batches, so the user's actions do not wait for a big
/// folder. The sizes of the messages in `have` (listed without them) go to `on_sizes`
/// first. Returns `false` if another folder was opened meanwhile.
pub(crate) async fn load_rest(
    conn: &Connection,
    generation: u64,
    have: &std::collections::HashSet<u32>,
    on_sizes: &dyn Fn(Vec<(u32, u64)>),
    on_batch: &dyn Fn(Vec<MessageSummary>),
) -> Result<bool, UiError> {
    let Some(tracked) = conn
        .track(generation)
        .await
        .map_err(|e| session_error(&e))?
    else {
        return Ok(false);
    };
    let pending: Vec<u32> = tracked
        .uids
        .iter()
        .rev()
        .filter(|u| !have.contains(u))
        .copied()
        .collect();
    if let Ok(set) = SequenceSet::from_numbers(have.iter().copied()) {
        let sizes = conn
            .run_watched(generation, async |client| client.fetch_sizes(set).await)
            .await
            .map_err(|e| session_error(&e))?;
        let Some(sizes) = sizes else {
            return Ok(false);
        };
        on_sizes(sizes);
    }
    let mut size = BATCH.0;
    let mut rest = &pending[..];
    while !rest.is_empty() {
        let (now, later) = rest.split_at(size.min(rest.len()));
        let Ok(set) = SequenceSet::from_numbers(now.iter().copied()) else {
            break;
        };
        let batch = conn
            .run_watched(generation, async |client| client.fetch_summaries(set).await)
            .await
            .map_err(|e| session_error(&e))?;
        let Some(batch) = batch else {
            return Ok(false);
        };
        on_batch(batch);
        rest = later;
        size = (size * 2).min(BATCH.1);
    }
    Ok(true)
}

/// Runs `op` with `folder` selected (selecting it again if another one was selected
/// since), in the user's words if it fails.
pub(super) async fn in_folder<T>(
    conn: &Connection,
    folder: &MailboxName,
    op: impl AsyncFnOnce(&mut webimap_client::Client<super::Transport>) -> Result<T, ClientError>,
) -> Result<T, UiError> {
    conn.run_in(folder, op).await.map_err(|e| session_error(&e))
}

/// Fetches message `uid` of `folder` for reading.
pub(crate) async fn open_message(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<Box<MessageContent>, UiError> {
    in_folder(conn, folder, async |c| {
        c.fetch_message(uid).await.map(Box::new)
    })
    .await
}

/// Sets or clears `\Seen` or `\Flagged` on messages of `folder`.
pub(crate) async fn mark(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
    mark: Mark,
    on: bool,
) -> Result<(), UiError> {
    in_folder(conn, folder, async |c| match mark {
        Mark::Seen => c.set_seen(uids, on).await,
        Mark::Flagged => c.set_flagged(uids, on).await,
    })
    .await
}

/// Moves messages of `folder` to `target`; returns how to undo it (when the server says
/// where they landed: UIDPLUS COPYUID).
pub(crate) async fn move_messages(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
    target: &MailboxName,
) -> Result<Option<Undo>, UiError> {
    let copied = in_folder(conn, folder, async |c| c.move_messages(uids, target).await).await?;
    Ok(copied.map(|c| Undo {
        source: folder.clone(),
        target: target.clone(),
        target_uids: c.pairs.into_iter().map(|(_, t)| t).collect(),
    }))
}

/// Copies messages of `folder` to `target`.
pub(crate) async fn copy_messages(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
    target: &MailboxName,
) -> Result<(), UiError> {
    in_folder(conn, folder, async |c| {
        c.copy_messages(uids, target).await.map(|_| ())
    })
    .await
}

/// Deletes messages of `folder` for good (UID EXPUNGE of exactly these).
pub(crate) async fn delete_messages(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
) -> Result<(), UiError> {
    in_folder(conn, folder, async |c| c.delete_messages(uids).await).await
}

/// Moves messages back where they came from; returns their summaries there.
pub(crate) async fn undo_move(
    conn: &Connection,
    undo: &Undo,
) -> Result<Vec<MessageSummary>, UiError> {
    let back = in_folder(conn, &undo.target, async |c| {
        c.move_messages(&undo.target_uids, &undo.source).await
    })
    .await?;
    let Some(back) = back else {
        return Ok(Vec::new());
    };
    let uids: Vec<u32> = back.pairs.into_iter().map(|(_, t)| t).collect();
    let Ok(set) = SequenceSet::from_numbers(uids.iter().copied()) else {
        return Ok(Vec::new());
    };
    in_folder(conn, &undo.source, async |c| c.fetch_summaries(set).await).await
}

/// Watches the folder opened as `generation` once (the engine's round: it waits for
/// user actions, resynchronises after them, then idles until new mail, a user action or
/// the renewal). Changes go to `on_change` as they arrive, so none is applied after a
/// later user action; new messages come with their summaries.
pub(crate) async fn watch_once(
    conn: &Connection,
    generation: u64,
    on_change: &dyn Fn(LiveChange),
) -> Result<Watched, UiError> {
    conn.watch_once(generation, |change| match change {
        Change::Mailbox(MailboxEvent::Removed { uids }) => on_change(LiveChange::Removed(uids)),
        Change::Mailbox(MailboxEvent::FlagsChanged { uid, flags }) => {
            on_change(flags_change(uid, &flags))
        }
        // New messages are reported with their summaries; a reset as the round's end.
        Change::Mailbox(_) => {}
        Change::Added(summaries) => on_change(LiveChange::Added(summaries)),
    })
    .await
    .map_err(|e| session_error(&e))
}

/// One part of message `uid` (an attachment, an inline image), decoded.
pub(crate) async fn fetch_part(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
    section: &[u32],
) -> Result<DecodedPart, UiError> {
    in_folder(conn, folder, async |c| {
        c.fetch_decoded_part(uid, section).await
    })
    .await
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
    let raw = in_folder(conn, folder, async |c| c.fetch_raw_message(uid).await).await?;
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
    // Legacy charsets (Shift_JIS, ISO-2022-JP, …) decoded by the browser, not by tables.
    let raw = webimap_client::mime::legacy_charsets_to_utf8(raw);
    let message = mail_parser::MessageParser::default().parse(&raw)?;
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
        // Not `body_text`, which would turn HTML into text (mail-parser's entity table).
        .and_then(|p| match &p.body {
            mail_parser::PartType::Text(t) => Some(t.to_string()),
            _ => None,
        });
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
