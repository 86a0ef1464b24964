//! The steps after a send against scripted server bytes: a Sent folder that refuses the
//! copy (the send stays a success, the original is still marked, the draft is kept), and
//! which flags a folder keeps.

use webimap_proto::types::{core::Flag, mailbox::MailboxName};

use super::{AfterSend, Answering, Filed, after_send, may_keep};
use crate::{
    account::Account,
    client::Client,
    compose::Built,
    driver::tests::tokio_block_on,
    error::ClientError,
    outgoing::MessageRef,
    scripted::{Scripted, Step},
};

fn built() -> Built {
    Built {
        message_id: "m1@example.com".into(),
        for_sending: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
        for_keeping: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
        recipients: vec!["bob@example.org".into()],
    }
}

fn account(steps: Vec<Step>) -> (Account<Scripted>, Scripted) {
    let mut script = vec![Step::Send(
        "* OK [CAPABILITY IMAP4rev1 UIDPLUS LITERAL+ ESEARCH] ready\r\n",
    )];
    script.extend(steps);
    let server = Scripted::new(script);
    let client = tokio_block_on(Client::connect(server.clone())).expect("greeting");
    (Account::new(client), server)
}

#[test]
fn a_refused_copy_in_sent_keeps_the_draft_and_still_marks_the_original() {
    let (account, server) = account(vec![
        Step::Expect("SELECT Sent"),
        Step::Send("* 0 EXISTS\r\n* OK [UIDVALIDITY 3] ok\r\n{tag} OK [READ-WRITE] done\r\n"),
        Step::Expect("m1@example.com"),
        Step::Send("* ESEARCH (TAG \"{tag}\") UID\r\n{tag} OK done\r\n"),
        Step::Expect("APPEND Sent"),
        Step::Expect("hello"),
        // The message's lines are not tagged: the APPEND is the session's third command.
        Step::Send("W3 NO [OVERQUOTA] Quota exceeded\r\n"),
        Step::Expect("SELECT INBOX"),
        Step::Send(
            "* 9 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Seen \\*)] ok\r\n{tag} OK [READ-WRITE] done\r\n",
        ),
        Step::Expect("UID STORE 5 +FLAGS (\\Answered)"),
        Step::Send("* 4 FETCH (UID 5 FLAGS (\\Answered))\r\n{tag} OK done\r\n"),
    ]);
    let built = built();
    let sent = MailboxName::from_display("Sent").unwrap();
    let answering = Answering::Reply(MessageRef {
        folder: MailboxName::inbox(),
        uid_validity: 7,
        uid: 5,
    });
    let draft = MessageRef {
        folder: MailboxName::from_display("Drafts").unwrap(),
        uid_validity: 1,
        uid: 2,
    };
    let report = tokio_block_on(after_send(
        &account,
        AfterSend {
            built: &built,
            sent: Some(&sent),
            provider_files_sent: false,
            answering: Some(&answering),
            draft: Some(&draft),
        },
    ));
    assert!(
        matches!(
            &report.filed,
            Err(ClientError::Server {
                command: "APPEND",
                ..
            })
        ),
        "{report:?}"
    );
    assert!(matches!(report.marked, Some(Ok(()))), "{report:?}");
    assert!(
        matches!(report.draft_removed, Some(Err(ClientError::DraftKept))),
        "{report:?}"
    );
    assert!(!report.is_complete());
    assert!(server.finished());
    // Drafts was never touched.
    assert!(!server.received().iter().any(|l| l.contains("Drafts")));
}

#[test]
fn a_changed_uidvalidity_marks_nothing_and_the_provider_files_sent_mail() {
    let (account, server) = account(vec![
        Step::Expect("SELECT INBOX"),
        Step::Send("* 9 EXISTS\r\n* OK [UIDVALIDITY 8] ok\r\n{tag} OK [READ-WRITE] done\r\n"),
        Step::Expect("SELECT Drafts"),
        Step::Send("* 1 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n{tag} OK [READ-WRITE] done\r\n"),
        // Only a message marked \Draft is removed: it is there, and it is a draft.
        Step::Expect(" UID 2"),
        Step::Send("* ESEARCH (TAG \"{tag}\") UID ALL 2\r\n{tag} OK done\r\n"),
        Step::Expect("DRAFT"),
        Step::Send("* ESEARCH (TAG \"{tag}\") UID ALL 2\r\n{tag} OK done\r\n"),
        Step::Expect("UID STORE 2 +FLAGS.SILENT (\\Deleted)"),
        Step::Send("{tag} OK done\r\n"),
        Step::Expect("UID EXPUNGE 2"),
        Step::Send("* 1 EXPUNGE\r\n{tag} OK done\r\n"),
    ]);
    let built = built();
    let answering = Answering::Forward(MessageRef {
        folder: MailboxName::inbox(),
        uid_validity: 7,
        uid: 5,
    });
    let draft = MessageRef {
        folder: MailboxName::from_display("Drafts").unwrap(),
        uid_validity: 1,
        uid: 2,
    };
    let report = tokio_block_on(after_send(
        &account,
        AfterSend {
            built: &built,
            sent: None,
            provider_files_sent: true,
            answering: Some(&answering),
            draft: Some(&draft),
        },
    ));
    assert_eq!(report.filed.as_ref().ok(), Some(&Filed::ProviderFiles));
    assert!(report.is_complete(), "{report:?}");
    assert!(server.finished());
    let lines = server.received();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("APPEND") || l.contains("FLAGS (")),
        "{lines:?}"
    );
}

#[test]
fn keywords_are_set_only_where_the_folder_keeps_them() {
    let forwarded = Flag::Keyword("$Forwarded".into());
    assert!(may_keep(&[Flag::Seen, Flag::MayCreate], &forwarded));
    assert!(may_keep(&[Flag::Keyword("$forwarded".into())], &forwarded));
    assert!(!may_keep(&[Flag::Seen, Flag::Answered], &forwarded));
    assert!(may_keep(&[], &forwarded));
    assert!(may_keep(&[Flag::Seen], &Flag::Answered));
}

#[test]
fn filed_serialises_with_its_kind() {
    let filed = Filed::Appended(Some(MessageRef {
        folder: MailboxName::from_display("Sent").unwrap(),
        uid_validity: 3,
        uid: 9,
    }));
    let json = serde_json::to_string(&filed).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"appended","message":{"folder":"Sent","uidValidity":3,"uid":9}}"#
    );
    assert_eq!(serde_json::from_str::<Filed>(&json).unwrap(), filed);
    assert_eq!(
        serde_json::to_string(&Filed::AlreadyThere).unwrap(),
        r#"{"kind":"alreadyThere"}"#
    );
    assert_eq!(
        serde_json::from_str::<Filed>(r#"{"kind":"noSentFolder"}"#).unwrap(),
        Filed::NoSentFolder
    );
}
