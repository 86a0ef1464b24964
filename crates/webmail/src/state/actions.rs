//! What the user does to messages (flag, move, delete, …) and what that means for the
//! server: [`plan`] turns a [`MessageCommand`] on the current view into a [`Plan`] (pure,
//! so the choice of folders and the confirmation rules are tested natively).

use webimap_client::{
    model::{Folder, MessageSummary},
    proto::types::mailbox::{MailboxName, SpecialUse},
};

use super::mailbox::Mailbox;

/// A flag the user switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// `\Seen` (read).
    Seen,
    /// `\Flagged`.
    Flagged,
}

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

/// A short note at the bottom of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toast {
    /// Tells the timer which toast it was started for.
    pub(crate) id: u32,
    /// What happened.
    pub(crate) text: String,
    /// Undo, for moves.
    pub(crate) undo: Option<Undo>,
    /// Whether this reports a failure.
    pub(crate) error: bool,
}

/// A change another client (or the server) made to the folder shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LiveChange {
    /// New messages.
    Added(Vec<MessageSummary>),
    /// Removed messages.
    Removed(Vec<u32>),
    /// A message's flags.
    Flags {
        /// The message.
        uid: u32,
        /// `\Seen`
        seen: bool,
        /// `\Flagged`
        flagged: bool,
        /// `\Answered`
        answered: bool,
    },
}

/// The folder with `special_use`.
pub(crate) fn special_folder(folders: &[Folder], special_use: SpecialUse) -> Option<&Folder> {
    folders
        .iter()
        .find(|f| f.special_use == Some(special_use) && f.selectable)
}

impl Mailbox {
    /// The messages a command acts on: the selected rows, else the open message.
    pub(crate) fn targets(&self) -> Vec<u32> {
        if !self.selection.uids.is_empty() {
            // In list order, so undo and toasts read naturally.
            let mut uids: Vec<u32> = self
                .order
                .iter()
                .copied()
                .filter(|u| self.selection.uids.contains(u))
                .collect();
            if uids.is_empty() {
                uids = self.selection.uids.iter().copied().collect();
            }
            return uids;
        }
        self.open.into_iter().collect()
    }

    fn summary(&self, uid: u32) -> Option<&MessageSummary> {
        let messages = self.messages.ready()?;
        let i = messages.binary_search_by_key(&uid, |m| m.uid).ok()?;
        messages.get(i)
    }

    /// What `command` means here.
    pub(crate) fn plan(&self, command: MessageCommand) -> Plan {
        let Some(current) = self.selected.clone() else {
            return Plan::Nothing;
        };
        let folders: &[Folder] = self.folders.ready().map_or(&[], Vec::as_slice);
        let uids = match &command {
            MessageCommand::Drop { uids, .. } => uids.clone(),
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
                    .any(|&u| self.summary(u).is_some_and(|m| !m.flagged));
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
        }
    }
}

/// The toast's words for a move of `n` messages.
/// "Message" or "3 messages", to start a toast.
pub(crate) fn messages_text(n: usize) -> String {
    if n == 1 {
        "Message".to_string()
    } else {
        format!("{n} messages")
    }
}

pub(crate) fn moved_text(kind: MoveKind, n: usize, target: &str) -> String {
    let what = messages_text(n);
    match kind {
        MoveKind::Moved => format!("{what} moved to {target}"),
        MoveKind::Deleted => format!("{what} moved to {target}"),
        MoveKind::Archived => format!("{what} archived"),
        MoveKind::Junk => format!("{what} marked as junk"),
    }
}

/// LiveChange flags from wire flags (`\Seen`, …).
pub(crate) fn flags_change(uid: u32, flags: &[String]) -> LiveChange {
    let has = |name: &str| flags.iter().any(|f| f.eq_ignore_ascii_case(name));
    LiveChange::Flags {
        uid,
        seen: has("\\Seen"),
        flagged: has("\\Flagged"),
        answered: has("\\Answered"),
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use yew::Reducible;

    use super::*;
    use crate::state::{list::ClickMods, mailbox::MailboxAction};

    fn folder(path: &str, special_use: Option<SpecialUse>) -> Folder {
        Folder {
            special_use,
            ..crate::state::fixtures::folder(path)
        }
    }

    fn summary(uid: u32) -> MessageSummary {
        MessageSummary {
            uid,
            received: Some(i64::from(uid)),
            ..MessageSummary::default()
        }
    }

    fn showing(path: &str, folders: Vec<Folder>) -> Rc<Mailbox> {
        let name = MailboxName::from_display(path).unwrap();
        [
            MailboxAction::FoldersLoaded(Ok(folders)),
            MailboxAction::FolderSelected(name.clone()),
            MailboxAction::MessagesLoaded {
                folder: name,
                result: Ok((1..=3).map(summary).collect()),
            },
        ]
        .into_iter()
        .fold(Rc::new(Mailbox::default()), Reducible::reduce)
    }

    #[test]
    fn delete_goes_to_trash_and_in_trash_asks_first() {
        let folders = vec![
            folder("INBOX", None),
            folder("Trash", Some(SpecialUse::Trash)),
        ];
        let inbox = showing("INBOX", folders.clone()).reduce(MailboxAction::CursorMoved(2));
        assert_eq!(
            inbox.plan(MessageCommand::Delete),
            Plan::Move {
                uids: vec![2],
                target: MailboxName::from_display("Trash").unwrap(),
                kind: MoveKind::Deleted,
            }
        );
        assert!(matches!(
            inbox.plan(MessageCommand::Archive),
            Plan::Refuse(_)
        ));
        let trash = showing("Trash", folders).reduce(MailboxAction::CursorMoved(2));
        assert_eq!(
            trash.plan(MessageCommand::Delete),
            Plan::ConfirmDelete(vec![2])
        );
    }

    #[test]
    fn removal_moves_the_cursor_and_counts_follow() {
        let s = showing("INBOX", vec![folder("INBOX", None)])
            .reduce(MailboxAction::RowClicked {
                uid: 3,
                mods: ClickMods::default(),
            })
            .reduce(MailboxAction::Removed {
                folder: MailboxName::inbox(),
                uids: vec![3],
            });
        assert_eq!(*s.order, vec![2, 1]);
        assert_eq!(s.selection.cursor, Some(2));
        assert_eq!(s.selected_folder().and_then(|f| f.total), Some(2));
        let s = s.reduce(MailboxAction::Live {
            folder: MailboxName::inbox(),
            changes: vec![
                LiveChange::Added(vec![summary(9)]),
                flags_change(1, &["\\Flagged".into()]),
            ],
        });
        assert_eq!(s.order[0], 9);
        assert!(s.message(1).is_some_and(|m| m.flagged));
        assert_eq!(s.selected_folder().and_then(|f| f.unseen), Some(3));
    }
}
