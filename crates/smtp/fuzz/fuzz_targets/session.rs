//! A submission session fed arbitrary server bytes while it signs in and sends a message:
//! never panics, never writes more than its own commands and the message, and stays
//! within its state rules (every call returns, errors are events).
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_smtp::{
    Address, Credentials, Envelope, Event, Security, SubmissionSession, session::Options,
};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut % 64) + 1;
    let security = match cut % 3 {
        0 => Security::ImplicitTls,
        1 => Security::StartTls,
        _ => Security::Unencrypted,
    };
    let credentials =
        Credentials::password("user", "pencil").with_scram_nonce("rOprNGfwEbeRWgbNEkqO");
    let mut session = SubmissionSession::new(Options::new(security).with_credentials(credentials));
    let (Ok(from), Ok(to)) = (
        Address::parse("a@example.org"),
        Address::parse("b@example.net"),
    ) else {
        return;
    };
    let mut written = 0usize;
    for piece in data.chunks(cut) {
        session.handle_input(piece);
        while let Some(event) = session.poll_event() {
            match event {
                Event::StartTls { .. } => {
                    let _ = session.tls_established();
                }
                Event::Ready => {
                    if let Ok(envelope) = Envelope::new(from.clone(), vec![to.clone()], 20) {
                        let _ = session.send(envelope);
                    }
                }
                Event::Recipients(_) => {
                    let _ = session.continue_with_accepted();
                }
                Event::BodyWanted => {
                    let _ = session.write_body(b"Subject: x\n\n.body\n");
                    let _ = session.finish_body();
                }
                _ => {}
            }
        }
        while let Some(bytes) = session.poll_output() {
            written += bytes.len();
        }
        let _ = session.current_timeout();
    }
    // Commands are short; one message per Ready; bounded by the input that drove them.
    assert!(
        written <= 200 + data.len() * 64,
        "output grows with input only"
    );
    session.connection_closed();
    while session.poll_event().is_some() {}
});
