#!/usr/bin/env bash
# The wasm32 size of an IMAP response parser alone: webimap-proto next to imap-proto and
# imap-codec (the versions the parse benchmark compares), each in a cdylib whose one export
# parses a response, built the same way (opt-level z, fat LTO, one codegen unit,
# panic = abort, stripped) and shrunk with wasm-opt -Oz. Prints bytes and gzipped bytes.
#   bench/proto-wasm-size.sh            (wasm-opt from tests/e2e/node_modules, as CI installs it)
# Builds in a temporary directory with its own target dir; nothing in the workspace changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
command -v wasm-opt >/dev/null || { echo "wasm-opt missing: run scripts/install-tools.sh" >&2; exit 1; }

# The versions the criterion benchmark uses (as locked in Cargo.lock).
version_of() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}
imap_proto=$(version_of imap-proto)
imap_codec=$(version_of imap-codec)
[ -n "$imap_proto" ] && [ -n "$imap_codec" ] || { echo "versions not found in Cargo.lock" >&2; exit 1; }

tmp=$(mktemp -d /tmp/proto-wasm-size.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

make_crate() { # name, dependency line, body of parse()
  mkdir -p "$tmp/$1/src"
  cat >"$tmp/$1/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false
[lib]
crate-type = ["cdylib"]
[dependencies]
$2
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
strip = true
[workspace]
EOF
  cat >"$tmp/$1/src/lib.rs" <<EOF
/// Parses one response from the bytes at \`ptr\`; returns how many bytes it used, or 0.
#[unsafe(no_mangle)]
pub extern "C" fn parse(ptr: *const u8, len: usize) -> usize {
    // SAFETY: the caller passes a valid buffer (this export exists only to be measured).
    let input = unsafe { std::slice::from_raw_parts(ptr, len) };
    $3
}
EOF
}

make_crate size-webimap "webimap-proto = { path = \"$root/crates/proto\" }" \
  'match webimap_proto::codec::decode::decode_response(input, webimap_proto::codec::decode::DEFAULT_MAX_DEPTH) { Ok(r) => { std::hint::black_box(&r); len } Err(_) => 0 }'
make_crate size-imap-proto "imap-proto = \"=$imap_proto\"" \
  'match imap_proto::parser::parse_response(input) { Ok((rest, r)) => { std::hint::black_box(&r); len - rest.len() } Err(_) => 0 }'
make_crate size-imap-codec "imap-codec = \"=$imap_codec\"" \
  'use imap_codec::decode::Decoder; match imap_codec::ResponseCodec::default().decode(input) { Ok((rest, r)) => { std::hint::black_box(&r); len - rest.len() } Err(_) => 0 }'

printf '%-14s %10s %10s\n' crate bytes gzipped
for krate in size-webimap size-imap-proto size-imap-codec; do
  (cd "$tmp/$krate" && CARGO_TARGET_DIR="$tmp/target" cargo build -q --release \
    --target wasm32-unknown-unknown)
  wasm="$tmp/target/wasm32-unknown-unknown/release/${krate//-/_}.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$wasm" -o "$wasm.opt"
  printf '%-14s %10d %10d\n' "${krate#size-}" "$(stat -c %s "$wasm.opt")" "$(gzip -9c "$wasm.opt" | wc -c)"
done
