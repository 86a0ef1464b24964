//! Real Dovecot byte streams: recorded ones (tests/data/dovecot-*.bin) must decode with
//! zero errors, and so must a fresh capture from the tests' Dovecot.
//!
//! Re-record the files with
//! `WEBIMAP_RECORD=1 cargo nextest run -p webimap-proto -E 'test(live_dovecot)'`.

#![cfg(not(target_arch = "wasm32"))]

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::PathBuf,
    time::Duration,
};

use webimap_proto::{
    codec::{
        decode::{DEFAULT_MAX_DEPTH, decode_frame, decode_response},
        encode::{EncodeOptions, encode_command},
    },
    frame::{FrameLimits, Framer},
    types::{
        command::{Command, FetchAttribute},
        core::Tag,
        response::{Data, Response},
        sequence::SequenceSet,
    },
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Frames and decodes a stream: (responses, errors with their bytes).
fn decode_stream(stream: &[u8]) -> (Vec<Response>, Vec<String>) {
    let mut framer = Framer::new(FrameLimits::default());
    framer.push(stream);
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    while let Some(frame) = framer.next_response() {
        match frame {
            Ok(f) => match decode_response(&f, DEFAULT_MAX_DEPTH) {
                Ok(r) => ok.push(r),
                Err(e) => errors.push(format!("{e}: {}", String::from_utf8_lossy(&f))),
            },
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert_eq!(
        framer.buffered(),
        0,
        "the stream ends on a response boundary"
    );
    (ok, errors)
}

#[test]
fn recorded_dovecot_streams_decode_without_errors() {
    let mut files = 0;
    for entry in std::fs::read_dir(data_dir()).expect("tests/data") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("dovecot-") && name.ends_with(".bin")) {
            continue;
        }
        files += 1;
        let stream = std::fs::read(&path).expect("readable");
        let (responses, errors) = decode_stream(&stream);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(responses.len() > 10, "{name}: only {}", responses.len());
        let raw: Vec<_> = responses
            .iter()
            .filter(|r| matches!(r, Response::Data(Data::Other { .. })))
            .collect();
        assert!(raw.is_empty(), "{name}: untyped data {raw:#?}");
    }
    assert!(files >= 1, "no recorded streams in tests/data");
}

/// The recorded streams framed with literals held apart (`next_frame`), in several
/// chunkings: the same bytes and the same responses as whole responses.
#[test]
fn recorded_dovecot_streams_decode_the_same_held_apart() {
    for entry in std::fs::read_dir(data_dir()).expect("tests/data") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("dovecot-") && name.ends_with(".bin")) {
            continue;
        }
        let stream = std::fs::read(&path).expect("readable");
        let mut whole = Framer::new(FrameLimits::default());
        whole.push(&stream);
        let mut expected = Vec::new();
        while let Some(f) = whole.next_response() {
            expected.push(f.expect("within limits"));
        }
        for (min, cut) in [(1, 1), (1, 4096), (64, 7), (1024, 16 * 1024), (1024, 100)] {
            let mut framer = Framer::new(FrameLimits::default());
            framer.aside_literals_from(min);
            let mut n = 0;
            let mut apart = 0;
            for piece in stream.chunks(cut) {
                framer.push(piece);
                while let Some(f) = framer.next_frame() {
                    let mut frame = f.expect("within limits");
                    let bytes = &expected[n];
                    assert_eq!(&frame.to_bytes(), bytes, "{name} {min} {cut}");
                    apart += frame.literals_held_apart();
                    assert_eq!(
                        decode_frame(&mut frame, DEFAULT_MAX_DEPTH),
                        decode_response(bytes, DEFAULT_MAX_DEPTH),
                        "{name} {min} {cut}: {}",
                        String::from_utf8_lossy(bytes)
                    );
                    n += 1;
                }
            }
            assert_eq!(n, expected.len(), "{name} {min} {cut}");
            if min == 1 {
                assert!(apart > 0, "{name}: literals were held apart");
            }
        }
    }
}

/// A plain-text IMAP connection that records what the server sends.
struct Recorder {
    tcp: TcpStream,
    framer: Framer,
    recorded: Vec<u8>,
    next_tag: u32,
}

impl Recorder {
    fn connect(port: u16) -> Self {
        let tcp = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut r = Self {
            tcp,
            framer: Framer::new(FrameLimits::default()),
            recorded: Vec::new(),
            next_tag: 1,
        };
        r.read_until(|f| f.starts_with(b"* OK"));
        r
    }

    fn read_until(&mut self, done: impl Fn(&[u8]) -> bool) {
        let mut buf = [0; 16 * 1024];
        loop {
            while let Some(frame) = self.framer.next_response() {
                if done(&frame.expect("within limits")) {
                    return;
                }
            }
            let n = self.tcp.read(&mut buf).expect("read");
            assert!(n > 0, "server closed the connection");
            self.recorded.extend_from_slice(&buf[..n]);
            self.framer.push(&buf[..n]);
        }
    }

    fn tag(&mut self) -> String {
        let t = format!("T{}", self.next_tag);
        self.next_tag += 1;
        t
    }

    /// Sends a command through the crate's encoder (no synchronising literals here).
    fn command(&mut self, command: &Command) {
        let tag = self.tag();
        let mut options = EncodeOptions::default();
        options.literal_plus = true;
        let tag_value = Tag::new(tag.clone()).expect("tag");
        for fragment in encode_command(&tag_value, command, &options) {
            self.tcp.write_all(&fragment.into_bytes()).expect("write");
        }
        self.wait(&tag);
    }

    /// Sends a command line the encoder has no typed form for yet.
    fn raw(&mut self, line: &str) {
        let tag = self.tag();
        self.tcp
            .write_all(format!("{tag} {line}\r\n").as_bytes())
            .expect("write");
        self.wait(&tag);
    }

    fn wait(&mut self, tag: &str) {
        let prefix = format!("{tag} ");
        self.read_until(|f| f.starts_with(prefix.as_bytes()));
    }
}

fn capture(dovecot: &Dovecot) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();

    // A session of the kind the client runs: capabilities, folders, a mailbox listing
    // with envelopes and structures, and message bodies.
    let mut r = Recorder::connect(dovecot.imap_port());
    r.command(&Command::Capability);
    r.command(&Command::login(DEMO_USER, DEMO_PASSWORD).expect("login"));
    r.raw("ENABLE CONDSTORE QRESYNC");
    r.raw("ID (\"name\" \"webimap-proto-tests\")");
    r.raw("NAMESPACE");
    r.raw("LIST \"\" \"*\" RETURN (SPECIAL-USE CHILDREN SUBSCRIBED STATUS (MESSAGES UNSEEN SIZE HIGHESTMODSEQ))");
    r.raw("LSUB \"\" \"*\"");
    r.raw("STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)");
    r.raw("SELECT INBOX (CONDSTORE)");
    r.command(
        &Command::fetch(
            SequenceSet::all(),
            vec![
                FetchAttribute::Uid,
                FetchAttribute::Flags,
                FetchAttribute::InternalDate,
                FetchAttribute::Rfc822Size,
                FetchAttribute::Envelope,
                FetchAttribute::BodyStructure,
            ],
            true,
        )
        .expect("fetch"),
    );
    r.raw("UID FETCH 1:* (BODY MODSEQ)");
    r.raw("FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)] BODY.PEEK[1]<0.100>)");
    r.raw("FETCH 1:* (BODY.PEEK[])");
    r.raw("FETCH 1:* (BINARY.PEEK[1] BINARY.SIZE[1])");
    r.command(&Command::Noop);
    r.command(&Command::Logout);
    out.push(("dovecot-session.bin", std::mem::take(&mut r.recorded)));

    // Extension data: searches, sorting, threading, quota, metadata, expunges.
    let mut r = Recorder::connect(dovecot.imap_port());
    r.command(&Command::login(DEMO_USER, DEMO_PASSWORD).expect("login"));
    r.raw("ENABLE QRESYNC");
    r.raw("SELECT INBOX");
    r.raw("UID SEARCH ALL");
    r.raw("SEARCH RETURN (MIN MAX COUNT ALL) ALL");
    r.raw("UID SEARCH RETURN (ALL) UNSEEN");
    r.raw("UID SORT (REVERSE DATE) UTF-8 ALL");
    r.raw("UID THREAD REFERENCES UTF-8 ALL");
    r.raw("THREAD ORDEREDSUBJECT UTF-8 ALL");
    r.raw("FETCH 1:3 (PREVIEW SAVEDATE)");
    r.raw("GETQUOTAROOT INBOX");
    r.raw("GETMETADATA \"\" /shared/comment");
    r.raw("CREATE Scratch");
    r.raw("COPY 1:2 Scratch");
    r.raw("STORE 1 +FLAGS (\\Seen $Forwarded)");
    r.raw("UID STORE 1:* (UNCHANGEDSINCE 1) +FLAGS (\\Flagged)");
    r.raw("SELECT Scratch (QRESYNC (1 1))");
    r.raw("STORE 1 +FLAGS.SILENT (\\Deleted)");
    r.raw("EXPUNGE");
    r.raw("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)");
    r.raw("CLOSE");
    r.raw("DELETE Scratch");
    r.raw("RENAME Nonexistent Other");
    r.raw("EXAMINE INBOX");
    r.command(&Command::Logout);
    out.push(("dovecot-extensions.bin", std::mem::take(&mut r.recorded)));
    out
}

#[test]
fn live_dovecot_streams_decode_without_errors() {
    let dovecot = Dovecot::start(DovecotConfig::default()).expect("dovecot");
    let streams = capture(&dovecot);
    dovecot.stop();
    let record = std::env::var_os("WEBIMAP_RECORD").is_some();
    for (name, stream) in streams {
        let (responses, errors) = decode_stream(&stream);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(responses.len() > 10, "{name}");
        if record {
            std::fs::write(data_dir().join(name), &stream).expect("write");
        }
    }
}
