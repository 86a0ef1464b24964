//! Folders, message lists and messages.

use std::time::Duration;

use base64::Engine as _;
use futures::{FutureExt, channel::oneshot, lock::MutexGuard};
use webimap_client::{
    model::{DecodedPart, Folder, MessageContent, MessageSummary},
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
    sync::MailboxEvent,
};

use super::{
    Connection, Inner,
    error::{Stage, describe},
};
use crate::state::{
    actions::{LiveChange, Mark, Undo, flags_change},
    error::UiError,
    message::AttachedMessage,
};

pub(super) fn session_error(err: &webimap_client::ClientError) -> UiError {
    describe(err, Stage::Session, "the server")
}

/// All folders, INBOX first; with `counts` their message counts where the server lists
/// them (LIST-STATUS). Without counts no folder is opened on the server: what the folder
/// pane shows at sign-in (a big folder takes a while to open — and again to select it).
pub(crate) async fn list_folders(conn: &Connection, counts: bool) -> Result<Vec<Folder>, UiError> {
    let mut inner = conn.lock().await;
    let listed = if counts {
        inner.client.list_folders().await
    } else {
        inner.client.list_folders_without_counts().await
    };
    listed.map_err(|e| session_error(&e))
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
    let mut inner = conn.lock().await;
    inner.selected = None;
    inner.model = None;
    inner.generation += 1;
    let generation = inner.generation;
    let info = inner
        .client
        .select(folder)
        .await
        .map_err(|e| session_error(&e))?;
    inner.selected = Some(folder.clone());
    let first = inner
        .client
        .fetch_newest_summaries(info.exists, FIRST_ROWS)
        .await
        .map_err(|e| session_error(&e))?;
    Ok(Opened {
        first,
        total: usize::try_from(info.exists).unwrap_or(usize::MAX),
        generation,
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
    folder: &MailboxName,
    generation: u64,
    have: &std::collections::HashSet<u32>,
    on_sizes: &dyn Fn(Vec<(u32, u64)>),
    on_batch: &dyn Fn(Vec<MessageSummary>),
) -> Result<bool, UiError> {
    let pending: Vec<u32> = {
        let mut inner = conn.lock().await;
        if inner.generation != generation {
            return Ok(false);
        }
        inner.selected = None;
        let (model, _) = inner
            .client
            .open_mailbox(folder, None)
            .await
            .map_err(|e| session_error(&e))?;
        inner.selected = Some(folder.clone());
        let pending = model
            .uids()
            .iter()
            .rev()
            .filter(|u| !have.contains(u))
            .copied()
            .collect();
        inner.model = Some(model);
        inner.stale = false;
        if let Ok(set) = SequenceSet::from_numbers(have.iter().copied()) {
            let sizes = inner
                .client
                .fetch_sizes(set)
                .await
                .map_err(|e| session_error(&e))?;
            on_sizes(sizes);
        }
        pending
    };
    let mut size = BATCH.0;
    let mut rest = &pending[..];
    while !rest.is_empty() {
        let (now, later) = rest.split_at(size.min(rest.len()));
        let Ok(set) = SequenceSet::from_numbers(now.iter().copied()) else {
            break;
        };
        let batch = {
            let mut inner = conn.lock().await;
            if inner.generation != generation {
                return Ok(false);
            }
            select_if_needed(&mut inner, folder).await?;
            inner
                .client
                .fetch_summaries(set)
                .await
                .map_err(|e| session_error(&e))?
        };
        on_batch(batch);
        rest = later;
        size = (size * 2).min(BATCH.1);
    }
    Ok(true)
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
pub(super) async fn selected<'a>(
    conn: &'a Connection,
    folder: &MailboxName,
) -> Result<MutexGuard<'a, Inner>, UiError> {
    let mut inner = conn.lock().await;
    select_if_needed(&mut inner, folder).await?;
    Ok(inner)
}

/// Selects `folder` unless it is the selected one.
async fn select_if_needed(inner: &mut Inner, folder: &MailboxName) -> Result<(), UiError> {
    if inner.selected.as_ref() != Some(folder) {
        inner.selected = None;
        inner
            .client
            .select(folder)
            .await
            .map_err(|e| session_error(&e))?;
        inner.selected = Some(folder.clone());
    }
    Ok(())
}

/// Sets or clears `\Seen` or `\Flagged` on messages of `folder`.
pub(crate) async fn mark(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
    mark: Mark,
    on: bool,
) -> Result<(), UiError> {
    let mut inner = selected(conn, folder).await?;
    let result = match mark {
        Mark::Seen => inner.client.set_seen(uids, on).await,
        Mark::Flagged => inner.client.set_flagged(uids, on).await,
    };
    result.map_err(|e| session_error(&e))
}

/// Moves messages of `folder` to `target`; returns how to undo it (when the server says
/// where they landed: UIDPLUS COPYUID).
pub(crate) async fn move_messages(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
    target: &MailboxName,
) -> Result<Option<Undo>, UiError> {
    let mut inner = selected(conn, folder).await?;
    let copied = inner
        .client
        .move_messages(uids, target)
        .await
        .map_err(|e| session_error(&e))?;
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
    let mut inner = selected(conn, folder).await?;
    inner
        .client
        .copy_messages(uids, target)
        .await
        .map(|_| ())
        .map_err(|e| session_error(&e))
}

/// Deletes messages of `folder` for good (UID EXPUNGE of exactly these).
pub(crate) async fn delete_messages(
    conn: &Connection,
    folder: &MailboxName,
    uids: &[u32],
) -> Result<(), UiError> {
    let mut inner = selected(conn, folder).await?;
    inner
        .client
        .delete_messages(uids)
        .await
        .map_err(|e| session_error(&e))
}

/// Moves messages back where they came from; returns their summaries there.
pub(crate) async fn undo_move(
    conn: &Connection,
    undo: &Undo,
) -> Result<Vec<MessageSummary>, UiError> {
    let mut inner = selected(conn, &undo.target).await?;
    let back = inner
        .client
        .move_messages(&undo.target_uids, &undo.source)
        .await
        .map_err(|e| session_error(&e))?;
    drop(inner);
    let Some(back) = back else {
        return Ok(Vec::new());
    };
    let uids: Vec<u32> = back.pairs.into_iter().map(|(_, t)| t).collect();
    let Ok(set) = SequenceSet::from_numbers(uids.iter().copied()) else {
        return Ok(Vec::new());
    };
    let mut inner = selected(conn, &undo.source).await?;
    inner
        .client
        .fetch_summaries(set)
        .await
        .map_err(|e| session_error(&e))
}

/// How one round of watching ended.
#[derive(Debug)]
pub(crate) enum Watched {
    /// Go on (the watch yielded to a user action, renewed its IDLE, or brought new mail).
    Again,
    /// The folder was replaced (UIDVALIDITY changed): load it again.
    Reset,
    /// Another folder is shown now, or the session ended: stop watching.
    Over,
}

/// How long one IDLE lasts before it is renewed (servers end it at about 30 minutes).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// How often a server without IDLE is asked (NOOP).
const POLL: Duration = Duration::from_secs(30);

/// Watches the folder opened as `generation` once: waits for user actions to finish,
/// resynchronises if they ran, then IDLEs until new mail arrives, a user action needs the
/// connection, or it is time to renew. Changes go to `on_change` as they arrive (so they
/// are never applied after a later user action); new messages' summaries are fetched.
pub(crate) async fn watch_once(
    conn: &Connection,
    generation: u64,
    on_change: &dyn Fn(LiveChange),
) -> Result<Watched, UiError> {
    while conn.idle.waiting.get() > 0 {
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    let mut guard = conn.inner.lock().await;
    let inner = &mut *guard;
    if inner.generation != generation {
        return Ok(Watched::Over);
    }
    let Some(mut model) = inner.model.take() else {
        return Ok(Watched::Over);
    };
    let folder = model.name.clone();
    let mut new_uids = Vec::new();
    let mut reset = false;
    let mut on_event = |event: MailboxEvent| match event {
        MailboxEvent::NewMessages { uids, .. } => new_uids.extend(uids),
        MailboxEvent::Removed { uids } => on_change(LiveChange::Removed(uids)),
        MailboxEvent::FlagsChanged { uid, flags } => on_change(flags_change(uid, &flags)),
        MailboxEvent::Reset => reset = true,
    };
    let result: Result<(), webimap_client::ClientError> = async {
        if inner.stale || inner.selected.as_ref() != Some(&folder) {
            inner.selected = None;
            let (fresh, events) = inner
                .client
                .open_mailbox(&folder, Some(model.clone()))
                .await?;
            model = fresh;
            inner.selected = Some(folder.clone());
            inner.stale = false;
            events.into_iter().for_each(&mut on_event);
        }
        // Nothing may await between this check and installing the wake-up: a user action
        // arriving later finds the sender and ends the IDLE.
        if conn.idle.waiting.get() > 0 {
            return Ok(());
        }
        let (tx, rx) = oneshot::channel::<()>();
        conn.idle.wake.replace(Some(tx));
        let renew = if inner.client.supports("IDLE") {
            IDLE_RENEW
        } else {
            POLL
        };
        let timer = Box::pin(yew::platform::time::sleep(renew));
        let stop = futures::future::select(rx, timer).map(|_| ());
        let watched = inner.client.watch(&mut model, stop, &mut on_event).await;
        conn.idle.wake.replace(None);
        watched
    }
    .await;
    inner.model = Some(model);
    result.map_err(|e| session_error(&e))?;
    if reset {
        return Ok(Watched::Reset);
    }
    if !new_uids.is_empty()
        && let Ok(set) = SequenceSet::from_numbers(new_uids.iter().copied())
    {
        let added = inner
            .client
            .fetch_summaries(set)
            .await
            .map_err(|e| session_error(&e))?;
        // Its answer may carry other changes the model did not see.
        inner.stale = true;
        on_change(LiveChange::Added(added));
    }
    Ok(Watched::Again)
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
