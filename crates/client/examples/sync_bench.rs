//! Benchmark: sync the headers (UID, FLAGS, ENVELOPE) of a large mailbox from a real
//! Dovecot, with and without COMPRESS=DEFLATE, plain and over TLS; prints time, bytes on
//! the wire and messages per second.
//!
//! `cargo run --release -p webimap-client --example sync_bench -- [MESSAGES]` (default
//! 100,000). The mailbox is generated once under target/bench/ and reused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::{
        fs,
        path::PathBuf,
        time::{Duration, Instant},
    };

    use webimap_client::{
        Client, ConnectOptions, Security,
        proto::types::{
            command::{Command, FetchAttribute},
            mailbox::MailboxName,
            response::Data,
            sequence::SequenceSet,
        },
        tls,
        transport::tcp,
    };
    use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig};

    fn generate(inbox: &PathBuf, count: usize) {
        let cur = inbox.join("cur");
        if fs::read_dir(&cur).map(|d| d.count()).unwrap_or(0) == count {
            return;
        }
        let _ = fs::remove_dir_all(inbox);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(inbox.join(sub)).unwrap();
        }
        let names = [
            "Alice Example",
            "Bob Baker",
            "Jürgen Müller",
            "Carol Chen",
            "田中 太郎",
            "Dave Ops",
        ];
        for i in 0..count {
            let from = names[i % names.len()];
            let message = format!(
                "Date: Mon, 3 Aug 2026 10:{:02}:{:02} +0000\r\nFrom: {from} <user{}@example.com>\r\n\
                 To: Demo User <demo@example.test>\r\nSubject: Message number {i} about topic {}\r\n\
                 Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\nBody of message {i}.\r\n",
                (i / 60) % 60,
                i % 60,
                i % 97,
                i % 13
            );
            let flags = if i % 3 == 0 { "S" } else { "" };
            fs::write(
                cur.join(format!("{}.M{i}P1.bench:2,{flags}", 1_700_000_000 + i)),
                message,
            )
            .unwrap();
        }
    }

    async fn session(
        dovecot: &Dovecot,
        security: Security,
        compress: bool,
    ) -> (Duration, u64, usize) {
        let (port, host) = match security {
            Security::Tls => (dovecot.imaps_port(), "localhost"),
            _ => (dovecot.imap_port(), "127.0.0.1"),
        };
        let mut options = ConnectOptions::new(host, security);
        options.tls = Some(tls::client_config(Some(dovecot.ca_pem())).unwrap());
        let stream = tcp::connect("127.0.0.1", port).await.unwrap();
        let mut client = Client::open(stream, &options).await.unwrap();
        client.login(DEMO_USER, DEMO_PASSWORD).await.unwrap();
        if compress {
            assert!(client.enable_compression().await.unwrap());
        }
        let before = client.bytes_transferred().1;
        let started = Instant::now();
        client.select(&MailboxName::inbox()).await.unwrap();
        let response = client
            .connection()
            .execute(
                Command::fetch(
                    SequenceSet::all(),
                    vec![
                        FetchAttribute::Uid,
                        FetchAttribute::Flags,
                        FetchAttribute::Envelope,
                    ],
                    true,
                )
                .unwrap(),
            )
            .await
            .unwrap();
        let elapsed = started.elapsed();
        let count = response
            .data
            .iter()
            .filter(|d| matches!(d, Data::Fetch { .. }))
            .count();
        let bytes = client.bytes_transferred().1 - before;
        client.logout().await.unwrap();
        (elapsed, bytes, count)
    }

    #[tokio::main(flavor = "current_thread")]
    pub(crate) async fn main() {
        let count: usize = std::env::args()
            .skip(1)
            .find(|a| !a.starts_with("--"))
            .map(|a| a.parse().expect("MESSAGES"))
            .unwrap_or(100_000);
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../target/bench/sync-{count}"));
        fs::create_dir_all(&dir).unwrap();
        let dir = fs::canonicalize(&dir).unwrap();
        generate(&dir.join("home/demo/Maildir/INBOX"), count);
        let config = DovecotConfig {
            dir: Some(dir),
            seed_sample_mail: false,
            ..DovecotConfig::default()
        };
        let dovecot = Dovecot::start(config).expect("dovecot");
        if std::env::args().any(|a| a == "--serve") {
            // For the browser benchmark: say where the server is, keep it until stdin closes.
            println!(
                "{{\"imap_port\":{},\"imaps_port\":{},\"ca_pem_path\":{:?}}}",
                dovecot.imap_port(),
                dovecot.imaps_port(),
                dovecot.ca_pem_path().display().to_string()
            );
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
            dovecot.stop();
            return;
        }
        // The server indexes the maildir on first access: not the client's time.
        let started = Instant::now();
        let (_, _, warm) = session(&dovecot, Security::None, false).await;
        assert_eq!(warm, count, "all messages fetched");
        println!(
            "# sync headers (UID FLAGS ENVELOPE) of {count} messages from Dovecot 2.3, loopback, 2 cores"
        );
        println!(
            "# first access (server builds its index): {:.1} s",
            started.elapsed().as_secs_f64()
        );
        println!(
            "{:<24} {:>10} {:>14} {:>14}",
            "mode", "time", "bytes in", "messages/s"
        );
        for (label, security, compress) in [
            ("plain", Security::None, false),
            ("plain + COMPRESS", Security::None, true),
            ("TLS", Security::Tls, false),
            ("TLS + COMPRESS", Security::Tls, true),
        ] {
            let (elapsed, bytes, n) = session(&dovecot, security, compress).await;
            assert_eq!(n, count);
            println!(
                "{label:<24} {:>8.2} s {:>14} {:>14.0}",
                elapsed.as_secs_f64(),
                bytes,
                n as f64 / elapsed.as_secs_f64()
            );
        }
        dovecot.stop();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// A native benchmark (TCP, a local Dovecot).
#[cfg(target_arch = "wasm32")]
fn main() {}
