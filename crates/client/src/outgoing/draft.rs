//! Drafts on the server: one per compose. Each save appends the new version, then removes
//! the one it replaces — never the other way round, so a failure in between leaves two
//! versions, never none.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{command::SearchKey, core::Flag, mailbox::MailboxName};

use super::{
    MessageRef, message_id_key,
    remove::{Removed, keeping_selection, remove_draft, remove_selected, select_for_uids},
};
use crate::{
    account::Account,
    client::Client,
    error::{ClientError, Unexpected},
};

/// Saves a draft (`Built::for_keeping`) to `drafts` with `\Draft \Seen`, then removes the
/// draft it replaces (by UID, only if UIDVALIDITY still matches; a draft already gone is
/// fine). Without APPENDUID the new draft is found by a Message-ID search. One draft per
/// compose: never two left behind.
///
/// Older versions of the same compose — drafts in `drafts` with the same `message_id`
/// (without angle brackets) and a lower UID, which an earlier save that failed half-way
/// may have left — are removed too, so a front end keeps one Message-ID per compose
/// (the same random input to [`crate::compose::build`]) for its whole life.
///
/// An error after the new version was saved (removing the old one failed) leaves both:
/// the next save with the same `replaces` removes them.
pub async fn save_draft<S: AsyncRead + AsyncWrite + Unpin>(
    account: &Account<S>,
    drafts: &MailboxName,
    message: Vec<u8>,
    message_id: &str,
    replaces: Option<&MessageRef>,
) -> Result<MessageRef, ClientError> {
    account
        .run(async |client| {
            keeping_selection(client, async |client| {
                save(client, drafts, message, message_id, replaces).await
            })
            .await
        })
        .await
}

/// Deletes a draft for good (`\Deleted` and UID EXPUNGE). A draft already gone (or whose
/// folder was replaced or deleted) is fine. Without UIDPLUS the draft is only marked
/// `\Deleted` — a plain EXPUNGE would remove other clients' deleted mail too — and the
/// error says so.
pub async fn discard_draft<S: AsyncRead + AsyncWrite + Unpin>(
    account: &Account<S>,
    draft: &MessageRef,
) -> Result<(), ClientError> {
    account
        .run(async |client| {
            keeping_selection(client, async |client| {
                removal_result(remove_draft(client, draft, false).await)
            })
            .await
        })
        .await
}

/// A draft removal as the caller sees it: gone is done; marked only, or left in place
/// because it is not marked as a draft, is an error in words.
pub(super) fn removal_result(removed: Result<Removed, ClientError>) -> Result<(), ClientError> {
    match removed? {
        Removed::Gone => Ok(()),
        Removed::Marked => Err(marked_only()),
        Removed::NotADraft => Err(ClientError::NotADraft),
    }
}

/// The error of a draft only marked `\Deleted`.
pub(super) fn marked_only() -> ClientError {
    ClientError::Unsupported(
        "removing one message needs UIDPLUS: the draft is marked as deleted and goes when \
         the folder is next cleaned up"
            .into(),
    )
}

async fn save<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    drafts: &MailboxName,
    message: Vec<u8>,
    message_id: &str,
    replaces: Option<&MessageRef>,
) -> Result<MessageRef, ClientError> {
    let appended = client
        .append(drafts, message, vec![Flag::Draft, Flag::Seen], None)
        .await?
        // A server whose UIDPLUS is turned off as a quirk is not trusted with APPENDUID.
        .filter(|_| client.supports("UIDPLUS"));
    let validity = select_for_uids(client, drafts)
        .await?
        .ok_or(ClientError::Unexpected(Unexpected::AppendedNotFound))?;
    // Every version of this compose in Drafts (the one just saved among them).
    let versions = match message_id_key(message_id) {
        Some(key) => {
            client
                .search(vec![key, SearchKey::Draft, SearchKey::Undeleted])
                .await?
        }
        None => Vec::new(),
    };
    // The draft replaced, if its UID still names it in Drafts.
    let replaced_here =
        replaces.filter(|old| old.folder == *drafts && old.uid_validity == validity);
    let saved = match appended {
        Some(appended) => MessageRef {
            folder: drafts.clone(),
            uid_validity: appended.uid_validity,
            uid: appended.uid,
        },
        None => {
            let newest = versions
                .iter()
                .copied()
                .filter(|uid| replaced_here.is_none_or(|old| old.uid != *uid))
                .max()
                .ok_or(ClientError::Unexpected(Unexpected::AppendedNotFound))?;
            MessageRef {
                folder: drafts.clone(),
                uid_validity: validity,
                uid: newest,
            }
        }
    };
    if saved.uid_validity != validity {
        // Drafts was replaced between the APPEND and now: its UIDs mean nothing here.
        return Ok(saved);
    }
    let mut stale: Vec<u32> = versions
        .into_iter()
        .filter(|uid| *uid < saved.uid)
        .collect();
    if let Some(old) = replaced_here
        && old.uid != saved.uid
    {
        stale.push(old.uid);
    }
    stale.sort_unstable();
    stale.dedup();
    remove_selected(client, &stale).await?;
    if let Some(old) = replaces.filter(|old| old.folder != *drafts) {
        removal_result(remove_draft(client, old, false).await)?;
    }
    Ok(saved)
}
