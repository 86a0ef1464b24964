//! A mailbox model kept right while another client changes the mailbox (IDLE, and NOOP
//! polling without it), and resynchronised on reopening (QRESYNC, CONDSTORE, neither).

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

mod support;

use support::{logged_in, within};
use webimap_client::{
    Client,
    proto::types::{
        command::{SearchKey, StoreAction},
        core::Flag,
        mailbox::MailboxName,
    },
    sync::{MailboxEvent, MailboxModel},
    transport::tcp,
};
use webimap_testkit::{Dovecot, DovecotConfig};

type C = Client<tcp::TcpTransport>;

/// The truth, from a fresh session: UIDs in order and their flags.
async fn truth(dovecot: &Dovecot) -> MailboxModel {
    let mut c = logged_in(dovecot, &["QRESYNC", "CONDSTORE"]).await;
    let (model, _) = within(c.open_mailbox(&MailboxName::inbox(), None))
        .await
        .unwrap();
    model
}

fn same(a: &MailboxModel, b: &MailboxModel) {
    assert_eq!(a.uids(), b.uids());
    for uid in a.uids() {
        assert_eq!(a.flags(*uid), b.flags(*uid), "flags of UID {uid}");
    }
}

const MESSAGE: &[u8] = b"From: other@example.com\r\nSubject: pushed\r\n\r\nnew mail\r\n";

/// Watches until at least one event arrives (the other client's change), with a deadline.
async fn watch_until_event(c: &mut C, model: &mut MailboxModel) -> Vec<MailboxEvent> {
    let mut events = Vec::new();
    for _ in 0..20 {
        within(c.watch(
            model,
            tokio::time::sleep(Duration::from_millis(300)),
            answer,
            |e| events.push(e),
        ))
        .await
        .unwrap();
        if !events.is_empty() {
            break;
        }
    }
    events
}

async fn live_updates(disabled: &[&str]) {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut me = logged_in(&dovecot, disabled).await;
    let mut other = logged_in(&dovecot, &[]).await;
    let (mut model, _) = within(me.open_mailbox(&MailboxName::inbox(), None))
        .await
        .unwrap();
    same(&model, &truth(&dovecot).await);

    // Another client appends: a new message with its UID.
    let appended = within(other.append(&MailboxName::inbox(), MESSAGE.to_vec(), vec![], None))
        .await
        .unwrap()
        .unwrap();
    let events = watch_until_event(&mut me, &mut model).await;
    assert!(
        events.iter().any(
            |e| matches!(e, MailboxEvent::NewMessages { uids, .. } if uids.contains(&appended.uid))
        ),
        "{events:?}"
    );
    same(&model, &truth(&dovecot).await);

    // Another client flags a message.
    within(other.select(&MailboxName::inbox())).await.unwrap();
    let target = model.uids()[3];
    within(other.store_flags(&[target], StoreAction::Add, vec![Flag::Flagged]))
        .await
        .unwrap();
    let events = watch_until_event(&mut me, &mut model).await;
    assert!(events.iter().any(|e| matches!(e, MailboxEvent::FlagsChanged { uid, flags } if *uid == target && flags.iter().any(|f| f == "\\Flagged"))), "{events:?}");
    same(&model, &truth(&dovecot).await);

    // Another client expunges two messages: sequence numbers shift under us.
    let gone = [model.uids()[1], model.uids()[5]];
    within(other.delete_messages(&gone)).await.unwrap();
    let mut events = Vec::new();
    let mut removed: Vec<u32> = Vec::new();
    for _ in 0..5 {
        if gone.iter().all(|g| removed.contains(g)) {
            break;
        }
        let batch = watch_until_event(&mut me, &mut model).await;
        removed.extend(batch.iter().flat_map(|e| match e {
            MailboxEvent::Removed { uids } => uids.clone(),
            _ => vec![],
        }));
        events.extend(batch);
    }
    assert!(gone.iter().all(|g| removed.contains(g)), "{events:?}");
    same(&model, &truth(&dovecot).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_with_idle() {
    live_updates(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_with_noop_polling() {
    live_updates(&["IDLE"]).await;
}

async fn reopen_resyncs(disabled: &[&str]) {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut me = logged_in(&dovecot, disabled).await;
    let (cached, _) = within(me.open_mailbox(&MailboxName::inbox(), None))
        .await
        .unwrap();
    within(me.logout()).await.unwrap();

    let mut other = logged_in(&dovecot, &[]).await;
    within(other.select(&MailboxName::inbox())).await.unwrap();
    let gone = [cached.uids()[0], cached.uids()[2]];
    within(other.delete_messages(&gone)).await.unwrap();
    let flagged = cached.uids()[4];
    within(other.store_flags(
        &[flagged],
        StoreAction::Add,
        vec![Flag::Flagged, Flag::Keyword("$Label1".into())],
    ))
    .await
    .unwrap();
    let appended = within(other.append(
        &MailboxName::inbox(),
        MESSAGE.to_vec(),
        vec![Flag::Seen],
        None,
    ))
    .await
    .unwrap()
    .unwrap();

    let mut me = logged_in(&dovecot, disabled).await;
    let (model, events) = within(me.open_mailbox(&MailboxName::inbox(), Some(cached)))
        .await
        .unwrap();
    same(&model, &truth(&dovecot).await);
    assert!(
        events.contains(&MailboxEvent::Removed {
            uids: gone.to_vec()
        }),
        "{disabled:?}: {events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, MailboxEvent::FlagsChanged { uid, .. } if *uid == flagged)),
        "{disabled:?}: {events:?}"
    );
    assert!(
        events.contains(&MailboxEvent::NewMessages {
            count: 1,
            uids: vec![appended.uid]
        }),
        "{disabled:?}: {events:?}"
    );
    let unchanged = events
        .iter()
        .filter(|e| matches!(e, MailboxEvent::FlagsChanged { .. }))
        .count();
    assert_eq!(
        unchanged, 1,
        "{disabled:?}: only the changed message is reported: {events:?}"
    );
    // The search still works on the resynced mailbox.
    assert!(
        within(me.search(vec![SearchKey::Flagged]))
            .await
            .unwrap()
            .contains(&flagged)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopen_with_qresync() {
    reopen_resyncs(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopen_with_condstore_only() {
    reopen_resyncs(&["QRESYNC"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopen_without_either() {
    reopen_resyncs(&["QRESYNC", "CONDSTORE"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uidvalidity_change_discards_the_model() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let work = MailboxName::from_display("Work").unwrap();
    let mut me = logged_in(&dovecot, &[]).await;
    let (cached, _) = within(me.open_mailbox(&work, None)).await.unwrap();
    within(me.select(&MailboxName::inbox())).await.unwrap();
    within(me.delete_folder(&work)).await.unwrap();
    within(me.create_folder(&work, None)).await.unwrap();
    within(me.append(&work, MESSAGE.to_vec(), vec![], None))
        .await
        .unwrap();
    let (model, events) = within(me.open_mailbox(&work, Some(cached.clone())))
        .await
        .unwrap();
    assert_eq!(events.first(), Some(&MailboxEvent::Reset));
    assert_ne!(model.uid_validity, cached.uid_validity);
    assert_eq!(model.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_gives_the_same_answers_with_fewer_bytes() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut results = Vec::new();
    for compress in [false, true] {
        let mut c = logged_in(&dovecot, &[]).await;
        if compress {
            assert!(
                within(c.enable_compression()).await.unwrap(),
                "Dovecot offers COMPRESS=DEFLATE"
            );
        }
        let before = c.bytes_transferred().1;
        let (model, _) = within(c.open_mailbox(&MailboxName::inbox(), None))
            .await
            .unwrap();
        let summaries =
            within(c.fetch_summaries(webimap_client::proto::types::sequence::SequenceSet::all()))
                .await
                .unwrap();
        // IDLE and resolving new messages also work compressed.
        let mut model = model;
        within(c.watch(
            &mut model,
            tokio::time::sleep(Duration::from_millis(100)),
            answer,
            |_| {},
        ))
        .await
        .unwrap();
        within(c.logout()).await.unwrap();
        results.push((summaries, c.bytes_transferred().1 - before));
    }
    assert_eq!(results[0].0, results[1].0, "same data");
    assert!(
        results[1].1 * 2 < results[0].1,
        "compressed: {} vs {} bytes",
        results[1].1,
        results[0].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_that_arrive_during_other_commands_reach_the_model() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut me = logged_in(&dovecot, &[]).await;
    let mut other = logged_in(&dovecot, &[]).await;
    let (mut model, _) = within(me.open_mailbox(&MailboxName::inbox(), None))
        .await
        .unwrap();
    within(other.select(&MailboxName::inbox())).await.unwrap();
    let gone = model.uids()[0];
    within(other.delete_messages(&[gone])).await.unwrap();
    within(other.append(&MailboxName::inbox(), MESSAGE.to_vec(), vec![], None))
        .await
        .unwrap();
    // Our next command (not IDLE) carries the EXPUNGE and EXISTS along.
    within(me.fetch_summaries(webimap_client::proto::types::sequence::SequenceSet::all()))
        .await
        .unwrap();
    let mut events = Vec::new();
    within(me.watch(&mut model, std::future::ready(()), answer, |e| {
        events.push(e)
    }))
    .await
    .unwrap();
    assert!(
        events.contains(&MailboxEvent::Removed { uids: vec![gone] }),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, MailboxEvent::NewMessages { uids, .. } if !uids.is_empty())),
        "{events:?}"
    );
    same(&model, &truth(&dovecot).await);
}

/// How long the server may take to end an IDLE in these tests.
fn answer() -> tokio::time::Sleep {
    tokio::time::sleep(Duration::from_secs(10))
}
