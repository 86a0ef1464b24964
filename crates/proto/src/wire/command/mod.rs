//! Encoder for commands: [`encode`] writes each command's syntax with a [`CommandWriter`]
//! (`writer.rs`: lines, literals, and the choice of atom, quoted string or literal), SEARCH
//! criteria in `search.rs`, FETCH items in `fetch.rs`.

mod fetch;
mod search;
#[cfg(test)]
mod tests;
mod writer;

use base64::Engine;

use self::writer::CommandWriter;
use crate::{
    types::{
        command::{Command, ListPattern, StatusItem, StoreAction, ThreadAlgorithm},
        core::{Tag, is_atom_char},
        fetch::DateTime,
    },
    wire::fragment::{EncodeOptions, Fragment},
};

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
