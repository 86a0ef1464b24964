//! The `decode` example on recorded streams: one JSON object per response, a summary line,
//! and exit status 1 when a response does not parse.

use std::{path::PathBuf, process::Command};

fn example() -> Command {
    // `cargo test` builds examples next to the test binaries' directory.
    let exe = std::env::current_exe().expect("test binary");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join("examples").join("decode");
    if bin.exists() {
        Command::new(bin)
    } else {
        let mut c = Command::new(env!("CARGO"));
        c.args([
            "run",
            "-q",
            "-p",
            "webimap-proto",
            "--example",
            "decode",
            "--",
        ]);
        c
    }
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn decodes_a_dovecot_stream_to_json_lines() {
    let out = example()
        .arg(data("dovecot-session.bin"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    let last = lines.last().expect("summary");
    assert!(last.ends_with(" responses, 0 errors"), "{last}");
    let n: usize = last
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("count");
    assert_eq!(lines.len(), n + 1);
    for line in &lines[..n] {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert!(v["kind"].is_string(), "{line}");
    }
    assert!(stdout.contains("\"ENVELOPE\""));
    assert!(stdout.contains("\"BODYSTRUCTURE\""));
}

#[test]
fn reports_errors_with_raw_bytes_and_exit_status_1() {
    let dir = std::env::temp_dir().join(format!("webimap-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("broken.bin");
    std::fs::write(
        &file,
        b"* OK ready\r\n* 1 FETCH (UID\r\n* 2 FETCH (X-VENDOR (1 2) UID 5)\r\nA1 OK done\r\n",
    )
    .expect("write");
    let out = example().arg(&file).output().expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.last(), Some(&"4 responses, 1 errors"));
    let err: serde_json::Value = serde_json::from_str(lines[1]).expect("JSON");
    assert_eq!(err["kind"], "error");
    assert_eq!(err["raw"], "* 1 FETCH (UID\r\n");
    let raw: serde_json::Value = serde_json::from_str(lines[2]).expect("JSON");
    assert_eq!(raw["items"][0]["other"], "X-VENDOR");
    assert_eq!(raw["items"][0]["raw"], "(1 2)");
}
