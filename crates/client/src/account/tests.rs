//! The account's scheduling against scripted server bytes: IDLE yielding to a command,
//! a server that never ends IDLE, the watcher waiting for commands and resynchronising.

use std::time::Duration;

use futures::{channel::oneshot, future::join};
use webimap_proto::types::{command::Command, mailbox::MailboxName};

use super::{Account, Change, WatchOptions, Watched};
use crate::{
    client::Client,
    driver::tests::tokio_block_on,
    error::ClientError,
    scripted::{Scripted, Step},
    sync::MailboxEvent,
};

/// The server's answers to opening INBOX with two messages, UIDs 1 and 2.
fn open_inbox() -> Vec<Step> {
    vec![
        Step::Expect("SELECT INBOX"),
        Step::Send("* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-WRITE] done\r\n"),
        Step::Expect("UID SEARCH"),
        Step::Send("* SEARCH 1 2\r\n{tag} OK done\r\n"),
        Step::Expect("UID FETCH"),
        Step::Send("* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n"),
        Step::Send("{tag} OK done\r\n"),
    ]
}

fn account(
    greeting: &'static str,
    steps: Vec<Step>,
    options: WatchOptions,
) -> (Account<Scripted>, Scripted) {
    let mut script = vec![Step::Send(greeting)];
    script.extend(open_inbox());
    script.extend(steps);
    let server = Scripted::new(script);
    let client = tokio_block_on(Client::connect(server.clone())).expect("greeting");
    (Account::with_options(client, options), server)
}

const WITH_IDLE: &str = "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n";
const WITHOUT_IDLE: &str = "* OK [CAPABILITY IMAP4rev1] ready\r\n";

fn quick() -> WatchOptions {
    WatchOptions {
        answer_timeout: Duration::from_millis(200),
        poll_interval: Duration::from_millis(30),
        ..WatchOptions::default()
    }
}

async fn noop(account: &Account<Scripted>) -> Result<(), ClientError> {
    account
        .run(async |c| c.connection().execute(Command::Noop).await.map(|_| ()))
        .await
}

#[test]
fn a_command_ends_the_idle_and_runs() {
    let (idling, idle_started) = oneshot::channel();
    let (account, server) = account(
        WITH_IDLE,
        vec![
            Step::Expect("IDLE"),
            Step::Send("+ idling\r\n* 1 FETCH (FLAGS (\\Flagged))\r\n"),
            Step::Signal(idling),
            Step::Expect("DONE"),
            Step::Send("{tag} OK IDLE terminated\r\n"),
            Step::Expect("NOOP"),
            Step::Send("{tag} OK done\r\n"),
        ],
        quick(),
    );
    let inbox = MailboxName::inbox();
    tokio_block_on(async {
        let (opened, tracked) = account.open_tracked(&inbox).await.expect("open");
        assert_eq!(tracked.uids, vec![1, 2]);
        let mut changes = Vec::new();
        let watcher = account.watch_once(opened.generation, |c| changes.push(c));
        let command = async {
            idle_started.await.expect("the script idles");
            noop(&account).await
        };
        let (watched, ran) = join(watcher, command).await;
        assert_eq!(watched.expect("watch"), Watched::Again);
        ran.expect("the command runs after DONE");
        assert!(
            matches!(
                &changes[..],
                [Change::Mailbox(MailboxEvent::FlagsChanged { uid: 1, .. })]
            ),
            "{changes:?}"
        );
    });
    let lines = server.received();
    let idle = lines
        .iter()
        .position(|l| l.ends_with(" IDLE"))
        .expect("IDLE sent");
    assert_eq!(lines[idle + 1], "DONE");
    assert!(lines[idle + 2].ends_with(" NOOP"), "{lines:?}");
    assert!(server.finished());
}

#[test]
fn a_server_that_never_ends_idle_closes_the_account() {
    let (idling, idle_started) = oneshot::channel();
    let (account, server) = account(
        WITH_IDLE,
        vec![
            Step::Expect("IDLE"),
            Step::Send("+ idling\r\n"),
            Step::Signal(idling),
            Step::Expect("DONE"),
            // Silence.
        ],
        quick(),
    );
    tokio_block_on(async {
        let (opened, _) = account
            .open_tracked(&MailboxName::inbox())
            .await
            .expect("open");
        let watcher = account.watch_once(opened.generation, |_| {});
        let command = async {
            idle_started.await.expect("the script idles");
            noop(&account).await
        };
        let (watched, ran) = join(watcher, command).await;
        assert!(matches!(watched, Err(ClientError::Timeout)), "{watched:?}");
        assert!(matches!(ran, Err(ClientError::Closed)), "{ran:?}");
        // The watcher stops too.
        assert_eq!(
            account.watch_once(opened.generation, |_| {}).await.ok(),
            Some(Watched::Over)
        );
    });
    assert!(server.finished());
}

#[test]
fn the_watcher_waits_for_commands_then_resynchronises() {
    let mut after_command = vec![Step::Expect("NOOP"), Step::Send("{tag} OK done\r\n")];
    // The command may have hidden changes from the model: the watcher opens INBOX again…
    after_command.extend(open_inbox());
    // …then polls (no IDLE here).
    after_command.extend([Step::Expect("NOOP"), Step::Send("{tag} OK done\r\n")]);
    let (account, server) = account(WITHOUT_IDLE, after_command, quick());
    tokio_block_on(async {
        let (opened, _) = account
            .open_tracked(&MailboxName::inbox())
            .await
            .expect("open");
        // The command is queued first (join polls it first); the watcher waits for it.
        let (ran, watched) = join(
            noop(&account),
            account.watch_once(opened.generation, |_| {}),
        )
        .await;
        ran.expect("command");
        assert_eq!(watched.expect("watch"), Watched::Again);
    });
    let lines = server.received();
    let commands: Vec<&str> = lines
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        commands,
        [
            "SELECT", "UID", "UID", "NOOP", "SELECT", "UID", "UID", "NOOP"
        ],
        "{lines:?}"
    );
    assert!(server.finished());
}

#[test]
fn opening_another_folder_ends_the_watch_of_the_first() {
    let (account, _server) = account(
        WITHOUT_IDLE,
        vec![Step::Expect("SELECT Sent"), Step::Send("{tag} OK done\r\n")],
        quick(),
    );
    tokio_block_on(async {
        let (first, _) = account
            .open_tracked(&MailboxName::inbox())
            .await
            .expect("open");
        let sent = MailboxName::from_wire(b"Sent".to_vec()).expect("name");
        let second = account.open(&sent).await.expect("open Sent");
        assert!(second.generation > first.generation);
        assert!(!account.is_current(first.generation).await);
        assert_eq!(
            account.watch_once(first.generation, |_| {}).await.ok(),
            Some(Watched::Over)
        );
        // The second is opened but not tracked yet: nothing to watch.
        assert_eq!(account.track(first.generation).await.ok(), Some(None));
    });
}

#[test]
fn new_mail_found_by_a_resync_is_fetched_before_idling() {
    let mut steps = vec![Step::Expect("NOOP"), Step::Send("{tag} OK done\r\n")];
    steps.extend([
        Step::Expect("SELECT INBOX"),
        Step::Send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-WRITE] done\r\n"),
        Step::Expect("UID SEARCH"),
        Step::Send("* SEARCH 1 2 3\r\n{tag} OK done\r\n"),
        Step::Expect("UID FETCH 1:*"),
        Step::Send("* 3 FETCH (UID 3 FLAGS ())\r\n{tag} OK done\r\n"),
        // The new message's summary, at once: no IDLE first (this server would never end
        // it, and the test would time out).
        Step::Expect("UID FETCH 3 "),
        Step::Send("{tag} OK done\r\n"),
    ]);
    let mut options = quick();
    options.summaries_of_new = true;
    let (account, server) = account(WITH_IDLE, steps, options);
    tokio_block_on(async {
        let (opened, _) = account
            .open_tracked(&MailboxName::inbox())
            .await
            .expect("open");
        noop(&account).await.expect("command");
        let mut changes = Vec::new();
        let watched = account
            .watch_once(opened.generation, |c| changes.push(c))
            .await;
        assert_eq!(watched.expect("watch"), Watched::Again);
        assert!(
            changes.iter().any(|c| matches!(
                c,
                Change::Mailbox(MailboxEvent::NewMessages { uids, .. }) if uids == &[3]
            )),
            "{changes:?}"
        );
        assert!(
            changes.iter().any(|c| matches!(c, Change::Added(_))),
            "{changes:?}"
        );
    });
    assert!(!server.received().iter().any(|l| l.ends_with(" IDLE")));
    assert!(server.finished());
}
