//! Running commands and background services, with clear errors and cleanup.

use std::{
    net::{TcpListener, TcpStream},
    process::{Child, Command},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

/// Runs a command to completion, streaming its output; fails if it fails.
pub(crate) fn run(command: &mut Command, what: &str) -> Result<()> {
    eprintln!("\n==> {what}");
    let started = Instant::now();
    let status = command
        .status()
        .with_context(|| format!("{what}: cannot start {command:?}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    eprintln!(
        "==> {what}: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A background process, stopped (SIGTERM, then SIGKILL) when dropped.
#[derive(Debug)]
pub(crate) struct Service {
    name: String,
    child: Child,
}

impl Service {
    pub(crate) fn start(command: &mut Command, name: &str) -> Result<Service> {
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {name}: {command:?}"))?;
        Ok(Service {
            name: name.to_string(),
            child,
        })
    }

    /// Fails if the process has exited.
    pub(crate) fn check_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} exited early ({status})", self.name);
        }
        Ok(())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(8);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub(crate) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Fails if something already listens on the port (a clear error instead of talking to a
/// stranger's server).
pub(crate) fn ensure_port_free(port: u16, what: &str) -> Result<()> {
    TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .with_context(|| {
            format!("port {port} for {what} is in use: stop what runs there, or pick another port")
        })
}

/// Waits until a TCP port accepts connections, while the service is still running.
pub(crate) fn wait_for_port(service: &mut Service, port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        service.check_running()?;
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(50));
    }
    bail!("{} did not listen on port {port} within 30 s", service.name)
}
