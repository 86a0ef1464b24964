//! Folder management on the server: create, rename, delete, subscribe.

use super::{Connection, mailbox::session_error};
use crate::state::{error::UiError, folders::FolderOp};

/// Carries out `op`. A folder that is renamed or deleted is first left (INBOX is
/// selected instead, and the watch of the old one ends), as servers refuse or confuse
/// changes to the selected folder; the caller opens a folder to show afterwards.
pub(crate) async fn apply(conn: &Connection, op: &FolderOp) -> Result<(), UiError> {
    let run = async |client: &mut webimap_client::Client<super::Transport>| match op {
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
    let result = match op {
        FolderOp::Rename { from: leaving, .. } | FolderOp::Delete(leaving) => {
            conn.run_leaving(leaving, run).await
        }
        _ => conn.run(run).await,
    };
    result.map_err(|e| session_error(&e))
}
