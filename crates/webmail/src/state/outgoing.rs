//! The outgoing (SMTP submission) server: what the sign-in form's outgoing fields mean
//! once blanks are filled in from the IMAP server (and a provider's preset), and the
//! password kept for it in memory only.

use std::{fmt, rc::Rc};

use super::{
    error::UiError,
    presets,
    settings::{Security, Settings, Target},
};

/// Where and as whom to send, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    /// The relay's WebSocket URL (the IMAP one).
    pub(crate) relay_url: String,
    /// The submission server.
    pub(crate) host: String,
    /// Its port.
    pub(crate) port: u16,
    /// Its security.
    pub(crate) security: Security,
    /// The extra CA (the IMAP one: a self-hosted server has one authority).
    pub(crate) ca_pem: Option<String>,
    /// The user name (the IMAP one).
    pub(crate) username: String,
    /// The provider files submitted mail in Sent itself.
    pub(crate) files_sent: bool,
}

impl Outgoing {
    /// `host:port`, as a user reads it.
    pub(crate) fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The outgoing server for an IMAP server `imap_host`, when the form leaves it blank: the
/// provider's, else `smtp.` for a leading `imap.`, else the same host.
pub(crate) fn derived_host(imap_host: &str) -> String {
    let host = imap_host.trim();
    if let Some(preset) = presets::by_server(host) {
        return preset.smtp_server.to_string();
    }
    match host.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("imap.") => format!("smtp.{}", &host[5..]),
        _ => host.to_string(),
    }
}

/// The outgoing server the form names, blanks filled in; `target` is the validated IMAP
/// side. The error says what to fix.
pub(crate) fn outgoing_for(settings: &Settings, target: &Target) -> Result<Outgoing, UiError> {
    let typed = settings.smtp_server.trim();
    let host = if typed.is_empty() {
        derived_host(&target.host)
    } else {
        typed.to_string()
    };
    if host
        .chars()
        .any(|c| c.is_whitespace() || c == '/' || c == '@')
    {
        return Err(UiError::Invalid(
            "The outgoing server should be a host name like smtp.example.com.".into(),
        ));
    }
    let security = settings.smtp_security;
    let port = match settings.smtp_port.trim() {
        "" => security.submission_port(),
        typed => match typed.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                return Err(UiError::Invalid(
                    "Enter an outgoing port between 1 and 65535 (usually 465 or 587).".into(),
                ));
            }
        },
    };
    Ok(Outgoing {
        relay_url: target.relay_url.clone(),
        files_sent: presets::by_smtp_server(&host).is_some_and(|p| p.files_sent),
        host,
        port,
        security,
        ca_pem: target.ca_pem.clone(),
        username: target.username.clone(),
    })
}

/// A password held in memory only, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Password(Rc<str>);

impl Password {
    /// Wraps `password`.
    pub(crate) fn new(password: &str) -> Self {
        Password(Rc::from(password))
    }

    /// The password itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str) -> Target {
        Target {
            relay_url: "ws://r/relay".into(),
            host: host.into(),
            port: 993,
            security: Security::Tls,
            ca_pem: Some("PEM".into()),
            username: "alice".into(),
        }
    }

    #[test]
    fn blanks_are_derived_from_the_imap_server() {
        assert_eq!(derived_host("imap.example.com"), "smtp.example.com");
        assert_eq!(derived_host("IMAP.example.com"), "smtp.example.com");
        assert_eq!(derived_host("mail.example.com"), "mail.example.com");
        assert_eq!(derived_host("127.0.0.1"), "127.0.0.1");
        assert_eq!(derived_host("imap.gmail.com"), "smtp.gmail.com");
        assert_eq!(derived_host("outlook.office365.com"), "smtp.office365.com");
        let out = outgoing_for(&Settings::default(), &target("imap.example.com")).unwrap();
        assert_eq!(
            out,
            Outgoing {
                relay_url: "ws://r/relay".into(),
                host: "smtp.example.com".into(),
                port: 465,
                security: Security::Tls,
                ca_pem: Some("PEM".into()),
                username: "alice".into(),
                files_sent: false,
            }
        );
        assert_eq!(out.address(), "smtp.example.com:465");
        let starttls = Settings {
            smtp_security: Security::StartTls,
            ..Settings::default()
        };
        assert_eq!(
            outgoing_for(&starttls, &target("h")).unwrap().port,
            587,
            "STARTTLS submits on 587"
        );
    }

    #[test]
    fn typed_values_win_and_providers_that_file_sent_mail_are_known() {
        let settings = Settings {
            smtp_server: " smtp.gmail.com ".into(),
            smtp_port: "2525".into(),
            ..Settings::default()
        };
        let out = outgoing_for(&settings, &target("imap.example.com")).unwrap();
        assert_eq!((out.host.as_str(), out.port), ("smtp.gmail.com", 2525));
        assert!(out.files_sent);
        for port in ["0", "x", "70000"] {
            let bad = Settings {
                smtp_port: port.into(),
                ..Settings::default()
            };
            assert!(matches!(
                outgoing_for(&bad, &target("h")),
                Err(UiError::Invalid(text)) if text.contains("outgoing port")
            ));
        }
        let bad = Settings {
            smtp_server: "smtp example".into(),
            ..Settings::default()
        };
        assert!(outgoing_for(&bad, &target("h")).is_err());
    }

    #[test]
    fn a_password_never_shows() {
        let p = Password::new("hunter2");
        assert_eq!(p.expose(), "hunter2");
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
