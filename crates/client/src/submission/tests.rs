//! Submission against scripted server bytes: the failures a real server shows only by
//! chance (a connection lost mid-DATA or just after the final dot, a 4xx at any step).

use webimap_smtp::Problem;

use super::*;
use crate::scripted::{Scripted, Step};

const EHLO: &str = "250-test.example\r\n250-AUTH PLAIN\r\n250-SIZE 100000000\r\n250 8BITMIME\r\n";

/// Runs `future` on a runtime with a clock (the session's timeouts need one).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A session signed in on `localhost` without TLS (allowed to loopback), then `steps`.
fn session_then(steps: Vec<Step>) -> (Result<Submission<Scripted>, SubmitError>, Scripted) {
    let mut script = vec![
        Step::Send("220 test.example ESMTP\r\n"),
        Step::Expect("EHLO"),
        Step::Send(EHLO),
        Step::Expect("AUTH PLAIN"),
        Step::Send("235 2.7.0 Authenticated\r\n"),
    ];
    script.extend(steps);
    let server = Scripted::new(script);
    let options = SubmitOptions::new("localhost", 587, Security::None);
    let credentials = Credentials::Password {
        username: "ann".into(),
        password: "secret".into(),
    };
    let session = block_on(Submission::open(server.clone(), &options, &credentials));
    (session, server)
}

/// A message of `pieces` upload pieces whose last line is `END-OF-BODY`.
fn message(pieces: usize) -> Vec<u8> {
    let mut message = b"Subject: test\r\n\r\nFIRST-LINE\r\n".to_vec();
    while message.len() < pieces * BODY_PIECE {
        message.extend_from_slice(&[b'x'; 78]);
        message.extend_from_slice(b"\r\n");
    }
    message.extend_from_slice(b"END-OF-BODY\r\n");
    message
}

fn send(submission: &mut Submission<Scripted>, message: &[u8]) -> Result<SendReport, SubmitError> {
    block_on(submission.send(
        "ann@example.com",
        &["bob@example.org".into()],
        message,
        OnRefused::Abort,
    ))
}

fn until_data() -> Vec<Step> {
    vec![
        Step::Expect("MAIL FROM"),
        Step::Send("250 2.1.0 Ok\r\n"),
        Step::Expect("RCPT TO"),
        Step::Send("250 2.1.5 Ok\r\n"),
        Step::Expect("DATA"),
        Step::Send("354 Go ahead\r\n"),
    ]
}

#[test]
fn a_connection_lost_after_the_final_dot_is_an_unknown_outcome() {
    let mut steps = until_data();
    steps.extend([Step::Expect("END-OF-BODY"), Step::Close]);
    let (session, server) = session_then(steps);
    let mut session = session.expect("signed in");
    let error = send(&mut session, &message(1)).expect_err("no final reply");
    assert!(matches!(error, SubmitError::OutcomeUnknown), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("may or may not have been delivered")
    );
    // The dot went out once; nothing was sent again.
    let received = server.received();
    assert_eq!(received.iter().filter(|l| *l == ".").count(), 1);
    assert_eq!(
        received
            .iter()
            .filter(|l| l.starts_with("MAIL FROM"))
            .count(),
        1
    );
}

#[test]
fn a_connection_lost_mid_data_is_an_error_that_may_be_retried() {
    let mut steps = until_data();
    steps.extend([Step::Expect("FIRST-LINE"), Step::Close]);
    let (session, server) = session_then(steps);
    let mut session = session.expect("signed in");
    let error = send(&mut session, &message(4)).expect_err("the connection went");
    assert!(!matches!(error, SubmitError::OutcomeUnknown), "{error:?}");
    assert!(error.is_transient(), "{error:?}");
    assert!(!server.received().iter().any(|l| l == "."));
}

#[test]
fn a_temporary_refusal_of_the_message_says_try_later() {
    let mut steps = until_data();
    steps.extend([
        Step::Expect("END-OF-BODY"),
        Step::Send("451 4.3.0 Temporary server error, try again later\r\n"),
        Step::Expect("RSET"),
        Step::Send("250 2.0.0 Ok\r\n"),
    ]);
    let (session, _server) = session_then(steps);
    let mut session = session.expect("signed in");
    let error = send(&mut session, &message(1)).expect_err("451");
    assert!(matches!(error, SubmitError::Transaction(_)), "{error:?}");
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(error.problem(), Some(Problem::TryLater));
    assert!(!error.to_string().contains("Transaction"), "{error}");
}

#[test]
fn a_temporary_refusal_of_the_sender_sends_nothing() {
    let (session, server) = session_then(vec![
        Step::Expect("MAIL FROM"),
        Step::Send("421 4.7.0 Too many connections, closing\r\n"),
        Step::Close,
    ]);
    let mut session = session.expect("signed in");
    let error = send(&mut session, &message(1)).expect_err("421");
    assert!(error.is_transient(), "{error:?}");
    assert!(!server.received().iter().any(|l| l == "DATA"));
}

#[test]
fn progress_counts_up_to_the_whole_message() {
    let mut steps = until_data();
    steps.extend([
        Step::Expect("END-OF-BODY"),
        Step::Send("250 2.0.0 Ok: queued as 1234\r\n"),
    ]);
    let (session, _server) = session_then(steps);
    let mut session = session.expect("signed in");
    let sent = message(3);
    let mut steps = Vec::new();
    let report = block_on(session.send_with_progress(
        "ann@example.com",
        &["bob@example.org".into()],
        &sent,
        OnRefused::Abort,
        &mut |p| steps.push(p),
    ))
    .expect("sent");
    assert!(report.reply.contains("queued"));
    assert!(steps.len() >= 4, "{steps:?}");
    assert!(steps.windows(2).all(|w| w[0].sent <= w[1].sent));
    assert_eq!(steps.first().map(|p| p.sent), Some(0));
    let total = sent.len() as u64;
    assert_eq!(steps.last(), Some(&Progress { sent: total, total }));
}

#[test]
fn a_refusal_stays_a_refusal_when_the_connection_drops_after_it() {
    let mut steps = until_data();
    steps.extend([
        Step::Expect("END-OF-BODY"),
        Step::Send("552 5.3.4 Message too big for system\r\n"),
        Step::Close,
    ]);
    let (session, _server) = session_then(steps);
    let mut session = session.expect("signed in");
    let error = send(&mut session, &message(1)).expect_err("552");
    assert!(matches!(error, SubmitError::Transaction(_)), "{error:?}");
    assert_eq!(error.problem(), Some(Problem::TooBig));
    assert!(!error.is_transient());
}

#[test]
fn a_connection_lost_after_the_final_reply_is_still_sent() {
    let mut steps = until_data();
    steps.extend([
        Step::Expect("END-OF-BODY"),
        Step::Send("250 2.0.0 Ok: queued as 99\r\n"),
        Step::Close,
    ]);
    let (session, _server) = session_then(steps);
    let mut session = session.expect("signed in");
    let report = send(&mut session, &message(1)).expect("the 250 arrived: sent");
    assert!(report.reply.contains("queued as 99"));
}

#[test]
fn a_check_greets_and_quits_without_signing_in() {
    let server = Scripted::new(vec![
        Step::Send("220 test.example ESMTP\r\n"),
        Step::Expect("EHLO"),
        Step::Send(EHLO),
        Step::Expect("QUIT"),
        Step::Send("221 2.0.0 Bye\r\n"),
        Step::Close,
    ]);
    let options = SubmitOptions::new("localhost", 587, Security::None);
    block_on(Submission::check(server.clone(), &options)).expect("checked");
    assert!(server.finished());
    assert!(!server.received().iter().any(|l| l.starts_with("AUTH")));
}
