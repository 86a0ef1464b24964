#!/usr/bin/env bash
# Installs every tool webimap's demo and tests need, at pinned versions, skipping what is
# already present. Idempotent; run as root on a Debian 12 machine with crates.io, npm and apt.
# Versions: see ../README.md "Toolchain" (wasm-bindgen must equal the crate pin in Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1

log() { printf '[install-tools] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------
# dovecot-submissiond and dovecot-lmtpd: the testkit's submission service and delivery
# (the SMTP relay between them is the testkit's own bridge, so no MTA package).
apt_pkgs=(dovecot-imapd dovecot-submissiond dovecot-lmtpd chromium chromium-driver clang llvm
  openssl fonts-noto-color-emoji)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages' own service (one `dovecot` unit serves IMAP, submission and LMTP) is
  # never used: tests and the demo start private instances.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
  fi
  if [ -f /run/dovecot/master.pid ]; then
    kill "$(cat /run/dovecot/master.pid)" >/dev/null 2>&1 || true
  fi
fi

# --- Rust targets and cargo tools ------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: its lockfile asks for a webpki-roots the registry mirror lacks.
  cargo install -q wasm-bindgen-cli@="$WASM_BINDGEN_VERSION"
fi
if ! have_version trunk "$TRUNK_VERSION"; then
  log "cargo: installing trunk $TRUNK_VERSION"
  cargo install -q --locked trunk@"$TRUNK_VERSION"
fi

if ! have_version wasm-pack "$WASM_PACK_VERSION"; then
  log "cargo: installing wasm-pack $WASM_PACK_VERSION"
  cargo install -q --locked wasm-pack@"$WASM_PACK_VERSION"
fi

# cargo-fuzz, only where a nightly toolchain exists (the fuzz smoke run needs both and says
# so when they are missing).
if rustup run nightly rustc --version >/dev/null 2>&1 && ! have_version cargo-fuzz "0.13"; then
  log "cargo: installing cargo-fuzz 0.13"
  cargo install -q --locked cargo-fuzz@0.13.2
fi

# --- npm: wasm-opt (binaryen) and playwright-core, pinned by tests/e2e/package-lock.json ---
if [ ! -x tests/e2e/node_modules/.bin/wasm-opt ] || [ ! -d tests/e2e/node_modules/playwright-core ]; then
  log "npm: installing tests/e2e dependencies"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
log "all tools present"
