#!/usr/bin/env bash
# The floor of the web app's transfer size (issue 6's target: ≤ 400 KB brotli, wasm + JS +
# CSS). Builds bench/app-floor (a Yew page that signs in over TLS and lists 50 subjects,
# nothing more) the way Trunk builds the app (wasm-release profile, wasm-bindgen --target
# web, wasm-opt -Oz), without network code, with only a TLS handshake, and
# signing in, and the real app with trunk; prints
# each one's brotli size (quality 11, window 22, as the relay's precompression).
#   bench/app-floor.sh        (tools as installed by scripts/install-tools.sh; builds into
#                              $CARGO_TARGET_DIR, default target/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
for tool in wasm-bindgen wasm-opt brotli trunk; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/install-tools.sh" >&2; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

br() { brotli -q 11 -w 22 -c "$1" | wc -c; }

floor() { # name, cargo feature args...
  local name=$1; shift
  (cd bench/app-floor && CARGO_TARGET_DIR="$target/app-floor" cargo build -q --locked \
    --target wasm32-unknown-unknown --profile wasm-release "$@")
  local wasm="$target/app-floor/wasm32-unknown-unknown/wasm-release/webimap-app-floor.wasm"
  wasm-bindgen --target web --no-typescript --out-dir "$out/$name" "$wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
    "$out/$name/webimap-app-floor_bg.wasm" -o "$out/$name/opt.wasm"
  local w j
  w=$(br "$out/$name/opt.wasm"); j=$(br "$out/$name/webimap-app-floor.js")
  printf '%-44s %8d %8d %8d\n' "$name" "$w" "$j" "$((w + j))"
}

printf '%-44s %8s %8s %8s\n' "brotli bytes" wasm JS total
floor "yew page (button + list)"
floor "yew page + TLS handshake (no IMAP)" --features tls
floor "yew page + TLS sign-in + INBOX list" --features imap
trunk build --release --dist "$out/app" >"$out/trunk.log" 2>&1 || { tail -30 "$out/trunk.log"; exit 1; }
w=0; j=0; c=0
for f in "$out"/app/*.wasm; do w=$((w + $(br "$f"))); done
for f in "$out"/app/*.js; do j=$((j + $(br "$f"))); done
for f in "$out"/app/*.css; do c=$((c + $(br "$f"))); done
printf '%-44s %8d %8d %8d   (+ CSS %d = %d)\n' "the webmail (trunk --release)" "$w" "$j" "$((w + j))" "$c" "$((w + j + c))"
