//! Folders: listing with roles and counts, creating, renaming, deleting, subscribing.

use std::collections::{HashMap, HashSet};

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{Command, ListOptions, ListPattern, StatusItem},
    mailbox::{ListItem, MailboxName, SpecialUse},
    response::{Data, StatusItem as ResponseStatusItem},
};

use super::Client;
use crate::{
    error::{ClientError, Unexpected},
    model::{Folder, FolderStatus},
};

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// All folders, INBOX first, then special-use ones, then the rest in name order
    /// (parents before their children). With LIST-STATUS the message and unseen counts come
    /// in the same round trip; otherwise they are `None` (see [`Client::folder_status`]).
    pub async fn list_folders(&mut self) -> Result<Vec<Folder>, ClientError> {
        self.list_folders_counting(true).await
    }

    /// All folders as [`Client::list_folders`] has them, but without counts: no folder is
    /// opened on the server, so on a big mailbox this answers at once (a server may take a
    /// second to open a folder of 100,000 messages for its counts, and again to select it).
    pub async fn list_folders_without_counts(&mut self) -> Result<Vec<Folder>, ClientError> {
        self.list_folders_counting(false).await
    }

    async fn list_folders_counting(&mut self, counts: bool) -> Result<Vec<Folder>, ClientError> {
        let mut options = ListOptions::default();
        if counts && self.supports("LIST-STATUS") {
            options.return_status = vec![StatusItem::Messages, StatusItem::Unseen];
        }
        let extended = self.supports("LIST-EXTENDED");
        if self.supports("SPECIAL-USE") && extended {
            options.return_special_use = true;
        }
        // Subscriptions in the same answer (RFC 5258), else from LSUB below.
        options.return_subscribed = extended;
        let response = self.conn.execute(Command::list_all(options)).await?;
        let mut folders = Vec::new();
        let mut counts: HashMap<MailboxName, FolderStatus> = HashMap::new();
        for data in response.data {
            match data {
                Data::List(item) => folders.push(folder_from_list(item)),
                Data::Status { mailbox, items } => {
                    counts.insert(mailbox, status_from_items(&items));
                }
                _ => {}
            }
        }
        let lsub = if extended {
            None
        } else {
            Some(self.lsub_names().await?)
        };
        for folder in &mut folders {
            if let Some(c) = counts.get(&folder.name) {
                folder.total = c.total;
                folder.unseen = c.unseen;
            }
            folder.subscribed = Some(match &lsub {
                Some(names) => names.contains(&folder.name),
                None => folder.subscribed == Some(true),
            });
        }
        folders.sort_by(|a, b| {
            folder_rank(a)
                .cmp(&folder_rank(b))
                .then_with(|| a.path.cmp(&b.path))
        });
        Ok(folders)
    }

    /// The names of the subscribed folders from LSUB (servers without LIST-EXTENDED).
    async fn lsub_names(&mut self) -> Result<HashSet<MailboxName>, ClientError> {
        let response = self
            .conn
            .execute(Command::Lsub {
                reference: MailboxName::default(),
                pattern: ListPattern::all(),
            })
            .await?;
        Ok(response
            .data
            .into_iter()
            .filter_map(|d| match d {
                Data::Lsub(item) => Some(item.name),
                _ => None,
            })
            .collect())
    }

    /// Counts of one folder (STATUS), without selecting it.
    pub async fn folder_status(&mut self, name: &MailboxName) -> Result<FolderStatus, ClientError> {
        let mut items = vec![
            StatusItem::Messages,
            StatusItem::Unseen,
            StatusItem::UidNext,
            StatusItem::UidValidity,
        ];
        if self.supports("CONDSTORE") {
            items.push(StatusItem::HighestModSeq);
        }
        if self.supports("STATUS=SIZE") {
            items.push(StatusItem::Size);
        }
        let response = self
            .conn
            .execute(Command::status(name.clone(), items)?)
            .await?;
        response
            .data
            .iter()
            .find_map(|d| match d {
                Data::Status { items, .. } => Some(status_from_items(items)),
                _ => None,
            })
            .ok_or(ClientError::Unexpected(Unexpected::NoStatus))
    }

    /// Creates a folder (`Work/Old` creates the hierarchy as needed), optionally with a
    /// special use (CREATE-SPECIAL-USE).
    pub async fn create_folder(
        &mut self,
        name: &MailboxName,
        special_use: Option<SpecialUse>,
    ) -> Result<(), ClientError> {
        let special_use = special_use.filter(|_| self.supports("CREATE-SPECIAL-USE"));
        self.conn
            .execute(Command::Create {
                mailbox: name.clone(),
                special_use,
            })
            .await?;
        Ok(())
    }

    /// Renames a folder (and its children).
    pub async fn rename_folder(
        &mut self,
        from: &MailboxName,
        to: &MailboxName,
    ) -> Result<(), ClientError> {
        self.conn
            .execute(Command::Rename {
                from: from.clone(),
                to: to.clone(),
            })
            .await?;
        Ok(())
    }

    /// Deletes a folder and the messages in it.
    pub async fn delete_folder(&mut self, name: &MailboxName) -> Result<(), ClientError> {
        self.conn
            .execute(Command::Delete {
                mailbox: name.clone(),
            })
            .await?;
        Ok(())
    }

    /// Subscribes to or unsubscribes from a folder.
    pub async fn set_subscribed(
        &mut self,
        name: &MailboxName,
        subscribed: bool,
    ) -> Result<(), ClientError> {
        let command = if subscribed {
            Command::Subscribe {
                mailbox: name.clone(),
            }
        } else {
            Command::Unsubscribe {
                mailbox: name.clone(),
            }
        };
        self.conn.execute(command).await?;
        Ok(())
    }
}

fn status_from_items(items: &[ResponseStatusItem]) -> FolderStatus {
    let mut status = FolderStatus::default();
    for item in items {
        match item {
            ResponseStatusItem::Messages(n) => status.total = Some(*n),
            ResponseStatusItem::Unseen(n) => status.unseen = Some(*n),
            ResponseStatusItem::UidNext(n) => status.uid_next = Some(*n),
            ResponseStatusItem::UidValidity(n) => status.uid_validity = Some(*n),
            ResponseStatusItem::HighestModSeq(n) => status.highest_modseq = Some(*n),
            ResponseStatusItem::Size(n) => status.size = Some(*n),
            _ => {}
        }
    }
    status
}

fn folder_from_list(item: ListItem) -> Folder {
    let path = item.name.display().into_owned();
    let (label, depth) = match item.delimiter {
        Some(d) => (
            path.rsplit(d).next().unwrap_or(&path).to_string(),
            path.matches(d).count(),
        ),
        None => (path.clone(), 0),
    };
    Folder {
        selectable: item.is_selectable(),
        special_use: item.special_use(),
        delimiter: item.delimiter,
        name: item.name,
        path,
        label,
        depth,
        subscribed: item
            .attributes
            .contains(&webimap_proto::types::mailbox::MailboxAttribute::Subscribed)
            .then_some(true),
        total: None,
        unseen: None,
    }
}

fn folder_rank(f: &Folder) -> u8 {
    use webimap_proto::types::mailbox::SpecialUse;
    if f.is_inbox() {
        return 0;
    }
    match f.special_use {
        Some(SpecialUse::Drafts) => 1,
        Some(SpecialUse::Sent) => 2,
        Some(SpecialUse::Archive) => 3,
        Some(SpecialUse::Junk) => 4,
        Some(SpecialUse::Trash) => 5,
        Some(_) => 6,
        None => 7,
    }
}
