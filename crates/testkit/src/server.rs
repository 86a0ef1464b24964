//! Starting, watching and stopping one private Dovecot process tree.

use std::{
    fmt, fs,
    io::Read,
    net::{SocketAddr, TcpListener, TcpStream},
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use tempfile::TempDir;

use crate::{
    bridge::Bridge,
    config::{self, DovecotConfig, Identity, layout},
    config_file::{self, Rendering, Submission},
    error::{TestkitError, io_context},
    maildir, sample,
    tls::{self, TlsFiles},
};

const HOST: &str = "127.0.0.1";
const READY_TIMEOUT: Duration = Duration::from_secs(20);
const STOP_TIMEOUT: Duration = Duration::from_secs(3);
const ATTEMPTS_WITH_FREE_PORTS: usize = 5;

/// A running private Dovecot. Stopped by [`Dovecot::stop`] or on drop.
pub struct Dovecot {
    child: Child,
    pid: i32,
    dir: PathBuf,
    /// Held so the temporary directory lives as long as the server (dropped after it).
    temp: Option<TempDir>,
    imap_port: u16,
    imaps_port: u16,
    /// The submission service's (plain, implicit-TLS) ports, when it runs.
    submission_ports: Option<(u16, u16)>,
    /// What submission relays to; stopped after Dovecot.
    bridge: Option<Bridge>,
    ca_pem: String,
    ca_pem_path: PathBuf,
    stopped: bool,
}

impl fmt::Debug for Dovecot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dovecot")
            .field("pid", &self.pid)
            .field("dir", &self.dir)
            .field("temporary", &self.temp.is_some())
            .field("imap_port", &self.imap_port)
            .field("imaps_port", &self.imaps_port)
            .field("submission_ports", &self.submission_ports)
            .finish_non_exhaustive()
    }
}

impl Dovecot {
    /// Writes config, certificates, passwd file and (unless already there) sample mail
    /// into the directory, starts `dovecot -F -c FILE`, and returns once the plain ports
    /// send a greeting and the TLS ports accept connections. With submission, the
    /// SMTP-to-LMTP bridge it relays to runs in this process until the server stops.
    pub fn start(config: DovecotConfig) -> Result<Dovecot, TestkitError> {
        config::check_users(&config.users)?;
        config::check_submission(&config)?;
        let (dir, temp) = match &config.dir {
            Some(dir) => {
                fs::create_dir_all(dir).map_err(io_context("creating", dir))?;
                (
                    std::path::absolute(dir).map_err(io_context("resolving", dir))?,
                    None,
                )
            }
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("webimap-dovecot-")
                    .tempdir()
                    .map_err(io_context(
                        "creating a temporary directory in",
                        &std::env::temp_dir(),
                    ))?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let dir_text = config::check_path(&dir)?.to_owned();
        let identity = Identity::current()?;
        process::stop_orphans(&dir);
        // Dovecot refuses to start while master.pid names a process that `kill -0` finds,
        // and a dead master stays a zombie until PID 1 reaps it, which may be late.
        let master_pid = dir.join(layout::RUN).join("master.pid");
        let stale_master = fs::read_to_string(&master_pid)
            .ok()
            .and_then(|text| text.trim().parse::<i32>().ok())
            .is_some_and(|pid| !process::alive(pid));
        if stale_master {
            fs::remove_file(&master_pid).map_err(io_context("removing", &master_pid))?;
        }
        let owner = dir.join(layout::OWNER);
        fs::write(&owner, format!("{}\n", std::process::id()))
            .map_err(io_context("writing", &owner))?;

        let tls_dir = dir.join(layout::TLS);
        let tls = match (&temp, TlsFiles::load(&tls_dir)) {
            (None, Some(existing)) => existing,
            _ => {
                let fresh = TlsFiles::generate()?;
                fresh.write(&tls_dir)?;
                fresh
            }
        };
        if let Some(url) = &config.oauth2_introspection_url {
            if url.bytes().any(|b| b.is_ascii_whitespace() || b == b'#') {
                return Err(TestkitError::InvalidConfig(format!(
                    "bad introspection URL {url:?}"
                )));
            }
            let path = dir.join(config_file::OAUTH2_FILE);
            fs::write(&path, config_file::oauth2_settings(url))
                .map_err(io_context("writing", &path))?;
        }
        let passwd = dir.join(layout::PASSWD);
        fs::write(&passwd, config::passwd_file(&config.users))
            .map_err(io_context("writing", &passwd))?;
        prepare_homes(&dir, &config, &identity)?;
        // A penalty socket left by an older config would be found and used.
        let stale_penalty = Path::new(layout::RUN).join(layout::PENALTY_SOCKET);
        for stale in [
            Path::new(layout::LOG),
            Path::new(layout::OUTPUT),
            Path::new(layout::BRIDGE_LOG),
            &stale_penalty,
        ] {
            let path = dir.join(stale);
            if path.exists() {
                fs::remove_file(&path).map_err(io_context("removing", &path))?;
            }
        }

        let mut bridge = if config.submission {
            let lmtp_socket = dir.join(layout::RUN).join(layout::LMTP_SOCKET);
            Some(Bridge::start(&lmtp_socket, &dir.join(layout::BRIDGE_LOG))?)
        } else {
            None
        };
        let requested = [
            config.imap_port,
            config.imaps_port,
            config.submission_port,
            config.submissions_port,
        ];
        let wanted = if config.submission { 4 } else { 2 };
        let auto_ports = requested[..wanted].contains(&0);
        let attempts = if auto_ports {
            ATTEMPTS_WITH_FREE_PORTS
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ports = pick_ports(&requested[..wanted])?;
            let (imap_port, imaps_port) = (ports[0], ports[1]);
            let submission = match (&bridge, ports.get(2..4)) {
                (Some(bridge), Some(&[port, tls_port])) => Some(Submission {
                    port,
                    tls_port,
                    relay_port: bridge.port(),
                    max_mail_size: config.submission_max_mail_size,
                }),
                _ => None,
            };
            let conf_path = dir.join(layout::CONFIG);
            let rendering = Rendering {
                dir: &dir_text,
                imap_port,
                imaps_port,
                identity: &identity,
                oauth2: config.oauth2_introspection_url.is_some(),
                submission,
            };
            fs::write(&conf_path, rendering.render()).map_err(io_context("writing", &conf_path))?;
            let child = spawn(&dir, &conf_path)?;
            let mut server = Dovecot {
                pid: i32::try_from(child.id()).unwrap_or(i32::MAX),
                child,
                dir: dir.clone(),
                temp: None,
                imap_port,
                imaps_port,
                submission_ports: submission.map(|s| (s.port, s.tls_port)),
                bridge: None,
                ca_pem: tls.ca_pem.clone(),
                ca_pem_path: tls_dir.join(tls::CA_FILE),
                stopped: false,
            };
            match server.wait_ready() {
                Ok(()) => {
                    server.temp = temp;
                    server.bridge = bridge.take();
                    return Ok(server);
                }
                Err(error) => {
                    let log = server.log();
                    server.stop_now();
                    let port_taken = log.contains("Address already in use");
                    if !(port_taken && attempt < attempts) {
                        return Err(error);
                    }
                }
            }
        }
    }

    /// The address Dovecot listens on: `127.0.0.1`.
    pub fn host(&self) -> &str {
        HOST
    }

    /// The plain IMAP port (offers STARTTLS).
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// The implicit-TLS IMAP port.
    pub fn imaps_port(&self) -> u16 {
        self.imaps_port
    }

    /// The submission port (plain, offers STARTTLS; 587-style), when
    /// [`DovecotConfig::submission`] asked for the service.
    pub fn submission_port(&self) -> Option<u16> {
        self.submission_ports.map(|(plain, _)| plain)
    }

    /// The implicit-TLS submission port (465-style), when the service runs.
    pub fn submissions_port(&self) -> Option<u16> {
        self.submission_ports.map(|(_, tls)| tls)
    }

    /// PEM of the CA that signed the server certificate (SAN `localhost`, `127.0.0.1`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The file holding [`Dovecot::ca_pem`].
    pub fn ca_pem_path(&self) -> &Path {
        &self.ca_pem_path
    }

    /// The instance directory (config, `tls/`, `home/<user>/Maildir`, logs).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The maildir root of `user`: `dir/home/<user>/Maildir`. INBOX is its `INBOX`
    /// subdirectory, other mailboxes are subdirectories named like them (`Work/Projects`).
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.dir.join(layout::HOME).join(user).join(layout::MAILDIR)
    }

    /// The raw bytes of every message file in `user`'s INBOX (`new/` and `cur/`), oldest
    /// first: what LMTP delivered (with the trace headers it and submission added) and
    /// any sample mail. Empty when the INBOX does not exist yet.
    pub fn inbox_messages(&self, user: &str) -> Result<Vec<Vec<u8>>, TestkitError> {
        config::check_user_name(user)?;
        let inbox = self.maildir(user).join("INBOX");
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            let dir = inbox.join(sub);
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(io_context("reading", &dir)(error)),
            };
            for entry in entries {
                let entry = entry.map_err(io_context("reading", &dir))?;
                let path = entry.path();
                let modified = entry
                    .metadata()
                    .and_then(|meta| meta.modified())
                    .map_err(io_context("reading the time of", &path))?;
                files.push((modified, entry.file_name(), path));
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, _, path)| fs::read(&path).map_err(io_context("reading", &path)))
            .collect()
    }

    /// The master process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the master process is still alive.
    pub fn is_running(&self) -> bool {
        !self.stopped && process::alive(self.pid)
    }

    /// Dovecot's log, followed by anything it printed, for failure messages.
    pub fn log(&self) -> String {
        let mut text = fs::read(self.dir.join(layout::LOG))
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        if let Ok(output) = fs::read(self.dir.join(layout::OUTPUT))
            && !output.is_empty()
        {
            text.push_str("--- dovecot stdout/stderr ---\n");
            text.push_str(&String::from_utf8_lossy(&output));
        }
        if let Ok(bridge) = fs::read(self.dir.join(layout::BRIDGE_LOG))
            && !bridge.is_empty()
        {
            text.push_str("--- SMTP-to-LMTP bridge ---\n");
            text.push_str(&String::from_utf8_lossy(&bridge));
        }
        text
    }

    /// Stops Dovecot and waits for its processes to end (bounded; then SIGKILL).
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn wait_ready(&mut self) -> Result<(), TestkitError> {
        let started = Instant::now();
        let address = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        let mut plain = vec![address(self.imap_port)];
        let mut tls = vec![address(self.imaps_port)];
        if let Some((submission, submissions)) = self.submission_ports {
            plain.push(address(submission));
            tls.push(address(submissions));
        }
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.stopped = true;
                return Err(TestkitError::Exited {
                    status: status.to_string(),
                    log: self.log(),
                });
            }
            let accepts =
                |addr: &SocketAddr| TcpStream::connect_timeout(addr, Duration::from_millis(500));
            if plain.iter().all(|&addr| greets(addr)) && tls.iter().all(|a| accepts(a).is_ok()) {
                return Ok(());
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(TestkitError::NotReady {
                    seconds: READY_TIMEOUT.as_secs(),
                    log: self.log(),
                });
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM to the master, which stops its children and exits (about a second); if
    /// that takes longer than [`STOP_TIMEOUT`] (a child can be slow on a loaded machine),
    /// SIGKILL to its whole process group. Leftover children get the same.
    fn stop_now(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let children = process::children_of(self.pid);
        process::signal(self.pid, process::Signal::Term);
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= deadline => {
                    process::signal_group(self.pid, process::Signal::Kill);
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => thread::sleep(Duration::from_millis(20)),
            }
        }
        // The master normally outlives its children; make sure none outlive it.
        let deadline = Instant::now() + Duration::from_secs(1);
        while children.iter().any(|&pid| process::alive(pid)) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        if children.iter().any(|&pid| process::alive(pid)) {
            process::signal_group(self.pid, process::Signal::Kill);
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        while children.iter().any(|&pid| process::alive(pid)) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        // Last: with Dovecot gone, no relayed connection is left waiting on LMTP.
        if let Some(mut bridge) = self.bridge.take() {
            bridge.stop();
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Connects and reads at least one byte (the greeting; its contents are not parsed).
fn greets(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    if stream
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .is_err()
    {
        return false;
    }
    let mut buf = [0_u8; 64];
    matches!(stream.read(&mut buf), Ok(n) if n > 0)
}

/// The requested ports, with each 0 replaced by a port that was free a moment ago.
fn pick_ports(requested: &[u16]) -> Result<Vec<u16>, TestkitError> {
    // Every listener is held until all ports are known, so they differ.
    let mut held = Vec::new();
    let mut ports = Vec::new();
    for &wanted in requested {
        if wanted != 0 {
            ports.push(ensure_free(wanted)?);
            continue;
        }
        let listener = TcpListener::bind((HOST, 0)).map_err(|source| TestkitError::Io {
            context: "binding 127.0.0.1:0 to find a free port".to_owned(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| TestkitError::Io {
                context: "reading a bound port".to_owned(),
                source,
            })?
            .port();
        ports.push(port);
        held.push(listener);
    }
    Ok(ports)
}

/// A fixed port must be free: otherwise readiness would be judged by whatever server
/// already listens there.
fn ensure_free(port: u16) -> Result<u16, TestkitError> {
    TcpListener::bind((HOST, port))
        .map(|_| port)
        .map_err(|source| TestkitError::Io {
            context: format!("port {port} on {HOST} is already in use"),
            source,
        })
}

/// Home directories, seeded maildirs, and ownership for the mail user.
fn prepare_homes(
    dir: &Path,
    config: &DovecotConfig,
    identity: &Identity,
) -> Result<(), TestkitError> {
    let homes = dir.join(layout::HOME);
    fs::create_dir_all(&homes).map_err(io_context("creating", &homes))?;
    let messages = if config.seed_sample_mail {
        sample::messages()
    } else {
        Vec::new()
    };
    let folders = sample::folders();
    for (user, _) in &config.users {
        let home = homes.join(user);
        let maildir = home.join(layout::MAILDIR);
        if config.seed_sample_mail && !maildir.exists() {
            maildir::write(&maildir, &folders, &messages)?;
        }
        fs::create_dir_all(&home).map_err(io_context("creating", &home))?;
    }
    if identity.unprivileged.is_none() {
        // Mail is accessed as another user than ours: let it reach and own the homes.
        for path in [dir, homes.as_path()] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755))
                .map_err(io_context("chmod", path))?;
        }
        maildir::chown_tree(&homes, identity.mail_uid, identity.mail_gid)?;
    }
    Ok(())
}

/// The Dovecot binary: `$WEBIMAP_DOVECOT`, else `/usr/sbin/dovecot`, else `dovecot` on PATH.
fn dovecot_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WEBIMAP_DOVECOT") {
        return PathBuf::from(path);
    }
    let packaged = Path::new("/usr/sbin/dovecot");
    if packaged.exists() {
        packaged.to_path_buf()
    } else {
        PathBuf::from("dovecot")
    }
}

/// `dovecot -F -c FILE` in its own process group (a terminal's Ctrl-C reaches only us),
/// with output to a file: the master keeps inherited descriptors open.
fn spawn(dir: &Path, conf: &Path) -> Result<Child, TestkitError> {
    let output_path = dir.join(layout::OUTPUT);
    let output = fs::File::create(&output_path).map_err(io_context("creating", &output_path))?;
    let errors = output
        .try_clone()
        .map_err(io_context("duplicating", &output_path))?;
    let binary = dovecot_binary();
    Command::new(&binary)
        .arg("-F")
        .arg("-c")
        .arg(conf)
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(errors)
        .process_group(0)
        .spawn()
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                TestkitError::Environment(format!(
                    "{} not found: install Dovecot (Debian: dovecot-imapd)",
                    binary.display()
                ))
            } else {
                TestkitError::Io {
                    context: format!("starting {}", binary.display()),
                    source,
                }
            }
        })
}

/// Process checks through `/proc` (zombies count as dead: PID 1 may reap them late).
pub(crate) mod process {
    use std::{
        fs,
        path::{Path, PathBuf},
        thread,
        time::{Duration, Instant},
    };

    use rustix::process::{Pid, kill_process, kill_process_group};

    use crate::config::layout;

    #[derive(Debug, Clone, Copy)]
    pub(crate) enum Signal {
        Term,
        Kill,
    }

    /// (state, parent pid) from `/proc/PID/stat`.
    fn stat(pid: i32) -> Option<(char, i32)> {
        let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let after = &text[text.rfind(')')? + 1..];
        let mut fields = after.split_whitespace();
        let state = fields.next()?.chars().next()?;
        let ppid = fields.next()?.parse().ok()?;
        Some((state, ppid))
    }

    pub(crate) fn alive(pid: i32) -> bool {
        matches!(stat(pid), Some((state, _)) if state != 'Z' && state != 'X')
    }

    pub(crate) fn children_of(parent: i32) -> Vec<i32> {
        let Ok(entries) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|&pid| matches!(stat(pid), Some((_, ppid)) if ppid == parent))
            .collect()
    }

    /// Stops Dovecot masters started by this crate whose starting process is gone (a test
    /// binary killed before its drop ran). Waits only for one using `dir`, whose ports and
    /// pid file the caller is about to reuse.
    pub(crate) fn stop_orphans(dir: &Path) {
        let Ok(entries) = fs::read_dir("/proc") else {
            return;
        };
        let masters = entries.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok());
        for pid in masters {
            let Some(instance) = instance_dir(pid) else {
                continue;
            };
            let owner = fs::read_to_string(instance.join(layout::OWNER))
                .ok()
                .and_then(|text| text.trim().parse::<i32>().ok());
            let Some(owner) = owner else {
                continue;
            };
            if alive(owner) || !alive(pid) {
                continue;
            }
            signal(pid, Signal::Term);
            if instance == dir {
                let deadline = Instant::now() + super::STOP_TIMEOUT;
                while alive(pid) && Instant::now() < deadline {
                    thread::sleep(Duration::from_millis(20));
                }
                if alive(pid) {
                    signal_group(pid, Signal::Kill);
                }
                let deadline = Instant::now() + Duration::from_secs(1);
                while alive(pid) && Instant::now() < deadline {
                    thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }

    /// The instance directory of a `dovecot -F -c DIR/dovecot.conf` master.
    fn instance_dir(pid: i32) -> Option<PathBuf> {
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|&byte| byte == 0).collect();
        let binary = args.first()?;
        if !binary.ends_with(b"dovecot") || !args.contains(&b"-F".as_slice()) {
            return None;
        }
        let position = args.iter().position(|arg| *arg == b"-c")?;
        let config = Path::new(std::str::from_utf8(args.get(position + 1)?).ok()?);
        if config.file_name()? != layout::CONFIG {
            return None;
        }
        Some(config.parent()?.to_path_buf())
    }

    /// Signals the process group `group` (Dovecot is spawned as its own group leader).
    pub(crate) fn signal_group(group: i32, signal: Signal) {
        let Some(group) = Pid::from_raw(group) else {
            return;
        };
        let _ = kill_process_group(group, signal.into());
    }

    impl From<Signal> for rustix::process::Signal {
        fn from(signal: Signal) -> Self {
            match signal {
                Signal::Term => Self::TERM,
                Signal::Kill => Self::KILL,
            }
        }
    }

    pub(crate) fn signal(pid: i32, signal: Signal) {
        let Some(pid) = Pid::from_raw(pid) else {
            return;
        };
        let _ = kill_process(pid, signal.into());
    }
}
