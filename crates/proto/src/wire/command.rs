//! Encoder for commands: chooses atom, quoted string or literal for every value.

use crate::{
    codec::encode::{EncodeOptions, Fragment},
    types::{
        command::{Command, FetchAttribute, ListPattern},
        core::{Tag, is_astring_char, is_atom_char},
        mailbox::MailboxName,
    },
};

/// Builds a command's fragments: lines and the literals between them.
pub(crate) struct CommandWriter<'o> {
    options: &'o EncodeOptions,
    fragments: Vec<Fragment>,
    line: Vec<u8>,
}

impl<'o> CommandWriter<'o> {
    pub(crate) fn new(options: &'o EncodeOptions) -> Self {
        Self {
            options,
            fragments: Vec::new(),
            line: Vec::new(),
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
    }

    /// A string value (`astring` where `allow_atom`, else `string`).
    fn string(&mut self, value: &[u8], allow_atom: bool) {
        let is_8bit = value.iter().any(|&b| b >= 0x80);
        let can_quote = !value.iter().any(|&b| matches!(b, 0 | b'\r' | b'\n'))
            && (!is_8bit || (self.options.utf8_accept && std::str::from_utf8(value).is_ok()));
        if allow_atom
            && !value.is_empty()
            && value.iter().all(|&b| is_astring_char(b))
            && !value.eq_ignore_ascii_case(b"NIL")
        {
            self.raw(value);
        } else if can_quote && value.len() <= 1024 {
            self.line.push(b'"');
            for &b in value {
                if b == b'"' || b == b'\\' {
                    self.line.push(b'\\');
                }
                self.line.push(b);
            }
            self.line.push(b'"');
        } else {
            self.literal(value);
        }
    }

    fn literal(&mut self, value: &[u8]) {
        let non_sync =
            self.options.literal_plus || (self.options.literal_minus && value.len() <= 4096);
        let header = if non_sync {
            format!("{{{}+}}\r\n", value.len())
        } else {
            format!("{{{}}}\r\n", value.len())
        };
        self.line.extend_from_slice(header.as_bytes());
        self.fragments.push(Fragment::Line {
            data: std::mem::take(&mut self.line),
        });
        self.fragments.push(Fragment::Literal {
            data: value.to_vec(),
            sync: !non_sync,
        });
    }

    fn mailbox(&mut self, name: &MailboxName) {
        if name.is_inbox() {
            self.raw(b"INBOX");
        } else {
            self.string(name.as_wire(), true);
        }
    }

    fn finish(mut self) -> Vec<Fragment> {
        self.line.extend_from_slice(b"\r\n");
        self.fragments.push(Fragment::Line { data: self.line });
        self.fragments
    }
}

/// Encodes `tag SP command CRLF` as fragments.
pub(crate) fn encode(tag: &Tag, command: &Command, options: &EncodeOptions) -> Vec<Fragment> {
    let mut w = CommandWriter::new(options);
    w.raw(tag.as_str().as_bytes());
    w.raw(b" ");
    w.raw(command.name().as_bytes());
    match command {
        Command::Capability | Command::Noop | Command::Logout | Command::StartTls => {}
        Command::Login { username, password } => {
            w.raw(b" ");
            w.string(username.as_bytes(), true);
            w.raw(b" ");
            w.string(password.expose().as_bytes(), true);
        }
        Command::List { reference, pattern } => {
            w.raw(b" ");
            w.string(reference.as_wire(), true);
            w.raw(b" ");
            list_pattern(&mut w, pattern);
        }
        Command::Select { mailbox } | Command::Examine { mailbox } => {
            w.raw(b" ");
            w.mailbox(mailbox);
        }
        Command::Fetch { set, items, .. } => {
            w.raw(b" ");
            w.raw(set.to_string().as_bytes());
            w.raw(b" (");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    w.raw(b" ");
                }
                w.raw(fetch_attribute(item).as_bytes());
            }
            w.raw(b")");
        }
    }
    w.finish()
}

fn list_pattern(w: &mut CommandWriter<'_>, pattern: &ListPattern) {
    let v = &pattern.0;
    if !v.is_empty()
        && v.iter()
            .all(|&b| is_atom_char(b) || matches!(b, b'%' | b'*' | b']'))
    {
        w.raw(v);
    } else {
        w.string(v, false);
    }
}

fn fetch_attribute(item: &FetchAttribute) -> String {
    match item {
        FetchAttribute::Uid => "UID".into(),
        FetchAttribute::Flags => "FLAGS".into(),
        FetchAttribute::InternalDate => "INTERNALDATE".into(),
        FetchAttribute::Rfc822Size => "RFC822.SIZE".into(),
        FetchAttribute::Envelope => "ENVELOPE".into(),
        FetchAttribute::BodyStructure => "BODYSTRUCTURE".into(),
        FetchAttribute::BodySection {
            section,
            partial,
            peek,
        } => {
            let mut s = format!(
                "{}[{}]",
                if *peek { "BODY.PEEK" } else { "BODY" },
                section.to_wire()
            );
            if let Some((offset, len)) = partial {
                s.push_str(&format!("<{offset}.{len}>"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        command::{Section, SectionKind},
        sequence::SequenceSet,
    };

    fn dump(cmd: &Command, options: &EncodeOptions) -> Vec<u8> {
        let tag = Tag::new("A1").unwrap();
        encode(&tag, cmd, options)
            .into_iter()
            .flat_map(Fragment::into_bytes)
            .collect()
    }

    #[test]
    fn login_chooses_atom_quoted_literal() {
        let plain = EncodeOptions::default();
        assert_eq!(
            dump(&Command::login("alice", "secret").unwrap(), &plain),
            b"A1 LOGIN alice secret\r\n"
        );
        assert_eq!(
            dump(&Command::login("a b", "p\"w\\").unwrap(), &plain),
            b"A1 LOGIN \"a b\" \"p\\\"w\\\\\"\r\n"
        );
        assert_eq!(
            dump(&Command::login("nil", "x").unwrap(), &plain),
            b"A1 LOGIN \"nil\" x\r\n"
        );
        let frags = encode(
            &Tag::new("A1").unwrap(),
            &Command::login("bob", "pässword").unwrap(),
            &plain,
        );
        assert_eq!(
            frags.len(),
            3,
            "8-bit password goes as a literal: {frags:?}"
        );
        assert_eq!(
            frags[0],
            Fragment::Line {
                data: b"A1 LOGIN bob {9}\r\n".to_vec()
            }
        );
        assert_eq!(
            frags[1],
            Fragment::Literal {
                data: "pässword".as_bytes().to_vec(),
                sync: true
            }
        );
        assert_eq!(
            frags[2],
            Fragment::Line {
                data: b"\r\n".to_vec()
            }
        );
        let plus = EncodeOptions {
            literal_plus: true,
            ..Default::default()
        };
        assert_eq!(
            dump(&Command::login("bob", "pässword").unwrap(), &plus),
            "A1 LOGIN bob {9+}\r\npässword\r\n".as_bytes()
        );
    }

    #[test]
    fn cr_lf_cannot_be_smuggled() {
        assert!(Command::login("alice\r\nA2 DELETE INBOX", "x").is_err());
        assert!(MailboxName::from_display("x\r\nA2 LOGOUT").is_err());
        // A name from the server with CR/LF (wire form) still cannot break the line.
        let evil = MailboxName::from_wire(b"x\r\nA2 LOGOUT".to_vec());
        let out = dump(
            &Command::Select { mailbox: evil },
            &EncodeOptions::default(),
        );
        assert_eq!(out, b"A1 SELECT {12}\r\nx\r\nA2 LOGOUT\r\n");
    }

    #[test]
    fn select_list_fetch() {
        let o = EncodeOptions::default();
        assert_eq!(
            dump(
                &Command::Select {
                    mailbox: MailboxName::from_display("inbox").unwrap()
                },
                &o
            ),
            b"A1 SELECT INBOX\r\n"
        );
        assert_eq!(
            dump(
                &Command::Examine {
                    mailbox: MailboxName::from_display("Work/Grüße & more").unwrap()
                },
                &o
            ),
            b"A1 EXAMINE \"Work/Gr&APwA3w-e &- more\"\r\n"
        );
        assert_eq!(
            dump(
                &Command::List {
                    reference: MailboxName::from_wire(Vec::new()),
                    pattern: ListPattern::all()
                },
                &o
            ),
            b"A1 LIST \"\" *\r\n"
        );
        let fetch = Command::fetch(
            SequenceSet::from_numbers([1, 2, 3, 7]).unwrap(),
            vec![
                FetchAttribute::Uid,
                FetchAttribute::Flags,
                FetchAttribute::BodySection {
                    section: Section::with_kind(vec![1], SectionKind::Mime),
                    partial: None,
                    peek: true,
                },
                FetchAttribute::BodySection {
                    section: Section::part(vec![2]),
                    partial: Some((0, 1024)),
                    peek: false,
                },
                FetchAttribute::BodySection {
                    section: Section::with_kind(
                        vec![],
                        SectionKind::HeaderFields(vec!["FROM".into(), "TO".into()]),
                    ),
                    partial: None,
                    peek: true,
                },
            ],
            true,
        )
        .unwrap();
        assert_eq!(
            dump(&fetch, &o),
            b"A1 UID FETCH 1:3,7 (UID FLAGS BODY.PEEK[1.MIME] BODY[2]<0.1024> BODY.PEEK[HEADER.FIELDS (FROM TO)])\r\n"
        );
    }
}
