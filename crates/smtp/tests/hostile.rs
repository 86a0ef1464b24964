//! Servers that misbehave, and the limits and checks that keep the client safe: bounded
//! memory, clear errors, no command sent that should not be.

mod common;

use std::time::Duration;

use common::Transcript;
use webimap_smtp::{
    Address, CallError, Credentials, Envelope, Event, Problem, Security, SessionError, Stage,
    TransactionError,
    body::unstuff,
    reply::{MAX_REPLY_BYTES, ReplyError},
    session::{Options, timeout},
};

fn addr(text: &str) -> Address {
    Address::parse(text).expect("a valid address")
}

fn envelope(size: u64) -> Envelope {
    Envelope::new(addr("a@example.org"), vec![addr("b@example.net")], size).expect("an envelope")
}

/// A session that has greeted an ESMTP server offering `keywords` and is ready.
fn ready(keywords: &[&str]) -> Transcript {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    let mut script = String::from("S: 220 mx.example.net ESMTP\nC: EHLO [127.0.0.1]\n");
    if keywords.is_empty() {
        script.push_str("S: 250 mx.example.net\n");
    } else {
        script.push_str("S: 250-mx.example.net\n");
        for (i, keyword) in keywords.iter().enumerate() {
            let sep = if i + 1 == keywords.len() { ' ' } else { '-' };
            script.push_str(&format!("S: 250{sep}{keyword}\n"));
        }
    }
    t.script(&script);
    assert_eq!(t.events(), vec![Event::Ready]);
    t
}

fn failed(events: &[Event]) -> Option<&SessionError> {
    events.iter().find_map(|e| match e {
        Event::Failed(error) => Some(error),
        _ => None,
    })
}

#[test]
fn endless_multi_line_reply_is_bounded_and_fails() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.script("S: 220 mx ESMTP\nC: EHLO [127.0.0.1]");
    let mut fed = 0;
    while fed < 10 * MAX_REPLY_BYTES {
        t.server_bytes(b"250-FOO BAR BAZ\r\n");
        fed += 17;
        if !t.events().is_empty() {
            break;
        }
    }
    assert!(fed <= MAX_REPLY_BYTES + 17, "failed after {fed} bytes");
    t.server_bytes(b"250 done\r\n");
    t.assert_quiet();
    assert_eq!(t.session.stage(), Stage::Closed);
    // Later input is ignored, not buffered.
    t.server_bytes(&[b'x'; 100_000]);
    assert!(t.events().is_empty());
}

#[test]
fn endless_multi_line_reply_reports_too_long() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.script("S: 220 mx ESMTP\nC: EHLO [127.0.0.1]");
    t.server_bytes(&b"250-x\r\n".repeat(5000));
    assert_eq!(
        t.events(),
        vec![Event::Failed(SessionError::Reply(ReplyError::TooLong))]
    );
}

#[test]
fn eight_bit_garbage_greeting() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.server_bytes(b"\x80\xff\xfe\x00garbage\r\n");
    let events = t.events();
    assert!(
        matches!(
            failed(&events),
            Some(SessionError::Reply(ReplyError::Malformed { .. }))
        ),
        "{events:?}"
    );
    t.assert_quiet();
    assert_eq!(
        failed(&events).unwrap().to_string(),
        "the server sent something that is not an SMTP reply (Invalid response code)"
    );
}

#[test]
fn eight_bit_text_in_a_reply_is_kept_as_text() {
    let mut t = ready(&["PIPELINING"]);
    t.session.send(envelope(10)).unwrap();
    let _ = t.written();
    t.server_bytes(b"550 5.1.1 Empf\xe4nger unbekannt\r\n250 ok\r\n");
    let events = t.events();
    let Some(Event::TransactionFailed(TransactionError::SenderRefused { reply, .. })) =
        events.first()
    else {
        panic!("{events:?}");
    };
    assert_eq!(reply.text, "Empf\u{fffd}nger unbekannt");
}

#[test]
fn reply_before_any_command() {
    // A second reply in the greeting's packet: EHLO has not even been taken for writing.
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.server_bytes(b"220 mx ESMTP\r\n250 mx pretends to answer EHLO\r\n");
    let events = t.events();
    assert!(
        matches!(failed(&events), Some(SessionError::UnexpectedReply { reply }) if reply.code == 250),
        "{events:?}"
    );
    // Nothing more goes to a server that broke the protocol: not even the queued EHLO.
    t.assert_quiet();
}

#[test]
fn a_reply_instead_of_a_greeting() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.server_bytes(b"250 2.1.5 Ok\r\n");
    let events = t.events();
    assert!(
        matches!(failed(&events), Some(SessionError::UnexpectedReply { reply }) if reply.code == 250),
        "{events:?}"
    );
    t.assert_quiet();
}

#[test]
fn reply_to_a_command_never_sent() {
    let mut t = ready(&["PIPELINING"]);
    t.server_bytes(b"250 2.0.0 OK\r\n");
    let events = t.events();
    assert!(
        matches!(failed(&events), Some(SessionError::UnexpectedReply { .. })),
        "{events:?}"
    );
    // And after a transaction's last reply, an extra one is just as unexpected.
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    let _ = t.written();
    t.server_bytes(b"250 ok\r\n");
    let _ = t.written();
    t.server_bytes(b"250 ok\r\n250 surplus\r\n");
    let events = t.events();
    assert!(
        matches!(failed(&events), Some(SessionError::UnexpectedReply { reply }) if reply.text == "surplus"),
        "{events:?}"
    );
}

#[test]
fn service_closing_at_any_time() {
    let mut t = ready(&[]);
    t.server_bytes(b"421 4.3.2 System shutting down\r\n");
    let events = t.events();
    assert!(
        matches!(failed(&events), Some(SessionError::ServiceClosing { reply }) if reply.code == 421),
        "{events:?}"
    );
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    t.script("C: MAIL FROM:<a@example.org>\nS: 421 4.4.0 Lost connection to relay server");
    assert!(matches!(
        failed(&t.events()),
        Some(SessionError::ServiceClosing { .. })
    ));
    t.assert_quiet();
}

#[test]
fn greeting_554() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.script("S: 554 5.7.1 No SMTP service here\nC: QUIT\nS: 221 Bye");
    let events = t.events();
    assert!(matches!(
        &events[..],
        [
            Event::Failed(SessionError::GreetingRefused { .. }),
            Event::Closed
        ]
    ));
}

#[test]
fn bad_reply_codes() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    t.server_bytes(b"999 nonsense\r\n");
    assert!(matches!(
        failed(&t.events()),
        Some(SessionError::Reply(ReplyError::BadCode { code: 999 }))
    ));
}

#[test]
fn starttls_required_but_not_offered() {
    let mut t = Transcript::new(
        Options::new(Security::StartTls).with_credentials(Credentials::password("u", "p")),
    );
    t.script(
        "
        S: 220 mx ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mx
        S: 250 AUTH PLAIN LOGIN
        C: QUIT
        S: 221 Bye
        ",
    );
    let events = t.events();
    assert_eq!(
        events,
        vec![
            Event::Failed(SessionError::StartTlsUnavailable),
            Event::Closed
        ]
    );
}

#[test]
fn starttls_refused() {
    let mut t = Transcript::new(Options::new(Security::StartTls));
    t.script(
        "
        S: 220 mx ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mx
        S: 250 STARTTLS
        C: STARTTLS
        S: 454 4.7.0 TLS not available due to temporary reason
        C: QUIT
        ",
    );
    assert!(matches!(
        failed(&t.events()),
        Some(SessionError::StartTlsRefused { .. })
    ));
}

#[test]
fn auth_in_the_clear_only_when_chosen() {
    let mut t = Transcript::new(
        Options::new(Security::Unencrypted).with_credentials(Credentials::password("u", "p")),
    );
    t.script(
        "
        S: 220 mx ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mx
        S: 250 AUTH LOGIN
        C: AUTH LOGIN
        S: 334 VXNlcm5hbWU6
        C: dQ==
        S: 334 UGFzc3dvcmQ6
        C: cA==
        S: 235 2.7.0 ok
        ",
    );
    assert!(t.events().contains(&Event::Ready));
}

#[test]
fn helo_fallback_only_when_nothing_needs_extensions() {
    let mut t = Transcript::new(Options::new(Security::Unencrypted));
    t.script(
        "
        S: 220 old.example SMTP
        C: EHLO [127.0.0.1]
        S: 502 Command not implemented
        C: HELO [127.0.0.1]
        S: 250 old.example
        ",
    );
    assert_eq!(t.events(), vec![Event::Ready]);
    assert!(!t.session.capabilities().pipelining);
    assert_eq!(t.session.capabilities().server_name, "old.example");

    let mut t = Transcript::new(
        Options::new(Security::ImplicitTls).with_credentials(Credentials::password("u", "p")),
    );
    t.script(
        "
        S: 220 old.example SMTP
        C: EHLO [127.0.0.1]
        S: 502 Command not implemented
        C: QUIT
        ",
    );
    assert!(matches!(
        failed(&t.events()),
        Some(SessionError::HelloRefused { .. })
    ));
}

#[test]
fn too_big_is_refused_before_sending() {
    let mut t = ready(&["SIZE 1000"]);
    assert_eq!(
        t.session.send(envelope(5000)),
        Err(CallError::TooBig {
            size: 5000,
            limit: 1000
        })
    );
    t.assert_quiet();
    // The session is still ready.
    t.session.send(envelope(10)).unwrap();
    t.script("C: MAIL FROM:<a@example.org> SIZE=10");
}

#[test]
fn too_big_after_the_upload() {
    let mut t = ready(&["PIPELINING"]);
    t.session.send(envelope(10)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<b@example.net>
        S: 250 2.1.0 ok
        S: 250 2.1.5 ok
        C: DATA
        S: 354 go
        ",
    );
    let _ = t.events();
    t.session.finish_body_with(b"x").unwrap();
    t.script(
        "
        C: x
        C: .
        S: 552 5.3.4 Message too big for system
        C: RSET
        S: 250 2.0.0 ok
        ",
    );
    let events = t.events();
    let [Event::TransactionFailed(error), Event::Ready] = &events[..] else {
        panic!("{events:?}");
    };
    let reply = error.reply().unwrap();
    assert_eq!(
        (reply.code, reply.enhanced.map(|e| e.to_string())),
        (552, Some("5.3.4".into()))
    );
    assert!(!error.is_transient());
    assert_eq!(Problem::of(reply), Problem::TooBig);
}

#[test]
fn reset_refused() {
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        S: 553 5.1.8 Sender address rejected
        C: RSET
        S: 502 5.5.1 RSET not implemented
        C: QUIT
        ",
    );
    let events = t.events();
    assert!(
        matches!(
            &events[..],
            [
                Event::TransactionFailed(TransactionError::SenderRefused { .. }),
                Event::Failed(SessionError::ResetRefused { .. })
            ]
        ),
        "{events:?}"
    );
    let Event::TransactionFailed(error) = &events[0] else {
        unreachable!()
    };
    assert_eq!(error.reply().map(Problem::of), Some(Problem::BadSender));
}

#[test]
fn try_later_is_transient() {
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        S: 451 4.3.0 Try again later
        C: RSET
        ",
    );
    let events = t.events();
    let Some(Event::TransactionFailed(error)) = events.first() else {
        panic!("{events:?}");
    };
    assert!(error.is_transient());
    assert_eq!(error.reply().map(Problem::of), Some(Problem::TryLater));
}

#[test]
fn utf8_addresses_need_smtputf8() {
    let utf8 = Envelope::new(addr("jörg@example.org"), vec![addr("b@example.net")], 1).unwrap();
    let mut t = ready(&["8BITMIME"]);
    assert_eq!(
        t.session.send(utf8.clone()),
        Err(CallError::NeedsSmtpUtf8 {
            address: addr("jörg@example.org")
        })
    );
    t.assert_quiet();
    let mut t = ready(&["8BITMIME", "SMTPUTF8"]);
    t.session.send(utf8).unwrap();
    t.script("C: MAIL FROM:<jörg@example.org> BODY=8BITMIME SMTPUTF8");
}

#[test]
fn eight_bit_body_needs_8bitmime() {
    let mut t = ready(&[]);
    assert_eq!(
        t.session.send(envelope(1).with_eight_bit(true)),
        Err(CallError::NeedsEightBitMime)
    );
    let mut t = ready(&["8BITMIME"]);
    t.session.send(envelope(1).with_eight_bit(true)).unwrap();
    t.script("C: MAIL FROM:<a@example.org> BODY=8BITMIME");
}

#[test]
fn calls_in_the_wrong_state_change_nothing() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    assert_eq!(
        t.session.send(envelope(1)),
        Err(CallError::WrongState {
            call: "send a message",
            stage: Stage::Greeting
        })
    );
    assert!(t.session.write_body(b"x").is_err());
    assert!(t.session.finish_body().is_err());
    assert!(t.session.tls_established().is_err());
    assert!(t.session.continue_with_accepted().is_err());
    assert!(t.session.abort_transaction().is_err());
    assert!(t.session.quit().is_err());
    t.assert_quiet();
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    assert!(matches!(
        t.session.send(envelope(1)),
        Err(CallError::WrongState { .. })
    ));
}

#[test]
fn connection_lost_mid_transaction() {
    let mut t = ready(&[]);
    t.session.send(envelope(1)).unwrap();
    let _ = t.written();
    t.session.connection_closed();
    assert_eq!(
        t.events(),
        vec![Event::Failed(SessionError::ConnectionLost {
            stage: Stage::MailFrom
        })]
    );
    assert_eq!(t.session.current_timeout(), None);
}

#[test]
fn timeouts_follow_rfc_5321() {
    let mut t = Transcript::new(Options::new(Security::ImplicitTls));
    assert_eq!(t.session.current_timeout(), Some(timeout::GREETING));
    t.script("S: 220 mx\nC: EHLO [127.0.0.1]\nS: 250 mx");
    assert_eq!(t.session.current_timeout(), None, "idle: nothing awaited");
    t.session.send(envelope(1)).unwrap();
    assert_eq!(t.session.current_timeout(), Some(Duration::from_secs(300)));
    t.script(
        "C: MAIL FROM:<a@example.org>\nS: 250 ok\nC: RCPT TO:<b@example.net>\nS: 250 ok\nC: DATA",
    );
    assert_eq!(t.session.current_timeout(), Some(Duration::from_secs(120)));
    t.script("S: 354 go");
    assert_eq!(t.session.current_timeout(), Some(Duration::from_secs(180)));
    t.session.finish_body().unwrap();
    assert_eq!(t.session.current_timeout(), Some(Duration::from_secs(600)));
    t.session.handle_timeout();
    assert_eq!(
        t.events().last(),
        Some(&Event::Failed(SessionError::Timeout {
            stage: Stage::EndOfData
        }))
    );
    assert_eq!(t.session.current_timeout(), None);
}

#[test]
fn bdat_failure_mid_message_drains_then_resets() {
    let mut t = ready(&["PIPELINING", "CHUNKING"]);
    t.session.send(envelope(10)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<b@example.net>
        S: 250 ok
        S: 250 ok
        ",
    );
    let _ = t.events();
    t.session.write_body(b"one\r\n").unwrap();
    t.session.write_body(b"two\r\n").unwrap();
    t.session.finish_body().unwrap();
    t.script(
        "
        C: BDAT 5
        C: one
        C: BDAT 5
        C: two
        C: BDAT 0 LAST
        S: 552 5.3.4 Message too big
        S: 503 5.5.1 No transaction
        ",
    );
    let events = t.events();
    assert!(
        matches!(
            &events[..],
            [Event::TransactionFailed(
                TransactionError::MessageRefused { .. }
            )]
        ),
        "{events:?}"
    );
    t.assert_quiet();
    t.script(
        "
        S: 503 5.5.1 No transaction
        C: RSET
        S: 250 ok
        ",
    );
    assert_eq!(t.events(), vec![Event::Ready]);
}

#[test]
fn bdat_without_pipelining_waits_for_each_chunk() {
    let mut t = ready(&["CHUNKING"]);
    t.session.send(envelope(10)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        S: 250 ok
        C: RCPT TO:<b@example.net>
        S: 250 ok
        ",
    );
    assert_eq!(t.events().last(), Some(&Event::BodyWanted));
    t.session.write_body(b"one\n").unwrap();
    assert_eq!(
        t.session.write_body(b"two\n"),
        Err(CallError::BodyNotWritable)
    );
    assert_eq!(t.session.finish_body(), Err(CallError::BodyNotWritable));
    t.script("C: BDAT 5\nC: one\nS: 250 5 octets");
    assert_eq!(t.events(), vec![Event::BodyWanted]);
    t.session.finish_body_with(b"two\n").unwrap();
    t.script("C: BDAT 5 LAST\nC: two\nS: 250 2.0.0 queued as 1234");
    assert!(matches!(
        &t.events()[..],
        [Event::Sent { .. }, Event::Ready]
    ));
}

#[test]
fn abort_between_bdat_chunks() {
    let mut t = ready(&["PIPELINING", "CHUNKING"]);
    t.session.send(envelope(10)).unwrap();
    t.script("C: MAIL FROM:<a@example.org>\nC: RCPT TO:<b@example.net>\nS: 250 ok\nS: 250 ok");
    t.session.write_body(b"part\r\n").unwrap();
    t.session.abort_transaction().unwrap();
    t.script("C: BDAT 6\nC: part\nS: 250 ok\nC: RSET\nS: 250 ok");
    assert_eq!(t.events().last(), Some(&Event::Ready));
}

/// A large message goes out chunk by chunk: each write yields about one chunk of output
/// and nothing accumulates inside the session.
#[test]
fn large_message_streams_without_holding_it() {
    let mut t = ready(&["PIPELINING"]);
    t.session.send(envelope(20_000_000)).unwrap();
    t.script(
        "
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<b@example.net>
        S: 250 ok
        S: 250 ok
        C: DATA
        S: 354 go
        ",
    );
    let line = b".a line that starts with a dot, with a bare LF at the end\n";
    let chunk: Vec<u8> = line.iter().copied().cycle().take(64 * 1024).collect();
    let mut sent = Vec::new();
    let mut original = Vec::new();
    for _ in 0..(20_000_000 / chunk.len()) {
        t.session.write_body(&chunk).unwrap();
        let out = t.written();
        assert!(
            out.len() <= chunk.len() * 2 + 2,
            "one chunk out per chunk in"
        );
        sent.extend_from_slice(&out);
        original.extend_from_slice(&chunk);
    }
    t.session.finish_body().unwrap();
    sent.extend_from_slice(&t.written());
    let unstuffed = unstuff(&sent).expect("one terminator, at the end");
    let mut expected = webimap_smtp::body::normalise_line_endings(&original);
    if !expected.ends_with(b"\r\n") {
        expected.extend_from_slice(b"\r\n");
    }
    assert!(unstuffed == expected);
}

#[test]
fn secrets_stay_out_of_debug() {
    let options = Options::new(Security::StartTls)
        .with_credentials(Credentials::password("alice", "hunter2").with_scram_nonce("n0nce-xyz"));
    let t = Transcript::new(options);
    let text = format!("{t:?}");
    assert!(
        !text.contains("hunter2") && !text.contains("n0nce-xyz"),
        "{text}"
    );
}
