#!/usr/bin/env bash
# Sending a message with a 20 MB attachment: from headless Chromium (the npm package's
# SmtpClient: MIME built in wasm, TLS in the page, through the relay) against Python's
# smtplib sending the same attachment natively, both to the SAME private Dovecot submission
# service, over implicit TLS (465) and STARTTLS (587), in the same run. Times include
# building the message, connecting, TLS, AUTH, the upload and the server's final reply
# (delivery through LMTP happens before that reply, so it is in both times alike).
#   bench/send.sh [MEGABYTES]        (after `cargo xtask test` or `cargo xtask demo`; RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-20}"
runs="${RUNS:-3}"
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
log() { printf '[send-bench] %s\n' "$*" >&2; }
for tool in wasm-pack node python3 /usr/bin/chromium; do
  command -v "$tool" >/dev/null || { log "missing $tool: run scripts/install-tools.sh (or cargo xtask test) first"; exit 1; }
done

log "building the npm package (release), the relay and the test server"
wasm-pack build crates/js --profile wasm-release --target web --mode no-install --out-dir pkg --out-name webimap >/dev/null 2>&1
cargo build --release -q -p webimap-relay -p webimap-testkit --bin webimap-relay --bin webimap-dovecot
site=target/bench/send-browser
rm -rf "$site" && mkdir -p "$site"
cp crates/js/pkg/webimap.js crates/js/pkg/webimap_bg.wasm bench/send-browser/index.html "$site/"
head -c "$((mb * 1000 * 1000))" /dev/urandom > "$site/attachment.bin"

info=$(mktemp)
target/release/webimap-dovecot --submission --no-sample-mail --imap-port 0 --imaps-port 0 \
  --submission-port 0 --submissions-port 0 >"$info" &
server=$!
relay=
trap 'kill $relay $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$info"' EXIT
for _ in $(seq 1 300); do [ -s "$info" ] && break; sleep 0.2; done
read -r sub subs ca < <(python3 -c "import json;d=json.load(open('$info'));print(d['submission_port'],d['submissions_port'],d['ca_pem_path'])")
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
target/release/webimap-relay --listen "127.0.0.1:$port" --static "$site" \
  --allow "127.0.0.1:$sub" --allow "localhost:$sub" --allow "127.0.0.1:$subs" --allow "localhost:$subs" \
  >/dev/null 2>&1 &
relay=$!
for _ in $(seq 1 100); do (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

log "sending ${mb} MB, ${runs} runs each, median shown"
browser=$(node bench/send-browser.mjs "http://127.0.0.1:$port/" "$subs" "$sub" "$ca" "$runs")
native=$(python3 bench/send-smtplib.py "$site/attachment.bin" "$subs" "$sub" "$ca" "$runs")
python3 - "$browser" "$native" "$mb" <<'PY'
import json, sys
browser, native, mb = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"{mb} MB attachment, median of runs; ratio = webimap in Chromium / Python smtplib")
print(f"{'security':<10} {'webimap (browser)':>18} {'smtplib (native)':>17} {'ratio':>7} {'MB/s (browser)':>15} {'message bytes':>14}")
for mode in ("tls", "starttls"):
    b, n = browser[mode], native[mode]
    print(f"{mode:<10} {b['ms']/1000:>16.2f} s {n['ms']/1000:>15.2f} s {b['ms']/n['ms']:>6.2f}x {b['bytes']/b['ms']/1000:>15.1f} {b['bytes']:>14}")
PY
