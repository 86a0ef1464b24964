//! What the sign-in form asks for, and what of it is remembered. The password is never
//! part of [`Settings`]: it goes straight from the form to the login.

use super::error::UiError;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Security {
    /// Plain text (IMAP on port 143).
    None,
    /// Implicit TLS (port 993), run inside the browser: the relay sees only ciphertext.
    #[default]
    Tls,
    /// STARTTLS on port 143, also inside the browser.
    StartTls,
}

impl Security {
    /// Every choice, in the order the form lists them.
    pub(crate) const ALL: [Security; 3] = [Security::Tls, Security::StartTls, Security::None];

    /// The form value (`none`, `tls`, `starttls`).
    pub(crate) fn value(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::Tls => "tls",
            Security::StartTls => "starttls",
        }
    }

    /// From a form value.
    pub(crate) fn from_value(value: &str) -> Option<Self> {
        Security::ALL.into_iter().find(|s| s.value() == value)
    }

    /// What the form shows.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Security::None => "None (unencrypted)",
            Security::Tls => "TLS",
            Security::StartTls => "STARTTLS",
        }
    }

    /// The usual port.
    pub(crate) fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            Security::None | Security::StartTls => 143,
        }
    }

    /// The usual port of the outgoing (submission) server: 465 for implicit TLS, else 587.
    pub(crate) fn submission_port(self) -> u16 {
        match self {
            Security::Tls => 465,
            Security::None | Security::StartTls => 587,
        }
    }
}

/// The sign-in form's fields (without the password), as typed; remembered in the
/// browser between visits as a JSON object of [`Settings::fields`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// IMAP server host name.
    pub(crate) server: String,
    /// IMAP port, as typed.
    pub(crate) port: String,
    /// Connection security.
    pub(crate) security: Security,
    /// User name.
    pub(crate) username: String,
    /// The relay's WebSocket URL, when not the page's own (`None` means the default).
    pub(crate) relay_url: Option<String>,
    /// An extra CA certificate (PEM) trusted for this server, for self-hosted servers.
    /// Public, not a secret.
    pub(crate) ca_pem: Option<String>,
    /// The outgoing (SMTP submission) server; blank: derived from the IMAP server.
    pub(crate) smtp_server: String,
    /// The outgoing port, as typed; blank: the usual one for its security.
    pub(crate) smtp_port: String,
    /// The outgoing server's security.
    pub(crate) smtp_security: Security,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            server: String::new(),
            port: Security::Tls.default_port().to_string(),
            security: Security::Tls,
            username: String::new(),
            relay_url: None,
            ca_pem: None,
            smtp_server: String::new(),
            smtp_port: String::new(),
            smtp_security: Security::Tls,
        }
    }
}

impl Settings {
    /// What is remembered, by name (the names of the stored JSON object): strings, or
    /// `None` for null. There is no password to leave out: [`Settings`] has none.
    pub(crate) fn fields(&self) -> [(&'static str, Option<&str>); 9] {
        [
            ("server", Some(&self.server)),
            ("port", Some(&self.port)),
            ("security", Some(self.security.value())),
            ("username", Some(&self.username)),
            ("relay_url", self.relay_url.as_deref()),
            ("ca_pem", self.ca_pem.as_deref()),
            ("smtp_server", Some(&self.smtp_server)),
            ("smtp_port", Some(&self.smtp_port)),
            ("smtp_security", Some(self.smtp_security.value())),
        ]
    }

    /// Back from [`Settings::fields`], given each name's string; a missing field, or
    /// one that is not a string, keeps its default.
    pub(crate) fn from_fields(mut get: impl FnMut(&str) -> Option<String>) -> Self {
        let d = Settings::default();
        Settings {
            server: get("server").unwrap_or(d.server),
            port: get("port").unwrap_or(d.port),
            security: get("security")
                .and_then(|s| Security::from_value(&s))
                .unwrap_or(d.security),
            username: get("username").unwrap_or(d.username),
            relay_url: get("relay_url"),
            ca_pem: get("ca_pem"),
            smtp_server: get("smtp_server").unwrap_or(d.smtp_server),
            smtp_port: get("smtp_port").unwrap_or(d.smtp_port),
            smtp_security: get("smtp_security")
                .and_then(|s| Security::from_value(&s))
                .unwrap_or(d.smtp_security),
        }
    }
}

/// Where and as whom to sign in: the validated form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The relay's WebSocket URL.
    pub(crate) relay_url: String,
    /// IMAP server host name.
    pub(crate) host: String,
    /// IMAP port.
    pub(crate) port: u16,
    /// Connection security.
    pub(crate) security: Security,
    /// Extra CA certificate (PEM).
    pub(crate) ca_pem: Option<String>,
    /// User name.
    pub(crate) username: String,
}

impl Target {
    /// `host:port`, as a user reads it.
    pub(crate) fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl Settings {
    /// The relay URL to use, given the page's default.
    pub(crate) fn relay_or<'a>(&'a self, default_relay: &'a str) -> &'a str {
        self.relay_url
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or(default_relay)
    }

    /// Checks the form; the error says what to fix.
    pub(crate) fn validate(&self, password: &str, default_relay: &str) -> Result<Target, UiError> {
        let invalid = |text: &str| Err(UiError::Invalid(text.to_string()));
        let host = self.server.trim();
        if host.is_empty() {
            return invalid("Enter the server's name, for example imap.example.com.");
        }
        if host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
        {
            return invalid("The server name should be a host name like imap.example.com.");
        }
        let port = match self.port.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return invalid("Enter a port number between 1 and 65535 (usually 143)."),
        };
        if self.username.trim().is_empty() {
            return invalid("Enter your user name.");
        }
        if password.is_empty() {
            return invalid("Enter your password.");
        }
        let relay_url = self.relay_or(default_relay).to_string();
        if !(relay_url.starts_with("ws://") || relay_url.starts_with("wss://")) {
            return invalid("The relay URL must start with ws:// or wss://.");
        }
        Ok(Target {
            relay_url,
            host: host.to_string(),
            port,
            security: self.security,
            ca_pem: self.ca_pem.clone(),
            username: self.username.trim().to_string(),
        })
    }
}

/// The relay on the app's own origin, for a page served with `protocol` (`https:`) from
/// `host`: `ws(s)://<host>/relay`.
pub(crate) fn relay_url_for(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/relay")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELAY: &str = "ws://localhost:8080/relay";

    fn filled() -> Settings {
        Settings {
            server: " mail.example.com ".into(),
            port: "143".into(),
            security: Security::None,
            username: "alice".into(),
            relay_url: None,
            ca_pem: None,
            ..Settings::default()
        }
    }

    fn invalid_text(settings: &Settings, password: &str) -> String {
        match settings.validate(password, RELAY) {
            Err(UiError::Invalid(text)) => text,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_filled_form_gives_a_target() {
        let target = filled().validate("secret", RELAY).unwrap();
        assert_eq!(
            target,
            Target {
                relay_url: RELAY.into(),
                host: "mail.example.com".into(),
                port: 143,
                security: Security::None,
                ca_pem: None,
                username: "alice".into()
            }
        );
        assert_eq!(target.address(), "mail.example.com:143");
    }

    #[test]
    fn a_custom_relay_wins_over_the_default() {
        let settings = Settings {
            relay_url: Some("wss://relay.example.org/relay".into()),
            ..filled()
        };
        assert_eq!(
            settings.validate("pw", RELAY).unwrap().relay_url,
            "wss://relay.example.org/relay"
        );
        let blank = Settings {
            relay_url: Some("  ".into()),
            ..filled()
        };
        assert_eq!(blank.validate("pw", RELAY).unwrap().relay_url, RELAY);
        let http = Settings {
            relay_url: Some("http://x/relay".into()),
            ..filled()
        };
        assert!(invalid_text(&http, "pw").contains("ws://"));
    }

    #[test]
    fn missing_or_wrong_fields_say_what_to_fix() {
        assert!(
            invalid_text(
                &Settings {
                    server: " ".into(),
                    ..filled()
                },
                "pw"
            )
            .contains("server")
        );
        assert!(
            invalid_text(
                &Settings {
                    server: "a b".into(),
                    ..filled()
                },
                "pw"
            )
            .contains("host name")
        );
        for port in ["", "0", "70000", "abc"] {
            assert!(
                invalid_text(
                    &Settings {
                        port: port.into(),
                        ..filled()
                    },
                    "pw"
                )
                .contains("port")
            );
        }
        assert!(
            invalid_text(
                &Settings {
                    username: "".into(),
                    ..filled()
                },
                "pw"
            )
            .contains("user name")
        );
        assert!(invalid_text(&filled(), "").contains("password"));
    }

    #[test]
    fn settings_round_trip_without_a_password() {
        let settings = Settings {
            relay_url: Some("wss://r/relay".into()),
            smtp_server: "smtp.example.com".into(),
            smtp_port: "587".into(),
            smtp_security: Security::StartTls,
            ..filled()
        };
        let fields = settings.fields();
        assert!(fields.iter().all(|(name, _)| !name.contains("password")));
        assert!(fields.contains(&("security", Some("none"))));
        assert!(fields.contains(&("ca_pem", None)));
        let back = Settings::from_fields(|name| {
            fields
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.map(str::to_string))
        });
        assert_eq!(back, settings);
        // Missing fields (and an unknown security value) fall back to defaults.
        let partial = Settings::from_fields(|name| match name {
            "server" => Some("h".into()),
            "security" => Some("ssl".into()),
            _ => None,
        });
        assert_eq!(
            partial,
            Settings {
                server: "h".into(),
                ..Settings::default()
            }
        );
    }

    #[test]
    fn security_values_round_trip() {
        for s in Security::ALL {
            assert_eq!(Security::from_value(s.value()), Some(s));
        }
        assert_eq!(Security::from_value("ssl"), None);
        assert_eq!(Security::Tls.default_port(), 993);
        assert_eq!(
            Settings::default().security,
            Security::Tls,
            "secure by default"
        );
    }

    #[test]
    fn the_relay_follows_the_page_scheme() {
        assert_eq!(
            relay_url_for("https:", "mail.example.org"),
            "wss://mail.example.org/relay"
        );
        assert_eq!(
            relay_url_for("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/relay"
        );
    }
}
