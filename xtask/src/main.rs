//! xtask: the project's two commands. `cargo xtask demo` builds the app, starts a private
//! Dovecot with sample mail and the relay serving the app, and prints the URL and login.
//! `cargo xtask test` runs every check CI runs: formatting, lints (native and wasm32), unit
//! and integration tests against a real Dovecot, the wasm client in headless Chromium, and
//! the app end to end in headless Chromium.
//!
//! Its one rule: it only orchestrates (installs, builds, starts, waits); every check lives
//! in the test suites it runs.

mod demo;
mod process;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask demo [--port PORT]   build the app and run it with a local Dovecot\n       \
                 cargo xtask test [--skip-install]   run every check CI runs"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
