//! `cargo xtask demo`: the app, a private Dovecot with sample mail and its submission
//! service (mail sent to either demo user lands in their INBOX), and the relay serving the
//! app, until Ctrl-C.

use std::{
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

use anyhow::{Context, Result, bail};
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, SECOND_DEMO_PASSWORD, SECOND_DEMO_USER,
    address_of,
};

use crate::{
    process::{Service, ensure_port_free, wait_for_port},
    tools,
};

const IMAP_PORT: u16 = 1143;
const IMAPS_PORT: u16 = 1993;
/// Submission with STARTTLS (587-style).
const SUBMISSION_PORT: u16 = 1587;
/// Submission over implicit TLS (465-style).
const SUBMISSIONS_PORT: u16 = 1465;

pub(crate) fn run(args: &[String]) -> Result<()> {
    let port = match args {
        [] => 8080,
        [flag, value] if flag == "--port" => value.parse().context("--port takes a port number")?,
        _ => bail!("usage: cargo xtask demo [--port PORT]"),
    };
    tools::install()?;
    tools::build_app()?;
    let bin = tools::build_binaries(true)?;
    for (p, what) in [
        (port, "the relay"),
        (IMAP_PORT, "Dovecot (IMAP)"),
        (IMAPS_PORT, "Dovecot (IMAPS)"),
        (SUBMISSION_PORT, "Dovecot (submission)"),
        (SUBMISSIONS_PORT, "Dovecot (submissions)"),
    ] {
        ensure_port_free(p, what)?;
    }

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }

    eprintln!("\n==> start Dovecot with sample mail and its submission service");
    let dovecot = Dovecot::start(DovecotConfig {
        imap_port: IMAP_PORT,
        imaps_port: IMAPS_PORT,
        submission: true,
        submission_port: SUBMISSION_PORT,
        submissions_port: SUBMISSIONS_PORT,
        ..Default::default()
    })?;
    let dist = tools::root().join("dist");
    let mut relay_cmd = Command::new(bin.join("webimap-relay"));
    relay_cmd
        .args(["--listen", &format!("127.0.0.1:{port}"), "--static"])
        .arg(&dist);
    for target in ["127.0.0.1", "localhost"] {
        for p in [IMAP_PORT, IMAPS_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT] {
            relay_cmd.args(["--allow", &format!("{target}:{p}")]);
        }
    }
    let mut relay = Service::start(&mut relay_cmd, "webimap-relay")?;
    wait_for_port(&mut relay, port)?;

    let demo = address_of(DEMO_USER);
    let second = address_of(SECOND_DEMO_USER);
    let ca = dovecot.ca_pem_path().display();
    println!(
        "\nwebimap demo is running.\n\n  Open      http://127.0.0.1:{port}/ in Chromium\n\n  \
         Incoming mail (IMAP)\n  Server    127.0.0.1\n  Port      {IMAP_PORT}\n  \
         Security  None (unencrypted)\n  Username  {DEMO_USER}\n  Password  {DEMO_PASSWORD}\n\n  \
         Outgoing mail (SMTP submission)\n  Server    127.0.0.1\n  Port      {SUBMISSION_PORT}\n  \
         Security  None (unencrypted)\n  Username  {DEMO_USER}\n  Password  {DEMO_PASSWORD}\n  \
         Address   {demo}\n\n  \
         Write to yourself or to {second} (username {SECOND_DEMO_USER}, password\n  \
         {SECOND_DEMO_PASSWORD}): the mail arrives in the INBOX. Other addresses are refused.\n\n  \
         For TLS: server localhost, IMAP port {IMAPS_PORT} (or STARTTLS on {IMAP_PORT}), SMTP port\n  \
         {SUBMISSIONS_PORT} (or STARTTLS on {SUBMISSION_PORT}), and under Advanced paste the demo CA from\n  \
         {ca}\n\n\
         Press Ctrl-C to stop everything.\n"
    );
    while !stop.load(Ordering::Relaxed) {
        relay.check_running()?;
        thread::sleep(Duration::from_millis(200));
    }
    eprintln!("\nstopping…");
    drop(relay);
    dovecot.stop();
    Ok(())
}
