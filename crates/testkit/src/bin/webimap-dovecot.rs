//! Starts a private Dovecot with sample mail for the demo and browser tests, prints one
//! JSON line describing it once it is ready, and stops it on SIGINT or SIGTERM. With
//! `--submission`, it also takes mail over SMTP and delivers it to its users.

use std::{
    io::Write,
    path::PathBuf,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

use clap::Parser;
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, SECOND_DEMO_PASSWORD, SECOND_DEMO_USER,
};

/// Run a private Dovecot (IMAP on 127.0.0.1) with a demo user and sample mail.
#[derive(Debug, Parser)]
#[command(name = "webimap-dovecot", version)]
struct Args {
    /// Instance directory (config, certificates, mail, logs); kept afterwards. Without it,
    /// a temporary directory is used and removed on exit.
    #[arg(long, env = "WEBIMAP_DOVECOT_DIR")]
    dir: Option<PathBuf>,
    /// Plain IMAP port (STARTTLS-capable); 0 picks a free one.
    #[arg(long, default_value_t = 1143)]
    imap_port: u16,
    /// Implicit-TLS IMAP port; 0 picks a free one.
    #[arg(long, default_value_t = 1993)]
    imaps_port: u16,
    /// The user to create.
    #[arg(long, default_value = DEMO_USER)]
    user: String,
    /// That user's password.
    #[arg(long, default_value = DEMO_PASSWORD)]
    password: String,
    /// Also run the submission service (SMTP AUTH; delivers to this instance's users).
    #[arg(long)]
    submission: bool,
    /// Submission port (STARTTLS-capable); 0 picks a free one.
    #[arg(long, default_value_t = 1587)]
    submission_port: u16,
    /// Implicit-TLS submission port; 0 picks a free one.
    #[arg(long, default_value_t = 1465)]
    submissions_port: u16,
    /// Start with an empty mailbox instead of the sample messages.
    #[arg(long)]
    no_sample_mail: bool,
    /// Delete the users' mail left in --dir by an earlier run, so the sample mail is fresh.
    #[arg(long)]
    fresh: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.fresh
        && let Some(dir) = &args.dir
    {
        let homes = dir.join("home");
        if homes.exists()
            && let Err(error) = std::fs::remove_dir_all(&homes)
        {
            eprintln!("webimap-dovecot: removing {}: {error}", homes.display());
            return ExitCode::FAILURE;
        }
    }

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            eprintln!("webimap-dovecot: cannot handle signal {signal}: {error}");
            return ExitCode::FAILURE;
        }
    }

    // The second demo user is there to write to.
    let mut users = vec![(args.user.clone(), args.password.clone())];
    if args.user != SECOND_DEMO_USER {
        users.push((SECOND_DEMO_USER.to_owned(), SECOND_DEMO_PASSWORD.to_owned()));
    }
    let config = DovecotConfig {
        dir: args.dir,
        imap_port: args.imap_port,
        imaps_port: args.imaps_port,
        users,
        seed_sample_mail: !args.no_sample_mail,
        submission: args.submission,
        submission_port: args.submission_port,
        submissions_port: args.submissions_port,
        ..DovecotConfig::default()
    };
    let dovecot = match Dovecot::start(config) {
        Ok(dovecot) => dovecot,
        Err(error) => {
            eprintln!("webimap-dovecot: {error}");
            return ExitCode::FAILURE;
        }
    };

    let ready = serde_json::json!({
        "host": dovecot.host(),
        "imap_port": dovecot.imap_port(),
        "imaps_port": dovecot.imaps_port(),
        "submission_port": dovecot.submission_port(),
        "submissions_port": dovecot.submissions_port(),
        "ca_pem_path": dovecot.ca_pem_path(),
        "user": args.user,
        "password": args.password,
        "dir": dovecot.dir(),
    });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{ready}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("webimap-dovecot: stdout closed; stopping");
        dovecot.stop();
        return ExitCode::FAILURE;
    }
    drop(stdout);

    while !stop.load(Ordering::Relaxed) {
        if !dovecot.is_running() {
            eprintln!(
                "webimap-dovecot: dovecot exited unexpectedly; log:\n{}",
                dovecot.log()
            );
            return ExitCode::FAILURE;
        }
        thread::sleep(Duration::from_millis(100));
    }
    eprintln!("webimap-dovecot: stopping");
    dovecot.stop();
    ExitCode::SUCCESS
}
