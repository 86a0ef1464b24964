//! Real servers' deviations from the grammar (see the table in the crate docs): each must
//! decode, keeping what cannot be interpreted as raw bytes.

use webimap_proto::{
    codec::decode::{DEFAULT_MAX_DEPTH, DecodeError, decode_response},
    types::{
        core::Flag,
        fetch::{BodyStructure, FetchItem},
        response::{Code, Data, Response, StatusItem, StatusKind},
    },
};

fn decode(line: &[u8]) -> Response {
    decode_response(line, DEFAULT_MAX_DEPTH)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)))
}

fn fetch_items(line: &[u8]) -> Vec<FetchItem> {
    match decode(line) {
        Response::Data(Data::Fetch { items, .. }) => items,
        other => panic!("not a FETCH: {other:?}"),
    }
}

#[test]
fn exchange_trailing_space_after_status() {
    let Response::Data(Data::Status { items, .. }) = decode(b"* STATUS INBOX (MESSAGES 1) \r\n")
    else {
        panic!()
    };
    assert_eq!(items, vec![StatusItem::Messages(1)]);
}

#[test]
fn zoho_wildcard_in_flags() {
    let Response::Data(Data::Flags(f)) =
        decode(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)\r\n")
    else {
        panic!()
    };
    assert_eq!(f.last(), Some(&Flag::MayCreate));
}

#[test]
fn gmail_brackets_in_flags() {
    let Response::Data(Data::Flags(f)) = decode(b"* FLAGS (OIB-Seen-[Gmail]/All)\r\n") else {
        panic!()
    };
    assert_eq!(f, vec![Flag::Keyword("OIB-Seen-[Gmail]/All".into())]);
}

#[test]
fn yandex_bare_continuation() {
    assert!(matches!(decode(b"+\r\n"), Response::Continue(c) if c.text.is_empty()));
    assert!(matches!(decode(b"+ \r\n"), Response::Continue(_)));
}

#[test]
fn gmail_highestmodseq_on_untagged_ok() {
    let Response::Status(s) = decode(b"* OK [HIGHESTMODSEQ 12345]\r\n") else {
        panic!()
    };
    assert_eq!(s.code, Some(Code::HighestModSeq(12345)));
}

#[test]
fn dovecot_negative_sizes_in_bodystructure() {
    let items = fetch_items(
        b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" -1 0))\r\n",
    );
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!("{items:?}")
    };
    let BodyStructure::Single { fields, .. } = &**body else {
        panic!()
    };
    assert_eq!(fields.size, None);
    assert!(fields.params.is_empty());
}

#[test]
fn mailru_nil_parameter_value() {
    let items = fetch_items(
        b"* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1)\
(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 20 1) \"alternative\" (\"boundary\" NIL)))\r\n",
    );
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!("{items:?}")
    };
    let BodyStructure::Multi { parts, params, .. } = &**body else {
        panic!()
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(params[0].1.as_bytes(), b"");
}

#[test]
fn maddy_nil_encoding() {
    let items = fetch_items(b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL NIL 10 1))\r\n");
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!("{items:?}")
    };
    let BodyStructure::Single { fields, .. } = &**body else {
        panic!()
    };
    assert_eq!(fields.encoding, None);
    assert_eq!(fields.size, Some(10));
}

#[test]
fn qq_space_before_paren() {
    assert_eq!(
        fetch_items(b"* 11487 FETCH (UID 19436 )\r\n"),
        vec![FetchItem::Uid(19436)]
    );
}

#[test]
fn utf8_banner_text() {
    let line = "* OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in – go ahead!\r\n";
    let Response::Status(s) = decode(line.as_bytes()) else {
        panic!()
    };
    assert_eq!(s.text.as_str(), Some("Logged in – go ahead!"));
    assert!(matches!(s.code, Some(Code::Capability(c)) if c.len() == 2));
}

#[test]
fn icloud_bye_without_text() {
    let Response::Status(s) = decode(b"* BYE\r\n") else {
        panic!()
    };
    assert_eq!((s.kind, s.text.is_empty()), (StatusKind::Bye, true));
}

#[test]
fn gmail_extension_items_typed() {
    let items = fetch_items(
        b"* 1 FETCH (UID 42 X-GM-LABELS (\\Inbox \\Sent \"Travel\") X-GM-MSGID 1278455344230334865)\r\n",
    );
    assert_eq!(items[0], FetchItem::Uid(42));
    assert_eq!(
        items[1],
        FetchItem::GmLabels(vec!["\\Inbox".into(), "\\Sent".into(), "Travel".into()])
    );
    assert_eq!(items[2], FetchItem::GmMsgId(1_278_455_344_230_334_865));
}

#[test]
fn vendor_fetch_items_kept_raw() {
    let items = fetch_items(b"* 1 FETCH (UID 42 X-VENDOR-THING (1 \"a\" (b)) X-GM-MSGID oops)\r\n");
    let FetchItem::Other { name, raw } = &items[1] else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), raw.as_bytes()),
        ("X-VENDOR-THING", &b"(1 \"a\" (b))"[..])
    );
    let FetchItem::Other { name, raw } = &items[2] else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), raw.as_bytes()),
        ("X-GM-MSGID", &b"oops"[..])
    );
}

#[test]
fn dovecot_zero_length_literal() {
    let items = fetch_items(b"* 916 FETCH (UID 959 BODY[1]<393216> {0}\r\n)\r\n");
    let FetchItem::BodySection {
        section,
        origin,
        data,
    } = &items[1]
    else {
        panic!()
    };
    assert_eq!(
        (section.part_numbers().to_vec(), *origin, data.as_deref()),
        (vec![1], Some(393_216), Some(&b""[..]))
    );
}

#[test]
fn bare_lf_and_8bit_quoted() {
    let items =
        fetch_items(b"* 1 FETCH (ENVELOPE (NIL \"Caf\xe9\" NIL NIL NIL NIL NIL NIL NIL NIL))\n");
    let FetchItem::Envelope(env) = &items[0] else {
        panic!()
    };
    assert_eq!(
        env.subject.as_ref().map(|s| s.as_bytes()),
        Some(&b"Caf\xe9"[..])
    );
}

#[test]
fn unknown_codes_and_data_kept_raw() {
    let Response::Status(s) = decode(b"A1 OK [X-VENDOR foo [bar] baz] done\r\n") else {
        panic!()
    };
    let Some(Code::Other { name, value }) = s.code else {
        panic!()
    };
    assert_eq!(name, "X-VENDOR");
    assert_eq!(
        value.map(|v| v.into_bytes()),
        Some(b"foo [bar] baz".to_vec())
    );
    let Response::Data(Data::Other { name, raw }) = decode(b"* XSTUFF 1 2 (3)\r\n") else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), raw.as_bytes()),
        ("XSTUFF", &b"XSTUFF 1 2 (3)"[..])
    );
    // A known code with an unparsable value is kept raw too.
    let Response::Status(s) = decode(b"* OK [UIDNEXT abc] x\r\n") else {
        panic!()
    };
    assert!(matches!(s.code, Some(Code::Other { .. })));
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    for line in [
        &b"* 1 FETCH (UID\r\n"[..],
        b"A1 MAYBE\r\n",
        b"* 1 FETCH (BODY[] {5}\r\nab)\r\n",
        b"\r\n",
        b"(((\r\n",
    ] {
        assert!(
            decode_response(line, DEFAULT_MAX_DEPTH).is_err(),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn nesting_is_capped() {
    let mut line = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    line.extend(std::iter::repeat_n(b'(', 100));
    line.extend_from_slice(b"\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
    line.extend(std::iter::repeat_n(b')', 100));
    line.extend_from_slice(b" \"mixed\")\r\n");
    assert!(matches!(
        decode_response(&line, 16),
        Err(DecodeError::TooDeep { limit: 16 })
    ));
}

#[test]
fn several_missing_space_between_fetch_items() {
    let items = fetch_items(b"* 4 FETCH (FLAGS (\\Seen)UID 4)\r\n");
    assert_eq!(
        items,
        [FetchItem::Flags(vec![Flag::Seen]), FetchItem::Uid(4)]
    );
}

#[test]
fn several_doubled_spaces_and_space_after_star() {
    let items = fetch_items(b"*  4  FETCH  ( UID  4   FLAGS ( \\Seen  ) )  \r\n");
    assert_eq!(
        items,
        [FetchItem::Uid(4), FetchItem::Flags(vec![Flag::Seen])]
    );
    assert_eq!(
        decode(b"*   3 EXISTS \r\n"),
        Response::Data(Data::Exists(3))
    );
    assert_eq!(decode(b"*OK hi\r\n"), decode(b"* OK hi\r\n"));
}

#[test]
fn exchange_flags_nil_and_bare_flag() {
    assert_eq!(
        fetch_items(b"* 1 FETCH (FLAGS NIL)\r\n"),
        [FetchItem::Flags(vec![])]
    );
    assert_eq!(
        fetch_items(b"* 1 FETCH (FLAGS \\Seen UID 3)\r\n"),
        [FetchItem::Flags(vec![Flag::Seen]), FetchItem::Uid(3)]
    );
}

#[test]
fn courier_raw_utf8_mailbox_name() {
    let Response::Data(Data::List(l)) = decode("* LIST () \"/\" Entwürfe\r\n".as_bytes()) else {
        panic!()
    };
    assert_eq!(l.name.display(), "Entwürfe");
}

#[test]
fn latin1_in_quoted_strings_and_filenames() {
    let items = fetch_items(
        b"* 1 FETCH (BODYSTRUCTURE (\"application\" \"pdf\" (\"name\" \"r\xe9sum\xe9.pdf\") NIL NIL \"base64\" 100 NIL (\"attachment\" (\"filename\" \"r\xe9sum\xe9.pdf\")) NIL))\r\n",
    );
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!("{items:?}")
    };
    let BodyStructure::Single {
        fields, extension, ..
    } = &**body
    else {
        panic!("{items:?}")
    };
    assert_eq!(fields.params[0].1.as_bytes(), b"r\xe9sum\xe9.pdf");
    let (_, params) = extension.as_ref().unwrap().disposition.as_ref().unwrap();
    assert_eq!(params[0].1.as_bytes(), b"r\xe9sum\xe9.pdf");
}

#[test]
fn lowercase_keywords() {
    assert_eq!(decode(b"* 3 exists\r\n"), Response::Data(Data::Exists(3)));
    assert_eq!(fetch_items(b"* 1 fetch (uid 7)\r\n"), [FetchItem::Uid(7)]);
}

#[test]
fn a_malformed_response_is_an_error_for_itself_only() {
    use webimap_proto::frame::{FrameLimits, Framer};
    let stream: &[u8] = b"* OK ready\r\n\
        * 1 FETCH (UID\r\n\
        A1 OK [UNTERMINATED code\r\n\
        ))) garbage (((\r\n\
        * 2 FETCH (UID 9 BODY[] {3}\r\nabc)\r\n\
        A2 OK done\r\n";
    let mut framer = Framer::new(FrameLimits::default());
    framer.push(stream);
    let mut results = Vec::new();
    while let Some(frame) = framer.next_response() {
        results.push(decode_response(&frame.unwrap(), DEFAULT_MAX_DEPTH));
    }
    assert_eq!(results.len(), 6);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(DecodeError::Malformed { .. })));
    // An unterminated code is not fatal: the status is kept, with the code left in the text.
    assert!(matches!(
        &results[2],
        Ok(Response::Status(s)) if s.code.is_none() && s.text.as_bytes() == b"[UNTERMINATED code"
    ));
    assert!(results[3].is_err());
    assert!(matches!(
        &results[4],
        Ok(Response::Data(Data::Fetch { seq: 2, items })) if items.len() == 2
    ));
    assert!(matches!(&results[5], Ok(Response::Status(s)) if s.kind == StatusKind::Ok));
}
