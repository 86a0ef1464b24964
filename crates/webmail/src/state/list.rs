//! The message list as shown: sorted, filtered and searched, with a selection and a cursor.
//! The list answers at once from what it has (subjects and senders); the server's answers
//! (SEARCH over whole messages, SORT, THREAD) refine it when they arrive.

use std::{
    cmp::Ordering,
    collections::{BTreeSet, HashMap},
    rc::Rc,
};

use webimap_client::model::MessageSummary;

use super::conversations::{self, Conversation, ThreadMark};

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

/// Sorts indices (stably) by `cmp`. Every sort of rows goes through this one instance of
/// the standard library's sort: each closure passed to `sort_by` directly would get a copy
/// of its own (about 3 KB of wasm each).
pub(crate) fn sort_indices(order: &mut [usize], mut cmp: impl FnMut(usize, usize) -> Ordering) {
    sort_indices_dyn(order, &mut cmp);
}

fn sort_indices_dyn(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
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

/// A subject without its `Re:`/`Fwd:`/`Aw:` prefixes, lower case.
pub(crate) fn subject_key(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let Some(prefix) = ["re:", "fwd:", "fw:", "aw:", "wg:", "tr:"]
            .iter()
            .find(|p| lower.starts_with(*p))
        else {
            break;
        };
        s = s[prefix.len()..].trim_start();
    }
    s.to_lowercase()
}

/// Which rows are selected, where a shift-click range starts, and the keyboard cursor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Selection {
    /// Selected UIDs.
    pub(crate) uids: BTreeSet<u32>,
    /// Where a range starts (the last plain or ctrl click).
    pub(crate) anchor: Option<u32>,
    /// The row the keyboard is on.
    pub(crate) cursor: Option<u32>,
}

/// How a row was clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ClickMods {
    /// Shift: select a range from the anchor.
    pub(crate) range: bool,
    /// Ctrl or Cmd: add or remove one row.
    pub(crate) toggle: bool,
}

impl Selection {
    /// Only `uid`.
    pub(crate) fn single(uid: u32) -> Self {
        Selection {
            uids: BTreeSet::from([uid]),
            anchor: Some(uid),
            cursor: Some(uid),
        }
    }

    /// Applies a click on `uid`; `order` is the visible UIDs, top to bottom.
    pub(crate) fn click(&mut self, uid: u32, mods: ClickMods, order: &[u32]) {
        if mods.range {
            let anchor = self.anchor.unwrap_or(uid);
            let pos = |u| order.iter().position(|&x| x == u);
            if let (Some(a), Some(b)) = (pos(anchor), pos(uid)) {
                let (lo, hi) = (a.min(b), a.max(b));
                if !mods.toggle {
                    self.uids.clear();
                }
                self.uids.extend(&order[lo..=hi]);
                self.anchor = Some(anchor);
                self.cursor = Some(uid);
                return;
            }
        }
        if mods.toggle {
            if !self.uids.remove(&uid) {
                self.uids.insert(uid);
            }
            self.anchor = Some(uid);
            self.cursor = Some(uid);
            return;
        }
        *self = Selection::single(uid);
    }

    /// Keeps only UIDs still shown.
    pub(crate) fn retain(&mut self, order: &[u32]) {
        let shown: BTreeSet<u32> = order.iter().copied().collect();
        self.uids.retain(|u| shown.contains(u));
        if self.anchor.is_some_and(|a| !shown.contains(&a)) {
            self.anchor = None;
        }
        if self.cursor.is_some_and(|c| !shown.contains(&c)) {
            self.cursor = None;
        }
    }
}

/// The UID `delta` rows away from `from` in `order` (clamped), or the first row.
pub(crate) fn step(order: &[u32], from: Option<u32>, delta: isize) -> Option<u32> {
    let Some(pos) = from.and_then(|u| order.iter().position(|&x| x == u)) else {
        return order.first().copied();
    };
    let next = pos
        .saturating_add_signed(delta)
        .min(order.len().saturating_sub(1));
    order.get(next).copied()
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

    #[test]
    fn clicks_select() {
        let order = [5, 4, 3, 2, 1];
        let mut s = Selection::default();
        s.click(4, ClickMods::default(), &order);
        assert_eq!(s.uids, BTreeSet::from([4]));
        s.click(
            2,
            ClickMods {
                range: true,
                toggle: false,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 3, 2]));
        assert_eq!(s.cursor, Some(2));
        s.click(
            3,
            ClickMods {
                range: false,
                toggle: true,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 2]));
        s.click(
            1,
            ClickMods {
                range: false,
                toggle: true,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 2, 1]));
        s.click(5, ClickMods::default(), &order);
        assert_eq!(s, Selection::single(5));
        s.retain(&[4, 3]);
        assert!(s.uids.is_empty() && s.cursor.is_none());
    }

    #[test]
    fn steps_clamp() {
        let order = [5, 4, 3];
        assert_eq!(step(&order, None, 1), Some(5));
        assert_eq!(step(&order, Some(5), 1), Some(4));
        assert_eq!(step(&order, Some(3), 1), Some(3));
        assert_eq!(step(&order, Some(5), -1), Some(5));
        assert_eq!(step(&[], None, 1), None);
    }
}
