#!/usr/bin/env bash
# The webimap app next to Roundcube 1.6 (Debian's packages, nginx, php-fpm), both against the
# SAME private Dovecot with an INBOX of N messages (default 100,000), in headless Chromium on
# loopback: time from the Sign-in click to the first rows, time to jump to the middle of the
# list, DOM rows kept, and what each transfers. bench/webmail.mjs does the measuring.
#   bench/webmail.sh [MESSAGES]        (as root; RUNS=5 timed runs per app by default)
# NAMES=plain (default) writes maildir files as an import would (no sizes in their names, so
# Dovecot reads a file to learn its size); NAMES=sized names them as Dovecot's own delivery
# does (",S=<size>,W=<size>"), which spares Dovecot that work (see bench/results/webmail-*).
# Installs what is missing (roundcube roundcube-sqlite3 nginx php-fpm sqlite3; npm deps in
# tests/e2e), builds the release app (trunk) and the relay, and starts private instances of
# Dovecot, the relay, php-fpm and nginx on free loopback ports, all stopped on exit. No system
# configuration is changed: Roundcube's config, its SQLite database, php-fpm's pool and
# nginx's server block all live in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n="${1:-100000}"
runs="${RUNS:-5}"
names="${NAMES:-plain}"
case "$names" in plain | sized) ;; *) echo "NAMES must be plain or sized" >&2; exit 1 ;; esac
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
export PATH="$root/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
log() { printf '[webmail-bench] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "run as root: it installs Debian packages and runs php-fpm's workers as www-data"
  exit 1
fi
case "$n" in '' | *[!0-9]*) log "MESSAGES must be a number, not '$n'"; exit 1 ;; esac

# --- install what is missing ---------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
apt_install() {
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt: installing ${missing[*]}"
  # Roundcube's own database is not wanted (ours is a temporary SQLite file); nor any
  # web server reconfiguration.
  debconf-set-selections <<'EOF'
roundcube-core roundcube/dbconfig-install boolean false
roundcube-core roundcube/database-type select sqlite3
roundcube-core roundcube/reconfigure-webserver multiselect
roundcube-core roundcube/restart-webserver boolean false
EOF
  [ -n "${apt_updated:-}" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# php-fpm first, so Roundcube's dependency on some PHP SAPI does not pull in Apache's module.
apt_install nginx php-fpm sqlite3
apt_install roundcube roundcube-sqlite3
if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -x tests/e2e/node_modules/.bin/wasm-opt ]; then
  log "npm: installing tests/e2e dependencies (playwright-core, binaryen)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
for tool in trunk node python3 /usr/bin/chromium; do
  command -v "$tool" >/dev/null || { log "missing $tool: run scripts/install-tools.sh (or cargo xtask test) first"; exit 1; }
done
php_fpm=$(command -v php-fpm8.2 || find /usr/sbin -name 'php-fpm*' | sort | tail -1)

# --- build -----------------------------------------------------------------------------------
log "building the relay and webimap-dovecot (release)"
cargo build --release -q -p webimap-relay --bin webimap-relay -p webimap-testkit --bin webimap-dovecot
log "building the app (trunk build --release)"
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline >/dev/null 2>&1 ||
  TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline

# --- the mailbox: N small messages written straight into the maildir (as sync_bench does) ------
mail="$target/bench/webmail-$n"
[ "$names" = sized ] && mail="$target/bench/webmail-sized-$n"
inbox="$mail/home/demo/Maildir/INBOX"
have=$( (find "$inbox/cur" -type f 2>/dev/null || true) | wc -l)
if [ "$have" -ne "$n" ]; then
  log "writing $n messages into $inbox"
  rm -rf "${mail:?}/home"
  python3 - "$inbox" "$n" "$names" <<'EOF'
import os, sys
inbox, count, names = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(inbox, sub), exist_ok=True)
names = ["Alice Example", "Bob Baker", "Jürgen Müller", "Carol Chen", "田中 太郎", "Dave Ops"]
for i in range(count):
    body = (f"Date: Mon, 3 Aug 2026 10:{(i // 60) % 60:02}:{i % 60:02} +0000\r\n"
            f"From: {names[i % len(names)]} <user{i % 97}@example.com>\r\n"
            f"To: Demo User <demo@example.test>\r\nSubject: Message number {i} about topic {i % 13}\r\n"
            f"Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nBody of message {i}.\r\n")
    flags = "S" if i % 3 == 0 else ""
    size = len(body.encode("utf-8"))
    sizes = f",S={size},W={size}" if names == "sized" else ""
    path = os.path.join(inbox, "cur", f"{1_700_000_000 + i}.M{i}P1.bench{sizes}:2,{flags}")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(body)
    os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
EOF
fi

# --- start everything (stopped on exit) -----------------------------------------------------
tmp=$(mktemp -d /tmp/webmail-bench.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"; }
wait_port() {
  local _
  for _ in $(seq 1 200); do (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  log "nothing listens on 127.0.0.1:$1 ($2)"
  return 1
}

log "starting Dovecot"
"$target/release/webimap-dovecot" --dir "$mail" --no-sample-mail --imap-port 0 --imaps-port 0 \
  >"$tmp/dovecot.json" 2>"$tmp/dovecot.log" &
pids+=($!)
for _ in $(seq 1 600); do [ -s "$tmp/dovecot.json" ] && break; sleep 0.1; done
[ -s "$tmp/dovecot.json" ] || { log "Dovecot did not start:"; cat "$tmp/dovecot.log" >&2; exit 1; }
imap=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['imap_port'])" "$tmp/dovecot.json")

# The relay serves dist/ with .br/.gz siblings (as docs/relay.md recommends); written first,
# so no request races the background precompression of --precompress.
"$target/release/webimap-relay" compress dist >/dev/null
app_port=$(free_port)
"$target/release/webimap-relay" --listen "127.0.0.1:$app_port" --static dist \
  --allow "127.0.0.1:$imap" >"$tmp/relay.log" 2>&1 &
pids+=($!)

# Roundcube: its config directory (the package's defaults plus ours), SQLite database, logs.
rc="$tmp/roundcube"
mkdir -p "$rc/config" "$rc/db" "$rc/temp" "$rc/logs" "$tmp/nginx"
ln -s /etc/roundcube/defaults.inc.php /etc/roundcube/mimetypes.php "$rc/config/"
des_key=$(python3 -c "import secrets;print(secrets.token_hex(12))")
cat >"$rc/config/config.inc.php" <<EOF
<?php
\$config = [];
\$config['db_dsnw'] = 'sqlite:///$rc/db/roundcube.db?mode=0640';
\$config['imap_host'] = '127.0.0.1:$imap';
\$config['smtp_host'] = '';
\$config['temp_dir'] = '$rc/temp/';
\$config['log_dir'] = '$rc/logs/';
\$config['des_key'] = '$des_key';
\$config['plugins'] = [];
\$config['skin'] = 'elastic';
\$config['enable_installer'] = false;
\$config['enable_spellcheck'] = false;
\$config['support_url'] = '';
EOF
sqlite3 "$rc/db/roundcube.db" </usr/share/roundcube/SQL/sqlite.initial.sql
chown -R www-data:www-data "$rc/db" "$rc/temp" "$rc/logs"

cat >"$tmp/php-fpm.conf" <<EOF
[global]
pid = $tmp/php-fpm.pid
error_log = $tmp/php-fpm.log
daemonize = no
[roundcube]
user = www-data
group = www-data
listen = $tmp/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 4
env[ROUNDCUBE_CONFIG_DIR] = $rc/config
php_admin_value[error_log] = $rc/logs/php.log
EOF
"$php_fpm" --fpm-config "$tmp/php-fpm.conf" --nodaemonize >"$tmp/php-fpm.out" 2>&1 &
pids+=($!)

rc_port=$(free_port)
# Roundcube's server block as its docs suggest for nginx: public_html as the root, PHP through
# php-fpm, responses gzipped (level 6, like Apache's mod_deflate in its .htaccess) and the
# package's precompressed .gz siblings served as they are.
cat >"$tmp/nginx/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  keepalive_timeout 65;
  client_body_temp_path $tmp/nginx/body;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  proxy_temp_path $tmp/nginx/proxy;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  gzip on;
  gzip_static on;
  gzip_comp_level 6;
  gzip_vary on;
  gzip_types text/css application/javascript text/javascript application/json text/plain text/xml application/xml image/svg+xml;
  server {
    listen 127.0.0.1:$rc_port;
    server_name localhost;
    root /var/lib/roundcube/public_html;
    index index.php;
    location ~ ^/(\.|SQL|bin|config|logs|temp|installer) { deny all; }
    location ~ \.php\$ {
      try_files \$uri =404;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
      fastcgi_pass unix:$tmp/php-fpm.sock;
    }
  }
}
EOF
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

wait_port "$app_port" "the relay"
wait_port "$rc_port" "nginx"
for _ in $(seq 1 100); do [ -S "$tmp/php-fpm.sock" ] && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:$rc_port/" ||
  { log "Roundcube does not answer:"; cat "$tmp/nginx/error.log" "$tmp/php-fpm.log" >&2; exit 1; }

versions="roundcube $(dpkg-query -W -f='${Version}' roundcube-core), nginx $(dpkg-query -W -f='${Version}' nginx), php-fpm $(dpkg-query -W -f='${Version}' "$(basename "$php_fpm" | sed 's/^php-fpm/php/')-fpm"), dovecot $(dpkg-query -W -f='${Version}' dovecot-imapd), $(/usr/bin/chromium --version 2>/dev/null | head -1), trunk $(trunk --version | cut -d' ' -f2)"
log "Roundcube on http://127.0.0.1:$rc_port/, webimap on http://127.0.0.1:$app_port/, Dovecot on 127.0.0.1:$imap"
echo "# bench/webmail.sh $n, NAMES=$names   ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo '+changes'); $(nproc) cores shared with other jobs: expect noise)"
echo "# $versions"
node bench/webmail.mjs --app "http://127.0.0.1:$app_port/" --roundcube "http://127.0.0.1:$rc_port/" \
  --imap-port "$imap" --messages "$n" --runs "$runs" --dist dist
