#!/usr/bin/env bash
# Benchmark of the webimap relay against direct TCP, websocat and websockify, in one go,
# on loopback, with one load client (crates/relay/examples/relay_bench.rs):
#   - 64-byte echo round trip, p50 and p99;
#   - bulk throughput, 512 MiB each way (browser->server into a sink, server->browser from
#     a source), in 64 KiB WebSocket frames;
#   - memory per idle connection (PSS of the proxy's process tree) at 1,000 and 5,000
#     connections, and what is left over the baseline 30 s after they close.
# websockify forks one process per connection, so it is measured at 200 idle connections
# only (5,000 Python processes would not fit a shared machine).
#
# Usage: bench/relay.sh [OUTPUT_FILE]   (default: bench/results/relay-<date>.txt; ROUNDS=5
#                                       rounds of the timed phases, medians reported)
#        bench/relay.sh --throughput [ROUNDS]   (only up/down for direct, relay and websocat,
#                                               ROUNDS times each (default 3), nothing saved)
# Builds into $CARGO_TARGET_DIR (default target/).
# Installs websocat (crates.io) and websockify (PyPI) at pinned versions if absent.
# Bounded: every phase of the client has a deadline; all servers are stopped on exit.
set -euo pipefail

WEBSOCAT_VERSION=1.14.0
WEBSOCKIFY_VERSION=0.13.0
# Fixed ports below the ephemeral range (so no outgoing connection holds them).
BASE_PORT=${BASE_PORT:-21000}

cd "$(dirname "$0")/.."
THROUGHPUT_ONLY=
ROUNDS=${ROUNDS:-5}
case "$ROUNDS" in '' | *[!0-9]* | 0) echo "ROUNDS must be a positive number" >&2; exit 1 ;; esac
if [ "${1:-}" = --throughput ]; then
  THROUGHPUT_ONLY=${2:-3}
else
  OUT=${1:-bench/results/relay-$(date -u +%F).txt}
  mkdir -p "$(dirname "$OUT")"
fi

if ! command -v websocat >/dev/null; then
  # websocat 1.14.0's own lock file pins traitobject 0.1.0, which no longer compiles
  # with current Rust; fall back to resolving semver-compatible dependencies.
  cargo install --locked websocat --version "$WEBSOCAT_VERSION" ||
    cargo install websocat --version "$WEBSOCAT_VERSION"
fi
if ! command -v websockify >/dev/null; then
  pip install "websockify==$WEBSOCKIFY_VERSION"
fi

cargo build --release -p webimap-relay --bin webimap-relay --example relay_bench
TARGET_DIR=${CARGO_TARGET_DIR:-target}
RELAY=$TARGET_DIR/release/webimap-relay
CLIENT=$TARGET_DIR/release/examples/relay_bench

ulimit -n "$(ulimit -Hn)"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "port $1 never opened" >&2
  return 1
}

ECHO=$((BASE_PORT + 1)) SINK=$((BASE_PORT + 2)) SOURCE=$((BASE_PORT + 3))
"$CLIENT" serve "$ECHO" "$SINK" "$SOURCE" >/dev/null &
PIDS+=($!)

P_RELAY=$((BASE_PORT + 10))
RUST_LOG=warn "$RELAY" --listen "127.0.0.1:$P_RELAY" \
  --allow "127.0.0.1:$ECHO" --allow "127.0.0.1:$SINK" --allow "127.0.0.1:$SOURCE" \
  --max-connections 100000 --max-connections-per-ip 100000 2>/dev/null &
RELAY_PID=$!
PIDS+=("$RELAY_PID")

P_WS=$((BASE_PORT + 20))
websocat --binary "ws-l:127.0.0.1:$((P_WS + 1))" "tcp:127.0.0.1:$ECHO" 2>/dev/null &
WEBSOCAT_PID=$!
PIDS+=("$WEBSOCAT_PID")
websocat --binary "ws-l:127.0.0.1:$((P_WS + 2))" "tcp:127.0.0.1:$SINK" 2>/dev/null &
PIDS+=($!)
WEBSOCAT_PID="$WEBSOCAT_PID,$!"
websocat --binary "ws-l:127.0.0.1:$((P_WS + 3))" "tcp:127.0.0.1:$SOURCE" 2>/dev/null &
PIDS+=($!)
WEBSOCAT_PID="$WEBSOCAT_PID,$!"

P_WF=$((BASE_PORT + 30))
websockify "127.0.0.1:$((P_WF + 1))" "127.0.0.1:$ECHO" >/dev/null 2>&1 &
WEBSOCKIFY_PID=$!
PIDS+=("$WEBSOCKIFY_PID")
websockify "127.0.0.1:$((P_WF + 2))" "127.0.0.1:$SINK" >/dev/null 2>&1 &
PIDS+=($!)
WEBSOCKIFY_PID="$WEBSOCKIFY_PID,$!"
websockify "127.0.0.1:$((P_WF + 3))" "127.0.0.1:$SOURCE" >/dev/null 2>&1 &
PIDS+=($!)
WEBSOCKIFY_PID="$WEBSOCKIFY_PID,$!"

for port in "$ECHO" "$SINK" "$SOURCE" "$P_RELAY" $((P_WS + 1)) $((P_WS + 2)) $((P_WS + 3)) \
  $((P_WF + 1)) $((P_WF + 2)) $((P_WF + 3)); do
  wait_port "$port"
done

url() { echo "ws://127.0.0.1:$1/"; }
relay_url() { echo "ws://127.0.0.1:$P_RELAY/relay?host=127.0.0.1&port=$1"; }

if [ -n "$THROUGHPUT_ONLY" ]; then
  # Quick iteration on throughput: the same client phases as below, repeated, in turn.
  for round in $(seq 1 "$THROUGHPUT_ONLY"); do
    for t in "direct tcp:127.0.0.1:$SINK tcp:127.0.0.1:$SOURCE" \
      "relay $(relay_url "$SINK") $(relay_url "$SOURCE")" \
      "websocat $(url $((P_WS + 2))) $(url $((P_WS + 3)))"; do
      set -- $t
      echo "round $round $1: up $("$CLIENT" up "$2") down $("$CLIENT" down "$3")"
    done
  done
  exit 0
fi

RAW=$(mktemp)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Memory first, while the proxies are fresh: after bulk transfers an allocator still holds
# freed pages for a while, and new tunnels reusing them would look cheaper than they are.
echo "memory per idle tunnel..." >&2
"$CLIENT" memory relay "$(relay_url "$ECHO")" "$RELAY_PID" 1000,5000 >>"$RAW.memory"
"$CLIENT" memory websocat "$(url $((P_WS + 1)))" "$WEBSOCAT_PID" 1000,5000 >>"$RAW.memory"
"$CLIENT" memory websockify "$(url $((P_WF + 1)))" "$WEBSOCKIFY_PID" 200 >>"$RAW.memory"

# Timed phases: ROUNDS rounds, each measuring every target back to back, so that load from
# outside (this is a shared machine) falls on all of them alike; the table shows medians and
# the spread of each round's ratios.
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS..." >&2
  "$CLIENT" run direct "tcp:127.0.0.1:$ECHO" "tcp:127.0.0.1:$SINK" "tcp:127.0.0.1:$SOURCE" >>"$RAW"
  "$CLIENT" run relay "$(relay_url "$ECHO")" "$(relay_url "$SINK")" "$(relay_url "$SOURCE")" \
    "$RELAY_PID" >>"$RAW"
  "$CLIENT" run websocat "$(url $((P_WS + 1)))" "$(url $((P_WS + 2)))" "$(url $((P_WS + 3)))" \
    "$WEBSOCAT_PID" >>"$RAW"
  "$CLIENT" run websockify "$(url $((P_WF + 1)))" "$(url $((P_WF + 2)))" "$(url $((P_WF + 3)))" \
    "$WEBSOCKIFY_PID" >>"$RAW"
done
# (after the rounds, so that the table lists direct TCP first)
cat "$RAW.memory" >>"$RAW"

{
  echo "# bench/relay.sh, $(date -u +%FT%TZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), loopback"
  echo "# webimap-relay $(git rev-parse --short HEAD), websocat $(websocat --version 2>/dev/null | head -1), websockify $WEBSOCKIFY_VERSION ($(python3 --version))"
  echo "# p50/p99: 64-byte echo round trip; up/down: 512 MiB in 64 KiB frames (MB = 10^6 B);"
  echo "# medians of $ROUNDS rounds, each round measuring every target back to back;"
  echo "# load average (1/5/15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work shares the cores: MB/s move with it, CPU ms less)"
  echo "# KiB/conn: PSS of the proxy process tree over baseline / idle connections;"
  echo "# after close: PSS over baseline 30 s after closing them."
  echo
  "$CLIENT" table "$RAW"
  echo
  echo "# raw"
  cat "$RAW"
} | tee "$OUT"
rm -f "$RAW" "$RAW.memory"
