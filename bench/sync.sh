#!/usr/bin/env bash
# Header sync benchmark of webimap-client: UID, FLAGS and ENVELOPE of N messages (default
# 100,000) from a real Dovecot, natively and in headless Chromium (the npm package's wasm,
# through the relay), plain and TLS, with and without COMPRESS=DEFLATE. Loopback only.
#   bench/sync.sh [MESSAGES]      (after `cargo xtask test` or `cargo xtask demo` installed the tools)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "== native"
cargo run --release -q -p webimap-client --example sync_bench -- "$n"

echo "== browser"
wasm-pack build crates/js --profile wasm-release --target web --mode no-install --out-dir pkg --out-name webimap >/dev/null 2>&1
site=target/bench/sync-browser
rm -rf "$site" && mkdir -p "$site"
cp crates/js/pkg/webimap.js crates/js/pkg/webimap_bg.wasm bench/sync-browser/index.html "$site/"
cargo build --release -q -p webimap-relay
fifo=$(mktemp -u) && mkfifo "$fifo"
(sleep 3600 > "$fifo" &) ; exec 3<"$fifo"
info=$(mktemp)
target/release/examples/sync_bench "$n" --serve <&3 >"$info" &
server=$!
for _ in $(seq 1 300); do [ -s "$info" ] && break; sleep 0.2; done
read -r imap imaps ca < <(python3 -c "import json,sys;d=json.load(open('$info'));print(d['imap_port'],d['imaps_port'],d['ca_pem_path'])")
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
target/release/webimap-relay --listen "127.0.0.1:$port" --static "$site" \
  --allow "127.0.0.1:$imap" --allow "localhost:$imap" --allow "127.0.0.1:$imaps" --allow "localhost:$imaps" \
  >/dev/null 2>&1 &
relay=$!
trap 'kill $relay 2>/dev/null; exec 3<&-; pkill -f "sleep 3600" 2>/dev/null; wait $server 2>/dev/null; rm -f "$fifo" "$info"' EXIT
for _ in $(seq 1 100); do (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
node bench/sync-browser.mjs "http://127.0.0.1:$port/" "$imap" "$imaps" "$ca" "$n"
