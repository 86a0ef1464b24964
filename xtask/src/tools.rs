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

/// Cargo's target directory (`CARGO_TARGET_DIR` if set).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
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
    Ok(target_dir().join(if release { "release" } else { "debug" }))
}

/// Builds the npm package (`crates/js/pkg`) with wasm-pack and the pinned wasm-opt, packs
/// it with npm into `target/js/`, and returns the tarball's path.
pub(crate) fn build_js_package() -> Result<PathBuf> {
    let root = root();
    let mut wasm_pack = Command::new("wasm-pack");
    wasm_pack
        .current_dir(&root)
        .env("PATH", tool_path())
        .args([
            "build",
            "crates/js",
            "--profile",
            "wasm-release",
            "--target",
            "web",
            "--mode",
            "no-install",
        ])
        .args(["--out-dir", "pkg", "--out-name", "webimap"]);
    run(&mut wasm_pack, "build the npm package (wasm-pack)")?;
    let wasm = root.join("crates/js/pkg/webimap_bg.wasm");
    let mut opt = Command::new(root.join("tests/e2e/node_modules/.bin/wasm-opt"));
    opt.arg("-Oz")
        .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm);
    run(&mut opt, "optimise the package's wasm (wasm-opt -Oz)")?;
    let out = root.join("target/js");
    std::fs::create_dir_all(&out)?;
    let mut pack = Command::new("npm");
    pack.current_dir(root.join("crates/js/pkg"))
        .args(["pack", "--silent", "--pack-destination"])
        .arg(&out);
    run(&mut pack, "npm pack")?;
    let tarball = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "tgz"))
        .ok_or_else(|| anyhow::anyhow!("npm pack wrote no tarball into {}", out.display()))?;
    Ok(tarball)
}
