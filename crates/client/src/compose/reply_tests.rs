use super::*;

fn mb(address: &str) -> Mailbox {
    Mailbox::new(None, address)
}

fn addresses(list: &[Mailbox]) -> Vec<&str> {
    list.iter().map(|m| m.address.as_str()).collect()
}

fn identities() -> Vec<Mailbox> {
    vec![
        Mailbox::new(Some("Ann"), "ann@example.com"),
        Mailbox::new(Some("Ann (work)"), "ann@work.example"),
    ]
}

fn original() -> OriginalMessage {
    OriginalMessage {
        message_id: Some("m3@example.org".into()),
        in_reply_to: Some("m2@example.org".into()),
        references: vec!["m1@example.org".into(), "m2@example.org".into()],
        from: vec![Mailbox::new(Some("Bob"), "bob@example.org")],
        to: vec![mb("ANN@Example.com"), mb("dan@example.org")],
        cc: vec![mb("carol@example.net"), mb("Dan@EXAMPLE.org")],
        subject: "Re: RE: Plans".into(),
        date: Some("Thu, 03 Dec 2026 10:00:00 +0100".into()),
        text: Some("Shall we meet?\r\n> earlier words\r\n\r\nBob\r\n".into()),
        ..OriginalMessage::default()
    }
}

#[test]
fn reply_all_table() {
    struct Case {
        name: &'static str,
        change: fn(&mut OriginalMessage),
        mode: ReplyMode,
        to: &'static [&'static str],
        cc: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "sender only",
            change: |_| {},
            mode: ReplyMode::Sender,
            to: &["bob@example.org"],
            cc: &[],
        },
        Case {
            name: "all: sender to To, the others to Cc, me and duplicates removed",
            change: |_| {},
            mode: ReplyMode::All,
            to: &["bob@example.org"],
            cc: &["dan@example.org", "carol@example.net"],
        },
        Case {
            name: "Reply-To honoured",
            change: |o| o.reply_to = vec![mb("bob@home.example")],
            mode: ReplyMode::Sender,
            to: &["bob@home.example"],
            cc: &[],
        },
        Case {
            name: "Reply-To honoured in reply all",
            change: |o| o.reply_to = vec![mb("list@lists.example")],
            mode: ReplyMode::All,
            to: &["list@lists.example"],
            cc: &["dan@example.org", "carol@example.net"],
        },
        Case {
            name: "Mail-Followup-To for reply all",
            change: |o| o.mail_followup_to = vec![mb("list@lists.example"), mb("ann@example.com")],
            mode: ReplyMode::All,
            to: &["list@lists.example"],
            cc: &[],
        },
        Case {
            name: "Mail-Followup-To ignored for reply to sender",
            change: |o| o.mail_followup_to = vec![mb("list@lists.example")],
            mode: ReplyMode::Sender,
            to: &["bob@example.org"],
            cc: &[],
        },
        Case {
            name: "my own message: to its recipients",
            change: |o| o.from = vec![mb("Ann@EXAMPLE.COM")],
            mode: ReplyMode::All,
            to: &["dan@example.org"],
            cc: &["carol@example.net"],
        },
        Case {
            name: "sender also in Cc appears once",
            change: |o| o.cc.push(mb("BOB@example.org")),
            mode: ReplyMode::All,
            to: &["bob@example.org"],
            cc: &["dan@example.org", "carol@example.net"],
        },
        Case {
            name: "my other identity removed too",
            change: |o| o.cc.push(mb("ann@WORK.example")),
            mode: ReplyMode::All,
            to: &["bob@example.org"],
            cc: &["dan@example.org", "carol@example.net"],
        },
    ];
    for case in cases {
        let mut message = original();
        (case.change)(&mut message);
        let draft = reply(&message, case.mode, &identities());
        assert_eq!(addresses(&draft.to), case.to, "{}", case.name);
        assert_eq!(addresses(&draft.cc), case.cc, "{}", case.name);
        assert!(draft.bcc.is_empty());
    }
}

#[test]
fn identity_choice() {
    let ids = identities();
    let mut message = original();
    assert_eq!(choose_identity(&message, &ids), Some(ids[0].clone()));
    message.to = vec![mb("bob@example.org")];
    message.cc = vec![mb("Ann@Work.Example")];
    assert_eq!(choose_identity(&message, &ids), Some(ids[1].clone()));
    message.cc.clear();
    message.delivered_to = vec!["ann@work.example".into()];
    assert_eq!(choose_identity(&message, &ids), Some(ids[1].clone()));
    message.delivered_to = vec!["someone@else.example".into()];
    assert_eq!(
        choose_identity(&message, &ids),
        Some(ids[0].clone()),
        "default"
    );
    assert_eq!(choose_identity(&message, &[]), None);
    assert_eq!(reply(&message, ReplyMode::Sender, &ids).from, ids[0]);
}

#[test]
fn threading_headers() {
    let draft = reply(&original(), ReplyMode::Sender, &identities());
    assert_eq!(draft.in_reply_to.as_deref(), Some("m3@example.org"));
    assert_eq!(
        draft.references,
        ["m1@example.org", "m2@example.org", "m3@example.org"]
    );
    assert_eq!(draft.subject, "Re: Plans");

    let mut no_references = original();
    no_references.references.clear();
    let draft = reply(&no_references, ReplyMode::Sender, &identities());
    assert_eq!(draft.references, ["m2@example.org", "m3@example.org"]);

    let mut first = original();
    first.references.clear();
    first.in_reply_to = None;
    assert_eq!(
        reply(&first, ReplyMode::Sender, &identities()).references,
        ["m3@example.org"]
    );

    let mut long = original();
    long.references = (0..50).map(|i| format!("m{i}@x")).collect();
    let chain = reply(&long, ReplyMode::Sender, &identities()).references;
    assert_eq!(chain.len(), MAX_REFERENCES);
    assert_eq!(chain[0], "m0@x");
    assert_eq!(chain[1], "m32@x");
    assert_eq!(chain[MAX_REFERENCES - 2], "m49@x");
    assert_eq!(chain[MAX_REFERENCES - 1], "m3@example.org");
}

#[test]
fn text_quoting_with_attribution() {
    let draft = reply(&original(), ReplyMode::Sender, &identities());
    assert_eq!(
        draft.body,
        Body::text(
            "\n\nOn Thu, 03 Dec 2026 10:00:00 +0100, Bob wrote:\n\
             > Shall we meet?\n>> earlier words\n>\n> Bob\n"
        )
    );
}

#[test]
fn html_quoting_in_a_blockquote() {
    let mut message = original();
    message.date = None;
    message.from = vec![Mailbox::new(Some("Bob <the builder>"), "bob@example.org")];
    message.html =
        Some("<html><head><title>t</title></head><BODY class=x><p>Hi</p></BODY></html>".into());
    let draft = reply(&message, ReplyMode::Sender, &identities());
    let Body::Html {
        html,
        inline_images,
    } = draft.body
    else {
        panic!("an HTML reply");
    };
    assert!(inline_images.is_empty());
    assert!(
        html.contains("<p>Bob &lt;the builder&gt; wrote:</p>"),
        "{html}"
    );
    assert!(
        html.contains("<blockquote type=\"cite\">\n<p>Hi</p>\n</blockquote>"),
        "{html}"
    );
    assert!(!html.contains("<title>"));
}

#[test]
fn quote_helper() {
    assert_eq!(quote("a\n\n> b\n"), "> a\n>\n>> b");
    assert_eq!(body_of("no body here"), "no body here");
    assert_eq!(body_of("<body>x"), "x");
}
