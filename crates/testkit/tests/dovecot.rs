//! Starts real Dovecot instances. Needs `/usr/sbin/dovecot` (Debian: dovecot-imapd).

use std::{
    collections::BTreeMap,
    fs,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    sync::Arc,
    time::{Duration, UNIX_EPOCH},
};

use rustls::{
    ClientConfig, ClientConnection, RootCertStore, StreamOwned,
    pki_types::{CertificateDer, ServerName, pem::PemObject},
};
use webimap_testkit::{DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, sample};

fn start(config: DovecotConfig) -> Dovecot {
    Dovecot::start(config).unwrap_or_else(|error| panic!("dovecot did not start: {error}"))
}

fn connect(dovecot: &Dovecot, port: u16) -> TcpStream {
    let stream = TcpStream::connect((dovecot.host(), port))
        .unwrap_or_else(|error| panic!("connect {port}: {error}\n{}", dovecot.log()));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
}

/// Reads one line (up to LF) from the plain port's stream.
fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read line");
    line
}

fn greeting(dovecot: &Dovecot) -> String {
    let mut reader = BufReader::new(connect(dovecot, dovecot.imap_port()));
    read_line(&mut reader)
}

/// Processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((_, ppid)) = stat(child)
            && ppid == pid
        {
            children.push(child);
        }
    }
    children
}

fn stat(pid: u32) -> Option<(char, u32)> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    Some((fields.next()?.chars().next()?, fields.next()?.parse().ok()?))
}

fn alive(pid: u32) -> bool {
    matches!(stat(pid), Some((state, _)) if state != 'Z' && state != 'X')
}

/// Live processes whose command line mentions `needle` (the instance's config path).
fn processes_mentioning(needle: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(needle) && alive(pid) {
            found.push(pid);
        }
    }
    found
}

/// A spawned `webimap-dovecot`, killed if a test fails before it ends it.
struct Spawned(std::process::Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn_binary(args: &[&str], dir: &Path) -> Spawned {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_webimap-dovecot"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn webimap-dovecot");
    Spawned(child)
}

#[test]
fn starts_and_greets_on_the_plain_port() {
    let dovecot = start(DovecotConfig::default());
    assert_eq!(dovecot.host(), "127.0.0.1");
    assert_ne!(dovecot.imap_port(), dovecot.imaps_port());
    let line = greeting(&dovecot);
    assert!(line.starts_with("* OK"), "greeting {line:?}");
    assert!(dovecot.is_running());
    assert!(dovecot.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    let on_disk = fs::read_to_string(dovecot.ca_pem_path()).expect("ca file");
    assert_eq!(on_disk, dovecot.ca_pem());
    let debug = format!("{dovecot:?}");
    assert!(!debug.contains(DEMO_PASSWORD), "{debug}");
}

/// The CA verifies the implicit-TLS port for both names in the certificate.
#[test]
fn tls_port_presents_a_certificate_signed_by_the_ca() {
    let dovecot = start(DovecotConfig::default());
    let mut roots = RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(dovecot.ca_pem().as_bytes()).expect("ca pem");
    roots.add(ca).expect("add ca");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    for name in ["localhost", "127.0.0.1"] {
        let server_name = ServerName::try_from(name).expect("name").to_owned();
        let connection = ClientConnection::new(Arc::clone(&config), server_name).expect("tls");
        let mut tls = StreamOwned::new(connection, connect(&dovecot, dovecot.imaps_port()));
        let mut greeting = [0_u8; 4];
        tls.read_exact(&mut greeting)
            .unwrap_or_else(|error| panic!("TLS as {name}: {error}\n{}", dovecot.log()));
        assert_eq!(&greeting, b"* OK");
    }
}

#[test]
fn two_instances_run_at_once() {
    let first = start(DovecotConfig::default());
    let second = start(DovecotConfig::default());
    let ports = [
        first.imap_port(),
        first.imaps_port(),
        second.imap_port(),
        second.imaps_port(),
    ];
    let mut unique = ports.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{ports:?}");
    assert_ne!(first.dir(), second.dir());
    assert_ne!(first.ca_pem(), second.ca_pem());
    assert!(greeting(&first).starts_with("* OK"));
    assert!(greeting(&second).starts_with("* OK"));
    second.stop();
    assert!(
        greeting(&first).starts_with("* OK"),
        "first must outlive second"
    );
}

#[test]
fn stop_leaves_no_process_and_frees_the_ports() {
    let dovecot = start(DovecotConfig::default());
    let pid = dovecot.pid();
    // Open a session so an imap-login process exists too.
    let _session = connect(&dovecot, dovecot.imap_port());
    let children = children_of(pid);
    assert!(!children.is_empty(), "dovecot should have child processes");
    let config_path = dovecot.dir().join("dovecot.conf");
    let needle = config_path.to_string_lossy().into_owned();
    assert!(processes_mentioning(&needle).contains(&pid));
    let port = dovecot.imap_port();
    let dir = dovecot.dir().to_path_buf();

    dovecot.stop();

    assert!(!alive(pid), "master {pid} still alive");
    let left: Vec<u32> = children.into_iter().filter(|&child| alive(child)).collect();
    assert!(left.is_empty(), "children still alive: {left:?}");
    assert!(processes_mentioning(&needle).is_empty());
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still open"
    );
    assert!(!dir.exists(), "temporary dir {} not removed", dir.display());
}

#[test]
fn drop_stops_too() {
    let dovecot = start(DovecotConfig::default());
    let pid = dovecot.pid();
    let children = children_of(pid);
    drop(dovecot);
    assert!(!alive(pid));
    assert!(children.into_iter().all(|child| !alive(child)));
}

/// Every sample message is a file in its folder's `cur/` or `new/`, with the raw bytes
/// and the date as mtime; the homes live at `dir/home/<user>/Maildir/<folder>`.
#[test]
fn maildir_files_land_in_their_folders() {
    let dovecot = start(DovecotConfig::default());
    let maildir = dovecot.dir().join("home").join(DEMO_USER).join("Maildir");
    assert_eq!(dovecot.maildir(DEMO_USER), maildir);
    let mut expected: BTreeMap<&str, Vec<(Vec<u8>, i64)>> = BTreeMap::new();
    for message in sample::messages() {
        expected
            .entry(message.folder)
            .or_default()
            .push((message.raw.clone(), message.unix_time()));
    }
    for folder in sample::folders() {
        let folder_dir = folder
            .split('/')
            .fold(maildir.clone(), |path, part| path.join(part));
        let mut found = Vec::new();
        for sub in ["cur", "new"] {
            let dir = folder_dir.join(sub);
            assert!(dir.is_dir(), "{} missing", dir.display());
            for entry in fs::read_dir(&dir).expect("read dir").flatten() {
                let meta = entry.metadata().expect("metadata");
                let mtime = meta
                    .modified()
                    .expect("mtime")
                    .duration_since(UNIX_EPOCH)
                    .expect("after epoch")
                    .as_secs();
                let raw = fs::read(entry.path()).expect("read message");
                found.push((raw, i64::try_from(mtime).expect("mtime fits")));
            }
        }
        let mut want = expected.remove(folder).unwrap_or_default();
        want.sort();
        found.sort();
        assert_eq!(found.len(), want.len(), "message count in {folder}");
        assert!(found == want, "contents or mtimes differ in {folder}");
    }
    assert!(
        expected.is_empty(),
        "folders not in folders(): {expected:?}"
    );
    let flagged_seen = fs::read_dir(maildir.join("INBOX/cur"))
        .expect("cur")
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().ends_with(":2,FS"));
    assert!(flagged_seen, "no flagged+seen file in INBOX/cur");
    let new_count = fs::read_dir(maildir.join("INBOX/new"))
        .expect("new")
        .count();
    assert!(new_count > 0, "no unseen message in INBOX/new");
}

/// Smoke test that the generated config lets a user log in and see the seeded mail
/// (raw lines with prefix checks; the testkit itself never speaks IMAP).
#[test]
fn the_demo_user_can_log_in_and_see_the_sample_mail() {
    let dovecot = start(DovecotConfig::default());
    let stream = connect(&dovecot, dovecot.imap_port());
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    assert!(read_line(&mut reader).starts_with("* OK"));
    let inbox = sample::messages()
        .iter()
        .filter(|m| m.folder == "INBOX")
        .count();
    let projects = sample::messages()
        .iter()
        .filter(|m| m.folder == "Work/Projects")
        .count();
    let mut run = |tag: &str, command: &str| -> Vec<String> {
        writer
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .expect("write");
        let mut lines = Vec::new();
        loop {
            let line = read_line(&mut reader);
            assert!(!line.is_empty(), "connection closed\n{}", dovecot.log());
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return lines;
            }
        }
    };
    let login = run("a1", &format!("LOGIN {DEMO_USER} {DEMO_PASSWORD}"));
    assert!(
        login.last().is_some_and(|l| l.starts_with("a1 OK")),
        "{login:?}\n{}",
        dovecot.log()
    );
    let select = run("a2", "SELECT INBOX");
    assert!(
        select.contains(&format!("* {inbox} EXISTS\r\n")),
        "{select:?}\n{}",
        dovecot.log()
    );
    let select = run("a3", "SELECT Work/Projects");
    assert!(
        select.contains(&format!("* {projects} EXISTS\r\n")),
        "{select:?}"
    );
    let wrong = run("a4", "LOGOUT");
    assert!(wrong.last().is_some_and(|l| l.starts_with("a4 OK")));
}

/// Wrong passwords are refused, without Dovecot's growing penalty delay (tests fail
/// logins on purpose).
#[test]
fn a_wrong_password_is_refused_quickly_every_time() {
    let dovecot = start(DovecotConfig::default());
    for attempt in 0..3 {
        let started = std::time::Instant::now();
        let stream = connect(&dovecot, dovecot.imap_port());
        let mut writer = stream.try_clone().expect("clone");
        let mut reader = BufReader::new(stream);
        assert!(read_line(&mut reader).starts_with("* OK"));
        writer
            .write_all(format!("a1 LOGIN {DEMO_USER} wrong-{DEMO_PASSWORD}\r\n").as_bytes())
            .expect("write");
        let line = read_line(&mut reader);
        assert!(line.starts_with("a1 NO"), "{line:?}");
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "attempt {attempt} took {took:?}"
        );
    }
    assert!(
        !dovecot.log().contains("anvil-auth-penalty"),
        "{}",
        dovecot.log()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("free port")
}

/// A given directory and fixed ports: kept after stop; a restart reuses its certificate
/// and leaves its mail alone.
#[test]
fn a_given_directory_is_kept_and_reused() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("instance");
    let config = DovecotConfig {
        dir: Some(dir.clone()),
        imap_port: free_port(),
        imaps_port: free_port(),
        users: vec![
            ("alice".to_owned(), "alice-pw".to_owned()),
            ("bob".to_owned(), "bob-pw".to_owned()),
        ],
        seed_sample_mail: true,
        ..DovecotConfig::default()
    };
    let first = start(config.clone());
    assert_eq!(first.imap_port(), config.imap_port);
    assert_eq!(first.imaps_port(), config.imaps_port);
    let ca = first.ca_pem().to_owned();
    let marker = first.maildir("bob").join("INBOX/cur/marker");
    assert!(first.maildir("alice").join("Work/Projects/cur").is_dir());
    fs::write(&marker, b"kept").expect("marker");
    first.stop();
    assert!(dir.join("dovecot.conf").exists());

    let second = start(config);
    assert_eq!(second.ca_pem(), ca);
    assert!(Path::new(&marker).exists(), "re-seeding removed mail");
    assert!(greeting(&second).starts_with("* OK"));
}

#[test]
fn unsafe_users_are_rejected_before_starting() {
    let config = DovecotConfig {
        users: vec![("evil:user".to_owned(), "pw".to_owned())],
        ..DovecotConfig::default()
    };
    let error = Dovecot::start(config).expect_err("must refuse");
    assert!(error.to_string().contains("evil:user"), "{error}");
}

/// The binary prints its JSON line once ready and stops cleanly on SIGTERM.
#[test]
fn the_binary_prints_json_and_stops_on_sigterm() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("demo");
    let mut spawned = spawn_binary(&["--imap-port", "0", "--imaps-port", "0"], &dir);
    let child = &mut spawned.0;
    let stdout = child.stdout.take().expect("stdout");
    let line = read_line(&mut BufReader::new(stdout));
    let ready: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
    assert_eq!(ready["host"], "127.0.0.1");
    assert_eq!(ready["user"], DEMO_USER);
    assert_eq!(ready["password"], DEMO_PASSWORD);
    assert_eq!(ready["dir"], dir.to_string_lossy().as_ref());
    let ca_path = ready["ca_pem_path"].as_str().expect("ca path");
    assert!(
        fs::read_to_string(ca_path)
            .expect("ca")
            .contains("BEGIN CERTIFICATE")
    );
    let port = u16::try_from(ready["imap_port"].as_u64().expect("port")).expect("u16");
    assert!(ready["imaps_port"].as_u64().is_some());
    assert!(ready["submission_port"].is_null(), "{line}");
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    assert!(read_line(&mut BufReader::new(stream)).starts_with("* OK"));
    let config_path = dir.join("dovecot.conf").to_string_lossy().into_owned();
    // Right after start the master may still run a short-lived helper (doveconf) with the
    // same config path on its command line: wait for it to go.
    let mut master = processes_mentioning(&config_path);
    for _ in 0..50 {
        if master.len() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        master = processes_mentioning(&config_path);
    }
    assert_eq!(master.len(), 1, "{master:?}");

    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(!alive(master[0]));
    assert!(processes_mentioning(&config_path).is_empty());
}

/// A Dovecot whose starter was killed (no drop ran) is stopped by the next start in the
/// same directory, which can then take over its ports.
#[test]
fn an_orphaned_instance_is_stopped_by_the_next_start() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("orphan");
    let (imap_port, imaps_port) = (free_port(), free_port());
    let ports = [imap_port.to_string(), imaps_port.to_string()];
    let args = ["--imap-port", &ports[0], "--imaps-port", &ports[1]];
    let mut spawned = spawn_binary(&args, &dir);
    let child = &mut spawned.0;
    let stdout = child.stdout.take().expect("stdout");
    let line = read_line(&mut BufReader::new(stdout));
    assert!(line.starts_with('{'), "{line:?}");
    let config_path = dir.join("dovecot.conf").to_string_lossy().into_owned();
    let orphan = children_of(child.id());
    assert_eq!(orphan.len(), 1, "{orphan:?}");
    assert!(processes_mentioning(&config_path).contains(&orphan[0]));
    child.kill().expect("SIGKILL the starter");
    child.wait().expect("reap");
    assert!(alive(orphan[0]), "dovecot should survive its starter");

    let dovecot = start(DovecotConfig {
        dir: Some(dir),
        imap_port,
        imaps_port,
        ..DovecotConfig::default()
    });
    assert!(!alive(orphan[0]), "orphan {} still alive", orphan[0]);
    assert!(greeting(&dovecot).starts_with("* OK"));
}

#[test]
fn a_fixed_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = DovecotConfig {
        imap_port: port,
        imaps_port: 0,
        ..DovecotConfig::default()
    };
    let err = Dovecot::start(config).expect_err("must not report another server as ready");
    assert!(err.to_string().contains("already in use"), "{err}");
}
