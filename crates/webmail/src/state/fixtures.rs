//! Test data shared by the state modules' tests.

use std::rc::Rc;

use webimap_client::{
    model::{Folder, MessageSummary},
    proto::types::mailbox::MailboxName,
};
use yew::Reducible;

use super::{
    folder_pane::FolderAction,
    list::ListAction,
    mailbox::{Mailbox, MailboxAction},
    request::Ticket,
};

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

/// An unread message received at `received`.
pub(crate) fn summary(uid: u32, received: Option<i64>) -> MessageSummary {
    MessageSummary {
        uid,
        seq: uid,
        received,
        size: Some(100),
        subject: format!("Message {uid}"),
        ..MessageSummary::default()
    }
}

/// The actions of opening folder `path` as request `ticket`.
pub(crate) fn opened(path: &str, ticket: u64) -> MailboxAction {
    MailboxAction::List(ListAction::Opened {
        folder: name(path),
        ticket: Ticket::new(ticket),
    })
}

/// The newest messages of the opening `ticket`.
pub(crate) fn loaded(ticket: u64, messages: Vec<MessageSummary>) -> MailboxAction {
    MailboxAction::List(ListAction::Loaded {
        ticket: Ticket::new(ticket),
        result: Ok(messages),
    })
}

/// The folder list.
pub(crate) fn listed(folders: Vec<Folder>) -> MailboxAction {
    MailboxAction::Folders(FolderAction::Listed(Ok(folders)))
}

/// Runs `actions` from an empty mailbox.
pub(crate) fn run(actions: Vec<MailboxAction>) -> Rc<Mailbox> {
    actions
        .into_iter()
        .fold(Rc::new(Mailbox::default()), Reducible::reduce)
}

/// A mailbox with `folders` listed and `path` open (as ticket 1) holding `messages`.
pub(crate) fn showing(
    folders: Vec<Folder>,
    path: &str,
    messages: Vec<MessageSummary>,
) -> Rc<Mailbox> {
    run(vec![listed(folders), opened(path, 1), loaded(1, messages)])
}
