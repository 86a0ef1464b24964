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

use super::{
    actions::{LiveChange, Mark, Toast},
    conversations::{Conversation, ThreadMark},
    error::UiError,
    list::{
        ClickMods, ListView, QuickFilter, Selection, ServerHits, ServerOrder, SortKey,
        search_words, step, visible_rows,
    },
    loadable::Loadable,
    message::{AttachedMessage, BodyView, Overlay, Reading},
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
    /// All folders, INBOX first.
    pub(crate) folders: Loadable<Vec<Folder>>,
    /// The selected folder.
    pub(crate) selected: Option<MailboxName>,
    /// Its messages, by UID (shared: lists can be long).
    pub(crate) messages: Loadable<Rc<Vec<MessageSummary>>>,
    /// While a big folder's messages arrive in batches after its newest ones: how many
    /// it holds.
    pub(crate) syncing: Option<usize>,
    /// How the list is sorted, filtered and searched.
    pub(crate) view: ListView,
    /// The UIDs of the rows shown, top to bottom.
    pub(crate) order: Rc<Vec<u32>>,
    /// In conversation view, each row's place in its conversation.
    pub(crate) marks: Rc<std::collections::HashMap<u32, ThreadMark>>,
    /// Selected rows and the keyboard cursor.
    pub(crate) selection: Selection,
    /// The UID of the open message.
    pub(crate) open: Option<u32>,
    /// The open message.
    pub(crate) message: Loadable<MessageContent>,
    /// How the open message is shown.
    pub(crate) reading: Reading,
    /// The pane a narrow screen shows.
    pub(crate) pane: Pane,
    /// A dialog, if one is open.
    pub(crate) overlay: Option<Overlay>,
    /// A note at the bottom (with Undo after moves).
    pub(crate) toast: Option<Toast>,
    /// Whether opening a message marks it read.
    pub(crate) mark_read_on_open: bool,
    /// Senders (addresses, lower case) whose mail always loads remote content.
    pub(crate) trusted_senders: Rc<std::collections::BTreeSet<String>>,
}

/// Messages in UID order (one instance of the sort for both callers).
fn sort_by_uid(messages: &mut [MessageSummary]) {
    messages.sort_by_key(|m| m.uid);
}

impl Mailbox {
    /// The selected folder's entry.
    pub(crate) fn selected_folder(&self) -> Option<&Folder> {
        let selected = self.selected.as_ref()?;
        self.folders.ready()?.iter().find(|f| &f.name == selected)
    }

    /// The row `delta` rows from the cursor (or the open message), for j/k.
    pub(crate) fn neighbour(&self, delta: isize) -> Option<u32> {
        step(&self.order, self.selection.cursor.or(self.open), delta)
    }

    /// A message of the selected folder.
    pub(crate) fn message(&self, uid: u32) -> Option<&MessageSummary> {
        let messages = self.messages.ready()?;
        messages
            .binary_search_by_key(&uid, |m| m.uid)
            .ok()
            .map(|i| &messages[i])
    }

    /// The summaries of these messages as they are now (to restore if the server refuses).
    pub(crate) fn summaries(&self, uids: &[u32]) -> Vec<MessageSummary> {
        uids.iter()
            .filter_map(|&u| self.message(u).cloned())
            .collect()
    }

    /// Changes the selected folder's messages (kept sorted by UID), then the rows and the
    /// folder's counts.
    fn edit_messages(&mut self, edit: impl FnOnce(&mut Vec<MessageSummary>)) {
        let Loadable::Ready(messages) = &mut self.messages else {
            return;
        };
        let messages = Rc::make_mut(messages);
        edit(messages);
        sort_by_uid(messages);
        messages.dedup_by_key(|m| m.uid);
        self.reorder();
        self.count();
    }

    /// The selected folder's counts, from its messages (once all have arrived).
    fn count(&mut self) {
        let (Some(selected), Some(messages)) = (&self.selected, self.messages.ready()) else {
            return;
        };
        if self.syncing.is_some() {
            return;
        }
        let total = u32::try_from(messages.len()).unwrap_or(u32::MAX);
        let unseen = u32::try_from(messages.iter().filter(|m| !m.seen).count()).unwrap_or(0);
        if let Loadable::Ready(folders) = &mut self.folders
            && let Some(f) = folders.iter_mut().find(|f| &f.name == selected)
        {
            f.total = Some(total);
            f.unseen = Some(unseen);
        }
    }

    /// Removes messages: the cursor goes to the row after them, a removed open message
    /// closes.
    fn remove(&mut self, uids: &[u32]) {
        if uids.is_empty() {
            return;
        }
        let gone: std::collections::BTreeSet<u32> = uids.iter().copied().collect();
        let last = self.order.iter().rposition(|u| gone.contains(u));
        let next = last.and_then(|i| {
            self.order[i..]
                .iter()
                .chain(self.order[..i].iter().rev())
                .find(|u| !gone.contains(u))
                .copied()
        });
        let had_selection = self.selection.uids.iter().any(|u| gone.contains(u));
        self.edit_messages(|m| m.retain(|s| !gone.contains(&s.uid)));
        if self.open.is_some_and(|u| gone.contains(&u)) {
            self.open = None;
            self.message = Loadable::Idle;
            self.reading = Reading::default();
            if self.pane == Pane::Message {
                self.pane = Pane::List;
            }
        }
        if had_selection && let Some(next) = next {
            self.selection = Selection::single(next);
        }
    }

    fn reorder(&mut self) {
        let rows = match self.messages.ready() {
            Some(messages) => visible_rows(messages, &self.view)
                .into_iter()
                .map(|(i, mark)| (messages[i].uid, mark))
                .collect(),
            None => Vec::new(),
        };
        let order: Vec<u32> = rows.iter().map(|&(uid, _)| uid).collect();
        let marks = rows
            .into_iter()
            .filter_map(|(uid, mark)| Some((uid, mark?)))
            .collect();
        self.selection.retain(&order);
        self.order = Rc::new(order);
        self.marks = Rc::new(marks);
    }

    /// Forgets the server's answers about the list (another folder is shown).
    fn forget_server_view(&mut self) {
        self.view.hits = None;
        self.view.server_order = None;
        self.view.threads = None;
        self.view.searching = !search_words(&self.view.query).is_empty();
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

/// What happens in the signed-in view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailboxAction {
    /// Listing folders.
    FoldersLoading,
    /// The folder list arrived (or failed).
    FoldersLoaded(Result<Vec<Folder>, UiError>),
    /// The user (or the start-up) selected a folder: its messages are loading.
    FolderSelected(MailboxName),
    /// The rest of a big folder is loading (`Some(total)`), or has loaded (`None`).
    Syncing {
        /// The folder.
        folder: MailboxName,
        /// How many messages it holds.
        total: Option<usize>,
    },
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
    /// The open message was closed (back to the list).
    MessageClosed,
    /// A row was clicked.
    RowClicked {
        /// Its UID.
        uid: u32,
        /// Shift, Ctrl/Cmd.
        mods: ClickMods,
    },
    /// Every row shown is selected.
    AllSelected,
    /// The keyboard cursor moved to `uid`, selecting it alone.
    CursorMoved(u32),
    /// The list order changed.
    SortChanged(SortKey),
    /// A quick filter was switched.
    FilterToggled(QuickFilter),
    /// The search text changed.
    QueryChanged(String),
    /// The server searched the selected folder for `words`.
    SearchAnswered {
        /// The folder searched.
        folder: MailboxName,
        /// The words searched for.
        words: Vec<String>,
        /// The UIDs found (`None`: the search failed).
        uids: Option<Vec<u32>>,
    },
    /// The server sorted the selected folder.
    SortAnswered {
        /// The folder sorted.
        folder: MailboxName,
        /// The sort key.
        sort: SortKey,
        /// Its UIDs in the server's order.
        uids: Vec<u32>,
    },
    /// Conversation view on or off.
    ConversationsToggled,
    /// The server's conversations of the selected folder (THREAD).
    ThreadsAnswered {
        /// The folder.
        folder: MailboxName,
        /// Its conversations.
        threads: Vec<Conversation>,
    },
    /// A narrow screen shows another pane.
    PaneShown(Pane),
    /// HTML or text.
    BodyViewChanged(BodyView),
    /// The user allowed remote content for message `uid`.
    RemoteAllowed(u32),
    /// The user allowed remote content for every message from this address.
    SenderTrusted(String),
    /// An inline image of message `uid` arrived.
    InlineImageLoaded {
        /// The message.
        uid: u32,
        /// Its Content-ID.
        content_id: String,
        /// A `data:` URL.
        url: String,
    },
    /// A dialog opened.
    OverlayOpened(Overlay),
    /// The message source arrived.
    SourceLoaded(Result<String, UiError>),
    /// An attached message arrived.
    AttachedLoaded(Result<AttachedMessage, UiError>),
    /// The dialog closed.
    OverlayClosed,
    /// A flag was switched (at once, before the server confirms).
    Marked {
        /// The messages.
        uids: Vec<u32>,
        /// Which flag.
        mark: Mark,
        /// Set or cleared.
        on: bool,
    },
    /// Messages left the selected folder (at once, before the server confirms).
    Removed {
        /// The folder.
        folder: MailboxName,
        /// The messages.
        uids: Vec<u32>,
    },
    /// Messages are back as they were (the server refused a change), or arrived.
    Restored {
        /// The folder.
        folder: MailboxName,
        /// The messages as they are.
        messages: Vec<MessageSummary>,
    },
    /// The sizes of messages listed without them (the first rows of a folder).
    SizesLoaded {
        /// The folder.
        folder: MailboxName,
        /// `(uid, size)` pairs.
        sizes: Vec<(u32, u64)>,
    },
    /// Changes from other clients.
    Live {
        /// The folder.
        folder: MailboxName,
        /// What changed.
        changes: Vec<LiveChange>,
    },
    /// A folder is shown in the folder pane (subscribed) or hidden, at once (the server
    /// is asked; a refusal brings the list back as the server has it).
    FolderShown {
        /// The folder.
        folder: MailboxName,
        /// Shown.
        on: bool,
    },
    /// The folder list again (fresh counts), keeping what is shown.
    FoldersRefreshed(Vec<Folder>),
    /// A toast appears (replacing any other).
    ToastShown(Toast),
    /// The toast with this id goes away (a later one stays).
    ToastExpired(u32),
    /// Whether opening a message marks it read.
    MarkReadOnOpenSet(bool),
}

impl Reducible for Mailbox {
    type Action = MailboxAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            MailboxAction::FoldersLoading => next.folders = Loadable::Loading,
            MailboxAction::FoldersLoaded(result) => {
                next.folders = Loadable::from_result(result);
                next.count();
            }
            MailboxAction::FolderSelected(name) => {
                next.selected = Some(name);
                next.messages = Loadable::Loading;
                next.order = Rc::default();
                next.marks = Rc::default();
                next.syncing = None;
                next.forget_server_view();
                next.selection = Selection::default();
                next.open = None;
                next.message = Loadable::Idle;
                next.reading = Reading::default();
                next.pane = Pane::List;
            }
            MailboxAction::MessagesLoaded { folder, result } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.messages = Loadable::from_result(result.map(|mut messages| {
                    sort_by_uid(&mut messages);
                    Rc::new(messages)
                }));
                next.reorder();
                next.count();
            }
            MailboxAction::Syncing { folder, total } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.syncing = total;
                next.count();
            }
            MailboxAction::MessageOpened(uid) => {
                if next.open != Some(uid) {
                    next.reading = Reading::default();
                }
                next.open = Some(uid);
                next.message = Loadable::Loading;
                next.pane = Pane::Message;
                if !next.selection.uids.contains(&uid) || next.selection.uids.len() > 1 {
                    next.selection = Selection::single(uid);
                }
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
            MailboxAction::MessageClosed => {
                next.open = None;
                next.message = Loadable::Idle;
                next.reading = Reading::default();
                next.pane = Pane::List;
            }
            MailboxAction::RowClicked { uid, mods } => {
                next.selection.click(uid, mods, &self.order);
            }
            MailboxAction::AllSelected => {
                next.selection.uids = self.order.iter().copied().collect();
            }
            MailboxAction::CursorMoved(uid) => next.selection = Selection::single(uid),
            MailboxAction::SortChanged(sort) => {
                next.view.sort = sort;
                next.reorder();
            }
            MailboxAction::FilterToggled(filter) => {
                next.view.toggle(filter);
                next.reorder();
            }
            MailboxAction::QueryChanged(query) => {
                let words = search_words(&query);
                if next.view.hits.as_ref().is_none_or(|h| h.words != words) {
                    next.view.hits = None;
                    next.view.searching = !words.is_empty();
                }
                next.view.query = query;
                next.reorder();
            }
            MailboxAction::SearchAnswered {
                folder,
                words,
                uids,
            } => {
                if next.selected.as_ref() != Some(&folder)
                    || search_words(&next.view.query) != words
                {
                    return self;
                }
                next.view.searching = false;
                next.view.hits = uids.map(|uids| ServerHits {
                    words,
                    uids: Rc::new(uids.into_iter().collect()),
                });
                next.reorder();
            }
            MailboxAction::SortAnswered { folder, sort, uids } => {
                if next.selected.as_ref() != Some(&folder) || next.view.sort != sort {
                    return self;
                }
                let rank = uids.into_iter().enumerate().map(|(i, u)| (u, i)).collect();
                next.view.server_order = Some(ServerOrder {
                    sort,
                    rank: Rc::new(rank),
                });
                next.reorder();
            }
            MailboxAction::ConversationsToggled => {
                next.view.conversations = !next.view.conversations;
                next.reorder();
            }
            MailboxAction::ThreadsAnswered { folder, threads } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.view.threads = Some(Rc::new(threads));
                next.reorder();
            }
            MailboxAction::PaneShown(pane) => next.pane = pane,
            MailboxAction::BodyViewChanged(view) => next.reading.view = view,
            MailboxAction::RemoteAllowed(uid) => {
                if next.open != Some(uid) {
                    return self;
                }
                next.reading.remote_allowed = Some(uid);
            }
            MailboxAction::SenderTrusted(address) => {
                Rc::make_mut(&mut next.trusted_senders).insert(address.to_lowercase());
            }
            MailboxAction::InlineImageLoaded {
                uid,
                content_id,
                url,
            } => {
                if next.open != Some(uid) {
                    return self;
                }
                next.reading.inline_images.insert(content_id, url);
            }
            MailboxAction::OverlayOpened(overlay) => next.overlay = Some(overlay),
            MailboxAction::SourceLoaded(result) => {
                if !matches!(next.overlay, Some(Overlay::Source(_))) {
                    return self;
                }
                next.overlay = Some(Overlay::Source(Loadable::from_result(result)));
            }
            MailboxAction::AttachedLoaded(result) => {
                if !matches!(next.overlay, Some(Overlay::Attached(_))) {
                    return self;
                }
                next.overlay = Some(Overlay::Attached(Loadable::from_result(result)));
            }
            MailboxAction::OverlayClosed => next.overlay = None,
            MailboxAction::Marked { uids, mark, on } => {
                next.edit_messages(|messages| {
                    for m in messages.iter_mut().filter(|m| uids.contains(&m.uid)) {
                        match mark {
                            Mark::Seen => m.seen = on,
                            Mark::Flagged => m.flagged = on,
                        }
                    }
                });
                if let Loadable::Ready(open) = &mut next.message
                    && uids.contains(&open.summary.uid)
                {
                    match mark {
                        Mark::Seen => open.summary.seen = on,
                        Mark::Flagged => open.summary.flagged = on,
                    }
                }
            }
            MailboxAction::Removed { folder, uids } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.remove(&uids);
            }
            MailboxAction::Restored { folder, messages } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                next.edit_messages(|m| {
                    let fresh: std::collections::BTreeSet<u32> =
                        messages.iter().map(|s| s.uid).collect();
                    m.retain(|s| !fresh.contains(&s.uid));
                    m.extend(messages);
                });
            }
            MailboxAction::SizesLoaded { folder, sizes } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                let sizes: std::collections::HashMap<u32, u64> = sizes.into_iter().collect();
                next.edit_messages(|m| {
                    for s in m.iter_mut() {
                        if let Some(&size) = sizes.get(&s.uid) {
                            s.size = Some(size);
                        }
                    }
                });
            }
            MailboxAction::Live { folder, changes } => {
                if next.selected.as_ref() != Some(&folder) {
                    return self;
                }
                for change in changes {
                    match change {
                        LiveChange::Added(added) => next.edit_messages(|m| {
                            let known: std::collections::BTreeSet<u32> =
                                m.iter().map(|s| s.uid).collect();
                            m.extend(added.into_iter().filter(|s| !known.contains(&s.uid)));
                        }),
                        LiveChange::Removed(uids) => next.remove(&uids),
                        LiveChange::Flags {
                            uid,
                            seen,
                            flagged,
                            answered,
                        } => {
                            next.edit_messages(|m| {
                                if let Some(s) = m.iter_mut().find(|s| s.uid == uid) {
                                    (s.seen, s.flagged, s.answered) = (seen, flagged, answered);
                                }
                            });
                        }
                    }
                }
            }
            MailboxAction::FolderShown { folder, on } => {
                let Loadable::Ready(folders) = &mut next.folders else {
                    return self;
                };
                let Some(f) = folders.iter_mut().find(|f| f.name == folder) else {
                    return self;
                };
                f.subscribed = Some(on);
            }
            MailboxAction::FoldersRefreshed(folders) => {
                next.folders = Loadable::Ready(folders);
                next.count();
            }
            MailboxAction::ToastShown(toast) => next.toast = Some(toast),
            MailboxAction::ToastExpired(id) => {
                if next.toast.as_ref().map(|t| t.id) != Some(id) {
                    return self;
                }
                next.toast = None;
            }
            MailboxAction::MarkReadOnOpenSet(on) => next.mark_read_on_open = on,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::state::fixtures::name;

    fn folder(path: &str, selectable: bool) -> Folder {
        Folder {
            selectable,
            ..crate::state::fixtures::folder(path)
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
            ..MessageContent::default()
        }
    }

    fn run(actions: Vec<MailboxAction>) -> Rc<Mailbox> {
        actions
            .into_iter()
            .fold(Rc::new(Mailbox::default()), Reducible::reduce)
    }

    #[test]
    fn server_answers_for_another_text_folder_or_key_are_dropped() {
        let s = run(vec![
            MailboxAction::FoldersLoaded(Ok(vec![folder("INBOX", true), folder("Work", true)])),
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(1, Some(1)), summary(2, Some(2))]),
            },
            MailboxAction::QueryChanged("tidy".into()),
        ]);
        assert!(s.view.searching);
        assert!(s.order.is_empty());
        let answer = |folder: &str, text: &str| MailboxAction::SearchAnswered {
            folder: name(folder),
            words: search_words(text),
            uids: Some(vec![2]),
        };
        // Stale: another folder, another text.
        assert_eq!(s.clone().reduce(answer("Work", "tidy")).view.hits, None);
        assert_eq!(s.clone().reduce(answer("INBOX", "tid")).view.hits, None);
        let s = s.reduce(answer("INBOX", "TIDY"));
        assert!(!s.view.searching);
        assert_eq!(*s.order, vec![2]);
        // A failed search leaves the local matches.
        let failed = s.clone().reduce(MailboxAction::QueryChanged("x".into()));
        let failed = failed.reduce(MailboxAction::SearchAnswered {
            folder: MailboxName::inbox(),
            words: search_words("x"),
            uids: None,
        });
        assert!(!failed.view.searching && failed.order.is_empty());
        // Another folder forgets the hits and searches again.
        let s = s.reduce(MailboxAction::FolderSelected(name("Work")));
        assert!(s.view.hits.is_none() && s.view.searching);
        // SORT answers only count for the key shown.
        let s = run(vec![
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(1, Some(1)), summary(2, Some(2))]),
            },
        ]);
        let sorted = |sort| MailboxAction::SortAnswered {
            folder: MailboxName::inbox(),
            sort,
            uids: vec![1, 2],
        };
        assert!(
            s.clone()
                .reduce(sorted(SortKey::Subject))
                .view
                .server_order
                .is_none()
        );
        let s = s.reduce(MailboxAction::SortChanged(SortKey::Subject));
        let s = s.reduce(sorted(SortKey::Subject));
        assert_eq!(*s.order, vec![1, 2]);
        // Conversations: threads from the server mark the replies.
        let s = s.reduce(MailboxAction::ConversationsToggled);
        let s = s.reduce(MailboxAction::ThreadsAnswered {
            folder: MailboxName::inbox(),
            threads: vec![vec![(1, 0), (2, 1)]],
        });
        assert_eq!(*s.order, vec![1, 2]);
        assert_eq!(s.marks.get(&2).map(|m| m.depth), Some(1));
        assert_eq!(s.marks.get(&1).map(|m| m.size), Some(2));
    }

    #[test]
    fn a_big_folder_arrives_in_batches_and_counts_once_complete() {
        let mut inbox = folder("INBOX", true);
        (inbox.total, inbox.unseen) = (Some(3), Some(3));
        let s = run(vec![
            MailboxAction::FoldersLoaded(Ok(vec![inbox])),
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::Syncing {
                folder: MailboxName::inbox(),
                total: Some(3),
            },
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(3, Some(3))]),
            },
        ]);
        assert_eq!(s.syncing, Some(3));
        // The server's counts stay while the list is incomplete.
        assert_eq!(s.selected_folder().and_then(|f| f.total), Some(3));
        // The first rows' sizes arrive apart, without touching anything else.
        let s = s.reduce(MailboxAction::SizesLoaded {
            folder: MailboxName::inbox(),
            sizes: vec![(3, 1234), (99, 5)],
        });
        let m = s.messages.ready().unwrap();
        assert_eq!((m.len(), m[0].uid, m[0].size), (1, 3, Some(1234)));
        let s = s.reduce(MailboxAction::Restored {
            folder: MailboxName::inbox(),
            messages: vec![summary(2, Some(2)), summary(1, Some(1))],
        });
        assert_eq!(*s.order, vec![3, 2, 1]);
        let s = s.reduce(MailboxAction::Syncing {
            folder: MailboxName::inbox(),
            total: None,
        });
        assert_eq!(s.syncing, None);
        assert_eq!(s.selected_folder().and_then(|f| f.total), Some(3));
        // Progress for a folder no longer shown is dropped.
        let s = s.reduce(MailboxAction::Syncing {
            folder: name("Work"),
            total: Some(9),
        });
        assert_eq!(s.syncing, None);
    }

    #[test]
    fn trusted_senders_are_kept_in_lower_case_across_messages() {
        let s = run(vec![
            MailboxAction::SenderTrusted("News@Remote.test".into()),
            MailboxAction::MessageOpened(1),
            MailboxAction::MessageOpened(2),
        ]);
        assert!(s.trusted_senders.contains("news@remote.test"));
    }

    #[test]
    fn folders_hide_at_once() {
        let s = run(vec![MailboxAction::FoldersLoaded(Ok(vec![
            folder("INBOX", true),
            folder("Old", true),
        ]))]);
        let s = s.reduce(MailboxAction::FolderShown {
            folder: name("Old"),
            on: false,
        });
        let old = s
            .folders
            .ready()
            .and_then(|f| f.iter().find(|f| f.path == "Old"));
        assert_eq!(old.and_then(|f| f.subscribed), Some(false));
        let same = s.clone().reduce(MailboxAction::FolderShown {
            folder: name("Gone"),
            on: true,
        });
        assert_eq!(same, s);
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
        assert_eq!(*s.order, vec![2, 1, 3, 4]);
    }

    #[test]
    fn equal_times_put_the_higher_uid_first() {
        let s = run(vec![
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok(vec![summary(1, Some(10)), summary(2, Some(10))]),
            },
        ]);
        assert_eq!(s.order[0], 2);
    }

    #[test]
    fn list_view_selection_and_reading() {
        let s = run(vec![
            MailboxAction::FolderSelected(MailboxName::inbox()),
            MailboxAction::MessagesLoaded {
                folder: MailboxName::inbox(),
                result: Ok((1..=4).map(|u| summary(u, Some(i64::from(u)))).collect()),
            },
            MailboxAction::RowClicked {
                uid: 4,
                mods: ClickMods::default(),
            },
            MailboxAction::RowClicked {
                uid: 2,
                mods: ClickMods {
                    range: true,
                    toggle: false,
                },
            },
        ]);
        assert_eq!(s.selection.uids.len(), 3);
        assert_eq!(s.neighbour(1), Some(1));
        let s = s.reduce(MailboxAction::AllSelected);
        assert_eq!(s.selection.uids.len(), 4);
        let s = s.reduce(MailboxAction::QueryChanged("Message 3".into()));
        assert_eq!(*s.order, vec![3]);
        assert_eq!(s.selection.uids.len(), 1);
        let s = s.reduce(MailboxAction::QueryChanged(String::new()));
        let s = s.reduce(MailboxAction::SortChanged(SortKey::Oldest));
        assert_eq!(*s.order, vec![1, 2, 3, 4]);
        // Opening a message resets how it is shown and shows the reading pane.
        let s = s.reduce(MailboxAction::MessageOpened(2));
        assert_eq!(s.pane, Pane::Message);
        let s = s.reduce(MailboxAction::RemoteAllowed(2));
        assert_eq!(s.reading.remote_allowed, Some(2));
        let s = s.reduce(MailboxAction::RemoteAllowed(3));
        assert_eq!(s.reading.remote_allowed, Some(2));
        let s = s.reduce(MailboxAction::MessageOpened(3));
        assert_eq!(s.reading.remote_allowed, None);
        let s = s.reduce(MailboxAction::MessageClosed);
        assert_eq!((s.open, s.pane), (None, Pane::List));
        // A late source for a closed dialog is dropped.
        let s = s.reduce(MailboxAction::SourceLoaded(Ok("x".into())));
        assert_eq!(s.overlay, None);
        let s = s.reduce(MailboxAction::OverlayOpened(Overlay::Source(
            Loadable::Loading,
        )));
        let s = s.reduce(MailboxAction::SourceLoaded(Ok("raw".into())));
        assert_eq!(
            s.overlay,
            Some(Overlay::Source(Loadable::Ready("raw".into())))
        );
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
