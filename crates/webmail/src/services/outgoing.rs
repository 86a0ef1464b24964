//! The IMAP side of writing mail, done by the engine (`webimap_client::outgoing`): drafts
//! saved, replaced and discarded; the original of a reply or forward fetched; after a
//! send, the Sent copy, the answered/forwarded mark and the draft's removal. Here only
//! what the app adds: where the original is (its UIDVALIDITY), and errors in words.

use webimap_client::{
    ClientError,
    compose::{Built, Draft, OriginalMessage, parse_draft},
    outgoing::{self, AfterSend, Answering, Filed, MessageRef},
    proto::types::mailbox::MailboxName,
};

pub(crate) use webimap_client::outgoing::special_folders;

use super::{
    Connection,
    error::{Stage, describe},
};
use crate::state::error::UiError;

fn session_error(err: &ClientError) -> UiError {
    describe(err, Stage::Session, "the server")
}

/// Saves `message` (a draft's kept copy, with Message-ID `message_id`) in `drafts`, then
/// removes the draft it replaces: one draft per compose.
pub(crate) async fn save_draft(
    conn: &Connection,
    drafts: &MailboxName,
    message: Vec<u8>,
    message_id: &str,
    replaces: Option<&MessageRef>,
) -> Result<MessageRef, UiError> {
    outgoing::save_draft(conn, drafts, message, message_id, replaces)
        .await
        .map_err(|e| session_error(&e))
}

/// Deletes a saved draft, by UID.
pub(crate) async fn discard_draft(conn: &Connection, draft: &MessageRef) -> Result<(), UiError> {
    outgoing::discard_draft(conn, draft)
        .await
        .map_err(|e| session_error(&e))
}

/// Where message `uid` of `folder` is: with the folder's UIDVALIDITY, so marking it later
/// cannot hit another message.
async fn locate(conn: &Connection, folder: &MailboxName, uid: u32) -> Result<MessageRef, UiError> {
    let uid_validity = conn
        .run_in(folder, async |client| client.selected_info())
        .await
        .map_err(|e| session_error(&e))?
        .uid_validity
        .ok_or_else(|| UiError::Other("the folder has no UIDVALIDITY".into()))?;
    Ok(MessageRef {
        folder: folder.clone(),
        uid_validity,
        uid,
    })
}

/// The message `uid` of `folder` for a reply (without attachments) or a forward (with
/// them), and where it is.
pub(crate) async fn fetch_original(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
    with_attachments: bool,
) -> Result<(OriginalMessage, MessageRef), UiError> {
    let at = locate(conn, folder, uid).await?;
    let original = outgoing::fetch_original(conn, folder, uid, with_attachments)
        .await
        .map_err(|e| session_error(&e))?;
    Ok((original, at))
}

/// A draft saved on the server, read back for editing, and where it is.
pub(crate) async fn fetch_draft(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<(Draft, MessageRef), UiError> {
    let at = locate(conn, folder, uid).await?;
    let raw = conn
        .run_in(folder, async |client| client.fetch_raw_message(uid).await)
        .await
        .map_err(|e| session_error(&e))?;
    let draft = parse_draft(&raw).map_err(|e| UiError::Other(e.to_string()))?;
    Ok((draft, at))
}

/// What happens on the IMAP side once `built` was accepted by the outgoing server.
/// Returns what failed, in words (the message itself is sent either way).
pub(crate) async fn after_send(
    conn: &Connection,
    built: &Built,
    sent: Option<&MailboxName>,
    provider_files_sent: bool,
    answering: Option<&Answering>,
    draft: Option<&MessageRef>,
) -> Vec<String> {
    let report = outgoing::after_send(
        conn,
        AfterSend {
            built,
            sent,
            provider_files_sent,
            answering,
            draft,
        },
    )
    .await;
    let mut problems = Vec::new();
    match &report.filed {
        Ok(Filed::NoSentFolder) => {
            problems.push("there is no Sent folder to keep a copy in".to_string());
        }
        Ok(_) => {}
        Err(e) => problems.push(format!("no copy was kept in Sent ({})", session_error(e))),
    }
    if let Some(Err(e)) = &report.marked {
        problems.push(format!(
            "the original was not marked ({})",
            session_error(e)
        ));
    }
    if let Some(Err(e)) = &report.draft_removed {
        problems.push(format!("the draft was not removed ({})", session_error(e)));
    }
    problems
}
