//! Dovecot's real submission service with delivery through its real LMTP server, spoken
//! to in plain SMTP written out here. Needs Debian's dovecot-imapd, dovecot-submissiond
//! and dovecot-lmtpd (scripts/install-tools.sh).

use std::{
    io::{self, BufRead, BufReader, Read, Write},
    net::TcpStream,
    sync::Arc,
    time::Duration,
};

use base64::Engine as _;
use rustls::{
    ClientConfig, ClientConnection, RootCertStore, StreamOwned,
    pki_types::{CertificateDer, ServerName, pem::PemObject},
};
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, MAIL_DOMAIN, SECOND_DEMO_USER, address_of,
};

fn start(config: DovecotConfig) -> Dovecot {
    Dovecot::start(config).unwrap_or_else(|error| panic!("dovecot did not start: {error}"))
}

/// Submission on, no sample mail (so INBOX holds only what is delivered).
fn submission_config() -> DovecotConfig {
    DovecotConfig {
        submission: true,
        seed_sample_mail: false,
        ..DovecotConfig::default()
    }
}

/// A plain or TLS connection.
enum Wire {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(stream) => stream.read(buf),
            Self::Tls(stream) => stream.read(buf),
        }
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(stream) => stream.write(buf),
            Self::Tls(stream) => stream.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(stream) => stream.flush(),
            Self::Tls(stream) => stream.flush(),
        }
    }
}

/// One SMTP conversation, written by hand.
struct Smtp {
    wire: BufReader<Wire>,
    log: String,
}

/// A reply: its code and all its lines as sent.
#[derive(Debug)]
struct Reply {
    code: u16,
    text: String,
}

impl Smtp {
    fn connect(port: u16) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream
    }

    /// Plain connection; reads the greeting.
    fn plain(port: u16) -> (Self, Reply) {
        let mut smtp = Self {
            wire: BufReader::new(Wire::Plain(Self::connect(port))),
            log: String::new(),
        };
        let greeting = smtp.reply();
        (smtp, greeting)
    }

    /// Implicit TLS from the first byte; reads the greeting.
    fn tls(dovecot: &Dovecot, port: u16) -> (Self, Reply) {
        let stream = tls_over(dovecot, Self::connect(port));
        let mut smtp = Self {
            wire: BufReader::new(Wire::Tls(Box::new(stream))),
            log: String::new(),
        };
        let greeting = smtp.reply();
        (smtp, greeting)
    }

    /// STARTTLS on a plain connection (after EHLO).
    fn starttls(self, dovecot: &Dovecot) -> Self {
        let mut smtp = self;
        let reply = smtp.command("STARTTLS");
        assert_eq!(reply.code, 220, "{}", smtp.log);
        assert!(
            smtp.wire.buffer().is_empty(),
            "bytes after the STARTTLS reply"
        );
        let Wire::Plain(stream) = smtp.wire.into_inner() else {
            panic!("STARTTLS on a TLS connection");
        };
        Self {
            wire: BufReader::new(Wire::Tls(Box::new(tls_over(dovecot, stream)))),
            log: smtp.log,
        }
    }

    fn reply(&mut self) -> Reply {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            self.wire
                .read_line(&mut line)
                .unwrap_or_else(|error| panic!("reading a reply: {error}\n{}", self.log));
            assert!(
                line.ends_with("\r\n"),
                "unfinished line {line:?}\n{}",
                self.log
            );
            self.log.push_str("S: ");
            self.log.push_str(&line);
            text.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                let code = line.get(..3).and_then(|code| code.parse().ok());
                let code = code.unwrap_or_else(|| panic!("bad reply {line:?}\n{}", self.log));
                return Reply { code, text };
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let wire = self.wire.get_mut();
        wire.write_all(bytes).expect("write");
        wire.flush().expect("flush");
    }

    fn command(&mut self, line: &str) -> Reply {
        self.log.push_str(&format!("C: {line}\n"));
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }

    /// AUTH PLAIN with an initial response.
    fn auth_plain(&mut self, user: &str, password: &str) -> Reply {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        self.command(&format!("AUTH PLAIN {token}"))
    }

    /// EHLO, AUTH as the demo user; panics unless both succeed.
    fn login(&mut self) {
        let ehlo = self.command("EHLO client.test");
        assert_eq!(ehlo.code, 250, "{}", self.log);
        let auth = self.auth_plain(DEMO_USER, DEMO_PASSWORD);
        assert_eq!(auth.code, 235, "{}", self.log);
    }

    /// DATA with `message` dot-stuffed on the wire; the final answer.
    fn data(&mut self, message: &[u8]) -> Reply {
        let go = self.command("DATA");
        assert_eq!(go.code, 354, "{}", self.log);
        let mut wire = Vec::new();
        for line in message.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b".") {
                wire.push(b'.');
            }
            wire.extend_from_slice(line);
        }
        wire.extend_from_slice(b".\r\n");
        self.log.push_str("C: <message>\n");
        self.send(&wire);
        self.reply()
    }
}

fn tls_over(dovecot: &Dovecot, stream: TcpStream) -> StreamOwned<ClientConnection, TcpStream> {
    let mut roots = RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(dovecot.ca_pem().as_bytes()).expect("ca pem");
    roots.add(ca).expect("add ca");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("name");
    let connection = ClientConnection::new(Arc::new(config), name).expect("tls");
    let mut tls = StreamOwned::new(connection, stream);
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .unwrap_or_else(|error| panic!("TLS handshake: {error}\n{}", dovecot.log()));
    }
    tls
}

/// The delivered file with the trace headers LMTP and submission put on top removed:
/// `Return-Path`, `Delivered-To` and `Received` (with its continuation lines).
fn without_trace_headers(delivered: &[u8]) -> (Vec<String>, &[u8]) {
    let mut names = Vec::new();
    let mut rest = delivered;
    loop {
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let line = &rest[..line_end];
        let continuation = line.starts_with(b" ") || line.starts_with(b"\t");
        let trace = ["Return-Path:", "Delivered-To:", "Received:"]
            .iter()
            .find(|name| line.starts_with(name.as_bytes()));
        match (trace, continuation) {
            (Some(name), _) => names.push((*name).to_owned()),
            (None, true) if !names.is_empty() => {}
            _ => return (names, rest),
        }
        rest = &rest[line_end..];
    }
}

const MESSAGE: &[u8] = b"From: Demo <demo@webimap.test>\r\n\
To: Demo 2 <demo2@webimap.test>, Demo <demo@webimap.test>\r\n\
Subject: dots and all\r\n\
Message-ID: <dots.1@webimap.test>\r\n\
Date: Fri, 04 Dec 2026 18:00:00 +0000\r\n\
\r\n\
First line.\r\n\
.A line that starts with a dot\r\n\
..two dots\r\n\
.\r\n\
Last line, then a lone dot above was content.\r\n";

#[test]
fn ehlo_on_the_submission_port_offers_starttls_and_after_it_auth() {
    let dovecot = start(submission_config());
    let port = dovecot.submission_port().expect("submission port");
    let (mut smtp, greeting) = Smtp::plain(port);
    assert_eq!(greeting.code, 220, "{greeting:?}");
    let ehlo = smtp.command("EHLO client.test");
    assert_eq!(ehlo.code, 250);
    assert!(ehlo.text.contains("250-STARTTLS\r\n"), "{}", ehlo.text);
    let mut smtp = smtp.starttls(&dovecot);
    let ehlo = smtp.command("EHLO client.test");
    assert_eq!(ehlo.code, 250);
    assert!(ehlo.text.contains("AUTH PLAIN"), "{}", ehlo.text);
    assert!(!ehlo.text.contains("STARTTLS"), "{}", ehlo.text);
    assert!(
        ehlo.text.contains(&format!("SIZE {}", 40 * 1024 * 1024)),
        "{}",
        ehlo.text
    );
}

#[test]
fn the_submissions_port_speaks_tls_at_once_and_delivers() {
    let dovecot = start(submission_config());
    let port = dovecot.submissions_port().expect("submissions port");
    let mut plain = Smtp::connect(port);
    plain.write_all(b"EHLO client.test\r\n").expect("write");
    let mut answer = [0_u8; 3];
    let refused = plain.read_exact(&mut answer).map(|()| answer);
    assert!(
        !matches!(refused, Ok(bytes) if bytes.starts_with(b"2")),
        "plain text on the TLS port was answered: {refused:?}"
    );

    let (mut smtp, greeting) = Smtp::tls(&dovecot, port);
    assert_eq!(greeting.code, 220, "{greeting:?}");
    smtp.login();
    let from = address_of(DEMO_USER);
    assert_eq!(smtp.command(&format!("MAIL FROM:<{from}>")).code, 250);
    let to = address_of(SECOND_DEMO_USER);
    assert_eq!(smtp.command(&format!("RCPT TO:<{to}>")).code, 250);
    let message = b"Subject: over 465\r\n\r\nhello\r\n";
    let done = smtp.data(message);
    assert_eq!(done.code, 250, "{}\n{}", smtp.log, dovecot.log());
    let inbox = dovecot.inbox_messages(SECOND_DEMO_USER).expect("inbox");
    assert_eq!(inbox.len(), 1);
    let (trace, body) = without_trace_headers(&inbox[0]);
    assert_eq!(body, message);
    let head = String::from_utf8_lossy(&inbox[0][..inbox[0].len() - body.len()]);
    assert_eq!(
        trace,
        ["Return-Path:", "Delivered-To:", "Received:", "Received:"],
        "{head}"
    );
    assert!(head.contains(&format!("Delivered-To: {to}\r\n")), "{head}");
    assert!(dovecot.inbox_messages(DEMO_USER).expect("inbox").is_empty());
}

#[test]
fn auth_plain_takes_the_right_password_and_refuses_a_wrong_one() {
    let dovecot = start(submission_config());
    let (mut smtp, _) = Smtp::tls(&dovecot, dovecot.submissions_port().expect("port"));
    assert_eq!(smtp.command("EHLO client.test").code, 250);
    let from = address_of(DEMO_USER);
    let early = smtp.command(&format!("MAIL FROM:<{from}>"));
    assert_eq!(early.code, 530, "sending before AUTH: {early:?}");
    let wrong = smtp.auth_plain(DEMO_USER, "not-the-password");
    assert_eq!(wrong.code, 535, "{wrong:?}");
    assert!(wrong.text.starts_with("535 5.7.8 "), "{wrong:?}");
    let right = smtp.auth_plain(DEMO_USER, DEMO_PASSWORD);
    assert_eq!(right.code, 235, "{right:?}");
    assert_eq!(smtp.command("QUIT").code, 221);
}

/// Through 587 and STARTTLS, one message to the second user and to self: both copies
/// are the sent bytes under the trace headers, lines starting with "." included.
#[test]
fn mail_to_the_second_user_and_to_self_arrives_byte_exact() {
    let dovecot = start(submission_config());
    let (smtp, _) = Smtp::plain(dovecot.submission_port().expect("port"));
    let mut smtp = {
        let mut smtp = smtp;
        assert_eq!(smtp.command("EHLO client.test").code, 250);
        smtp.starttls(&dovecot)
    };
    smtp.login();
    let from = address_of(DEMO_USER);
    let mail = smtp.command(&format!("MAIL FROM:<{from}> SIZE={}", MESSAGE.len()));
    assert_eq!(mail.code, 250, "{}", smtp.log);
    for user in [SECOND_DEMO_USER, DEMO_USER] {
        let rcpt = smtp.command(&format!("RCPT TO:<{}>", address_of(user)));
        assert_eq!(rcpt.code, 250, "{}\n{}", smtp.log, dovecot.log());
    }
    let done = smtp.data(MESSAGE);
    assert_eq!(done.code, 250, "{}\n{}", smtp.log, dovecot.log());
    assert_eq!(smtp.command("QUIT").code, 221);

    for user in [SECOND_DEMO_USER, DEMO_USER] {
        let inbox = dovecot.inbox_messages(user).expect("inbox");
        assert_eq!(inbox.len(), 1, "{user}: {inbox:?}");
        let (trace, body) = without_trace_headers(&inbox[0]);
        assert_eq!(
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(MESSAGE),
            "{user}"
        );
        // One copy for two recipients: LMTP names neither in a Delivered-To.
        assert_eq!(trace, ["Return-Path:", "Received:", "Received:"], "{user}");
        let head = String::from_utf8_lossy(&inbox[0][..inbox[0].len() - body.len()]);
        assert!(
            head.starts_with(&format!("Return-Path: <{from}>\r\n")),
            "{head}"
        );
        assert!(head.contains("with LMTP"), "{head}");
        assert!(head.contains("with ESMTPSA"), "{head}");
    }
}

/// Unknown users are LMTP's to refuse (the bridge has no list of users): a name at the
/// instance's domain and an outside address both get its 550 5.1.1.
#[test]
fn an_unknown_recipient_is_refused_with_550_5_1_1_from_lmtp() {
    let dovecot = start(submission_config());
    let (mut smtp, _) = Smtp::tls(&dovecot, dovecot.submissions_port().expect("port"));
    smtp.login();
    let from = address_of(DEMO_USER);
    assert_eq!(smtp.command(&format!("MAIL FROM:<{from}>")).code, 250);
    for nobody in [
        format!("nobody@{MAIL_DOMAIN}"),
        "someone@example.com".to_owned(),
    ] {
        let rcpt = smtp.command(&format!("RCPT TO:<{nobody}>"));
        assert_eq!(rcpt.code, 550, "{}", smtp.log);
        assert!(rcpt.text.starts_with("550 5.1.1 "), "{rcpt:?}");
        assert!(rcpt.text.contains("User doesn't exist"), "{rcpt:?}");
    }
    // The transaction goes on for the known recipient.
    let to = address_of(SECOND_DEMO_USER);
    assert_eq!(smtp.command(&format!("RCPT TO:<{to}>")).code, 250);
    assert_eq!(
        smtp.data(b"Subject: x\r\n\r\ny\r\n").code,
        250,
        "{}",
        smtp.log
    );
    assert_eq!(
        dovecot
            .inbox_messages(SECOND_DEMO_USER)
            .expect("inbox")
            .len(),
        1
    );
    assert!(dovecot.inbox_messages("nobody").expect("inbox").is_empty());
}

#[test]
fn a_message_over_the_size_limit_gets_552() {
    let dovecot = start(DovecotConfig {
        submission_max_mail_size: 1000,
        ..submission_config()
    });
    let (mut smtp, _) = Smtp::tls(&dovecot, dovecot.submissions_port().expect("port"));
    let ehlo = smtp.command("EHLO client.test");
    assert!(ehlo.text.contains("SIZE 1000\r\n"), "{}", ehlo.text);
    let auth = smtp.auth_plain(DEMO_USER, DEMO_PASSWORD);
    assert_eq!(auth.code, 235);
    let from = address_of(DEMO_USER);
    let declared = smtp.command(&format!("MAIL FROM:<{from}> SIZE=5000"));
    assert_eq!(declared.code, 552, "{}", smtp.log);
    assert!(declared.text.starts_with("552 5.2.3 "), "{declared:?}");

    // Undeclared: refused once the upload passes the limit.
    assert_eq!(smtp.command(&format!("MAIL FROM:<{from}>")).code, 250);
    let to = address_of(SECOND_DEMO_USER);
    assert_eq!(smtp.command(&format!("RCPT TO:<{to}>")).code, 250);
    let big = format!("Subject: big\r\n\r\n{}", "0123456789abcdef\r\n".repeat(100));
    let done = smtp.data(big.as_bytes());
    assert_eq!(done.code, 552, "{}", smtp.log);
    assert!(
        dovecot
            .inbox_messages(SECOND_DEMO_USER)
            .expect("inbox")
            .is_empty()
    );
}

#[test]
fn a_zero_size_limit_is_refused_before_starting() {
    let error = Dovecot::start(DovecotConfig {
        submission_max_mail_size: 0,
        ..submission_config()
    })
    .expect_err("must refuse");
    assert!(
        error.to_string().contains("submission_max_mail_size"),
        "{error}"
    );
}

#[test]
fn without_submission_there_are_no_submission_ports() {
    let dovecot = start(DovecotConfig {
        seed_sample_mail: false,
        ..DovecotConfig::default()
    });
    assert_eq!(dovecot.submission_port(), None);
    assert_eq!(dovecot.submissions_port(), None);
    assert!(
        !std::fs::read_to_string(dovecot.dir().join("dovecot.conf"))
            .expect("config")
            .contains("submission")
    );
}

/// `webimap-dovecot --submission` names its submission ports in its JSON line, and they
/// greet; it stops on SIGTERM.
#[test]
fn the_binary_runs_submission_on_request() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_webimap-dovecot"))
        .arg("--dir")
        .arg(scratch.path().join("demo"))
        .args(["--imap-port", "0", "--imaps-port", "0", "--submission"])
        .args(["--submission-port", "0", "--submissions-port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn webimap-dovecot");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
    let port = |key: &str| {
        let port = ready[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} in {line}"));
        u16::try_from(port).expect("u16")
    };
    let (_, greeting) = Smtp::plain(port("submission_port"));
    assert_eq!(greeting.code, 220);
    assert_ne!(port("submissions_port"), port("submission_port"));

    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
}
