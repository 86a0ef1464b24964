//! Every server line of the examples in RFC 3501, RFC 9051 and the extension RFCs the crate
//! supports, copied from the RFC texts, decoded with the public API (the [`Framer`] with
//! default limits, then [`decode_response`]).
//!
//! # Data files
//!
//! `tests/data/rfc-examples/rfcNNNN.txt`, one per RFC:
//! - a line `# section X.Y` starts an entry: exactly one server response, taken from that
//!   section of the RFC (the `S: ` prefix and the RFC's indentation removed, lines the RFC
//!   wraps for display joined, elided placeholders such as `(...)` left out);
//! - the entry is every line after it up to the next line starting with `#` (trailing empty
//!   lines dropped). Its lines are joined with CRLF and it ends with CRLF, so a literal's
//!   `{n}` counts the CRLFs of the lines it spans; the files themselves use LF;
//! - any other line starting with `#` is a comment (the RFC, its source, what was skipped
//!   or corrected and why).
//!
//! # Checks, for each entry
//!
//! - the framer yields exactly one response, consuming every byte (so literal counts are
//!   right), and it decodes without error;
//! - nothing in it is kept raw (`Data::Other`, `Code::Other`, `FetchItem::Other`,
//!   `StatusItem::Other`, `ESearchItem::Other`, `ListExtendedItem::Other`,
//!   `MailboxAttribute::Other`): every RFC here is one the crate claims (the table in the
//!   crate docs), except for the items listed in [`RAW_ALLOWED`] (extensions the crate does
//!   not claim that an example happens to use).
//!
//! Entries listed in [`KNOWN_GAPS`] are parser gaps found by this corpus: they must still
//! fail (the test fails once one passes, so it gets removed from the list). The gaps it
//! found (USEATTR, DELETED-STORAGE, BADCHARSET without parentheses) are fixed; it is empty.

use std::{collections::BTreeMap, fs, path::Path};

use webimap_proto::{
    codec::decode::{DEFAULT_MAX_DEPTH, decode_response},
    frame::{FrameLimits, Framer},
    types::{
        fetch::FetchItem,
        mailbox::{ListExtendedItem, ListItem, MailboxAttribute},
        response::{Code, Data, ESearchItem, Response, StatusItem},
    },
};

/// Examples that do not decode (or fall back to raw) today: (RFC file stem, the entry's
/// first line, why). Each must keep failing; fix the parser, then remove the entry.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[];

/// Raw items allowed because the crate does not claim the extension they belong to:
/// (RFC file stem, the item as [`raw_items`] names it, why).
const RAW_ALLOWED: &[(&str, &str, &str)] = &[
    (
        "rfc3501",
        "data XPIG-LATIN",
        "the experimental X<atom> response of section 6.5.1: unknown untagged data stays raw",
    ),
    (
        "rfc9051",
        "data XPIG-LATIN",
        "the fictitious XPIG-LATIN response of section 6.5: unknown untagged data stays raw",
    ),
    (
        "rfc9051",
        "list-extended tablecloth",
        "the fictitious extended data item of section 7.3.1's examples",
    ),
    (
        "rfc9051",
        "list-extended Sample",
        "the fictitious extended data item of section 7.3.1's examples",
    ),
    (
        "rfc9051",
        "code UIDVALIDITY",
        "section 6.3.2's example value 9877410381 exceeds the 32-bit nz-number UIDVALIDITY \
         must be (an erratum): kept raw rather than truncated",
    ),
];

/// RFCs whose text has no server example lines (their file holds only the header).
const NO_SERVER_EXAMPLES: &[&str] = &["rfc6855"];

struct Entry {
    section: String,
    /// The response as sent: LF turned into CRLF, ending with CRLF.
    wire: Vec<u8>,
    first_line: String,
}

fn parse_file(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut flush = |current: &mut Option<(String, Vec<&str>)>| {
        if let Some((section, mut lines)) = current.take() {
            while lines.last() == Some(&"") {
                lines.pop();
            }
            assert!(!lines.is_empty(), "empty entry in section {section}");
            let mut wire = lines.join("\r\n").into_bytes();
            wire.extend_from_slice(b"\r\n");
            entries.push(Entry {
                section,
                wire,
                first_line: lines[0].to_owned(),
            });
        }
    };
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(rest) = line.strip_prefix('#') {
            flush(&mut current);
            if let Some(section) = rest.strip_prefix(" section ") {
                current = Some((section.trim().to_owned(), Vec::new()));
            }
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    flush(&mut current);
    entries
}

fn attribute_raw(item: &ListItem, out: &mut Vec<String>) {
    for a in &item.attributes {
        if let MailboxAttribute::Other(name) = a {
            out.push(format!("attribute {name}"));
        }
    }
    for x in &item.extended {
        if let ListExtendedItem::Other { tag, .. } = x {
            out.push(format!("list-extended {}", tag.to_lossy()));
        }
    }
}

fn code_raw(code: Option<&Code>, out: &mut Vec<String>) {
    if let Some(Code::Other { name, .. }) = code {
        out.push(format!("code {name}"));
    }
}

/// Everything in a response that the decoder kept raw, named `kind NAME`.
fn raw_items(response: &Response) -> Vec<String> {
    let mut out = Vec::new();
    match response {
        Response::Status(s) => code_raw(s.code.as_ref(), &mut out),
        Response::Continue(c) => code_raw(c.code.as_ref(), &mut out),
        Response::Data(data) => match data {
            Data::Other { name, .. } => out.push(format!("data {name}")),
            Data::List(item) | Data::Lsub(item) => attribute_raw(item, &mut out),
            Data::Fetch { items, .. } => {
                for i in items {
                    if let FetchItem::Other { name, .. } = i {
                        out.push(format!("fetch {name}"));
                    }
                }
            }
            Data::Status { items, .. } => {
                for i in items {
                    if let StatusItem::Other { name, .. } = i {
                        out.push(format!("status {name}"));
                    }
                }
            }
            Data::ESearch(e) => {
                for i in &e.items {
                    if let ESearchItem::Other { name, .. } = i {
                        out.push(format!("esearch {name}"));
                    }
                }
            }
            _ => {}
        },
    }
    out
}

/// Frames and decodes one entry; `Ok` holds the [`RAW_ALLOWED`] indices it relied on,
/// `Err` says why it is not fully typed.
fn check(rfc: &str, entry: &Entry) -> Result<Vec<usize>, String> {
    let mut framer = Framer::new(FrameLimits::default());
    framer.push(&entry.wire);
    let frame = match framer.next_response() {
        Some(Ok(frame)) => frame,
        Some(Err(e)) => return Err(format!("framing: {e}")),
        None => return Err("framing: incomplete response (literal count too large?)".into()),
    };
    if framer.buffered() != 0 || framer.next_response().is_some() {
        return Err("framing: bytes left after one response (literal count too small?)".into());
    }
    let response = decode_response(&frame, DEFAULT_MAX_DEPTH).map_err(|e| e.to_string())?;
    let (mut allowed, mut raw) = (Vec::new(), Vec::new());
    for item in raw_items(&response) {
        match RAW_ALLOWED
            .iter()
            .position(|(f, n, _)| *f == rfc && *n == item)
        {
            Some(i) => allowed.push(i),
            None => raw.push(item),
        }
    }
    if raw.is_empty() {
        Ok(allowed)
    } else {
        Err(format!("kept raw: {}", raw.join(", ")))
    }
}

#[test]
fn rfc_examples_decode_typed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfc-examples");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no data files in {}", dir.display());

    let mut failures = Vec::new();
    let mut gaps_seen = vec![false; KNOWN_GAPS.len()];
    let mut raw_used = vec![false; RAW_ALLOWED.len()];
    let mut counts = BTreeMap::new();
    for path in &files {
        let rfc = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(path).expect("read data file");
        let entries = parse_file(&text);
        if NO_SERVER_EXAMPLES.contains(&rfc.as_str()) {
            assert!(entries.is_empty(), "{rfc}: listed as having no examples");
        } else {
            assert!(!entries.is_empty(), "{rfc}: no entries");
        }
        let (mut ok, mut gaps) = (0usize, 0usize);
        for entry in &entries {
            let gap = KNOWN_GAPS
                .iter()
                .position(|(f, line, _)| *f == rfc && *line == entry.first_line);
            let result = check(&rfc, entry);
            if let Ok(allowed) = &result {
                for &i in allowed {
                    raw_used[i] = true;
                }
            }
            match (result, gap) {
                (Ok(_), None) => ok += 1,
                (Err(_), Some(i)) => {
                    gaps_seen[i] = true;
                    gaps += 1;
                }
                (Ok(_), Some(_)) => failures.push(format!(
                    "{rfc} section {}: listed in KNOWN_GAPS but now passes; remove it: {}",
                    entry.section, entry.first_line
                )),
                (Err(why), None) => failures.push(format!(
                    "{rfc} section {}: {why}\n    {}",
                    entry.section,
                    String::from_utf8_lossy(&entry.wire)
                        .trim_end()
                        .replace("\r\n", "\n    ")
                )),
            }
        }
        counts.insert(rfc, (entries.len(), ok, gaps));
    }

    let mut total = 0;
    for (rfc, (n, ok, gaps)) in &counts {
        println!("{rfc}: {n} responses, {ok} typed, {gaps} known gaps");
        total += n;
    }
    println!("total: {total} responses in {} RFCs", counts.len());

    for (i, seen) in gaps_seen.iter().enumerate() {
        if !seen {
            let (f, line, _) = KNOWN_GAPS[i];
            failures.push(format!(
                "KNOWN_GAPS entry matches no failing example: {f}: {line}"
            ));
        }
    }
    for (i, used) in raw_used.iter().enumerate() {
        if !used {
            let (f, name, _) = RAW_ALLOWED[i];
            failures.push(format!("RAW_ALLOWED entry is not needed: {f}: {name}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
