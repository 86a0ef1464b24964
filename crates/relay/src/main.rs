//! `webimap-relay`: the WebSocket-to-TCP relay's binary. It parses the command line, sets
//! up logging, binds the listener and runs [`webimap_relay::run`] until SIGINT or SIGTERM;
//! everything else is the library's. Like the library, it never parses IMAP or SMTP.

#![forbid(unsafe_code)]

use std::{io::IsTerminal as _, process::ExitCode};

use anyhow::Context as _;
use clap::Parser as _;
use tracing_subscriber::EnvFilter;
use webimap_relay::{Cli, config::Command};

/// jemalloc rather than the system allocator: with its background purging (switched on
/// in `main`), freed memory goes back to the OS, so the relay's footprint shrinks to its
/// baseline within ~30 s after a burst of connections closes. glibc's malloc (and
/// mimalloc) kept ~8 KiB per closed connection indefinitely (measured with
/// examples/load.rs).
#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Purge freed memory in the background, so it returns to the OS even when the relay
    // is idle (without this, jemalloc purges only during later allocations).
    #[cfg(all(unix, not(target_env = "musl")))]
    let purging = tikv_jemalloc_ctl::background_thread::write(true);
    #[cfg(not(all(unix, not(target_env = "musl"))))]
    let purging = Ok::<(), std::convert::Infallible>(());
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Err(error) = purging {
        tracing::warn!(%error, "cannot start jemalloc's background purging");
    }
    match serve(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mut cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Compress { dir }) = cli.command.take() {
        let report = tokio::task::spawn_blocking(move || {
            webimap_relay::assets::compress_dir(&dir)
                .with_context(|| format!("cannot compress {}", dir.display()))
        })
        .await??;
        println!(
            "{} compressed files written, {} up to date, {} skipped",
            report.written, report.up_to_date, report.skipped
        );
        return Ok(());
    }
    let (listen, config) = cli.load().context("invalid configuration")?;
    config
        .check_listen(listen)
        .context("invalid configuration")?;
    if config.policy.rules().is_empty() {
        tracing::warn!("no --allow rule given: every tunnel will be refused");
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let shutdown = shutdown_signal().context("cannot install signal handlers")?;
    webimap_relay::run(listener, config, shutdown)
        .await
        .context("relay failed")
}

/// Installs the SIGINT and SIGTERM handlers now (so a signal arriving while the server
/// starts is not lost) and returns a future that resolves on the first of them.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("SIGINT received"),
            _ = terminate.recv() => tracing::info!("SIGTERM received"),
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        match tokio::signal::ctrl_c().await {
            Ok(()) => tracing::info!("Ctrl-C received"),
            Err(error) => {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    })
}
