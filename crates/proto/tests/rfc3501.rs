//! The server responses of RFC 3501 section 8 (the example session), decoded and checked.

use webimap_proto::{
    codec::decode::{DEFAULT_MAX_DEPTH, decode_response},
    frame::{FrameLimits, Framer},
    types::{
        command::SectionKind,
        core::Flag,
        fetch::{BodyStructure, FetchItem, SinglePartKind},
        response::{Code, Data, Response, StatusKind},
    },
};

fn header_342() -> String {
    [
        "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
        "From: Terry Gray <gray@cac.washington.edu>",
        "Subject: IMAP4rev1 WG mtg summary and minutes",
        "To: imap@cac.washington.edu",
        "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
        "Message-Id: <B27397-0100000@cac.washington.edu>",
        "MIME-Version: 1.0",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "",
    ]
    .join("\r\n")
}

fn transcript() -> Vec<u8> {
    let mut s = String::new();
    s += "* OK IMAP4rev1 Service Ready\r\n";
    s += "a001 OK LOGIN completed\r\n";
    s += "* 18 EXISTS\r\n";
    s += "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n";
    s += "* 2 RECENT\r\n";
    s += "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n";
    s += "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n";
    s += "a002 OK [READ-WRITE] SELECT completed\r\n";
    s += "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
          RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
          \"IMAP4rev1 WG mtg summary and minutes\" \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((NIL NIL \"imap\" \"cac.washington.edu\")) \
          ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
          (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
          \"<B27397-0100000@cac.washington.edu>\") \
          BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 \
          92))\r\n";
    s += "a003 OK FETCH completed\r\n";
    let header = header_342();
    assert_eq!(header.len(), 342, "the RFC's literal is 342 bytes");
    s += &format!(
        "* 12 FETCH (BODY[HEADER] {{{}}}\r\n{})\r\n",
        header.len(),
        header
    );
    s += "a004 OK FETCH completed\r\n";
    s += "* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n";
    s += "a005 OK +FLAGS completed\r\n";
    s += "* BYE IMAP4rev1 server terminating connection\r\n";
    s += "a006 OK LOGOUT completed\r\n";
    s.into_bytes()
}

fn decode_all(stream: &[u8], chunk: usize) -> Vec<Response> {
    let mut framer = Framer::new(FrameLimits::default());
    let mut out = Vec::new();
    for piece in stream.chunks(chunk) {
        framer.push(piece);
        while let Some(frame) = framer.next_response() {
            let frame = frame.expect("framed");
            out.push(
                decode_response(&frame, DEFAULT_MAX_DEPTH)
                    .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&frame))),
            );
        }
    }
    out
}

#[test]
fn every_response_of_the_example_session_decodes() {
    let responses = decode_all(&transcript(), usize::MAX);
    assert_eq!(responses.len(), 16);

    let Response::Status(greeting) = &responses[0] else {
        panic!("greeting")
    };
    assert_eq!(
        (greeting.tag.is_none(), greeting.kind),
        (true, StatusKind::Ok)
    );
    assert_eq!(greeting.text.as_str(), Some("IMAP4rev1 Service Ready"));

    assert_eq!(responses[2], Response::Data(Data::Exists(18)));
    assert_eq!(
        responses[3],
        Response::Data(Data::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ]))
    );
    assert_eq!(responses[4], Response::Data(Data::Recent(2)));
    let Response::Status(s) = &responses[6] else {
        panic!()
    };
    assert_eq!(s.code, Some(Code::UidValidity(3_857_529_045)));
    let Response::Status(s) = &responses[7] else {
        panic!()
    };
    assert_eq!(
        (s.tag.as_ref().map(|t| t.as_str()), s.code.clone()),
        (Some("a002"), Some(Code::ReadWrite))
    );

    let Response::Data(Data::Fetch { seq: 12, items }) = &responses[8] else {
        panic!("{:?}", responses[8])
    };
    assert_eq!(items.len(), 5);
    assert_eq!(items[0], FetchItem::Flags(vec![Flag::Seen]));
    let FetchItem::InternalDate(date) = &items[1] else {
        panic!()
    };
    assert_eq!(
        (date.year(), date.month(), date.day(), date.offset_minutes()),
        (1996, 7, 17, -420)
    );
    assert_eq!(items[2], FetchItem::Rfc822Size(4286));
    let FetchItem::Envelope(env) = &items[3] else {
        panic!()
    };
    assert_eq!(
        env.subject.as_ref().and_then(|s| s.as_str()),
        Some("IMAP4rev1 WG mtg summary and minutes")
    );
    assert_eq!(
        env.from[0].email().as_deref(),
        Some("gray@cac.washington.edu")
    );
    assert_eq!(env.cc.len(), 2);
    assert_eq!(
        env.cc[1].name.as_ref().and_then(|n| n.as_str()),
        Some("John Klensin")
    );
    assert_eq!(env.bcc, vec![]);
    assert!(env.in_reply_to.is_none());
    let FetchItem::Body(body) = &items[4] else {
        panic!("{items:?}")
    };
    let BodyStructure::Single {
        fields,
        specific,
        extension,
    } = &**body
    else {
        panic!()
    };
    assert_eq!(fields.size, Some(3028));
    assert_eq!(specific, &SinglePartKind::Text { lines: Some(92) });
    assert!(extension.is_none());

    let Response::Data(Data::Fetch { items, .. }) = &responses[10] else {
        panic!()
    };
    let FetchItem::BodySection {
        section,
        origin,
        data,
    } = &items[0]
    else {
        panic!()
    };
    assert_eq!(
        (section.kind().cloned(), *origin),
        (Some(SectionKind::Header), None)
    );
    assert_eq!(data.as_deref(), Some(header_342().as_bytes()));

    let Response::Status(bye) = &responses[14] else {
        panic!()
    };
    assert_eq!(bye.kind, StatusKind::Bye);
}

#[test]
fn chunking_never_changes_the_result() {
    let stream = transcript();
    let whole = decode_all(&stream, usize::MAX);
    for chunk in [1, 2, 3, 7, 64, 333] {
        assert_eq!(decode_all(&stream, chunk), whole, "chunk size {chunk}");
    }
}
