//! Installing and finding the pinned tools (see scripts/install-tools.sh).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Result;

use crate::process::run;

/// The repository root (the parent of this crate's directory).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs the idempotent installer (skips what is present).
pub(crate) fn install() -> Result<()> {
    run(
        Command::new("bash").arg(root().join("scripts/install-tools.sh")),
        "install tools",
    )
}

/// PATH with the pinned wasm-opt (npm binaryen) and the cargo-installed tools first.
pub(crate) fn tool_path() -> String {
    let root = root();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let old = std::env::var("PATH").unwrap_or_default();
    format!(
        "{}:{cargo_home}/bin:{old}",
        root.join("tests/e2e/node_modules/.bin").display()
    )
}

/// `trunk build --release` of the web app into `dist/`, never downloading anything.
pub(crate) fn build_app() -> Result<()> {
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(root())
        .env("PATH", tool_path())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .args(["build", "--release", "--offline"]);
    run(&mut trunk, "build the web app (trunk, release)")
}

/// Builds the native binaries the demo and browser tests start.
pub(crate) fn build_binaries(release: bool) -> Result<PathBuf> {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(root())
        .args(["build", "-p", "webimap-relay", "--bin", "webimap-relay"]);
    if release {
        cargo.arg("--release");
    }
    run(&mut cargo, "build the relay")?;
    Ok(root()
        .join("target")
        .join(if release { "release" } else { "debug" }))
}
