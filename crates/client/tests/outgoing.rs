//! Outgoing mail on the IMAP side against a real Dovecot with its submission service:
//! drafts replaced (one per compose) and discarded, replies and forwards sent on 587
//! (STARTTLS) and 465 (TLS) then filed once in Sent — also when run twice — with the
//! original marked and the draft gone, while another task watches INBOX.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::{
    cell::RefCell,
    time::{Duration, Instant},
};

mod support;

use futures::future::join;
use support::{logged_in, within};
use webimap_client::{
    Account, Client, ClientError, ConnectOptions, Credentials, Security,
    account::{Change, Watched},
    compose::{
        Body, BuildInputs, Built, Draft, ForwardMode, Mailbox, OriginalMessage, ReplyMode, build,
        forward, reply,
    },
    outgoing::{
        AfterSend, Answering, Filed, MessageRef, SpecialFolders, after_send, discard_draft,
        fetch_original, save_draft, special_folders,
    },
    proto::types::{command::SearchKey, core::Atom, mailbox::MailboxName, sequence::SequenceSet},
    submission::{OnRefused, SubmitOptions, send_once},
    sync::MailboxEvent,
    tls,
    transport::tcp::{self, TcpTransport},
};
use webimap_testkit::{
    DEMO_PASSWORD, DEMO_USER, Dovecot, DovecotConfig, SECOND_DEMO_PASSWORD, SECOND_DEMO_USER,
    address_of, sample,
};

fn dovecot() -> Dovecot {
    Dovecot::start(DovecotConfig {
        submission: true,
        ..DovecotConfig::default()
    })
    .unwrap()
}

async fn account(dovecot: &Dovecot, disabled: &[&str]) -> Account<TcpTransport> {
    Account::new(logged_in(dovecot, disabled).await)
}

/// The second demo user, signed in.
async fn recipient_account(dovecot: &Dovecot) -> Account<TcpTransport> {
    let stream = tcp::connect("127.0.0.1", dovecot.imap_port())
        .await
        .unwrap();
    let options = ConnectOptions::new("127.0.0.1", Security::None);
    let mut client = within(Client::open(stream, &options)).await.unwrap();
    within(client.login(SECOND_DEMO_USER, SECOND_DEMO_PASSWORD))
        .await
        .unwrap();
    Account::new(client)
}

async fn folders(account: &Account<TcpTransport>) -> SpecialFolders {
    let listed = within(account.run(async |c| c.list_folders_without_counts().await))
        .await
        .unwrap();
    let found = special_folders(&listed);
    assert_eq!(found.sent, Some(MailboxName::from_display("Sent").unwrap()));
    assert_eq!(
        found.drafts,
        Some(MailboxName::from_display("Drafts").unwrap())
    );
    found
}

fn me() -> Mailbox {
    Mailbox::new(Some("Demo User"), &address_of(DEMO_USER))
}

fn inputs(seed: u8) -> BuildInputs {
    BuildInputs {
        unix_time: 1_796_000_000,
        utc_offset_minutes: 60,
        random: [seed; 16],
    }
}

/// A new message to the second demo user; `seed` makes its Message-ID.
fn written(subject: &str, seed: u8) -> Built {
    let draft = Draft {
        from: me(),
        to: vec![Mailbox::new(None, &address_of(SECOND_DEMO_USER))],
        subject: subject.into(),
        body: Body::text("Written in a test.\n"),
        ..Draft::default()
    };
    build(&draft, &inputs(seed)).unwrap()
}

async fn search_in(
    account: &Account<TcpTransport>,
    folder: &MailboxName,
    criteria: Vec<SearchKey>,
) -> Vec<u32> {
    within(account.run_in(folder, async |c| c.search(criteria).await))
        .await
        .unwrap()
}

fn subject_key(token: &str) -> Vec<SearchKey> {
    vec![SearchKey::Subject(token.into()), SearchKey::Undeleted]
}

fn message_id_key(message_id: &str) -> SearchKey {
    SearchKey::Header("Message-ID".into(), format!("<{message_id}>"))
}

fn uid_key(uid: u32) -> SearchKey {
    SearchKey::Uid(SequenceSet::range(uid, uid).unwrap())
}

async fn save(
    account: &Account<TcpTransport>,
    drafts: &MailboxName,
    built: &Built,
    replaces: Option<&MessageRef>,
) -> MessageRef {
    within(save_draft(
        account,
        drafts,
        built.for_keeping.clone(),
        &built.message_id,
        replaces,
    ))
    .await
    .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn drafts_replace_each_other_and_are_discarded() {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;
    let drafts = folders(&account).await.drafts.unwrap();
    let token = "draft-token-5e1";

    let first = save(&account, &drafts, &written(&format!("{token} v1"), 1), None).await;
    assert_eq!(first.folder, drafts);
    // A new Message-ID: the old draft goes by its UID.
    let second = save(
        &account,
        &drafts,
        &written(&format!("{token} v2"), 2),
        Some(&first),
    )
    .await;
    assert_ne!(second.uid, first.uid);
    assert_eq!(
        search_in(&account, &drafts, subject_key(token)).await,
        [second.uid]
    );
    let flagged = vec![uid_key(second.uid), SearchKey::Draft, SearchKey::Seen];
    assert_eq!(search_in(&account, &drafts, flagged).await, [second.uid]);

    // Another client deletes the draft: replacing it is fine all the same.
    let mut other = logged_in(&dovecot, &[]).await;
    within(other.select(&drafts)).await.unwrap();
    within(other.delete_messages(&[second.uid])).await.unwrap();
    let third = save(
        &account,
        &drafts,
        &written(&format!("{token} v3"), 2),
        Some(&second),
    )
    .await;
    assert_eq!(
        search_in(&account, &drafts, subject_key(token)).await,
        [third.uid]
    );

    // Discarded for good; discarding again is fine.
    within(discard_draft(&account, &third)).await.unwrap();
    assert!(
        search_in(&account, &drafts, subject_key(token))
            .await
            .is_empty()
    );
    within(discard_draft(&account, &third)).await.unwrap();

    // A save that lost track of the draft before it (no `replaces`) still leaves one: the
    // older version of the same compose goes by its Message-ID.
    let lost = save(&account, &drafts, &written(&format!("{token} v4"), 4), None).await;
    let found = save(&account, &drafts, &written(&format!("{token} v5"), 4), None).await;
    assert!(found.uid > lost.uid);
    assert_eq!(
        search_in(&account, &drafts, subject_key(token)).await,
        [found.uid]
    );

    // A draft whose folder was replaced since (another UIDVALIDITY) is left alone.
    let stale = MessageRef {
        uid_validity: found.uid_validity.wrapping_add(1),
        ..found.clone()
    };
    within(discard_draft(&account, &stale)).await.unwrap();
    assert_eq!(
        search_in(&account, &drafts, subject_key(token)).await,
        [found.uid]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn without_uidplus_the_new_draft_is_found_by_its_message_id() {
    let dovecot = dovecot();
    let account = account(&dovecot, &["UIDPLUS"]).await;
    let drafts = folders(&account).await.drafts.unwrap();
    let token = "draft-token-77b";
    let first = save(
        &account,
        &drafts,
        &written(&format!("{token} v1"), 11),
        None,
    )
    .await;
    let second_built = written(&format!("{token} v2"), 12);
    let second = save(&account, &drafts, &second_built, Some(&first)).await;
    let by_id = search_in(
        &account,
        &drafts,
        vec![message_id_key(&second_built.message_id)],
    )
    .await;
    assert_eq!(by_id, [second.uid]);
    // The old one is marked deleted (a plain EXPUNGE would take other clients' mail too).
    assert_eq!(
        search_in(&account, &drafts, subject_key(token)).await,
        [second.uid]
    );
    let marked = vec![uid_key(first.uid), SearchKey::Deleted];
    assert_eq!(search_in(&account, &drafts, marked).await, [first.uid]);
    // Discarding says it could only mark the draft.
    let discarded = within(discard_draft(&account, &second)).await;
    assert!(
        matches!(discarded, Err(ClientError::Unsupported(_))),
        "{discarded:?}"
    );
    assert!(
        search_in(&account, &drafts, subject_key(token))
            .await
            .is_empty()
    );
}

/// The sample message with this subject: its UID in INBOX and its reference.
async fn sample_in_inbox(
    account: &Account<TcpTransport>,
    subject: &str,
) -> (MessageRef, sample::SampleMessage) {
    let message = sample::messages()
        .into_iter()
        .find(|m| m.folder == "INBOX" && m.subject == subject)
        .unwrap();
    let inbox = MailboxName::inbox();
    let id = message.message_id().trim_matches(['<', '>']).to_string();
    let uids = search_in(account, &inbox, vec![message_id_key(&id)]).await;
    assert_eq!(uids.len(), 1, "{subject}");
    let info = within(account.run_in(&inbox, async |c| c.selected_info()))
        .await
        .unwrap();
    let reference = MessageRef {
        folder: inbox,
        uid_validity: info.uid_validity.unwrap(),
        uid: uids[0],
    };
    (reference, message)
}

/// A wrong reference from a front end (mail in INBOX named as the draft) never deletes
/// mail, and the folder selected before is selected again afterwards.
#[tokio::test(flavor = "current_thread")]
async fn mail_named_as_a_draft_by_mistake_is_left_in_place() {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;
    let drafts = folders(&account).await.drafts.unwrap();
    let subject = sample::messages()
        .into_iter()
        .find(|m| m.folder == "INBOX")
        .unwrap()
        .subject;
    let (in_inbox, _) = sample_in_inbox(&account, &subject).await;
    let discarded = within(discard_draft(&account, &in_inbox)).await;
    assert!(
        matches!(discarded, Err(ClientError::NotADraft)),
        "{discarded:?}"
    );
    // Saving "over" it elsewhere leaves it too (the new draft is saved; the error says why).
    let replaced = within(save_draft(
        &account,
        &drafts,
        written("replacing inbox mail", 7).for_keeping,
        &written("replacing inbox mail", 7).message_id,
        Some(&in_inbox),
    ))
    .await;
    assert!(
        matches!(replaced, Err(ClientError::NotADraft)),
        "{replaced:?}"
    );
    let still = search_in(&account, &MailboxName::inbox(), vec![uid_key(in_inbox.uid)]).await;
    assert_eq!(still, vec![in_inbox.uid]);
    // INBOX was selected before the last call (search_in selected it): it still is.
    within(discard_draft(&account, &in_inbox))
        .await
        .unwrap_err();
    let selected = within(account.run(async |c| Ok(c.selected_name().cloned())))
        .await
        .unwrap();
    assert_eq!(selected, Some(MailboxName::inbox()));
    save(&account, &drafts, &written("another draft", 8), None).await;
    let selected = within(account.run(async |c| Ok(c.selected_name().cloned())))
        .await
        .unwrap();
    assert_eq!(selected, Some(MailboxName::inbox()));
}

/// Sends `built` as the demo user on the submission port for `security`.
async fn send(dovecot: &Dovecot, security: Security, built: &Built) {
    let port = match security {
        Security::Tls => dovecot.submissions_port(),
        _ => dovecot.submission_port(),
    }
    .unwrap();
    let stream = tcp::connect("127.0.0.1", port).await.unwrap();
    let mut options = SubmitOptions::new("localhost", port, security);
    options.tls = Some(tls::client_config(Some(dovecot.ca_pem())).unwrap());
    let credentials = Credentials::Password {
        username: DEMO_USER.into(),
        password: DEMO_PASSWORD.into(),
    };
    let report = within(send_once(
        stream,
        &options,
        &credentials,
        &address_of(DEMO_USER),
        &built.recipients,
        &built.for_sending,
        OnRefused::Abort,
    ))
    .await
    .unwrap();
    assert_eq!(report.accepted, [address_of(SECOND_DEMO_USER)]);
}

/// The copy delivered to the second demo user, by Message-ID.
fn delivered(dovecot: &Dovecot, message_id: &str) -> Vec<u8> {
    dovecot
        .inbox_messages(SECOND_DEMO_USER)
        .unwrap()
        .into_iter()
        .find(|m| {
            OriginalMessage::from_raw(m).is_ok_and(|o| o.message_id.as_deref() == Some(message_id))
        })
        .expect("delivered")
}

/// A reply or forward to the second demo user, written in a draft, sent, then filed —
/// twice, as a retry would.
async fn answer_send_and_file(security: Security, forwarding: bool) {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;
    let special = folders(&account).await;
    let (sent, drafts) = (special.sent.unwrap(), special.drafts.unwrap());
    let subject = if forwarding {
        "Invoice 2026-0815"
    } else {
        "Re: Team lunch on Friday"
    };
    let (original_ref, sample) = sample_in_inbox(&account, subject).await;
    let original = within(fetch_original(
        &account,
        &original_ref.folder,
        original_ref.uid,
        forwarding,
    ))
    .await
    .unwrap();
    let mut draft = if forwarding {
        forward(&original, ForwardMode::Inline, &[me()])
    } else {
        reply(&original, ReplyMode::Sender, &[me()])
    };
    // The original's people are not deliverable here.
    draft.to = vec![Mailbox::new(None, &address_of(SECOND_DEMO_USER))];
    draft.cc.clear();
    let built = build(&draft, &inputs(21)).unwrap();
    let draft_ref = save(&account, &drafts, &built, None).await;

    send(&dovecot, security, &built).await;

    let answering = if forwarding {
        Answering::Forward(original_ref.clone())
    } else {
        Answering::Reply(original_ref.clone())
    };
    let after = AfterSend {
        built: &built,
        sent: Some(&sent),
        provider_files_sent: false,
        answering: Some(&answering),
        draft: Some(&draft_ref),
    };
    let report = within(after_send(&account, after)).await;
    assert!(report.is_complete(), "{report:?}");
    let Ok(Filed::Appended(Some(filed))) = &report.filed else {
        panic!("{report:?}");
    };
    assert_eq!(filed.folder, sent);
    // A retry finds it there and changes nothing.
    let again = within(after_send(&account, after)).await;
    assert!(again.is_complete(), "{again:?}");
    assert_eq!(again.filed.as_ref().ok(), Some(&Filed::AlreadyThere));

    // Exactly one copy in Sent, read; no draft left.
    let by_id = message_id_key(&built.message_id);
    assert_eq!(
        search_in(&account, &sent, vec![by_id.clone()]).await,
        [filed.uid]
    );
    let seen = vec![uid_key(filed.uid), SearchKey::Seen];
    assert_eq!(search_in(&account, &sent, seen).await, [filed.uid]);
    assert!(search_in(&account, &drafts, vec![by_id]).await.is_empty());
    // The original is marked.
    let mark = if forwarding {
        SearchKey::Keyword(Atom::new("$Forwarded").unwrap())
    } else {
        SearchKey::Answered
    };
    let marked = vec![uid_key(original_ref.uid), mark];
    assert_eq!(
        search_in(&account, &original_ref.folder, marked).await,
        [original_ref.uid]
    );

    // The recipient has it, threaded under the original.
    let got = OriginalMessage::from_raw(&delivered(&dovecot, &built.message_id)).unwrap();
    assert_eq!(got.delivered_to, [address_of(SECOND_DEMO_USER)]);
    let parent = sample.message_id().trim_matches(['<', '>']);
    if forwarding {
        assert_eq!(got.subject, "Fwd: Invoice 2026-0815");
        assert_eq!(got.attachments.len(), 1);
        assert_eq!(got.attachments[0].name, "invoice-2026-0815.pdf");
        assert_eq!(got.in_reply_to, None);
    } else {
        assert_eq!(got.subject, "Re: Team lunch on Friday");
        assert_eq!(got.in_reply_to.as_deref(), Some(parent));
        assert_eq!(got.references, ["sample-06@webimap.test", parent]);
        // The recipient reads the same over IMAP, Delivered-To included, to reply in turn.
        let recipient = recipient_account(&dovecot).await;
        let inbox = MailboxName::inbox();
        let uids = search_in(&recipient, &inbox, vec![message_id_key(&built.message_id)]).await;
        assert_eq!(uids.len(), 1);
        let read = within(fetch_original(&recipient, &inbox, uids[0], false))
            .await
            .unwrap();
        assert_eq!(read.delivered_to, [address_of(SECOND_DEMO_USER)]);
        assert_eq!(read.in_reply_to.as_deref(), Some(parent));
        assert_eq!(read.references, ["sample-06@webimap.test", parent]);
        assert_eq!(read.message_id.as_deref(), Some(built.message_id.as_str()));
    }
    // The Sent copy keeps what was sent.
    let kept = within(account.run_in(&sent, async |c| c.fetch_raw_message(filed.uid).await))
        .await
        .unwrap();
    assert_eq!(kept, built.for_keeping);
}

#[tokio::test(flavor = "current_thread")]
async fn a_reply_sent_over_starttls_is_filed_once_and_answers_the_original() {
    answer_send_and_file(Security::StartTls, false).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_forward_sent_over_tls_is_filed_once_and_marks_the_original_forwarded() {
    answer_send_and_file(Security::Tls, true).await;
}

#[tokio::test(flavor = "current_thread")]
async fn where_the_provider_files_sent_mail_nothing_is_appended() {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;
    let special = folders(&account).await;
    let (sent, drafts) = (special.sent.unwrap(), special.drafts.unwrap());
    let built = written("provider-token-3c9", 31);
    let draft_ref = save(&account, &drafts, &built, None).await;
    send(&dovecot, Security::Tls, &built).await;
    let report = within(after_send(
        &account,
        AfterSend {
            built: &built,
            sent: Some(&sent),
            provider_files_sent: true,
            answering: None,
            draft: Some(&draft_ref),
        },
    ))
    .await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.filed.as_ref().ok(), Some(&Filed::ProviderFiles));
    assert!(report.marked.is_none());
    let by_id = message_id_key(&built.message_id);
    assert!(
        search_in(&account, &sent, vec![by_id.clone()])
            .await
            .is_empty()
    );
    assert!(search_in(&account, &drafts, vec![by_id]).await.is_empty());
}

/// Waits (up to ten seconds) until `seen` holds a change that `wanted` accepts.
async fn wait_for(seen: &RefCell<Vec<Change>>, wanted: impl Fn(&Change) -> bool) {
    let started = Instant::now();
    while !seen.borrow().iter().any(&wanted) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no such change: {:?}",
            seen.borrow()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_watch_on_inbox_goes_on_after_drafts_and_sent_were_used() {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;
    let special = folders(&account).await;
    let (sent, drafts) = (special.sent.unwrap(), special.drafts.unwrap());
    let inbox = MailboxName::inbox();
    let (opened, _) = within(account.open_tracked(&inbox)).await.unwrap();
    let (original_ref, _) = sample_in_inbox(&account, "Re: Team lunch on Friday").await;
    let mut other = logged_in(&dovecot, &[]).await;

    let seen = RefCell::new(Vec::new());
    let watcher = account.watch(opened.generation, |change| seen.borrow_mut().push(change));
    let user = async {
        // Let the watcher park in IDLE on INBOX first.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let built = written("watch-token-9d2", 41);
        let draft_ref = save(&account, &drafts, &built, None).await;
        send(&dovecot, Security::StartTls, &built).await;
        let answering = Answering::Reply(original_ref.clone());
        let report = within(after_send(
            &account,
            AfterSend {
                built: &built,
                sent: Some(&sent),
                provider_files_sent: false,
                answering: Some(&answering),
                draft: Some(&draft_ref),
            },
        ))
        .await;
        assert!(report.is_complete(), "{report:?}");
        // Back on INBOX: the watcher sees the mark it made, and new mail from elsewhere.
        wait_for(&seen, |c| {
            matches!(c, Change::Mailbox(MailboxEvent::FlagsChanged { uid, flags })
                if *uid == original_ref.uid && flags.iter().any(|f| f == "\\Answered"))
        })
        .await;
        let message = b"From: other@example.com\r\nSubject: after sending\r\n\r\nnew\r\n";
        let appended = within(other.append(&inbox, message.to_vec(), vec![], None))
            .await
            .unwrap()
            .unwrap();
        wait_for(&seen, |c| {
            matches!(c, Change::Mailbox(MailboxEvent::NewMessages { uids, .. }) if uids.contains(&appended.uid))
        })
        .await;
        within(account.stop_watching()).await.unwrap();
    };
    let (watched, ()) = within(join(watcher, user)).await;
    assert_eq!(watched.unwrap(), Watched::Over);
    let selected = within(account.run(async |c| Ok(c.selected_name().cloned())))
        .await
        .unwrap();
    assert_eq!(selected, Some(inbox));
}

#[tokio::test(flavor = "current_thread")]
async fn the_original_is_read_with_its_thread_and_addressing() {
    let dovecot = dovecot();
    let account = account(&dovecot, &[]).await;

    let (reply_ref, reply_sample) = sample_in_inbox(&account, "Re: Team lunch on Friday").await;
    let original = within(fetch_original(
        &account,
        &reply_ref.folder,
        reply_ref.uid,
        false,
    ))
    .await
    .unwrap();
    assert_eq!(
        original.message_id.as_deref(),
        Some(reply_sample.message_id().trim_matches(['<', '>']))
    );
    assert_eq!(
        original.in_reply_to.as_deref(),
        Some("sample-06@webimap.test")
    );
    assert_eq!(original.references, ["sample-06@webimap.test"]);
    assert_eq!(original.subject, "Re: Team lunch on Friday");
    assert!(original.text.as_deref().unwrap().contains("Count me in"));
    assert!(original.raw.is_none() && original.attachments.is_empty());

    let (team_ref, _) = sample_in_inbox(&account, "Planning the offsite").await;
    let original = within(fetch_original(
        &account,
        &team_ref.folder,
        team_ref.uid,
        false,
    ))
    .await
    .unwrap();
    assert_eq!(
        original.reply_to,
        [Mailbox::new(
            Some("Offsite Team"),
            "offsite-team@example.com"
        )]
    );
    assert_eq!(original.to.len(), 3);
    assert_eq!(original.cc.len(), 2);
    // A reply goes to the Reply-To.
    let answer = reply(
        &original,
        ReplyMode::Sender,
        &[Mailbox::new(None, "demo@example.test")],
    );
    assert_eq!(answer.to, original.reply_to);

    // For forwarding: the attachments and the bytes as stored.
    let (invoice_ref, invoice) = sample_in_inbox(&account, "Invoice 2026-0815").await;
    let original = within(fetch_original(
        &account,
        &invoice_ref.folder,
        invoice_ref.uid,
        true,
    ))
    .await
    .unwrap();
    assert_eq!(original.raw.as_deref(), Some(invoice.raw.as_slice()));
    assert_eq!(original.attachments.len(), 1);
    assert_eq!(original.attachments[0].name, "invoice-2026-0815.pdf");
    assert_eq!(original.attachments[0].mime_type, "application/pdf");
    assert!(original.attachments[0].data.starts_with(b"%PDF-1.4"));

    // Reading never marks the message read.
    let unseen = vec![uid_key(reply_ref.uid), SearchKey::Unseen];
    assert_eq!(
        search_in(&account, &reply_ref.folder, unseen).await,
        [reply_ref.uid]
    );
}
