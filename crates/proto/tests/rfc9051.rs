//! Known-answer tests: server response examples of RFC 9051 (IMAP4rev2) and of the
//! extension RFCs the crate covers, each decoded and checked field by field.

use webimap_proto::{
    codec::decode::{DEFAULT_MAX_DEPTH, decode_response},
    types::{
        core::{Flag, Text},
        fetch::FetchItem,
        mailbox::{ListExtendedItem, MailboxAttribute, SpecialUse},
        response::{
            Code, Data, ESearchItem, MetadataCode, MetadataEntries, PlainCode, Response,
            StatusItem, StatusKind, Thread,
        },
    },
};

fn decode(line: &str) -> Response {
    decode_bytes(line.as_bytes())
}

fn decode_bytes(line: &[u8]) -> Response {
    let mut wire = line.to_vec();
    if !wire.ends_with(b"\n") {
        wire.extend_from_slice(b"\r\n");
    }
    decode_response(&wire, DEFAULT_MAX_DEPTH)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)))
}

fn data(line: &str) -> Data {
    match decode(line) {
        Response::Data(d) => {
            assert!(
                !matches!(d, Data::Other { .. }),
                "kept raw, not typed: {line}: {d:?}"
            );
            d
        }
        other => panic!("not data: {other:?}"),
    }
}

fn code(line: &str) -> Code {
    match decode(line) {
        Response::Status(s) => s.code.expect("a code"),
        other => panic!("not a status: {other:?}"),
    }
}

fn fetch(line: &str) -> Vec<FetchItem> {
    match data(line) {
        Data::Fetch { items, .. } => {
            for i in &items {
                assert!(
                    !matches!(i, FetchItem::Other { .. }),
                    "item kept raw: {i:?}"
                );
            }
            items
        }
        other => panic!("not FETCH: {other:?}"),
    }
}

fn t(s: &str) -> Text {
    Text::from(s)
}

fn thread(ids: &[u32], children: Vec<Thread>) -> Thread {
    Thread {
        ids: ids.to_vec(),
        children,
    }
}

#[test]
fn rfc9051_status_responses() {
    for (line, kind) in [
        ("* OK IMAP4rev2 server ready", StatusKind::Ok),
        (
            "* PREAUTH IMAP4rev2 server logged in as Smith",
            StatusKind::PreAuth,
        ),
        ("* BYE Autologout; idle for too long", StatusKind::Bye),
        (
            "* NO Disk is 98% full, please delete unnecessary data",
            StatusKind::No,
        ),
        ("* BAD Command line too long", StatusKind::Bad),
        ("A001 OK LOGIN completed", StatusKind::Ok),
        (
            "A002 NO [AUTHENTICATIONFAILED] Authentication failed",
            StatusKind::No,
        ),
    ] {
        let Response::Status(s) = decode(line) else {
            panic!("{line}")
        };
        assert_eq!(s.kind, kind, "{line}");
    }
    assert_eq!(
        code("* OK [ALERT] System shutdown in 10 minutes"),
        Code::Alert
    );
    assert_eq!(
        code("A142 OK [READ-WRITE] SELECT completed"),
        Code::ReadWrite
    );
    assert_eq!(
        code("* OK [UIDNEXT 4392] Predicted next UID"),
        Code::UidNext(4392)
    );
    assert_eq!(
        code("* OK [UIDVALIDITY 3857529045] UIDs valid"),
        Code::UidValidity(3_857_529_045)
    );
    assert_eq!(
        code("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited"),
        Code::PermanentFlags(vec![Flag::Deleted, Flag::Seen, Flag::MayCreate])
    );
    assert_eq!(
        code("* OK [CLOSED] Previous mailbox is now closed"),
        Code::Closed
    );
    assert_eq!(
        code("A001 NO [HASCHILDREN] Has children"),
        Code::HasChildren
    );
    assert_eq!(code("A003 NO [UNKNOWN-CTE] Can't decode"), Code::UnknownCte);
    let Code::CopyUid {
        uid_validity,
        source,
        target,
    } = code("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done")
    else {
        panic!()
    };
    assert_eq!(uid_validity, 38505);
    assert_eq!(source.to_string(), "304,319:320");
    assert_eq!(target.to_string(), "3956:3958");
    let Code::AppendUid { uid_validity, uids } =
        code("A003 OK [APPENDUID 38505 3955] APPEND completed")
    else {
        panic!()
    };
    assert_eq!((uid_validity, uids.to_string()), (38505, "3955".into()));
    let Code::Capability(caps) = code("* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] ready")
    else {
        panic!()
    };
    assert_eq!(caps.len(), 3);
}

#[test]
fn rfc5530_codes() {
    for (line, want) in [
        (
            "a NO [UNAVAILABLE] User's backend down for maintenance",
            PlainCode::Unavailable,
        ),
        (
            "a NO [AUTHENTICATIONFAILED] Authentication failed",
            PlainCode::AuthenticationFailed,
        ),
        (
            "a NO [AUTHORIZATIONFAILED] No such authorization-ID",
            PlainCode::AuthorizationFailed,
        ),
        (
            "a NO [EXPIRED] That password isn't valid any more",
            PlainCode::Expired,
        ),
        (
            "a NO [PRIVACYREQUIRED] Connection offers no privacy",
            PlainCode::PrivacyRequired,
        ),
        (
            "a NO [CONTACTADMIN] You need to call Joe",
            PlainCode::ContactAdmin,
        ),
        ("a NO [NOPERM] Access denied", PlainCode::NoPerm),
        ("a NO [INUSE] Mailbox in use", PlainCode::InUse),
        (
            "a NO [EXPUNGEISSUED] Some messages were expunged",
            PlainCode::ExpungeIssued,
        ),
        (
            "a NO [CORRUPTION] Mailbox is corrupt",
            PlainCode::Corruption,
        ),
        (
            "a NO [SERVERBUG] The server is broken",
            PlainCode::ServerBug,
        ),
        (
            "a BAD [CLIENTBUG] Your client is broken",
            PlainCode::ClientBug,
        ),
        (
            "a NO [CANNOT] Adjacent slashes are not supported",
            PlainCode::Cannot,
        ),
        (
            "a NO [LIMIT] At most 32 flags in one mailbox supported",
            PlainCode::Limit,
        ),
        ("a NO [OVERQUOTA] Sorry", PlainCode::OverQuota),
        (
            "a NO [ALREADYEXISTS] Mailbox \"that\" already exists",
            PlainCode::AlreadyExists,
        ),
        ("a NO [NONEXISTENT] No such mailbox", PlainCode::NonExistent),
        (
            "a OK [NOTSAVED] Search result variable cleared",
            PlainCode::NotSaved,
        ),
    ] {
        assert_eq!(code(line), Code::Plain(want), "{line}");
    }
}

#[test]
fn rfc9051_untagged_data() {
    let Data::Capability(caps) = data("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI XPIG-LATIN")
    else {
        panic!()
    };
    assert_eq!(caps.len(), 4);
    assert_eq!(data("* 23 EXISTS"), Data::Exists(23));
    assert_eq!(data("* 44 EXPUNGE"), Data::Expunge(44));
    assert_eq!(
        data("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"),
        Data::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ])
    );
    assert_eq!(
        data("* SEARCH 2 3 6"),
        Data::Search {
            ids: vec![2, 3, 6],
            modseq: None
        }
    );
    let Data::List(l) = data("* LIST (\\Noselect) \"/\" ~/Mail/foo") else {
        panic!()
    };
    assert!(!l.is_selectable());
    assert_eq!(l.delimiter, Some('/'));
    assert_eq!(l.name.as_wire(), b"~/Mail/foo");
    let Data::List(l) = data("* LIST () \".\" #news.comp.mail.misc") else {
        panic!()
    };
    assert_eq!(l.delimiter, Some('.'));
    let Data::List(l) = data("* LIST (\\Marked \\NoInferiors) NIL \"inbox\"") else {
        panic!()
    };
    assert_eq!(l.delimiter, None);
    assert_eq!(
        l.attributes,
        [MailboxAttribute::Marked, MailboxAttribute::NoInferiors]
    );
    let Data::List(l) = data("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Mail\"") else {
        panic!()
    };
    assert_eq!(l.special_use(), Some(SpecialUse::Sent));
    let Data::Status { mailbox, items } = data("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)")
    else {
        panic!()
    };
    assert_eq!(mailbox.as_wire(), b"blurdybloop");
    assert_eq!(
        items,
        [StatusItem::Messages(231), StatusItem::UidNext(44292)]
    );
    let Data::Status { items, .. } = data(
        "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 7 UNSEEN 3 DELETED 4 SIZE 33000)",
    ) else {
        panic!()
    };
    assert_eq!(items[4], StatusItem::Deleted(4));
    assert_eq!(items[5], StatusItem::Size(33000));
    let Data::Enabled(e) = data("* ENABLED CONDSTORE QRESYNC") else {
        panic!()
    };
    assert_eq!(e.len(), 2);
    let Response::Continue(c) = decode("+ Ready for additional command text") else {
        panic!()
    };
    assert_eq!(c.text, t("Ready for additional command text"));
    let Response::Continue(c) = decode("+ idling") else {
        panic!()
    };
    assert_eq!(c.text, t("idling"));
}

#[test]
fn rfc9051_fetch() {
    let items = fetch("* 23 FETCH (FLAGS (\\Seen) UID 4827313)");
    assert_eq!(
        items,
        [
            FetchItem::Flags(vec![Flag::Seen]),
            FetchItem::Uid(4_827_313)
        ]
    );
    let items = fetch("* 12 FETCH (BINARY.SIZE[1] 3028 BINARY.SIZE[2.1] 42)");
    assert_eq!(
        items,
        [
            FetchItem::BinarySize {
                section: vec![1],
                size: 3028
            },
            FetchItem::BinarySize {
                section: vec![2, 1],
                size: 42
            }
        ]
    );
    // literal8 with a NUL byte in it.
    let items = match decode_bytes(b"* 172 FETCH (BINARY[1.1]<0> ~{4}\r\na\0b\xff UID 9)\r\n") {
        Response::Data(Data::Fetch { items, .. }) => items,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        items,
        [
            FetchItem::Binary {
                section: vec![1, 1],
                origin: Some(0),
                data: Some(b"a\0b\xff".to_vec())
            },
            FetchItem::Uid(9)
        ]
    );
    let items = fetch("* 1 FETCH (BINARY[] NIL)");
    assert_eq!(
        items,
        [FetchItem::Binary {
            section: vec![],
            origin: None,
            data: None
        }]
    );
}

#[test]
fn rfc9051_list_extended_and_list_status() {
    // RFC 5258 section 5 examples.
    let Data::List(l) = data("* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"") else {
        panic!()
    };
    assert!(!l.is_selectable());
    let Data::List(l) = data("* LIST () \"/\" \"Tofu\" (\"CHILDINFO\" (\"SUBSCRIBED\"))") else {
        panic!()
    };
    assert_eq!(
        l.extended,
        [ListExtendedItem::ChildInfo(vec![t("SUBSCRIBED")])]
    );
    // RFC 9051 RENAME with OLDNAME.
    let Data::List(l) = data("* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))")
    else {
        panic!()
    };
    let [ListExtendedItem::OldName(old)] = l.extended.as_slice() else {
        panic!("{:?}", l.extended)
    };
    assert_eq!(old.as_wire(), b"OldMailbox");
    // An unknown extension item stays raw.
    let Data::List(l) =
        data("* LIST () \"/\" \"X\" (\"X-VENDOR\" (1 (2 3)) CHILDINFO (\"SUBSCRIBED\"))")
    else {
        panic!()
    };
    assert_eq!(
        l.extended,
        [
            ListExtendedItem::Other {
                tag: t("X-VENDOR"),
                raw: t("(1 (2 3))")
            },
            ListExtendedItem::ChildInfo(vec![t("SUBSCRIBED")])
        ]
    );
    // RFC 5819 LIST-STATUS: STATUS data follows the LIST.
    let Data::Status { mailbox, items } = data("* STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16)") else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(items, [StatusItem::Messages(17), StatusItem::Unseen(16)]);
}

#[test]
fn status_items_of_extensions() {
    // RFC 8438 STATUS=SIZE, RFC 7162 CONDSTORE, RFC 7889 APPENDLIMIT, RFC 8474 OBJECTID.
    let Data::Status { items, .. } =
        data("* STATUS INBOX (MESSAGES 2 SIZE 2322 HIGHESTMODSEQ 7011231777 APPENDLIMIT 257890)")
    else {
        panic!()
    };
    assert_eq!(
        items,
        [
            StatusItem::Messages(2),
            StatusItem::Size(2322),
            StatusItem::HighestModSeq(7_011_231_777),
            StatusItem::AppendLimit(Some(257_890))
        ]
    );
    let Data::Status { items, .. } = data("* STATUS Trash (APPENDLIMIT NIL)") else {
        panic!()
    };
    assert_eq!(items, [StatusItem::AppendLimit(None)]);
    let Data::Status { items, .. } =
        data("* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))")
    else {
        panic!()
    };
    assert_eq!(
        items,
        [StatusItem::MailboxId(t(
            "F2212ea87-6097-4256-9d51-71338625"
        ))]
    );
    let Data::Status { items, .. } = data("* STATUS foo (X-VENDOR (a b) MESSAGES 1)") else {
        panic!()
    };
    assert_eq!(
        items,
        [
            StatusItem::Other {
                name: "X-VENDOR".into(),
                raw: t("(a b)")
            },
            StatusItem::Messages(1)
        ]
    );
}

#[test]
fn esearch_rfc4731_and_rfc9051() {
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A1\") UID MIN 2 MAX 9 COUNT 3 ALL 2,5:9") else {
        panic!()
    };
    assert_eq!(e.tag, Some(t("A1")));
    assert!(e.uid);
    assert_eq!(e.items[0], ESearchItem::Min(2));
    assert_eq!(e.items[1], ESearchItem::Max(9));
    assert_eq!(e.items[2], ESearchItem::Count(3));
    let ESearchItem::All(set) = &e.items[3] else {
        panic!()
    };
    assert_eq!(set.to_string(), "2,5:9");
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3") else {
        panic!()
    };
    assert!(!e.uid);
    assert_eq!(e.items, [ESearchItem::Min(2), ESearchItem::Count(3)]);
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800") else {
        panic!()
    };
    assert_eq!(e.items, [ESearchItem::Min(7), ESearchItem::Max(3800)]);
    // An empty result, and CONDSTORE's MODSEQ (RFC 7162 3.1.5).
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A300\") UID") else {
        panic!()
    };
    assert!(e.uid && e.items.is_empty());
    let Data::ESearch(e) = data("* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236") else {
        panic!()
    };
    assert_eq!(e.items[1], ESearchItem::ModSeq(1236));
    // Unknown return data (RFC 9394 PARTIAL) stays raw.
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A2\") UID PARTIAL (-1:-100 200:250,252:300)")
    else {
        panic!()
    };
    assert_eq!(
        e.items,
        [ESearchItem::Other {
            name: "PARTIAL".into(),
            raw: t("(-1:-100 200:250,252:300)")
        }]
    );
}

#[test]
fn sort_and_thread_rfc5256() {
    assert_eq!(
        data("* SORT 2 3 6"),
        Data::Sort {
            ids: vec![2, 3, 6],
            modseq: None
        }
    );
    assert_eq!(
        data("* SORT"),
        Data::Sort {
            ids: vec![],
            modseq: None
        }
    );
    assert_eq!(
        data("* SORT 5 3 4 1 2 (MODSEQ 917162500)"),
        Data::Sort {
            ids: vec![5, 3, 4, 1, 2],
            modseq: Some(917_162_500)
        }
    );
    assert_eq!(
        data("* THREAD (2)(3 6 (4 23)(44 7 96))"),
        Data::Thread(vec![
            thread(&[2], vec![]),
            thread(
                &[3, 6],
                vec![thread(&[4, 23], vec![]), thread(&[44, 7, 96], vec![])]
            )
        ])
    );
    assert_eq!(
        data("* THREAD ((3)(5))"),
        Data::Thread(vec![thread(
            &[],
            vec![thread(&[3], vec![]), thread(&[5], vec![])]
        )])
    );
    assert_eq!(data("* THREAD"), Data::Thread(vec![]));
    let Data::Thread(threads) = data(
        "* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))\
         (179)(177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)\
         (196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)",
    ) else {
        panic!()
    };
    assert_eq!(threads.len(), 25);
    assert_eq!(threads[8].children.len(), 5);
}

#[test]
fn qresync_and_condstore_rfc7162() {
    let Data::Vanished { earlier, uids } =
        data("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540")
    else {
        panic!()
    };
    assert!(earlier);
    assert_eq!(uids.to_string(), "41,43:116,118,120:211,214:540");
    let Data::Vanished { earlier, uids } = data("* VANISHED 405,407,410,425") else {
        panic!()
    };
    assert!(!earlier);
    assert_eq!(uids.ranges().len(), 4);
    assert_eq!(
        code("* OK [HIGHESTMODSEQ 715194045007] Highest"),
        Code::HighestModSeq(715_194_045_007)
    );
    assert_eq!(
        code("* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences"),
        Code::NoModSeq
    );
    let Code::Modified(set) = code("d105 OK [MODIFIED 7,9] Conditional STORE failed") else {
        panic!()
    };
    assert_eq!(set.to_string(), "7,9");
    assert_eq!(
        fetch("* 7 FETCH (MODSEQ (12121231777) FLAGS (\\Seen))"),
        [
            FetchItem::ModSeq(12_121_231_777),
            FetchItem::Flags(vec![Flag::Seen])
        ]
    );
    assert_eq!(
        data("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"),
        Data::Search {
            ids: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
            modseq: Some(917_162_500)
        }
    );
}

#[test]
fn namespace_rfc2342() {
    let Data::Namespace {
        personal,
        other,
        shared,
    } = data("* NAMESPACE ((\"\" \"/\")) NIL NIL")
    else {
        panic!()
    };
    assert_eq!(personal.len(), 1);
    assert_eq!(personal[0].prefix, t(""));
    assert_eq!(personal[0].delimiter, Some('/'));
    assert!(other.is_empty() && shared.is_empty());
    let Data::Namespace { shared, other, .. } = data(
        "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))",
    ) else {
        panic!()
    };
    assert_eq!(other[0].prefix, t("~"));
    assert_eq!(shared.len(), 4);
    assert_eq!(shared[3].delimiter, Some('.'));
    let Data::Namespace { personal, .. } = data(
        "* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL",
    ) else {
        panic!()
    };
    assert_eq!(
        personal[1].extensions,
        [(t("X-PARAM"), vec![t("FLAG1"), t("FLAG2")])]
    );
    let Data::Namespace { personal, .. } = data("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL") else {
        panic!()
    };
    assert_eq!(personal[0].prefix, t("INBOX."));
}

#[test]
fn id_rfc2971() {
    let Data::Id(fields) = data(
        "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \
         \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")",
    ) else {
        panic!()
    };
    assert_eq!(fields.len(), 5);
    assert_eq!(fields[0], (t("name"), Some(t("Cyrus"))));
    assert_eq!(data("* ID NIL"), Data::Id(vec![]));
    let Data::Id(fields) = data("* ID (\"name\" NIL)") else {
        panic!()
    };
    assert_eq!(fields, [(t("name"), None)]);
}

#[test]
fn quota_rfc9208() {
    let Data::QuotaRoot { mailbox, roots } = data("* QUOTAROOT INBOX \"\"") else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(roots, [t("")]);
    let Data::QuotaRoot { roots, .. } = data("* QUOTAROOT comp.mail.mime") else {
        panic!()
    };
    assert!(roots.is_empty());
    let Data::Quota { root, resources } = data("* QUOTA \"\" (STORAGE 10 512)") else {
        panic!()
    };
    assert_eq!(root, t(""));
    assert_eq!(
        (
            resources[0].name.as_str(),
            resources[0].usage,
            resources[0].limit
        ),
        ("STORAGE", 10, 512)
    );
    let Data::Quota { resources, .. } =
        data("* QUOTA \"!partition/sda4\" (STORAGE 104 10923847 MESSAGE 42 1000)")
    else {
        panic!()
    };
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[1].name, "MESSAGE");
}

#[test]
fn metadata_rfc5464() {
    let Data::Metadata { mailbox, entries } =
        data("* METADATA \"INBOX\" (/private/comment \"My own comment\")")
    else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(
        entries,
        MetadataEntries::Values(vec![(t("/private/comment"), Some(t("My own comment")))])
    );
    let Data::Metadata { entries, .. } =
        data("* METADATA \"INBOX\" (/shared/comment \"Shared comment\" /private/comment NIL)")
    else {
        panic!()
    };
    assert_eq!(
        entries,
        MetadataEntries::Values(vec![
            (t("/shared/comment"), Some(t("Shared comment"))),
            (t("/private/comment"), None)
        ])
    );
    let Response::Data(Data::Metadata { entries, .. }) = decode_bytes(
        b"* METADATA \"\" (/shared/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\n",
    ) else {
        panic!()
    };
    assert_eq!(
        entries,
        MetadataEntries::Values(vec![(
            t("/shared/comment"),
            Some(t("My new comment across\r\ntwo lines."))
        )])
    );
    let Data::Metadata { mailbox, entries } = data("* METADATA \"\" /shared/comment /shared/admin")
    else {
        panic!()
    };
    assert_eq!(mailbox.as_wire(), b"");
    assert_eq!(
        entries,
        MetadataEntries::Names(vec![t("/shared/comment"), t("/shared/admin")])
    );
    for (line, want) in [
        (
            "a OK [METADATA LONGENTRIES 2199] GETMETADATA complete",
            MetadataCode::LongEntries(2199),
        ),
        (
            "a NO [METADATA MAXSIZE 1024] Annotation too large",
            MetadataCode::MaxSize(1024),
        ),
        (
            "a NO [METADATA TOOMANY] Too many annotations",
            MetadataCode::TooMany,
        ),
        (
            "a NO [METADATA NOPRIVATE] Private annotations not supported",
            MetadataCode::NoPrivate,
        ),
    ] {
        assert_eq!(code(line), Code::Metadata(want), "{line}");
    }
}

#[test]
fn objectid_rfc8474() {
    assert_eq!(
        fetch("* 3 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))"),
        [
            FetchItem::EmailId(t("M6d99ac3275bb4e")),
            FetchItem::ThreadId(Some(t("T64b478a75b7ea9")))
        ]
    );
    assert_eq!(
        fetch("* 5 FETCH (UID 10 THREADID NIL)"),
        [FetchItem::Uid(10), FetchItem::ThreadId(None)]
    );
    assert_eq!(
        code("3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed"),
        Code::MailboxId(t("F2212ea87-6097-4256-9d51-71338625"))
    );
}

#[test]
fn preview_rfc8970_and_savedate_rfc8514() {
    assert_eq!(
        fetch("* 1 FETCH (UID 1 PREVIEW \"Hello world, this is a test.\")"),
        [
            FetchItem::Uid(1),
            FetchItem::Preview(Some(t("Hello world, this is a test.")))
        ]
    );
    assert_eq!(fetch("* 2 FETCH (PREVIEW NIL)"), [FetchItem::Preview(None)]);
    let items = fetch("* 3 FETCH (SAVEDATE \"17-Jul-1996 02:44:25 -0700\" UID 4)");
    assert!(matches!(items[0], FetchItem::SaveDate(Some(d)) if d.year() == 1996));
    assert_eq!(
        fetch("* 3 FETCH (SAVEDATE NIL)"),
        [FetchItem::SaveDate(None)]
    );
}

#[test]
fn gmail_x_gm_ext_1() {
    assert_eq!(
        fetch("* 1 FETCH (X-GM-MSGID 1278455344230334865)"),
        [FetchItem::GmMsgId(1_278_455_344_230_334_865)]
    );
    assert_eq!(
        fetch("* 1 FETCH (X-GM-THRID 1266894439832287888)"),
        [FetchItem::GmThrId(1_266_894_439_832_287_888)]
    );
    assert_eq!(
        fetch("* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))"),
        [FetchItem::GmLabels(vec![
            t("\\Inbox"),
            t("\\Sent"),
            t("Important"),
            t("Muy Importante")
        ])]
    );
    assert_eq!(
        fetch("* 1 FETCH (X-GM-LABELS ())"),
        [FetchItem::GmLabels(vec![])]
    );
}

#[test]
fn other_extension_codes() {
    assert_eq!(
        code("A003 NO [UIDNOTSTICKY] Non-persistent UIDs"),
        Code::UidNotSticky
    );
    assert_eq!(
        code("* OK [UIDNOTSTICKY] Non-persistent UIDs"),
        Code::UidNotSticky
    );
    assert_eq!(
        code("a NO [COMPRESSIONACTIVE] DEFLATE active via TLS"),
        Code::CompressionActive
    );
    assert_eq!(code("A1 NO [TOOBIG] Message too big"), Code::TooBig);
    assert_eq!(
        code("A1 NO [APPENDLIMIT 257890] Too big"),
        Code::AppendLimit(257_890)
    );
    // An unknown code with a value is kept raw.
    assert_eq!(
        code("A1 OK [X-VENDOR 1 (2 3)] fine"),
        Code::Other {
            name: "X-VENDOR".into(),
            value: Some(t("1 (2 3)"))
        }
    );
}
