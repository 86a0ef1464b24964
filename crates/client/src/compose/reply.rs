//! Replies: who they go to (Reply-To, Mail-Followup-To, the user's own addresses left
//! out, each address once, To/Cc split as Thunderbird does), which identity they come
//! from, how they thread (In-Reply-To, References) and how they quote.

use super::address::Mailbox;
use super::original::OriginalMessage;
use super::subject::reply_subject;
use super::{Body, Draft};

/// Whom a reply goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// The sender only (its Reply-To if it has one).
    Sender,
    /// The sender and every other recipient (or the Mail-Followup-To list).
    All,
}

/// The most References kept: the thread's first and the latest ones (RFC 5322 §3.6.4
/// sets no limit; long chains only grow headers).
const MAX_REFERENCES: usize = 20;

/// A reply to `original` from the identity it was addressed to among `identities` (the
/// user's addresses; the first is the default).
pub fn reply(original: &OriginalMessage, mode: ReplyMode, identities: &[Mailbox]) -> Draft {
    let from = choose_identity(original, identities).unwrap_or_default();
    let own = |m: &Mailbox| {
        identities.iter().any(|i| i.same_address(&m.address)) || m.same_address(&from.address)
    };
    let sender = if original.reply_to.is_empty() {
        &original.from
    } else {
        &original.reply_to
    };
    // A reply to one's own message goes to its recipients, as Thunderbird does.
    let sent_by_me = !sender.is_empty() && sender.iter().all(own);
    let (to, cc): (Vec<&Mailbox>, Vec<&Mailbox>) = match mode {
        ReplyMode::Sender if sent_by_me => (original.to.iter().collect(), Vec::new()),
        ReplyMode::Sender => (sender.iter().collect(), Vec::new()),
        ReplyMode::All if !original.mail_followup_to.is_empty() => {
            (original.mail_followup_to.iter().collect(), Vec::new())
        }
        ReplyMode::All if sent_by_me => {
            (original.to.iter().collect(), original.cc.iter().collect())
        }
        ReplyMode::All => (
            sender.iter().collect(),
            original.to.iter().chain(&original.cc).collect(),
        ),
    };
    let mut seen: Vec<String> = Vec::new();
    let mut keep = |list: Vec<&Mailbox>| -> Vec<Mailbox> {
        let mut out = Vec::new();
        for mailbox in list {
            let duplicate = seen.iter().any(|s| mailbox.same_address(s));
            if !duplicate && !own(mailbox) && !mailbox.address.trim().is_empty() {
                seen.push(mailbox.address.clone());
                out.push(mailbox.clone());
            }
        }
        out
    };
    let mut to = keep(to);
    let mut cc = keep(cc);
    if to.is_empty() && mode == ReplyMode::All {
        std::mem::swap(&mut to, &mut cc);
    }
    Draft {
        from,
        to,
        cc,
        bcc: Vec::new(),
        subject: reply_subject(&original.subject),
        body: quoted_body(original),
        attachments: Vec::new(),
        in_reply_to: original.message_id.clone(),
        references: references(original),
    }
}

/// The identity `original` was addressed to (in To, then Cc, then Delivered-To), else
/// the first identity; `None` only when there are no identities.
pub fn choose_identity(original: &OriginalMessage, identities: &[Mailbox]) -> Option<Mailbox> {
    let addressed = original
        .to
        .iter()
        .chain(&original.cc)
        .map(|m| m.address.as_str())
        .chain(original.delivered_to.iter().map(String::as_str));
    for address in addressed {
        if let Some(identity) = identities.iter().find(|i| i.same_address(address)) {
            return Some(identity.clone());
        }
    }
    identities.first().cloned()
}

/// The reply's References: the original's References (or its In-Reply-To when it has
/// none) and its Message-ID; a long chain keeps its first and its latest ones.
fn references(original: &OriginalMessage) -> Vec<String> {
    let mut chain = if original.references.is_empty() {
        original.in_reply_to.iter().cloned().collect()
    } else {
        original.references.clone()
    };
    if let Some(id) = &original.message_id
        && chain.last() != Some(id)
    {
        chain.push(id.clone());
    }
    if chain.len() > MAX_REFERENCES {
        let latest = chain.split_off(chain.len() - (MAX_REFERENCES - 1));
        chain.truncate(1);
        chain.extend(latest);
    }
    chain
}

/// An empty line to write in, the attribution and the quoted original: `> ` lines in
/// text, a blockquote in HTML (when the original has HTML). The original's HTML is nested
/// as it came: whoever shows it in an editor sanitises it first, as for reading it. Its
/// `cid:` images are not carried over.
fn quoted_body(original: &OriginalMessage) -> Body {
    let attribution = match &original.date {
        Some(date) => format!("On {date}, {} wrote:", original.author()),
        None => format!("{} wrote:", original.author()),
    };
    match &original.html {
        Some(html) => Body::Html {
            html: format!(
                "<p><br></p>\n<p>{}</p>\n<blockquote type=\"cite\">\n{}\n</blockquote>\n",
                escape_html(&attribution),
                body_of(html)
            ),
            inline_images: Vec::new(),
        },
        None => Body::text(format!(
            "\n\n{attribution}\n{}\n",
            quote(&original.quotable_text())
        )),
    }
}

/// `text` quoted one level deeper: `> ` before each line, `>` before quoted ones.
pub(super) fn quote(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.trim_end_matches('\n')
        .split('\n')
        .map(|line| {
            if line.starts_with('>') {
                format!(">{line}")
            } else if line.is_empty() {
                ">".to_string()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The inside of an HTML document's `<body>` (the whole text if it has none), to nest
/// it in a reply or forward.
pub(super) fn body_of(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let start = lower
        .find("<body")
        .and_then(|at| lower[at..].find('>').map(|end| at + end + 1));
    let Some(start) = start else {
        return html;
    };
    let end = lower[start..]
        .find("</body")
        .map_or(html.len(), |at| start + at);
    &html[start..end]
}

/// `text` safe inside HTML.
pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
