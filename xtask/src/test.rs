//! `cargo xtask test`: every check, in the order that fails fastest.

use std::{fs, path::Path, process::Command, time::Instant};

use anyhow::{Context, Result, bail};
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, SECOND_DEMO_PASSWORD, SECOND_DEMO_USER,
    address_of, sample,
};

use crate::{
    process::{Service, free_port, run as run_step, wait_for_port},
    tools,
};

/// Crates that build for wasm32 (the others are native-only).
const WASM_CRATES: [&str; 5] = [
    "webimap-proto",
    "webimap-smtp",
    "webimap-client",
    "webimap-js",
    "webimap-webmail",
];

/// Which browser suites run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Browser {
    /// The wasm client, the app and the npm package.
    All,
    /// Only the app end to end (`--only app`, for working on the app).
    App,
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let usage = "usage: cargo xtask test [--skip-install] [--only app]";
    let mut skip_install = false;
    let mut only_app = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--skip-install" => skip_install = true,
            "--only" if rest.next().map(String::as_str) == Some("app") => only_app = true,
            other => bail!("unknown option {other}; {usage}"),
        }
    }
    let started = Instant::now();
    let root = tools::root();
    if !skip_install {
        tools::install()?;
    }
    let cargo = env!("CARGO");
    let path = tools::tool_path();
    if only_app {
        browser_tests(&root, &path, Browser::App)?;
        eprintln!(
            "\nxtask test --only app: passed in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }

    run_step(
        Command::new(cargo)
            .current_dir(&root)
            .args(["fmt", "--all", "--", "--check"]),
        "cargo fmt --check",
    )?;
    run_step(
        Command::new(cargo).current_dir(&root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
        "clippy (native)",
    )?;
    let mut wasm_clippy = Command::new(cargo);
    wasm_clippy.current_dir(&root).args([
        "clippy",
        "--all-targets",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    for krate in WASM_CRATES {
        wasm_clippy.args(["-p", krate]);
    }
    wasm_clippy.args(["--", "-D", "warnings"]);
    run_step(&mut wasm_clippy, "clippy (wasm32)")?;

    run_step(
        Command::new(cargo).current_dir(&root).args([
            "nextest",
            "run",
            "--workspace",
            "--no-fail-fast",
        ]),
        "unit and integration tests (native, real Dovecot)",
    )?;

    run_step(
        Command::new("bash")
            .current_dir(&root)
            .arg("scripts/fuzz-smoke.sh")
            .arg("20"),
        "fuzz the protocol crates (proto: decode, roundtrip, session; smtp: reply, session; 20 s each)",
    )?;

    browser_tests(&root, &path, Browser::All)?;

    eprintln!(
        "\nxtask test: every check passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The wasm client in headless Chromium, then the whole app end to end, then the npm
/// package's example page (`Browser::App`: only the app).
fn browser_tests(root: &Path, path: &str, suites: Browser) -> Result<()> {
    let bin = tools::build_binaries(false)?;
    let scratch = root.join("target/xtask");
    fs::create_dir_all(&scratch)?;
    let webdriver_json = scratch.join("webdriver.json");
    fs::write(
        &webdriver_json,
        r#"{"goog:chromeOptions":{"args":["--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run","--disable-quic"]}}"#,
    )?;

    eprintln!(
        "\n==> start Dovecot (with its submission service) and the relay for the browser tests"
    );
    let dovecot = Dovecot::start(DovecotConfig {
        submission: true,
        ..Default::default()
    })?;
    let ports = MailPorts::of(&dovecot)?;
    let messages = sample::messages();
    if suites == Browser::All {
        wasm_tests(
            root,
            path,
            &bin,
            &dovecot,
            &ports,
            &messages,
            &webdriver_json,
        )?;
    }

    tools::build_app()?;
    let app_port = free_port()?;
    let mut app_relay = Service::start(
        Command::new(bin.join("webimap-relay"))
            .args(["--listen", &format!("127.0.0.1:{app_port}")])
            // A name that resolves to loopback needs the address allowed explicitly too.
            .args(ports.allow_args(&["127.0.0.1", "localhost"]))
            .arg("--static")
            .arg(root.join("dist")),
        "webimap-relay (serving the app)",
    )?;
    wait_for_port(&mut app_relay, app_port)?;
    let sample_json = scratch.join("sample.json");
    let sample: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            serde_json::json!({
                "folder": m.folder, "subject": m.subject, "from_name": m.from_name,
                "from_addr": m.from_addr, "seen": m.seen, "flagged": m.flagged,
                "body_contains": m.body_contains, "has_attachment": m.has_attachment,
                "unix_time": m.unix_time(),
            })
        })
        .collect();
    fs::write(&sample_json, serde_json::to_vec_pretty(&sample)?)?;
    let screenshots = root.join("target/screenshots");
    fs::create_dir_all(&screenshots)?;
    run_step(
        Command::new("node")
            .current_dir(root.join("tests/e2e"))
            .env("WEBIMAP_E2E_URL", format!("http://127.0.0.1:{app_port}/"))
            .env("WEBIMAP_E2E_IMAP_HOST", "127.0.0.1")
            .env("WEBIMAP_E2E_CA_PEM_PATH", dovecot.ca_pem_path())
            .envs(ports.env("WEBIMAP_E2E"))
            .env("WEBIMAP_E2E_USER", DEMO_USER)
            .env("WEBIMAP_E2E_PASSWORD", DEMO_PASSWORD)
            .env("WEBIMAP_E2E_SAMPLE", &sample_json)
            .env("WEBIMAP_E2E_SCREENSHOTS", &screenshots)
            .args(["--test", "--test-concurrency=1", "app.test.mjs"]),
        "the app end to end in headless Chromium (Playwright)",
    )?;
    drop(app_relay);
    if suites == Browser::App {
        dovecot.stop();
        return Ok(());
    }

    // The npm package: build, pack, and its example page against the same Dovecot.
    let tarball = tools::build_js_package()?;
    let example = root.join("target/js-example");
    let _ = fs::remove_dir_all(&example);
    fs::create_dir_all(&example)?;
    for file in ["webimap.js", "webimap_bg.wasm"] {
        fs::copy(root.join("crates/js/pkg").join(file), example.join(file))?;
    }
    fs::copy(
        root.join("crates/js/example/index.html"),
        example.join("index.html"),
    )?;
    let pkg_port = free_port()?;
    let mut pkg_relay = Service::start(
        Command::new(bin.join("webimap-relay"))
            .args(["--listen", &format!("127.0.0.1:{pkg_port}")])
            .args(ports.allow_args(&["127.0.0.1", "localhost"]))
            .arg("--static")
            .arg(&example),
        "webimap-relay (serving the package example)",
    )?;
    wait_for_port(&mut pkg_relay, pkg_port)?;
    run_step(
        Command::new("node")
            .current_dir(root.join("tests/e2e"))
            .env("WEBIMAP_PKG_URL", format!("http://127.0.0.1:{pkg_port}/"))
            .env("WEBIMAP_PKG_TARBALL", &tarball)
            .env("WEBIMAP_E2E_CA_PEM_PATH", dovecot.ca_pem_path())
            .envs(ports.env("WEBIMAP_E2E"))
            .env("WEBIMAP_E2E_USER", DEMO_USER)
            .env("WEBIMAP_E2E_PASSWORD", DEMO_PASSWORD)
            .env("WEBIMAP_E2E_SAMPLE", &sample_json)
            .args(["--test", "--test-concurrency=1", "package.test.mjs"]),
        "the npm package's example page in headless Chromium",
    )?;
    drop(pkg_relay);
    dovecot.stop();
    Ok(())
}

/// The wasm client and the JS API in headless Chromium, through their own relay.
fn wasm_tests(
    root: &Path,
    path: &str,
    bin: &Path,
    dovecot: &Dovecot,
    ports: &MailPorts,
    messages: &[sample::SampleMessage],
    webdriver_json: &Path,
) -> Result<()> {
    let inbox_count = messages.iter().filter(|m| m.folder == "INBOX").count();
    let non_ascii_subject = messages
        .iter()
        .find(|m| m.folder == "INBOX" && !m.subject.is_ascii())
        .map(|m| m.subject.clone())
        .context("the sample mail has a non-ASCII INBOX subject")?;

    let relay_port = free_port()?;
    // The test page comes from wasm-bindgen-test-runner's own server: a fixed address, so
    // the relay can name its origin (the relay refuses foreign origins).
    let runner_port = free_port()?;
    let mut relay = Service::start(
        Command::new(bin.join("webimap-relay"))
            .args(["--listen", &format!("127.0.0.1:{relay_port}")])
            .args(["--origin", &format!("http://127.0.0.1:{runner_port}")])
            .args(ports.allow_args(&["127.0.0.1"])),
        "webimap-relay (browser tests)",
    )?;
    wait_for_port(&mut relay, relay_port)?;
    run_step(
        Command::new(env!("CARGO"))
            .current_dir(root)
            .env("PATH", path)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", webdriver_json)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .env(
                "WASM_BINDGEN_TEST_ADDRESS",
                format!("127.0.0.1:{runner_port}"),
            )
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env(
                "WEBIMAP_TEST_RELAY_URL",
                format!("ws://127.0.0.1:{relay_port}/relay"),
            )
            .envs(ports.env("WEBIMAP_TEST"))
            .env("WEBIMAP_TEST_CA_PEM", dovecot.ca_pem())
            .env("WEBIMAP_TEST_USER", DEMO_USER)
            .env("WEBIMAP_TEST_PASSWORD", DEMO_PASSWORD)
            .env("WEBIMAP_TEST_INBOX_COUNT", inbox_count.to_string())
            .env("WEBIMAP_TEST_SUBJECT", &non_ascii_subject)
            .args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "web",
            ])
            .args(["-p", "webimap-client", "-p", "webimap-js"]),
        "wasm client and JS API in headless Chromium (through the relay, real Dovecot)",
    )?;
    drop(relay);
    Ok(())
}

/// The mail ports of the browser stage's Dovecot and who can be written to.
struct MailPorts {
    imap: u16,
    imaps: u16,
    submission: u16,
    submissions: u16,
}

impl MailPorts {
    fn of(dovecot: &Dovecot) -> Result<Self> {
        Ok(Self {
            imap: dovecot.imap_port(),
            imaps: dovecot.imaps_port(),
            submission: dovecot
                .submission_port()
                .context("Dovecot was started without its submission service")?,
            submissions: dovecot
                .submissions_port()
                .context("Dovecot was started without its submission service")?,
        })
    }

    /// `--allow host:port` for every port, for each of `hosts`.
    fn allow_args(&self, hosts: &[&str]) -> Vec<String> {
        let mut args = Vec::new();
        for host in hosts {
            for port in [self.imap, self.imaps, self.submission, self.submissions] {
                args.push("--allow".to_owned());
                args.push(format!("{host}:{port}"));
            }
        }
        args
    }

    /// The environment a browser suite reads, under `prefix`: the ports, and the second
    /// demo user (a recipient that can sign in and read what it was sent).
    fn env(&self, prefix: &str) -> Vec<(String, String)> {
        vec![
            (format!("{prefix}_IMAP_PORT"), self.imap.to_string()),
            (format!("{prefix}_IMAPS_PORT"), self.imaps.to_string()),
            (
                format!("{prefix}_SUBMISSION_PORT"),
                self.submission.to_string(),
            ),
            (
                format!("{prefix}_SUBMISSIONS_PORT"),
                self.submissions.to_string(),
            ),
            (format!("{prefix}_ADDRESS"), address_of(DEMO_USER)),
            (format!("{prefix}_SECOND_USER"), SECOND_DEMO_USER.to_owned()),
            (
                format!("{prefix}_SECOND_PASSWORD"),
                SECOND_DEMO_PASSWORD.to_owned(),
            ),
            (
                format!("{prefix}_SECOND_ADDRESS"),
                address_of(SECOND_DEMO_USER),
            ),
        ]
    }
}
