//! The signed-in view. Each concern keeps its own state and actions — the folder pane
//! ([`FolderPane`]), the selected folder's list ([`Listing`]: data, view and selection),
//! the reading pane ([`Reader`]) — and this module composes them and keeps what one
//! means for another: opening a folder closes the message, an open message that leaves
//! the folder closes, the open message's flags follow its row, and the folder's counts
//! follow its messages once all are listed.

use std::rc::Rc;

use webimap_client::model::Folder;
use yew::Reducible;

use super::{
    folder_pane::{FolderAction, FolderPane},
    list::{ListAction, Listing, SelectionAction, ViewAction, selection::Selection},
    place::Place,
    reader::{Reader, ReaderAction},
};

/// Which pane a narrow screen shows (wide screens show all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Pane {
    /// The folder list.
    Folders,
    /// The message list.
    #[default]
    List,
    /// The open message.
    Message,
}

/// What the signed-in view shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Mailbox {
    /// All folders.
    pub(crate) folders: FolderPane,
    /// The selected folder's messages.
    pub(crate) list: Listing,
    /// The open message.
    pub(crate) reader: Reader,
    /// The pane a narrow screen shows.
    pub(crate) pane: Pane,
}

/// What happens in the signed-in view, by concern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailboxAction {
    /// To the folder list.
    Folders(FolderAction),
    /// To the selected folder's messages.
    List(ListAction),
    /// To how the list is shown.
    View(ViewAction),
    /// To the selection.
    Select(SelectionAction),
    /// To the open message.
    Reader(ReaderAction),
    /// A narrow screen shows another pane.
    PaneShown(Pane),
}

impl Mailbox {
    /// The selected folder's entry.
    pub(crate) fn selected_folder(&self) -> Option<&Folder> {
        self.folders.find(self.list.folder.as_ref()?)
    }

    /// The row `delta` rows from the cursor (or the open message), for j/k.
    pub(crate) fn neighbour(&self, delta: isize) -> Option<u32> {
        let from = self.list.selection.cursor.or(self.reader.open);
        super::list::selection::step(&self.list.order, from, delta)
    }

    /// The messages a command acts on: the selected rows in list order, else the open
    /// message.
    pub(crate) fn targets(&self) -> Vec<u32> {
        let selected = &self.list.selection.uids;
        if selected.is_empty() {
            return self.reader.open.into_iter().collect();
        }
        let uids: Vec<u32> = self
            .list
            .order
            .iter()
            .copied()
            .filter(|u| selected.contains(u))
            .collect();
        if uids.is_empty() {
            return selected.iter().copied().collect();
        }
        uids
    }

    /// Where the user is: the folder, the open message, the search text.
    pub(crate) fn place(&self) -> Place {
        Place {
            folder: self.list.folder.clone(),
            message: self.reader.open,
            query: self.list.view.query.clone(),
        }
    }

    /// The open message's flags as its row has them.
    fn sync_reader_flags(&mut self) {
        let Some(open) = self.reader.message.ready() else {
            return;
        };
        let Some(row) = self.list.message(open.summary.uid) else {
            return;
        };
        if (
            open.summary.seen,
            open.summary.flagged,
            open.summary.answered,
        ) == (row.seen, row.flagged, row.answered)
        {
            return;
        }
        let (seen, flagged, answered) = (row.seen, row.flagged, row.answered);
        if let super::loadable::Loadable::Ready(open) = &mut self.reader.message {
            (
                open.summary.seen,
                open.summary.flagged,
                open.summary.answered,
            ) = (seen, flagged, answered);
        }
    }

    /// The selected folder's counts, from its messages once all have arrived.
    fn count(&mut self) {
        let (Some(folder), Some(messages)) = (&self.list.folder, self.list.messages.ready()) else {
            return;
        };
        if !self.list.is_complete() {
            return;
        }
        let total = u32::try_from(messages.len()).unwrap_or(u32::MAX);
        let unseen = u32::try_from(messages.iter().filter(|m| !m.seen).count()).unwrap_or(0);
        self.folders.set_counts(folder, total, unseen);
    }

    fn close_message(&mut self) {
        self.reader.apply(ReaderAction::Closed);
        if self.pane == Pane::Message {
            self.pane = Pane::List;
        }
    }
}

impl Reducible for Mailbox {
    type Action = MailboxAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let applied = match action {
            MailboxAction::Folders(action) => {
                let applied = next.folders.apply(action);
                next.count();
                applied
            }
            MailboxAction::List(action) => {
                let opened = matches!(action, ListAction::Opened { .. });
                let open_was_listed = next
                    .reader
                    .open
                    .is_some_and(|uid| next.list.message(uid).is_some());
                if !next.list.apply(action) {
                    return self;
                }
                if opened {
                    next.reader = Reader::default();
                    next.pane = Pane::List;
                } else if open_was_listed
                    && let Some(uid) = next.reader.open
                    && next.list.message(uid).is_none()
                {
                    // The open message left the folder.
                    next.close_message();
                }
                next.sync_reader_flags();
                next.count();
                true
            }
            MailboxAction::View(action) => next.list.apply_view(action),
            MailboxAction::Select(action) => {
                next.list.apply_selection(action);
                true
            }
            MailboxAction::Reader(action) => match action {
                ReaderAction::Opened { uid, .. } => {
                    next.reader.apply(action);
                    next.pane = Pane::Message;
                    let selection = &next.list.selection;
                    if !selection.uids.contains(&uid) || selection.uids.len() > 1 {
                        next.list.selection = Selection::single(uid);
                    }
                    true
                }
                ReaderAction::Closed => {
                    next.close_message();
                    true
                }
                action => {
                    let applied = next.reader.apply(action);
                    next.sync_reader_flags();
                    applied
                }
            },
            MailboxAction::PaneShown(pane) => {
                next.pane = pane;
                true
            }
        };
        if !applied {
            return self;
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
