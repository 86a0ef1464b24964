//! Address suggestions for the recipient fields: every address seen in the loaded
//! summaries (senders and recipients), ranked by how often it appears, matched by the
//! start of its address or of a word of its name.

use std::collections::HashMap;

use webimap_client::{compose::Mailbox, model::MessageSummary};

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

/// Reads what was typed in a recipient field into mailboxes: `a@b, Name <c@d>; e@f`.
/// Whatever is not an address comes back as the error, as typed.
pub(crate) fn parse_recipients(text: &str) -> Result<Vec<Mailbox>, String> {
    let mut out = Vec::new();
    for piece in split_outside_quotes(text) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let mailbox = match (piece.rfind('<'), piece.ends_with('>')) {
            (Some(open), true) => {
                let name = piece[..open].trim().trim_matches('"').trim();
                let address = piece[open + 1..piece.len() - 1].trim();
                Mailbox::new((!name.is_empty()).then_some(name), address)
            }
            _ => Mailbox::new(None, piece),
        };
        if mailbox.validate().is_err() {
            return Err(piece.to_string());
        }
        out.push(mailbox);
    }
    Ok(out)
}

/// `text` split at commas and semicolons that are not inside double quotes.
fn split_outside_quotes(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => {
                pieces.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces
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
    fn typed_recipients_are_read_or_named_as_wrong() {
        assert_eq!(
            parse_recipients("a@b.test, \"Doe, Jane\" <jane@d.test>; Bo <bo@e.test> ,"),
            Ok(vec![
                Mailbox::new(None, "a@b.test"),
                Mailbox::new(Some("Doe, Jane"), "jane@d.test"),
                Mailbox::new(Some("Bo"), "bo@e.test"),
            ])
        );
        assert_eq!(parse_recipients(""), Ok(vec![]));
        assert_eq!(parse_recipients("a@b.test, nope"), Err("nope".into()));
        assert_eq!(
            parse_recipients("x <a b@c>"),
            Err("x <a b@c>".into()),
            "a space in the address"
        );
    }
}
