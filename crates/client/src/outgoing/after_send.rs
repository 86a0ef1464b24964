//! What follows the submission server's final 250: the copy in Sent, the mark on the
//! message answered, the draft removed — each reported on its own. A failed step never
//! turns a sent message into an error (SnappyMail's bug), and never causes a resend.

use futures_util::io::{AsyncRead, AsyncWrite};
use serde::{Deserialize, Serialize};
use webimap_proto::types::{
    command::{SearchKey, StoreAction},
    core::Flag,
    mailbox::MailboxName,
};

use super::{
    MessageRef,
    draft::removal_result,
    message_id_key,
    remove::{keeping_selection, remove_draft, select_for_uids},
};
use crate::{account::Account, client::Client, compose::Built, error::ClientError};

/// What the send answered: replying or forwarding marks the original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "message")]
pub enum Answering {
    /// A reply: the original gets `\Answered`.
    Reply(MessageRef),
    /// A forward: the original gets `$Forwarded`.
    Forward(MessageRef),
}

/// What to do after the submission server's final 250.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AfterSend<'a> {
    /// The message as built (its `for_keeping` copy goes to Sent).
    pub built: &'a Built,
    /// The Sent folder, if the account has one.
    pub sent: Option<&'a MailboxName>,
    /// The provider files submitted mail in Sent itself (Gmail, Outlook, iCloud presets).
    pub provider_files_sent: bool,
    /// The message replied to or forwarded.
    pub answering: Option<&'a Answering>,
    /// The draft the message was written in.
    pub draft: Option<&'a MessageRef>,
}

/// How the message came to be in Sent (or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "message")]
pub enum Filed {
    /// Appended now, with `\Seen`; where, if the server said or a search found it.
    Appended(Option<MessageRef>),
    /// A message with its Message-ID was in Sent already (an earlier try, or the server
    /// filed it): not appended again.
    AlreadyThere,
    /// The provider files submitted mail itself: not appended.
    ProviderFiles,
    /// The account has no Sent folder: not kept.
    NoSentFolder,
}

/// Each step after a send, reported on its own.
#[derive(Debug)]
pub struct AfterSendReport {
    /// The copy in Sent.
    pub filed: Result<Filed, ClientError>,
    /// `\Answered` or `$Forwarded` on the original (`None`: nothing answered). `Ok` also
    /// when the original's folder was replaced (its UID names another message now) or the
    /// folder cannot keep `$Forwarded`: then nothing is marked.
    pub marked: Option<Result<(), ClientError>>,
    /// The draft removed (`None`: there was none). Kept with
    /// [`ClientError::DraftKept`] while the message has no copy in Sent.
    pub draft_removed: Option<Result<(), ClientError>>,
}

impl AfterSendReport {
    /// Whether every step succeeded (else running [`after_send`] again finishes the rest:
    /// the copy in Sent is not made twice).
    pub fn is_complete(&self) -> bool {
        self.filed.is_ok()
            && self.marked.as_ref().is_none_or(Result::is_ok)
            && self.draft_removed.as_ref().is_none_or(Result::is_ok)
    }
}

/// APPEND to Sent with `\Seen` (skipped when `provider_files_sent`, or when a
/// `UID SEARCH HEADER Message-ID <id>` finds it there already), `\Answered` or
/// `$Forwarded` on the original (only if UIDVALIDITY matches; `$Forwarded` only if
/// PERMANENTFLAGS allows `\*` or it), the draft deleted by UID — once the message is in
/// Sent, or the provider files it, or there is no Sent folder. Safe to run again.
pub async fn after_send<S: AsyncRead + AsyncWrite + Unpin>(
    account: &Account<S>,
    after: AfterSend<'_>,
) -> AfterSendReport {
    let steps = account
        .run(async |client| {
            Ok(keeping_selection(client, async |client| run_steps(client, &after).await).await)
        })
        .await;
    steps.unwrap_or_else(|error| AfterSendReport {
        filed: Err(error),
        // The connection is gone for every step (the only error before a step runs).
        marked: after.answering.map(|_| Err(ClientError::Closed)),
        draft_removed: after.draft.map(|_| Err(ClientError::Closed)),
    })
}

async fn run_steps<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    after: &AfterSend<'_>,
) -> AfterSendReport {
    let filed = file(client, after).await;
    let marked = match after.answering {
        Some(answering) => Some(mark(client, answering).await),
        None => None,
    };
    let draft_removed = match after.draft {
        // Without a copy in Sent, the draft is the user's only copy of what was sent.
        Some(_) if filed.is_err() || matches!(filed, Ok(Filed::NoSentFolder)) => {
            Some(Err(ClientError::DraftKept))
        }
        Some(draft) => Some(removal_result(remove_draft(client, draft, false).await)),
        None => None,
    };
    AfterSendReport {
        filed,
        marked,
        draft_removed,
    }
}

/// The copy in Sent.
async fn file<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    after: &AfterSend<'_>,
) -> Result<Filed, ClientError> {
    if after.provider_files_sent {
        return Ok(Filed::ProviderFiles);
    }
    let Some(sent) = after.sent else {
        return Ok(Filed::NoSentFolder);
    };
    if client.selected_name() != Some(sent) {
        client.select(sent).await?;
    }
    let key = message_id_key(&after.built.message_id);
    if let Some(key) = &key {
        // Not a draft: where Sent and Drafts are one folder, the draft carries the same
        // Message-ID and is not the sent copy.
        let found = client
            .search(vec![key.clone(), SearchKey::Undeleted, SearchKey::Undraft])
            .await?;
        if !found.is_empty() {
            return Ok(Filed::AlreadyThere);
        }
    }
    let appended = client
        .append(
            sent,
            after.built.for_keeping.clone(),
            vec![Flag::Seen],
            None,
        )
        .await?
        .filter(|_| client.supports("UIDPLUS"));
    if let Some(appended) = appended {
        return Ok(Filed::Appended(Some(MessageRef {
            folder: sent.clone(),
            uid_validity: appended.uid_validity,
            uid: appended.uid,
        })));
    }
    // Where it landed, by its Message-ID.
    let validity = client.selected_info()?.uid_validity;
    let newest = match (&key, validity) {
        (Some(key), Some(_)) => client
            .search(vec![key.clone(), SearchKey::Undeleted, SearchKey::Undraft])
            .await?
            .into_iter()
            .max(),
        _ => None,
    };
    Ok(Filed::Appended(newest.zip(validity).map(
        |(uid, uid_validity)| MessageRef {
            folder: sent.clone(),
            uid_validity,
            uid,
        },
    )))
}

/// `\Answered` or `$Forwarded` on the original.
async fn mark<S: AsyncRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    answering: &Answering,
) -> Result<(), ClientError> {
    let (original, flag) = match answering {
        Answering::Reply(original) => (original, Flag::Answered),
        Answering::Forward(original) => (original, Flag::Keyword("$Forwarded".into())),
    };
    if select_for_uids(client, &original.folder).await? != Some(original.uid_validity) {
        return Ok(());
    }
    if !may_keep(client.permanent_flags(), &flag) {
        return Ok(());
    }
    client
        .store_flags(&[original.uid], StoreAction::Add, vec![flag])
        .await
        .map(|_| ())
}

/// Whether a folder with these PERMANENTFLAGS keeps `flag` (system flags always; a
/// keyword if listed or `\*` allows new ones; without PERMANENTFLAGS, RFC 9051 says all).
fn may_keep(permanent: &[Flag], flag: &Flag) -> bool {
    let Flag::Keyword(keyword) = flag else {
        return true;
    };
    permanent.is_empty()
        || permanent.iter().any(|f| match f {
            Flag::MayCreate => true,
            Flag::Keyword(k) => k.eq_ignore_ascii_case(keyword),
            _ => false,
        })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
