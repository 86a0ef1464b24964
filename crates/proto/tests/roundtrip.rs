//! Property tests: a response encoded by `encode_response`, framed (in random chunks) and
//! decoded, is the response we started with.

#![cfg(not(target_arch = "wasm32"))]

use proptest::{collection::vec, option, prelude::*};
use webimap_proto::{
    codec::{
        decode::{DEFAULT_MAX_DEPTH, decode_frame, decode_response},
        encode_response,
    },
    frame::{FrameLimits, Framer},
    types::{
        command::{Section, SectionKind},
        core::{Capability, Flag, Tag, Text, Vec1},
        fetch::{
            Address, BodyExtension, BodyFields, BodyStructure, DateTime, Envelope, FetchItem,
            SinglePartKind,
        },
        mailbox::{ListExtendedItem, ListItem, MailboxAttribute, MailboxName, SpecialUse},
        response::{
            Code, ContinueRequest, Data, ESearch, ESearchItem, MetadataCode, MetadataEntries,
            Namespace, PlainCode, QuotaResource, Response, StatusItem, StatusKind, StatusResponse,
            Thread,
        },
        sequence::SequenceSet,
    },
};

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => "[ -~]{0,12}".prop_map(String::into_bytes),
        1 => vec(any::<u8>(), 0..12),
    ]
}

fn text() -> impl Strategy<Value = Text> {
    bytes().prop_map(Text::new)
}

fn atom() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9.-]{0,8}"
}

fn atom_text() -> impl Strategy<Value = Text> {
    atom().prop_map(|s| Text::from(s.as_str()))
}

/// Free text after a status: no line breaks, no leading `[` or space, no trailing space.
fn resp_text() -> impl Strategy<Value = Text> {
    prop_oneof![
        Just(Text::default()),
        "[A-Za-z0-9][ -Z^-~]{0,20}[A-Za-z0-9.]".prop_map(|s| Text::from(s.as_str())),
        Just(Text::new("caf\u{e9} \u{2013} ok".as_bytes().to_vec())),
    ]
}

fn nz() -> impl Strategy<Value = u32> {
    1..=u32::MAX
}

fn seq_set() -> impl Strategy<Value = SequenceSet> {
    vec(1u32..500, 1..8).prop_map(|v| SequenceSet::from_numbers(v).expect("non-zero"))
}

fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Seen),
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Draft),
        Just(Flag::Recent),
        "[A-Z][a-z]{1,6}X".prop_map(Flag::System),
        "[$A-Za-z][A-Za-z0-9_$-]{0,8}".prop_map(Flag::Keyword),
    ]
}

fn caps() -> impl Strategy<Value = Vec<Capability>> {
    vec("[A-Z][A-Z0-9=+-]{0,10}".prop_map(Capability::new), 0..5)
}

fn date() -> impl Strategy<Value = DateTime> {
    (
        1900u16..2100,
        1u8..=12,
        1u8..=28,
        0u8..24,
        0u8..60,
        0u8..60,
        -720i16..=840,
    )
        .prop_map(|(year, month, day, hour, minute, second, off)| {
            DateTime::new((year, month, day), (hour, minute, second), off).expect("in range")
        })
}

fn ntext() -> impl Strategy<Value = Option<Text>> {
    option::of(text())
}

fn addresses() -> impl Strategy<Value = Vec<Address>> {
    vec(
        (ntext(), ntext(), ntext(), ntext()).prop_map(|(name, adl, mailbox, host)| Address {
            name,
            adl,
            mailbox,
            host,
        }),
        0..3,
    )
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        (ntext(), ntext(), addresses(), addresses(), addresses()),
        (addresses(), addresses(), addresses(), ntext(), ntext()),
    )
        .prop_map(
            |((date, subject, from, sender, reply_to), (to, cc, bcc, in_reply_to, message_id))| {
                Envelope {
                    date,
                    subject,
                    from,
                    sender,
                    reply_to,
                    to,
                    cc,
                    bcc,
                    in_reply_to,
                    message_id,
                }
            },
        )
}

fn params() -> impl Strategy<Value = Vec<(Text, Text)>> {
    vec((text(), text()), 0..3)
}

fn extension(md5: bool) -> impl Strategy<Value = BodyExtension> {
    (
        option::of(text()),
        option::of((text(), params())),
        vec(text(), 0..3),
        ntext(),
    )
        .prop_map(move |(m, disposition, language, location)| BodyExtension {
            md5: if md5 { m } else { None },
            disposition,
            language,
            location,
            extra: None,
        })
}

fn fields(media_type: &'static str) -> impl Strategy<Value = BodyFields> {
    (
        "[a-z]{1,8}",
        params(),
        ntext(),
        ntext(),
        ntext(),
        option::of(0u64..1 << 40),
    )
        .prop_map(
            move |(subtype, params, id, description, encoding, size)| BodyFields {
                media_type: Text::from(media_type),
                subtype: Text::from(subtype.as_str()),
                params,
                id,
                description,
                encoding,
                size,
            },
        )
}

fn single(extensible: bool) -> impl Strategy<Value = BodyStructure> {
    let ext = move || {
        if extensible {
            option::of(extension(true)).boxed()
        } else {
            Just(None).boxed()
        }
    };
    prop_oneof![
        (fields("image"), ext()).prop_map(|(fields, extension)| BodyStructure::Single {
            fields,
            specific: SinglePartKind::Basic,
            extension
        }),
        (fields("text"), option::of(0u64..100_000), ext()).prop_map(
            |(fields, lines, extension)| BodyStructure::Single {
                fields,
                specific: SinglePartKind::Text { lines },
                extension
            }
        ),
    ]
}

fn body(extensible: bool) -> impl Strategy<Value = BodyStructure> {
    single(extensible).prop_recursive(3, 12, 3, move |inner| {
        let ext = if extensible {
            option::of((params(), extension(false))).boxed()
        } else {
            Just(None).boxed()
        };
        prop_oneof![
            (vec(inner.clone(), 1..3), "[a-z]{1,8}", ext).prop_map(|(parts, subtype, ext)| {
                let (params, extension) = match ext {
                    Some((p, e)) => (p, Some(e)),
                    None => (Vec::new(), None),
                };
                BodyStructure::Multi {
                    parts,
                    subtype: Text::from(subtype.as_str()),
                    params,
                    extension,
                }
            }),
            (fields("message"), envelope(), inner, option::of(0u64..1000)).prop_map(
                |(mut fields, envelope, body, lines)| {
                    fields.subtype = Text::from("rfc822");
                    BodyStructure::Single {
                        fields,
                        specific: SinglePartKind::Message {
                            envelope: Box::new(envelope),
                            body: Box::new(body),
                            lines,
                        },
                        extension: None,
                    }
                }
            ),
        ]
    })
}

fn section() -> impl Strategy<Value = Section> {
    (
        vec(1u32..20, 0..3),
        prop_oneof![
            Just(None),
            Just(Some(SectionKind::Header)),
            Just(Some(SectionKind::Text)),
            vec("[A-Z][A-Za-z-]{0,10}", 1..3)
                .prop_map(|f| Some(SectionKind::HeaderFields(Vec1::new(f).expect("1..3")))),
            vec("[A-Z][A-Za-z-]{0,10}", 1..3)
                .prop_map(|f| Some(SectionKind::HeaderFieldsNot(Vec1::new(f).expect("1..3")))),
        ],
    )
        .prop_map(|(part, kind)| Section::new(part, kind).expect("parts from 1, no MIME"))
}

fn fetch_item() -> impl Strategy<Value = FetchItem> {
    prop_oneof![
        any::<u32>().prop_map(FetchItem::Uid),
        vec(flag(), 0..4).prop_map(FetchItem::Flags),
        date().prop_map(FetchItem::InternalDate),
        any::<u64>().prop_map(FetchItem::Rfc822Size),
        envelope().prop_map(|e| FetchItem::Envelope(Box::new(e))),
        body(true).prop_map(|b| FetchItem::BodyStructure(Box::new(b))),
        body(false).prop_map(|b| FetchItem::Body(Box::new(b))),
        (section(), option::of(any::<u32>()), option::of(bytes())).prop_map(
            |(section, origin, data)| FetchItem::BodySection {
                section,
                origin,
                data
            }
        ),
        any::<u64>().prop_map(FetchItem::ModSeq),
        (
            vec(1u32..9, 0..3),
            option::of(any::<u32>()),
            option::of(bytes())
        )
            .prop_map(|(section, origin, data)| FetchItem::Binary {
                section,
                origin,
                data
            }),
        (vec(1u32..9, 0..3), any::<u64>())
            .prop_map(|(section, size)| FetchItem::BinarySize { section, size }),
        ntext().prop_map(FetchItem::Preview),
        atom_text().prop_map(FetchItem::EmailId),
        option::of(atom_text()).prop_map(FetchItem::ThreadId),
        option::of(date()).prop_map(FetchItem::SaveDate),
        any::<u64>().prop_map(FetchItem::GmMsgId),
        any::<u64>().prop_map(FetchItem::GmThrId),
        vec(prop_oneof![text(), Just(Text::from("\\Inbox"))], 0..3).prop_map(FetchItem::GmLabels),
    ]
}

fn mailbox() -> impl Strategy<Value = MailboxName> {
    // Any bytes but CR, LF and NUL, which no mailbox name holds.
    bytes().prop_filter_map("a mailbox name", |b| MailboxName::from_wire(b).ok())
}

fn delimiter() -> impl Strategy<Value = Option<char>> {
    option::of(prop_oneof![
        Just('/'),
        Just('.'),
        Just('"'),
        Just('\\'),
        Just('ß')
    ])
}

fn list_item() -> impl Strategy<Value = ListItem> {
    (
        vec(
            prop_oneof![
                Just(MailboxAttribute::NoSelect),
                Just(MailboxAttribute::HasChildren),
                Just(MailboxAttribute::SpecialUse(SpecialUse::Sent)),
                "\\\\X[a-z]{1,6}".prop_map(MailboxAttribute::Other),
            ],
            0..3,
        ),
        delimiter(),
        mailbox(),
        vec(
            prop_oneof![
                vec(atom_text(), 1..3).prop_map(ListExtendedItem::ChildInfo),
                mailbox().prop_map(ListExtendedItem::OldName),
            ],
            0..2,
        ),
    )
        .prop_map(|(attributes, delimiter, name, extended)| ListItem {
            attributes,
            delimiter,
            name,
            extended,
        })
}

fn thread() -> impl Strategy<Value = Thread> {
    vec(nz(), 1..3)
        .prop_map(|ids| Thread {
            ids,
            children: vec![],
        })
        .prop_recursive(3, 10, 3, |inner| {
            (vec(nz(), 0..3), vec(inner, 2..4)).prop_map(|(ids, children)| Thread { ids, children })
        })
}

fn status_item() -> impl Strategy<Value = StatusItem> {
    prop_oneof![
        any::<u32>().prop_map(StatusItem::Messages),
        any::<u32>().prop_map(StatusItem::Recent),
        any::<u32>().prop_map(StatusItem::UidNext),
        any::<u32>().prop_map(StatusItem::UidValidity),
        any::<u32>().prop_map(StatusItem::Unseen),
        any::<u32>().prop_map(StatusItem::Deleted),
        any::<u64>().prop_map(StatusItem::DeletedStorage),
        any::<u64>().prop_map(StatusItem::Size),
        any::<u64>().prop_map(StatusItem::HighestModSeq),
        option::of(any::<u64>()).prop_map(StatusItem::AppendLimit),
        atom_text().prop_map(StatusItem::MailboxId),
    ]
}

fn namespaces() -> impl Strategy<Value = Vec<Namespace>> {
    vec(
        (text(), delimiter(), vec((text(), vec(text(), 0..3)), 0..2)).prop_map(
            |(prefix, delimiter, extensions)| Namespace {
                prefix,
                delimiter,
                extensions,
            },
        ),
        0..3,
    )
}

fn data() -> impl Strategy<Value = Data> {
    prop_oneof![
        caps().prop_map(Data::Capability),
        caps().prop_map(Data::Enabled),
        list_item().prop_map(Data::List),
        list_item().prop_map(Data::Lsub),
        vec(flag(), 0..5).prop_map(Data::Flags),
        any::<u32>().prop_map(Data::Exists),
        any::<u32>().prop_map(Data::Recent),
        any::<u32>().prop_map(Data::Expunge),
        (any::<u32>(), vec(fetch_item(), 0..4)).prop_map(|(seq, items)| Data::Fetch { seq, items }),
        (vec(any::<u32>(), 0..10), option::of(any::<u64>()))
            .prop_map(|(ids, modseq)| Data::Search { ids, modseq }),
        (vec(any::<u32>(), 0..10), option::of(any::<u64>()))
            .prop_map(|(ids, modseq)| Data::Sort { ids, modseq }),
        vec(thread(), 0..4).prop_map(Data::Thread),
        (any::<bool>(), seq_set()).prop_map(|(earlier, uids)| Data::Vanished { earlier, uids }),
        (mailbox(), vec(status_item(), 0..5))
            .prop_map(|(mailbox, items)| Data::Status { mailbox, items }),
        (
            option::of(text()),
            any::<bool>(),
            vec(
                prop_oneof![
                    nz().prop_map(ESearchItem::Min),
                    nz().prop_map(ESearchItem::Max),
                    any::<u32>().prop_map(ESearchItem::Count),
                    seq_set().prop_map(ESearchItem::All),
                    any::<u64>().prop_map(ESearchItem::ModSeq),
                ],
                0..4
            )
        )
            .prop_map(|(tag, uid, items)| Data::ESearch(ESearch { tag, uid, items })),
        (namespaces(), namespaces(), namespaces()).prop_map(|(personal, other, shared)| {
            Data::Namespace {
                personal,
                other,
                shared,
            }
        }),
        vec((text(), ntext()), 0..4).prop_map(Data::Id),
        (
            text(),
            vec(
                (atom(), any::<u64>(), any::<u64>())
                    .prop_map(|(name, usage, limit)| { QuotaResource { name, usage, limit } }),
                0..3
            )
        )
            .prop_map(|(root, resources)| Data::Quota { root, resources }),
        (mailbox(), vec(text(), 0..3))
            .prop_map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots }),
        (
            mailbox(),
            prop_oneof![
                vec((text(), ntext()), 0..3).prop_map(MetadataEntries::Values),
                vec(text(), 1..3).prop_map(MetadataEntries::Names),
            ]
        )
            .prop_map(|(mailbox, entries)| Data::Metadata { mailbox, entries }),
    ]
}

fn code() -> impl Strategy<Value = Code> {
    prop_oneof![
        Just(Code::Alert),
        vec(atom_text(), 0..3).prop_map(Code::BadCharset),
        caps().prop_map(Code::Capability),
        Just(Code::Parse),
        vec(flag(), 0..4).prop_map(Code::PermanentFlags),
        Just(Code::ReadOnly),
        Just(Code::ReadWrite),
        Just(Code::TryCreate),
        any::<u32>().prop_map(Code::UidNext),
        any::<u32>().prop_map(Code::UidValidity),
        any::<u32>().prop_map(Code::Unseen),
        any::<u64>().prop_map(Code::HighestModSeq),
        Just(Code::NoModSeq),
        (any::<u32>(), seq_set())
            .prop_map(|(uid_validity, uids)| Code::AppendUid { uid_validity, uids }),
        (any::<u32>(), seq_set(), seq_set()).prop_map(|(uid_validity, source, target)| {
            Code::CopyUid {
                uid_validity,
                source,
                target,
            }
        }),
        Just(Code::Closed),
        seq_set().prop_map(Code::Modified),
        Just(Code::UidNotSticky),
        any::<u64>().prop_map(Code::AppendLimit),
        Just(Code::TooBig),
        Just(Code::CompressionActive),
        atom_text().prop_map(Code::MailboxId),
        prop_oneof![
            any::<u64>().prop_map(MetadataCode::LongEntries),
            any::<u64>().prop_map(MetadataCode::MaxSize),
            Just(MetadataCode::TooMany),
            Just(MetadataCode::NoPrivate),
        ]
        .prop_map(Code::Metadata),
        Just(Code::HasChildren),
        Just(Code::UnknownCte),
        proptest::sample::select(PlainCode::ALL.to_vec()).prop_map(Code::Plain),
        ("X-[A-Z]{1,8}", option::of("[A-Z0-9]{1,8}")).prop_map(|(name, value)| Code::Other {
            name,
            value: value.map(|v| Text::from(v.as_str()))
        }),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        1 => (
            option::of("[A-Za-z0-9.]{1,6}".prop_map(|t| Tag::new(t).expect("valid tag"))),
            prop_oneof![
                Just(StatusKind::Ok),
                Just(StatusKind::No),
                Just(StatusKind::Bad),
                Just(StatusKind::PreAuth),
                Just(StatusKind::Bye)
            ],
            option::of(code()),
            resp_text(),
        )
            .prop_map(|(tag, kind, code, text)| {
                // Only untagged statuses may be PREAUTH or BYE.
                let tag = tag.filter(|_| !matches!(kind, StatusKind::PreAuth | StatusKind::Bye));
                Response::Status(StatusResponse {
                    tag,
                    kind,
                    code,
                    text,
                })
            }),
        3 => data().prop_map(Response::Data),
        1 => (option::of(code()), resp_text())
            .prop_map(|(code, text)| Response::Continue(ContinueRequest { code, text })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn encode_frame_decode_is_identity(r in response(), cut in 1usize..64) {
        let wire = encode_response(&r);
        let mut framer = Framer::new(FrameLimits::default());
        let mut frames = Vec::new();
        for piece in wire.chunks(cut) {
            framer.push(piece);
            while let Some(f) = framer.next_response() {
                frames.push(f.expect("within limits"));
            }
        }
        prop_assert_eq!(frames.len(), 1, "{}", String::from_utf8_lossy(&wire));
        prop_assert_eq!(&frames[0], &wire);
        let back = decode_response(&frames[0], DEFAULT_MAX_DEPTH);
        prop_assert_eq!(back.as_ref(), Ok(&r), "{}", String::from_utf8_lossy(&wire));
    }

    /// Any stream of responses, in any chunking, frames to the same responses.
    #[test]
    fn framing_is_independent_of_chunking(
        rs in vec(response(), 1..6),
        cuts in vec(1usize..200, 1..20),
    ) {
        let wires: Vec<Vec<u8>> = rs.iter().map(encode_response).collect();
        let stream = wires.concat();
        let mut framer = Framer::new(FrameLimits::default());
        let mut frames = Vec::new();
        let mut pos = 0;
        let mut n = 0;
        while pos < stream.len() {
            let len = cuts[n % cuts.len()].min(stream.len() - pos);
            framer.push(&stream[pos..pos + len]);
            pos += len;
            n += 1;
            while let Some(r) = framer.next_response() {
                frames.push(r.expect("within limits"));
            }
        }
        prop_assert_eq!(frames.len(), rs.len());
        for (frame, (wire, r)) in frames.iter().zip(wires.iter().zip(&rs)) {
            prop_assert_eq!(frame, wire);
            let back = decode_response(frame, DEFAULT_MAX_DEPTH);
            prop_assert_eq!(back.as_ref(), Ok(r));
        }
    }

    /// Frames with literals held apart are the same bytes, and decode to the same responses,
    /// as whole responses, in any chunking.
    #[test]
    fn frames_match_whole_responses(
        rs in vec(response(), 1..6),
        cuts in vec(1usize..200, 1..20),
        aside_min in 1u64..16,
    ) {
        let stream: Vec<u8> = rs.iter().flat_map(encode_response).collect();
        let mut whole = Framer::new(FrameLimits::default());
        let mut framer = Framer::new(FrameLimits::default());
        framer.aside_literals_from(aside_min);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut pos, mut n) = (0, 0);
        while pos < stream.len() {
            let len = cuts[n % cuts.len()].min(stream.len() - pos);
            whole.push(&stream[pos..pos + len]);
            framer.push(&stream[pos..pos + len]);
            pos += len;
            n += 1;
            while let Some(f) = whole.next_response() {
                a.push(f.expect("within limits"));
            }
            while let Some(f) = framer.next_frame() {
                b.push(f.expect("within limits"));
            }
        }
        prop_assert_eq!(a.len(), b.len());
        for (bytes, mut frame) in a.into_iter().zip(b) {
            prop_assert_eq!(&frame.to_bytes(), &bytes);
            prop_assert_eq!(
                decode_frame(&mut frame, DEFAULT_MAX_DEPTH),
                decode_response(&bytes, DEFAULT_MAX_DEPTH)
            );
        }
    }

    /// Arbitrary bytes never panic the framer or the decoder.
    #[test]
    fn arbitrary_bytes_never_panic(input in vec(any::<u8>(), 0..400), cut in 1usize..50) {
        let mut framer = Framer::new(FrameLimits::default());
        for piece in input.chunks(cut) {
            framer.push(piece);
            while let Some(f) = framer.next_response() {
                if let Ok(f) = f {
                    let _ = decode_response(&f, DEFAULT_MAX_DEPTH);
                }
            }
        }
        let mut framer = Framer::new(FrameLimits::default());
        framer.aside_literals_from(1);
        for piece in input.chunks(cut) {
            framer.push(piece);
            while let Some(f) = framer.next_frame() {
                if let Ok(mut f) = f {
                    let _ = decode_frame(&mut f, DEFAULT_MAX_DEPTH);
                }
            }
        }
    }
}

/// Inputs the `roundtrip` fuzz target found: decode → encode → decode must agree.
#[test]
fn fuzz_regressions_round_trip() {
    for input in [
        &b"+[PRE\x01\x11\x1fH\0\0\0z\0\0Dn (\"`[APPENDUID 1 2]\x0c\n"[..],
        b"+ [PERMANENTFLAGS ENTFLA]]\xa3\x9b\n",
        b"+[MAILBOXID  O]]]] D (F1)] OD (F0)] \n",
        b"* OK [MAILBOXID O]]] x\r\n",
    ] {
        let first = decode_response(input, DEFAULT_MAX_DEPTH).expect("decodes");
        let wire = encode_response(&first);
        assert_eq!(
            decode_response(&wire, DEFAULT_MAX_DEPTH),
            Ok(first),
            "{}",
            String::from_utf8_lossy(&wire)
        );
    }
}
