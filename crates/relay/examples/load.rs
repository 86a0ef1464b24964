//! Load test: holds thousands of concurrent idle tunnels through a `webimap-relay` process
//! and reports its memory per connection (VmRSS from /proc/PID/status).
//!
//! ```text
//! cargo build --release -p webimap-relay --bin webimap-relay --example load
//! target/release/examples/load [--relay target/release/webimap-relay] [--counts 1000,5000]
//! ```
//!
//! Loopback only; bounded: at most the largest count of connections, and a deadline of
//! two minutes per phase. Each tunnel is proven open by one echoed byte, then left idle.
//! The program raises its RLIMIT_NOFILE to the hard limit (the relay inherits it).

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt, stream::FuturesUnordered};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tokio_tungstenite::{
    WebSocketStream, connect_async_with_config,
    tungstenite::{Message, protocol::WebSocketConfig},
};

type Ws = WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
type Error = Box<dyn std::error::Error + Send + Sync>;

const PHASE_DEADLINE: Duration = Duration::from_secs(120);
const CONCURRENCY: usize = 64;

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != name);
    args.next()?;
    args.next()
}

fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    limit.current = limit.maximum;
    if let Err(error) = setrlimit(Resource::Nofile, limit) {
        eprintln!("cannot raise RLIMIT_NOFILE: {error}");
    }
}

fn fd_limit() -> u64 {
    rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX)
}

/// VmRSS of `pid` in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// An echo server on 127.0.0.1 with a small buffer per connection.
async fn echo_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 512];
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 || stream.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok(addr)
}

/// Starts the relay binary and returns it with its address.
fn start_relay(
    binary: &PathBuf,
    echo: SocketAddr,
    extra: &[String],
) -> Result<(Child, SocketAddr), Error> {
    use std::io::BufRead as _;
    let mut child = Command::new(binary)
        .args(["--listen", "127.0.0.1:0", "--allow", &echo.to_string()])
        .args([
            "--max-connections",
            "100000",
            "--max-connections-per-ip",
            "100000",
        ])
        .arg("--metrics")
        .args(extra)
        .env(
            "RUST_LOG",
            arg("--relay-log").unwrap_or_else(|| "warn,webimap_relay=info".to_owned()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line
                .split_once("local=")
                .and_then(|(_, rest)| rest.split(' ').next())
                .and_then(|a| a.parse::<SocketAddr>().ok())
            {
                let _ = tx.send(addr);
            } else if !line.contains(" INFO ") {
                eprintln!("relay: {line}");
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(addr) => Ok((child, addr)),
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("relay did not announce its address: {error}").into())
        }
    }
}

async fn open_one(url: &str) -> Result<Ws, Error> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = connect_async_with_config(url, Some(config), false).await?;
    ws.send(Message::binary(b"x".to_vec())).await?;
    match tokio::time::timeout(Duration::from_secs(30), ws.next()).await? {
        Some(Ok(Message::Binary(b))) if &b[..] == b"x" => Ok(ws),
        other => Err(format!("no echo: {other:?}").into()),
    }
}

async fn open_many(url: &str, n: usize, into: &mut Vec<Ws>) -> Result<(), Error> {
    let deadline = Instant::now() + PHASE_DEADLINE;
    let mut pending = FuturesUnordered::new();
    let mut started = 0;
    while started < n || !pending.is_empty() {
        while started < n && pending.len() < CONCURRENCY {
            pending.push(open_one(url));
            started += 1;
        }
        match tokio::time::timeout_at(deadline.into(), pending.next()).await? {
            Some(ws) => into.push(ws?),
            None => break,
        }
    }
    Ok(())
}

async fn open_tunnels(metrics: SocketAddr) -> Result<u64, Error> {
    let mut stream = tokio::net::TcpStream::connect(metrics).await?;
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
        .await?;
    let mut text = String::new();
    stream.read_to_string(&mut text).await?;
    text.lines()
        .find_map(|l| l.strip_prefix("webimap_relay_tunnels_open "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| "no gauge".into())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    raise_fd_limit();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let binary = arg("--relay")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/webimap-relay"));
    let mut counts: Vec<usize> = arg("--counts")
        .unwrap_or_else(|| "1000,5000".to_owned())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    counts.sort_unstable();
    let max = counts.last().copied().unwrap_or(0) as u64;
    // Two descriptors per tunnel in each process, plus slack.
    if fd_limit() < 2 * max + 200 {
        return Err(format!("RLIMIT_NOFILE {} is too low for {max} tunnels", fd_limit()).into());
    }
    let extra: Vec<String> = arg("--relay-args")
        .map(|a| a.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();

    let echo = echo_server().await?;
    let (mut relay, addr) = start_relay(&binary, echo, &extra)?;
    let pid = relay.id();
    let url = format!("ws://{addr}/relay?host=127.0.0.1&port={}", echo.port());

    // Warm up (allocator arenas, runtime threads), then take the baseline.
    let mut warm = Vec::new();
    open_many(&url, 50, &mut warm).await?;
    drop(warm);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = rss_kib(pid);
    println!("relay pid {pid}, baseline RSS {baseline} KiB");
    println!(
        "{:>12} {:>14} {:>16} {:>10}",
        "connections", "relay RSS KiB", "KiB per conn", "time"
    );

    let mut held = Vec::new();
    let mut rows = Vec::new();
    for &count in &counts {
        let started = Instant::now();
        open_many(&url, count - held.len(), &mut held).await?;
        let took = started.elapsed();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss = rss_kib(pid);
        let per = (rss.saturating_sub(baseline)) as f64 / count as f64;
        println!("{count:>12} {rss:>14} {per:>16.1} {took:>10.2?}");
        rows.push((count, rss, per));
    }

    let started = Instant::now();
    for ws in &mut held {
        let _ = ws.close(None).await;
    }
    drop(held);
    let deadline = Instant::now() + PHASE_DEADLINE;
    while open_tunnels(addr).await? > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let closed_in = started.elapsed();
    // Freed memory goes back to the OS with some delay (allocator decay); sample a while.
    for wait in [1, 5, 15, 30] {
        tokio::time::sleep_until((started + closed_in + Duration::from_secs(wait)).into()).await;
        let after = rss_kib(pid);
        println!(
            "{:>12} {after:>14} {:>16} {:>10}",
            format!("closed+{wait}s"),
            format!("+{} KiB", after.saturating_sub(baseline)),
            format!("{closed_in:.2?}"),
        );
    }
    let _ = relay.kill();
    let _ = relay.wait();
    Ok(())
}
