//! The signed-in view: folders, the selected folder's messages, the open message.
//!
//! Answers carry the folder (and UID) they are for; an answer for a folder or message
//! that is no longer selected is dropped, so quick clicks never show stale data.

use std::rc::Rc;

use webimap_client::{
    model::{Folder, MessageContent, MessageSummary},
    proto::types::mailbox::MailboxName,
};
use yew::Reducible;

use super::{error::UiError, loadable::Loadable};

/// What the signed-in view shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Mailbox {
    /// All folders, INBOX first.
    pub(crate) folders: Loadable<Vec<Folder>>,
    /// The selected folder.
    pub(crate) selected: Option<MailboxName>,
    /// Its messages, newest first.
    pub(crate) messages: Loadable<Vec<MessageSummary>>,
    /// The UID of the open message.
    pub(crate) open: Option<u32>,
    /// The open message.
    pub(crate) message: Loadable<MessageContent>,
}

impl Mailbox {
    /// The selected folder's entry.
    pub(crate) fn selected_folder(&self) -> Option<&Folder> {
        let selected = self.selected.as_ref()?;
        self.folders.ready()?.iter().find(|f| &f.name == selected)
    }
}

/// The folder to open first: INBOX, else the first folder that can be opened.
pub(crate) fn initial_folder(folders: &[Folder]) -> Option<MailboxName> {
    folders
        .iter()
        .find(|f| f.is_inbox() && f.selectable)
        .or_else(|| folders.iter().find(|f| f.selectable))
        .map(|f| f.name.clone())
}

/// Newest first: by arrival time, then by UID (later UIDs arrived later).
pub(crate) fn sort_newest_first(messages: &mut [MessageSummary]) {
    messages.sort_by(|a, b| b.received.cmp(&a.received).then_with(|| b.uid.cmp(&a.uid)));
}

/// What happens in the signed-in view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailboxAction {
    /// Listing folders.
    FoldersLoading,
    /// The folder list arrived (or failed).
    FoldersLoaded(Result<Vec<Folder>, UiError>),
    /// The user (or the start-up) selected a folder: its messages are loading.
    FolderSelected(MailboxName),
    /// A folder's messages arrived (or failed).
    MessagesLoaded {
        /// The folder they are for.
        folder: MailboxName,
        /// Its messages, in any order.
        result: Result<Vec<MessageSummary>, UiError>,
    },
    /// The user opened a message: it is loading.
    MessageOpened(u32),
    /// A message arrived (or failed).
    MessageLoaded {
        /// The folder it is in.
        folder: MailboxName,
        /// Its UID.
        uid: u32,
        /// The message (boxed: it is large).
        result: Result<Box<MessageContent>, UiError>,
    },
}

impl Reducible for Mailbox {
    type Action = MailboxAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            MailboxAction::FoldersLoading => next.folders = Loadable::Loading,
            MailboxAction::FoldersLoaded(result) => next.folders = Loadable::from_result(result),
            MailboxAction::FolderSelected(name) => {
                next.selected = Some(name);
                next.messages = Loadable::Loading;
                next.open = None;
                next.message = Loadable::Idle;
            }
            MailboxAction::MessagesLoaded { folder, result } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.messages = Loadable::from_result(result.map(|mut messages| {
                    sort_newest_first(&mut messages);
                    messages
                }));
            }
            MailboxAction::MessageOpened(uid) => {
                next.open = Some(uid);
                next.message = Loadable::Loading;
            }
            MailboxAction::MessageLoaded {
                folder,
                uid,
                result,
            } => {
                if next.selected.as_ref() != Some(&folder) || next.open != Some(uid) {
                    return self;
                }
                next.message = Loadable::from_result(result.map(|m| *m));
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &str, selectable: bool) -> Folder {
        Folder {
            name: MailboxName::from_display(path).unwrap(),
            path: path.into(),
            label: path.rsplit('/').next().unwrap().into(),
            depth: path.matches('/').count(),
            delimiter: Some('/'),
            special_use: None,
            selectable,
            ..Folder::default()
        }
    }

    fn summary(uid: u32, received: Option<i64>) -> MessageSummary {
        MessageSummary {
            uid,
            seq: uid,
            seen: false,
            flagged: false,
            answered: false,
            received,
            size: Some(100),
            subject: format!("Message {uid}"),
            from: Vec::new(),
            to: Vec::new(),
            cc: Vec::new(),
            date: None,
            message_id: None,
            has_attachments: false,
        }
    }

    fn content(uid: u32) -> MessageContent {
        MessageContent {
            summary: summary(uid, Some(0)),
            text: Some("Hello".into()),
            text_section: Some(vec![1]),
            attachments: Vec::new(),
            ..MessageContent::default()
        }
    }

    fn name(path: &str) -> MailboxName {
        MailboxName::from_display(path).unwrap()
    }

    fn run(actions: Vec<MailboxAction>) -> Rc<Mailbox> {
        actions
            .into_iter()
            .fold(Rc::new(Mailbox::default()), Reducible::reduce)
    }

    #[test]
    fn inbox_is_opened_first() {
        let folders = vec![folder("Archive", true), folder("INBOX", true)];
        assert_eq!(initial_folder(&folders), Some(MailboxName::inbox()));
        let no_inbox = vec![folder("Parent", false), folder("Parent/Child", true)];
        assert_eq!(initial_folder(&no_inbox), Some(name("Parent/Child")));
        assert_eq!(initial_folder(&[]), None);
    }

    #[test]
    fn folders_load() {
        let s = run(vec![MailboxAction::FoldersLoading]);
        assert_eq!(s.folders, Loadable::Loading);
        let s = s.reduce(MailboxAction::FoldersLoaded(Ok(vec![folder(
            "INBOX", true,
        )])));
        assert_eq!(s.folders.ready().map(Vec::len), Some(1));
        let s = run(vec![MailboxAction::FoldersLoaded(Err(
            UiError::ConnectionLost,
        ))]);
        assert_eq!(s.folders, Loadable::Failed(UiError::ConnectionLost));
    }

    #[test]
    fn messages_are_listed_newest_first() {
        let s = run(vec![
            MailboxAction::FoldersLoaded(Ok(vec![folder("INBOX", true)])),
            MailboxAction::FolderSelected(MailboxName::inbox()),
        ]);
        assert_eq!(s.messages, Loadable::Loading);
        assert_eq!(s.selected_folder().map(|f| f.label.as_str()), Some("INBOX"));
        let s = s.reduce(MailboxAction::MessagesLoaded {
            folder: MailboxName::inbox(),
            result: Ok(vec![
                summary(1, Some(100)),
                summary(3, Some(50)),
                summary(2, Some(300)),
                summary(4, None),
            ]),
        });
        let uids: Vec<u32> = s.messages.ready().unwrap().iter().map(|m| m.uid).collect();
        assert_eq!(uids, vec![2, 1, 3, 4]);
    }

    #[test]
    fn equal_times_put_the_higher_uid_first() {
        let mut messages = vec![summary(1, Some(10)), summary(2, Some(10))];
        sort_newest_first(&mut messages);
        assert_eq!(messages[0].uid, 2);
    }

    #[test]
    fn answers_for_another_folder_are_dropped() {
        let s = run(vec![
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::FolderSelected(name("Archive")),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(1, None)]),
            },
        ]);
        assert_eq!(s.selected, Some(name("Archive")));
        assert_eq!(s.messages, Loadable::Loading);
    }

    #[test]
    fn opening_a_message_and_switching_folders() {
        let s = run(vec![
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(5, None)]),
            },
            MailboxAction::MessageOpened(5),
        ]);
        assert_eq!(s.open, Some(5));
        assert_eq!(s.message, Loadable::Loading);
        // A late answer for another message is dropped.
        let s = s.reduce(MailboxAction::MessageLoaded {
            folder: MailboxName::inbox(),
            uid: 4,
            result: Ok(Box::new(content(4))),
        });
        assert_eq!(s.message, Loadable::Loading);
        let s = s.reduce(MailboxAction::MessageLoaded {
            folder: MailboxName::inbox(),
            uid: 5,
            result: Ok(Box::new(content(5))),
        });
        assert_eq!(s.message.ready().map(|m| m.summary.uid), Some(5));
        // Selecting a folder closes the message.
        let s = s.reduce(MailboxAction::FolderSelected(name("Archive")));
        assert_eq!(s.open, None);
        assert_eq!(s.message, Loadable::Idle);
        // And the answer for the old folder's message is dropped.
        let s = s.reduce(MailboxAction::MessageLoaded {
            folder: MailboxName::inbox(),
            uid: 5,
            result: Err(UiError::ConnectionLost),
        });
        assert_eq!(s.message, Loadable::Idle);
    }

    #[test]
    fn failures_are_kept_per_pane() {
        let s = run(vec![
            MailboxAction::FoldersLoaded(Ok(vec![folder("INBOX", true)])),
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Err(UiError::Refused("Mailbox doesn't exist".into())),
            },
        ]);
        assert!(s.folders.ready().is_some());
        assert!(matches!(s.messages, Loadable::Failed(UiError::Refused(_))));
    }
}
