//! What the user does to messages (flag, move, delete, …) and what that means for the
//! server: [`plan`] turns a [`MessageCommand`] on the current view into a [`Plan`] (pure,
//! so the choice of folders and the confirmation rules are tested natively).

use webimap_client::{
    model::Folder,
    proto::types::mailbox::{MailboxName, SpecialUse},
};

pub(crate) use super::list::change::Mark;
/// `services` reach the list's changes through here (the browser-only part of the crate).
#[cfg(target_arch = "wasm32")]
pub(crate) use super::list::change::{LiveChange, flags_change};
use super::mailbox::Mailbox;

/// Why messages leave a folder (for the toast's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MoveKind {
    /// Moved by the user to a folder of their choice.
    Moved,
    /// Deleted (to Trash).
    Deleted,
    /// Archived.
    Archived,
    /// Marked as junk.
    Junk,
}

/// A command on the selected messages (or the open one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MessageCommand {
    /// Mark read (true) or unread.
    MarkRead(bool),
    /// Flag if any is unflagged, else unflag.
    ToggleFlag,
    /// To Trash; in Trash, for good after a confirmation.
    Delete,
    /// To the `\Archive` folder.
    Archive,
    /// To the `\Junk` folder.
    Junk,
    /// To a folder.
    MoveTo(MailboxName),
    /// A copy to a folder.
    CopyTo(MailboxName),
    /// Delete these messages for good (the user confirmed it).
    DeleteForGood(Vec<u32>),
    /// Messages dragged onto a folder.
    Drop {
        /// The dragged messages.
        uids: Vec<u32>,
        /// The folder.
        target: MailboxName,
    },
}

/// What the server is asked to do, with what the list does at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Nothing to act on.
    Nothing,
    /// The command cannot be done (the text says why).
    Refuse(String),
    /// Set or clear a flag.
    Flag {
        /// The messages.
        uids: Vec<u32>,
        /// Which flag.
        mark: Mark,
        /// Set or clear.
        on: bool,
    },
    /// Move to another folder (undoable).
    Move {
        /// The messages.
        uids: Vec<u32>,
        /// Where to.
        target: MailboxName,
        /// Why.
        kind: MoveKind,
    },
    /// Copy to another folder.
    Copy {
        /// The messages.
        uids: Vec<u32>,
        /// Where to.
        target: MailboxName,
    },
    /// Ask before deleting for good.
    ConfirmDelete(Vec<u32>),
    /// Delete for good (UID EXPUNGE of exactly these).
    DeleteForGood(Vec<u32>),
}

/// How to take back a move: the moved messages' UIDs in the target folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Undo {
    /// Where they came from (and go back to).
    pub(crate) source: MailboxName,
    /// Where they are now.
    pub(crate) target: MailboxName,
    /// Their UIDs there (COPYUID).
    pub(crate) target_uids: Vec<u32>,
}

/// The folder with `special_use`.
pub(crate) fn special_folder(folders: &[Folder], special_use: SpecialUse) -> Option<&Folder> {
    folders
        .iter()
        .find(|f| f.special_use == Some(special_use) && f.selectable)
}

impl Mailbox {
    /// What `command` means here.
    pub(crate) fn plan(&self, command: MessageCommand) -> Plan {
        let Some(current) = self.list.folder.clone() else {
            return Plan::Nothing;
        };
        let folders = self.folders.list();
        let uids = match &command {
            MessageCommand::Drop { uids, .. } | MessageCommand::DeleteForGood(uids) => uids.clone(),
            _ => self.targets(),
        };
        if uids.is_empty() {
            return Plan::Nothing;
        }
        let to_special = |special: SpecialUse, kind: MoveKind, name: &str| match special_folder(
            folders, special,
        ) {
            Some(f) if f.name == current => Plan::Nothing,
            Some(f) => Plan::Move {
                uids: uids.clone(),
                target: f.name.clone(),
                kind,
            },
            None => Plan::Refuse(format!("There is no {name} folder on this server.")),
        };
        match command {
            MessageCommand::MarkRead(on) => Plan::Flag {
                uids,
                mark: Mark::Seen,
                on,
            },
            MessageCommand::ToggleFlag => {
                let on = uids
                    .iter()
                    .any(|&u| self.list.message(u).is_some_and(|m| !m.flagged));
                Plan::Flag {
                    uids,
                    mark: Mark::Flagged,
                    on,
                }
            }
            MessageCommand::Delete => {
                let trash = special_folder(folders, SpecialUse::Trash);
                match trash {
                    Some(t) if t.name != current => Plan::Move {
                        uids,
                        target: t.name.clone(),
                        kind: MoveKind::Deleted,
                    },
                    // In Trash (or with no Trash at all): for good, once confirmed.
                    _ => Plan::ConfirmDelete(uids),
                }
            }
            MessageCommand::Archive => {
                to_special(SpecialUse::Archive, MoveKind::Archived, "Archive")
            }
            MessageCommand::Junk => to_special(SpecialUse::Junk, MoveKind::Junk, "Junk"),
            MessageCommand::MoveTo(target) | MessageCommand::Drop { target, .. } => {
                if target == current {
                    Plan::Nothing
                } else {
                    Plan::Move {
                        uids,
                        target,
                        kind: MoveKind::Moved,
                    }
                }
            }
            MessageCommand::CopyTo(target) => Plan::Copy { uids, target },
            MessageCommand::DeleteForGood(_) => Plan::DeleteForGood(uids),
        }
    }
}

/// "Message" or "3 messages", to start a toast.
pub(crate) fn messages_text(n: usize) -> String {
    if n == 1 {
        "Message".to_string()
    } else {
        format!("{n} messages")
    }
}

/// The toast's words for a move of `n` messages.
pub(crate) fn moved_text(kind: MoveKind, n: usize, target: &str) -> String {
    let what = messages_text(n);
    match kind {
        MoveKind::Moved => format!("{what} moved to {target}"),
        MoveKind::Deleted => format!("{what} moved to {target}"),
        MoveKind::Archived => format!("{what} archived"),
        MoveKind::Junk => format!("{what} marked as junk"),
    }
}

#[cfg(test)]
mod tests {
    use yew::Reducible;

    use super::*;
    use crate::state::{
        fixtures::{self, name, showing, summary},
        list::{
            SelectionAction,
            change::{Change, LiveChange, flags_change},
            selection::ClickMods,
        },
        mailbox::MailboxAction,
    };

    fn folder(path: &str, special_use: Option<SpecialUse>) -> Folder {
        Folder {
            special_use,
            ..fixtures::folder(path)
        }
    }

    fn cursor(uid: u32) -> MailboxAction {
        MailboxAction::Select(SelectionAction::CursorMoved(uid))
    }

    #[test]
    fn delete_goes_to_trash_and_in_trash_asks_first() {
        let folders = vec![
            folder("INBOX", None),
            folder("Trash", Some(SpecialUse::Trash)),
        ];
        let three = || (1..=3).map(|u| summary(u, Some(i64::from(u)))).collect();
        let inbox = showing(folders.clone(), "INBOX", three()).reduce(cursor(2));
        assert_eq!(
            inbox.plan(MessageCommand::Delete),
            Plan::Move {
                uids: vec![2],
                target: name("Trash"),
                kind: MoveKind::Deleted,
            }
        );
        assert!(matches!(
            inbox.plan(MessageCommand::Archive),
            Plan::Refuse(_)
        ));
        assert_eq!(
            inbox.plan(MessageCommand::MoveTo(name("INBOX"))),
            Plan::Nothing
        );
        let trash = showing(folders, "Trash", three()).reduce(cursor(2));
        assert_eq!(
            trash.plan(MessageCommand::Delete),
            Plan::ConfirmDelete(vec![2])
        );
        // Once confirmed: the messages confirmed, whatever is selected now.
        assert_eq!(
            trash.plan(MessageCommand::DeleteForGood(vec![1, 3])),
            Plan::DeleteForGood(vec![1, 3])
        );
    }

    #[test]
    fn flag_toggles_by_what_the_targets_have() {
        let mut flagged = summary(1, Some(1));
        flagged.flagged = true;
        let s = showing(
            vec![folder("INBOX", None)],
            "INBOX",
            vec![flagged, summary(2, Some(2))],
        );
        let click = |uid, toggle| {
            MailboxAction::Select(SelectionAction::RowClicked {
                uid,
                mods: ClickMods {
                    range: false,
                    toggle,
                },
            })
        };
        let one = s.clone().reduce(click(1, false));
        assert_eq!(
            one.plan(MessageCommand::ToggleFlag),
            Plan::Flag {
                uids: vec![1],
                mark: Mark::Flagged,
                on: false
            }
        );
        // In list order (newest first), and one unflagged message flags them all.
        let both = one.reduce(click(2, true));
        assert_eq!(
            both.plan(MessageCommand::ToggleFlag),
            Plan::Flag {
                uids: vec![2, 1],
                mark: Mark::Flagged,
                on: true
            }
        );
        // Nothing selected and nothing open: nothing to do.
        assert_eq!(s.plan(MessageCommand::MarkRead(true)), Plan::Nothing);
    }

    #[test]
    fn removal_moves_the_cursor_and_counts_follow() {
        let s = showing(
            vec![folder("INBOX", None)],
            "INBOX",
            (1..=3).map(|u| summary(u, Some(i64::from(u)))).collect(),
        )
        .reduce(MailboxAction::Select(SelectionAction::RowClicked {
            uid: 3,
            mods: ClickMods::default(),
        }));
        let (change, _) = s.list.optimistic(Change::Remove(vec![3]));
        let s = s.reduce(MailboxAction::List(change));
        assert_eq!(*s.list.order, vec![2, 1]);
        assert_eq!(s.list.selection.cursor, Some(2));
        assert_eq!(s.selected_folder().and_then(|f| f.total), Some(2));
        let ticket = s.list.ticket;
        let s = s.reduce(MailboxAction::List(crate::state::list::ListAction::Live {
            ticket,
            changes: vec![
                LiveChange::Added(vec![summary(9, Some(9))]),
                flags_change(1, &["\\Flagged".into()]),
            ],
        }));
        assert_eq!(s.list.order[0], 9);
        assert!(s.list.message(1).is_some_and(|m| m.flagged));
        assert_eq!(s.selected_folder().and_then(|f| f.unseen), Some(3));
    }
}
