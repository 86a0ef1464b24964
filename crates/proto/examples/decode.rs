//! Decodes a recorded server→client IMAP byte stream, one JSON object per response.
//!
//! ```sh
//! cargo run --release -p webimap-proto --example decode -- FILE
//! ```
//!
//! Each line is `{"kind": …, "tag": …, …parsed fields}`; a response that did not parse is
//! `{"kind": "error", "error": …, "raw": …}`. Byte strings print as UTF-8 text when they
//! are, else as `{"bytes": [..]}`. The last line is `N responses, M errors`; the exit
//! status is 1 if any response failed to parse (2 if FILE could not be read).

use std::process::ExitCode;

use serde_json::{Value, json};
use webimap_proto::{
    codec::decode::{DEFAULT_MAX_DEPTH, decode_response},
    frame::{FrameLimits, Framer},
    types::{
        core::{Flag, Text},
        fetch::{
            Address, BodyExtension, BodyStructure, DateTime, Envelope, FetchItem, SinglePartKind,
        },
        mailbox::{ListExtendedItem, ListItem, MailboxName},
        response::{
            Code, Data, ESearchItem, MetadataEntries, Namespace, Response, StatusItem, Thread,
        },
    },
};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: decode FILE   (a server→client IMAP byte stream)");
        return ExitCode::from(2);
    };
    let input = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut framer = Framer::new(FrameLimits::default());
    framer.push(&input);
    let (mut total, mut errors) = (0usize, 0usize);
    let emit = |v: Value| println!("{v}");
    while let Some(frame) = framer.next_response() {
        total += 1;
        match frame {
            Ok(bytes) => match decode_response(&bytes, DEFAULT_MAX_DEPTH) {
                Ok(r) => emit(response(&r)),
                Err(e) => {
                    errors += 1;
                    emit(json!({"kind": "error", "error": e.to_string(), "raw": bin(&bytes)}));
                }
            },
            Err(e) => {
                errors += 1;
                emit(json!({"kind": "error", "error": e.to_string()}));
            }
        }
    }
    if framer.buffered() > 0 {
        total += 1;
        errors += 1;
        emit(
            json!({"kind": "error", "error": "incomplete response at the end of the stream",
            "bytes": framer.buffered()}),
        );
    }
    println!("{total} responses, {errors} errors");
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Bytes as a string when they are UTF-8, else as a byte array.
fn bin(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) => json!(s),
        Err(_) => json!({"bytes": b}),
    }
}

fn text(t: &Text) -> Value {
    bin(t.as_bytes())
}

fn ntext(t: Option<&Text>) -> Value {
    t.map_or(Value::Null, text)
}

fn texts(v: &[Text]) -> Value {
    v.iter().map(text).collect()
}

fn mailbox(m: &MailboxName) -> Value {
    json!({"wire": bin(m.as_wire()), "display": m.display()})
}

fn flags(f: &[Flag]) -> Value {
    f.iter().map(|f| json!(f.to_wire())).collect()
}

fn date(d: &DateTime) -> Value {
    json!({"year": d.year(), "month": d.month(), "day": d.day(), "hour": d.hour(),
        "minute": d.minute(), "second": d.second(), "offset_minutes": d.offset_minutes(),
        "unix": d.unix_timestamp()})
}

fn response(r: &Response) -> Value {
    match r {
        Response::Status(s) => json!({
            "kind": "status",
            "tag": s.tag.as_ref().map(|t| t.as_str()),
            "status": s.kind.as_str(),
            "code": s.code.as_ref().map(code),
            "text": text(&s.text),
        }),
        Response::Continue(c) => json!({
            "kind": "continue",
            "code": c.code.as_ref().map(code),
            "text": text(&c.text),
        }),
        Response::Data(d) => {
            let mut v = data(d);
            if let Value::Object(m) = &mut v {
                m.insert("kind".into(), json!("data"));
                m.insert("tag".into(), Value::Null);
            }
            v
        }
    }
}

fn code(c: &Code) -> Value {
    match c {
        Code::Other { name, value } => json!({"other": name, "raw": ntext(value.as_ref())}),
        Code::Capability(caps) => {
            json!({"CAPABILITY": caps.iter().map(|c| c.as_str()).collect::<Vec<_>>()})
        }
        Code::PermanentFlags(f) => json!({"PERMANENTFLAGS": flags(f)}),
        Code::BadCharset(l) => json!({"BADCHARSET": texts(l)}),
        Code::AppendUid { uid_validity, uids } => {
            json!({"APPENDUID": {"uid_validity": uid_validity, "uids": uids.to_string()}})
        }
        Code::CopyUid {
            uid_validity,
            source,
            target,
        } => json!({"COPYUID": {"uid_validity": uid_validity,
            "source": source.to_string(), "target": target.to_string()}}),
        Code::Modified(s) => json!({"MODIFIED": s.to_string()}),
        Code::MailboxId(id) => json!({"MAILBOXID": text(id)}),
        Code::Plain(p) => json!(p.as_str()),
        // Unit codes and codes with one number: their Debug form is the clearest name.
        other => json!(format!("{other:?}")),
    }
}

fn data(d: &Data) -> Value {
    match d {
        Data::Capability(c) => {
            json!({"type": "CAPABILITY", "capabilities": c.iter().map(|c| c.as_str()).collect::<Vec<_>>()})
        }
        Data::Enabled(c) => {
            json!({"type": "ENABLED", "capabilities": c.iter().map(|c| c.as_str()).collect::<Vec<_>>()})
        }
        Data::List(l) => list("LIST", l),
        Data::Lsub(l) => list("LSUB", l),
        Data::Flags(f) => json!({"type": "FLAGS", "flags": flags(f)}),
        Data::Exists(n) => json!({"type": "EXISTS", "n": n}),
        Data::Recent(n) => json!({"type": "RECENT", "n": n}),
        Data::Expunge(n) => json!({"type": "EXPUNGE", "n": n}),
        Data::Fetch { seq, items } => json!({"type": "FETCH", "seq": seq,
            "items": items.iter().map(fetch_item).collect::<Vec<_>>()}),
        Data::Search { ids, modseq } => json!({"type": "SEARCH", "ids": ids, "modseq": modseq}),
        Data::Sort { ids, modseq } => json!({"type": "SORT", "ids": ids, "modseq": modseq}),
        Data::Status { mailbox: m, items } => json!({"type": "STATUS", "mailbox": mailbox(m),
            "items": items.iter().map(status_item).collect::<Vec<_>>()}),
        Data::ESearch(e) => json!({"type": "ESEARCH", "tag": ntext(e.tag.as_ref()), "uid": e.uid,
            "items": e.items.iter().map(|i| match i {
                ESearchItem::Min(n) => json!({"MIN": n}),
                ESearchItem::Max(n) => json!({"MAX": n}),
                ESearchItem::Count(n) => json!({"COUNT": n}),
                ESearchItem::All(s) => json!({"ALL": s.to_string()}),
                ESearchItem::ModSeq(n) => json!({"MODSEQ": n}),
                ESearchItem::Other { name, raw } => json!({"other": name, "raw": text(raw)}),
                other => json!(format!("{other:?}")),
            }).collect::<Vec<_>>()}),
        Data::Thread(t) => {
            json!({"type": "THREAD", "threads": t.iter().map(thread).collect::<Vec<_>>()})
        }
        Data::Vanished { earlier, uids } => {
            json!({"type": "VANISHED", "earlier": earlier, "uids": uids.to_string()})
        }
        Data::Namespace {
            personal,
            other,
            shared,
        } => json!({"type": "NAMESPACE", "personal": namespaces(personal),
            "other": namespaces(other), "shared": namespaces(shared)}),
        Data::Id(fields) => json!({"type": "ID", "fields": fields.iter()
            .map(|(k, v)| json!([text(k), ntext(v.as_ref())])).collect::<Vec<_>>()}),
        Data::Quota { root, resources } => json!({"type": "QUOTA", "root": text(root),
            "resources": resources.iter().map(|r| json!({"name": r.name, "usage": r.usage,
                "limit": r.limit})).collect::<Vec<_>>()}),
        Data::QuotaRoot { mailbox: m, roots } => {
            json!({"type": "QUOTAROOT", "mailbox": mailbox(m), "roots": texts(roots)})
        }
        Data::Metadata {
            mailbox: m,
            entries,
        } => json!({"type": "METADATA",
        "mailbox": mailbox(m), "entries": match entries {
            MetadataEntries::Values(v) => v.iter()
                .map(|(k, v)| json!([text(k), ntext(v.as_ref())])).collect::<Vec<_>>(),
            MetadataEntries::Names(n) => n.iter().map(text).collect::<Vec<_>>(),
        }}),
        Data::Other { name, raw } => json!({"type": name, "raw": text(raw)}),
        other => json!({"type": "unknown", "debug": format!("{other:?}")}),
    }
}

fn list(kind: &str, l: &ListItem) -> Value {
    json!({"type": kind,
        "attributes": l.attributes.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>(),
        "delimiter": l.delimiter, "mailbox": mailbox(&l.name),
        "extended": l.extended.iter().map(|e| match e {
            ListExtendedItem::ChildInfo(v) => json!({"CHILDINFO": texts(v)}),
            ListExtendedItem::OldName(n) => json!({"OLDNAME": mailbox(n)}),
            ListExtendedItem::Other { tag, raw } => json!({"other": text(tag), "raw": text(raw)}),
            other => json!(format!("{other:?}")),
        }).collect::<Vec<_>>()})
}

fn status_item(i: &StatusItem) -> Value {
    match i {
        StatusItem::Other { name, raw } => json!({"other": name, "raw": text(raw)}),
        StatusItem::MailboxId(id) => json!({"MAILBOXID": text(id)}),
        other => json!(format!("{other:?}")),
    }
}

fn thread(t: &Thread) -> Value {
    json!({"ids": t.ids, "children": t.children.iter().map(thread).collect::<Vec<_>>()})
}

fn namespaces(list: &[Namespace]) -> Value {
    list.iter()
        .map(|n| json!({"prefix": text(&n.prefix), "delimiter": n.delimiter,
            "extensions": n.extensions.iter().map(|(k, v)| json!([text(k), texts(v)])).collect::<Vec<_>>()}))
        .collect()
}

fn fetch_item(i: &FetchItem) -> Value {
    match i {
        FetchItem::Uid(n) => json!({"UID": n}),
        FetchItem::Flags(f) => json!({"FLAGS": flags(f)}),
        FetchItem::InternalDate(d) => json!({"INTERNALDATE": date(d)}),
        FetchItem::Rfc822Size(n) => json!({"RFC822.SIZE": n}),
        FetchItem::Envelope(e) => json!({"ENVELOPE": envelope(e)}),
        FetchItem::BodyStructure(b) => json!({"BODYSTRUCTURE": body(b)}),
        FetchItem::Body(b) => json!({"BODY": body(b)}),
        FetchItem::BodySection {
            section,
            origin,
            data,
        } => json!({"BODY[]": {"section": section.to_wire(), "origin": origin,
            "data": data.as_deref().map(bin)}}),
        FetchItem::ModSeq(n) => json!({"MODSEQ": n}),
        FetchItem::Binary {
            section,
            origin,
            data,
        } => json!({"BINARY[]": {"section": section, "origin": origin,
            "data": data.as_deref().map(bin)}}),
        FetchItem::BinarySize { section, size } => {
            json!({"BINARY.SIZE[]": {"section": section, "size": size}})
        }
        FetchItem::Preview(p) => json!({"PREVIEW": ntext(p.as_ref())}),
        FetchItem::EmailId(id) => json!({"EMAILID": text(id)}),
        FetchItem::ThreadId(id) => json!({"THREADID": ntext(id.as_ref())}),
        FetchItem::SaveDate(d) => json!({"SAVEDATE": d.as_ref().map(date)}),
        FetchItem::GmMsgId(n) => json!({"X-GM-MSGID": n}),
        FetchItem::GmThrId(n) => json!({"X-GM-THRID": n}),
        FetchItem::GmLabels(l) => json!({"X-GM-LABELS": texts(l)}),
        FetchItem::Other { name, raw } => json!({"other": name, "raw": text(raw)}),
        other => json!({"unknown": format!("{other:?}")}),
    }
}

fn addresses(list: &[Address]) -> Value {
    list.iter()
        .map(|a| {
            json!({"name": ntext(a.name.as_ref()), "adl": ntext(a.adl.as_ref()),
            "mailbox": ntext(a.mailbox.as_ref()), "host": ntext(a.host.as_ref())})
        })
        .collect()
}

fn envelope(e: &Envelope) -> Value {
    json!({"date": ntext(e.date.as_ref()), "subject": ntext(e.subject.as_ref()),
        "from": addresses(&e.from), "sender": addresses(&e.sender),
        "reply_to": addresses(&e.reply_to), "to": addresses(&e.to), "cc": addresses(&e.cc),
        "bcc": addresses(&e.bcc), "in_reply_to": ntext(e.in_reply_to.as_ref()),
        "message_id": ntext(e.message_id.as_ref())})
}

fn params(p: &[(Text, Text)]) -> Value {
    p.iter().map(|(k, v)| json!([text(k), text(v)])).collect()
}

fn extension(e: Option<&BodyExtension>) -> Value {
    e.map_or(Value::Null, |e| {
        json!({"md5": ntext(e.md5.as_ref()),
            "disposition": e.disposition.as_ref().map(|(k, p)| json!([text(k), params(p)])),
            "language": texts(&e.language), "location": ntext(e.location.as_ref()),
            "extra": ntext(e.extra.as_ref())})
    })
}

fn body(b: &BodyStructure) -> Value {
    match b {
        BodyStructure::Single {
            fields,
            specific,
            extension: ext,
        } => {
            let mut v = json!({"type": text(&fields.media_type), "subtype": text(&fields.subtype),
                "params": params(&fields.params), "id": ntext(fields.id.as_ref()),
                "description": ntext(fields.description.as_ref()),
                "encoding": ntext(fields.encoding.as_ref()), "size": fields.size,
                "extension": extension(ext.as_ref())});
            match specific {
                SinglePartKind::Basic => {}
                SinglePartKind::Text { lines } => v["lines"] = json!(lines),
                SinglePartKind::Message {
                    envelope: e,
                    body: inner,
                    lines,
                } => {
                    v["envelope"] = envelope(e);
                    v["body"] = body(inner);
                    v["lines"] = json!(lines);
                }
            }
            v
        }
        BodyStructure::Multi {
            parts,
            subtype,
            params: p,
            extension: ext,
        } => json!({"type": "multipart", "subtype": text(subtype),
            "parts": parts.iter().map(body).collect::<Vec<_>>(), "params": params(p),
            "extension": extension(ext.as_ref())}),
    }
}
