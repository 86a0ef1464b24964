//! The shared [`Account`] against a real Dovecot: a watcher parked in IDLE (or polling)
//! while commands come and go, other clients' changes reaching it, signing out.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::{
    cell::RefCell,
    time::{Duration, Instant},
};

mod support;

use futures::future::join;
use support::{logged_in, within};
use webimap_client::{
    Account, ClientError,
    account::{Change, WatchOptions, Watched},
    proto::types::{command::StoreAction, core::Flag, mailbox::MailboxName},
    sync::MailboxEvent,
};
use webimap_testkit::{Dovecot, DovecotConfig};

const MESSAGE: &[u8] = b"From: other@example.com\r\nSubject: pushed to the account\r\n\r\nnew\r\n";

/// Waits (up to ten seconds) until `seen` holds a change that `wanted` accepts.
async fn wait_for(seen: &RefCell<Vec<Change>>, wanted: impl Fn(&Change) -> bool) {
    let started = Instant::now();
    while !seen.borrow().iter().any(&wanted) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no such change: {:?}",
            seen.borrow()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn commands_and_changes_while_watching(disabled: &[&str]) {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut options = WatchOptions::default();
    options.summaries_of_new = true;
    options.poll_interval = Duration::from_millis(200);
    let account = Account::with_options(logged_in(&dovecot, disabled).await, options);
    let mut other = logged_in(&dovecot, &[]).await;
    let inbox = MailboxName::inbox();
    let (opened, tracked) = within(account.open_tracked(&inbox)).await.unwrap();
    assert!(!tracked.uids.is_empty());

    let seen = RefCell::new(Vec::new());
    let watcher = async {
        let watched = account
            .watch(opened.generation, |change| seen.borrow_mut().push(change))
            .await;
        // Shown if the test fails while the user part waits for a change.
        eprintln!("the watch ended: {watched:?}");
        watched
    };
    let user = async {
        // Let the watcher park in IDLE, then use the connection: the IDLE yields.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        let found = within(account.run_in(&inbox, async |c| c.search(Vec::new()).await))
            .await
            .unwrap();
        assert_eq!(found, tracked.uids);
        let waited = started.elapsed();

        // Another client appends: the watcher reports it with its summary.
        let appended = within(other.append(&inbox, MESSAGE.to_vec(), vec![], None))
            .await
            .unwrap()
            .unwrap();
        wait_for(&seen, |c| {
            matches!(c, Change::Added(s) if s.iter().any(|m| m.uid == appended.uid && m.subject == "pushed to the account"))
        })
        .await;

        // A flag set elsewhere while our own command runs is not lost: the watcher
        // resynchronises after commands.
        within(other.select(&inbox)).await.unwrap();
        let target = tracked.uids[0];
        within(other.store_flags(&[target], StoreAction::Add, vec![Flag::Flagged]))
            .await
            .unwrap();
        within(account.run(async |c| c.list_folders().await))
            .await
            .unwrap();
        wait_for(&seen, |c| {
            matches!(c, Change::Mailbox(MailboxEvent::FlagsChanged { uid, flags }) if *uid == target && flags.iter().any(|f| f == "\\Flagged"))
        })
        .await;

        within(account.stop_watching()).await.unwrap();
        waited
    };
    let (watched, waited) = within(join(watcher, user)).await;
    assert_eq!(watched.unwrap(), Watched::Over);
    // The command did not wait for the poll interval or an IDLE renewal.
    assert!(waited < Duration::from_secs(5), "{waited:?}");

    // Signing out ends the account: commands say so instead of hanging.
    within(account.sign_out(Duration::from_secs(3))).await;
    let after = within(account.run(async |c| c.search(Vec::new()).await)).await;
    assert!(matches!(after, Err(ClientError::Closed)), "{after:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn with_idle() {
    commands_and_changes_while_watching(&[]).await;
}

#[tokio::test(flavor = "current_thread")]
async fn with_noop_polling() {
    commands_and_changes_while_watching(&["IDLE"]).await;
}
