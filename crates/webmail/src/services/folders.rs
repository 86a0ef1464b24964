//! Folder management on the server: create, rename, delete, subscribe.

use webimap_client::proto::types::mailbox::MailboxName;

use super::{Connection, mailbox::session_error};
use crate::state::{error::UiError, folders::FolderOp};

/// Carries out `op`. A folder that is renamed or deleted is first left (INBOX is
/// selected instead, and the watch of the old one ends), as servers refuse or confuse
/// changes to the selected folder; the caller opens a folder to show afterwards.
pub(crate) async fn apply(conn: &Connection, op: &FolderOp) -> Result<(), UiError> {
    let mut inner = conn.lock().await;
    let leaving = match op {
        FolderOp::Rename { from, .. } => Some(from),
        FolderOp::Delete(name) => Some(name),
        _ => None,
    };
    if let Some(name) = leaving
        && inner.selected.as_ref() == Some(name)
    {
        inner.selected = None;
        inner.model = None;
        inner.generation += 1;
        let inbox = MailboxName::inbox();
        inner
            .client
            .select(&inbox)
            .await
            .map_err(|e| session_error(&e))?;
        inner.selected = Some(inbox);
    }
    let client = &mut inner.client;
    let result = match op {
        FolderOp::Create(name) => match client.create_folder(name, None).await {
            Ok(()) => client.set_subscribed(name, true).await,
            Err(e) => Err(e),
        },
        FolderOp::Rename { from, to } => match client.rename_folder(from, to).await {
            // Servers differ on whether subscriptions follow a rename: make it so, and
            // leave no subscription to the old name behind.
            Ok(()) => {
                let _ = client.set_subscribed(from, false).await;
                client.set_subscribed(to, true).await
            }
            Err(e) => Err(e),
        },
        FolderOp::Delete(name) => match client.delete_folder(name).await {
            // A deleted folder's subscription would linger (RFC 3501 6.3.4).
            Ok(()) => {
                let _ = client.set_subscribed(name, false).await;
                Ok(())
            }
            Err(e) => Err(e),
        },
        FolderOp::Subscribe { name, on } => client.set_subscribed(name, *on).await,
    };
    result.map_err(|e| session_error(&e))
}
