//! How the message list is shown: sorted, filtered and searched. The list answers at once
//! from what it has (subjects and senders); the server's answers (SEARCH over whole
//! messages, SORT, THREAD) refine it when they arrive.

use std::{
    cmp::Ordering,
    collections::{BTreeSet, HashMap},
    rc::Rc,
};

use webimap_client::model::MessageSummary;

use crate::state::{
    conversations::{self, Conversation, ThreadMark},
    sort::{sort_indices, subject_key},
};

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SortKey {
    /// Newest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// By sender, A to Z.
    Sender,
    /// By subject, A to Z (ignoring `Re:`/`Fwd:`).
    Subject,
    /// Largest first.
    Size,
}

impl SortKey {
    /// Every order, as the control lists them.
    pub(crate) const ALL: [SortKey; 5] = [
        SortKey::Newest,
        SortKey::Oldest,
        SortKey::Sender,
        SortKey::Subject,
        SortKey::Size,
    ];

    /// The control's value.
    pub(crate) fn value(self) -> &'static str {
        match self {
            SortKey::Newest => "newest",
            SortKey::Oldest => "oldest",
            SortKey::Sender => "sender",
            SortKey::Subject => "subject",
            SortKey::Size => "size",
        }
    }

    /// What the control shows.
    pub(crate) fn label(self) -> &'static str {
        match self {
            SortKey::Newest => "Newest first",
            SortKey::Oldest => "Oldest first",
            SortKey::Sender => "Sender",
            SortKey::Subject => "Subject",
            SortKey::Size => "Largest first",
        }
    }

    /// From the control's value.
    pub(crate) fn from_value(value: &str) -> Option<Self> {
        SortKey::ALL.into_iter().find(|k| k.value() == value)
    }
}

/// A quick filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuickFilter {
    /// Only unread messages.
    Unread,
    /// Only flagged messages.
    Flagged,
    /// Only messages with attachments.
    Attachments,
}

/// How the list is cut down and ordered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ListView {
    /// The order.
    pub(crate) sort: SortKey,
    /// Quick filters (all must hold).
    pub(crate) unread: bool,
    /// Flagged only.
    pub(crate) flagged: bool,
    /// With attachments only.
    pub(crate) attachments: bool,
    /// Search text (subject and sender here; the whole message on the server).
    pub(crate) query: String,
    /// The server's search hits for the current text.
    pub(crate) hits: Option<ServerHits>,
    /// Whether the server is searching for the current text.
    pub(crate) searching: bool,
    /// The server's order (SORT) for the current sort key.
    pub(crate) server_order: Option<ServerOrder>,
    /// Conversation view.
    pub(crate) conversations: bool,
    /// The server's conversations (THREAD), when it offers them.
    pub(crate) threads: Option<Rc<Vec<Conversation>>>,
}

/// The UIDs the server found for a search text (SEARCH TEXT of each word: headers and
/// body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerHits {
    /// The words searched for.
    pub(crate) words: Vec<String>,
    /// The messages that contain all of them.
    pub(crate) uids: Rc<BTreeSet<u32>>,
}

/// The server's order of the folder for a sort key: each UID's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerOrder {
    /// The sort key it is for.
    pub(crate) sort: SortKey,
    /// UID → place.
    pub(crate) rank: Rc<HashMap<u32, usize>>,
}

/// The words of a search text, lower case.
pub(crate) fn search_words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

impl ListView {
    /// Whether `filter` is on.
    pub(crate) fn has(&self, filter: QuickFilter) -> bool {
        match filter {
            QuickFilter::Unread => self.unread,
            QuickFilter::Flagged => self.flagged,
            QuickFilter::Attachments => self.attachments,
        }
    }

    /// Turns `filter` on or off.
    pub(crate) fn toggle(&mut self, filter: QuickFilter) {
        let flag = match filter {
            QuickFilter::Unread => &mut self.unread,
            QuickFilter::Flagged => &mut self.flagged,
            QuickFilter::Attachments => &mut self.attachments,
        };
        *flag = !*flag;
    }

    /// Whether any filter or search narrows the list.
    pub(crate) fn is_narrowed(&self) -> bool {
        self.unread || self.flagged || self.attachments || !self.query.trim().is_empty()
    }

    /// The server's hits, if they are for `words`.
    fn hits_for(&self, words: &[String]) -> Option<&BTreeSet<u32>> {
        self.hits
            .as_ref()
            .filter(|h| h.words == words)
            .map(|h| &*h.uids)
    }

    /// Whether `m` is shown, given the search `words` and the server's `hits` for them.
    fn keeps(&self, m: &MessageSummary, words: &[String], hits: Option<&BTreeSet<u32>>) -> bool {
        if (self.unread && m.seen)
            || (self.flagged && !m.flagged)
            || (self.attachments && !m.has_attachments)
        {
            return false;
        }
        if words.is_empty() {
            return true;
        }
        // The server searched the whole message; what arrived since is matched here.
        if hits.is_some_and(|h| h.contains(&m.uid)) {
            return true;
        }
        let mut haystack = m.subject.to_lowercase();
        for a in &m.from {
            haystack.push(' ');
            haystack.push_str(&a.email.to_lowercase());
            if let Some(name) = &a.name {
                haystack.push(' ');
                haystack.push_str(&name.to_lowercase());
            }
        }
        words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// The rows to show, in order: indices into `messages`, with their place in a
/// conversation in conversation view.
pub(crate) fn visible_rows(
    messages: &[MessageSummary],
    view: &ListView,
) -> Vec<(usize, Option<ThreadMark>)> {
    let flat = visible_order(messages, view);
    if !view.conversations {
        return flat.into_iter().map(|i| (i, None)).collect();
    }
    conversations::group(messages, &flat, view.threads.as_deref().map(Vec::as_slice))
        .into_iter()
        .map(|(i, mark)| (i, Some(mark)))
        .collect()
}

/// The indices into `messages` of the rows to show, in order (without conversations).
pub(crate) fn visible_order(messages: &[MessageSummary], view: &ListView) -> Vec<usize> {
    let words = search_words(&view.query);
    let hits = view.hits_for(&words);
    let mut order: Vec<usize> = (0..messages.len())
        .filter(|&i| view.keeps(&messages[i], &words, hits))
        .collect();
    let newest = |a: &MessageSummary, b: &MessageSummary| {
        b.received.cmp(&a.received).then_with(|| b.uid.cmp(&a.uid))
    };
    if let Some(server) = view.server_order.as_ref().filter(|o| o.sort == view.sort) {
        // The server's order; what arrived since goes first, newest first.
        let place = |m: &MessageSummary| server.rank.get(&m.uid).copied();
        sort_indices(&mut order, |a, b| {
            let (ma, mb) = (&messages[a], &messages[b]);
            match (place(ma), place(mb)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (None, None) => newest(ma, mb),
            }
        });
        return order;
    }
    match view.sort {
        SortKey::Newest => sort_indices(&mut order, |a, b| newest(&messages[a], &messages[b])),
        SortKey::Oldest => sort_indices(&mut order, |a, b| newest(&messages[b], &messages[a])),
        SortKey::Size => sort_indices(&mut order, |a, b| {
            messages[b]
                .size
                .cmp(&messages[a].size)
                .then_with(|| newest(&messages[a], &messages[b]))
        }),
        SortKey::Sender => {
            let keys: Vec<String> = messages.iter().map(sender_key).collect();
            sort_indices(&mut order, |a, b| {
                keys[a]
                    .cmp(&keys[b])
                    .then_with(|| newest(&messages[a], &messages[b]))
            });
        }
        SortKey::Subject => {
            let keys: Vec<String> = messages.iter().map(|m| subject_key(&m.subject)).collect();
            sort_indices(&mut order, |a, b| {
                keys[a]
                    .cmp(&keys[b])
                    .then_with(|| newest(&messages[a], &messages[b]))
            });
        }
    }
    order
}

fn sender_key(m: &MessageSummary) -> String {
    m.from
        .first()
        .map(|a| a.display().to_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use webimap_client::model::EmailAddress;

    use super::*;

    fn m(uid: u32, received: i64, subject: &str, from: &str, size: u64) -> MessageSummary {
        MessageSummary {
            uid,
            seq: uid,
            seen: uid.is_multiple_of(2),
            flagged: uid == 3,
            answered: false,
            received: Some(received),
            size: Some(size),
            subject: subject.into(),
            from: vec![EmailAddress {
                name: Some(from.into()),
                email: format!("{}@example.com", from.to_lowercase()),
            }],
            to: Vec::new(),
            cc: Vec::new(),
            date: None,
            message_id: None,
            has_attachments: uid == 2,
        }
    }

    fn sample() -> Vec<MessageSummary> {
        vec![
            m(1, 100, "Re: Lunch", "Carol", 500),
            m(2, 300, "Budget", "alice", 9000),
            m(3, 200, "Fwd: Agenda", "Bob", 100),
        ]
    }

    fn uids(messages: &[MessageSummary], view: &ListView) -> Vec<u32> {
        visible_order(messages, view)
            .into_iter()
            .map(|i| messages[i].uid)
            .collect()
    }

    #[test]
    fn sorts() {
        let ms = sample();
        let by = |sort| {
            uids(
                &ms,
                &ListView {
                    sort,
                    ..ListView::default()
                },
            )
        };
        assert_eq!(by(SortKey::Newest), [2, 3, 1]);
        assert_eq!(by(SortKey::Oldest), [1, 3, 2]);
        assert_eq!(by(SortKey::Sender), [2, 3, 1]);
        assert_eq!(by(SortKey::Subject), [3, 2, 1]);
        assert_eq!(by(SortKey::Size), [2, 1, 3]);
        for k in SortKey::ALL {
            assert_eq!(SortKey::from_value(k.value()), Some(k));
        }
    }

    #[test]
    fn filters_and_search() {
        let ms = sample();
        let mut view = ListView::default();
        view.toggle(QuickFilter::Unread);
        assert_eq!(uids(&ms, &view), [3, 1]);
        view.toggle(QuickFilter::Flagged);
        assert_eq!(uids(&ms, &view), [3]);
        assert!(view.is_narrowed());
        let view = ListView {
            attachments: true,
            ..ListView::default()
        };
        assert_eq!(uids(&ms, &view), [2]);
        let search = |q: &str| {
            uids(
                &ms,
                &ListView {
                    query: q.into(),
                    ..ListView::default()
                },
            )
        };
        assert_eq!(search("lunch"), [1]);
        assert_eq!(search("BOB"), [3]);
        assert_eq!(search("alice budget"), [2]);
        assert_eq!(search("nothing"), Vec::<u32>::new());
    }

    #[test]
    fn server_hits_add_to_local_matches() {
        let ms = sample();
        let mut view = ListView {
            query: "Tidy".into(),
            ..ListView::default()
        };
        assert!(uids(&ms, &view).is_empty());
        view.hits = Some(ServerHits {
            words: search_words("tidy"),
            uids: Rc::new(BTreeSet::from([2])),
        });
        assert_eq!(uids(&ms, &view), [2]);
        // Hits for another text do not count.
        view.query = "tidy inbox".into();
        assert!(uids(&ms, &view).is_empty());
        // Local matches count too (messages that arrived after the search).
        view.query = "lunch".into();
        view.hits = Some(ServerHits {
            words: search_words("lunch"),
            uids: Rc::new(BTreeSet::from([3])),
        });
        assert_eq!(uids(&ms, &view), [3, 1]);
    }

    #[test]
    fn server_order_wins_for_its_key() {
        let ms = sample();
        let mut view = ListView {
            sort: SortKey::Subject,
            server_order: Some(ServerOrder {
                sort: SortKey::Subject,
                rank: Rc::new(HashMap::from([(1, 0), (2, 1)])),
            }),
            ..ListView::default()
        };
        // 3 is unknown to the server (newer): first.
        assert_eq!(uids(&ms, &view), [3, 1, 2]);
        view.sort = SortKey::Size;
        assert_eq!(uids(&ms, &view), [2, 1, 3]);
    }

    #[test]
    fn conversation_rows_carry_marks() {
        let ms = sample();
        let view = ListView {
            conversations: true,
            threads: Some(Rc::new(vec![vec![(2, 0), (1, 1)]])),
            ..ListView::default()
        };
        let rows: Vec<(u32, Option<u8>)> = visible_rows(&ms, &view)
            .into_iter()
            .map(|(i, m)| (ms[i].uid, m.map(|m| m.depth)))
            .collect();
        assert_eq!(rows, vec![(2, Some(0)), (1, Some(1)), (3, Some(0))]);
    }
}
