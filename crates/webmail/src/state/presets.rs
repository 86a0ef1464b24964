//! Sign-in presets: the IMAP settings of common providers, filled into the form when
//! picked. (The relay must allow the provider's server; most providers want an app
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
    },
    Preset {
        id: "fastmail",
        label: "Fastmail",
        server: "imap.fastmail.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
    },
    Preset {
        id: "gmail",
        label: "Gmail",
        server: "imap.gmail.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
    },
    Preset {
        id: "gmx",
        label: "GMX",
        server: "imap.gmx.net",
        port: 993,
        security: Security::Tls,
        note: "Turn on IMAP access in GMX's mail settings first.",
    },
    Preset {
        id: "icloud",
        label: "iCloud Mail",
        server: "imap.mail.me.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
    },
    Preset {
        id: "mailbox-org",
        label: "mailbox.org",
        server: "imap.mailbox.org",
        port: 993,
        security: Security::Tls,
        note: "Your mailbox.org password, or an app password if you use two-factor sign-in.",
    },
    Preset {
        id: "outlook",
        label: "Outlook.com / Microsoft 365",
        server: "outlook.office365.com",
        port: 993,
        security: Security::Tls,
        note: "Microsoft allows password sign-in only where the account or its admin permits it.",
    },
    Preset {
        id: "yahoo",
        label: "Yahoo Mail",
        server: "imap.mail.yahoo.com",
        port: 993,
        security: Security::Tls,
        note: APP_PASSWORD,
    },
    Preset {
        id: "zoho",
        label: "Zoho Mail",
        server: "imap.zoho.com",
        port: 993,
        security: Security::Tls,
        note: "Turn on IMAP access in Zoho Mail's settings; with two-factor sign-in, use an app password.",
    },
];

/// The preset with form value `id`.
pub(crate) fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
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
    /// Fills the form's server, port and security.
    pub(crate) fn apply(&self, settings: &mut Settings) {
        settings.server = self.server.to_string();
        settings.port = self.port.to_string();
        settings.security = self.security;
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
        }
    }
}
