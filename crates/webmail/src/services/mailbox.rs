//! Folders, message lists and messages.

use webimap_client::{
    model::{Folder, MessageContent, MessageSummary},
    proto::types::{mailbox::MailboxName, sequence::SequenceSet},
};

use super::{
    Connection,
    error::{Stage, describe},
};
use crate::state::error::UiError;

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
    inner
        .client
        .fetch_message(uid)
        .await
        .map(Box::new)
        .map_err(|e| session_error(&e))
}
