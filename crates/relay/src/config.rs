//! The command line ([`Cli`]) and the validated settings the relay runs with ([`Config`]).
//!
//! Every value is parsed into a typed, validated form once, at startup: a bad `--allow`
//! entry stops the relay with a clear message instead of surfacing at the first connect.

use std::{fmt, path::PathBuf, time::Duration};

use clap::Parser;

use crate::policy::{AllowRule, MissingOrigin, OriginPolicy, OriginRule, Policy};

/// Default for [`Config::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`Config::max_message_size`]: 8 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 8 << 20;
/// Default for [`Config::read_chunk_size`]: 64 KiB.
pub const DEFAULT_READ_CHUNK_SIZE: usize = 64 << 10;

/// `webimap-relay`: the WebSocket-to-IMAP relay and static server of webimap.
///
/// The browser speaks IMAP (over TLS) itself; this relay only moves its bytes between a
/// WebSocket (`GET /relay?host=HOST&port=PORT`) and a TCP connection to an allowed server.
/// It never parses IMAP.
#[derive(Debug, Clone, Parser)]
#[command(name = "webimap-relay", version, about, long_about = None)]
pub struct Cli {
    /// Address to listen on for HTTP and WebSocket connections.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

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
    /// same-origin pages may (the Origin header must name the request's Host).
    #[arg(long = "origin", value_name = "ORIGIN")]
    pub origin: Vec<OriginRule>,

    /// What to do with a tunnel request without an Origin header (browsers always send
    /// one; other clients can forge it).
    #[arg(long, value_name = "POLICY", value_enum, default_value_t = MissingOrigin::Allow)]
    pub missing_origin: MissingOrigin,

    /// Serve the built web app from this directory: index.html at / and for any unknown
    /// path (single-page-app fallback).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Seconds to wait for the TCP connection to the IMAP server.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_CONNECT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub connect_timeout: u64,
}

impl Cli {
    /// Turns the parsed command line into the relay's configuration.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] if a value that clap accepted cannot be used.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let config = Config {
            policy: Policy::new(self.allow).with_origins(OriginPolicy {
                allowed: self.origin,
                missing: self.missing_origin,
            }),
            static_dir: self.static_dir,
            connect_timeout: Duration::from_secs(self.connect_timeout),
            ..Config::default()
        };
        config.check()?;
        Ok(config)
    }
}

/// The relay's settings, validated.
///
/// Build it from [`Cli::into_config`], or start from [`Config::default`] (which refuses
/// every tunnel and serves no files) and set fields.
#[non_exhaustive]
#[derive(Clone)]
pub struct Config {
    /// Which tunnels may be opened.
    pub policy: Policy,
    /// Directory of the built web app, if the relay serves it.
    pub static_dir: Option<PathBuf>,
    /// How long to wait for the TCP connection to the IMAP server.
    pub connect_timeout: Duration,
    /// Largest WebSocket message (and frame) accepted from a browser, in bytes.
    pub max_message_size: usize,
    /// Largest TCP read, hence largest binary frame sent to the browser, in bytes.
    pub read_chunk_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            policy: Policy::default(),
            static_dir: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            read_chunk_size: DEFAULT_READ_CHUNK_SIZE,
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
        if self.connect_timeout.is_zero() {
            return Err(ConfigError::Zero("connect timeout"));
        }
        if self.max_message_size == 0 {
            return Err(ConfigError::Zero("max message size"));
        }
        if self.read_chunk_size == 0 {
            return Err(ConfigError::Zero("read chunk size"));
        }
        Ok(())
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
            .field("max_message_size", &self.max_message_size)
            .field("read_chunk_size", &self.read_chunk_size)
            .finish()
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `--static` does not name a directory.
    #[error("static directory {0:?} does not exist or is not a directory")]
    StaticDir(PathBuf),
    /// A size or duration that must be positive is zero.
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
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
    fn parses_a_full_command_line() -> Result<(), Box<dyn std::error::Error>> {
        let cli = parse(&[
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
        ])?;
        assert_eq!(cli.listen.port(), 9000);
        let config = cli.into_config()?;
        assert_eq!(config.policy.rules().len(), 2);
        assert_eq!(config.connect_timeout, Duration::from_secs(3));
        assert_eq!(config.policy.origins().allowed.len(), 1);
        assert_eq!(config.policy.origins().missing, MissingOrigin::Deny);
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
            &["--listen", "nowhere"],
            &["--connect-timeout", "0"],
            &["--origin", "mail.example.com"],
            &["--origin", "https://mail.example.com/app"],
            &["--missing-origin", "maybe"],
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
            cli.map(Cli::into_config),
            Ok(Err(ConfigError::StaticDir(_)))
        ));
    }
}
