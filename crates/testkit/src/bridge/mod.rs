//! The relay host behind Dovecot's submission service: a lock-step SMTP-to-LMTP bridge
//! on `127.0.0.1`, so that mail sent through submission lands in the recipients'
//! maildirs by Dovecot's own LMTP server.
//!
//! Why a bridge, not a real MTA. Dovecot's submission service only ever relays to an SMTP
//! server (it opens with EHLO, which Dovecot's LMTP answers `500 5.5.1`), so something
//! that speaks SMTP must sit in between, and it must run once per test, many at a time,
//! on free ports:
//! - OpenSMTPD 6.8 (`smtpd -f FILE`, the preferred choice) cannot: its control socket
//!   (`/var/run/smtpd.sock`) and queue (`/var/spool/smtpd`, which its scheduler
//!   `chroot`s into, so it needs root) are fixed when it is built, not set in the config
//!   file, and a second instance finds the socket listening and exits ("control socket
//!   already listening"). Tests running in parallel cannot each have one.
//! - Postfix's `postfix start` needs root and the system's default instance (its
//!   multi-instance mode requires it).
//! - Any queueing MTA answers `250` before it delivers: LMTP's refusal of an unknown user
//!   would come back later as a bounce, not as the reply to RCPT that clients and tests
//!   need to see.
//!
//! So the submission service the client talks to is Dovecot's real one, and so is the
//! LMTP server that accepts or refuses recipients (`550 5.1.1` for an unknown user);
//! this bridge only carries each command to LMTP and each answer back, one at a time,
//! unchanged except that EHLO becomes LHLO (and its extension list is cut to what a
//! lock-step relay can carry) and LMTP's per-recipient answers to DATA become one (the
//! first failure, else the first success). It adds no trace header of its own.
//!
//! Limits: command lines up to 4 KiB, replies up to 64 lines of 2 KiB, at most
//! [`MAX_CONNECTIONS`] connections at once, 15 minutes of silence from submission and
//! one minute for each LMTP answer; the message itself streams through without being held
//! in memory. It listens on `127.0.0.1` only and reaches LMTP by a Unix socket in the
//! instance's `run/` directory.
//!
//! Threads and blocking sockets with timeouts rather than tokio: the testkit's API is
//! blocking (tests and xtask call it from plain threads), so a runtime would only add a
//! dependency; one thread per connection is plenty for a test server.

mod lines;
mod reply;
mod session;

use std::{
    fs::{File, OpenOptions},
    io::Write,
    net::{Shutdown, SocketAddr, TcpListener, TcpStream},
    os::unix::net::UnixStream,
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
    /// Set when the bridge stops.
    stop: Arc<AtomicBool>,
    /// Both sides of every open connection, to shut them down on stop.
    open: Mutex<Vec<(u64, Socket)>>,
}

/// One side of a relayed connection.
#[derive(Debug)]
enum Socket {
    Smtp(TcpStream),
    Lmtp(UnixStream),
}

impl Socket {
    fn shutdown(&self) {
        let _ = match self {
            Self::Smtp(stream) => stream.shutdown(Shutdown::Both),
            Self::Lmtp(stream) => stream.shutdown(Shutdown::Both),
        };
    }
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
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            lmtp_socket: lmtp_socket.to_path_buf(),
            log: Mutex::new(log),
            stop: Arc::clone(&stop),
            open: Mutex::new(Vec::new()),
        });
        let acceptor = thread::Builder::new()
            .name("smtp-lmtp-bridge".to_owned())
            .spawn(move || accept(&listener, &shared))
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

    fn open_connections(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Socket)>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The acceptor thread: one relaying thread per connection, up to [`MAX_CONNECTIONS`].
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id = 0_u64;
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
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
            shared.open_connections().push((id, Socket::Smtp(clone)));
        }
        let worker_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("smtp-lmtp-bridge-{id}"))
            .spawn(move || {
                let opened = |lmtp: &UnixStream| {
                    if let Ok(clone) = lmtp.try_clone() {
                        worker_shared
                            .open_connections()
                            .push((id, Socket::Lmtp(clone)));
                    }
                    // Opened after the stop's shutdown pass: end at once.
                    if worker_shared.stop.load(Ordering::SeqCst) {
                        let _ = lmtp.shutdown(Shutdown::Both);
                    }
                };
                if let Err(error) = session::relay(stream, &worker_shared.lmtp_socket, opened) {
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
    for (_, socket) in shared.open_connections().iter() {
        socket.shutdown();
    }
    for worker in workers {
        let _ = worker.join();
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::{BufRead, BufReader},
        os::unix::net::UnixListener,
        time::Instant,
    };

    use super::*;

    fn first_line(port: u16) -> String {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).expect("line");
        line
    }

    #[test]
    fn without_lmtp_a_connection_gets_421() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bridge =
            Bridge::start(&dir.path().join("no-lmtp"), &dir.path().join("log")).expect("start");
        assert_eq!(
            first_line(bridge.port()),
            "421 4.3.0 the LMTP server cannot be reached\r\n"
        );
        bridge.stop();
        let log = std::fs::read_to_string(dir.path().join("log")).expect("log");
        assert!(log.contains("connecting to LMTP"), "{log}");
    }

    /// With an LMTP server that never answers: connections past the cap are refused, and
    /// stopping ends the waiting ones at once instead of after the LMTP timeout.
    #[test]
    fn connections_are_capped_and_stop_ends_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("lmtp");
        let silent = UnixListener::bind(&socket).expect("bind");
        let held = thread::spawn(move || {
            let mut held = Vec::new();
            for stream in silent.incoming().take(MAX_CONNECTIONS) {
                held.push(stream.expect("accept"));
            }
            held
        });
        let mut bridge = Bridge::start(&socket, &dir.path().join("log")).expect("start");
        let waiting: Vec<TcpStream> = (0..MAX_CONNECTIONS)
            .map(|_| TcpStream::connect(("127.0.0.1", bridge.port())).expect("connect"))
            .collect();
        assert_eq!(
            first_line(bridge.port()),
            "421 4.3.2 too many connections to the bridge\r\n"
        );
        let _held = held.join().expect("held");
        let started = Instant::now();
        bridge.stop();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        for stream in waiting {
            let mut line = String::new();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            let _ = BufReader::new(stream).read_line(&mut line);
            assert!(!line.starts_with('2'), "{line:?}");
        }
    }
}
