//! The IMAP side of writing mail: drafts saved, replaced and discarded; the original of a
//! reply or forward fetched; after a send, the Sent copy, the answered/forwarded mark and
//! the draft's removal.
//!
//! The engine's `webimap_client::outgoing` (same functions, being written on its own
//! branch) takes this over once merged; until then these are the same steps over the
//! engine's `Account` and `Client` calls, kept in this one file so the switch is here
//! only.

use webimap_client::{
    ClientError,
    compose::{Built, Draft, OriginalMessage, parse_draft},
    model::Folder,
    proto::types::{
        command::StoreAction,
        core::Flag,
        mailbox::{MailboxName, SpecialUse},
    },
};

use super::{
    Connection,
    error::{Stage, describe},
};
use crate::state::{
    compose::{Answering, MessageRef},
    error::UiError,
};

fn session_error(err: &ClientError) -> UiError {
    describe(err, Stage::Session, "the server")
}

/// The folders writing mail uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SpecialFolders {
    /// Sent mail.
    pub(crate) sent: Option<MailboxName>,
    /// Drafts.
    pub(crate) drafts: Option<MailboxName>,
}

/// The Sent and Drafts folders, by their special use (else by their usual names).
pub(crate) fn special_folders(folders: &[Folder]) -> SpecialFolders {
    let find = |use_: SpecialUse, names: &[&str]| {
        folders
            .iter()
            .find(|f| f.special_use.as_ref() == Some(&use_))
            .or_else(|| {
                folders
                    .iter()
                    .find(|f| names.iter().any(|n| f.path.eq_ignore_ascii_case(n)))
            })
            .map(|f| f.name.clone())
    };
    SpecialFolders {
        sent: find(SpecialUse::Sent, &["Sent", "Sent Items", "Sent Messages"]),
        drafts: find(SpecialUse::Drafts, &["Drafts"]),
    }
}

/// Saves `message` (a draft's kept copy) in `drafts` with `\Draft`, then removes the
/// draft it replaces, by UID: one draft per compose.
pub(crate) async fn save_draft(
    conn: &Connection,
    drafts: &MailboxName,
    message: Vec<u8>,
    replaces: Option<&MessageRef>,
) -> Result<MessageRef, UiError> {
    let appended = conn
        .run(async |client| {
            client
                .append(drafts, message, vec![Flag::Draft, Flag::Seen], None)
                .await
        })
        .await
        .map_err(|e| session_error(&e))?;
    let Some(appended) = appended else {
        return Err(UiError::Other(
            "the server saved the draft without saying where (no UIDPLUS)".into(),
        ));
    };
    if let Some(old) = replaces {
        // The new copy is safe on the server: an old one left behind is only a duplicate.
        let _ = discard_draft(conn, old).await;
    }
    Ok(MessageRef {
        folder: drafts.clone(),
        uid_validity: appended.uid_validity,
        uid: appended.uid,
    })
}

/// Deletes a saved draft, by UID (nothing if its folder's UIDVALIDITY changed).
pub(crate) async fn discard_draft(conn: &Connection, draft: &MessageRef) -> Result<(), UiError> {
    conn.run_in(&draft.folder, async |client| {
        if client.selected_info()?.uid_validity != Some(draft.uid_validity) {
            return Ok(());
        }
        client.delete_messages(&[draft.uid]).await
    })
    .await
    .map_err(|e| session_error(&e))
}

/// The message `uid` of `folder` for a reply or forward, and where it is.
pub(crate) async fn fetch_original(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<(OriginalMessage, MessageRef), UiError> {
    let (raw, uid_validity) = conn
        .run_in(folder, async |client| {
            let uid_validity = client.selected_info()?.uid_validity.unwrap_or_default();
            Ok((client.fetch_raw_message(uid).await?, uid_validity))
        })
        .await
        .map_err(|e| session_error(&e))?;
    let original = OriginalMessage::from_raw(&raw).map_err(|e| UiError::Other(e.to_string()))?;
    Ok((
        original,
        MessageRef {
            folder: folder.clone(),
            uid_validity,
            uid,
        },
    ))
}

/// A draft saved on the server, read back for editing, and where it is.
pub(crate) async fn fetch_draft(
    conn: &Connection,
    folder: &MailboxName,
    uid: u32,
) -> Result<(Draft, MessageRef), UiError> {
    let (original, at) = fetch_original(conn, folder, uid).await?;
    let raw = original.raw.unwrap_or_default();
    let draft = parse_draft(&raw).map_err(|e| UiError::Other(e.to_string()))?;
    Ok((draft, at))
}

/// What happens on the IMAP side once `built` was accepted by the outgoing server: a
/// copy in `sent` (unless the provider files it itself), the original marked, the draft
/// removed. Returns what failed, in words (the message itself is sent either way).
pub(crate) async fn after_send(
    conn: &Connection,
    built: &Built,
    sent: Option<&MailboxName>,
    provider_files_sent: bool,
    answering: Option<&Answering>,
    draft: Option<&MessageRef>,
) -> Vec<String> {
    let mut problems = Vec::new();
    match sent {
        _ if provider_files_sent => {}
        Some(sent) => {
            let copy = built.for_keeping.clone();
            let filed = conn
                .run(async |client| client.append(sent, copy, vec![Flag::Seen], None).await)
                .await;
            if let Err(e) = filed {
                problems.push(format!("no copy was kept in Sent ({})", session_error(&e)));
            }
        }
        None => problems.push("there is no Sent folder to keep a copy in".into()),
    }
    if let Some(answering) = answering {
        let (original, flag) = match answering {
            Answering::Reply(original) => (original, Flag::Answered),
            Answering::Forward(original) => (original, Flag::Keyword("$Forwarded".into())),
        };
        let marked = conn
            .run_in(&original.folder, async |client| {
                if client.selected_info()?.uid_validity != Some(original.uid_validity) {
                    return Ok(());
                }
                client
                    .store_flags(&[original.uid], StoreAction::Add, vec![flag])
                    .await
                    .map(|_| ())
            })
            .await;
        if let Err(e) = marked {
            problems.push(format!(
                "the original was not marked ({})",
                session_error(&e)
            ));
        }
    }
    if let Some(draft) = draft
        && let Err(e) = discard_draft(conn, draft).await
    {
        problems.push(format!("the draft was not removed ({e})"));
    }
    problems
}
