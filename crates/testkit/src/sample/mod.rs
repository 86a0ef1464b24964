//! The sample mailbox: a fixed, varied set of messages that every test can rely on.
//!
//! [`messages`] is the single source of truth: each entry says which folder it lands in,
//! its subject and sender as a user sees them (decoded), its flags, a phrase from its
//! decoded text body, and its exact raw bytes (CRLF line ends) as stored on disk.

mod mime;

use std::fmt;

use mime::{
    Part, When, attachment, encode_b, encode_q, entity, fold, latin1_qp, multipart, plain, rfc822,
    text_8bit, text_attachment, text_base64, text_qp,
};

/// One sample message. Fields describe it as a mail client shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SampleMessage {
    /// Mailbox name, with `/` as the hierarchy separator (e.g. `Work/Projects`).
    pub folder: &'static str,
    /// The decoded subject (empty when the message has none).
    pub subject: String,
    /// The decoded display name of the sender.
    pub from_name: String,
    /// The sender's address.
    pub from_addr: String,
    /// The `Date:` header value (RFC 2822); also the internal date.
    pub date: String,
    /// Stored with `\Seen`.
    pub seen: bool,
    /// Stored with `\Flagged`.
    pub flagged: bool,
    /// A phrase in the decoded text (or HTML) body.
    pub body_contains: &'static str,
    /// Has at least one attachment part.
    pub has_attachment: bool,
    /// The whole message as stored, CRLF line ends.
    pub raw: Vec<u8>,
    unix_time: i64,
    message_id: String,
}

impl SampleMessage {
    /// The date as seconds since the Unix epoch (the maildir file's mtime, which Dovecot
    /// reports as the internal date).
    pub fn unix_time(&self) -> i64 {
        self.unix_time
    }

    /// The `Message-ID` value, with angle brackets.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }
}

impl fmt::Debug for SampleMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SampleMessage")
            .field("folder", &self.folder)
            .field("subject", &self.subject)
            .field("from_name", &self.from_name)
            .field("from_addr", &self.from_addr)
            .field("date", &self.date)
            .field("seen", &self.seen)
            .field("flagged", &self.flagged)
            .field("body_contains", &self.body_contains)
            .field("has_attachment", &self.has_attachment)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}

/// The folders of the sample mailbox, parents before children.
pub fn folders() -> Vec<&'static str> {
    vec![
        "INBOX",
        "Archive",
        "Drafts",
        "Sent",
        "Trash",
        "Junk",
        "Work",
        "Work/Projects",
    ]
}

const DEMO_TO: &str = "Demo User <demo@example.test>";
const DEMO_NAME: &str = "Demo User";
const DEMO_ADDR: &str = "demo@example.test";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";

const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x14, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xc0,
    0xd0, 0x00, 0x22, 0xfe, 0xff, 0xff, 0xcf, 0x00, 0x00, 0x22, 0x70, 0x05, 0x7c, 0x41, 0xca, 0xb8,
    0x4d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A message being described; [`Spec::build`] turns it into a [`SampleMessage`].
struct Spec {
    folder: &'static str,
    when: When,
    from_name: &'static str,
    from_addr: &'static str,
    from_header: Option<String>,
    to: &'static str,
    extra_headers: Vec<String>,
    subject: &'static str,
    subject_header: Option<String>,
    body: Part,
    seen: bool,
    flagged: bool,
    body_contains: &'static str,
    has_attachment: bool,
}

fn at(date: (i64, i64, i64), time: (i64, i64), offset_minutes: i64) -> When {
    When {
        year: date.0,
        month: date.1,
        day: date.2,
        hour: time.0,
        minute: time.1,
        offset_minutes,
    }
}

fn spec(
    folder: &'static str,
    when: When,
    from: (&'static str, &'static str),
    subject: &'static str,
    body: Part,
    body_contains: &'static str,
) -> Spec {
    Spec {
        folder,
        when,
        from_name: from.0,
        from_addr: from.1,
        from_header: None,
        to: DEMO_TO,
        extra_headers: Vec::new(),
        subject,
        subject_header: None,
        body,
        seen: false,
        flagged: false,
        body_contains,
        has_attachment: false,
    }
}

impl Spec {
    fn seen(mut self) -> Self {
        self.seen = true;
        self
    }
    fn flagged(mut self) -> Self {
        self.flagged = true;
        self
    }
    fn with_attachment(mut self) -> Self {
        self.has_attachment = true;
        self
    }
    /// The subject as RFC 2047 "B" encoded words.
    fn subject_b(mut self) -> Self {
        self.subject_header = Some(format!("Subject: {}", encode_b(self.subject)));
        self
    }
    /// The subject as RFC 2047 "Q" encoded words.
    fn subject_q(mut self) -> Self {
        self.subject_header = Some(format!("Subject: {}", encode_q(self.subject)));
        self
    }
    /// A raw `From:` value, for hand-encoded display names.
    fn raw_from(mut self, value: &str) -> Self {
        self.from_header = Some(format!("From: {value}"));
        self
    }
    fn to(mut self, to: &'static str) -> Self {
        self.to = to;
        self
    }
    fn header(mut self, line: &str) -> Self {
        self.extra_headers.push(line.to_owned());
        self
    }

    fn build(self, index: usize) -> SampleMessage {
        let message_id = format!("<sample-{:02}@webimap.test>", index + 1);
        let from_header = self.from_header.unwrap_or_else(|| {
            if self.from_name.is_ascii() {
                format!("From: {} <{}>", self.from_name, self.from_addr)
            } else {
                format!("From: {} <{}>", encode_b(self.from_name), self.from_addr)
            }
        });
        let mut headers = vec![
            format!("Message-ID: {message_id}"),
            format!("Date: {}", self.when.rfc2822()),
            from_header,
            fold("To", self.to),
        ];
        headers.extend(self.extra_headers);
        match self.subject_header {
            Some(line) => headers.push(line),
            None if self.subject.is_empty() => {}
            None => headers.push(fold("Subject", self.subject)),
        }
        headers.push("MIME-Version: 1.0".to_owned());
        headers.extend(self.body.headers);
        SampleMessage {
            folder: self.folder,
            subject: self.subject.to_owned(),
            from_name: self.from_name.to_owned(),
            from_addr: self.from_addr.to_owned(),
            date: self.when.rfc2822(),
            seen: self.seen,
            flagged: self.flagged,
            body_contains: self.body_contains,
            has_attachment: self.has_attachment,
            raw: entity(&headers, &self.body.body),
            unix_time: self.when.unix_time(),
            message_id,
        }
    }
}

/// The forwarded message inside sample 9.
fn maintenance_notice() -> Vec<u8> {
    let headers = [
        "Message-ID: <notice-1@ops.example.com>".to_owned(),
        "Date: Mon, 3 Aug 2026 08:00:00 +0000".to_owned(),
        "From: Operations <ops@example.com>".to_owned(),
        "To: all-staff@example.com".to_owned(),
        "Subject: Server maintenance window".to_owned(),
        "MIME-Version: 1.0".to_owned(),
    ];
    let body = plain("The servers will be down on Sunday from 02:00 to 04:00 UTC.\n");
    let mut all = headers.to_vec();
    all.extend(body.headers);
    entity(&all, &body.body)
}

/// All sample messages, in a fixed order. INBOX holds 22 of them.
pub fn messages() -> Vec<SampleMessage> {
    specs()
        .into_iter()
        .enumerate()
        .map(|(index, spec)| spec.build(index))
        .collect()
}

#[allow(clippy::too_many_lines)] // a list of data, one entry per message
fn specs() -> Vec<Spec> {
    let alice = ("Alice Example", "alice@example.com");
    vec![
        // 1
        spec(
            "INBOX",
            at((2026, 7, 1), (9, 15), 120),
            alice,
            "Welcome to webimap",
            plain("Hi Demo,\n\nThanks for trying webimap. This mailbox is full of sample messages.\n\nAlice\n"),
            "full of sample messages",
        )
        .seen(),
        // 2
        spec(
            "INBOX",
            at((2026, 7, 4), (18, 2), 120),
            ("Jürgen Müller", "juergen@example.de"),
            "Grüße aus München",
            text_qp("plain", "Hallo!\n\nViele Grüße aus München, wo es heute sonnig und warm ist.\n\nJürgen\n"),
            "Viele Grüße aus München",
        )
        .subject_b()
        .raw_from("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>"),
        // 3
        spec(
            "INBOX",
            at((2026, 7, 9), (11, 30), 540),
            ("田中 太郎", "taro@example.jp"),
            "日本語のテスト",
            text_base64("デモさん、こんにちは。\nこれは日本語のテストメッセージです。\n"),
            "日本語のテストメッセージ",
        )
        .subject_b()
        .seen()
        .flagged(),
        // 4
        spec(
            "INBOX",
            at((2026, 7, 15), (8, 45), 120),
            ("François Dupont", "francois@example.fr"),
            "Ça marche — déjà vu",
            latin1_qp("Bonjour,\n\nLe café est prêt à côté de la fenêtre. Ça marche très bien.\n\nFrançois\n"),
            "café est prêt",
        )
        .subject_q()
        .raw_from("=?ISO-8859-1?Q?Fran=E7ois?= Dupont <francois@example.fr>"),
        // 5
        spec(
            "INBOX",
            at((2026, 7, 20), (7, 0), 0),
            ("Reporting Bot", "reports@example.com"),
            "Quarterly report is ready",
            text_qp("html", "<!DOCTYPE html>\n<html><body>\n<h1>Q2 report</h1>\n<p>Revenue grew steadily this quarter.</p>\n<p><a href=\"https://example.com/report\">Open the full report</a></p>\n</body></html>\n"),
            "Revenue grew steadily",
        )
        .seen(),
        // 6
        spec(
            "INBOX",
            at((2026, 7, 23), (10, 5), -240),
            ("Bob Baker", "bob@example.com"),
            "Team lunch on Friday",
            multipart("alternative", "=_alt_6", vec![
                plain("Hi all,\n\nLet's meet at the Thai place at noon.\n\nBob\n"),
                text_qp("html", "<html><body><p>Hi all,</p><p>Let's meet at the Thai place at noon.</p><p>Bob</p></body></html>\n"),
            ]),
            "Thai place at noon",
        )
        .flagged(),
        // 7
        spec(
            "INBOX",
            at((2026, 8, 1), (6, 30), 60),
            ("Billing", "billing@example.net"),
            "Invoice 2026-0815",
            multipart("mixed", "=_mixed_7", vec![
                plain("Dear customer,\n\nPlease find the invoice for August attached.\n\nBilling team\n"),
                attachment("application/pdf", "invoice-2026-0815.pdf", PDF),
            ]),
            "invoice for August attached",
        )
        .seen()
        .with_attachment(),
        // 8
        spec(
            "INBOX",
            at((2026, 8, 3), (19, 12), -420),
            ("Carol Chen", "carol@example.org"),
            "Photo from the hike",
            multipart("mixed", "=_mixed_8", vec![
                multipart("alternative", "=_alt_8", vec![
                    plain("Here is the view from the summit. What a day!\n"),
                    text_qp("html", "<html><body><p>Here is the view from the summit. What a day!</p></body></html>\n"),
                ]),
                attachment("image/png", "summit.png", PNG),
            ]),
            "view from the summit",
        )
        .with_attachment(),
        // 9
        spec(
            "INBOX",
            at((2026, 8, 5), (9, 0), 0),
            ("Dave Ops", "dave@example.com"),
            "Fwd: Server maintenance window",
            multipart("mixed", "=_mixed_9", vec![
                plain("Forwarding the maintenance notice below.\n\nDave\n"),
                rfc822(maintenance_notice()),
            ]),
            "Forwarding the maintenance notice",
        )
        .seen()
        .with_attachment(),
        // 10
        spec(
            "INBOX",
            at((2026, 8, 12), (14, 20), 120),
            ("Eve Organizer", "eve@example.com"),
            "Planning the offsite",
            plain("Hello everyone,\n\nPlease send me your ideas for the offsite agenda by Friday.\nReplies go to the whole team list.\n\nEve\n"),
            "offsite agenda",
        )
        .to("Demo User <demo@example.test>, Frank Miller <frank@example.com>, Grace Hopper <grace@example.com>")
        .header("Cc: Heidi Klum <heidi@example.com>, ivan@example.com")
        .header("Reply-To: Offsite Team <offsite-team@example.com>"),
        // 11
        spec(
            "INBOX",
            at((2026, 8, 18), (16, 45), 0),
            ("Mallory Long", "mallory@example.net"),
            "Re: Re: Fwd: A very long subject line that keeps going and going to test how the message list truncates subjects that do not fit on one line",
            plain("Short body for a long subject: the subject is the point here.\n"),
            "the subject is the point",
        )
        .seen(),
        // 12
        spec(
            "INBOX",
            at((2026, 8, 25), (12, 0), 120),
            ("Lena Schäfer", "lena@example.de"),
            "Überraschung: Die längste Betreffzeile der Welt mit Umlauten äöü und noch viel mehr Text, damit sie umbricht",
            text_qp("plain", "Diese Nachricht hat einen sehr langen Betreff mit Umlauten.\n"),
            "sehr langen Betreff",
        )
        .subject_q(),
        // 13
        spec(
            "INBOX",
            at((2026, 9, 2), (20, 30), -300),
            ("Zoë Saldaña", "zoe@example.com"),
            "🎉 Party invitation",
            text_qp("plain", "You're invited to my birthday party on Saturday! 🎂🎈\nBring snacks.\n"),
            "invited to my birthday party",
        )
        .subject_b()
        .seen(),
        // 14
        spec(
            "INBOX",
            at((2026, 9, 7), (9, 10), 60),
            ("Nina Notes", "nina@example.org"),
            "Meeting notes",
            text_8bit("Notes from today's meeting:\n- a naïve café résumé is still a résumé\n- next steps are in the tracker\n"),
            "naïve café résumé",
        )
        .seen(),
        // 15
        spec(
            "INBOX",
            at((2026, 9, 14), (5, 0), 0),
            ("Example Newsletter", "news@example.org"),
            "Your weekly digest",
            multipart("alternative", "=_alt_15", vec![
                plain("This week: five tips for a tidy inbox.\n\nUnsubscribe: https://example.org/unsubscribe\n"),
                text_qp("html", "<html><body><h2>This week</h2><p>Five tips for a tidy inbox.</p><p><a href=\"https://example.org/unsubscribe\">Unsubscribe</a></p></body></html>\n"),
            ]),
            "tips for a tidy inbox",
        )
        .header("List-Unsubscribe: <https://example.org/unsubscribe>"),
        // 16
        spec(
            "INBOX",
            at((2026, 9, 18), (11, 11), 120),
            ("Grace Hopper", "grace@example.com"),
            "Re: Team lunch on Friday",
            plain("Count me in!\n\nOn Thu, 23 Jul 2026, Bob Baker wrote:\n> Let's meet at the Thai place at noon.\n"),
            "Count me in",
        )
        .header("In-Reply-To: <sample-06@webimap.test>")
        .header("References: <sample-06@webimap.test>"),
        // 17
        spec(
            "INBOX",
            at((2026, 9, 25), (3, 33), 0),
            ("Account Security", "no-reply@example.com"),
            "Security alert: new sign-in",
            plain("We noticed a new sign-in to your account from a new device.\nIf this was you, no action is needed.\n"),
            "new sign-in to your account",
        )
        .seen(),
        // 18
        spec(
            "INBOX",
            at((2026, 10, 3), (15, 40), 180),
            ("Иван Петров", "ivan@example.ru"),
            "Привет из Москвы",
            text_base64("Привет! Как дела? В Москве уже холодно.\n"),
            "Как дела",
        )
        .subject_q(),
        // 19
        spec(
            "INBOX",
            at((2026, 10, 10), (22, 5), 0),
            ("Unknown Sender", "someone@example.net"),
            "",
            plain("This is a message without a subject line.\n"),
            "message without a subject",
        )
        .seen(),
        // 20
        spec(
            "INBOX",
            at((2026, 10, 17), (13, 0), 120),
            ("Oscar Workshop", "oscar@example.com"),
            "Notes from the workshop",
            multipart("mixed", "=_mixed_20", vec![
                plain("The workshop notes are attached as a text file.\n"),
                text_attachment("workshop-notes.txt", "1. Introductions\n2. Demos\n3. Open questions\n"),
            ]),
            "workshop notes are attached",
        )
        .seen()
        .flagged()
        .with_attachment(),
        // 21
        spec(
            "INBOX",
            at((2026, 11, 2), (8, 0), 60),
            ("Dental Clinic", "appointments@example.com"),
            "Reminder: dentist appointment",
            plain("This is a reminder of your appointment on Monday at 10:30.\n"),
            "appointment on Monday",
        ),
        // 22
        spec(
            "INBOX",
            at((2026, 11, 20), (7, 45), 120),
            ("Ελένη Παπαδοπούλου", "eleni@example.gr"),
            "Καλημέρα από την Αθήνα",
            text_qp("plain", "Καλημέρα! Ο καιρός στην Αθήνα είναι υπέροχος.\n"),
            "Ο καιρός στην Αθήνα",
        )
        .subject_b(),
        // 23
        spec(
            "Archive",
            at((2026, 6, 2), (10, 0), 0),
            ("Example Air", "bookings@example.com"),
            "Flight booking confirmation",
            plain("Your flight EX123 from Berlin to Lisbon on 14 June is confirmed.\n"),
            "flight EX123 from Berlin to Lisbon",
        )
        .seen(),
        // 24
        spec(
            "Archive",
            at((2026, 6, 10), (9, 30), 120),
            alice,
            "Old project kickoff",
            multipart("alternative", "=_alt_24", vec![
                plain("Kickoff meeting minutes: scope agreed, budget approved.\n"),
                text_qp("html", "<html><body><p>Kickoff meeting minutes: scope agreed, budget approved.</p></body></html>\n"),
            ]),
            "scope agreed, budget approved",
        )
        .seen()
        .flagged(),
        // 25
        spec(
            "Archive",
            at((2026, 6, 21), (17, 15), 0),
            ("Example Shop", "orders@example.com"),
            "Receipt for your order #1042",
            multipart("mixed", "=_mixed_25", vec![
                plain("Thank you for your order #1042. Your receipt is attached.\n"),
                attachment("application/pdf", "receipt-1042.pdf", PDF),
            ]),
            "Thank you for your order",
        )
        .seen()
        .with_attachment(),
        // 26
        spec(
            "Sent",
            at((2026, 8, 13), (9, 0), 120),
            (DEMO_NAME, DEMO_ADDR),
            "Re: Planning the offsite",
            plain("Hi Eve,\n\nI suggest a hike in the morning and workshops after lunch.\n\nDemo\n"),
            "hike in the morning",
        )
        .to("Offsite Team <offsite-team@example.com>")
        .header("In-Reply-To: <sample-10@webimap.test>")
        .seen(),
        // 27
        spec(
            "Sent",
            at((2026, 9, 20), (14, 0), 120),
            (DEMO_NAME, DEMO_ADDR),
            "Draft proposal",
            multipart("mixed", "=_mixed_27", vec![
                plain("Hi Alice,\n\nAttached is my draft proposal for the next quarter.\n"),
                attachment("application/pdf", "proposal.pdf", PDF),
            ]),
            "draft proposal for the next quarter",
        )
        .to("Alice Example <alice@example.com>")
        .seen()
        .with_attachment(),
        // 28
        spec(
            "Sent",
            at((2026, 10, 5), (19, 0), 120),
            (DEMO_NAME, DEMO_ADDR),
            "Grüße zurück",
            text_qp("plain", "Hallo Jürgen,\n\nherzliche Grüße zurück aus Berlin!\n"),
            "herzliche Grüße zurück",
        )
        .to("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>")
        .subject_b()
        .seen(),
        // 29
        spec(
            "Work",
            at((2026, 10, 12), (9, 0), 120),
            ("Priya Scrum", "priya@example.com"),
            "Sprint planning",
            plain("Sprint 42 planning is on Tuesday. Please groom your tickets.\n"),
            "groom your tickets",
        )
        .seen(),
        // 30
        spec(
            "Work",
            at((2026, 10, 28), (16, 20), 60),
            ("Quentin Reviewer", "quentin@example.com"),
            "Code review: parser rewrite",
            plain("I left comments on the parser rewrite. The streaming part looks good.\n"),
            "streaming part looks good",
        )
        .flagged(),
        // 31
        spec(
            "Work/Projects",
            at((2026, 9, 30), (10, 10), 120),
            ("Rita Lead", "rita@example.com"),
            "Project Falcon status",
            plain("Falcon is on track for the November milestone.\n"),
            "on track for the November milestone",
        )
        .seen(),
        // 32
        spec(
            "Work/Projects",
            at((2026, 11, 6), (11, 0), 120),
            ("Rita Lead", "rita@example.com"),
            "Falcon design doc v2",
            multipart("mixed", "=_mixed_32", vec![
                plain("Version 2 of the design document is attached for review.\n"),
                attachment("application/pdf", "falcon-design-v2.pdf", PDF),
            ]),
            "design document is attached",
        )
        .with_attachment(),
        // 33
        spec(
            "Trash",
            at((2026, 8, 29), (6, 0), 0),
            ("Example Newsletter", "news@example.org"),
            "Your weekly digest (old)",
            plain("Last month's digest. Nothing to see here.\n"),
            "Nothing to see here",
        )
        .seen(),
        // 34
        spec(
            "Junk",
            at((2026, 11, 11), (2, 22), 0),
            ("Prize Department", "winner@spam.example"),
            "You have WON a prize!!!",
            text_qp("html", "<html><body><p>Click here to claim your prize now!</p></body></html>\n"),
            "claim your prize now",
        ),
        // 35
        spec(
            "Drafts",
            at((2026, 11, 19), (21, 0), 60),
            (DEMO_NAME, DEMO_ADDR),
            "Unfinished thoughts",
            plain("Some ideas I want to write down before I forget them.\n"),
            "ideas I want to write down",
        )
        .to("Bob Baker <bob@example.com>")
        .seen(),
    ]
}
