//! Folders: listing with roles and counts, creating, renaming, deleting, subscribing.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{Command, ListOptions},
    mailbox::ListItem,
    response::Data,
};

use super::Client;
use crate::{error::ClientError, model::Folder};

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// All folders, INBOX first, then special-use ones, then the rest in name order (parents
    /// before their children).
    pub async fn list_folders(&mut self) -> Result<Vec<Folder>, ClientError> {
        let response = self
            .conn
            .execute(Command::list_all(ListOptions::default()))
            .await?;
        let mut folders: Vec<Folder> = response
            .data
            .into_iter()
            .filter_map(|d| match d {
                Data::List(item) => Some(folder_from_list(item)),
                _ => None,
            })
            .collect();
        folders.sort_by(|a, b| {
            folder_rank(a)
                .cmp(&folder_rank(b))
                .then_with(|| a.path.cmp(&b.path))
        });
        Ok(folders)
    }
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
