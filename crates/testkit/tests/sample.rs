//! The sample mailbox is what the other crates' tests assert against: check that every
//! entry's description matches its raw bytes, and that the variety promised is there.

use std::collections::{BTreeMap, HashSet};

use mail_parser::MessageParser;
use webimap_testkit::sample::{self, SampleMessage};

fn raw_text(message: &SampleMessage) -> String {
    String::from_utf8_lossy(&message.raw).into_owned()
}

#[test]
fn there_are_enough_messages_and_inbox_has_twenty() {
    let messages = sample::messages();
    assert!(messages.len() >= 32, "only {} messages", messages.len());
    let inbox = messages.iter().filter(|m| m.folder == "INBOX").count();
    assert!(inbox >= 20, "INBOX has only {inbox}");
    let folders = sample::folders();
    for message in &messages {
        assert!(
            folders.contains(&message.folder),
            "{} not in folders()",
            message.folder
        );
    }
    for folder in ["Archive", "Sent", "Work", "Work/Projects", "Trash"] {
        assert!(
            messages.iter().any(|m| m.folder == folder),
            "no message in {folder}"
        );
    }
}

#[test]
fn messages_are_deterministic_and_unique() {
    assert_eq!(sample::messages(), sample::messages());
    let messages = sample::messages();
    let ids: HashSet<&str> = messages.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), messages.len());
    let times: HashSet<i64> = messages.iter().map(|m| m.unix_time()).collect();
    assert_eq!(times.len(), messages.len(), "dates must differ (UID order)");
}

#[test]
fn descriptions_match_the_parsed_raw_messages() {
    for message in sample::messages() {
        let parsed = MessageParser::default()
            .parse(&message.raw)
            .unwrap_or_else(|| panic!("unparsable: {message:?}"));
        assert_eq!(
            parsed.subject().unwrap_or(""),
            message.subject,
            "{message:?}"
        );
        let from = parsed
            .from()
            .and_then(|from| from.first())
            .unwrap_or_else(|| panic!("no From: {message:?}"));
        assert_eq!(from.name().unwrap_or(""), message.from_name, "{message:?}");
        assert_eq!(
            from.address().unwrap_or(""),
            message.from_addr,
            "{message:?}"
        );
        let date = parsed
            .date()
            .unwrap_or_else(|| panic!("no Date: {message:?}"));
        assert_eq!(date.to_timestamp(), message.unix_time(), "{message:?}");
        assert!(
            raw_text(&message).contains(&format!("Date: {}\r\n", message.date)),
            "{message:?}"
        );
        let text = parsed.body_text(0).unwrap_or_default();
        let html = parsed.body_html(0).unwrap_or_default();
        assert!(
            text.contains(message.body_contains) || html.contains(message.body_contains),
            "{message:?}: {:?} not in {text:?} / {html:?}",
            message.body_contains
        );
        assert_eq!(
            parsed.attachment_count() > 0,
            message.has_attachment,
            "{message:?}"
        );
    }
}

#[test]
fn raw_messages_use_crlf_and_short_header_lines() {
    for message in sample::messages() {
        let raw = &message.raw;
        for (pos, &byte) in raw.iter().enumerate() {
            if byte == b'\n' {
                assert!(pos > 0 && raw[pos - 1] == b'\r', "bare LF in {message:?}");
            }
        }
        let text = raw_text(&message);
        let header = text.split("\r\n\r\n").next().unwrap_or("");
        for line in header.split("\r\n") {
            assert!(line.len() <= 998, "{message:?}");
            if line.starts_with("Subject:") || line.starts_with(' ') {
                assert!(line.len() <= 78, "long header line {line:?}");
            }
        }
    }
}

#[test]
fn the_promised_variety_is_there() {
    let messages = sample::messages();
    let all_raw: Vec<String> = messages.iter().map(raw_text).collect();
    let any_raw = |needle: &str| all_raw.iter().any(|raw| raw.contains(needle));
    for needle in [
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Transfer-Encoding: base64",
        "charset=iso-8859-1",
        "Content-Type: multipart/alternative",
        "Content-Type: multipart/mixed",
        "Content-Type: message/rfc822",
        "Content-Type: application/pdf",
        "Content-Type: image/png",
        "=?UTF-8?B?",
        "=?UTF-8?Q?",
        "Reply-To:",
        "Cc:",
    ] {
        assert!(any_raw(needle), "no sample message has {needle:?}");
    }
    let html_only = all_raw.iter().any(|raw| {
        raw.contains("Content-Type: text/html") && !raw.contains("Content-Type: text/plain")
    });
    assert!(html_only, "no HTML-only message");
    let subjects: Vec<&str> = messages.iter().map(|m| m.subject.as_str()).collect();
    for subject in ["Grüße aus München", "日本語のテスト", "Ça marche — déjà vu"] {
        assert!(subjects.contains(&subject), "missing subject {subject}");
    }
    assert!(subjects.iter().any(|s| s.len() > 100), "no long subject");
    assert!(messages.iter().any(|m| !m.from_name.is_ascii()));
    let with_reply_to = messages
        .iter()
        .find(|m| raw_text(m).contains("Reply-To:"))
        .map(raw_text)
        .unwrap_or_default();
    let to_line = with_reply_to
        .split("\r\nTo:")
        .nth(1)
        .and_then(|rest| rest.split("\r\nCc:").next())
        .unwrap_or("");
    assert!(
        to_line.matches('@').count() >= 2,
        "Reply-To message needs several To"
    );
    for (seen, flagged) in [(true, false), (false, false), (true, true), (false, true)] {
        assert!(
            messages
                .iter()
                .any(|m| m.seen == seen && m.flagged == flagged),
            "no message with seen={seen} flagged={flagged}"
        );
    }
    let months: BTreeMap<String, usize> = messages.iter().fold(BTreeMap::new(), |mut months, m| {
        let month = m.date.split(' ').nth(2).unwrap_or("").to_owned();
        *months.entry(month).or_default() += 1;
        months
    });
    assert!(
        months.len() >= 5,
        "dates should spread over months: {months:?}"
    );
}
