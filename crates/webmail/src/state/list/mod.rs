//! The selected folder's message list: its messages, how they are shown (the view, the
//! rows' order, conversation marks) and the selection, with what changes each: the
//! folder's data ([`ListAction`]), the view ([`ViewAction`]) and the selection
//! ([`SelectionAction`]). Every answer from the server carries the [`Ticket`] of the
//! folder opening it belongs to; answers for another opening are dropped.

pub(crate) mod change;
pub(crate) mod selection;
pub(crate) mod view;

use std::{
    collections::{BTreeSet, HashMap},
    rc::Rc,
};

pub(crate) use view::SortKey;
use webimap_client::{model::MessageSummary, proto::types::mailbox::MailboxName};

use self::{
    change::{Change, LiveChange},
    selection::{ClickMods, Selection},
    view::{ListView, QuickFilter, ServerHits, ServerOrder, search_words, visible_rows},
};
use super::{
    conversations::{Conversation, ThreadMark},
    error::UiError,
    loadable::Loadable,
    request::Ticket,
};

/// The selected folder's messages as the list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Listing {
    /// The selected folder.
    pub(crate) folder: Option<MailboxName>,
    /// The ticket of its opening: answers with another are for a folder left since.
    pub(crate) ticket: Ticket,
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
    pub(crate) marks: Rc<HashMap<u32, ThreadMark>>,
    /// Selected rows and the keyboard cursor.
    pub(crate) selection: Selection,
}

/// What happens to the folder's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListAction {
    /// A folder was selected: its messages are loading.
    Opened {
        /// The folder.
        folder: MailboxName,
        /// The ticket of this opening.
        ticket: Ticket,
    },
    /// The rest of a big folder is loading (`Some(total)`), or has loaded (`None`).
    Syncing {
        /// The opening.
        ticket: Ticket,
        /// How many messages the folder holds.
        total: Option<usize>,
    },
    /// The folder's newest messages arrived (or the folder could not be opened).
    Loaded {
        /// The opening.
        ticket: Ticket,
        /// Its messages, in any order.
        result: Result<Vec<MessageSummary>, UiError>,
    },
    /// A further batch of a big folder arrived.
    BatchLoaded {
        /// The opening.
        ticket: Ticket,
        /// The messages, in any order.
        messages: Vec<MessageSummary>,
    },
    /// The sizes of messages listed without them (the first rows of a folder).
    SizesLoaded {
        /// The opening.
        ticket: Ticket,
        /// `(uid, size)` pairs.
        sizes: Vec<(u32, u64)>,
    },
    /// Changes from other clients.
    Live {
        /// The opening.
        ticket: Ticket,
        /// What changed.
        changes: Vec<LiveChange>,
    },
    /// The user changed messages (shown at once, before the server confirms).
    Changed {
        /// The opening it was made in.
        ticket: Ticket,
        /// What changed.
        change: Change,
    },
    /// The server refused a change: the messages are back as they were.
    Reverted {
        /// The opening it was made in.
        ticket: Ticket,
        /// The messages as they were before the change.
        before: Vec<MessageSummary>,
    },
    /// Moved messages came back (the user took the move back).
    Returned {
        /// The opening they came back to.
        ticket: Ticket,
        /// The messages as they are now.
        messages: Vec<MessageSummary>,
    },
}

/// How the user wants the list shown, and the server's answers about that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ViewAction {
    /// The list order changed.
    SortChanged(SortKey),
    /// A quick filter was switched.
    FilterToggled(QuickFilter),
    /// The search text changed.
    QueryChanged(String),
    /// Conversation view on or off.
    ConversationsToggled,
    /// The server searched the folder for `words`.
    SearchAnswered {
        /// The opening searched.
        ticket: Ticket,
        /// The words searched for.
        words: Vec<String>,
        /// The UIDs found (`None`: the search failed).
        uids: Option<Vec<u32>>,
    },
    /// The server sorted the folder.
    SortAnswered {
        /// The opening sorted.
        ticket: Ticket,
        /// The sort key.
        sort: SortKey,
        /// Its UIDs in the server's order.
        uids: Vec<u32>,
    },
    /// The server's conversations of the folder (THREAD).
    ThreadsAnswered {
        /// The opening.
        ticket: Ticket,
        /// Its conversations.
        threads: Vec<Conversation>,
    },
}

/// What the user selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SelectionAction {
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
}

impl Listing {
    /// A message of the folder.
    pub(crate) fn message(&self, uid: u32) -> Option<&MessageSummary> {
        let messages = self.messages.ready()?;
        let i = messages.binary_search_by_key(&uid, |m| m.uid).ok()?;
        messages.get(i)
    }

    /// The summaries of these messages as they are now (to restore if the server refuses).
    pub(crate) fn summaries(&self, uids: &[u32]) -> Vec<MessageSummary> {
        uids.iter()
            .filter_map(|&u| self.message(u).cloned())
            .collect()
    }

    /// Whether all of the folder's messages are here (not loading, not syncing).
    pub(crate) fn is_complete(&self) -> bool {
        self.syncing.is_none() && self.messages.ready().is_some()
    }

    /// A change shown at once, and the action that takes it back if the server refuses.
    pub(crate) fn optimistic(&self, change: Change) -> (ListAction, ListAction) {
        let before = self.summaries(change.uids());
        let ticket = self.ticket;
        (
            ListAction::Changed { ticket, change },
            ListAction::Reverted { ticket, before },
        )
    }

    /// Applies `action`; `false` if it was stale (an answer for another opening).
    pub(crate) fn apply(&mut self, action: ListAction) -> bool {
        match action {
            ListAction::Opened { folder, ticket } => {
                *self = Listing {
                    folder: Some(folder),
                    ticket,
                    messages: Loadable::Loading,
                    view: std::mem::take(&mut self.view),
                    ..Listing::default()
                };
                self.forget_server_view();
            }
            ListAction::Syncing { ticket, total } => {
                if ticket != self.ticket {
                    return false;
                }
                self.syncing = total;
            }
            ListAction::Loaded { ticket, result } => {
                if ticket != self.ticket {
                    return false;
                }
                self.messages = Loadable::from_result(result.map(|mut messages| {
                    sort_by_uid(&mut messages);
                    messages.dedup_by_key(|m| m.uid);
                    Rc::new(messages)
                }));
                self.reorder();
            }
            ListAction::BatchLoaded { ticket, messages }
            | ListAction::Returned { ticket, messages }
            | ListAction::Reverted {
                ticket,
                before: messages,
            } => {
                if ticket != self.ticket {
                    return false;
                }
                self.put(messages);
            }
            ListAction::SizesLoaded { ticket, sizes } => {
                if ticket != self.ticket {
                    return false;
                }
                let sizes: HashMap<u32, u64> = sizes.into_iter().collect();
                self.edit_messages(|m| {
                    for s in m.iter_mut() {
                        if let Some(&size) = sizes.get(&s.uid) {
                            s.size = Some(size);
                        }
                    }
                });
            }
            ListAction::Live { ticket, changes } => {
                if ticket != self.ticket {
                    return false;
                }
                for change in changes {
                    self.live(change);
                }
            }
            ListAction::Changed { ticket, change } => {
                if ticket != self.ticket {
                    return false;
                }
                match change {
                    Change::Flag { uids, mark, on } => self.edit_messages(|messages| {
                        for m in messages.iter_mut().filter(|m| uids.contains(&m.uid)) {
                            mark.apply(m, on);
                        }
                    }),
                    Change::Remove(uids) => self.remove(&uids),
                }
            }
        }
        true
    }

    /// Applies a view action; `false` if it was stale.
    pub(crate) fn apply_view(&mut self, action: ViewAction) -> bool {
        match action {
            ViewAction::SortChanged(sort) => self.view.sort = sort,
            ViewAction::FilterToggled(filter) => self.view.toggle(filter),
            ViewAction::QueryChanged(query) => {
                let words = search_words(&query);
                if self.view.hits.as_ref().is_none_or(|h| h.words != words) {
                    self.view.hits = None;
                    self.view.searching = !words.is_empty();
                }
                self.view.query = query;
            }
            ViewAction::ConversationsToggled => {
                self.view.conversations = !self.view.conversations;
            }
            ViewAction::SearchAnswered {
                ticket,
                words,
                uids,
            } => {
                // Hits are for the text shown only.
                if ticket != self.ticket || search_words(&self.view.query) != words {
                    return false;
                }
                self.view.searching = false;
                self.view.hits = uids.map(|uids| ServerHits {
                    words,
                    uids: Rc::new(uids.into_iter().collect()),
                });
            }
            ViewAction::SortAnswered { ticket, sort, uids } => {
                // An order counts for the key shown only.
                if ticket != self.ticket || self.view.sort != sort {
                    return false;
                }
                let rank = uids.into_iter().enumerate().map(|(i, u)| (u, i)).collect();
                self.view.server_order = Some(ServerOrder {
                    sort,
                    rank: Rc::new(rank),
                });
            }
            ViewAction::ThreadsAnswered { ticket, threads } => {
                if ticket != self.ticket {
                    return false;
                }
                self.view.threads = Some(Rc::new(threads));
            }
        }
        self.reorder();
        true
    }

    /// Applies a selection action.
    pub(crate) fn apply_selection(&mut self, action: SelectionAction) {
        match action {
            SelectionAction::RowClicked { uid, mods } => {
                self.selection.click(uid, mods, &self.order);
            }
            SelectionAction::AllSelected => {
                self.selection.uids = self.order.iter().copied().collect();
            }
            SelectionAction::CursorMoved(uid) => self.selection = Selection::single(uid),
        }
    }

    /// Puts `messages` in (replacing those with the same UID).
    fn put(&mut self, messages: Vec<MessageSummary>) {
        self.edit_messages(|m| {
            let fresh: BTreeSet<u32> = messages.iter().map(|s| s.uid).collect();
            m.retain(|s| !fresh.contains(&s.uid));
            m.extend(messages);
        });
    }

    fn live(&mut self, change: LiveChange) {
        match change {
            LiveChange::Added(added) => self.edit_messages(|m| {
                let known: BTreeSet<u32> = m.iter().map(|s| s.uid).collect();
                m.extend(added.into_iter().filter(|s| !known.contains(&s.uid)));
            }),
            LiveChange::Removed(uids) => self.remove(&uids),
            LiveChange::Flags {
                uid,
                seen,
                flagged,
                answered,
            } => self.edit_messages(|m| {
                if let Some(s) = m.iter_mut().find(|s| s.uid == uid) {
                    (s.seen, s.flagged, s.answered) = (seen, flagged, answered);
                }
            }),
        }
    }

    /// Changes the messages (kept sorted by UID), then the rows.
    fn edit_messages(&mut self, edit: impl FnOnce(&mut Vec<MessageSummary>)) {
        let Loadable::Ready(messages) = &mut self.messages else {
            return;
        };
        let messages = Rc::make_mut(messages);
        edit(messages);
        sort_by_uid(messages);
        messages.dedup_by_key(|m| m.uid);
        self.reorder();
    }

    /// Removes messages: the cursor goes to the row after them.
    fn remove(&mut self, uids: &[u32]) {
        if uids.is_empty() {
            return;
        }
        let gone: BTreeSet<u32> = uids.iter().copied().collect();
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

/// Messages in UID order (one instance of the sort for every caller).
fn sort_by_uid(messages: &mut [MessageSummary]) {
    messages.sort_by_key(|m| m.uid);
}

#[cfg(test)]
mod tests;
