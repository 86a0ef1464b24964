//! Test data shared by the state modules' tests.

use webimap_client::{model::Folder, proto::types::mailbox::MailboxName};

/// A mailbox name from its path as a user reads it.
pub(crate) fn name(path: &str) -> MailboxName {
    MailboxName::from_display(path).unwrap()
}

/// A selectable folder at `path` (`/` between levels).
pub(crate) fn folder(path: &str) -> Folder {
    Folder {
        name: name(path),
        path: path.into(),
        label: path.rsplit('/').next().unwrap_or(path).into(),
        depth: path.matches('/').count(),
        delimiter: Some('/'),
        selectable: true,
        ..Folder::default()
    }
}
