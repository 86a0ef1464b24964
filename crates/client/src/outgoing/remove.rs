//! Removing messages by UID: only while their folder's UIDVALIDITY is the recorded one
//! (else the UID may name another message); a message or folder already gone is fine.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::StoreAction,
    core::Flag,
    mailbox::MailboxName,
    response::{Code, PlainCode},
};

use super::MessageRef;
use crate::{client::Client, error::ClientError};

/// How a removal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Removed {
    /// Gone: removed now, or already gone, or its folder was replaced (the UID no longer
    /// names it).
    Gone,
    /// Only marked `\Deleted`: without UIDPLUS it cannot be expunged on its own (a plain
    /// EXPUNGE would also remove other clients' `\Deleted` mail); it goes when the folder
    /// is next expunged.
    Marked,
}

/// Selects `folder` unless it is the selected one; its UIDVALIDITY (`None`: the folder does
/// not exist, or the server named none).
pub(super) async fn enter<S: AsyncRead + AsyncWrite + Unpin>(
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

/// Removes `message` for good (`\Deleted`, then UID EXPUNGE of that UID alone).
pub(super) async fn remove<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    message: &MessageRef,
) -> Result<Removed, ClientError> {
    if enter(client, &message.folder).await? != Some(message.uid_validity) {
        return Ok(Removed::Gone);
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
