//! The command line ([`Cli`]), the optional TOML file it names, and the validated settings
//! the relay runs with ([`Config`]).
//!
//! Every value is parsed into a typed, validated form once, at startup: a bad `--allow`
//! entry or config-file key stops the relay with a clear message instead of surfacing at
//! the first connect. Command-line flags override the file; a list given on the command
//! line (`--allow`, `--origin`) replaces the file's list.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Parser;
use serde::Deserialize;

use crate::{
    limits::Limits,
    policy::{AllowRule, MissingOrigin, OriginPolicy, OriginRule, Policy},
    proxy::{ForwardedHeader, TrustedProxies, TrustedProxy},
    tls::{self, TlsFiles},
    token::{self, TokenError, Tokens},
};

/// Default for [`Config::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default listen address.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);

/// `webimap-relay`: the WebSocket-to-IMAP relay and static server of webimap.
///
/// The browser speaks IMAP (over TLS) itself; this relay only moves its bytes between a
/// WebSocket (`GET /relay?host=HOST&port=PORT`) and a TCP connection to an allowed server.
/// It never parses IMAP.
// The field docs are the `--help` text, written for a terminal, not for rustdoc.
#[allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]
#[derive(Debug, Clone, Parser)]
#[command(name = "webimap-relay", version, about, long_about = None)]
pub struct Cli {
    /// Read settings from this TOML file (keys: see relay.example.toml in the crate);
    /// flags given on the command line override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address to listen on for HTTP and WebSocket connections [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,

    /// Allow tunnels to HOST:PORT. HOST is a name (imap.example.com, any case), a wildcard
    /// (*.example.com: subdomains only), an address (203.0.113.7, [2001:db8::7]; any IPv4
    /// spelling) or a network (10.0.0.0/8, [fd00::/8]). Repeat for more. Names are resolved
    /// once and the relay connects only to the vetted addresses: every one must be admitted
    /// by a rule and none may be loopback, private, link-local, CGNAT, unique-local,
    /// multicast, documentation or otherwise special unless an address or network rule for
    /// that port names it explicitly (e.g. 127.0.0.1:1143). Without any --allow every
    /// tunnel is refused.
    #[arg(long = "allow", value_name = "HOST:PORT")]
    pub allow: Vec<AllowRule>,

    /// Allow pages from this origin (SCHEME://HOST[:PORT], e.g. https://mail.example.com)
    /// to open tunnels; `*` allows any. Repeat for more. Without any --origin only
    /// same-origin loopback pages may (the Origin header must name the request's Host,
    /// with the listener's scheme, and that host must be localhost, 127.0.0.0/8 or
    /// [::1]), and a non-loopback --listen address is refused at startup.
    #[arg(long = "origin", value_name = "ORIGIN")]
    pub origin: Vec<OriginRule>,

    /// What to do with a tunnel request without an Origin header (browsers always send
    /// one; other clients can forge it) [default: allow].
    #[arg(long, value_name = "POLICY", value_enum)]
    pub missing_origin: Option<MissingOrigin>,

    /// Trust this reverse proxy (ADDRESS or NETWORK/PREFIX, e.g. 127.0.0.1 or 10.0.0.0/8):
    /// on connections from it the client address (for per-IP caps and logs) is the
    /// right-most address in the --forwarded-header that is not itself a trusted proxy.
    /// Repeat for more. From other peers forwarding headers are ignored.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxy: Vec<TrustedProxy>,

    /// The header the trusted proxies write to name the client; the other one is never
    /// read [default: x-forwarded-for].
    #[arg(long, value_name = "HEADER", value_enum)]
    pub forwarded_header: Option<ForwardedHeader>,

    /// IPv6 clients whose addresses share this many leading bits count as one client for
    /// --max-connections-per-ip [default: 64].
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u8).range(1..=128))]
    pub ipv6_client_prefix: Option<u8>,

    /// Serve the built web app from this directory: index.html at / and for any unknown
    /// path (single-page-app fallback).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Seconds to wait for DNS and the TCP connection to the IMAP server [default: 10].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub connect_timeout: Option<u64>,

    /// Open tunnels at most; more get HTTP 503 [default: 1024].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: Option<u64>,

    /// Open tunnels at most per client IP address; more get HTTP 429 [default: 32].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections_per_ip: Option<u64>,

    /// Largest WebSocket message (and frame) accepted from a browser, in bytes
    /// [default: 8388608].
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1024..=1 << 30))]
    pub max_message_size: Option<u64>,

    /// Close a tunnel that carried no data for this many seconds [default: 2100, i.e. 35
    /// minutes, above IMAP's 29-minute IDLE refresh].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: Option<u64>,

    /// Send a WebSocket ping every this many seconds; 0 disables [default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub ping_interval: Option<u64>,

    /// Serve counters in Prometheus text format at /metrics.
    #[arg(long)]
    pub metrics: bool,

    /// Require a shared-secret token: read valid tokens from FILE, one per line (blank lines
    /// and #-comments skipped; at least 16 characters of A-Z a-z 0-9 - . _ ~). Repeat for
    /// more files. Tokens from all files, the WEBIMAP_RELAY_TOKENS environment variable
    /// (comma or space separated) and the config file's `tokens`/`token_file` are all
    /// valid at once, so a new token can be rolled out before the old one is removed. The
    /// browser sends one in the cookie webimap_relay_token or as the WebSocket subprotocol
    /// webimap.token.TOKEN (next to the subprotocol webimap, which the relay selects).
    /// The files are read again on SIGHUP (a broken file keeps the tokens in use).
    #[arg(long = "token-file", value_name = "FILE")]
    pub token_file: Vec<PathBuf>,

    /// Serve HTTPS/WSS: the certificate chain (PEM, leaf first). Needs --tls-key. The
    /// files are read again when they change (checked every 5 seconds) or on SIGHUP; a
    /// failed reload keeps the previous certificate.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1) for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// At startup, write missing .br and .gz siblings of the static files (in the
    /// background; the directory must be writable). Same as `webimap-relay compress DIR`.
    #[arg(long)]
    pub precompress: bool,

    /// A one-off task instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// One-off tasks.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Write .br (brotli) and .gz (gzip) siblings for the static files under DIR (HTML,
    /// JS, CSS, WASM, SVG, JSON, …; skipped when up to date or not smaller), so the
    /// relay can serve them precompressed. Then exit.
    Compress {
        /// The directory, e.g. the app's dist/.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// The settings file: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    #[serde(default)]
    allow: Option<Vec<String>>,
    #[serde(default)]
    origins: Option<Vec<String>>,
    missing_origin: Option<MissingOrigin>,
    #[serde(default)]
    trusted_proxies: Option<Vec<String>>,
    forwarded_header: Option<ForwardedHeader>,
    static_dir: Option<PathBuf>,
    connect_timeout_secs: Option<u64>,
    metrics: Option<bool>,
    tokens: Option<Vec<String>>,
    token_file: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_reload_secs: Option<u64>,
    precompress: Option<bool>,
    #[serde(default)]
    limits: FileLimits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    max_connections: Option<usize>,
    max_connections_per_ip: Option<usize>,
    ipv6_client_prefix: Option<u8>,
    max_message_size: Option<usize>,
    max_frame_size: Option<usize>,
    read_chunk_size: Option<usize>,
    idle_timeout_secs: Option<u64>,
    ping_interval_secs: Option<u64>,
    handshake_timeout_secs: Option<u64>,
    max_header_size: Option<usize>,
    ws_read_buffer_size: Option<usize>,
    max_http_connections: Option<usize>,
}

fn parse_list<T: std::str::FromStr>(
    key: &'static str,
    items: Vec<String>,
) -> Result<Vec<T>, ConfigError>
where
    T::Err: fmt::Display,
{
    items
        .into_iter()
        .map(|item| {
            item.parse().map_err(|e: T::Err| ConfigError::Invalid {
                key,
                message: e.to_string(),
            })
        })
        .collect()
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl Cli {
    /// Reads the config file (if any), applies the flags over it and validates the
    /// result. Returns the address to listen on and the relay's configuration.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] naming the file, key or value that cannot be used.
    pub fn load(self) -> Result<(SocketAddr, Config), ConfigError> {
        let (file, base) = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let file: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                (file, base)
            }
            None => (FileConfig::default(), PathBuf::new()),
        };

        let allow = if self.allow.is_empty() {
            parse_list("allow", file.allow.unwrap_or_default())?
        } else {
            self.allow
        };
        let origins = if self.origin.is_empty() {
            parse_list("origins", file.origins.unwrap_or_default())?
        } else {
            self.origin
        };
        let trusted_proxies = TrustedProxies::new(if self.trusted_proxy.is_empty() {
            parse_list("trusted_proxies", file.trusted_proxies.unwrap_or_default())?
        } else {
            self.trusted_proxy
        })
        .with_header(
            self.forwarded_header
                .or(file.forwarded_header)
                .unwrap_or_default(),
        );
        let missing = self
            .missing_origin
            .or(file.missing_origin)
            .unwrap_or_default();

        let defaults = Limits::default();
        let fl = file.limits;
        let secs = Duration::from_secs;
        let max_message_size = self
            .max_message_size
            .map(to_usize)
            .or(fl.max_message_size)
            .unwrap_or(defaults.max_message_size);
        let limits = Limits {
            max_connections: self
                .max_connections
                .map(to_usize)
                .or(fl.max_connections)
                .unwrap_or(defaults.max_connections),
            max_connections_per_ip: self
                .max_connections_per_ip
                .map(to_usize)
                .or(fl.max_connections_per_ip)
                .unwrap_or(defaults.max_connections_per_ip),
            ipv6_client_prefix: self
                .ipv6_client_prefix
                .or(fl.ipv6_client_prefix)
                .unwrap_or(defaults.ipv6_client_prefix),
            max_message_size,
            max_frame_size: match self.max_message_size {
                Some(_) => max_message_size,
                None => fl.max_frame_size.unwrap_or(max_message_size),
            },
            read_chunk_size: fl.read_chunk_size.unwrap_or(defaults.read_chunk_size),
            idle_timeout: self
                .idle_timeout
                .or(fl.idle_timeout_secs)
                .map_or(defaults.idle_timeout, secs),
            ping_interval: self
                .ping_interval
                .or(fl.ping_interval_secs)
                .map_or(defaults.ping_interval, secs),
            handshake_timeout: fl
                .handshake_timeout_secs
                .map_or(defaults.handshake_timeout, secs),
            max_header_size: fl.max_header_size.unwrap_or(defaults.max_header_size),
            max_http_connections: fl
                .max_http_connections
                .unwrap_or(defaults.max_http_connections),
            ws_read_buffer_size: fl
                .ws_read_buffer_size
                .unwrap_or(defaults.ws_read_buffer_size),
        };

        let mut tokens = Tokens::default();
        for word in file.tokens.unwrap_or_default() {
            let token = word.parse().map_err(|e: TokenError| ConfigError::Invalid {
                key: "tokens",
                message: e.to_string(),
            })?;
            tokens.extend(Tokens::new(vec![token]));
        }
        let token_files = file
            .token_file
            .map(|path| base.join(path))
            .into_iter()
            .chain(self.token_file);
        let token_files: Vec<PathBuf> = token_files.collect();
        if let Ok(text) = std::env::var(token::ENV_VAR) {
            let from_env = Tokens::parse_list(&text).map_err(|(_, e)| {
                ConfigError::Tokens(format!("environment variable {}: {e}", token::ENV_VAR))
            })?;
            tokens.extend(from_env);
        }

        let tls_cert = self.tls_cert.or(file.tls_cert.map(|p| base.join(p)));
        let tls_key = self.tls_key.or(file.tls_key.map(|p| base.join(p)));
        let tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert,
                key,
                reload_interval: file
                    .tls_reload_secs
                    .map_or(tls::DEFAULT_RELOAD_INTERVAL, secs),
            }),
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    key: "tls_cert",
                    message: "tls_cert and tls_key must be given together".to_owned(),
                });
            }
        };

        let listen = self.listen.or(file.listen).unwrap_or(DEFAULT_LISTEN);
        let config = Config {
            policy: Policy::new(allow).with_origins(OriginPolicy {
                allowed: origins,
                missing,
            }),
            static_dir: self
                .static_dir
                .or(file.static_dir.map(|dir| base.join(dir))),
            connect_timeout: self
                .connect_timeout
                .or(file.connect_timeout_secs)
                .map_or(DEFAULT_CONNECT_TIMEOUT, secs),
            limits,
            metrics: self.metrics || file.metrics.unwrap_or(false),
            tokens,
            token_files,
            trusted_proxies,
            tls,
            precompress: self.precompress || file.precompress.unwrap_or(false),
        };
        config.check()?;
        Ok((listen, config))
    }
}

/// The relay's settings, validated.
///
/// Build it from [`Cli::load`], or start from [`Config::default`] (which refuses every
/// tunnel, serves no files and no metrics) and set fields.
#[non_exhaustive]
#[derive(Clone)]
pub struct Config {
    /// Which tunnels may be opened.
    pub policy: Policy,
    /// Directory of the built web app, if the relay serves it.
    pub static_dir: Option<PathBuf>,
    /// How long to wait for DNS and for the TCP connection to the IMAP server.
    pub connect_timeout: Duration,
    /// Connection, size and time caps.
    pub limits: Limits,
    /// Whether `/metrics` is served.
    pub metrics: bool,
    /// Shared-secret tokens; empty: none required.
    pub tokens: Tokens,
    /// Files of more tokens (one per line), read at startup and again on SIGHUP. A file
    /// that cannot be read or holds a bad token stops the startup; on SIGHUP it is logged
    /// and the tokens in use stay.
    pub token_files: Vec<PathBuf>,
    /// Reverse proxies whose forwarding headers name the client; empty: none.
    pub trusted_proxies: TrustedProxies,
    /// Serve TLS with these files; `None`: plain HTTP (e.g. behind a TLS proxy).
    pub tls: Option<TlsFiles>,
    /// Write `.br`/`.gz` siblings of the static files at startup.
    pub precompress: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            policy: Policy::default(),
            static_dir: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            limits: Limits::default(),
            metrics: false,
            tokens: Tokens::default(),
            token_files: Vec::new(),
            trusted_proxies: TrustedProxies::default(),
            tls: None,
            precompress: false,
        }
    }
}

impl Config {
    /// Checks what cannot be expressed in the field types.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] naming the first unusable value.
    pub fn check(&self) -> Result<(), ConfigError> {
        if let Some(dir) = &self.static_dir
            && !dir.is_dir()
        {
            return Err(ConfigError::StaticDir(dir.clone()));
        }
        let l = &self.limits;
        for (name, zero) in [
            ("connect timeout", self.connect_timeout.is_zero()),
            ("max connections", l.max_connections == 0),
            ("max connections per IP", l.max_connections_per_ip == 0),
            ("IPv6 client prefix", l.ipv6_client_prefix == 0),
            ("max message size", l.max_message_size == 0),
            ("max frame size", l.max_frame_size == 0),
            ("read chunk size", l.read_chunk_size == 0),
            ("idle timeout", l.idle_timeout.is_zero()),
            ("handshake timeout", l.handshake_timeout.is_zero()),
            ("max header size", l.max_header_size == 0),
            ("max HTTP connections", l.max_http_connections == 0),
            ("WebSocket read buffer size", l.ws_read_buffer_size == 0),
        ] {
            if zero {
                return Err(ConfigError::Zero(name));
            }
        }
        if l.ipv6_client_prefix > 128 {
            return Err(ConfigError::Invalid {
                key: "ipv6_client_prefix",
                message: format!("{} is more than 128 bits", l.ipv6_client_prefix),
            });
        }
        self.load_tokens()?;
        Ok(())
    }

    /// Whether the relay may listen on `listen` with these settings: without configured
    /// origins only a loopback listener is allowed (the same-origin default then admits
    /// loopback pages only).
    ///
    /// # Errors
    ///
    /// [`ConfigError::OriginRequired`] for a non-loopback address without origins.
    pub fn check_listen(&self, listen: SocketAddr) -> Result<(), ConfigError> {
        if self.policy.origins().allowed.is_empty() && !listen.ip().to_canonical().is_loopback() {
            return Err(ConfigError::OriginRequired(listen));
        }
        Ok(())
    }

    /// Every valid token as of now: [`Config::tokens`] plus those read from
    /// [`Config::token_files`].
    ///
    /// # Errors
    ///
    /// [`ConfigError::Tokens`] naming the file and line (never the token) that cannot be
    /// used.
    pub fn load_tokens(&self) -> Result<Tokens, ConfigError> {
        let mut all = self.tokens.clone();
        for path in &self.token_files {
            all.extend(Tokens::read_file(path).map_err(ConfigError::Tokens)?);
        }
        Ok(all)
    }
}

// Written by hand, not derived: settings that hold secrets (e.g. a metrics token) must
// print as redacted here when they are added.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("policy", &self.policy)
            .field("static_dir", &self.static_dir)
            .field("connect_timeout", &self.connect_timeout)
            .field("limits", &self.limits)
            .field("metrics", &self.metrics)
            .field("tokens", &self.tokens)
            .field("token_files", &self.token_files)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("tls", &self.tls)
            .field("precompress", &self.precompress)
            .finish()
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file cannot be read.
    #[error("cannot read config file {path:?}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML for the relay.
    #[error("config file {path:?}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A value in the config file is malformed.
    #[error("config key {key:?}: {message}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The static directory does not exist.
    #[error("static directory {0:?} does not exist or is not a directory")]
    StaticDir(PathBuf),
    /// A token file, or the token environment variable, is unusable (the message never
    /// contains a token).
    #[error("{0}")]
    Tokens(String),
    /// A size or duration that must be positive is zero.
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    /// The relay listens on a non-loopback address without an origin allowlist.
    #[error(
        "listening on {0}, which is not a loopback address, needs the origins of the pages \
         allowed to open tunnels: give --origin https://YOUR.PUBLIC.NAME (or `origins` in \
         the config file; `*` allows any page). Without it only pages served from \
         localhost/127.0.0.1/[::1] may connect, so that a DNS-rebinding page cannot use \
         the relay"
    )]
    OriginRequired(SocketAddr),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("webimap-relay").chain(args.iter().copied()))
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() -> Result<(), Box<dyn std::error::Error>> {
        let (listen, config) = parse(&[])?.load()?;
        assert_eq!(listen, DEFAULT_LISTEN);
        assert_eq!(config.limits, Limits::default());
        assert_eq!(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert!(config.policy.rules().is_empty());
        assert!(!config.metrics);
        Ok(())
    }

    #[test]
    fn parses_a_full_command_line() -> Result<(), Box<dyn std::error::Error>> {
        let (listen, config) = parse(&[
            "--listen",
            "127.0.0.1:9000",
            "--allow",
            "imap.example.com:993",
            "--allow",
            "[::1]:1143",
            "--connect-timeout",
            "3",
            "--origin",
            "https://mail.example.com",
            "--missing-origin",
            "deny",
            "--max-connections",
            "10",
            "--max-connections-per-ip",
            "2",
            "--max-message-size",
            "65536",
            "--idle-timeout",
            "60",
            "--ping-interval",
            "0",
            "--metrics",
        ])?
        .load()?;
        assert_eq!(listen.port(), 9000);
        assert_eq!(config.policy.rules().len(), 2);
        assert_eq!(config.connect_timeout, Duration::from_secs(3));
        assert_eq!(config.policy.origins().allowed.len(), 1);
        assert_eq!(config.policy.origins().missing, MissingOrigin::Deny);
        assert_eq!(config.limits.max_connections, 10);
        assert_eq!(config.limits.max_connections_per_ip, 2);
        assert_eq!(config.limits.max_message_size, 65536);
        assert_eq!(config.limits.max_frame_size, 65536);
        assert_eq!(config.limits.idle_timeout, Duration::from_secs(60));
        assert_eq!(config.limits.ping_interval, Duration::ZERO);
        assert!(config.metrics);
        Ok(())
    }

    #[test]
    fn rejects_bad_values_with_a_message() {
        for bad in [
            &["--allow", "nonsense"][..],
            &["--allow", "host:0"],
            &["--allow", "host:99999"],
            &["--allow", ":993"],
            &["--allow", "bad host:993"],
            &["--allow", "*.com:993"],
            &["--allow", "10.0.0.1/8:993"],
            &["--listen", "nowhere"],
            &["--connect-timeout", "0"],
            &["--origin", "mail.example.com"],
            &["--origin", "https://mail.example.com/app"],
            &["--missing-origin", "maybe"],
            &["--max-connections", "0"],
            &["--max-message-size", "10"],
            &["--idle-timeout", "0"],
        ] {
            let err = parse(bad).err();
            assert!(err.is_some(), "{bad:?} was accepted");
            let text = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains("invalid value"), "{bad:?}: {text}");
        }
    }

    #[test]
    fn rejects_a_missing_static_dir() {
        let cli = parse(&["--static", "/nonexistent/webimap-relay-test"]);
        assert!(matches!(
            cli.map(Cli::load),
            Ok(Err(ConfigError::StaticDir(_)))
        ));
    }

    fn write_file(dir: &Path, text: &str) -> std::io::Result<String> {
        let path = dir.join("relay.toml");
        std::fs::write(&path, text)?;
        Ok(path.display().to_string())
    }

    #[test]
    fn file_settings_and_flag_overrides() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("dist"))?;
        let path = write_file(
            dir.path(),
            r#"
listen = "127.0.0.1:9100"
allow = ["imap.example.com:993", "127.0.0.1:1143"]
origins = ["https://mail.example.com"]
missing_origin = "deny"
static_dir = "dist"
connect_timeout_secs = 4
metrics = true

[limits]
max_connections = 100
max_connections_per_ip = 5
max_message_size = 1048576
idle_timeout_secs = 600
ping_interval_secs = 15
"#,
        )?;
        let (listen, config) = parse(&["--config", &path])?.load()?;
        assert_eq!(listen.port(), 9100);
        assert_eq!(config.policy.rules().len(), 2);
        assert_eq!(config.policy.origins().missing, MissingOrigin::Deny);
        assert_eq!(
            config.static_dir,
            Some(dir.path().join("dist")),
            "relative to the file"
        );
        assert_eq!(config.connect_timeout, Duration::from_secs(4));
        assert!(config.metrics);
        assert_eq!(config.limits.max_connections, 100);
        assert_eq!(config.limits.max_connections_per_ip, 5);
        assert_eq!(config.limits.max_message_size, 1 << 20);
        assert_eq!(config.limits.max_frame_size, 1 << 20);
        assert_eq!(config.limits.idle_timeout, Duration::from_secs(600));
        assert_eq!(config.limits.ping_interval, Duration::from_secs(15));

        let (listen, config) = parse(&[
            "--config",
            &path,
            "--listen",
            "127.0.0.1:9200",
            "--allow",
            "other.example.com:993",
            "--missing-origin",
            "allow",
            "--max-connections-per-ip",
            "7",
        ])?
        .load()?;
        assert_eq!(listen.port(), 9200);
        assert_eq!(
            config.policy.rules().len(),
            1,
            "--allow replaces the file's list"
        );
        assert_eq!(
            config.policy.rules()[0].to_string(),
            "other.example.com:993"
        );
        assert_eq!(
            config.policy.origins().allowed.len(),
            1,
            "origins kept from the file"
        );
        assert_eq!(config.policy.origins().missing, MissingOrigin::Allow);
        assert_eq!(config.limits.max_connections_per_ip, 7);
        assert_eq!(config.limits.max_connections, 100);
        Ok(())
    }

    #[test]
    fn bad_files_are_clear_errors() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        for (text, expect) in [
            (
                "allow = [\"nonsense\"]",
                "config key \"allow\": expected HOST:PORT",
            ),
            (
                "origins = [\"ftp:/x\"]",
                "config key \"origins\": invalid origin",
            ),
            ("alow = []", "unknown field `alow`"),
            (
                "[limits]\nmax_conections = 1",
                "unknown field `max_conections`",
            ),
            ("listen = 8080", "invalid type"),
            ("missing_origin = \"sometimes\"", "unknown variant"),
            (
                "[limits]\nidle_timeout_secs = 0",
                "idle timeout must be greater than zero",
            ),
            ("allow = [", "config file"),
            (
                "trusted_proxies = [\"nginx\"]",
                "config key \"trusted_proxies\": invalid network",
            ),
        ] {
            let path = write_file(dir.path(), text)?;
            let err = parse(&["--config", &path])?
                .load()
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|e| e.contains(expect)),
                "{text:?}: {err:?}"
            );
        }
        let err = parse(&["--config", "/nonexistent/relay.toml"])?
            .load()
            .err();
        assert!(matches!(err, Some(ConfigError::Read { .. })), "{err:?}");
        Ok(())
    }

    #[test]
    fn example_file_is_valid() -> Result<(), Box<dyn std::error::Error>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/relay.example.toml");
        let (listen, config) = parse(&["--config", path])?.load()?;
        assert_eq!(listen, DEFAULT_LISTEN);
        assert_eq!(
            config.limits,
            Limits::default(),
            "example must show the defaults"
        );
        assert_eq!(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(config.policy.rules().len(), 2);
        Ok(())
    }

    #[test]
    fn trusted_proxies_from_file_or_flags() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = write_file(dir.path(), "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]")?;
        let (_, config) = parse(&["--config", &path])?.load()?;
        assert!(config.trusted_proxies.contains("10.1.2.3".parse()?));
        assert!(config.trusted_proxies.contains("::1".parse()?));
        assert!(!config.trusted_proxies.contains("127.0.0.1".parse()?));
        // A flag replaces the file's list.
        let (_, config) = parse(&["--config", &path, "--trusted-proxy", "127.0.0.1/32"])?.load()?;
        assert!(config.trusted_proxies.contains("127.0.0.1".parse()?));
        assert!(!config.trusted_proxies.contains("10.1.2.3".parse()?));
        assert!(parse(&["--trusted-proxy", "10.0.0.1/8"]).is_err());
        Ok(())
    }
}
