//! The relay host behind Dovecot's submission service: a lock-step SMTP-to-LMTP bridge
//! on `127.0.0.1`, so that mail sent through submission lands in the recipients'
//! maildirs by Dovecot's own LMTP server.
//!
//! Why a bridge, not a real MTA. Dovecot's submission service only ever relays to an SMTP
//! server (it opens with EHLO, which Dovecot's LMTP answers `500 5.5.1`), so something
//! that speaks SMTP must sit in between, and it must run once per test, unprivileged or
//! not, many at a time, on free ports:
//! - OpenSMTPD 6.8 (`smtpd -f FILE`) refuses to start unless run as root, and its queue
//!   (`/var/spool/smtpd`) and control socket (`/var/run/smtpd.sock`) are fixed when it is
//!   built: a second instance finds the socket taken and exits, so tests running in
//!   parallel cannot each have one.
//! - Postfix's `postfix start` needs root and the system's default instance (its
//!   multi-instance mode requires it); Exim likewise wants its setuid binary and spool.
//!
//! So the submission service the client talks to is Dovecot's real one, and so is the
//! LMTP server that accepts or refuses recipients (`550 5.1.1` for an unknown user);
//! this bridge only carries each command to LMTP and each answer back, one at a time,
//! unchanged except that EHLO becomes LHLO (and its extension list is cut to what a
//! lock-step relay can carry) and LMTP's per-recipient answers to DATA become one (the
//! first failure, else the first success). It adds no trace header of its own.
//!
//! Limits: command lines up to 4 KiB, replies up to 64 lines of 2 KiB, at most
//! [`MAX_CONNECTIONS`] connections at once; the message itself streams through without
//! being held in memory.

mod lines;
mod reply;
mod session;

use std::{
    fs::{File, OpenOptions},
    io::Write,
    net::{Shutdown, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    thread::{self, JoinHandle},
    time::Duration,
};

use crate::error::{TestkitError, io_context};

/// Connections relayed at the same time; more are refused with `421`.
pub(crate) const MAX_CONNECTIONS: usize = 16;

/// A running bridge; stopped by [`Bridge::stop`] or on drop.
#[derive(Debug)]
pub(crate) struct Bridge {
    port: u16,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// What the acceptor thread shares with the connection threads.
#[derive(Debug)]
struct Shared {
    lmtp_socket: PathBuf,
    log: Mutex<File>,
    /// The SMTP side of every open connection, to shut them down on stop.
    open: Mutex<Vec<(u64, TcpStream)>>,
}

impl Bridge {
    /// Binds `127.0.0.1` on a free port and relays every connection to the LMTP server
    /// at `lmtp_socket` (which need not be listening yet). Problems go to `log_path`.
    pub(crate) fn start(lmtp_socket: &Path, log_path: &Path) -> Result<Self, TestkitError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|source| TestkitError::Io {
            context: "binding the SMTP-to-LMTP bridge on 127.0.0.1".to_owned(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| TestkitError::Io {
                context: "reading the bridge's port".to_owned(),
                source,
            })?
            .port();
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_path)
            .map_err(io_context("opening", log_path))?;
        let shared = Arc::new(Shared {
            lmtp_socket: lmtp_socket.to_path_buf(),
            log: Mutex::new(log),
            open: Mutex::new(Vec::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = thread::Builder::new()
            .name("smtp-lmtp-bridge".to_owned())
            .spawn({
                let stop = Arc::clone(&stop);
                move || accept(&listener, &shared, &stop)
            })
            .map_err(|source| TestkitError::Io {
                context: "starting the bridge thread".to_owned(),
                source,
            })?;
        Ok(Self {
            port,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// The port submission relays to.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Stops accepting, closes open connections and waits for their threads.
    pub(crate) fn stop(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept; the acceptor sees the flag and ends.
        let wake = SocketAddr::from(([127, 0, 0, 1], self.port));
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        let _ = acceptor.join();
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared {
    fn log(&self, line: &str) {
        let mut file = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = writeln!(file, "{line}");
    }

    fn open_connections(&self) -> std::sync::MutexGuard<'_, Vec<(u64, TcpStream)>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The acceptor thread: one relaying thread per connection, up to [`MAX_CONNECTIONS`].
fn accept(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id = 0_u64;
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                shared.log(&format!("bridge: accepting a connection: {error}"));
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        workers.retain(|worker| !worker.is_finished());
        if workers.len() >= MAX_CONNECTIONS {
            shared.log("bridge: too many connections; refused one");
            let _ = stream.write_all(b"421 4.3.2 too many connections to the bridge\r\n");
            continue;
        }
        next_id += 1;
        let id = next_id;
        if let Ok(clone) = stream.try_clone() {
            shared.open_connections().push((id, clone));
        }
        let worker_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("smtp-lmtp-bridge-{id}"))
            .spawn(move || {
                if let Err(error) = session::relay(stream, &worker_shared.lmtp_socket) {
                    worker_shared.log(&format!("bridge: connection {id}: {error}"));
                }
                worker_shared
                    .open_connections()
                    .retain(|(open, _)| *open != id);
            });
        match spawned {
            Ok(worker) => workers.push(worker),
            Err(error) => {
                shared.log(&format!("bridge: starting a connection thread: {error}"));
                shared.open_connections().retain(|(open, _)| *open != id);
            }
        }
    }
    for (_, stream) in shared.open_connections().iter() {
        let _ = stream.shutdown(Shutdown::Both);
    }
    for worker in workers {
        let _ = worker.join();
    }
}
