//! Changing mail: flags, copy, move, delete, append. Deleting and the MOVE fallback expunge
//! exactly the messages concerned (UID EXPUNGE), never other clients' `\Deleted` mail.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{Command, StoreAction},
    core::Flag,
    fetch::DateTime,
    mailbox::MailboxName,
    response::{Code, Data},
    sequence::SequenceSet,
};

use super::Client;
use crate::{driver::CommandResponse, error::ClientError};

/// Where copied or moved messages landed (UIDPLUS COPYUID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedUids {
    /// UIDVALIDITY of the target folder.
    pub uid_validity: u32,
    /// `(source UID, target UID)` pairs.
    pub pairs: Vec<(u32, u32)>,
}

/// Where an appended message landed (UIDPLUS APPENDUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendedUid {
    /// UIDVALIDITY of the folder.
    pub uid_validity: u32,
    /// The new message's UID.
    pub uid: u32,
}

/// Largest set expanded from a COPYUID code (a hostile server could send `1:4294967295`).
const MAX_UIDS: usize = 1_000_000;

fn uid_set(uids: &[u32]) -> Result<SequenceSet, ClientError> {
    Ok(SequenceSet::from_numbers(uids.iter().copied())?)
}

fn copy_uid(response: &CommandResponse) -> Option<CopiedUids> {
    let codes = response
        .statuses
        .iter()
        .chain(std::iter::once(&response.completion))
        .filter_map(|s| s.code.as_ref());
    for code in codes {
        if let Code::CopyUid {
            uid_validity,
            source,
            target,
        } = code
        {
            let source = source.to_numbers(u32::MAX, MAX_UIDS)?;
            let target = target.to_numbers(u32::MAX, MAX_UIDS)?;
            if source.len() == target.len() {
                return Some(CopiedUids {
                    uid_validity: *uid_validity,
                    pairs: source.into_iter().zip(target).collect(),
                });
            }
        }
    }
    None
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Adds, removes or replaces flags on messages of the selected folder; returns each
    /// message's flags afterwards as the server reported them.
    pub async fn store_flags(
        &mut self,
        uids: &[u32],
        action: StoreAction,
        flags: Vec<Flag>,
    ) -> Result<Vec<(u32, Vec<Flag>)>, ClientError> {
        let response = self
            .conn
            .execute(Command::store(uid_set(uids)?, true, action, flags)?)
            .await?;
        Ok(response
            .data
            .into_iter()
            .filter_map(|d| match d {
                Data::Fetch { items, .. } => {
                    let uid = items.iter().find_map(|i| match i {
                        webimap_proto::types::fetch::FetchItem::Uid(u) => Some(*u),
                        _ => None,
                    })?;
                    let flags = items.into_iter().find_map(|i| match i {
                        webimap_proto::types::fetch::FetchItem::Flags(f) => Some(f),
                        _ => None,
                    })?;
                    Some((uid, flags))
                }
                _ => None,
            })
            .collect())
    }

    /// Marks messages read or unread.
    pub async fn set_seen(&mut self, uids: &[u32], seen: bool) -> Result<(), ClientError> {
        let action = if seen {
            StoreAction::Add
        } else {
            StoreAction::Remove
        };
        self.store_flags(uids, action, vec![Flag::Seen])
            .await
            .map(|_| ())
    }

    /// Flags or unflags messages.
    pub async fn set_flagged(&mut self, uids: &[u32], flagged: bool) -> Result<(), ClientError> {
        let action = if flagged {
            StoreAction::Add
        } else {
            StoreAction::Remove
        };
        self.store_flags(uids, action, vec![Flag::Flagged])
            .await
            .map(|_| ())
    }

    /// Copies messages of the selected folder to `target`.
    pub async fn copy_messages(
        &mut self,
        uids: &[u32],
        target: &MailboxName,
    ) -> Result<Option<CopiedUids>, ClientError> {
        let response = self
            .conn
            .execute(Command::Copy {
                set: uid_set(uids)?,
                mailbox: target.clone(),
                uid: true,
            })
            .await?;
        Ok(copy_uid(&response))
    }

    /// Moves messages of the selected folder to `target`: MOVE where offered, else COPY,
    /// then `\Deleted` and UID EXPUNGE of exactly these messages (needs UIDPLUS: a plain
    /// EXPUNGE would also remove other clients' `\Deleted` mail, so without UIDPLUS this
    /// fails before changing anything).
    pub async fn move_messages(
        &mut self,
        uids: &[u32],
        target: &MailboxName,
    ) -> Result<Option<CopiedUids>, ClientError> {
        let set = uid_set(uids)?;
        if self.supports("MOVE") {
            let response = self
                .conn
                .execute(Command::Move {
                    set,
                    mailbox: target.clone(),
                    uid: true,
                })
                .await?;
            return Ok(copy_uid(&response));
        }
        if !self.supports("UIDPLUS") {
            return Err(ClientError::Unsupported(
                "moving needs MOVE or UIDPLUS (a plain EXPUNGE would delete other clients' mail)"
                    .into(),
            ));
        }
        let copied = self.copy_messages(uids, target).await?;
        self.expunge_uids(uids).await?;
        Ok(copied)
    }

    /// Deletes messages of the selected folder for good: `\Deleted`, then UID EXPUNGE of
    /// exactly these (needs UIDPLUS; fails before changing anything without it). A mail
    /// application normally moves to Trash instead.
    pub async fn delete_messages(&mut self, uids: &[u32]) -> Result<(), ClientError> {
        if !self.supports("UIDPLUS") {
            return Err(ClientError::Unsupported(
                "deleting needs UIDPLUS (a plain EXPUNGE would delete other clients' mail)".into(),
            ));
        }
        self.expunge_uids(uids).await
    }

    async fn expunge_uids(&mut self, uids: &[u32]) -> Result<(), ClientError> {
        let set = uid_set(uids)?;
        let mut store = Command::store(set.clone(), true, StoreAction::Add, vec![Flag::Deleted])?;
        if let Command::Store { silent, .. } = &mut store {
            *silent = true;
        }
        self.conn.execute(store).await?;
        self.conn.execute(Command::UidExpunge(set)).await?;
        Ok(())
    }

    /// Appends a message (RFC 5322 bytes) to a folder.
    pub async fn append(
        &mut self,
        folder: &MailboxName,
        message: Vec<u8>,
        flags: Vec<Flag>,
        date: Option<DateTime>,
    ) -> Result<Option<AppendedUid>, ClientError> {
        let response = self
            .conn
            .execute(Command::append(folder.clone(), flags, date, message)?)
            .await?;
        Ok(match &response.completion.code {
            Some(Code::AppendUid { uid_validity, uids }) => uids
                .to_numbers(u32::MAX, 1)
                .and_then(|v| v.first().copied())
                .map(|uid| AppendedUid {
                    uid_validity: *uid_validity,
                    uid,
                }),
            _ => None,
        })
    }
}
