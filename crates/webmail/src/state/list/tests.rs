use yew::Reducible;

use super::{change::Mark, view::search_words, *};
use crate::state::{
    fixtures::{folder, listed, loaded, name, opened, run, summary},
    mailbox::MailboxAction,
};

fn view(action: ViewAction) -> MailboxAction {
    MailboxAction::View(action)
}

fn list(action: ListAction) -> MailboxAction {
    MailboxAction::List(action)
}

fn t(n: u64) -> Ticket {
    Ticket::new(n)
}

#[test]
fn server_answers_for_another_opening_text_or_key_are_dropped() {
    let s = run(vec![
        listed(vec![folder("INBOX"), folder("Work")]),
        opened("INBOX", 1),
        loaded(1, vec![summary(1, Some(1)), summary(2, Some(2))]),
        view(ViewAction::QueryChanged("tidy".into())),
    ]);
    assert!(s.list.view.searching);
    assert!(s.list.order.is_empty());
    let answer = |ticket: u64, text: &str| {
        view(ViewAction::SearchAnswered {
            ticket: t(ticket),
            words: search_words(text),
            uids: Some(vec![2]),
        })
    };
    // Stale: another opening, another text.
    assert_eq!(s.clone().reduce(answer(7, "tidy")).list.view.hits, None);
    assert_eq!(s.clone().reduce(answer(1, "tid")).list.view.hits, None);
    let s = s.reduce(answer(1, "TIDY"));
    assert!(!s.list.view.searching);
    assert_eq!(*s.list.order, vec![2]);
    // A failed search leaves the local matches.
    let failed = s
        .clone()
        .reduce(view(ViewAction::QueryChanged("x".into())))
        .reduce(view(ViewAction::SearchAnswered {
            ticket: t(1),
            words: search_words("x"),
            uids: None,
        }));
    assert!(!failed.list.view.searching && failed.list.order.is_empty());
    // Another folder forgets the hits and searches again.
    let s = s.reduce(opened("Work", 2));
    assert!(s.list.view.hits.is_none() && s.list.view.searching);
    // SORT answers only count for the key shown.
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, vec![summary(1, Some(1)), summary(2, Some(2))]),
    ]);
    let sorted = |sort| {
        view(ViewAction::SortAnswered {
            ticket: t(1),
            sort,
            uids: vec![1, 2],
        })
    };
    let unasked = s.clone().reduce(sorted(SortKey::Subject));
    assert!(unasked.list.view.server_order.is_none());
    let s = s
        .reduce(view(ViewAction::SortChanged(SortKey::Subject)))
        .reduce(sorted(SortKey::Subject));
    assert_eq!(*s.list.order, vec![1, 2]);
    // Conversations: threads from the server mark the replies.
    let s = s
        .reduce(view(ViewAction::ConversationsToggled))
        .reduce(view(ViewAction::ThreadsAnswered {
            ticket: t(1),
            threads: vec![vec![(1, 0), (2, 1)]],
        }));
    assert_eq!(*s.list.order, vec![1, 2]);
    assert_eq!(s.list.marks.get(&2).map(|m| m.depth), Some(1));
    assert_eq!(s.list.marks.get(&1).map(|m| m.size), Some(2));
}

#[test]
fn a_big_folder_arrives_in_batches_and_counts_once_complete() {
    let mut inbox = folder("INBOX");
    (inbox.total, inbox.unseen) = (Some(3), Some(3));
    let s = run(vec![
        listed(vec![inbox]),
        opened("INBOX", 1),
        list(ListAction::Syncing {
            ticket: t(1),
            total: Some(3),
        }),
        loaded(1, vec![summary(3, Some(3))]),
    ]);
    assert_eq!(s.list.syncing, Some(3));
    // The server's counts stay while the list is incomplete.
    assert_eq!(s.selected_folder().and_then(|f| f.total), Some(3));
    // The first rows' sizes arrive apart, without touching anything else.
    let s = s.reduce(list(ListAction::SizesLoaded {
        ticket: t(1),
        sizes: vec![(3, 1234), (99, 5)],
    }));
    let m = s.list.messages.ready().unwrap();
    assert_eq!((m.len(), m[0].uid, m[0].size), (1, 3, Some(1234)));
    let s = s.reduce(list(ListAction::BatchLoaded {
        ticket: t(1),
        messages: vec![summary(2, Some(2)), summary(1, Some(1))],
    }));
    assert_eq!(*s.list.order, vec![3, 2, 1]);
    let s = s.reduce(list(ListAction::Syncing {
        ticket: t(1),
        total: None,
    }));
    assert_eq!(s.list.syncing, None);
    assert_eq!(s.selected_folder().and_then(|f| f.total), Some(3));
    // Progress for an opening no longer shown is dropped.
    let same = s.clone().reduce(list(ListAction::Syncing {
        ticket: t(9),
        total: Some(9),
    }));
    assert!(Rc::ptr_eq(&same, &s));
}

#[test]
fn a_refused_change_is_taken_back_exactly() {
    let mut read = summary(2, Some(2));
    read.seen = true;
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, vec![summary(1, Some(1)), read, summary(3, Some(3))]),
    ]);
    for change in [
        Change::Flag {
            uids: vec![1, 2],
            mark: Mark::Flagged,
            on: true,
        },
        Change::Flag {
            uids: vec![2],
            mark: Mark::Seen,
            on: false,
        },
        Change::Remove(vec![2, 3]),
    ] {
        let (apply, revert) = s.list.optimistic(change);
        let changed = s.clone().reduce(list(apply));
        assert_ne!(changed.list.messages, s.list.messages);
        let back = changed.reduce(list(revert));
        assert_eq!(back.list.messages, s.list.messages);
        assert_eq!(back.list.order, s.list.order);
    }
    // A revert for a folder left since does not touch the one shown.
    let (apply, revert) = s.list.optimistic(Change::Remove(vec![1]));
    let other = s
        .clone()
        .reduce(list(apply))
        .reduce(opened("Work", 2))
        .reduce(loaded(2, vec![summary(7, None)]))
        .reduce(list(revert));
    assert_eq!(*other.list.order, vec![7]);
    assert_eq!(other.list.folder, Some(name("Work")));
}

#[test]
fn messages_are_listed_newest_first_and_equal_times_by_uid() {
    let s = run(vec![listed(vec![folder("INBOX")]), opened("INBOX", 1)]);
    assert_eq!(s.list.messages, Loadable::Loading);
    assert_eq!(s.selected_folder().map(|f| f.label.as_str()), Some("INBOX"));
    let s = s.reduce(loaded(
        1,
        vec![
            summary(1, Some(100)),
            summary(3, Some(50)),
            summary(2, Some(300)),
            summary(4, None),
        ],
    ));
    assert_eq!(*s.list.order, vec![2, 1, 3, 4]);
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, vec![summary(1, Some(10)), summary(2, Some(10))]),
    ]);
    assert_eq!(s.list.order[0], 2);
}

#[test]
fn moved_messages_come_back_on_undo() {
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, vec![summary(1, Some(1))]),
    ]);
    let s = s.reduce(list(ListAction::Returned {
        ticket: t(1),
        messages: vec![summary(5, Some(5))],
    }));
    assert_eq!(*s.list.order, vec![5, 1]);
}
