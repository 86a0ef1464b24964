//! The one load client of `bench/relay.sh`: the same code measures direct TCP, this relay,
//! websocat and websockify.
//!
//! ```text
//! relay_bench serve ECHO_PORT SINK_PORT SOURCE_PORT     # upstream servers, until killed
//! relay_bench run NAME ECHO SINK SOURCE [PIDS] >> results    # one round of the timed phases
//! relay_bench memory NAME ECHO PIDS IDLE_COUNTS >> results   # idle tunnels' memory
//! relay_bench table results                             # medians over the rounds, ratios
//! relay_bench up SINK | down SOURCE | rtt ECHO          # one phase (for profiling)
//! ```
//!
//! ECHO, SINK and SOURCE are `tcp:HOST:PORT` (direct) or `ws://…` URLs (through a proxy);
//! PIDS is a comma-separated list of proxy process ids (left out for `run`: no CPU figures),
//! whose process trees are summed (websockify forks per connection); IDLE_COUNTS e.g.
//! `1000,5000`. Servers: the echo server echoes; the sink reads an 8-byte big-endian
//! length N, then N bytes, then answers one byte; the source reads N the same way and
//! writes N bytes. Loopback only, every phase bounded in time.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt, stream::FuturesUnordered};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use tokio_tungstenite::{
    WebSocketStream, connect_async_with_config,
    tungstenite::{Message, protocol::WebSocketConfig},
};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ws = WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

const BULK: u64 = 512 << 20;
const FRAME: usize = 64 << 10;
const RTT_WARMUP: usize = 2_000;
const RTT_SAMPLES: usize = 20_000;
const PHASE_DEADLINE: Duration = Duration::from_secs(120);

// ---- servers ----

async fn serve(ports: [u16; 3]) -> Result<(), Error> {
    let echo = TcpListener::bind(("127.0.0.1", ports[0])).await?;
    let sink = TcpListener::bind(("127.0.0.1", ports[1])).await?;
    let source = TcpListener::bind(("127.0.0.1", ports[2])).await?;
    println!("serving");
    let accept = |listener: TcpListener, kind: u8| async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ = match kind {
                    0 => echo_conn(&mut stream).await,
                    1 => sink_conn(&mut stream).await,
                    _ => source_conn(&mut stream).await,
                };
            });
        }
    };
    tokio::join!(accept(echo, 0), accept(sink, 1), accept(source, 2));
    Ok(())
}

async fn echo_conn(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

async fn sink_conn(stream: &mut TcpStream) -> std::io::Result<()> {
    loop {
        let total = stream.read_u64().await?;
        let mut buf = vec![0u8; 256 << 10];
        let mut left = total;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = stream.read(&mut buf[..want]).await?;
            if n == 0 {
                return Ok(());
            }
            left -= n as u64;
        }
        stream.write_all(b"k").await?;
    }
}

async fn source_conn(stream: &mut TcpStream) -> std::io::Result<()> {
    loop {
        let total = stream.read_u64().await?;
        let buf = vec![0x5au8; 256 << 10];
        let mut left = total;
        while left > 0 {
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            stream.write_all(&buf[..n]).await?;
            left -= n as u64;
        }
    }
}

// ---- clients: one trait over plain TCP and WebSocket ----

enum Conn {
    Tcp(TcpStream),
    Ws(Box<Ws>, Vec<u8>),
}

impl Conn {
    async fn open(target: &str, small: bool) -> Result<Self, Error> {
        if let Some(addr) = target.strip_prefix("tcp:") {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            return Ok(Self::Tcp(stream));
        }
        let config = if small {
            WebSocketConfig::default()
                .read_buffer_size(4096)
                .write_buffer_size(0)
        } else {
            WebSocketConfig::default().write_buffer_size(0)
        };
        let (ws, _) = connect_async_with_config(target, Some(config), true).await?;
        Ok(Self::Ws(Box::new(ws), Vec::new()))
    }

    async fn send(&mut self, data: &[u8]) -> Result<(), Error> {
        match self {
            Self::Tcp(s) => s.write_all(data).await?,
            Self::Ws(ws, _) => ws.send(Message::binary(data.to_vec())).await?,
        }
        Ok(())
    }

    /// Reads exactly `out.len()` bytes.
    async fn recv_exact(&mut self, out: &mut [u8]) -> Result<(), Error> {
        match self {
            Self::Tcp(s) => {
                s.read_exact(out).await?;
            }
            Self::Ws(ws, pending) => {
                while pending.len() < out.len() {
                    match ws.next().await {
                        Some(Ok(Message::Binary(b))) => pending.extend_from_slice(&b),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                        other => return Err(format!("unexpected {other:?}").into()),
                    }
                }
                out.copy_from_slice(&pending[..out.len()]);
                pending.drain(..out.len());
            }
        }
        Ok(())
    }

    /// Reads and discards `total` bytes.
    async fn drain(&mut self, total: u64) -> Result<(), Error> {
        let mut got = 0u64;
        match self {
            Self::Tcp(s) => {
                let mut buf = vec![0u8; 256 << 10];
                while got < total {
                    let n = s.read(&mut buf).await?;
                    if n == 0 {
                        return Err("EOF".into());
                    }
                    got += n as u64;
                }
            }
            Self::Ws(ws, _) => {
                while got < total {
                    match ws.next().await {
                        Some(Ok(Message::Binary(b))) => got += b.len() as u64,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                        other => return Err(format!("unexpected {other:?}").into()),
                    }
                }
            }
        }
        Ok(())
    }

    async fn close(self) {
        match self {
            Self::Tcp(mut s) => {
                let _ = s.shutdown().await;
            }
            Self::Ws(mut ws, _) => {
                let _ = WebSocketStream::close(&mut *ws, None).await;
            }
        }
    }
}

async fn rtt(target: &str) -> Result<(f64, f64), Error> {
    let mut conn = Conn::open(target, false).await?;
    let msg = [0x42u8; 64];
    let mut back = [0u8; 64];
    let mut samples = Vec::with_capacity(RTT_SAMPLES);
    for i in 0..RTT_WARMUP + RTT_SAMPLES {
        let started = Instant::now();
        conn.send(&msg).await?;
        conn.recv_exact(&mut back).await?;
        if i >= RTT_WARMUP {
            samples.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    conn.close().await;
    samples.sort_by(f64::total_cmp);
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    Ok((pick(0.50), pick(0.99)))
}

/// Upload: MB/s (10^6 bytes) from the first byte sent to the sink's acknowledgement.
async fn upload(target: &str) -> Result<f64, Error> {
    let mut conn = Conn::open(target, false).await?;
    let frame = vec![0xa5u8; FRAME];
    let started = Instant::now();
    conn.send(&BULK.to_be_bytes()).await?;
    let mut sent = 0u64;
    while sent < BULK {
        let n = FRAME.min(usize::try_from(BULK - sent).unwrap_or(FRAME));
        conn.send(&frame[..n]).await?;
        sent += n as u64;
    }
    let mut ack = [0u8; 1];
    conn.recv_exact(&mut ack).await?;
    let secs = started.elapsed().as_secs_f64();
    conn.close().await;
    Ok(BULK as f64 / secs / 1e6)
}

/// Download: MB/s from the request to the last byte received.
async fn download(target: &str) -> Result<f64, Error> {
    let mut conn = Conn::open(target, false).await?;
    let started = Instant::now();
    conn.send(&BULK.to_be_bytes()).await?;
    conn.drain(BULK).await?;
    let secs = started.elapsed().as_secs_f64();
    conn.close().await;
    Ok(BULK as f64 / secs / 1e6)
}

/// Proportional set size (KiB) of `pid` and all its descendants.
fn tree_pss_kib(pid: u32) -> u64 {
    let mut parents: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // Field 4 (ppid) follows the parenthesised command name.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.entry(ppid).or_default().push(child);
            }
        }
    }
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).unwrap_or_default();
        total += rollup
            .lines()
            .find_map(|l| l.strip_prefix("Pss:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        stack.extend(parents.get(&p).into_iter().flatten());
    }
    total
}

/// CPU time (ms: user + system, with reaped children) of the process trees of `pids`.
fn cpu_ms(pids: &[u32]) -> u64 {
    let tick = 100; // USER_HZ on Linux
    let mut total = 0;
    let mut stack: Vec<u32> = pids.to_vec();
    let all: Vec<(u32, String)> = std::fs::read_dir("/proc")
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .map(|p| {
                    let stat = std::fs::read_to_string(format!("/proc/{p}/stat"));
                    (p, stat.unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default();
    let fields = |stat: &str| -> Vec<u64> {
        stat.rsplit_once(')')
            .map(|(_, rest)| {
                rest.split_whitespace()
                    .map(|f| f.parse().unwrap_or(0))
                    .collect()
            })
            .unwrap_or_default()
    };
    while let Some(p) = stack.pop() {
        for (child, stat) in &all {
            let f = fields(stat);
            // After ')': state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
            if *child == p {
                total += f.get(11..15).map_or(0, |t| t.iter().sum::<u64>());
            } else if f.get(1) == Some(&u64::from(p)) {
                stack.push(*child);
            }
        }
    }
    total * 1000 / tick
}

fn memory(pids: &[u32]) -> u64 {
    pids.iter().map(|&p| tree_pss_kib(p)).sum()
}

/// Holds `counts` idle tunnels (cumulatively) and reports KiB per tunnel for each, plus
/// the memory after closing them (over baseline).
async fn idle(target: &str, pids: &[u32], counts: &[usize]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let open_one = || async {
        let mut conn = Conn::open(target, true).await?;
        conn.send(b"x").await?;
        let mut b = [0u8; 1];
        conn.recv_exact(&mut b).await?;
        Ok::<_, Error>(conn)
    };
    let baseline = memory(pids);
    let mut held = Vec::new();
    let mut failed = false;
    for &count in counts {
        if failed {
            out.push((format!("idle_{count}"), "-".to_owned()));
            continue;
        }
        let deadline = Instant::now() + PHASE_DEADLINE;
        let mut pending = FuturesUnordered::new();
        let mut started = held.len();
        let mut errors = 0;
        while (started < count || !pending.is_empty()) && Instant::now() < deadline {
            while started < count && pending.len() < 32 {
                pending.push(tokio::time::timeout(Duration::from_secs(10), open_one()));
                started += 1;
            }
            match pending.next().await {
                Some(Ok(Ok(conn))) => held.push(conn),
                Some(_) => errors += 1,
                None => break,
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        if held.len() < count {
            out.push((
                format!("idle_{count}"),
                format!("failed:{}/{count}({errors}err)", held.len()),
            ));
            failed = true;
            continue;
        }
        let per = memory(pids).saturating_sub(baseline) as f64 / count as f64;
        out.push((format!("idle_{count}"), format!("{per:.1}")));
    }
    for conn in held.drain(..) {
        conn.close().await;
    }
    // Allocators hand freed memory back with a delay (jemalloc: ~10-30 s).
    tokio::time::sleep(Duration::from_secs(30)).await;
    out.push((
        "after_close_kib".to_owned(),
        memory(pids).saturating_sub(baseline).to_string(),
    ));
    out
}

/// `run NAME ECHO SINK SOURCE [PIDS]`: one round of the timed phases (echo round trips,
/// upload, download; the proxy's CPU time per transfer when PIDS is given), as one line.
async fn run(args: &[String]) -> Result<(), Error> {
    let [name, echo, sink, source, rest @ ..] = args else {
        return Err("run NAME ECHO SINK SOURCE [PIDS]".into());
    };
    let pids = parse_list::<u32>(rest.first());
    let mut fields = vec![("name".to_owned(), name.clone())];
    let bounded = |f| async move { tokio::time::timeout(PHASE_DEADLINE, f).await };
    match bounded(rtt(echo)).await {
        Ok(Ok((p50, p99))) => {
            fields.push(("rtt_p50_us".into(), format!("{p50:.1}")));
            fields.push(("rtt_p99_us".into(), format!("{p99:.1}")));
        }
        other => eprintln!("{name}: rtt failed: {other:?}"),
    }
    // The proxy's CPU time per bulk transfer: less sensitive than MB/s to other load
    // on a shared machine.
    let before = cpu_ms(&pids);
    match tokio::time::timeout(PHASE_DEADLINE, upload(sink)).await {
        Ok(Ok(mbps)) => fields.push(("up_mbps".into(), format!("{mbps:.0}"))),
        other => eprintln!("{name}: upload failed: {other:?}"),
    }
    let middle = cpu_ms(&pids);
    match tokio::time::timeout(PHASE_DEADLINE, download(source)).await {
        Ok(Ok(mbps)) => fields.push(("down_mbps".into(), format!("{mbps:.0}"))),
        other => eprintln!("{name}: download failed: {other:?}"),
    }
    if !pids.is_empty() {
        let after = cpu_ms(&pids);
        fields.push((
            "up_cpu_ms".into(),
            middle.saturating_sub(before).to_string(),
        ));
        fields.push((
            "down_cpu_ms".into(),
            after.saturating_sub(middle).to_string(),
        ));
    }
    print_fields(&fields);
    Ok(())
}

/// `memory NAME ECHO PIDS COUNTS`: KiB per idle tunnel at each count, and what is left
/// after closing them, as one line.
async fn memory_phase(args: &[String]) -> Result<(), Error> {
    let [name, echo, pids, counts] = args else {
        return Err("memory NAME ECHO PIDS COUNTS".into());
    };
    let pids = parse_list::<u32>(Some(pids));
    let counts = parse_list::<usize>(Some(counts));
    let mut fields = vec![("name".to_owned(), name.clone())];
    fields.extend(idle(echo, &pids, &counts).await);
    print_fields(&fields);
    Ok(())
}

/// A comma-separated list (`-` or nothing: empty).
fn parse_list<T: std::str::FromStr>(arg: Option<&String>) -> Vec<T> {
    arg.map(|a| a.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default()
}

fn print_fields(fields: &[(String, String)]) {
    let line = fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    println!("{line}");
}

/// One target's lines (one per round, plus its memory line), merged.
struct Target {
    name: String,
    /// Every value of every key, in round order.
    values: BTreeMap<String, Vec<String>>,
}

impl Target {
    fn numbers(&self, key: &str) -> Vec<f64> {
        self.values
            .get(key)
            .map(|vs| vs.iter().filter_map(|v| v.parse().ok()).collect())
            .unwrap_or_default()
    }

    fn median(&self, key: &str) -> Option<f64> {
        let mut xs = self.numbers(key);
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let mid = xs.len() / 2;
        Some(if xs.len() % 2 == 1 {
            xs[mid]
        } else {
            (xs[mid - 1] + xs[mid]) / 2.0
        })
    }

    /// The median as printed, or the last value if it is not a number (a failure note).
    fn shown(&self, key: &str, decimals: usize) -> String {
        match self.median(key) {
            Some(m) => format!("{m:.decimals$}"),
            None => self
                .values
                .get(key)
                .and_then(|vs| vs.last().cloned())
                .unwrap_or_else(|| "-".into()),
        }
    }

    fn rounds(&self) -> usize {
        self.values.get("rtt_p50_us").map_or(0, Vec::len)
    }
}

/// Reads the result lines and merges them by target, in order of first appearance.
fn targets(text: &str) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("name=")) {
        let pairs: Vec<(&str, &str)> = line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let Some(&(_, name)) = pairs.first() else {
            continue;
        };
        let index = match out.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                out.push(Target {
                    name: name.to_owned(),
                    values: BTreeMap::new(),
                });
                out.len() - 1
            }
        };
        for &(k, v) in &pairs[1..] {
            out[index]
                .values
                .entry(k.to_owned())
                .or_default()
                .push(v.to_owned());
        }
    }
    out
}

/// `table FILE`: medians over the rounds, ratios of the medians, and the spread of the
/// per-round ratios (each round measures every target back to back, so a round's ratio
/// compares like with like even when outside load moves the absolute figures).
fn table(path: &str) -> Result<(), Error> {
    let text = std::fs::read_to_string(path)?;
    let targets = targets(&text);
    let find = |name: &str| targets.iter().find(|t| t.name == name);
    let idle_keys: Vec<String> = {
        let mut keys: Vec<String> = targets
            .iter()
            .flat_map(|t| t.values.keys().filter(|k| k.starts_with("idle_")).cloned())
            .collect();
        keys.sort_by_key(|k| k[5..].parse::<usize>().unwrap_or(0));
        keys.dedup();
        keys
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "{:<11} {:>6} {:>9} {:>9} {:>10} {:>10}",
        "target", "rounds", "p50 µs", "p99 µs", "up MB/s", "down MB/s"
    );
    for k in &idle_keys {
        let _ = write!(out, " {:>16}", format!("KiB/conn@{}", &k[5..]));
    }
    let _ = writeln!(out, " {:>14}", "after close");
    for t in &targets {
        let _ = write!(
            out,
            "{:<11} {:>6} {:>9} {:>9} {:>10} {:>10}",
            t.name,
            t.rounds(),
            t.shown("rtt_p50_us", 1),
            t.shown("rtt_p99_us", 1),
            t.shown("up_mbps", 0),
            t.shown("down_mbps", 0)
        );
        for k in &idle_keys {
            let _ = write!(out, " {:>16}", t.shown(k, 1));
        }
        let after = t
            .values
            .contains_key("after_close_kib")
            .then(|| format!("+{} KiB", t.shown("after_close_kib", 0)));
        let _ = writeln!(out, " {:>14}", after.unwrap_or_else(|| "-".into()));
    }
    // Every target against direct TCP and against websocat (not against itself).
    let pairs: Vec<(&Target, &str, &Target)> = targets
        .iter()
        .flat_map(|t| {
            ["direct", "websocat"]
                .into_iter()
                .filter_map(move |base| Some((t, base, find(base).filter(|_| t.name != base)?)))
        })
        .collect();
    let _ = writeln!(
        out,
        "\nratios of the medians  p50      p99       up     down"
    );
    for &(t, base, b) in &pairs {
        let _ = write!(out, "{:<22}", format!("{}/{base}", t.name));
        for key in ["rtt_p50_us", "rtt_p99_us", "up_mbps", "down_mbps"] {
            let cell = match (t.median(key), b.median(key)) {
                (Some(x), Some(y)) if y > 0.0 => format!("{:.2}×", x / y),
                _ => "-".into(),
            };
            let _ = write!(out, " {cell:>8}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\nper-round ratios, min–max      p50              up            down"
    );
    for &(t, base, b) in &pairs {
        let _ = write!(out, "{:<22}", format!("{}/{base}", t.name));
        for key in ["rtt_p50_us", "up_mbps", "down_mbps"] {
            let ratios: Vec<f64> = t
                .numbers(key)
                .iter()
                .zip(b.numbers(key))
                .filter(|&(_, y)| y > 0.0)
                .map(|(x, y)| x / y)
                .collect();
            let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let cell = if ratios.is_empty() {
                "-".to_owned()
            } else {
                format!("{lo:.2}–{hi:.2}×")
            };
            let _ = write!(out, " {cell:>15}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\nproxy CPU (user+system) per 512 MiB, median:  up ms  down ms"
    );
    for t in &targets {
        if let (Some(up), Some(down)) = (t.median("up_cpu_ms"), t.median("down_cpu_ms")) {
            let _ = writeln!(out, "{:<44} {up:>6.0} {down:>8.0}", t.name);
        }
    }
    print!("{out}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let ports: Vec<u16> = args[1..].iter().filter_map(|p| p.parse().ok()).collect();
            let [e, s, r] = ports[..] else {
                return Err("serve ECHO_PORT SINK_PORT SOURCE_PORT".into());
            };
            serve([e, s, r]).await
        }
        Some("run") => run(&args[1..]).await,
        Some("memory") => memory_phase(&args[1..]).await,
        Some("table") => table(args.get(1).ok_or("table FILE")?),
        // Single phases, for profiling.
        Some("up") => {
            println!("{:.0} MB/s", upload(args.get(1).ok_or("up SINK")?).await?);
            Ok(())
        }
        Some("down") => {
            println!(
                "{:.0} MB/s",
                download(args.get(1).ok_or("down SOURCE")?).await?
            );
            Ok(())
        }
        Some("rtt") => {
            let (p50, p99) = rtt(args.get(1).ok_or("rtt ECHO")?).await?;
            println!("p50 {p50:.1} µs, p99 {p99:.1} µs");
            Ok(())
        }
        _ => Err("usage: relay_bench serve|run|table (see the source)".into()),
    }
}
