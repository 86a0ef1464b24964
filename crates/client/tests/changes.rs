//! Changing mail on a real Dovecot: flags, move (MOVE and the COPY + UID EXPUNGE fallback),
//! delete, append, search/sort/thread, folder management and counts. A second connection
//! plays "another client" whose `\Deleted` mail must survive.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod support;

use support::{logged_in, within};
use webimap_client::{
    Client,
    proto::types::{
        command::{SearchKey, SortCriterion, SortKey, StoreAction, ThreadAlgorithm},
        core::Flag,
        mailbox::{MailboxName, SpecialUse},
        sequence::SequenceSet,
    },
    transport::tcp,
};
use webimap_testkit::{Dovecot, DovecotConfig, sample};

fn name(s: &str) -> MailboxName {
    MailboxName::from_display(s).unwrap()
}

async fn subjects(
    client: &mut Client<tcp::TcpTransport>,
    folder: &str,
) -> Vec<(u32, String, bool, bool)> {
    within(client.select(&name(folder))).await.unwrap();
    let mut s: Vec<_> = within(client.fetch_summaries(SequenceSet::all()))
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.uid, m.subject, m.seen, m.flagged))
        .collect();
    s.sort();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_summaries_come_by_position() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &[]).await;
    let all = subjects(&mut c, "INBOX").await;
    let info = within(c.select(&MailboxName::inbox())).await.unwrap();
    assert_eq!(info.exists as usize, all.len());
    let newest = within(c.fetch_newest_summaries(info.exists, 3))
        .await
        .unwrap();
    let seqs: Vec<u32> = newest.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (info.exists - 2..=info.exists).collect::<Vec<_>>());
    // Sorted by UID, the last three of the folder.
    let uids: Vec<u32> = newest.iter().map(|m| m.uid).collect();
    let last: Vec<u32> = all[all.len() - 3..].iter().map(|m| m.0).collect();
    assert_eq!(uids, last);
    // Sizes come apart (they would hold up the first rows on a big folder), and match
    // what a full summary says.
    assert!(
        newest
            .iter()
            .all(|m| m.size.is_none() && m.received.is_some())
    );
    let set = SequenceSet::from_numbers(uids.iter().copied()).unwrap();
    let sizes = within(c.fetch_sizes(set.clone())).await.unwrap();
    let full: Vec<(u32, u64)> = within(c.fetch_summaries(set))
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.uid, m.size.unwrap()))
        .collect();
    assert_eq!(sizes, full);
    assert!(sizes.iter().all(|&(_, size)| size > 0));
    // More than the folder holds: all of it; none: nothing.
    let everything = within(c.fetch_newest_summaries(info.exists, 1_000))
        .await
        .unwrap();
    assert_eq!(everything.len(), all.len());
    assert!(
        within(c.fetch_newest_summaries(0, 10))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_change_and_stick() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &[]).await;
    let before = subjects(&mut c, "INBOX").await;
    let (uid, _, seen, flagged) = before[0].clone();
    within(c.set_seen(&[uid], !seen)).await.unwrap();
    within(c.set_flagged(&[uid], !flagged)).await.unwrap();
    let reported = within(c.store_flags(
        &[uid],
        StoreAction::Add,
        vec![Flag::Keyword("$Important".into())],
    ))
    .await
    .unwrap();
    assert!(
        reported[0].1.contains(&Flag::Keyword("$Important".into())),
        "{reported:?}"
    );
    let mut other = logged_in(&dovecot, &[]).await;
    let after = subjects(&mut other, "INBOX").await;
    assert_eq!(
        (after[0].2, after[0].3),
        (!seen, !flagged),
        "another session sees the change"
    );
}

/// Another client marks a message `\Deleted` without expunging; our move and delete must
/// leave it in place.
async fn move_and_delete_leave_others_alone(disabled: &[&str]) {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut other = logged_in(&dovecot, &[]).await;
    let inbox = subjects(&mut other, "INBOX").await;
    let (kept_uid, kept_subject, ..) = inbox[1].clone();
    within(other.store_flags(&[kept_uid], StoreAction::Add, vec![Flag::Deleted]))
        .await
        .unwrap();

    let mut c = logged_in(&dovecot, disabled).await;
    let _ = subjects(&mut c, "INBOX").await;
    let (moved_uid, moved_subject, ..) = inbox[0].clone();
    let copied = within(c.move_messages(&[moved_uid], &name("Archive")))
        .await
        .unwrap();
    let copied = copied.expect("UIDPLUS COPYUID");
    assert_eq!(copied.pairs.len(), 1);
    let (deleted_uid, deleted_subject, ..) = inbox[2].clone();
    within(c.delete_messages(&[deleted_uid])).await.unwrap();

    let now = subjects(&mut other, "INBOX").await;
    let titles: Vec<&str> = now.iter().map(|m| m.1.as_str()).collect();
    assert!(!titles.contains(&moved_subject.as_str()), "moved away");
    assert!(!titles.contains(&deleted_subject.as_str()), "deleted");
    assert!(
        titles.contains(&kept_subject.as_str()),
        "another client's \\Deleted message survives"
    );
    assert_eq!(now.len(), inbox.len() - 2);
    let archive = subjects(&mut other, "Archive").await;
    assert!(
        archive
            .iter()
            .any(|m| m.1 == moved_subject && m.0 == copied.pairs[0].1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_with_move_extension() {
    move_and_delete_leave_others_alone(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_by_copy_and_uid_expunge() {
    move_and_delete_leave_others_alone(&["MOVE"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_uidplus_nothing_is_expunged() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &["MOVE", "UIDPLUS"]).await;
    let inbox = subjects(&mut c, "INBOX").await;
    assert!(
        within(c.move_messages(&[inbox[0].0], &name("Archive")))
            .await
            .is_err()
    );
    assert!(within(c.delete_messages(&[inbox[0].0])).await.is_err());
    assert_eq!(
        subjects(&mut c, "INBOX").await.len(),
        inbox.len(),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_returns_the_new_uid() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &[]).await;
    let message = b"From: a@example.com\r\nTo: demo@example.test\r\nSubject: Appended \xc3\xa9\r\n\r\nBody\r\n".to_vec();
    let appended = within(c.append(
        &name("Drafts"),
        message.clone(),
        vec![Flag::Draft, Flag::Seen],
        None,
    ))
    .await
    .unwrap()
    .unwrap();
    within(c.select(&name("Drafts"))).await.unwrap();
    let raw = within(c.fetch_raw_message(appended.uid)).await.unwrap();
    assert_eq!(raw, message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sort_thread() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    for disabled in [&[][..], &["ESEARCH"][..]] {
        let mut c = logged_in(&dovecot, disabled).await;
        let inbox = subjects(&mut c, "INBOX").await;
        let target = sample::messages()
            .into_iter()
            .find(|m| m.folder == "INBOX" && m.subject == "Grüße aus München")
            .unwrap();
        let hits = within(c.search(vec![SearchKey::Subject("München".into())]))
            .await
            .unwrap();
        let expected: Vec<u32> = inbox
            .iter()
            .filter(|m| m.1.contains("München"))
            .map(|m| m.0)
            .collect();
        assert_eq!(hits, expected, "{disabled:?}");
        assert!(!hits.is_empty());
        let unseen = within(c.search(vec![SearchKey::Unseen])).await.unwrap();
        assert_eq!(unseen.len(), inbox.iter().filter(|m| !m.2).count());
        let body = within(c.search(vec![SearchKey::Body(target.body_contains.into())]))
            .await
            .unwrap();
        assert_eq!(body, expected);
    }
    let mut c = logged_in(&dovecot, &[]).await;
    let inbox = subjects(&mut c, "INBOX").await;
    let sorted = within(c.sort(
        vec![SortCriterion {
            reverse: false,
            key: SortKey::Size,
        }],
        vec![],
    ))
    .await
    .unwrap();
    assert_eq!(sorted.len(), inbox.len());
    let threads = within(c.thread(ThreadAlgorithm::References, vec![SearchKey::All]))
        .await
        .unwrap();
    assert!(!threads.is_empty() && threads.len() <= inbox.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_management_and_counts() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &[]).await;
    let folders = within(c.list_folders()).await.unwrap();
    let inbox = folders.iter().find(|f| f.is_inbox()).unwrap();
    let inbox_messages = sample::messages()
        .iter()
        .filter(|m| m.folder == "INBOX")
        .count() as u32;
    let inbox_unseen = sample::messages()
        .iter()
        .filter(|m| m.folder == "INBOX" && !m.seen)
        .count() as u32;
    if c.supports("LIST-STATUS") {
        assert_eq!(
            (inbox.total, inbox.unseen),
            (Some(inbox_messages), Some(inbox_unseen))
        );
    }
    let status = within(c.folder_status(&MailboxName::inbox()))
        .await
        .unwrap();
    assert_eq!(
        (status.total, status.unseen),
        (Some(inbox_messages), Some(inbox_unseen))
    );

    within(c.create_folder(&name("Projekte/Größe"), None))
        .await
        .unwrap();
    within(c.create_folder(&name("Receipts"), Some(SpecialUse::Archive)))
        .await
        .unwrap();
    within(c.rename_folder(&name("Projekte/Größe"), &name("Projekte/Klein")))
        .await
        .unwrap();
    within(c.set_subscribed(&name("Projekte/Klein"), true))
        .await
        .unwrap();
    let folders = within(c.list_folders()).await.unwrap();
    let subscribed = |path: &str| {
        folders
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.subscribed)
    };
    assert_eq!(subscribed("Projekte/Klein"), Some(true));
    // The same list without counts.
    let quick = within(c.list_folders_without_counts()).await.unwrap();
    let names = |fs: &[webimap_client::model::Folder]| -> Vec<String> {
        fs.iter().map(|f| f.path.clone()).collect()
    };
    assert_eq!(names(&quick), names(&folders));
    assert!(
        quick
            .iter()
            .all(|f| f.total.is_none() && f.unseen.is_none())
    );
    assert!(quick.iter().all(|f| f.subscribed.is_some()));
    let paths: Vec<String> = folders.into_iter().map(|f| f.path).collect();
    assert!(paths.contains(&"Projekte/Klein".to_string()), "{paths:?}");
    within(c.set_subscribed(&name("Projekte/Klein"), false))
        .await
        .unwrap();
    let folders = within(c.list_folders()).await.unwrap();
    let klein = folders.iter().find(|f| f.path == "Projekte/Klein");
    assert_eq!(klein.and_then(|f| f.subscribed), Some(false));
    // Without LIST-EXTENDED the subscriptions come from LSUB: the same answer.
    let mut plain = logged_in(&dovecot, &["LIST-EXTENDED"]).await;
    let via_lsub = within(plain.list_folders()).await.unwrap();
    let flags = |fs: &[webimap_client::model::Folder]| -> Vec<(String, Option<bool>)> {
        let mut v: Vec<_> = fs.iter().map(|f| (f.path.clone(), f.subscribed)).collect();
        v.sort();
        v
    };
    assert_eq!(flags(&via_lsub), flags(&folders));
    assert!(via_lsub.iter().any(|f| f.subscribed == Some(true)));
    assert!(!paths.contains(&"Projekte/Größe".to_string()));
    within(c.delete_folder(&name("Projekte/Klein")))
        .await
        .unwrap();
    let paths: Vec<String> = within(c.list_folders())
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert!(!paths.contains(&"Projekte/Klein".to_string()));
    assert!(
        within(c.delete_folder(&name("Does/Not/Exist")))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc2231_attachment_names_are_decoded() {
    let dovecot = Dovecot::start(DovecotConfig::default()).unwrap();
    let mut c = logged_in(&dovecot, &[]).await;
    let message = b"From: a@example.com\r\nSubject: rates\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--b\r\nContent-Type: application/pdf; name*=utf-8''%E2%82%AC%20rates.pdf\r\n\
Content-Disposition: attachment;\r\n filename*0*=utf-8''%E2%82%AC%20ra;\r\n filename*1*=tes.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
        .to_vec();
    let appended = within(c.append(&name("INBOX"), message, vec![], None))
        .await
        .unwrap()
        .unwrap();
    within(c.select(&name("INBOX"))).await.unwrap();
    let content = within(c.fetch_message(appended.uid)).await.unwrap();
    assert_eq!(content.attachments.len(), 1, "{:?}", content.attachments);
    assert_eq!(
        content.attachments[0].filename.as_deref(),
        Some("€ rates.pdf")
    );
    let part = within(c.fetch_decoded_part(appended.uid, &content.attachments[0].section))
        .await
        .unwrap();
    assert_eq!(part.data, b"%PDF-1.4\n");
    assert_eq!(part.filename.as_deref(), Some("€ rates.pdf"));
}
