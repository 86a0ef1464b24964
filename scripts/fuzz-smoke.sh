#!/usr/bin/env bash
# Runs each cargo-fuzz target of webimap-proto and webimap-smtp for N seconds (default 20):
#   scripts/fuzz-smoke.sh [SECONDS]
# Needs a nightly toolchain and cargo-fuzz 0.13 (`cargo install cargo-fuzz --version ^0.13
# --locked`); without them it says so and exits 0, so a test command can always call it.
# A crash fails the script (exit 1) and leaves the input under
# crates/<crate>/fuzz/artifacts/<target>/.
set -euo pipefail

seconds="${1:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# crate directory : target : dictionary
targets=(
    "proto:decode:imap.dict"
    "proto:roundtrip:imap.dict"
    "proto:session:imap.dict"
    "smtp:reply:smtp.dict"
    "smtp:session:smtp.dict"
)

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzzing skipped: no nightly toolchain"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzzing skipped: cargo-fuzz is not installed"
    exit 0
fi

status=0
passed=()
for entry in "${targets[@]}"; do
    IFS=: read -r crate target dict <<<"$entry"
    name="$crate-$target"
    cd "$root/crates/$crate/fuzz"
    mkdir -p "corpus/$target"
    echo "fuzzing $name for ${seconds}s"
    # -rss_limit_mb bounds memory: a target that grows without bound fails.
    if ! cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=8192 \
        -dict="dict/$dict" -print_final_stats=1 2>"/tmp/fuzz-$name.log"; then
        echo "fuzz target $name FAILED (log: /tmp/fuzz-$name.log):"
        tail -n 30 "/tmp/fuzz-$name.log"
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "/tmp/fuzz-$name.log" \
            | sed "s/^/  $name: /" || true
        passed+=("$name")
    fi
done
if [ "$status" = 0 ]; then
    echo "fuzzing passed: ${passed[*]} (${seconds}s each)"
fi
exit "$status"
