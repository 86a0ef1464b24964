//! A serializer from [`Response`] to wire bytes: the inverse of the response parser, for
//! fake servers, tests and round-trip checks. Strings are written as atoms, quoted strings,
//! literals or literal8 (`~{n}`, when they hold NUL) as their bytes require, so every
//! value the parser can produce in typed form encodes to bytes that parse back to it.

use std::fmt::Write as _;

use crate::types::{
    core::{Capability, Flag, Text, is_atom_char},
    fetch::{
        Address, BodyExtension, BodyFields, BodyStructure, DateTime, Envelope, FetchItem,
        SinglePartKind,
    },
    mailbox::{ListExtendedItem, ListItem, MailboxAttribute},
    response::{
        Code, ContinueRequest, Data, ESearchItem, MetadataCode, MetadataEntries, Namespace,
        Response, StatusItem, StatusResponse, Thread,
    },
};

/// Encodes one response, ending in CRLF (literals included).
pub fn encode_response(response: &Response) -> Vec<u8> {
    let mut w = W(Vec::with_capacity(64));
    match response {
        Response::Status(s) => w.status(s),
        Response::Data(d) => w.data(d),
        Response::Continue(c) => w.cont(c),
    }
    w.raw(b"\r\n");
    w.0
}

struct W(Vec<u8>);

impl W {
    fn raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    fn fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let mut s = String::new();
        let _ = s.write_fmt(args);
        self.raw(s.as_bytes());
    }

    fn num(&mut self, n: u64) {
        self.fmt(format_args!("{n}"));
    }

    /// A string: quoted when every byte allows it, else a literal (literal8 with NUL).
    fn string(&mut self, b: &[u8]) {
        if b.iter()
            .all(|&c| c != 0 && c != b'\r' && c != b'\n' && c < 0x80)
        {
            self.raw(b"\"");
            for &c in b {
                if c == b'"' || c == b'\\' {
                    self.0.push(b'\\');
                }
                self.0.push(c);
            }
            self.raw(b"\"");
        } else {
            if b.contains(&0) {
                self.raw(b"~");
            }
            self.fmt(format_args!("{{{}}}\r\n", b.len()));
            self.raw(b);
        }
    }

    fn nstring(&mut self, b: Option<&[u8]>) {
        match b {
            Some(b) => self.string(b),
            None => self.raw(b"NIL"),
        }
    }

    fn ntext(&mut self, t: Option<&Text>) {
        self.nstring(t.map(Text::as_bytes));
    }

    /// An astring: an atom when possible (never `NIL`, which would read as nil).
    fn astring(&mut self, b: &[u8]) {
        if !b.is_empty()
            && !b.eq_ignore_ascii_case(b"NIL")
            && b.iter().all(|&c| is_atom_char(c) || c == b']')
        {
            self.raw(b);
        } else {
            self.string(b);
        }
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.raw(b"(");
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                self.raw(b" ");
            }
            f(self, item);
        }
        self.raw(b")");
    }

    fn flags(&mut self, flags: &[Flag]) {
        self.list(flags, |w, f| w.raw(f.to_wire().as_bytes()));
    }

    fn caps(&mut self, caps: &[Capability]) {
        for c in caps {
            self.raw(b" ");
            self.raw(c.as_str().as_bytes());
        }
    }

    fn delimiter(&mut self, d: Option<char>) {
        match d {
            Some(c) => {
                // Always quoted (a literal is not allowed here); 8-bit bytes go in as is.
                let mut buf = [0; 4];
                self.raw(b"\"");
                if c == '"' || c == '\\' {
                    self.raw(b"\\");
                }
                self.raw(c.encode_utf8(&mut buf).as_bytes());
                self.raw(b"\"");
            }
            None => self.raw(b"NIL"),
        }
    }

    fn status(&mut self, s: &StatusResponse) {
        match &s.tag {
            Some(t) => self.raw(t.as_str().as_bytes()),
            None => self.raw(b"*"),
        }
        self.raw(b" ");
        self.raw(s.kind.as_str().as_bytes());
        self.text(s.code.as_ref(), &s.text);
    }

    fn cont(&mut self, c: &ContinueRequest) {
        self.raw(b"+");
        self.text(c.code.as_ref(), &c.text);
    }

    fn text(&mut self, code: Option<&Code>, text: &Text) {
        if let Some(code) = code {
            self.raw(b" [");
            self.code(code);
            self.raw(b"]");
        }
        if !text.is_empty() {
            self.raw(b" ");
            self.raw(text.as_bytes());
        }
    }

    fn code(&mut self, code: &Code) {
        match code {
            Code::Alert => self.raw(b"ALERT"),
            Code::BadCharset(list) => {
                self.raw(b"BADCHARSET");
                if !list.is_empty() {
                    self.raw(b" ");
                    self.list(list, |w, t| w.astring(t.as_bytes()));
                }
            }
            Code::Capability(caps) => {
                self.raw(b"CAPABILITY");
                self.caps(caps);
            }
            Code::Parse => self.raw(b"PARSE"),
            Code::PermanentFlags(f) => {
                self.raw(b"PERMANENTFLAGS ");
                self.flags(f);
            }
            Code::ReadOnly => self.raw(b"READ-ONLY"),
            Code::ReadWrite => self.raw(b"READ-WRITE"),
            Code::TryCreate => self.raw(b"TRYCREATE"),
            Code::UidNext(n) => self.fmt(format_args!("UIDNEXT {n}")),
            Code::UidValidity(n) => self.fmt(format_args!("UIDVALIDITY {n}")),
            Code::Unseen(n) => self.fmt(format_args!("UNSEEN {n}")),
            Code::HighestModSeq(n) => self.fmt(format_args!("HIGHESTMODSEQ {n}")),
            Code::NoModSeq => self.raw(b"NOMODSEQ"),
            Code::AppendUid { uid_validity, uids } => {
                self.fmt(format_args!("APPENDUID {uid_validity} {uids}"));
            }
            Code::CopyUid {
                uid_validity,
                source,
                target,
            } => self.fmt(format_args!("COPYUID {uid_validity} {source} {target}")),
            Code::Closed => self.raw(b"CLOSED"),
            Code::Modified(set) => self.fmt(format_args!("MODIFIED {set}")),
            Code::UidNotSticky => self.raw(b"UIDNOTSTICKY"),
            Code::AppendLimit(n) => self.fmt(format_args!("APPENDLIMIT {n}")),
            Code::TooBig => self.raw(b"TOOBIG"),
            Code::CompressionActive => self.raw(b"COMPRESSIONACTIVE"),
            Code::MailboxId(id) => {
                self.raw(b"MAILBOXID (");
                self.astring(id.as_bytes());
                self.raw(b")");
            }
            Code::Metadata(m) => match m {
                MetadataCode::LongEntries(n) => self.fmt(format_args!("METADATA LONGENTRIES {n}")),
                MetadataCode::MaxSize(n) => self.fmt(format_args!("METADATA MAXSIZE {n}")),
                MetadataCode::TooMany => self.raw(b"METADATA TOOMANY"),
                MetadataCode::NoPrivate => self.raw(b"METADATA NOPRIVATE"),
            },
            Code::HasChildren => self.raw(b"HASCHILDREN"),
            Code::UnknownCte => self.raw(b"UNKNOWN-CTE"),
            Code::Plain(p) => self.raw(p.as_str().as_bytes()),
            Code::Other { name, value } => {
                self.raw(name.as_bytes());
                if let Some(v) = value {
                    self.raw(b" ");
                    self.raw(v.as_bytes());
                }
            }
        }
    }

    fn data(&mut self, d: &Data) {
        self.raw(b"* ");
        match d {
            Data::Capability(c) => {
                self.raw(b"CAPABILITY");
                self.caps(c);
            }
            Data::Enabled(c) => {
                self.raw(b"ENABLED");
                self.caps(c);
            }
            Data::List(l) => {
                self.raw(b"LIST ");
                self.list_item(l);
            }
            Data::Lsub(l) => {
                self.raw(b"LSUB ");
                self.list_item(l);
            }
            Data::Flags(f) => {
                self.raw(b"FLAGS ");
                self.flags(f);
            }
            Data::Exists(n) => self.fmt(format_args!("{n} EXISTS")),
            Data::Recent(n) => self.fmt(format_args!("{n} RECENT")),
            Data::Expunge(n) => self.fmt(format_args!("{n} EXPUNGE")),
            Data::Fetch { seq, items } => {
                self.fmt(format_args!("{seq} FETCH "));
                self.list(items, Self::fetch_item);
            }
            Data::Search { ids, modseq } => self.ids(b"SEARCH", ids, *modseq),
            Data::Sort { ids, modseq } => self.ids(b"SORT", ids, *modseq),
            Data::Status { mailbox, items } => {
                self.raw(b"STATUS ");
                self.astring(mailbox.as_wire());
                self.raw(b" ");
                self.list(items, Self::status_item);
            }
            Data::ESearch(e) => {
                self.raw(b"ESEARCH");
                if let Some(tag) = &e.tag {
                    self.raw(b" (TAG ");
                    self.string(tag.as_bytes());
                    self.raw(b")");
                }
                if e.uid {
                    self.raw(b" UID");
                }
                for item in &e.items {
                    self.raw(b" ");
                    match item {
                        ESearchItem::Min(n) => self.fmt(format_args!("MIN {n}")),
                        ESearchItem::Max(n) => self.fmt(format_args!("MAX {n}")),
                        ESearchItem::Count(n) => self.fmt(format_args!("COUNT {n}")),
                        ESearchItem::All(s) => self.fmt(format_args!("ALL {s}")),
                        ESearchItem::ModSeq(n) => self.fmt(format_args!("MODSEQ {n}")),
                        ESearchItem::Other { name, raw } => {
                            self.raw(name.as_bytes());
                            self.raw(b" ");
                            self.raw(raw.as_bytes());
                        }
                    }
                }
            }
            Data::Thread(threads) => {
                self.raw(b"THREAD");
                if !threads.is_empty() {
                    self.raw(b" ");
                }
                for t in threads {
                    self.thread(t);
                }
            }
            Data::Vanished { earlier, uids } => {
                self.raw(b"VANISHED ");
                if *earlier {
                    self.raw(b"(EARLIER) ");
                }
                self.fmt(format_args!("{uids}"));
            }
            Data::Namespace {
                personal,
                other,
                shared,
            } => {
                self.raw(b"NAMESPACE");
                for list in [personal, other, shared] {
                    self.raw(b" ");
                    if list.is_empty() {
                        self.raw(b"NIL");
                    } else {
                        self.raw(b"(");
                        for ns in list {
                            self.namespace(ns);
                        }
                        self.raw(b")");
                    }
                }
            }
            Data::Id(fields) => {
                self.raw(b"ID ");
                if fields.is_empty() {
                    self.raw(b"NIL");
                } else {
                    self.list(fields, |w, (k, v)| {
                        w.string(k.as_bytes());
                        w.raw(b" ");
                        w.ntext(v.as_ref());
                    });
                }
            }
            Data::Quota { root, resources } => {
                self.raw(b"QUOTA ");
                self.astring(root.as_bytes());
                self.raw(b" ");
                self.list(resources, |w, r| {
                    w.fmt(format_args!("{} {} {}", r.name, r.usage, r.limit));
                });
            }
            Data::QuotaRoot { mailbox, roots } => {
                self.raw(b"QUOTAROOT ");
                self.astring(mailbox.as_wire());
                for r in roots {
                    self.raw(b" ");
                    self.astring(r.as_bytes());
                }
            }
            Data::Metadata { mailbox, entries } => {
                self.raw(b"METADATA ");
                self.astring(mailbox.as_wire());
                self.raw(b" ");
                match entries {
                    MetadataEntries::Values(v) => self.list(v, |w, (k, v)| {
                        w.astring(k.as_bytes());
                        w.raw(b" ");
                        w.ntext(v.as_ref());
                    }),
                    MetadataEntries::Names(names) => {
                        for (n, name) in names.iter().enumerate() {
                            if n > 0 {
                                self.raw(b" ");
                            }
                            self.astring(name.as_bytes());
                        }
                    }
                }
            }
            Data::Other { raw, .. } => self.raw(raw.as_bytes()),
        }
    }

    fn ids(&mut self, name: &[u8], ids: &[u32], modseq: Option<u64>) {
        self.raw(name);
        for id in ids {
            self.fmt(format_args!(" {id}"));
        }
        if let Some(m) = modseq {
            self.fmt(format_args!(" (MODSEQ {m})"));
        }
    }

    fn thread(&mut self, t: &Thread) {
        self.raw(b"(");
        for (n, id) in t.ids.iter().enumerate() {
            if n > 0 {
                self.raw(b" ");
            }
            self.num(u64::from(*id));
        }
        if !t.ids.is_empty() && !t.children.is_empty() {
            self.raw(b" ");
        }
        for c in &t.children {
            self.thread(c);
        }
        self.raw(b")");
    }

    fn namespace(&mut self, ns: &Namespace) {
        self.raw(b"(");
        self.string(ns.prefix.as_bytes());
        self.raw(b" ");
        self.delimiter(ns.delimiter);
        for (name, values) in &ns.extensions {
            self.raw(b" ");
            self.string(name.as_bytes());
            self.raw(b" ");
            self.list(values, |w, v| w.string(v.as_bytes()));
        }
        self.raw(b")");
    }

    fn list_item(&mut self, l: &ListItem) {
        self.list(&l.attributes, |w, a| w.raw(attribute_wire(a).as_bytes()));
        self.raw(b" ");
        self.delimiter(l.delimiter);
        self.raw(b" ");
        self.astring(l.name.as_wire());
        if !l.extended.is_empty() {
            self.raw(b" ");
            self.list(&l.extended, |w, item| match item {
                ListExtendedItem::ChildInfo(v) => {
                    w.raw(b"\"CHILDINFO\" ");
                    w.list(v, |w, t| w.string(t.as_bytes()));
                }
                ListExtendedItem::OldName(name) => {
                    w.raw(b"\"OLDNAME\" (");
                    w.astring(name.as_wire());
                    w.raw(b")");
                }
                ListExtendedItem::Other { tag, raw } => {
                    w.astring(tag.as_bytes());
                    w.raw(b" ");
                    w.raw(raw.as_bytes());
                }
            });
        }
    }

    fn status_item(&mut self, item: &StatusItem) {
        match item {
            StatusItem::Messages(n) => self.fmt(format_args!("MESSAGES {n}")),
            StatusItem::Recent(n) => self.fmt(format_args!("RECENT {n}")),
            StatusItem::UidNext(n) => self.fmt(format_args!("UIDNEXT {n}")),
            StatusItem::UidValidity(n) => self.fmt(format_args!("UIDVALIDITY {n}")),
            StatusItem::Unseen(n) => self.fmt(format_args!("UNSEEN {n}")),
            StatusItem::Deleted(n) => self.fmt(format_args!("DELETED {n}")),
            StatusItem::DeletedStorage(n) => self.fmt(format_args!("DELETED-STORAGE {n}")),
            StatusItem::Size(n) => self.fmt(format_args!("SIZE {n}")),
            StatusItem::HighestModSeq(n) => self.fmt(format_args!("HIGHESTMODSEQ {n}")),
            StatusItem::AppendLimit(Some(n)) => self.fmt(format_args!("APPENDLIMIT {n}")),
            StatusItem::AppendLimit(None) => self.raw(b"APPENDLIMIT NIL"),
            StatusItem::MailboxId(id) => {
                self.raw(b"MAILBOXID (");
                self.astring(id.as_bytes());
                self.raw(b")");
            }
            StatusItem::Other { name, raw } => {
                self.raw(name.as_bytes());
                self.raw(b" ");
                self.raw(raw.as_bytes());
            }
        }
    }

    fn fetch_item(&mut self, item: &FetchItem) {
        match item {
            FetchItem::Uid(n) => self.fmt(format_args!("UID {n}")),
            FetchItem::Flags(f) => {
                self.raw(b"FLAGS ");
                self.flags(f);
            }
            FetchItem::InternalDate(d) => {
                self.raw(b"INTERNALDATE ");
                self.date(d);
            }
            FetchItem::Rfc822Size(n) => self.fmt(format_args!("RFC822.SIZE {n}")),
            FetchItem::Envelope(e) => {
                self.raw(b"ENVELOPE ");
                self.envelope(e);
            }
            FetchItem::BodyStructure(b) => {
                self.raw(b"BODYSTRUCTURE ");
                self.body(b);
            }
            FetchItem::Body(b) => {
                self.raw(b"BODY ");
                self.body(b);
            }
            FetchItem::BodySection {
                section,
                origin,
                data,
            } => {
                self.fmt(format_args!("BODY[{}]", section.to_wire()));
                self.origin(*origin);
                self.nstring(data.as_deref());
            }
            FetchItem::ModSeq(n) => self.fmt(format_args!("MODSEQ ({n})")),
            FetchItem::Binary {
                section,
                origin,
                data,
            } => {
                self.raw(b"BINARY");
                self.parts(section);
                self.origin(*origin);
                self.nstring(data.as_deref());
            }
            FetchItem::BinarySize { section, size } => {
                self.raw(b"BINARY.SIZE");
                self.parts(section);
                self.fmt(format_args!(" {size}"));
            }
            FetchItem::Preview(p) => {
                self.raw(b"PREVIEW ");
                self.ntext(p.as_ref());
            }
            FetchItem::EmailId(id) => {
                self.raw(b"EMAILID (");
                self.astring(id.as_bytes());
                self.raw(b")");
            }
            FetchItem::ThreadId(Some(id)) => {
                self.raw(b"THREADID (");
                self.astring(id.as_bytes());
                self.raw(b")");
            }
            FetchItem::ThreadId(None) => self.raw(b"THREADID NIL"),
            FetchItem::SaveDate(Some(d)) => {
                self.raw(b"SAVEDATE ");
                self.date(d);
            }
            FetchItem::SaveDate(None) => self.raw(b"SAVEDATE NIL"),
            FetchItem::GmMsgId(n) => self.fmt(format_args!("X-GM-MSGID {n}")),
            FetchItem::GmThrId(n) => self.fmt(format_args!("X-GM-THRID {n}")),
            FetchItem::GmLabels(labels) => {
                self.raw(b"X-GM-LABELS ");
                self.list(labels, |w, l| {
                    let b = l.as_bytes();
                    let bare = !b.is_empty()
                        && b.iter()
                            .all(|&c| is_atom_char(c) || c == b'\\' || c == b']' || c == b'%')
                        && b[0] != b'{';
                    if bare { w.raw(b) } else { w.string(b) }
                });
            }
            FetchItem::Other { name, raw } => {
                self.raw(name.as_bytes());
                self.raw(b" ");
                self.raw(raw.as_bytes());
            }
        }
    }

    fn parts(&mut self, parts: &[u32]) {
        let s: Vec<String> = parts.iter().map(u32::to_string).collect();
        self.fmt(format_args!("[{}]", s.join(".")));
    }

    fn origin(&mut self, origin: Option<u32>) {
        match origin {
            Some(o) => self.fmt(format_args!("<{o}> ")),
            None => self.raw(b" "),
        }
    }

    fn date(&mut self, d: &DateTime) {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS
            .get(usize::from(d.month().saturating_sub(1)))
            .unwrap_or(&"Jan");
        let sign = if d.offset_minutes() < 0 { '-' } else { '+' };
        let off = d.offset_minutes().unsigned_abs();
        self.fmt(format_args!(
            "\"{:02}-{month}-{:04} {:02}:{:02}:{:02} {sign}{:02}{:02}\"",
            d.day(),
            d.year(),
            d.hour(),
            d.minute(),
            d.second(),
            off / 60,
            off % 60
        ));
    }

    fn envelope(&mut self, e: &Envelope) {
        self.raw(b"(");
        self.ntext(e.date.as_ref());
        self.raw(b" ");
        self.ntext(e.subject.as_ref());
        for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
            self.raw(b" ");
            self.addresses(list);
        }
        self.raw(b" ");
        self.ntext(e.in_reply_to.as_ref());
        self.raw(b" ");
        self.ntext(e.message_id.as_ref());
        self.raw(b")");
    }

    fn addresses(&mut self, list: &[Address]) {
        if list.is_empty() {
            self.raw(b"NIL");
            return;
        }
        self.raw(b"(");
        for a in list {
            self.raw(b"(");
            self.ntext(a.name.as_ref());
            self.raw(b" ");
            self.ntext(a.adl.as_ref());
            self.raw(b" ");
            self.ntext(a.mailbox.as_ref());
            self.raw(b" ");
            self.ntext(a.host.as_ref());
            self.raw(b")");
        }
        self.raw(b")");
    }

    fn params(&mut self, params: &[(Text, Text)]) {
        if params.is_empty() {
            self.raw(b"NIL");
        } else {
            self.list(params, |w, (k, v)| {
                w.string(k.as_bytes());
                w.raw(b" ");
                w.string(v.as_bytes());
            });
        }
    }

    fn body(&mut self, b: &BodyStructure) {
        self.raw(b"(");
        match b {
            BodyStructure::Single {
                fields,
                specific,
                extension,
            } => {
                self.fields(fields);
                match specific {
                    SinglePartKind::Basic => {}
                    SinglePartKind::Text { lines } => self.lines(*lines),
                    SinglePartKind::Message {
                        envelope,
                        body,
                        lines,
                    } => {
                        self.raw(b" ");
                        self.envelope(envelope);
                        self.raw(b" ");
                        self.body(body);
                        self.lines(*lines);
                    }
                }
                if let Some(ext) = extension {
                    self.raw(b" ");
                    self.ntext(ext.md5.as_ref());
                    self.extension(ext);
                }
            }
            BodyStructure::Multi {
                parts,
                subtype,
                params,
                extension,
            } => {
                for p in parts {
                    self.body(p);
                }
                self.raw(b" ");
                self.string(subtype.as_bytes());
                if let Some(ext) = extension {
                    self.raw(b" ");
                    self.params(params);
                    self.extension(ext);
                }
            }
        }
        self.raw(b")");
    }

    fn lines(&mut self, lines: Option<u64>) {
        match lines {
            Some(n) => self.fmt(format_args!(" {n}")),
            None => self.raw(b" -1"),
        }
    }

    fn fields(&mut self, f: &BodyFields) {
        self.string(f.media_type.as_bytes());
        self.raw(b" ");
        self.string(f.subtype.as_bytes());
        self.raw(b" ");
        self.params(&f.params);
        self.raw(b" ");
        self.ntext(f.id.as_ref());
        self.raw(b" ");
        self.ntext(f.description.as_ref());
        self.raw(b" ");
        self.ntext(f.encoding.as_ref());
        match f.size {
            Some(n) => self.fmt(format_args!(" {n}")),
            None => self.raw(b" -1"),
        }
    }

    /// The extension data after the MD5 (single part) or parameters (multipart).
    fn extension(&mut self, ext: &BodyExtension) {
        self.raw(b" ");
        match &ext.disposition {
            Some((kind, params)) => {
                self.raw(b"(");
                self.string(kind.as_bytes());
                self.raw(b" ");
                self.params(params);
                self.raw(b")");
            }
            None => self.raw(b"NIL"),
        }
        self.raw(b" ");
        if ext.language.is_empty() {
            self.raw(b"NIL");
        } else {
            self.list(&ext.language, |w, l| w.string(l.as_bytes()));
        }
        self.raw(b" ");
        self.ntext(ext.location.as_ref());
        if let Some(extra) = &ext.extra {
            self.raw(b" ");
            self.raw(extra.as_bytes());
        }
    }
}

/// A mailbox attribute's wire form.
pub(crate) fn attribute_wire(a: &MailboxAttribute) -> String {
    match a {
        MailboxAttribute::NoInferiors => "\\Noinferiors".into(),
        MailboxAttribute::NoSelect => "\\Noselect".into(),
        MailboxAttribute::NonExistent => "\\NonExistent".into(),
        MailboxAttribute::Marked => "\\Marked".into(),
        MailboxAttribute::Unmarked => "\\Unmarked".into(),
        MailboxAttribute::HasChildren => "\\HasChildren".into(),
        MailboxAttribute::HasNoChildren => "\\HasNoChildren".into(),
        MailboxAttribute::Subscribed => "\\Subscribed".into(),
        MailboxAttribute::Remote => "\\Remote".into(),
        MailboxAttribute::SpecialUse(s) => s.as_wire().into(),
        MailboxAttribute::Other(s) => s.clone(),
    }
}
