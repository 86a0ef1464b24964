//! Removing drafts by UID: only while their folder's UIDVALIDITY is the recorded one
//! (else the UID may name another message), and only a message marked `\Draft` unless
//! the caller names the folder as its Drafts folder (a wrong reference from a front end
//! must never delete mail); a message or folder already gone is fine. And putting the
//! selection back: commands queued behind these act on "the selected folder".

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{SearchKey, StoreAction},
    core::Flag,
    mailbox::MailboxName,
    response::{Code, PlainCode},
    sequence::SequenceSet,
};

use super::MessageRef;
use crate::{client::Client, error::ClientError};

/// How a removal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Removed {
    /// Gone: removed now, or already gone, or its folder was replaced (the UID no longer
    /// names it, so nothing was touched).
    Gone,
    /// Left in place: the message is not marked `\Draft` (and its folder was not named as
    /// the Drafts folder).
    NotADraft,
    /// Only marked `\Deleted`: without UIDPLUS it cannot be expunged on its own (a plain
    /// EXPUNGE would also remove other clients' `\Deleted` mail); it goes when the folder
    /// is next expunged.
    Marked,
}

/// Runs `op` and then selects again the folder that was selected before, if `op` left
/// another one selected (best effort: the connection may be gone).
pub(super) async fn keeping_selection<S: AsyncRead + AsyncWrite + Unpin, T>(
    client: &mut Client<S>,
    op: impl AsyncFnOnce(&mut Client<S>) -> T,
) -> T {
    let before = client.selected_name().cloned();
    let result = op(client).await;
    if let Some(before) = before
        && client.selected_name() != Some(&before)
    {
        let _ = client.select(&before).await;
    }
    result
}

/// Selects `folder` unless it is the selected one; its UIDVALIDITY (`None`: the folder does
/// not exist, or the server named none).
pub(super) async fn select_for_uids<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    folder: &MailboxName,
) -> Result<Option<u32>, ClientError> {
    if client.selected_name() != Some(folder) {
        match client.select(folder).await {
            Ok(_) => {}
            Err(ClientError::Server {
                code: Some(Code::Plain(PlainCode::NonExistent)),
                ..
            }) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(client.selected_info()?.uid_validity)
}

/// Removes the draft `message` for good (`\Deleted`, then UID EXPUNGE of that UID alone)
/// if it is marked `\Draft` or `in_drafts_folder` (the caller named its folder as the
/// Drafts folder).
pub(super) async fn remove_draft<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    message: &MessageRef,
    in_drafts_folder: bool,
) -> Result<Removed, ClientError> {
    if select_for_uids(client, &message.folder).await? != Some(message.uid_validity) {
        return Ok(Removed::Gone);
    }
    if !in_drafts_folder {
        let uid = SequenceSet::from_numbers([message.uid])?;
        let exists = client.search(vec![SearchKey::Uid(uid.clone())]).await?;
        if exists.is_empty() {
            return Ok(Removed::Gone);
        }
        let draft = client
            .search(vec![SearchKey::Uid(uid), SearchKey::Draft])
            .await?;
        if draft.is_empty() {
            return Ok(Removed::NotADraft);
        }
    }
    remove_selected(client, &[message.uid]).await
}

/// Removes messages of the selected folder by UID (a UID no longer there changes nothing).
pub(super) async fn remove_selected<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    uids: &[u32],
) -> Result<Removed, ClientError> {
    if uids.is_empty() {
        return Ok(Removed::Gone);
    }
    if client.supports("UIDPLUS") {
        client.delete_messages(uids).await?;
        Ok(Removed::Gone)
    } else {
        client
            .store_flags(uids, StoreAction::Add, vec![Flag::Deleted])
            .await?;
        Ok(Removed::Marked)
    }
}
