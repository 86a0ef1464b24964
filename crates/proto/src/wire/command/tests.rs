//! Known-answer tests of the command encoder: each command kind's bytes.

use super::*;
use crate::types::{
    command::{
        ChangedSince, FetchAttribute, FlagList, ListOptions, QresyncParams, SearchDate, SearchKey,
        SearchReturn, SelectOptions, SortCriterion, SortKey,
    },
    core::{Flag, Vec1},
    mailbox::MailboxName,
    section::{PartPath, Partial, Section, SectionKind},
    sequence::SequenceSet,
};

fn dump(cmd: &Command, options: &EncodeOptions) -> Vec<u8> {
    let tag = Tag::new("A1").unwrap();
    encode(&tag, cmd, options)
        .into_iter()
        .flat_map(Fragment::into_bytes)
        .collect()
}

#[test]
fn login_chooses_atom_quoted_literal() {
    let plain = EncodeOptions::default();
    assert_eq!(
        dump(&Command::login("alice", "secret").unwrap(), &plain),
        b"A1 LOGIN alice secret\r\n"
    );
    assert_eq!(
        dump(&Command::login("a b", "p\"w\\").unwrap(), &plain),
        b"A1 LOGIN \"a b\" \"p\\\"w\\\\\"\r\n"
    );
    assert_eq!(
        dump(&Command::login("nil", "x").unwrap(), &plain),
        b"A1 LOGIN \"nil\" x\r\n"
    );
    let frags = encode(
        &Tag::new("A1").unwrap(),
        &Command::login("bob", "pässword").unwrap(),
        &plain,
    );
    assert_eq!(
        frags.len(),
        3,
        "8-bit password goes as a literal: {frags:?}"
    );
    assert_eq!(
        frags[0],
        Fragment::Line {
            data: b"A1 LOGIN bob {9}\r\n".to_vec()
        }
    );
    assert_eq!(
        frags[1],
        Fragment::Literal {
            data: "pässword".as_bytes().to_vec(),
            sync: true
        }
    );
    assert_eq!(
        frags[2],
        Fragment::Line {
            data: b"\r\n".to_vec()
        }
    );
    let plus = EncodeOptions {
        literal_plus: true,
        ..Default::default()
    };
    assert_eq!(
        dump(&Command::login("bob", "pässword").unwrap(), &plus),
        "A1 LOGIN bob {9+}\r\npässword\r\n".as_bytes()
    );
}

#[test]
fn cr_lf_cannot_be_smuggled() {
    assert!(Command::login("alice\r\nA2 DELETE INBOX", "x").is_err());
    assert!(MailboxName::from_display("x\r\nA2 LOGOUT").is_err());
    // Nor in the wire form (as a server sends names).
    assert!(MailboxName::from_wire(b"x\r\nA2 LOGOUT".to_vec()).is_err());
    // Bytes the grammar allows but a quoted string cannot hold go as a literal.
    let odd = MailboxName::from_wire("Grüße".as_bytes()).unwrap();
    let out = dump(&Command::select(odd), &EncodeOptions::default());
    assert_eq!(out, "A1 SELECT {7}\r\nGrüße\r\n".as_bytes());
}

#[test]
fn select_list_fetch() {
    let o = EncodeOptions::default();
    assert_eq!(
        dump(
            &Command::select(MailboxName::from_display("inbox").unwrap()),
            &o
        ),
        b"A1 SELECT INBOX\r\n"
    );
    assert_eq!(
        dump(
            &Command::examine(MailboxName::from_display("Work/Grüße & more").unwrap()),
            &o
        ),
        b"A1 EXAMINE \"Work/Gr&APwA3w-e &- more\"\r\n"
    );
    assert_eq!(
        dump(&Command::list_all(ListOptions::default()), &o),
        b"A1 LIST \"\" *\r\n"
    );
    let fetch = Command::fetch(
        SequenceSet::from_numbers([1, 2, 3, 7]).unwrap(),
        vec![
            FetchAttribute::Uid,
            FetchAttribute::Flags,
            FetchAttribute::BodySection {
                section: Section::with_kind(vec![1], SectionKind::Mime).unwrap(),
                partial: None,
                peek: true,
            },
            FetchAttribute::BodySection {
                section: Section::part(vec![2]).unwrap(),
                partial: Some(Partial::new(0, 1024).unwrap()),
                peek: false,
            },
            FetchAttribute::BodySection {
                section: Section::with_kind(
                    vec![],
                    SectionKind::HeaderFields(Vec1::new(vec!["FROM".into(), "TO".into()]).unwrap()),
                )
                .unwrap(),
                partial: None,
                peek: true,
            },
        ],
        true,
    )
    .unwrap();
    assert_eq!(
        dump(&fetch, &o),
        b"A1 UID FETCH 1:3,7 (UID FLAGS BODY.PEEK[1.MIME] BODY[2]<0.1024> BODY.PEEK[HEADER.FIELDS (FROM TO)])\r\n"
    );
}

fn line(cmd: Command) -> String {
    String::from_utf8(dump(&cmd, &EncodeOptions::default())).unwrap()
}

fn set(a: u32, b: u32) -> SequenceSet {
    SequenceSet::range(a, b).unwrap()
}

#[test]
fn authenticate_enable_id_compress_idle() {
    assert_eq!(
        line(Command::authenticate("plain", Some(b"\0u\0p".to_vec())).unwrap()),
        "A1 AUTHENTICATE PLAIN AHUAcA==\r\n"
    );
    assert_eq!(
        line(Command::authenticate("PLAIN", Some(Vec::new())).unwrap()),
        "A1 AUTHENTICATE PLAIN =\r\n"
    );
    assert_eq!(
        line(Command::authenticate("SCRAM-SHA-256", None).unwrap()),
        "A1 AUTHENTICATE SCRAM-SHA-256\r\n"
    );
    assert!(Command::authenticate("PLAIN X", None).is_err());
    assert_eq!(
        line(Command::enable(["QRESYNC", "UTF8=ACCEPT"]).unwrap()),
        "A1 ENABLE QRESYNC UTF8=ACCEPT\r\n"
    );
    assert!(Command::enable(["A B"]).is_err());
    assert_eq!(
        line(Command::Id(Some(vec![
            ("name".into(), Some("webimap".into())),
            ("os".into(), None)
        ]))),
        "A1 ID (\"name\" \"webimap\" \"os\" NIL)\r\n"
    );
    assert_eq!(line(Command::Id(None)), "A1 ID NIL\r\n");
    assert_eq!(line(Command::CompressDeflate), "A1 COMPRESS DEFLATE\r\n");
    assert_eq!(line(Command::Idle), "A1 IDLE\r\n");
    assert_eq!(line(Command::Namespace), "A1 NAMESPACE\r\n");
}

#[test]
fn list_extended_and_status() {
    let options = ListOptions {
        subscribed: false,
        return_special_use: true,
        return_children: false,
        return_subscribed: false,
        return_status: vec![StatusItem::Messages, StatusItem::Unseen],
    };
    assert_eq!(
        line(Command::list_all(options.clone())),
        "A1 LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))\r\n"
    );
    let with_subscribed = ListOptions {
        return_subscribed: true,
        ..options
    };
    assert_eq!(
        line(Command::list_all(with_subscribed)),
        "A1 LIST \"\" * RETURN (SPECIAL-USE SUBSCRIBED STATUS (MESSAGES UNSEEN))\r\n"
    );
    let sub = ListOptions {
        subscribed: true,
        ..ListOptions::default()
    };
    assert_eq!(
        line(Command::list_all(sub)),
        "A1 LIST (SUBSCRIBED) \"\" *\r\n"
    );
    let status = Command::status(
        MailboxName::inbox(),
        vec![StatusItem::UidNext, StatusItem::Size],
    )
    .unwrap();
    assert_eq!(line(status), "A1 STATUS INBOX (UIDNEXT SIZE)\r\n");
    assert!(Command::status(MailboxName::inbox(), vec![]).is_err());
}

#[test]
fn select_with_condstore_and_qresync() {
    let m = MailboxName::from_display("Work").unwrap();
    let cs = Command::Select {
        mailbox: m.clone(),
        options: SelectOptions {
            condstore: true,
            qresync: None,
        },
    };
    assert_eq!(line(cs), "A1 SELECT Work (CONDSTORE)\r\n");
    let q = QresyncParams {
        uid_validity: 67890007,
        modseq: 20050715194045000,
        known_uids: Some(set(41, 211)),
    };
    let qs = Command::Examine {
        mailbox: m,
        options: SelectOptions {
            condstore: false,
            qresync: Some(q),
        },
    };
    assert_eq!(
        line(qs),
        "A1 EXAMINE Work (QRESYNC (67890007 20050715194045000 41:211))\r\n"
    );
}

#[test]
fn mailbox_management() {
    let work = MailboxName::from_display("Work/Old").unwrap();
    assert_eq!(
        line(Command::Create {
            mailbox: work.clone(),
            special_use: None
        }),
        "A1 CREATE Work/Old\r\n"
    );
    assert_eq!(
        line(Command::Create {
            mailbox: MailboxName::from_display("Arch").unwrap(),
            special_use: Some(crate::types::mailbox::SpecialUse::Archive)
        }),
        "A1 CREATE Arch (USE (\\Archive))\r\n"
    );
    assert_eq!(
        line(Command::Rename {
            from: work.clone(),
            to: MailboxName::from_display("Ärchiv").unwrap()
        }),
        "A1 RENAME Work/Old &AMQ-rchiv\r\n"
    );
    assert_eq!(
        line(Command::Delete {
            mailbox: work.clone()
        }),
        "A1 DELETE Work/Old\r\n"
    );
    assert_eq!(
        line(Command::Subscribe {
            mailbox: work.clone()
        }),
        "A1 SUBSCRIBE Work/Old\r\n"
    );
    assert_eq!(
        line(Command::Unsubscribe { mailbox: work }),
        "A1 UNSUBSCRIBE Work/Old\r\n"
    );
}

#[test]
fn append_sends_the_message_as_a_literal() {
    let date = DateTime::new((2024, 3, 5), (9, 7, 0), -330).unwrap();
    let cmd = Command::append(
        MailboxName::from_display("Sent").unwrap(),
        vec![Flag::Seen, Flag::Keyword("$Forwarded".into())],
        Some(date),
        b"Subject: x\r\n\r\nhi\r\n".to_vec(),
    )
    .unwrap();
    let frags = encode(&Tag::new("A1").unwrap(), &cmd, &EncodeOptions::default());
    assert_eq!(
        frags[0],
        Fragment::Line {
            data: b"A1 APPEND Sent (\\Seen $Forwarded) \" 5-Mar-2024 09:07:00 -0530\" {18}\r\n"
                .to_vec()
        }
    );
    assert_eq!(
        frags[1],
        Fragment::Literal {
            data: b"Subject: x\r\n\r\nhi\r\n".to_vec(),
            sync: true
        }
    );
    assert!(Command::append(MailboxName::inbox(), vec![Flag::Recent], None, Vec::new()).is_err());
    assert!(
        Command::append(
            MailboxName::inbox(),
            vec![Flag::Keyword("a b".into())],
            None,
            Vec::new()
        )
        .is_err()
    );
}

#[test]
fn store_copy_move_expunge() {
    let s = Command::store(set(1, 3), true, StoreAction::Add, vec![Flag::Deleted]).unwrap();
    assert_eq!(line(s), "A1 UID STORE 1:3 +FLAGS (\\Deleted)\r\n");
    let s = Command::Store {
        set: set(5, 5),
        uid: false,
        action: StoreAction::Remove,
        silent: true,
        flags: FlagList::new(vec![Flag::Seen]).unwrap(),
        unchanged_since: Some(12),
    };
    assert_eq!(
        line(s),
        "A1 STORE 5 (UNCHANGEDSINCE 12) -FLAGS.SILENT (\\Seen)\r\n"
    );
    let trash = MailboxName::from_display("Trash").unwrap();
    assert_eq!(
        line(Command::Move {
            set: set(7, 9),
            mailbox: trash.clone(),
            uid: true
        }),
        "A1 UID MOVE 7:9 Trash\r\n"
    );
    assert_eq!(
        line(Command::Copy {
            set: set(7, 7),
            mailbox: trash,
            uid: false
        }),
        "A1 COPY 7 Trash\r\n"
    );
    assert_eq!(
        line(Command::UidExpunge(set(7, 9))),
        "A1 UID EXPUNGE 7:9\r\n"
    );
    assert!(
        Command::store(
            set(1, 1),
            true,
            StoreAction::Add,
            vec![Flag::Keyword("bad)".into())]
        )
        .is_err()
    );
}

#[test]
fn search_sort_thread() {
    let d = SearchDate::new(2024, 2, 1).unwrap();
    let q = Command::Search {
        criteria: vec![
            SearchKey::Unseen,
            SearchKey::or(
                SearchKey::From("alice".into()),
                SearchKey::Subject("a \"b\"".into()),
            ),
            SearchKey::Since(d),
            SearchKey::negate(SearchKey::Deleted),
        ],
        uid: true,
        returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
    };
    assert_eq!(
        line(q),
        "A1 UID SEARCH RETURN (MIN COUNT) UNSEEN OR FROM \"alice\" SUBJECT \"a \\\"b\\\"\" SINCE 1-Feb-2024 NOT DELETED\r\n"
    );
    let q8 = Command::Search {
        criteria: vec![SearchKey::Subject("Grüße".into())],
        uid: false,
        returns: None,
    };
    let frags = encode(&Tag::new("A1").unwrap(), &q8, &EncodeOptions::default());
    assert_eq!(
        frags[0],
        Fragment::Line {
            data: b"A1 SEARCH CHARSET UTF-8 SUBJECT {7}\r\n".to_vec()
        }
    );
    let utf8 = EncodeOptions {
        utf8_accept: true,
        ..Default::default()
    };
    assert_eq!(
        dump(&q8, &utf8),
        "A1 SEARCH SUBJECT \"Grüße\"\r\n".as_bytes()
    );
    let sort = Command::Sort {
        criteria: Vec1::new(vec![
            SortCriterion {
                reverse: true,
                key: SortKey::Arrival,
            },
            SortCriterion {
                reverse: false,
                key: SortKey::Subject,
            },
        ])
        .unwrap(),
        search: vec![],
        uid: true,
    };
    assert_eq!(
        line(sort),
        "A1 UID SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL\r\n"
    );
    let thread = Command::Thread {
        algorithm: ThreadAlgorithm::References,
        search: vec![SearchKey::Seen],
        uid: true,
    };
    assert_eq!(line(thread), "A1 UID THREAD REFERENCES UTF-8 SEEN\r\n");
    let nested = (0..1000).fold(SearchKey::All, |k, _| SearchKey::negate(k));
    assert!(
        line(Command::Search {
            criteria: vec![nested],
            uid: false,
            returns: None
        })
        .len()
            < 5000,
        "depth capped"
    );
}

#[test]
fn fetch_extensions_and_safe_header_fields() {
    let f = Command::Fetch {
        set: SequenceSet::all(),
        items: Vec1::new(vec![
            FetchAttribute::Uid,
            FetchAttribute::ModSeq,
            FetchAttribute::Binary {
                part: PartPath::new(vec![1, 2]).unwrap(),
                partial: Some(Partial::new(0, 100).unwrap()),
                peek: true,
            },
            FetchAttribute::BinarySize(PartPath::new(vec![2]).unwrap()),
        ])
        .unwrap(),
        uid: true,
        changed_since: Some(ChangedSince {
            modseq: 12345,
            vanished: true,
        }),
    };
    assert_eq!(
        line(f),
        "A1 UID FETCH 1:* (UID MODSEQ BINARY.PEEK[1.2]<0.100> BINARY.SIZE[2]) (CHANGEDSINCE 12345 VANISHED)\r\n"
    );
    let evil = Command::fetch(
        set(1, 1),
        vec![FetchAttribute::BodySection {
            section: Section::with_kind(
                vec![],
                SectionKind::HeaderFields(Vec1::new(vec!["From)] X".into(), "To".into()]).unwrap()),
            )
            .unwrap(),
            partial: None,
            peek: true,
        }],
        false,
    )
    .unwrap();
    assert_eq!(
        line(evil),
        "A1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"From)] X\" To)])\r\n"
    );
}

#[test]
fn quota_and_metadata() {
    assert_eq!(
        line(Command::GetQuotaRoot {
            mailbox: MailboxName::inbox()
        }),
        "A1 GETQUOTAROOT INBOX\r\n"
    );
    assert_eq!(
        line(Command::GetQuota {
            root: String::new()
        }),
        "A1 GETQUOTA \"\"\r\n"
    );
    assert_eq!(
        line(Command::GetMetadata {
            mailbox: MailboxName::default(),
            entries: Vec1::one("/shared/comment".into())
        }),
        "A1 GETMETADATA \"\" (/shared/comment)\r\n"
    );
    assert_eq!(
        line(Command::SetMetadata {
            mailbox: MailboxName::inbox(),
            entries: Vec1::new(vec![
                ("/private/comment".into(), Some(b"hi".to_vec())),
                ("/private/x".into(), None)
            ])
            .unwrap()
        }),
        "A1 SETMETADATA INBOX (/private/comment \"hi\" /private/x NIL)\r\n"
    );
}
