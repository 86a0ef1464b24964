//! Conversation view: the list's rows grouped into conversations, each conversation's
//! messages together in reply order with their depth, conversations ordered by their best
//! placed message. The groups come from the server (THREAD=REFERENCES) when it offers it,
//! else from the subjects (like THREAD=ORDEREDSUBJECT).

use std::collections::{BTreeMap, HashMap};

use webimap_client::{model::MessageSummary, proto::types::response::Thread};

use super::sort::{sort_indices, subject_key};

/// The deepest indentation shown (deeper replies stay at this level).
pub(crate) const MAX_DEPTH: u8 = 5;

/// One conversation from the server: its messages (UIDs) in tree order with their depth.
pub(crate) type Conversation = Vec<(u32, u8)>;

/// A row's place in its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ThreadMark {
    /// Indentation (0 for the first message shown of a conversation).
    pub(crate) depth: u8,
    /// For the first row of a conversation: how many messages it shows; else 0.
    pub(crate) size: u32,
}

/// The server's THREAD trees as conversations.
pub(crate) fn from_threads(threads: &[Thread]) -> Vec<Conversation> {
    threads
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            flatten(t, 0, &mut out);
            out
        })
        .filter(|c| !c.is_empty())
        .collect()
}

fn flatten(thread: &Thread, depth: u8, out: &mut Conversation) {
    let mut depth = depth;
    for &uid in &thread.ids {
        out.push((uid, depth.min(MAX_DEPTH)));
        depth = depth.saturating_add(1);
    }
    for child in &thread.children {
        flatten(child, depth, out);
    }
}

/// Groups `flat` (indices into `messages`, already filtered and sorted) into conversations:
/// each conversation's rows stay together in reply order (the server's `threads`, or by
/// subject and date without them) and conversations come in the order of their best placed
/// row in `flat`. Returns the rows with their marks.
pub(crate) fn group(
    messages: &[MessageSummary],
    flat: &[usize],
    threads: Option<&[Conversation]>,
) -> Vec<(usize, ThreadMark)> {
    let rank: HashMap<u32, usize> = flat
        .iter()
        .enumerate()
        .map(|(pos, &i)| (messages[i].uid, pos))
        .collect();
    let index_of: HashMap<u32, usize> = flat.iter().map(|&i| (messages[i].uid, i)).collect();
    // Each group: its rows (index, depth) in reply order.
    let mut groups: Vec<Vec<(usize, u8)>> = Vec::new();
    let mut grouped = std::collections::HashSet::new();
    match threads {
        Some(threads) => {
            for conversation in threads {
                let rows: Vec<(usize, u8)> = conversation
                    .iter()
                    .filter_map(|&(uid, depth)| index_of.get(&uid).map(|&i| (i, depth)))
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                grouped.extend(rows.iter().map(|&(i, _)| i));
                groups.push(rows);
            }
        }
        None => {
            let mut by_subject: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for &i in flat {
                by_subject
                    .entry(subject_key(&messages[i].subject))
                    .or_default()
                    .push(i);
            }
            for (_, mut rows) in by_subject {
                sort_indices(&mut rows, |a, b| {
                    (messages[a].received, messages[a].uid)
                        .cmp(&(messages[b].received, messages[b].uid))
                });
                grouped.extend(rows.iter().copied());
                groups.push(
                    rows.into_iter()
                        .enumerate()
                        .map(|(n, i)| (i, u8::from(n > 0)))
                        .collect(),
                );
            }
        }
    }
    // Messages the server's answer does not know yet (arrived since) stand alone.
    groups.extend(
        flat.iter()
            .filter(|i| !grouped.contains(*i))
            .map(|&i| vec![(i, 0)]),
    );
    let best = |rows: &[(usize, u8)]| {
        rows.iter()
            .filter_map(|&(i, _)| rank.get(&messages[i].uid))
            .min()
            .copied()
            .unwrap_or(usize::MAX)
    };
    groups.sort_by_key(|rows| best(rows));
    let mut out = Vec::with_capacity(flat.len());
    for rows in groups {
        let size = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        // Depths relative to the shallowest row shown (a filtered-out parent leaves no gap).
        let base = rows.iter().map(|&(_, d)| d).min().unwrap_or(0);
        for (n, (i, depth)) in rows.into_iter().enumerate() {
            let depth = if n == 0 { 0 } else { (depth - base).max(1) };
            let size = if n == 0 { size } else { 0 };
            out.push((i, ThreadMark { depth, size }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(uid: u32, received: i64, subject: &str) -> MessageSummary {
        MessageSummary {
            uid,
            seq: uid,
            received: Some(received),
            subject: subject.into(),
            ..MessageSummary::default()
        }
    }

    fn thread(ids: &[u32], children: Vec<Thread>) -> Thread {
        Thread {
            ids: ids.to_vec(),
            children,
        }
    }

    #[test]
    fn server_trees_flatten_in_reply_order() {
        // (3 6 (4 23)(44 7 96)) from RFC 5256, and a dummy parent ((1)(2)).
        let threads = vec![
            thread(
                &[3, 6],
                vec![thread(&[4, 23], vec![]), thread(&[44, 7, 96], vec![])],
            ),
            thread(&[], vec![thread(&[1], vec![]), thread(&[2], vec![])]),
        ];
        let c = from_threads(&threads);
        assert_eq!(
            c[0],
            vec![(3, 0), (6, 1), (4, 2), (23, 3), (44, 2), (7, 3), (96, 4)]
        );
        assert_eq!(c[1], vec![(1, 0), (2, 0)]);
        let deep = thread(&(1..=20).collect::<Vec<_>>(), vec![]);
        assert!(
            from_threads(&[deep])[0]
                .iter()
                .all(|&(_, d)| d <= MAX_DEPTH)
        );
    }

    #[test]
    fn conversations_follow_their_best_row() {
        let ms = vec![
            m(1, 100, "Lunch"),
            m(2, 500, "Budget"),
            m(3, 300, "Re: Lunch"),
            m(4, 400, "Other"),
        ];
        // Newest first: 2, 4, 3, 1.
        let flat = [1, 3, 2, 0];
        let threads = vec![vec![(1, 0), (3, 1)], vec![(2, 0)]];
        let rows = group(&ms, &flat, Some(&threads));
        let uids: Vec<(u32, u8, u32)> = rows
            .iter()
            .map(|&(i, t)| (ms[i].uid, t.depth, t.size))
            .collect();
        // 4 is not in the server's answer (new): alone.
        assert_eq!(uids, vec![(2, 0, 1), (4, 0, 1), (1, 0, 2), (3, 1, 0)]);
        // Without the server: by subject, oldest first inside.
        let rows = group(&ms, &flat, None);
        let uids: Vec<u32> = rows.iter().map(|&(i, _)| ms[i].uid).collect();
        assert_eq!(uids, vec![2, 4, 1, 3]);
    }

    #[test]
    fn filtered_parents_leave_no_gap() {
        let ms = vec![m(1, 100, "A"), m(2, 200, "Re: A"), m(3, 300, "Re: A")];
        let threads = vec![vec![(1, 0), (2, 1), (3, 2)]];
        // Message 1 is filtered out.
        let rows = group(&ms, &[2, 1], Some(&threads));
        let marks: Vec<(u32, u8, u32)> = rows
            .iter()
            .map(|&(i, t)| (ms[i].uid, t.depth, t.size))
            .collect();
        assert_eq!(marks, vec![(2, 0, 2), (3, 1, 0)]);
    }
}
