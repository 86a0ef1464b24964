//! Address suggestions for the recipient fields: every address seen in the loaded
//! summaries (senders and recipients), ranked by how often it appears, matched by the
//! start of its address or of a word of its name.

use std::collections::HashMap;

use webimap_client::{
    compose::{Mailbox, parse_mailboxes},
    model::MessageSummary,
};

/// The most suggestions shown at once.
pub(crate) const MAX_SUGGESTIONS: usize = 6;

/// Addresses seen, most used first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct AddressBook {
    entries: Vec<(Mailbox, usize)>,
}

impl AddressBook {
    /// The addresses of `summaries`; the name kept is the first non-empty one seen.
    pub(crate) fn from_summaries(summaries: &[MessageSummary]) -> Self {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<(Mailbox, usize)> = Vec::new();
        let seen = summaries
            .iter()
            .flat_map(|m| m.from.iter().chain(&m.to).chain(&m.cc));
        for address in seen {
            let key = address.email.trim().to_lowercase();
            if key.is_empty() || !key.contains('@') {
                continue;
            }
            match index.get(&key) {
                Some(&i) => {
                    let (mailbox, count) = &mut entries[i];
                    *count += 1;
                    if mailbox.name.is_none() {
                        mailbox.name = clean_name(address.name.as_deref());
                    }
                }
                None => {
                    index.insert(key, entries.len());
                    let name = clean_name(address.name.as_deref());
                    entries.push((Mailbox::new(name.as_deref(), address.email.trim()), 1));
                }
            }
        }
        // Most used first; ties in the order first seen (stable sort).
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        AddressBook { entries }
    }

    /// Up to [`MAX_SUGGESTIONS`] addresses starting with `typed` (or a word of whose name
    /// does), most used first, leaving out those in `exclude`.
    pub(crate) fn suggest(&self, typed: &str, exclude: &[Mailbox]) -> Vec<Mailbox> {
        let typed = typed.trim().to_lowercase();
        if typed.is_empty() {
            return Vec::new();
        }
        self.entries
            .iter()
            .map(|(mailbox, _)| mailbox)
            .filter(|m| !exclude.iter().any(|e| e.same_address(&m.address)))
            .filter(|m| {
                m.address.to_lowercase().starts_with(&typed)
                    || m.name.as_deref().is_some_and(|name| {
                        let name = name.to_lowercase();
                        name.starts_with(&typed)
                            || name.split_whitespace().any(|w| w.starts_with(&typed))
                    })
            })
            .take(MAX_SUGGESTIONS)
            .cloned()
            .collect()
    }

    /// How many addresses are known.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

fn clean_name(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|n| !n.is_empty() && !n.contains('@'))
        .map(str::to_string)
}

/// Reads what was typed in a recipient field into mailboxes (the engine's parser of
/// addresses as people type them: `a@b, Name <c@d>, "Doe, Jane" <e@f>`). The error says,
/// in words, what is wrong.
pub(crate) fn parse_recipients(text: &str) -> Result<Vec<Mailbox>, String> {
    parse_mailboxes(text).map_err(|e| {
        let text = e.to_string();
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
            None => text,
        }
    })
}

#[cfg(test)]
mod tests {
    use webimap_client::model::EmailAddress;

    use super::*;

    fn addr(name: Option<&str>, email: &str) -> EmailAddress {
        EmailAddress {
            name: name.map(str::to_string),
            email: email.into(),
        }
    }

    fn summary(from: EmailAddress, to: Vec<EmailAddress>) -> MessageSummary {
        MessageSummary {
            from: vec![from],
            to,
            ..MessageSummary::default()
        }
    }

    #[test]
    fn ranked_by_use_and_matched_by_address_or_name() {
        let book = AddressBook::from_summaries(&[
            summary(addr(None, "bob@b.test"), vec![addr(None, "me@m.test")]),
            summary(
                addr(Some("Bob Builder"), "BOB@b.test"),
                vec![addr(None, "me@m.test")],
            ),
            summary(
                addr(Some("Barbara Smith"), "barbara@c.test"),
                vec![addr(None, "me@m.test"), addr(None, "not an address")],
            ),
        ]);
        assert_eq!(book.len(), 3);
        // "b": bob (2 uses) before barbara (1); me@ not matched.
        let found = book.suggest("b", &[]);
        assert_eq!(
            found,
            vec![
                Mailbox::new(Some("Bob Builder"), "bob@b.test"),
                Mailbox::new(Some("Barbara Smith"), "barbara@c.test"),
            ]
        );
        // A word of the name matches; case does not matter.
        assert_eq!(book.suggest("SMI", &[]).len(), 1);
        // Already chosen: left out.
        assert_eq!(
            book.suggest("b", &[Mailbox::new(None, "Bob@B.test")]),
            vec![Mailbox::new(Some("Barbara Smith"), "barbara@c.test")]
        );
        assert!(book.suggest(" ", &[]).is_empty());
        // The most used address of all comes first when it matches.
        assert_eq!(book.suggest("m", &[])[0].address, "me@m.test");
    }

    #[test]
    fn typed_recipients_are_read_or_said_to_be_wrong() {
        assert_eq!(
            parse_recipients("a@b.test, \"Doe, Jane\" <jane@d.test>, Bo <bo@e.test>"),
            Ok(vec![
                Mailbox::new(None, "a@b.test"),
                Mailbox::new(Some("Doe, Jane"), "jane@d.test"),
                Mailbox::new(Some("Bo"), "bo@e.test"),
            ])
        );
        assert_eq!(parse_recipients(" "), Ok(vec![]));
        let wrong = parse_recipients("a@b.test, nope").unwrap_err();
        assert!(wrong.contains("nope") && wrong.ends_with('.'), "{wrong}");
    }
}
