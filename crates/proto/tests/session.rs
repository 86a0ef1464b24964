//! The session state machine fed with scripted server bytes.

use webimap_proto::{
    session::{CommandError, Event, Interrupt, Io, Options, Session, SessionError, State},
    types::{
        command::{Command, FetchAttribute},
        mailbox::MailboxName,
        response::{Data, StatusKind},
        sequence::SequenceSet,
    },
};

/// Runs `next` until it needs input; returns the events and the bytes it wanted sent.
fn drain(s: &mut Session) -> (Vec<Event>, Vec<u8>) {
    let mut events = Vec::new();
    let mut out = Vec::new();
    loop {
        match s.next() {
            Ok(e) => events.push(e),
            Err(Interrupt::Io(Io::Output(b))) => out.extend(b),
            Err(Interrupt::Io(Io::NeedMoreInput)) => return (events, out),
            Err(Interrupt::Error(e)) => panic!("session error {e}"),
        }
    }
}

fn greeted() -> Session {
    let mut s = Session::new(Options::default());
    s.enqueue_input(b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n");
    let (events, out) = drain(&mut s);
    assert!(matches!(&events[..], [Event::Greeting(g)] if g.kind == StatusKind::Ok));
    assert!(out.is_empty());
    assert!(s.capabilities().has("IDLE"));
    s
}

#[test]
fn nothing_is_sent_before_the_greeting() {
    let mut s = Session::new(Options::default());
    let h = s.enqueue_command(Command::Noop);
    let (events, out) = drain(&mut s);
    assert!(events.is_empty() && out.is_empty());
    s.enqueue_input(b"* OK hi\r\n");
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"W1 NOOP\r\n");
    s.enqueue_input(b"W1 OK done\r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[..], [Event::Completed { handle, result: Ok(_) }] if *handle == h));
}

#[test]
fn login_select_fetch_pipelined() {
    let mut s = greeted();
    let login = s.enqueue_command(Command::login("alice", "secret").unwrap());
    let select = s.enqueue_command(Command::select(MailboxName::inbox()));
    let fetch = s.enqueue_command(
        Command::fetch(
            SequenceSet::all(),
            vec![FetchAttribute::Uid, FetchAttribute::Flags],
            true,
        )
        .unwrap(),
    );
    let (_, out) = drain(&mut s);
    assert_eq!(
        out,
        b"W1 LOGIN alice secret\r\nW2 SELECT INBOX\r\nW3 UID FETCH 1:* (UID FLAGS)\r\n"
    );
    s.enqueue_input(b"W1 OK [CAPABILITY IMAP4rev1 LITERAL+ MOVE] Logged in\r\n");
    s.enqueue_input(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 9] ok\r\nW2 OK [READ-WRITE] selected\r\n");
    s.enqueue_input(
        b"* 1 FETCH (UID 3 FLAGS (\\Seen))\r\n* 2 FETCH (UID 8 FLAGS ())\r\nW3 OK done\r\n",
    );
    let (events, _) = drain(&mut s);
    assert_eq!(s.state(), State::Selected);
    assert!(
        s.capabilities().has("MOVE"),
        "capabilities from the LOGIN OK code"
    );
    let m = s.selected().unwrap();
    assert_eq!(
        (m.exists, m.uid_validity, m.uid_next, m.read_only),
        (2, Some(7), Some(9), false)
    );
    let completed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Completed { handle, result } => Some((*handle, result.is_ok())),
            _ => None,
        })
        .collect();
    assert_eq!(
        completed,
        vec![(login, true), (select, true), (fetch, true)]
    );
    let fetch_data = events
        .iter()
        .filter(|e| matches!(e, Event::Data { handle: Some(h), data: Data::Fetch { .. } } if *h == fetch))
        .count();
    assert_eq!(fetch_data, 2, "FETCH data goes with the FETCH command");
}

#[test]
fn synchronising_literal_waits_for_continuation() {
    let mut s = greeted();
    let login = s.enqueue_command(Command::login("bob", "pässword").unwrap());
    let noop = s.enqueue_command(Command::Noop);
    let (_, out) = drain(&mut s);
    assert_eq!(
        out, b"W1 LOGIN bob {9}\r\n",
        "stops before the literal; NOOP waits too"
    );
    s.enqueue_input(b"+ go ahead\r\n");
    let (events, out) = drain(&mut s);
    assert!(
        events.is_empty(),
        "the literal's + is not reported: {events:?}"
    );
    assert_eq!(out, "pässword\r\nW2 NOOP\r\n".as_bytes());
    s.enqueue_input(b"W1 NO [AUTHENTICATIONFAILED] bad\r\nW2 OK noop\r\n");
    let (events, _) = drain(&mut s);
    assert!(
        matches!(&events[0], Event::Completed { handle, result: Err(CommandError::No(st)) }
        if *handle == login && st.text.as_str() == Some("bad"))
    );
    assert!(matches!(&events[1], Event::Completed { handle, result: Ok(_) } if *handle == noop));
    assert_eq!(s.state(), State::NotAuthenticated);
}

#[test]
fn refused_literal_stops_the_command() {
    let mut s = greeted();
    let login = s.enqueue_command(Command::login("bob", "pässword").unwrap());
    let _ = drain(&mut s);
    s.enqueue_input(b"W1 BAD no literals\r\n");
    let (events, out) = drain(&mut s);
    assert!(out.is_empty(), "the literal is not sent after a refusal");
    assert!(
        matches!(&events[0], Event::Completed { handle, result: Err(CommandError::Bad(_)) } if *handle == login)
    );
    let noop = s.enqueue_command(Command::Noop);
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"W2 NOOP\r\n");
    let _ = noop;
}

#[test]
fn connection_loss_fails_every_pending_command() {
    let mut s = greeted();
    let a = s.enqueue_command(Command::Noop);
    let _ = drain(&mut s);
    let b = s.enqueue_command(Command::login("bob", "pässword").unwrap());
    let c = s.enqueue_command(Command::Noop);
    let _ = drain(&mut s);
    s.connection_closed();
    let mut failed = Vec::new();
    loop {
        match s.next() {
            Ok(Event::Completed {
                handle,
                result: Err(CommandError::ConnectionLost),
            }) => failed.push(handle),
            Ok(other) => panic!("{other:?}"),
            Err(Interrupt::Error(SessionError::Closed)) => break,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(failed, vec![a, b, c]);
    let late = s.enqueue_command(Command::Noop);
    assert!(
        matches!(s.next(), Ok(Event::Completed { handle, result: Err(CommandError::ConnectionLost) }) if handle == late)
    );
}

#[test]
fn bye_is_reported_then_close_fails_in_flight() {
    let mut s = greeted();
    let h = s.enqueue_command(Command::Noop);
    let _ = drain(&mut s);
    s.enqueue_input(b"* BYE shutting down\r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[..], [Event::Bye(_)]));
    s.connection_closed();
    assert!(
        matches!(s.next(), Ok(Event::Completed { handle, result: Err(CommandError::ConnectionLost) }) if handle == h)
    );
}

#[test]
fn malformed_response_is_skipped_and_the_stream_continues() {
    let mut s = greeted();
    let h = s.enqueue_command(Command::Noop);
    let _ = drain(&mut s);
    s.enqueue_input(b"* 1 FETCH (UID\r\n* 3 EXISTS\r\n");
    s.enqueue_input(b"W1 OK [BROKEN-CODE then stuff\r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[0], Event::Malformed { .. }));
    assert!(matches!(
        &events[1],
        Event::Data {
            data: Data::Exists(3),
            ..
        }
    ));
    assert!(
        matches!(&events[2], Event::Completed { handle, result: Ok(_) } if *handle == h),
        "a tagged line that does not parse still completes its command: {events:?}"
    );
}

#[test]
fn starttls_discards_bytes_injected_before_the_handshake() {
    let mut s = greeted();
    let h = s.enqueue_command(Command::StartTls);
    let noop = s.enqueue_command(Command::Noop);
    let (_, out) = drain(&mut s);
    assert_eq!(
        out, b"W1 STARTTLS\r\n",
        "nothing follows STARTTLS in plaintext"
    );
    s.enqueue_input(b"W1 OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n");
    let mut saw = Vec::new();
    loop {
        match s.next() {
            Ok(e) => saw.push(e),
            Err(Interrupt::Io(Io::Output(b))) => {
                assert_eq!(b, b"W2 NOOP\r\n");
                break;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(matches!(&saw[0], Event::StartTls { discarded } if *discarded > 0));
    assert!(matches!(&saw[1], Event::Completed { handle, result: Ok(_) } if *handle == h));
    assert!(
        s.capabilities().is_empty(),
        "capabilities must be asked again after TLS"
    );
    let _ = noop;
}

/// Hardening (#16, item 11): an `* ENABLED` a man in the middle writes before the STARTTLS
/// OK must not make a later ENABLE look done.
#[test]
fn nothing_enabled_before_starttls_survives_it() {
    let mut s = greeted();
    let h = s.enqueue_command(Command::StartTls);
    let _ = drain(&mut s);
    s.enqueue_input(b"* ENABLED QRESYNC UTF8=ACCEPT\r\nW1 OK begin TLS\r\n");
    let (events, _) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Completed { handle, result: Ok(_) } if *handle == h)),
        "{events:?}"
    );
    assert!(!s.is_enabled("QRESYNC"));
    assert!(!s.is_enabled("UTF8=ACCEPT"));
}

#[test]
fn preauth_is_refused_when_starttls_is_required() {
    let mut options = Options::default();
    options.starttls_required = true;
    let mut s = Session::new(options);
    s.enqueue_input(b"* PREAUTH welcome\r\n");
    assert!(matches!(
        s.next(),
        Err(Interrupt::Error(SessionError::PreAuthWithoutTls))
    ));
}

#[test]
fn failed_select_leaves_no_mailbox_selected() {
    let mut s = greeted();
    s.enqueue_command(Command::login("a", "b").unwrap());
    s.enqueue_command(Command::select(MailboxName::inbox()));
    let _ = drain(&mut s);
    s.enqueue_input(b"W1 OK in\r\n* 5 EXISTS\r\nW2 OK [READ-ONLY] ok\r\n");
    let _ = drain(&mut s);
    assert_eq!(
        s.selected().map(|m| (m.exists, m.read_only)),
        Some((5, true))
    );
    s.enqueue_command(Command::select(MailboxName::from_display("Nope").unwrap()));
    let _ = drain(&mut s);
    s.enqueue_input(b"W3 NO no such mailbox\r\n");
    let _ = drain(&mut s);
    assert_eq!(
        (s.state(), s.selected().is_none()),
        (State::Authenticated, true)
    );
}

#[test]
fn idle_receives_pushed_data_and_ends_with_done() {
    let mut s = greeted();
    let idle = s.enqueue_command(Command::Idle);
    let noop = s.enqueue_command(Command::Noop);
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"W1 IDLE\r\n", "nothing follows IDLE until it ends");
    s.enqueue_input(b"+ idling\r\n* 4 EXISTS\r\n* 2 EXPUNGE\r\n");
    let (events, out) = drain(&mut s);
    assert!(out.is_empty());
    assert!(matches!(&events[0], Event::Continue { handle, .. } if *handle == idle));
    assert!(
        matches!(&events[1], Event::Data { handle: Some(h), data: Data::Exists(4) } if *h == idle)
    );
    assert!(matches!(
        &events[2],
        Event::Data {
            data: Data::Expunge(2),
            ..
        }
    ));
    assert!(s.idle_done(idle));
    assert!(!s.idle_done(idle), "DONE only once");
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"DONE\r\n");
    s.enqueue_input(b"W1 OK idle done\r\n");
    let (events, out) = drain(&mut s);
    assert!(matches!(&events[0], Event::Completed { handle, result: Ok(_) } if *handle == idle));
    assert_eq!(
        out, b"W2 NOOP\r\n",
        "queued commands go after IDLE completes"
    );
    let _ = noop;
}

#[test]
fn authenticate_exchanges_base64_continuations() {
    let mut s = greeted();
    let auth = s.enqueue_command(Command::authenticate("PLAIN", None).unwrap());
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"W1 AUTHENTICATE PLAIN\r\n");
    s.enqueue_input(b"+ \r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[0], Event::Continue { handle, .. } if *handle == auth));
    assert!(s.send_continuation(auth, &webimap_proto::Secret::new(b"\0user\0pass".to_vec())));
    let (_, out) = drain(&mut s);
    assert_eq!(out, b"AHVzZXIAcGFzcw==\r\n");
    s.enqueue_input(b"W1 OK [CAPABILITY IMAP4rev1 MOVE] authenticated\r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[0], Event::Completed { result: Ok(_), .. }));
    assert_eq!(s.state(), State::Authenticated);
    assert!(s.capabilities().has("MOVE"));
    let other = s.enqueue_command(Command::Noop);
    assert!(
        !s.send_continuation(other, &webimap_proto::Secret::new(Vec::new())),
        "not an AUTHENTICATE"
    );
}

#[test]
fn stray_continuation_is_ignored() {
    let mut s = greeted();
    let h = s.enqueue_command(Command::Noop);
    let _ = drain(&mut s);
    s.enqueue_input(b"+ what\r\nW1 OK\r\n");
    let (events, _) = drain(&mut s);
    assert!(matches!(&events[..], [Event::Completed { handle, result: Ok(_) }] if *handle == h));
}

#[test]
fn enable_utf8_accept_switches_strings_to_utf8() {
    let mut s = greeted();
    s.enqueue_command(Command::enable(["UTF8=ACCEPT"]).unwrap());
    let _ = drain(&mut s);
    s.enqueue_input(b"* ENABLED UTF8=ACCEPT\r\nW1 OK enabled\r\n");
    let _ = drain(&mut s);
    assert!(s.is_enabled("utf8=accept"));
    s.enqueue_command(Command::select(
        MailboxName::from_wire("Entwürfe".as_bytes().to_vec()).unwrap(),
    ));
    let (_, out) = drain(&mut s);
    assert_eq!(out, "W2 SELECT \"Entwürfe\"\r\n".as_bytes());
}

#[test]
fn close_leaves_the_selected_state() {
    let mut s = greeted();
    s.enqueue_command(Command::login("a", "b").unwrap());
    s.enqueue_command(Command::select(MailboxName::inbox()));
    s.enqueue_command(Command::Close);
    let _ = drain(&mut s);
    s.enqueue_input(b"W1 OK\r\n* 1 EXISTS\r\nW2 OK\r\nW3 OK\r\n");
    let _ = drain(&mut s);
    assert_eq!(
        (s.state(), s.selected().is_none()),
        (State::Authenticated, true)
    );
}
