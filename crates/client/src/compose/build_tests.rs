use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::*;
use crate::compose::flowed::from_flowed;
use crate::compose::{Body, InlineImage};

pub(in crate::compose) fn inputs() -> BuildInputs {
    BuildInputs {
        unix_time: 1_796_407_804,
        utc_offset_minutes: 60,
        random: *b"0123456789abcdef",
    }
}

pub(in crate::compose) fn sample() -> Draft {
    Draft {
        from: Mailbox::new(Some("Ann Example"), "ann@example.com"),
        to: vec![Mailbox::new(Some("Bob"), "bob@example.org")],
        cc: vec![Mailbox::new(None, "carol@example.net")],
        bcc: vec![
            Mailbox::new(Some("Secret Dave"), "dave@example.net"),
            Mailbox::new(None, "BOB@example.org"),
        ],
        subject: "Lunch".into(),
        body: Body::text("Shall we?\n\n-- \nAnn"),
        attachments: vec![],
        in_reply_to: Some("parent@example.org".into()),
        references: vec!["root@example.org".into(), "parent@example.org".into()],
    }
}

/// The bytes with the Bcc header (and its folded continuation lines) removed.
pub(in crate::compose) fn without_bcc(message: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(message);
    let mut out = String::new();
    let mut in_bcc = false;
    for line in text.split_inclusive("\r\n") {
        if line.starts_with("Bcc:") {
            in_bcc = true;
            continue;
        }
        if in_bcc && (line.starts_with(' ') || line.starts_with('\t')) {
            continue;
        }
        in_bcc = false;
        out.push_str(line);
    }
    out.into_bytes()
}

fn text_of(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw);
    let text = message
        .as_ref()
        .and_then(|m| m.text_part(0))
        .and_then(|part| match &part.body {
            PartType::Text(text) => Some(text.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    from_flowed(&text, false)
}

#[test]
fn headers_of_a_text_message() {
    let built = build(&sample(), &inputs()).expect("builds");
    assert_eq!(
        built.message_id,
        "30313233343536373839616263646566@example.com"
    );
    let text = String::from_utf8_lossy(&built.for_keeping).to_string();
    assert!(
        text.starts_with("Date: Fri, 04 Dec 2026 19:10:04 +0100\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nMessage-ID: <30313233343536373839616263646566@example.com>\r\n"));
    assert!(text.contains("\r\nIn-Reply-To: <parent@example.org>\r\n"));
    assert!(text.contains("\r\nReferences: <root@example.org> <parent@example.org>\r\n"));
    assert!(text.contains("\r\nMIME-Version: 1.0\r\n"));
    assert!(text.contains("format=\"flowed\""), "{text}");
    let parsed = MessageParser::default()
        .parse(&built.for_keeping)
        .expect("parses");
    assert_eq!(parsed.subject(), Some("Lunch"));
    let from = parsed.from().and_then(|a| a.first()).expect("from");
    assert_eq!(from.name.as_deref(), Some("Ann Example"));
    assert_eq!(from.address.as_deref(), Some("ann@example.com"));
    assert_eq!(parsed.bcc().map(|b| b.iter().count()), Some(2));
    assert_eq!(text_of(&built.for_keeping), "Shall we?\n\n-- \nAnn");
}

#[test]
fn sent_copy_has_no_bcc_and_is_otherwise_identical() {
    let mut draft = sample();
    draft.body = Body::Html {
        html: "<p>Hi <img src=\"cid:logo@x\"></p>".into(),
        inline_images: vec![InlineImage {
            content_id: "logo@x".into(),
            mime_type: "image/png".into(),
            data: vec![1, 2, 3, 4],
        }],
    };
    draft.attachments.push(Attachment {
        name: "a.bin".into(),
        mime_type: "application/octet-stream".into(),
        data: vec![0; 100],
    });
    let built = build(&draft, &inputs()).expect("builds");
    let sending = String::from_utf8_lossy(&built.for_sending);
    assert!(!sending.contains("Bcc:"), "{sending}");
    assert!(!sending.contains("dave@example.net"));
    assert!(String::from_utf8_lossy(&built.for_keeping).contains("\r\nBcc: "));
    assert_ne!(built.for_sending, built.for_keeping);
    assert_eq!(built.for_sending, without_bcc(&built.for_keeping));
    // The same inputs give the same bytes: no clock inside.
    assert_eq!(build(&draft, &inputs()), Ok(built));
}

#[test]
fn envelope_recipients_are_deduplicated() {
    let built = build(&sample(), &inputs()).expect("builds");
    assert_eq!(
        built.recipients,
        ["bob@example.org", "carol@example.net", "dave@example.net"]
    );
    let mut alone = sample();
    alone.to.clear();
    alone.cc.clear();
    alone.bcc.clear();
    assert!(
        build(&alone, &inputs())
            .expect("a draft may have no one yet")
            .recipients
            .is_empty()
    );
}

#[test]
fn flowed_text_round_trips_through_mail_parser() {
    let text = format!(
        "{}\n> {}\n From the start\n\nend",
        "Grüße und ein sehr langer Absatz ".repeat(9).trim_end(),
        "quoted words ".repeat(10).trim_end()
    );
    let mut draft = sample();
    draft.body = Body::text(text.clone());
    let built = build(&draft, &inputs()).expect("builds");
    for line in String::from_utf8_lossy(&built.for_sending).split("\r\n") {
        assert!(line.len() <= 998);
    }
    assert_eq!(text_of(&built.for_sending), text);
}

#[test]
fn non_ascii_subject_is_rfc2047_encoded() {
    let mut draft = sample();
    draft.subject = "Grüße aus Köln — 日本".into();
    let built = build(&draft, &inputs()).expect("builds");
    let raw = String::from_utf8_lossy(&built.for_sending);
    assert!(raw.is_ascii(), "{raw}");
    assert!(raw.contains("Subject: =?"), "{raw}");
    let parsed = MessageParser::default()
        .parse(&built.for_sending)
        .expect("parses");
    assert_eq!(parsed.subject(), Some("Grüße aus Köln — 日本"));
}

#[test]
fn non_ascii_filename_is_rfc2231_encoded() {
    let mut draft = sample();
    draft.attachments.push(Attachment {
        name: "Jahresabschluß 2026.pdf".into(),
        mime_type: "application/pdf".into(),
        data: b"%PDF-1.4 fake".to_vec(),
    });
    let built = build(&draft, &inputs()).expect("builds");
    let raw = String::from_utf8_lossy(&built.for_sending);
    assert!(
        raw.contains("filename*=UTF-8''Jahresabschlu%C3%9F%202026.pdf"),
        "{raw}"
    );
    let parsed = MessageParser::default()
        .parse(&built.for_sending)
        .expect("parses");
    let attachment = parsed.attachment(0).expect("attachment");
    assert_eq!(
        attachment.attachment_name(),
        Some("Jahresabschluß 2026.pdf")
    );
    assert_eq!(attachment.contents(), b"%PDF-1.4 fake");
}

/// A deterministic pseudo-random buffer (xorshift64*).
pub(in crate::compose) fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn ten_megabyte_attachment_decodes_byte_exact() {
    let data = noise(10 * 1024 * 1024, 7);
    let mut draft = sample();
    draft.attachments.push(Attachment {
        name: "big.bin".into(),
        mime_type: "application/octet-stream".into(),
        data: data.clone(),
    });
    let built = build(&draft, &inputs()).expect("builds");
    let raw = &built.for_sending;
    assert!(raw.split(|&b| b == b'\n').all(|line| line.len() <= 78));
    let parsed = MessageParser::default().parse(raw).expect("parses");
    let attachment = parsed.attachment(0).expect("attachment");
    assert!(
        attachment.contents() == data.as_slice(),
        "decoded bytes differ"
    );
}

#[test]
fn html_with_text_alternative_and_inline_image() {
    let mut draft = sample();
    draft.body = Body::Html {
        html: "<p>Hello <b>Bob</b></p><p><img src=\"cid:logo.1@example.com\"></p>".into(),
        inline_images: vec![InlineImage {
            content_id: "logo.1@example.com".into(),
            mime_type: "image/png".into(),
            data: vec![0x89, b'P', b'N', b'G', 0, 1, 2],
        }],
    };
    let built = build(&draft, &inputs()).expect("builds");
    let raw = String::from_utf8_lossy(&built.for_sending);
    let alternative = raw.find("multipart/alternative").expect("alternative");
    let related = raw.find("multipart/related").expect("related");
    assert!(alternative < related);
    assert!(raw.contains("Content-ID: <logo.1@example.com>"), "{raw}");
    let parsed = MessageParser::default()
        .parse(&built.for_sending)
        .expect("parses");
    assert!(
        parsed
            .body_html(0)
            .is_some_and(|h| h.contains("cid:logo.1@example.com"))
    );
    assert!(text_of(&built.for_sending).contains("Hello Bob"));
    let image = parsed
        .parts
        .iter()
        .find(|p| p.content_id() == Some("logo.1@example.com"))
        .expect("image part");
    assert_eq!(image.contents(), [0x89, b'P', b'N', b'G', 0, 1, 2]);
}

#[test]
fn forwarded_message_travels_unencoded() {
    assert_eq!(message_encoding(b"Subject: x\r\n\r\nhi\r\n"), Some("7bit"));
    assert_eq!(
        message_encoding("Subject: ü\n\nhi\n".as_bytes()),
        Some("8bit")
    );
    assert_eq!(message_encoding(&[b'a'; 999]), None);
    assert_eq!(message_encoding(b"a\rb"), None);
    assert_eq!(crlf_lines(b"a\nb\r\nc"), b"a\r\nb\r\nc\r\n");
    for sample in [&b"a\nb\r\nc"[..], b"", b"\n", b"x\r\n", b"\n\n"] {
        assert_eq!(
            crlf_lines(sample).len(),
            crlf_lines_len(sample),
            "{sample:?}"
        );
    }
    let mut draft = sample();
    draft.attachments.push(Attachment {
        name: "original.eml".into(),
        mime_type: "message/rfc822".into(),
        data: b"From: x@y\nSubject: inner\n\nbody\n".to_vec(),
    });
    let built = build(&draft, &inputs()).expect("builds");
    let raw = String::from_utf8_lossy(&built.for_sending);
    assert!(raw.contains("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n"));
    assert!(
        raw.contains("\r\n\r\nFrom: x@y\r\nSubject: inner\r\n\r\nbody\r\n"),
        "{raw}"
    );
}

#[test]
fn bad_drafts_are_refused_in_words() {
    let mut bad_to = sample();
    bad_to.to.push(Mailbox::new(None, "eve@x>\r\nBcc: y@z"));
    let mut bad_subject = sample();
    bad_subject.subject = "a\r\nBcc: eve@x".into();
    let mut bad_type = sample();
    bad_type.attachments.push(Attachment {
        name: "x".into(),
        mime_type: "text/plain\r\nX: y".into(),
        data: vec![],
    });
    let mut bad_reference = sample();
    bad_reference.references.push("a b>".into());
    let mut bad_from = sample();
    bad_from.from.address = "nobody".into();
    for (draft, words) in [
        (bad_to, "contains a space, line break"),
        (bad_subject, "subject contains a line break"),
        (bad_type, "is not a valid MIME type"),
        (bad_reference, "not a valid message or content identifier"),
        (bad_from, "is not an email address"),
    ] {
        let error = build(&draft, &inputs()).expect_err("refused").to_string();
        assert!(error.contains(words), "{error}");
        assert!(!error.contains('\n'));
    }
}

#[test]
fn message_id_domain_is_the_ascii_form_or_falls_back() {
    let mut draft = sample();
    draft.from.address = "ann@bücher.de".into();
    let built = build(&draft, &inputs()).expect("builds");
    assert!(
        built.message_id.ends_with("@xn--bcher-kva.de"),
        "{}",
        built.message_id
    );
    draft.from.address = "ann@[192.0.2.1]".into();
    let built = build(&draft, &inputs()).expect("builds");
    assert!(
        built.message_id.ends_with("@webimap.invalid"),
        "{}",
        built.message_id
    );
}

#[test]
fn internationalised_domains_travel_in_ascii_form() {
    let mut draft = sample();
    draft.to = vec![Mailbox::new(Some("Jörg"), "joerg@bücher.example")];
    draft.bcc = vec![Mailbox::new(None, "x@münchen.de")];
    let built = build(&draft, &inputs()).unwrap();
    let header = String::from_utf8_lossy(&built.for_sending);
    assert!(header.contains("joerg@xn--bcher-kva.example"), "{header}");
    assert!(!header.contains("bücher"), "{header}");
    assert!(
        built
            .recipients
            .contains(&"joerg@xn--bcher-kva.example".to_string())
    );
    assert!(
        built
            .recipients
            .contains(&"x@xn--mnchen-3ya.de".to_string())
    );
    draft.to = vec![Mailbox::new(None, "joerg@bü cher.example")];
    assert!(build(&draft, &inputs()).is_err());
}
