use webimap_client::model::MessageContent;

use super::*;
use crate::state::{
    error::UiError,
    fixtures::{folder, listed, loaded, name, opened, run, summary},
    list::{
        change::{Change, Mark},
        selection::ClickMods,
    },
    loadable::Loadable,
    request::Ticket,
};

fn open(uid: u32, ticket: u64) -> MailboxAction {
    MailboxAction::Reader(ReaderAction::Opened {
        uid,
        ticket: Ticket::new(ticket),
    })
}

fn content(uid: u32, ticket: u64) -> MailboxAction {
    let mut message = MessageContent {
        text: Some("Hello".into()),
        ..MessageContent::default()
    };
    message.summary = summary(uid, Some(0));
    MailboxAction::Reader(ReaderAction::Loaded {
        ticket: Ticket::new(ticket),
        result: Ok(Box::new(message)),
    })
}

fn select(action: SelectionAction) -> MailboxAction {
    MailboxAction::Select(action)
}

#[test]
fn list_view_selection_and_reading() {
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, (1..=4).map(|u| summary(u, Some(i64::from(u)))).collect()),
        select(SelectionAction::RowClicked {
            uid: 4,
            mods: ClickMods::default(),
        }),
        select(SelectionAction::RowClicked {
            uid: 2,
            mods: ClickMods {
                range: true,
                toggle: false,
            },
        }),
    ]);
    assert_eq!(s.list.selection.uids.len(), 3);
    assert_eq!(s.neighbour(1), Some(1));
    assert_eq!(s.targets(), vec![4, 3, 2]);
    let s = s.reduce(select(SelectionAction::AllSelected));
    assert_eq!(s.list.selection.uids.len(), 4);
    let s = s.reduce(MailboxAction::View(ViewAction::QueryChanged(
        "Message 3".into(),
    )));
    assert_eq!(*s.list.order, vec![3]);
    assert_eq!(s.list.selection.uids.len(), 1);
    let s = s
        .reduce(MailboxAction::View(ViewAction::QueryChanged(String::new())))
        .reduce(MailboxAction::View(ViewAction::SortChanged(
            crate::state::list::SortKey::Oldest,
        )));
    assert_eq!(*s.list.order, vec![1, 2, 3, 4]);
    // Opening a message selects it and shows the reading pane.
    let s = s.reduce(open(2, 5));
    assert_eq!(s.pane, Pane::Message);
    assert_eq!(s.targets(), vec![2]);
    assert_eq!(s.place().message, Some(2));
    let s = s.reduce(MailboxAction::Reader(ReaderAction::Closed));
    assert_eq!((s.reader.open, s.pane), (None, Pane::List));
}

#[test]
fn opening_a_message_and_switching_folders() {
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, vec![summary(5, None)]),
        open(5, 2),
    ]);
    assert_eq!(s.reader.open, Some(5));
    assert_eq!(s.reader.message, Loadable::Loading);
    let s = s.reduce(content(5, 2));
    assert_eq!(s.reader.message.ready().map(|m| m.summary.uid), Some(5));
    // Selecting a folder closes the message.
    let s = s.reduce(opened("Archive", 3));
    assert_eq!(s.reader.open, None);
    assert_eq!(s.reader.message, Loadable::Idle);
    assert_eq!(s.pane, Pane::List);
    // And the late answer for the old folder's message is dropped.
    let late = s.clone().reduce(content(5, 2));
    assert!(Rc::ptr_eq(&late, &s));
    // As is the old folder's list.
    let s = s.reduce(loaded(1, vec![summary(1, None)]));
    assert_eq!(s.list.folder, Some(name("Archive")));
    assert_eq!(s.list.messages, Loadable::Loading);
}

#[test]
fn an_open_message_that_leaves_the_folder_closes() {
    let s = run(vec![
        opened("INBOX", 1),
        loaded(1, (1..=3).map(|u| summary(u, Some(i64::from(u)))).collect()),
        open(2, 2),
        content(2, 2),
    ]);
    // Marking it elsewhere in the list reaches the open message too.
    let (flag, _) = s.list.optimistic(Change::Flag {
        uids: vec![2],
        mark: Mark::Flagged,
        on: true,
    });
    let s = s.reduce(MailboxAction::List(flag));
    assert_eq!(
        s.reader.message.ready().map(|m| m.summary.flagged),
        Some(true)
    );
    let (remove, _) = s.list.optimistic(Change::Remove(vec![2]));
    let s = s.reduce(MailboxAction::List(remove));
    assert_eq!((s.reader.open, s.pane), (None, Pane::List));
    assert_eq!(s.list.selection.cursor, Some(1));
    // A message opened before its folder's rows arrived stays open when they do.
    let s = run(vec![
        opened("INBOX", 1),
        open(9, 2),
        loaded(1, vec![summary(9, None)]),
    ]);
    assert_eq!(s.reader.open, Some(9));
}

#[test]
fn failures_are_kept_per_pane() {
    let s = run(vec![
        listed(vec![folder("INBOX")]),
        opened("INBOX", 1),
        MailboxAction::List(ListAction::Loaded {
            ticket: Ticket::new(1),
            result: Err(UiError::Refused("Mailbox doesn't exist".into())),
        }),
    ]);
    assert!(s.folders.folders.ready().is_some());
    assert!(matches!(
        s.list.messages,
        Loadable::Failed(UiError::Refused(_))
    ));
    assert_eq!(s.place().folder, Some(name("INBOX")));
}
