//! Sign-in presets: the IMAP and outgoing (SMTP submission) settings of common
//! providers, filled into the form when picked. (The relay must allow the provider's server; most providers want an app
//! password for IMAP, which the note says.)

use super::settings::{Security, Settings};

/// A provider's IMAP settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Preset {
    /// The form value.
    pub(crate) id: &'static str,
    /// What the form shows.
    pub(crate) label: &'static str,
    /// IMAP server.
    pub(crate) server: &'static str,
    /// IMAP port.
    pub(crate) port: u16,
    /// Connection security.
    pub(crate) security: Security,
    /// What the user should know to sign in.
    pub(crate) note: &'static str,
    /// The outgoing (submission) server.
    pub(crate) smtp_server: &'static str,
    /// Its port.
    pub(crate) smtp_port: u16,
    /// Its security.
    pub(crate) smtp_security: Security,
    /// Whether the provider files submitted mail in Sent itself (the app must not
    /// append a second copy).
    pub(crate) files_sent: bool,
}

const APP_PASSWORD: &str =
    "Use an app password from your account's security settings, not your normal password.";

/// The providers offered, by name.
pub(crate) const PRESETS: [Preset; 9] = [
    Preset {
        id: "aol",
        label: "AOL Mail",
        server: "imap.aol.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
        smtp_server: "smtp.aol.com",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
    Preset {
        id: "fastmail",
        label: "Fastmail",
        server: "imap.fastmail.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
        smtp_server: "smtp.fastmail.com",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
    Preset {
        id: "gmail",
        label: "Gmail",
        server: "imap.gmail.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
        smtp_server: "smtp.gmail.com",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: true,
    },
    Preset {
        id: "gmx",
        label: "GMX",
        server: "imap.gmx.net",
        port: 993,
        security: Security::Tls,
        note: "Turn on IMAP access in GMX's mail settings first.",
        smtp_server: "mail.gmx.net",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
    Preset {
        id: "icloud",
        label: "iCloud Mail",
        server: "imap.mail.me.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
        smtp_server: "smtp.mail.me.com",
        smtp_port: 587,
        smtp_security: Security::StartTls,
        files_sent: true,
    },
    Preset {
        id: "mailbox-org",
        label: "mailbox.org",
        server: "imap.mailbox.org",
        port: 993,
        security: Security::Tls,
        note: "Your mailbox.org password, or an app password if you use two-factor sign-in.",
        smtp_server: "smtp.mailbox.org",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
    Preset {
        id: "outlook",
        label: "Outlook.com / Microsoft 365",
        server: "outlook.office365.com",
        port: 993,
        security: Security::Tls,
        note: "Microsoft allows password sign-in only where the account or its admin permits it.",
        smtp_server: "smtp.office365.com",
        smtp_port: 587,
        smtp_security: Security::StartTls,
        files_sent: true,
    },
    Preset {
        id: "yahoo",
        label: "Yahoo Mail",
        server: "imap.mail.yahoo.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
        smtp_server: "smtp.mail.yahoo.com",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
    Preset {
        id: "zoho",
        label: "Zoho Mail",
        server: "imap.zoho.com",
        port: 993,
        security: Security::Tls,
        note: "Turn on IMAP access in Zoho Mail's settings; with two-factor sign-in, use an app password.",
        smtp_server: "smtp.zoho.com",
        smtp_port: 465,
        smtp_security: Security::Tls,
        files_sent: false,
    },
];

/// The preset with form value `id`.
pub(crate) fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset whose outgoing server is `host`, if any.
pub(crate) fn by_smtp_server(host: &str) -> Option<&'static Preset> {
    PRESETS
        .iter()
        .find(|p| p.smtp_server.eq_ignore_ascii_case(host.trim()))
}

/// The preset whose IMAP server is `host`, if any.
pub(crate) fn by_server(host: &str) -> Option<&'static Preset> {
    PRESETS
        .iter()
        .find(|p| p.server.eq_ignore_ascii_case(host.trim()))
}

/// The preset the form's server, port and security match, if any.
pub(crate) fn matching(settings: &Settings) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| {
        p.server.eq_ignore_ascii_case(settings.server.trim())
            && settings.port.trim() == p.port.to_string()
            && p.security == settings.security
    })
}

impl Preset {
    /// Fills the form's server, port and security, incoming and outgoing.
    pub(crate) fn apply(&self, settings: &mut Settings) {
        settings.server = self.server.to_string();
        settings.port = self.port.to_string();
        settings.security = self.security;
        settings.smtp_server = self.smtp_server.to_string();
        settings.smtp_port = self.smtp_port.to_string();
        settings.smtp_security = self.smtp_security;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picking_fills_the_form_and_typing_is_recognised() {
        let mut s = Settings::default();
        assert_eq!(matching(&s), None);
        let gmail = by_id("gmail").unwrap();
        gmail.apply(&mut s);
        assert_eq!(
            (s.server.as_str(), s.port.as_str(), s.security),
            ("imap.gmail.com", "993", Security::Tls)
        );
        assert_eq!(
            (
                s.smtp_server.as_str(),
                s.smtp_port.as_str(),
                s.smtp_security
            ),
            ("smtp.gmail.com", "465", Security::Tls)
        );
        assert_eq!(matching(&s), Some(gmail));
        s.port = "143".into();
        assert_eq!(matching(&s), None);
        s.port = "993".into();
        s.server = " IMAP.Gmail.com ".into();
        assert_eq!(matching(&s).map(|p| p.id), Some("gmail"));
        assert_eq!(by_id("nope"), None);
    }

    #[test]
    fn presets_are_sane() {
        let mut ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PRESETS.len(), "unique ids");
        for p in PRESETS {
            assert!(p.server.starts_with("imap.") || p.server.starts_with("outlook."));
            assert_eq!(p.security, Security::Tls, "{}: TLS only", p.id);
            assert!(!p.note.is_empty());
            assert_ne!(p.smtp_security, Security::None, "{}: encrypted", p.id);
            assert_eq!(p.smtp_port, p.smtp_security.submission_port(), "{}", p.id);
        }
        // The providers that file submitted mail in Sent themselves.
        let files: Vec<&str> = PRESETS
            .iter()
            .filter(|p| p.files_sent)
            .map(|p| p.id)
            .collect();
        assert_eq!(files, ["gmail", "icloud", "outlook"]);
        assert_eq!(
            by_smtp_server("SMTP.gmail.com").map(|p| p.id),
            Some("gmail")
        );
        assert_eq!(by_server("imap.mail.me.com").map(|p| p.id), Some("icloud"));
    }
}
