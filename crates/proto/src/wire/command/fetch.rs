//! FETCH items: data items and body section specifiers.

use super::writer::CommandWriter;
use crate::types::{
    command::FetchAttribute,
    section::{Partial, Section, SectionKind},
};

impl CommandWriter<'_> {
    fn section(&mut self, section: &Section) {
        let part = section
            .part_numbers()
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        self.raw(part.as_bytes());
        if let Some(kind) = section.kind() {
            if !part.is_empty() {
                self.raw(b".");
            }
            let fields = |w: &mut Self, name: &[u8], list: &[String]| {
                w.raw(name);
                w.raw(b" (");
                for (n, f) in list.iter().enumerate() {
                    if n > 0 {
                        w.raw(b" ");
                    }
                    w.string(f.as_bytes(), true);
                }
                w.raw(b")");
            };
            match kind {
                SectionKind::Header => self.raw(b"HEADER"),
                SectionKind::HeaderFields(f) => fields(self, b"HEADER.FIELDS", f),
                SectionKind::HeaderFieldsNot(f) => fields(self, b"HEADER.FIELDS.NOT", f),
                SectionKind::Text => self.raw(b"TEXT"),
                SectionKind::Mime => self.raw(b"MIME"),
            }
        }
    }

    pub(super) fn fetch_attribute(&mut self, item: &FetchAttribute) {
        let partial = |w: &mut Self, p: &Option<Partial>| {
            if let Some(p) = p {
                w.raw(format!("<{}.{}>", p.offset(), p.length()).as_bytes());
            }
        };
        match item {
            FetchAttribute::Uid => self.raw(b"UID"),
            FetchAttribute::Flags => self.raw(b"FLAGS"),
            FetchAttribute::InternalDate => self.raw(b"INTERNALDATE"),
            FetchAttribute::Rfc822Size => self.raw(b"RFC822.SIZE"),
            FetchAttribute::Envelope => self.raw(b"ENVELOPE"),
            FetchAttribute::BodyStructure => self.raw(b"BODYSTRUCTURE"),
            FetchAttribute::Body => self.raw(b"BODY"),
            FetchAttribute::ModSeq => self.raw(b"MODSEQ"),
            FetchAttribute::EmailId => self.raw(b"EMAILID"),
            FetchAttribute::ThreadId => self.raw(b"THREADID"),
            FetchAttribute::Preview => self.raw(b"PREVIEW"),
            FetchAttribute::GmailMessageId => self.raw(b"X-GM-MSGID"),
            FetchAttribute::GmailThreadId => self.raw(b"X-GM-THRID"),
            FetchAttribute::GmailLabels => self.raw(b"X-GM-LABELS"),
            FetchAttribute::BinarySize(part) => {
                let part = part
                    .part_numbers()
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                self.raw(format!("BINARY.SIZE[{part}]").as_bytes());
            }
            FetchAttribute::Binary {
                part,
                partial: p,
                peek,
            } => {
                let part = part
                    .part_numbers()
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                self.raw(
                    format!("{}[{part}]", if *peek { "BINARY.PEEK" } else { "BINARY" }).as_bytes(),
                );
                partial(self, p);
            }
            FetchAttribute::BodySection {
                section,
                partial: p,
                peek,
            } => {
                self.raw(if *peek {
                    b"BODY.PEEK[".as_slice()
                } else {
                    b"BODY["
                });
                self.section(section);
                self.raw(b"]");
                partial(self, p);
            }
        }
    }
}
