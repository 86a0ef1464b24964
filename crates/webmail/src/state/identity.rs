//! Identities: who the user writes as (a name, an address, a signature). The first is the
//! default; a reply comes from the one the original was addressed to. Remembered in this
//! browser per account (they are not secret).

use webimap_client::compose::Mailbox;

/// One identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Identity {
    /// The display name (may be empty).
    pub(crate) name: String,
    /// `local@domain`.
    pub(crate) address: String,
    /// Added under what is written (may be empty).
    pub(crate) signature: String,
}

impl Identity {
    /// As a From mailbox.
    pub(crate) fn mailbox(&self) -> Mailbox {
        let name = self.name.trim();
        Mailbox::new((!name.is_empty()).then_some(name), self.address.trim())
    }

    /// `Name <address>` or the address, for a menu.
    pub(crate) fn label(&self) -> String {
        match self.name.trim() {
            "" => self.address.trim().to_string(),
            name => format!("{name} <{}>", self.address.trim()),
        }
    }
}

/// The default identity of `username` on IMAP server `host`: the user name when it is
/// an address, else `username@` the server's domain (the host without its first label,
/// when it has a dot left), else empty (to be filled in the settings).
pub(crate) fn default_identity(username: &str, host: &str) -> Identity {
    let username = username.trim();
    let address = if username.contains('@') {
        username.to_string()
    } else {
        let host = host.trim().trim_end_matches('.');
        let is_name = host.chars().any(|c| c.is_ascii_alphabetic()) && !host.contains(':');
        match host.split_once('.') {
            Some((_, domain)) if is_name && domain.contains('.') => format!("{username}@{domain}"),
            _ => String::new(),
        }
    };
    Identity {
        name: String::new(),
        address,
        signature: String::new(),
    }
}

/// The identities as From mailboxes, for `compose::reply` and `choose_identity`.
pub(crate) fn mailboxes(identities: &[Identity]) -> Vec<Mailbox> {
    identities
        .iter()
        .filter(|i| !i.address.trim().is_empty())
        .map(Identity::mailbox)
        .collect()
}

/// The identity whose address is `address` (case-insensitive), else the first.
pub(crate) fn by_address<'a>(identities: &'a [Identity], address: &str) -> Option<&'a Identity> {
    identities
        .iter()
        .find(|i| i.address.trim().eq_ignore_ascii_case(address.trim()))
        .or_else(|| identities.first())
}

/// `text` with `signature` under the usual `-- ` separator (nothing for none).
pub(crate) fn with_signature(text: &str, signature: &str) -> String {
    if signature.trim().is_empty() {
        return text.to_string();
    }
    format!("{text}\n\n-- \n{}", signature.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_comes_from_the_user_name_or_the_server() {
        assert_eq!(
            default_identity("alice@example.org", "imap.x.com").address,
            "alice@example.org"
        );
        assert_eq!(
            default_identity("alice", "imap.example.com").address,
            "alice@example.com"
        );
        // Nothing sensible to derive: left for the settings.
        assert_eq!(default_identity("demo", "127.0.0.1").address, "");
        assert_eq!(default_identity("demo", "localhost").address, "");
        assert_eq!(default_identity("demo", "example.com").address, "");
        assert_eq!(default_identity("demo", "::1").address, "");
    }

    #[test]
    fn identities_as_mailboxes_and_labels() {
        let ids = vec![
            Identity {
                name: " Alice ".into(),
                address: "alice@a.test".into(),
                signature: String::new(),
            },
            Identity {
                name: String::new(),
                address: "Work@B.test".into(),
                signature: "Alice, B".into(),
            },
            Identity::default(),
        ];
        let boxes = mailboxes(&ids);
        assert_eq!(boxes.len(), 2, "one without an address is left out");
        assert_eq!(boxes[0], Mailbox::new(Some("Alice"), "alice@a.test"));
        assert_eq!(boxes[1], Mailbox::new(None, "Work@B.test"));
        assert_eq!(ids[0].label(), "Alice <alice@a.test>");
        assert_eq!(ids[1].label(), "Work@B.test");
        assert_eq!(by_address(&ids, "work@b.test"), Some(&ids[1]));
        assert_eq!(by_address(&ids, "other@c.test"), Some(&ids[0]));
        assert_eq!(by_address(&[], "x"), None);
    }

    #[test]
    fn signatures_go_under_the_separator() {
        assert_eq!(with_signature("Hi", ""), "Hi");
        assert_eq!(with_signature("Hi", "Alice\n"), "Hi\n\n-- \nAlice");
    }
}
