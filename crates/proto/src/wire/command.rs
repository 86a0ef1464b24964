//! Encoder for commands: chooses atom, quoted string or literal for every value.

use base64::Engine;

use crate::{
    types::{
        command::{
            Command, FetchAttribute, ListPattern, SearchDate, SearchKey, Section, SectionKind,
            StatusItem, StoreAction, ThreadAlgorithm,
        },
        core::{Flag, Tag, is_astring_char, is_atom_char},
        fetch::DateTime,
        mailbox::MailboxName,
    },
    wire::fragment::{EncodeOptions, Fragment},
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
        Command::Capability
        | Command::Noop
        | Command::Logout
        | Command::StartTls
        | Command::Namespace
        | Command::Check
        | Command::Close
        | Command::Unselect
        | Command::Expunge
        | Command::Idle => {}
        Command::CompressDeflate => w.raw(b" DEFLATE"),
        Command::Login { username, password } => {
            w.raw(b" ");
            w.string(username.as_str().as_bytes(), true);
            w.raw(b" ");
            w.string(password.expose().as_str().as_bytes(), true);
        }
        Command::Authenticate {
            mechanism,
            initial_response,
        } => {
            w.raw(b" ");
            w.raw(mechanism.as_str().as_bytes());
            if let Some(ir) = initial_response {
                w.raw(b" ");
                if ir.expose().is_empty() {
                    w.raw(b"=");
                } else {
                    w.raw(
                        base64::engine::general_purpose::STANDARD
                            .encode(ir.expose())
                            .as_bytes(),
                    );
                }
            }
        }
        Command::Enable(caps) => {
            for cap in caps {
                w.raw(b" ");
                w.raw(cap.as_str().as_bytes());
            }
        }
        Command::Id(params) => {
            w.raw(b" ");
            match params {
                None => w.raw(b"NIL"),
                Some(params) if params.is_empty() => w.raw(b"NIL"),
                Some(params) => {
                    w.raw(b"(");
                    for (n, (key, value)) in params.iter().enumerate() {
                        if n > 0 {
                            w.raw(b" ");
                        }
                        w.string(key.as_bytes(), false);
                        w.raw(b" ");
                        match value {
                            Some(v) => w.string(v.as_bytes(), false),
                            None => w.raw(b"NIL"),
                        }
                    }
                    w.raw(b")");
                }
            }
        }
        Command::List {
            reference,
            pattern,
            options,
        } => {
            w.raw(b" ");
            if options.subscribed {
                w.raw(b"(SUBSCRIBED) ");
            }
            w.string(reference.as_wire(), true);
            w.raw(b" ");
            list_pattern(&mut w, pattern);
            let mut returns: Vec<String> = Vec::new();
            if options.return_special_use {
                returns.push("SPECIAL-USE".into());
            }
            if options.return_children {
                returns.push("CHILDREN".into());
            }
            if options.return_subscribed {
                returns.push("SUBSCRIBED".into());
            }
            if !options.return_status.is_empty() {
                returns.push(format!("STATUS ({})", status_items(&options.return_status)));
            }
            if !returns.is_empty() {
                w.raw(format!(" RETURN ({})", returns.join(" ")).as_bytes());
            }
        }
        Command::Lsub { reference, pattern } => {
            w.raw(b" ");
            w.string(reference.as_wire(), true);
            w.raw(b" ");
            list_pattern(&mut w, pattern);
        }
        Command::Select { mailbox, options } | Command::Examine { mailbox, options } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            if let Some(q) = &options.qresync {
                w.raw(format!(" (QRESYNC ({} {}", q.uid_validity, q.modseq).as_bytes());
                if let Some(known) = &q.known_uids {
                    w.raw(format!(" {known}").as_bytes());
                }
                w.raw(b"))");
            } else if options.condstore {
                w.raw(b" (CONDSTORE)");
            }
        }
        Command::Create {
            mailbox,
            special_use,
        } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            if let Some(use_) = special_use {
                w.raw(format!(" (USE ({}))", use_.as_wire()).as_bytes());
            }
        }
        Command::Delete { mailbox }
        | Command::Subscribe { mailbox }
        | Command::Unsubscribe { mailbox }
        | Command::GetQuotaRoot { mailbox } => {
            w.raw(b" ");
            w.mailbox(mailbox);
        }
        Command::Rename { from, to } => {
            w.raw(b" ");
            w.mailbox(from);
            w.raw(b" ");
            w.mailbox(to);
        }
        Command::Status { mailbox, items } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            w.raw(format!(" ({})", status_items(items)).as_bytes());
        }
        Command::Append {
            mailbox,
            flags,
            date,
            message,
        } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            if !flags.is_empty() {
                w.raw(b" ");
                w.flags(flags);
            }
            if let Some(date) = date {
                w.raw(format!(" \"{}\"", date_time(date)).as_bytes());
            }
            w.raw(b" ");
            w.literal(message);
        }
        Command::UidExpunge(set) => {
            w.raw(b" ");
            w.raw(set.to_string().as_bytes());
        }
        Command::Search {
            criteria, returns, ..
        } => {
            if let Some(returns) = returns {
                let list: Vec<&str> = returns.iter().map(|r| r.as_str()).collect();
                w.raw(format!(" RETURN ({})", list.join(" ")).as_bytes());
            }
            w.charset_if_needed(criteria, false);
            w.search_keys(criteria);
        }
        Command::Sort {
            criteria, search, ..
        } => {
            let keys: Vec<String> = criteria
                .iter()
                .map(|c| {
                    if c.reverse {
                        format!("REVERSE {}", c.key.as_str())
                    } else {
                        c.key.as_str().to_string()
                    }
                })
                .collect();
            w.raw(format!(" ({})", keys.join(" ")).as_bytes());
            w.charset_if_needed(search, true);
            w.search_keys(search);
        }
        Command::Thread {
            algorithm, search, ..
        } => {
            w.raw(match algorithm {
                ThreadAlgorithm::OrderedSubject => b" ORDEREDSUBJECT".as_slice(),
                ThreadAlgorithm::References => b" REFERENCES".as_slice(),
            });
            w.charset_if_needed(search, true);
            w.search_keys(search);
        }
        Command::Fetch {
            set,
            items,
            changed_since,
            ..
        } => {
            w.raw(b" ");
            w.raw(set.to_string().as_bytes());
            w.raw(b" (");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    w.raw(b" ");
                }
                w.fetch_attribute(item);
            }
            w.raw(b")");
            if let Some(cs) = changed_since {
                w.raw(format!(" (CHANGEDSINCE {}", cs.modseq).as_bytes());
                if cs.vanished {
                    w.raw(b" VANISHED");
                }
                w.raw(b")");
            }
        }
        Command::Store {
            set,
            action,
            silent,
            flags,
            unchanged_since,
            ..
        } => {
            w.raw(b" ");
            w.raw(set.to_string().as_bytes());
            if let Some(m) = unchanged_since {
                w.raw(format!(" (UNCHANGEDSINCE {m})").as_bytes());
            }
            w.raw(match action {
                StoreAction::Add => b" +FLAGS".as_slice(),
                StoreAction::Remove => b" -FLAGS".as_slice(),
                StoreAction::Replace => b" FLAGS".as_slice(),
            });
            if *silent {
                w.raw(b".SILENT");
            }
            w.raw(b" ");
            w.flags(flags);
        }
        Command::Copy { set, mailbox, .. } | Command::Move { set, mailbox, .. } => {
            w.raw(b" ");
            w.raw(set.to_string().as_bytes());
            w.raw(b" ");
            w.mailbox(mailbox);
        }
        Command::GetQuota { root } => {
            w.raw(b" ");
            w.string(root.as_bytes(), true);
        }
        Command::GetMetadata { mailbox, entries } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            w.raw(b" (");
            for (n, entry) in entries.iter().enumerate() {
                if n > 0 {
                    w.raw(b" ");
                }
                w.string(entry.as_bytes(), true);
            }
            w.raw(b")");
        }
        Command::SetMetadata { mailbox, entries } => {
            w.raw(b" ");
            w.mailbox(mailbox);
            w.raw(b" (");
            for (n, (entry, value)) in entries.iter().enumerate() {
                if n > 0 {
                    w.raw(b" ");
                }
                w.string(entry.as_bytes(), true);
                w.raw(b" ");
                match value {
                    Some(v) => w.string(v, false),
                    None => w.raw(b"NIL"),
                }
            }
            w.raw(b")");
        }
    }
    w.finish()
}

impl CommandWriter<'_> {
    fn flags(&mut self, flags: &[Flag]) {
        self.raw(b"(");
        for (n, flag) in flags.iter().enumerate() {
            if n > 0 {
                self.raw(b" ");
            }
            self.raw(flag.to_wire().as_bytes());
        }
        self.raw(b")");
    }

    /// SEARCH: `CHARSET UTF-8` when a criterion is non-ASCII and UTF8=ACCEPT is not in
    /// force. SORT and THREAD (`always`): their charset argument is mandatory.
    fn charset_if_needed(&mut self, keys: &[SearchKey], always: bool) {
        if always {
            self.raw(b" UTF-8");
        } else if !self.options.utf8_accept && keys.iter().any(SearchKey::has_8bit) {
            self.raw(b" CHARSET UTF-8");
        }
    }

    fn search_keys(&mut self, keys: &[SearchKey]) {
        if keys.is_empty() {
            self.raw(b" ALL");
        }
        for key in keys {
            self.raw(b" ");
            self.search_key(key, 0);
        }
    }

    fn search_key(&mut self, key: &SearchKey, depth: usize) {
        // Hand-built keys can nest without bound; cap it rather than overflow the stack.
        if depth > 64 {
            self.raw(b"ALL");
            return;
        }
        let text = |w: &mut Self, name: &[u8], value: &str| {
            w.raw(name);
            w.raw(b" ");
            w.string(value.as_bytes(), false);
        };
        let date = |w: &mut Self, name: &str, d: &SearchDate| {
            w.raw(format!("{name} {}", d.to_wire()).as_bytes())
        };
        match key {
            SearchKey::All => self.raw(b"ALL"),
            SearchKey::Answered => self.raw(b"ANSWERED"),
            SearchKey::Unanswered => self.raw(b"UNANSWERED"),
            SearchKey::Deleted => self.raw(b"DELETED"),
            SearchKey::Undeleted => self.raw(b"UNDELETED"),
            SearchKey::Draft => self.raw(b"DRAFT"),
            SearchKey::Undraft => self.raw(b"UNDRAFT"),
            SearchKey::Flagged => self.raw(b"FLAGGED"),
            SearchKey::Unflagged => self.raw(b"UNFLAGGED"),
            SearchKey::Seen => self.raw(b"SEEN"),
            SearchKey::Unseen => self.raw(b"UNSEEN"),
            SearchKey::Keyword(k) => {
                self.raw(b"KEYWORD ");
                self.raw(k.as_str().as_bytes());
            }
            SearchKey::Unkeyword(k) => {
                self.raw(b"UNKEYWORD ");
                self.raw(k.as_str().as_bytes());
            }
            SearchKey::From(s) => text(self, b"FROM", s),
            SearchKey::To(s) => text(self, b"TO", s),
            SearchKey::Cc(s) => text(self, b"CC", s),
            SearchKey::Bcc(s) => text(self, b"BCC", s),
            SearchKey::Subject(s) => text(self, b"SUBJECT", s),
            SearchKey::Body(s) => text(self, b"BODY", s),
            SearchKey::Text(s) => text(self, b"TEXT", s),
            SearchKey::GmailRaw(s) => text(self, b"X-GM-RAW", s),
            SearchKey::EmailId(s) => text(self, b"EMAILID", s),
            SearchKey::ThreadId(s) => text(self, b"THREADID", s),
            SearchKey::Header(field, value) => {
                self.raw(b"HEADER ");
                self.string(field.as_bytes(), true);
                self.raw(b" ");
                self.string(value.as_bytes(), false);
            }
            SearchKey::Before(d) => date(self, "BEFORE", d),
            SearchKey::On(d) => date(self, "ON", d),
            SearchKey::Since(d) => date(self, "SINCE", d),
            SearchKey::SentBefore(d) => date(self, "SENTBEFORE", d),
            SearchKey::SentOn(d) => date(self, "SENTON", d),
            SearchKey::SentSince(d) => date(self, "SENTSINCE", d),
            SearchKey::Larger(n) => self.raw(format!("LARGER {n}").as_bytes()),
            SearchKey::Smaller(n) => self.raw(format!("SMALLER {n}").as_bytes()),
            SearchKey::ModSeq(n) => self.raw(format!("MODSEQ {n}").as_bytes()),
            SearchKey::Older(n) => self.raw(format!("OLDER {n}").as_bytes()),
            SearchKey::Younger(n) => self.raw(format!("YOUNGER {n}").as_bytes()),
            SearchKey::Uid(set) => self.raw(format!("UID {set}").as_bytes()),
            SearchKey::SequenceSet(set) => self.raw(set.to_string().as_bytes()),
            SearchKey::Not(k) => {
                self.raw(b"NOT ");
                self.search_key(k, depth + 1);
            }
            SearchKey::Or(a, b) => {
                self.raw(b"OR ");
                self.search_key(a, depth + 1);
                self.raw(b" ");
                self.search_key(b, depth + 1);
            }
            SearchKey::And(keys) => {
                self.raw(b"(");
                if keys.is_empty() {
                    self.raw(b"ALL");
                }
                for (n, k) in keys.iter().enumerate() {
                    if n > 0 {
                        self.raw(b" ");
                    }
                    self.search_key(k, depth + 1);
                }
                self.raw(b")");
            }
        }
    }

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

    fn fetch_attribute(&mut self, item: &FetchAttribute) {
        let partial = |w: &mut Self, p: &Option<(u32, u32)>| {
            if let Some((offset, len)) = p {
                w.raw(format!("<{offset}.{len}>").as_bytes());
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

fn status_items(items: &[StatusItem]) -> String {
    items
        .iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `dd-Mon-yyyy hh:mm:ss +zzzz` (day space-padded).
fn date_time(d: &DateTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .get(usize::from(d.month()).saturating_sub(1))
        .unwrap_or(&"Jan");
    let sign = if d.offset_minutes() < 0 { '-' } else { '+' };
    let off = d.offset_minutes().unsigned_abs();
    format!(
        "{:>2}-{month}-{:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        d.day(),
        d.year(),
        d.hour(),
        d.minute(),
        d.second(),
        off / 60,
        off % 60
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        command::{
            ChangedSince, FlagList, ListOptions, QresyncParams, SearchReturn, SelectOptions,
            SortCriterion, SortKey,
        },
        core::Vec1,
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
        // Nor in the wire form (as a server sends names).
        assert!(MailboxName::from_wire(b"x\r\nA2 LOGOUT".to_vec()).is_err());
        // Bytes the grammar allows but a quoted string cannot hold go as a literal.
        let odd = MailboxName::from_wire("Grüße".as_bytes()).unwrap();
        let out = dump(&Command::select(odd), &EncodeOptions::default());
        assert_eq!(out, "A1 SELECT {7}\r\nGrüße\r\n".as_bytes());
    }

    #[test]
    fn select_list_fetch() {
        let o = EncodeOptions::default();
        assert_eq!(
            dump(
                &Command::select(MailboxName::from_display("inbox").unwrap()),
                &o
            ),
            b"A1 SELECT INBOX\r\n"
        );
        assert_eq!(
            dump(
                &Command::examine(MailboxName::from_display("Work/Grüße & more").unwrap()),
                &o
            ),
            b"A1 EXAMINE \"Work/Gr&APwA3w-e &- more\"\r\n"
        );
        assert_eq!(
            dump(&Command::list_all(ListOptions::default()), &o),
            b"A1 LIST \"\" *\r\n"
        );
        let fetch = Command::fetch(
            SequenceSet::from_numbers([1, 2, 3, 7]).unwrap(),
            vec![
                FetchAttribute::Uid,
                FetchAttribute::Flags,
                FetchAttribute::BodySection {
                    section: Section::with_kind(vec![1], SectionKind::Mime).unwrap(),
                    partial: None,
                    peek: true,
                },
                FetchAttribute::BodySection {
                    section: Section::part(vec![2]).unwrap(),
                    partial: Some((0, 1024)),
                    peek: false,
                },
                FetchAttribute::BodySection {
                    section: Section::with_kind(
                        vec![],
                        SectionKind::HeaderFields(
                            Vec1::new(vec!["FROM".into(), "TO".into()]).unwrap(),
                        ),
                    )
                    .unwrap(),
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

    fn line(cmd: Command) -> String {
        String::from_utf8(dump(&cmd, &EncodeOptions::default())).unwrap()
    }

    fn set(a: u32, b: u32) -> SequenceSet {
        SequenceSet::range(a, b).unwrap()
    }

    #[test]
    fn authenticate_enable_id_compress_idle() {
        assert_eq!(
            line(Command::authenticate("plain", Some(b"\0u\0p".to_vec())).unwrap()),
            "A1 AUTHENTICATE PLAIN AHUAcA==\r\n"
        );
        assert_eq!(
            line(Command::authenticate("PLAIN", Some(Vec::new())).unwrap()),
            "A1 AUTHENTICATE PLAIN =\r\n"
        );
        assert_eq!(
            line(Command::authenticate("SCRAM-SHA-256", None).unwrap()),
            "A1 AUTHENTICATE SCRAM-SHA-256\r\n"
        );
        assert!(Command::authenticate("PLAIN X", None).is_err());
        assert_eq!(
            line(Command::enable(["QRESYNC", "UTF8=ACCEPT"]).unwrap()),
            "A1 ENABLE QRESYNC UTF8=ACCEPT\r\n"
        );
        assert!(Command::enable(["A B"]).is_err());
        assert_eq!(
            line(Command::Id(Some(vec![
                ("name".into(), Some("webimap".into())),
                ("os".into(), None)
            ]))),
            "A1 ID (\"name\" \"webimap\" \"os\" NIL)\r\n"
        );
        assert_eq!(line(Command::Id(None)), "A1 ID NIL\r\n");
        assert_eq!(line(Command::CompressDeflate), "A1 COMPRESS DEFLATE\r\n");
        assert_eq!(line(Command::Idle), "A1 IDLE\r\n");
        assert_eq!(line(Command::Namespace), "A1 NAMESPACE\r\n");
    }

    #[test]
    fn list_extended_and_status() {
        let options = ListOptions {
            subscribed: false,
            return_special_use: true,
            return_children: false,
            return_subscribed: false,
            return_status: vec![StatusItem::Messages, StatusItem::Unseen],
        };
        assert_eq!(
            line(Command::list_all(options.clone())),
            "A1 LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))\r\n"
        );
        let with_subscribed = ListOptions {
            return_subscribed: true,
            ..options
        };
        assert_eq!(
            line(Command::list_all(with_subscribed)),
            "A1 LIST \"\" * RETURN (SPECIAL-USE SUBSCRIBED STATUS (MESSAGES UNSEEN))\r\n"
        );
        let sub = ListOptions {
            subscribed: true,
            ..ListOptions::default()
        };
        assert_eq!(
            line(Command::list_all(sub)),
            "A1 LIST (SUBSCRIBED) \"\" *\r\n"
        );
        let status = Command::status(
            MailboxName::inbox(),
            vec![StatusItem::UidNext, StatusItem::Size],
        )
        .unwrap();
        assert_eq!(line(status), "A1 STATUS INBOX (UIDNEXT SIZE)\r\n");
        assert!(Command::status(MailboxName::inbox(), vec![]).is_err());
    }

    #[test]
    fn select_with_condstore_and_qresync() {
        let m = MailboxName::from_display("Work").unwrap();
        let cs = Command::Select {
            mailbox: m.clone(),
            options: SelectOptions {
                condstore: true,
                qresync: None,
            },
        };
        assert_eq!(line(cs), "A1 SELECT Work (CONDSTORE)\r\n");
        let q = QresyncParams {
            uid_validity: 67890007,
            modseq: 20050715194045000,
            known_uids: Some(set(41, 211)),
        };
        let qs = Command::Examine {
            mailbox: m,
            options: SelectOptions {
                condstore: false,
                qresync: Some(q),
            },
        };
        assert_eq!(
            line(qs),
            "A1 EXAMINE Work (QRESYNC (67890007 20050715194045000 41:211))\r\n"
        );
    }

    #[test]
    fn mailbox_management() {
        let work = MailboxName::from_display("Work/Old").unwrap();
        assert_eq!(
            line(Command::Create {
                mailbox: work.clone(),
                special_use: None
            }),
            "A1 CREATE Work/Old\r\n"
        );
        assert_eq!(
            line(Command::Create {
                mailbox: MailboxName::from_display("Arch").unwrap(),
                special_use: Some(crate::types::mailbox::SpecialUse::Archive)
            }),
            "A1 CREATE Arch (USE (\\Archive))\r\n"
        );
        assert_eq!(
            line(Command::Rename {
                from: work.clone(),
                to: MailboxName::from_display("Ärchiv").unwrap()
            }),
            "A1 RENAME Work/Old &AMQ-rchiv\r\n"
        );
        assert_eq!(
            line(Command::Delete {
                mailbox: work.clone()
            }),
            "A1 DELETE Work/Old\r\n"
        );
        assert_eq!(
            line(Command::Subscribe {
                mailbox: work.clone()
            }),
            "A1 SUBSCRIBE Work/Old\r\n"
        );
        assert_eq!(
            line(Command::Unsubscribe { mailbox: work }),
            "A1 UNSUBSCRIBE Work/Old\r\n"
        );
    }

    #[test]
    fn append_sends_the_message_as_a_literal() {
        let date = DateTime::new((2024, 3, 5), (9, 7, 0), -330).unwrap();
        let cmd = Command::append(
            MailboxName::from_display("Sent").unwrap(),
            vec![Flag::Seen, Flag::Keyword("$Forwarded".into())],
            Some(date),
            b"Subject: x\r\n\r\nhi\r\n".to_vec(),
        )
        .unwrap();
        let frags = encode(&Tag::new("A1").unwrap(), &cmd, &EncodeOptions::default());
        assert_eq!(
            frags[0],
            Fragment::Line {
                data: b"A1 APPEND Sent (\\Seen $Forwarded) \" 5-Mar-2024 09:07:00 -0530\" {18}\r\n"
                    .to_vec()
            }
        );
        assert_eq!(
            frags[1],
            Fragment::Literal {
                data: b"Subject: x\r\n\r\nhi\r\n".to_vec(),
                sync: true
            }
        );
        assert!(
            Command::append(MailboxName::inbox(), vec![Flag::Recent], None, Vec::new()).is_err()
        );
        assert!(
            Command::append(
                MailboxName::inbox(),
                vec![Flag::Keyword("a b".into())],
                None,
                Vec::new()
            )
            .is_err()
        );
    }

    #[test]
    fn store_copy_move_expunge() {
        let s = Command::store(set(1, 3), true, StoreAction::Add, vec![Flag::Deleted]).unwrap();
        assert_eq!(line(s), "A1 UID STORE 1:3 +FLAGS (\\Deleted)\r\n");
        let s = Command::Store {
            set: set(5, 5),
            uid: false,
            action: StoreAction::Remove,
            silent: true,
            flags: FlagList::new(vec![Flag::Seen]).unwrap(),
            unchanged_since: Some(12),
        };
        assert_eq!(
            line(s),
            "A1 STORE 5 (UNCHANGEDSINCE 12) -FLAGS.SILENT (\\Seen)\r\n"
        );
        let trash = MailboxName::from_display("Trash").unwrap();
        assert_eq!(
            line(Command::Move {
                set: set(7, 9),
                mailbox: trash.clone(),
                uid: true
            }),
            "A1 UID MOVE 7:9 Trash\r\n"
        );
        assert_eq!(
            line(Command::Copy {
                set: set(7, 7),
                mailbox: trash,
                uid: false
            }),
            "A1 COPY 7 Trash\r\n"
        );
        assert_eq!(
            line(Command::UidExpunge(set(7, 9))),
            "A1 UID EXPUNGE 7:9\r\n"
        );
        assert!(
            Command::store(
                set(1, 1),
                true,
                StoreAction::Add,
                vec![Flag::Keyword("bad)".into())]
            )
            .is_err()
        );
    }

    #[test]
    fn search_sort_thread() {
        let d = SearchDate::new(2024, 2, 1).unwrap();
        let q = Command::Search {
            criteria: vec![
                SearchKey::Unseen,
                SearchKey::or(
                    SearchKey::From("alice".into()),
                    SearchKey::Subject("a \"b\"".into()),
                ),
                SearchKey::Since(d),
                SearchKey::negate(SearchKey::Deleted),
            ],
            uid: true,
            returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
        };
        assert_eq!(
            line(q),
            "A1 UID SEARCH RETURN (MIN COUNT) UNSEEN OR FROM \"alice\" SUBJECT \"a \\\"b\\\"\" SINCE 1-Feb-2024 NOT DELETED\r\n"
        );
        let q8 = Command::Search {
            criteria: vec![SearchKey::Subject("Grüße".into())],
            uid: false,
            returns: None,
        };
        let frags = encode(&Tag::new("A1").unwrap(), &q8, &EncodeOptions::default());
        assert_eq!(
            frags[0],
            Fragment::Line {
                data: b"A1 SEARCH CHARSET UTF-8 SUBJECT {7}\r\n".to_vec()
            }
        );
        let utf8 = EncodeOptions {
            utf8_accept: true,
            ..Default::default()
        };
        assert_eq!(
            dump(&q8, &utf8),
            "A1 SEARCH SUBJECT \"Grüße\"\r\n".as_bytes()
        );
        let sort = Command::Sort {
            criteria: Vec1::new(vec![
                SortCriterion {
                    reverse: true,
                    key: SortKey::Arrival,
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject,
                },
            ])
            .unwrap(),
            search: vec![],
            uid: true,
        };
        assert_eq!(
            line(sort),
            "A1 UID SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL\r\n"
        );
        let thread = Command::Thread {
            algorithm: ThreadAlgorithm::References,
            search: vec![SearchKey::Seen],
            uid: true,
        };
        assert_eq!(line(thread), "A1 UID THREAD REFERENCES UTF-8 SEEN\r\n");
        let nested = (0..1000).fold(SearchKey::All, |k, _| SearchKey::negate(k));
        assert!(
            line(Command::Search {
                criteria: vec![nested],
                uid: false,
                returns: None
            })
            .len()
                < 5000,
            "depth capped"
        );
    }

    #[test]
    fn fetch_extensions_and_safe_header_fields() {
        let f = Command::Fetch {
            set: SequenceSet::all(),
            items: Vec1::new(vec![
                FetchAttribute::Uid,
                FetchAttribute::ModSeq,
                FetchAttribute::Binary {
                    part: vec![1, 2],
                    partial: Some((0, 100)),
                    peek: true,
                },
                FetchAttribute::BinarySize(vec![2]),
            ])
            .unwrap(),
            uid: true,
            changed_since: Some(ChangedSince {
                modseq: 12345,
                vanished: true,
            }),
        };
        assert_eq!(
            line(f),
            "A1 UID FETCH 1:* (UID MODSEQ BINARY.PEEK[1.2]<0.100> BINARY.SIZE[2]) (CHANGEDSINCE 12345 VANISHED)\r\n"
        );
        let evil = Command::fetch(
            set(1, 1),
            vec![FetchAttribute::BodySection {
                section: Section::with_kind(
                    vec![],
                    SectionKind::HeaderFields(
                        Vec1::new(vec!["From)] X".into(), "To".into()]).unwrap(),
                    ),
                )
                .unwrap(),
                partial: None,
                peek: true,
            }],
            false,
        )
        .unwrap();
        assert_eq!(
            line(evil),
            "A1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"From)] X\" To)])\r\n"
        );
    }

    #[test]
    fn quota_and_metadata() {
        assert_eq!(
            line(Command::GetQuotaRoot {
                mailbox: MailboxName::inbox()
            }),
            "A1 GETQUOTAROOT INBOX\r\n"
        );
        assert_eq!(
            line(Command::GetQuota {
                root: String::new()
            }),
            "A1 GETQUOTA \"\"\r\n"
        );
        assert_eq!(
            line(Command::GetMetadata {
                mailbox: MailboxName::default(),
                entries: Vec1::one("/shared/comment".into())
            }),
            "A1 GETMETADATA \"\" (/shared/comment)\r\n"
        );
        assert_eq!(
            line(Command::SetMetadata {
                mailbox: MailboxName::inbox(),
                entries: Vec1::new(vec![
                    ("/private/comment".into(), Some(b"hi".to_vec())),
                    ("/private/x".into(), None)
                ])
                .unwrap()
            }),
            "A1 SETMETADATA INBOX (/private/comment \"hi\" /private/x NIL)\r\n"
        );
    }
}
