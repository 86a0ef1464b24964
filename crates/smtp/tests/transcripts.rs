//! The examples of RFC 5321 (Appendix D), RFC 2920, RFC 3030, RFC 4954 and RFC 3207,
//! replayed against the session. Where this client deliberately differs from the RFC's
//! client, a `#` line in the transcript says how and why.

mod common;

use common::Transcript;
use webimap_smtp::{
    Address, ClientName, Credentials, Envelope, Event, Problem, Reply, Security, SessionError,
    capabilities::Mechanism,
    reply::EnhancedCode,
    session::{Options, RecipientReport, RefusedRecipient, TransactionError},
};

fn addr(text: &str) -> Address {
    Address::parse(text).expect("a valid address")
}

fn reply(code: u16, text: &str) -> Reply {
    Reply {
        code,
        enhanced: None,
        text: text.into(),
    }
}

fn named(security: Security, name: &str) -> Options {
    Options::new(security).with_client_name(ClientName::new(name).expect("a valid name"))
}

const RFC5321_EHLO: &str = "
    S: 220 foo.com Simple Mail Transfer Service Ready
    C: EHLO bar.com
    S: 250-foo.com greets bar.com
    S: 250-8BITMIME
    S: 250-SIZE
    S: 250-DSN
    S: 250 HELP
";

/// RFC 5321 D.1, "A Typical SMTP Transaction Scenario".
#[test]
fn rfc5321_d1_typical_transaction() {
    let mut t = Transcript::new(named(Security::Unencrypted, "bar.com"));
    t.script(RFC5321_EHLO);
    assert_eq!(t.events(), vec![Event::Ready]);
    let body = b"Blah blah blah...\r\n..etc. etc. etc.\r\n";
    let envelope = Envelope::new(
        addr("Smith@bar.com"),
        vec![
            addr("Jones@foo.com"),
            addr("Green@foo.com"),
            addr("Brown@foo.com"),
        ],
        body.len() as u64,
    )
    .unwrap();
    t.session.send(envelope).unwrap();
    t.script(
        "
        # SIZE= is added: the server offers SIZE (RFC 1870).
        C: MAIL FROM:<Smith@bar.com> SIZE=37
        S: 250 OK
        C: RCPT TO:<Jones@foo.com>
        S: 250 OK
        C: RCPT TO:<Green@foo.com>
        S: 550 No such user here
        C: RCPT TO:<Brown@foo.com>
        S: 250 OK
        ",
    );
    // One refused recipient is reported by address; the user decides.
    assert_eq!(
        t.events(),
        vec![Event::Recipients(RecipientReport {
            accepted: vec![addr("Jones@foo.com"), addr("Brown@foo.com")],
            refused: vec![RefusedRecipient {
                address: addr("Green@foo.com"),
                reply: reply(550, "No such user here"),
            }],
        })]
    );
    t.assert_quiet();
    t.session.continue_with_accepted().unwrap();
    t.script(
        "
        C: DATA
        S: 354 Start mail input; end with <CRLF>.<CRLF>
        ",
    );
    assert_eq!(t.events(), vec![Event::BodyWanted]);
    t.session.write_body(body).unwrap();
    t.session.finish_body().unwrap();
    t.script(
        "
        C: Blah blah blah...
        C: ...etc. etc. etc.
        C: .
        S: 250 OK
        ",
    );
    assert_eq!(
        t.events(),
        vec![
            Event::Sent {
                reply: reply(250, "OK")
            },
            Event::Ready
        ]
    );
    t.session.quit().unwrap();
    t.script(
        "
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        ",
    );
    assert_eq!(t.events(), vec![Event::Closed]);
    assert_eq!(t.session.current_timeout(), None);
}

/// RFC 5321 D.2, "Aborted SMTP Transaction Scenario".
#[test]
fn rfc5321_d2_aborted_transaction() {
    let mut t = Transcript::new(named(Security::Unencrypted, "bar.com"));
    t.script(RFC5321_EHLO);
    let envelope = Envelope::new(
        addr("Smith@bar.com"),
        vec![addr("Jones@foo.com"), addr("Green@foo.com")],
        100,
    )
    .unwrap();
    t.session.send(envelope).unwrap();
    t.script(
        "
        C: MAIL FROM:<Smith@bar.com> SIZE=100
        S: 250 OK
        C: RCPT TO:<Jones@foo.com>
        S: 250 OK
        C: RCPT TO:<Green@foo.com>
        S: 550 No such user here
        ",
    );
    let events = t.events();
    assert!(matches!(&events[..], [Event::Ready, Event::Recipients(r)] if r.refused.len() == 1));
    t.session.abort_transaction().unwrap();
    t.script(
        "
        C: RSET
        S: 250 OK
        ",
    );
    assert_eq!(t.events(), vec![Event::Ready]);
    t.session.quit().unwrap();
    t.script(
        "
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        ",
    );
    assert_eq!(t.events(), vec![Event::Closed]);
}

const RFC2920_EHLO: &str = "
    S: 220 innosoft.com SMTP service ready
    C: EHLO dbc.mtview.ca.us
    S: 250-innosoft.com
    S: 250 PIPELINING
";

fn rfc2920_envelope() -> Envelope {
    Envelope::new(
        addr("mrose@dbc.mtview.ca.us"),
        vec![
            addr("ned@innosoft.com"),
            addr("dan@innosoft.com"),
            addr("kvc@innosoft.com"),
        ],
        20,
    )
    .expect("an envelope")
}

/// RFC 2920 section 3.2, the first example: everything accepted.
#[test]
fn rfc2920_pipelined_transaction() {
    let mut t = Transcript::new(named(Security::Unencrypted, "dbc.mtview.ca.us"));
    t.script(RFC2920_EHLO);
    t.session.send(rfc2920_envelope()).unwrap();
    // MAIL and every RCPT go out as one write.
    let group = t.session.poll_output().unwrap();
    assert_eq!(
        String::from_utf8(group).unwrap(),
        "MAIL FROM:<mrose@dbc.mtview.ca.us>\r\nRCPT TO:<ned@innosoft.com>\r\n\
RCPT TO:<dan@innosoft.com>\r\nRCPT TO:<kvc@innosoft.com>\r\n"
    );
    t.assert_quiet();
    t.script(
        r#"
        S: 250 sender <mrose@dbc.mtview.ca.us> OK
        S: 250 recipient <ned@innosoft.com> OK
        S: 250 recipient <dan@innosoft.com> OK
        S: 250 recipient <kvc@innosoft.com> OK
        # The RFC's client pipelines DATA too; this one sends it once every recipient is
        # answered, so that the user can decide about refused ones before any body is sent.
        C: DATA
        S: 354 enter mail, end with line containing only "."
        "#,
    );
    t.session
        .finish_body_with(b"Subject: hi\r\n\r\nhello\r\n")
        .unwrap();
    t.script(
        "
        C: Subject: hi
        C:
        C: hello
        C: .
        S: 250 message sent
        ",
    );
    let events = t.events();
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(matches!(&events[1], Event::Recipients(r) if r.accepted.len() == 3));
    assert_eq!(events[2], Event::BodyWanted);
    assert_eq!(
        events[3],
        Event::Sent {
            reply: reply(250, "message sent")
        }
    );
    t.session.quit().unwrap();
    t.script(
        "
        C: QUIT
        S: 221 goodbye
        ",
    );
    assert_eq!(t.events(), vec![Event::Closed]);
}

/// RFC 2920 section 3.2, the second example: every recipient refused.
#[test]
fn rfc2920_every_recipient_refused() {
    let mut t = Transcript::new(named(Security::Unencrypted, "dbc.mtview.ca.us"));
    t.script(RFC2920_EHLO);
    t.session.send(rfc2920_envelope()).unwrap();
    t.script(
        "
        C: MAIL FROM:<mrose@dbc.mtview.ca.us>
        C: RCPT TO:<ned@innosoft.com>
        C: RCPT TO:<dan@innosoft.com>
        C: RCPT TO:<kvc@innosoft.com>
        S: 250 sender <mrose@dbc.mtview.ca.us> OK
        S: 550 remote mail to <ned@innosoft.com> not allowed
        S: 550 remote mail to <dan@innosoft.com> not allowed
        S: 550 remote mail to <kvc@innosoft.com> not allowed
        # No DATA was pipelined (see above), so there is no 554 to it; RSET ends the
        # transaction instead.
        C: RSET
        S: 250 OK
        ",
    );
    let events = t.events();
    let [
        Event::Ready,
        Event::TransactionFailed(TransactionError::AllRecipientsRefused { refused }),
        Event::Ready,
    ] = &events[..]
    else {
        panic!("{events:?}");
    };
    let refused: Vec<&str> = refused.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        refused,
        ["ned@innosoft.com", "dan@innosoft.com", "kvc@innosoft.com"]
    );
}

const RFC3030_MESSAGE: &str = "To: Susan@random.com\r\nFrom: Sam@random.com\r\n\
Subject: This is a bodyless test message\r\n";

/// RFC 3030 section 4.1, "Simple Chunking".
#[test]
fn rfc3030_simple_chunking() {
    let mut t = Transcript::new(named(Security::Unencrypted, "ymir.claremont.edu"));
    t.script(
        "
        S: 220 cnri.reston.va.us SMTP service ready
        C: EHLO ymir.claremont.edu
        S: 250-cnri.reston.va.us says hello
        S: 250 CHUNKING
        ",
    );
    let envelope =
        Envelope::new(addr("Sam@Random.com"), vec![addr("Susan@Random.com")], 86).unwrap();
    t.session.send(envelope).unwrap();
    t.script(
        "
        C: MAIL FROM:<Sam@Random.com>
        S: 250 <Sam@Random.com>... Sender ok
        C: RCPT TO:<Susan@Random.com>
        S: 250 <Susan@Random.com>... Recipient ok
        ",
    );
    let events = t.events();
    assert_eq!(events.last(), Some(&Event::BodyWanted), "{events:?}");
    t.session
        .finish_body_with(RFC3030_MESSAGE.as_bytes())
        .unwrap();
    t.script(
        "
        C: BDAT 86 LAST
        C: To: Susan@random.com
        C: From: Sam@random.com
        C: Subject: This is a bodyless test message
        S: 250 Message OK, 86 octets received
        ",
    );
    assert_eq!(
        t.events(),
        vec![
            Event::Sent {
                reply: reply(250, "Message OK, 86 octets received")
            },
            Event::Ready
        ]
    );
    t.session.quit().unwrap();
    t.script("C: QUIT\nS: 221 Goodbye");
    assert_eq!(t.events(), vec![Event::Closed]);
}

/// RFC 3030 section 4.2, "Pipelining BINARYMIME": chunks sent without waiting, then
/// `BDAT 0 LAST`, the replies afterwards.
#[test]
fn rfc3030_pipelined_chunks() {
    let mut t = Transcript::new(named(Security::Unencrypted, "ymir.claremont.edu"));
    t.script(
        "
        S: 220 cnri.reston.va.us SMTP service ready
        C: EHLO ymir.claremont.edu
        S: 250-cnri.reston.va.us says hello
        S: 250-PIPELINING
        S: 250-BINARYMIME
        S: 250 CHUNKING
        ",
    );
    let envelope = Envelope::new(
        addr("ned@ymir.claremont.edu"),
        vec![
            addr("gvaudre@cnri.reston.va.us"),
            addr("jstewart@cnri.reston.va.us"),
        ],
        100_324,
    )
    .unwrap();
    t.session.send(envelope).unwrap();
    t.script(
        "
        # BINARYMIME is not used by this client: no BODY= parameter.
        C: MAIL FROM:<ned@ymir.claremont.edu>
        C: RCPT TO:<gvaudre@cnri.reston.va.us>
        C: RCPT TO:<jstewart@cnri.reston.va.us>
        S: 250 <ned@ymir.claremont.edu>... Sender and BINARYMIME ok
        S: 250 <gvaudre@cnri.reston.va.us>... Recipient ok
        S: 250 <jstewart@cnri.reston.va.us>... Recipient ok
        ",
    );
    let first = format!("{}\r\n", "x".repeat(98)).repeat(1000);
    let second = format!("{}\r\n", "y".repeat(106)).repeat(3);
    assert_eq!((first.len(), second.len()), (100_000, 324));
    t.session.write_body(first.as_bytes()).unwrap();
    t.session.write_body(second.as_bytes()).unwrap();
    t.session.finish_body().unwrap();
    let expected = format!("BDAT 100000\r\n{first}BDAT 324\r\n{second}BDAT 0 LAST\r\n");
    assert_eq!(String::from_utf8(t.written()).unwrap(), expected);
    t.script(
        "
        S: 250 100000 bytes received
        S: 250 324 bytes received
        S: 250 Message OK, 100324 octets received
        ",
    );
    t.assert_quiet();
    let events = t.events();
    assert_eq!(
        events[events.len() - 2..],
        [
            Event::Sent {
                reply: reply(250, "Message OK, 100324 octets received")
            },
            Event::Ready
        ]
    );
}

/// RFC 4954 section 4's example, with RFC 3207 STARTTLS before it: no AUTH before TLS,
/// though AUTH is offered; EHLO again after the handshake; PLAIN then.
#[test]
fn rfc4954_starttls_then_auth_plain() {
    let options = named(Security::StartTls, "client.example.com")
        .with_credentials(Credentials::password("test", "1234"));
    let mut t = Transcript::new(options);
    t.script(
        "
        # The RFC's first line is '220-', a continuation with no end; a whole reply here.
        S: 220 smtp.example.com ESMTP Server
        C: EHLO client.example.com
        S: 250-smtp.example.com Hello client.example.com
        S: 250-AUTH GSSAPI DIGEST-MD5
        S: 250-ENHANCEDSTATUSCODES
        S: 250 STARTTLS
        C: STARTTLS
        S: 220 Ready to start TLS
        ",
    );
    assert_eq!(t.events(), vec![Event::StartTls { discarded: 0 }]);
    assert!(!t.session.is_tls());
    t.session.tls_established().unwrap();
    t.script(
        "
        C: EHLO client.example.com
        S: 250-smtp.example.com Hello client.example.com
        S: 250 AUTH GSSAPI DIGEST-MD5 PLAIN
        # webimap-proto's PLAIN sends no authorisation identity: NUL test NUL 1234 (the
        # RFC's client sent test NUL test NUL 1234).
        C: AUTH PLAIN AHRlc3QAMTIzNA==
        S: 235 2.7.0 Authentication successful
        ",
    );
    assert_eq!(
        t.events(),
        vec![
            Event::Authenticated {
                mechanism: Mechanism::Plain
            },
            Event::Ready
        ]
    );
    assert!(t.session.is_tls());
}

/// RFC 4954 section 4's second example offers only CRAM-MD5 and DIGEST-MD5, which this
/// client does not run: a clear error and QUIT, never a weaker guess.
#[test]
fn rfc4954_no_common_mechanism() {
    let options = named(Security::Unencrypted, "jgm.example.com")
        .with_credentials(Credentials::password("fred", "tanstaaf"));
    let mut t = Transcript::new(options);
    t.script(
        "
        S: 220 smtp.example.com ESMTP server ready
        C: EHLO jgm.example.com
        S: 250-smtp.example.com
        S: 250 AUTH CRAM-MD5 DIGEST-MD5
        C: QUIT
        S: 221 2.0.0 Bye
        ",
    );
    let events = t.events();
    assert_eq!(
        events,
        vec![
            Event::Failed(SessionError::AuthUnavailable { offered: vec![] }),
            Event::Closed
        ]
    );
    let Event::Failed(error) = &events[0] else {
        unreachable!()
    };
    assert_eq!(
        error.to_string(),
        "the server offers no sign-in method for these credentials (offered: none)"
    );
}

/// Wrong password: 535 5.7.8, kept whole for the UI.
#[test]
fn rfc4954_wrong_password() {
    let options = Options::new(Security::ImplicitTls)
        .with_credentials(Credentials::password("test", "wrong"));
    let mut t = Transcript::new(options);
    t.script(
        "
        S: 220 mail.example.org ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mail.example.org
        S: 250 AUTH PLAIN LOGIN
        C: AUTH PLAIN AHRlc3QAd3Jvbmc=
        S: 535 5.7.8 Authentication credentials invalid
        C: QUIT
        S: 221 2.0.0 Bye
        ",
    );
    let events = t.events();
    let problem = match &events[0] {
        Event::Failed(error) => error.reply().map(Problem::of),
        _ => None,
    };
    assert_eq!(problem, Some(Problem::WrongCredentials));
    assert_eq!(
        events,
        vec![
            Event::Failed(SessionError::AuthFailed {
                mechanism: Mechanism::Plain,
                reply: Reply {
                    code: 535,
                    enhanced: Some(EnhancedCode {
                        class: 5,
                        subject: 7,
                        detail: 8
                    }),
                    text: "Authentication credentials invalid".into(),
                },
            }),
            Event::Closed
        ]
    );
}

/// SCRAM-SHA-256 over SMTP AUTH with the RFC 7677 test vectors: the server's final
/// message comes as a 334 challenge, answered by an empty line (RFC 4954 section 4).
#[test]
fn scram_sha256_exchange() {
    let credentials =
        Credentials::password("user", "pencil").with_scram_nonce("rOprNGfwEbeRWgbNEkqO");
    let mut t = Transcript::new(Options::new(Security::ImplicitTls).with_credentials(credentials));
    t.script(
        "
        S: 220 mail.example.org ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mail.example.org
        S: 250 AUTH PLAIN SCRAM-SHA-256
        C: AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
        S: 334 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=
        C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==
        S: 334 dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==
        C:
        S: 235 2.7.0 Authentication successful
        ",
    );
    assert_eq!(
        t.events(),
        vec![
            Event::Authenticated {
                mechanism: Mechanism::ScramSha256
            },
            Event::Ready
        ]
    );
}

/// A server that does not know the password cannot fake SCRAM's final message.
#[test]
fn scram_sha256_wrong_server_signature() {
    let credentials =
        Credentials::password("user", "pencil").with_scram_nonce("rOprNGfwEbeRWgbNEkqO");
    let mut t = Transcript::new(Options::new(Security::ImplicitTls).with_credentials(credentials));
    t.script(
        "
        S: 220 mail.example.org ESMTP
        C: EHLO [127.0.0.1]
        S: 250-mail.example.org
        S: 250 AUTH SCRAM-SHA-256
        C: AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
        S: 334 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=
        C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==
        S: 334 dj1BQUFBVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==
        # The exchange is cancelled; whatever the server says next, sign-in has failed.
        C: *
        S: 501 5.0.0 Authentication cancelled
        C: QUIT
        S: 221 Bye
        ",
    );
    let events = t.events();
    assert!(
        matches!(
            &events[..],
            [Event::Failed(SessionError::Sasl(_)), Event::Closed]
        ),
        "{events:?}"
    );
}

/// RFC 3207 section 5's example.
#[test]
fn rfc3207_starttls() {
    let mut t = Transcript::new(named(Security::StartTls, "mail.example.com"));
    t.script(
        "
        S: 220 mail.imc.org SMTP service ready
        C: EHLO mail.example.com
        S: 250-mail.imc.org offers a warm hug of welcome
        S: 250-8BITMIME
        S: 250-STARTTLS
        S: 250 DSN
        C: STARTTLS
        S: 220 Go ahead
        ",
    );
    assert_eq!(t.events(), vec![Event::StartTls { discarded: 0 }]);
    assert!(t.session.capabilities().starttls);
    t.session.tls_established().unwrap();
    t.script(
        "
        C: EHLO mail.example.com
        S: 250-mail.imc.org touches your hand gently for a moment
        S: 250-8BITMIME
        S: 250 DSN
        ",
    );
    assert_eq!(t.events(), vec![Event::Ready]);
    let caps = t.session.capabilities();
    assert!(
        caps.eight_bit_mime && !caps.starttls,
        "the second EHLO counts"
    );
}

/// RFC 3207 section 6: bytes after "220 Go ahead" and before the handshake are an
/// injection attempt; they are discarded, never read as replies.
#[test]
fn rfc3207_injected_bytes_are_discarded() {
    let mut t = Transcript::new(named(Security::StartTls, "mail.example.com"));
    t.script(
        "
        S: 220 mail.imc.org SMTP service ready
        C: EHLO mail.example.com
        S: 250-mail.imc.org
        S: 250 STARTTLS
        C: STARTTLS
        ",
    );
    t.server_bytes(b"220 Go ahead\r\n250-mail.imc.org\r\n250 AUTH PLAIN\r\n");
    assert_eq!(t.events(), vec![Event::StartTls { discarded: 34 }]);
    t.server_bytes(b"250 more plaintext\r\n");
    assert!(t.events().is_empty());
    t.assert_quiet();
    t.session.tls_established().unwrap();
    t.script(
        "
        C: EHLO mail.example.com
        S: 250 mail.imc.org
        ",
    );
    assert_eq!(t.events(), vec![Event::Ready]);
}

/// However the server's bytes and the message are split, the session writes the same
/// bytes and reports the same events.
#[cfg(not(target_arch = "wasm32"))]
mod splits {
    use proptest::prelude::*;

    use super::*;

    const SERVER: [&[u8]; 5] = [
        b"220 mx.example.net ESMTP\r\n",
        b"250-mx.example.net\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-SIZE 100000\r\n\
250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN\r\n",
        b"235 2.7.0 ok\r\n",
        b"250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n",
        b"250 2.0.0 chunk\r\n250 2.0.0 queued as 42\r\n",
    ];
    const BODY: &[u8] = b"Subject: x\n\n.dot\r\nline\rlast";

    fn feed(t: &mut Transcript, bytes: &[u8], cut: usize) {
        let cut = cut % (bytes.len() + 1);
        let (a, b) = bytes.split_at(cut);
        t.server_bytes(a);
        t.server_bytes(b);
    }

    fn run(cuts: &[usize; 6]) -> (Vec<u8>, Vec<Event>) {
        let options =
            Options::new(Security::ImplicitTls).with_credentials(Credentials::password("u", "p"));
        let mut t = Transcript::new(options);
        let mut written = Vec::new();
        for (bytes, cut) in SERVER[..3].iter().zip(cuts) {
            feed(&mut t, bytes, *cut);
            written.extend(t.written());
        }
        let envelope = Envelope::new(
            addr("a@example.org"),
            vec![addr("b@example.net"), addr("c@example.net")],
            40,
        )
        .expect("an envelope");
        t.session.send(envelope).expect("ready");
        written.extend(t.written());
        feed(&mut t, SERVER[3], cuts[3]);
        t.session
            .continue_with_accepted()
            .expect("a decision is due");
        let split = cuts[4] % (BODY.len() + 1);
        t.session.write_body(&BODY[..split]).expect("body wanted");
        written.extend(t.written());
        t.session
            .finish_body_with(&BODY[split..])
            .expect("body wanted");
        written.extend(t.written());
        // One BDAT reply per chunk sent: two when the split left both halves non-empty.
        let replies: &[u8] = if written.windows(5).filter(|w| w == b"BDAT ").count() == 2 {
            SERVER[4]
        } else {
            b"250 2.0.0 queued as 42\r\n"
        };
        feed(&mut t, replies, cuts[5]);
        written.extend(t.written());
        (written, t.events())
    }

    fn unchunked(written: &[u8]) -> Vec<u8> {
        // Strip the BDAT lines: what remains is the message as the server stores it.
        let text = String::from_utf8_lossy(written).into_owned();
        let start = text.find("BDAT").expect("BDAT used");
        let mut rest = &written[start..];
        let mut message = Vec::new();
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            let line = std::str::from_utf8(&rest[..end]).expect("ASCII");
            let size: usize = line
                .split(' ')
                .nth(1)
                .expect("size")
                .parse()
                .expect("a number");
            message.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size..];
        }
        message
    }

    proptest! {
        #[test]
        fn same_events_and_message_for_any_split(cuts in any::<[usize; 6]>()) {
            let (written, events) = run(&cuts);
            let (reference_written, reference_events) = run(&[0; 6]);
            prop_assert_eq!(&events, &reference_events);
            prop_assert_eq!(unchunked(&written), unchunked(&reference_written));
            prop_assert_eq!(
                unchunked(&written),
                b"Subject: x\r\n\r\n.dot\r\nline\r\nlast".to_vec()
            );
            prop_assert!(matches!(events.last(), Some(Event::Ready)), "ends ready");
            prop_assert!(events.iter().any(|e| matches!(e, Event::Sent { .. })), "sent");
            prop_assert!(
                events.iter().any(|e| matches!(e, Event::Recipients(r) if r.refused.len() == 1)),
                "one recipient refused"
            );
        }
    }
}
