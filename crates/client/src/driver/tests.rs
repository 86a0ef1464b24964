//! The driver against scripted server bytes: paths a real server takes only by chance.

use std::time::Duration;

use futures::executor::block_on;
use webimap_proto::{
    session::Options,
    types::{
        command::{Command, FetchAttribute, Section},
        response::Data,
        sequence::SequenceSet,
    },
};

use super::Connection;
use crate::{
    error::ClientError,
    scripted::{Scripted, Step},
};

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n";

fn open(steps: Vec<Step>) -> (Connection<Scripted>, Scripted) {
    let server = Scripted::new(steps);
    let (conn, _) =
        block_on(Connection::open(server.clone(), Options::default())).expect("greeting");
    (conn, server)
}

#[test]
fn a_connection_closed_mid_literal_ends_the_command() {
    let (mut conn, server) = open(vec![
        Step::Send(GREETING),
        Step::Expect("UID FETCH"),
        Step::Send("* 1 FETCH (UID 7 BODY[] {50}\r\nonly the first"),
        Step::Close,
    ]);
    let fetch = Command::fetch(
        SequenceSet::range(7, 7).expect("set"),
        vec![FetchAttribute::BodySection {
            section: Section::default(),
            partial: None,
            peek: true,
        }],
        true,
    )
    .expect("command");
    let result = block_on(conn.execute(fetch));
    assert!(matches!(result, Err(ClientError::Closed)), "{result:?}");
    assert!(server.finished());
    // Later commands fail at once instead of waiting on a dead stream.
    let again = block_on(conn.execute(Command::Noop));
    assert!(again.is_err(), "{again:?}");
}

#[test]
fn mailbox_changes_during_another_command_reach_the_model() {
    let (mut conn, _server) = open(vec![
        Step::Send(GREETING),
        Step::Expect("NOOP"),
        Step::Send("* 4 EXISTS\r\n* 2 EXPUNGE\r\n* 1 FETCH (FLAGS (\\Seen))\r\n"),
        Step::Send("* OK [ALERT] maintenance tonight\r\n{tag} OK done\r\n"),
    ]);
    let response = block_on(conn.execute(Command::Noop)).expect("NOOP");
    // The command sees all it got…
    assert_eq!(response.data.len(), 3);
    // …and the size changes are also kept for the mailbox's model, in order.
    let unsolicited = conn.take_unsolicited_data();
    assert_eq!(unsolicited, vec![Data::Exists(4), Data::Expunge(2)]);
    // The alert is the command's, as the server tied it to no other.
    assert_eq!(response.statuses.len(), 1);
}

#[test]
fn a_server_that_never_ends_idle_is_given_up_on() {
    let (mut conn, server) = open(vec![
        Step::Send(GREETING),
        Step::Expect("IDLE"),
        Step::Send("+ idling\r\n"),
        Step::Expect("DONE"),
        // No answer to DONE, ever.
    ]);
    let stop = std::future::ready(());
    let deadline = || crate::time::sleep(Duration::from_millis(50));
    let result = tokio_block_on(conn.idle(stop, deadline, |_| false));
    assert!(matches!(result, Err(ClientError::Timeout)), "{result:?}");
    assert!(server.received().iter().any(|l| l == "DONE"));
    assert!(server.finished());
}

#[test]
fn idle_reports_data_and_ends_when_asked() {
    let (mut conn, server) = open(vec![
        Step::Send(GREETING),
        Step::Expect("IDLE"),
        Step::Send("+ idling\r\n* 5 EXISTS\r\n"),
        Step::Expect("DONE"),
        Step::Send("{tag} OK IDLE terminated\r\n"),
    ]);
    let mut seen = Vec::new();
    // `on_data` asks to end the IDLE on new mail; `stop` never fires.
    let result = tokio_block_on(conn.idle(
        std::future::pending(),
        || crate::time::sleep(Duration::from_secs(5)),
        |data| {
            seen.push(data);
            true
        },
    ));
    result.expect("IDLE ends cleanly");
    assert_eq!(seen, vec![Data::Exists(5)]);
    let lines = server.received();
    assert!(lines[0].ends_with("IDLE"), "{lines:?}");
    assert_eq!(lines[1], "DONE");
}

/// Runs a future that may use the engine's timer (tokio's, natively); a test that hangs
/// fails after ten seconds instead.
pub(crate) fn tokio_block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), future).await })
        .expect("the test hung")
}
