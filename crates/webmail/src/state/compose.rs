//! The messages being written: several composes open at once (each minimisable), their
//! fields, whether each is saved as a draft, and the steps of sending one (waiting out
//! the undo delay, sending, failed with everything kept).

use std::{fmt, rc::Rc};

use webimap_client::compose::{Attachment, Body, Draft, Mailbox};
pub(crate) use webimap_client::outgoing::{Answering, MessageRef};
use yew::Reducible;

use super::request::Ticket;

/// A recipient field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// To.
    To,
    /// Cc.
    Cc,
    /// Bcc.
    Bcc,
}

impl Field {
    /// The three, in order.
    pub(crate) const ALL: [Field; 3] = [Field::To, Field::Cc, Field::Bcc];

    /// The field's label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
        }
    }
}

/// A file attached: its bytes shared, compared by identity (not by content).
#[derive(Clone)]
pub(crate) struct AttachedFile {
    /// The file name.
    pub(crate) name: String,
    /// Its type (`application/octet-stream` when the browser did not know).
    pub(crate) mime_type: String,
    /// Its bytes.
    pub(crate) data: Rc<Vec<u8>>,
}

impl PartialEq for AttachedFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.mime_type == other.mime_type
            && Rc::ptr_eq(&self.data, &other.data)
    }
}

impl Eq for AttachedFile {}

impl fmt::Debug for AttachedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachedFile")
            .field("name", &self.name)
            .field("mime_type", &self.mime_type)
            .field("size", &self.data.len())
            .finish()
    }
}

/// Where a compose stands on its way out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Stage {
    /// Being written.
    #[default]
    Editing,
    /// "Send" was pressed: waiting out the undo delay (nothing has left yet).
    Waiting {
        /// The timer's ticket: a timer for an undone send does nothing.
        ticket: Ticket,
        /// How long the wait is.
        seconds: u32,
    },
    /// Handed to the outgoing server: `sent` of `total` bytes have left (0 of 0 until
    /// the upload starts).
    Sending {
        /// Bytes that have left.
        sent: u64,
        /// The message's size.
        total: u64,
    },
}

impl Stage {
    /// How far the upload is, in whole percent, once it has started.
    pub(crate) fn percent(&self) -> Option<u64> {
        match self {
            Stage::Sending { sent, total } if *total > 0 => Some(sent.min(total) * 100 / total),
            _ => None,
        }
    }
}

/// One message being written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Compose {
    /// Tells composes apart (handed out by [`Composes`]).
    pub(crate) id: u32,
    /// Names its copy in this browser's storage (unique across page loads).
    pub(crate) key: String,
    /// The sender.
    pub(crate) from: Mailbox,
    /// To.
    pub(crate) to: Vec<Mailbox>,
    /// Cc.
    pub(crate) cc: Vec<Mailbox>,
    /// Bcc.
    pub(crate) bcc: Vec<Mailbox>,
    /// Subject.
    pub(crate) subject: String,
    /// The text (plain mode).
    pub(crate) text: String,
    /// The HTML, in rich-text mode (as last read from the editor).
    pub(crate) html: Option<String>,
    /// Files attached.
    pub(crate) attachments: Vec<AttachedFile>,
    /// The Message-ID replied to.
    pub(crate) in_reply_to: Option<String>,
    /// The thread's Message-IDs.
    pub(crate) references: Vec<String>,
    /// What it answers.
    pub(crate) answering: Option<Answering>,
    /// Its draft on the server, once saved (or the draft it was opened from).
    pub(crate) draft: Option<MessageRef>,
    /// Counts changes; a draft save records the count it saved.
    pub(crate) revision: u64,
    /// The revision the server has as a draft.
    pub(crate) saved: u64,
    /// When the oldest change the server lacks was made (ms since the epoch).
    pub(crate) unsaved_since: Option<u64>,
    /// Where it stands on its way out.
    pub(crate) stage: Stage,
    /// Why the last send (or attaching) failed, in words.
    pub(crate) error: Option<String>,
    /// Shown as a bar only.
    pub(crate) minimised: bool,
}

impl Compose {
    /// A compose holding `draft` (a reply, a forward, a draft reopened or a new one).
    pub(crate) fn from_draft(key: String, draft: Draft) -> Self {
        let (text, html) = match draft.body {
            Body::Text { text } => (text, None),
            Body::Html { html, .. } => (String::new(), Some(html)),
        };
        Compose {
            key,
            from: draft.from,
            to: draft.to,
            cc: draft.cc,
            bcc: draft.bcc,
            subject: draft.subject,
            text,
            html,
            attachments: draft
                .attachments
                .into_iter()
                .map(|a| AttachedFile {
                    name: a.name,
                    mime_type: a.mime_type,
                    data: Rc::new(a.data),
                })
                .collect(),
            in_reply_to: draft.in_reply_to,
            references: draft.references,
            ..Compose::default()
        }
    }

    /// The draft to build (attachments' bytes copied).
    pub(crate) fn draft(&self) -> Draft {
        let body = match &self.html {
            Some(html) => Body::Html {
                html: html.clone(),
                inline_images: Vec::new(),
            },
            None => Body::text(self.text.clone()),
        };
        Draft {
            from: self.from.clone(),
            to: self.to.clone(),
            cc: self.cc.clone(),
            bcc: self.bcc.clone(),
            subject: self.subject.clone(),
            body,
            attachments: self
                .attachments
                .iter()
                .map(|a| Attachment {
                    name: a.name.clone(),
                    mime_type: a.mime_type.clone(),
                    data: (*a.data).clone(),
                })
                .collect(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
        }
    }

    /// The recipients of `field`.
    pub(crate) fn recipients(&self, field: Field) -> &[Mailbox] {
        match field {
            Field::To => &self.to,
            Field::Cc => &self.cc,
            Field::Bcc => &self.bcc,
        }
    }

    fn recipients_mut(&mut self, field: Field) -> &mut Vec<Mailbox> {
        match field {
            Field::To => &mut self.to,
            Field::Cc => &mut self.cc,
            Field::Bcc => &mut self.bcc,
        }
    }

    /// Whether the server lacks changes made here.
    pub(crate) fn is_unsaved(&self) -> bool {
        self.revision > self.saved
    }

    /// Whether anything was written at all (an untouched new compose is not a draft).
    pub(crate) fn is_blank(&self) -> bool {
        self.to.is_empty()
            && self.cc.is_empty()
            && self.bcc.is_empty()
            && self.subject.trim().is_empty()
            && self.text.trim().is_empty()
            && self.html.as_deref().is_none_or(|h| h.trim().is_empty())
            && self.attachments.is_empty()
    }

    /// Why it cannot be sent as it is, in words; `None` when it can.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            return Some("Add at least one recipient.".into());
        }
        if self.from.validate().is_err() {
            return Some(
                "Your address is not set: add it under Settings, Identities, then send again."
                    .into(),
            );
        }
        None
    }

    /// How the compose is called in its bar: its subject, else "New message".
    pub(crate) fn title(&self) -> &str {
        match self.subject.trim() {
            "" => "New message",
            subject => subject,
        }
    }
}

/// A change made in a compose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// The sender chosen.
    From(Mailbox),
    /// A recipient added to a field (unless already there).
    Added(Field, Mailbox),
    /// A recipient removed from a field.
    Removed(Field, usize),
    /// The subject typed.
    Subject(String),
    /// The plain text typed.
    Text(String),
    /// The rich-text editor's HTML changed.
    Html(String),
    /// Switched between plain text (`None`) and rich text (the HTML to start from).
    Mode(Option<String>),
    /// A file attached.
    Attached(AttachedFile),
    /// An attachment removed.
    Detached(usize),
}

/// Every compose open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Composes {
    /// Open composes, oldest first.
    pub(crate) list: Vec<Compose>,
    /// The id the next one gets.
    next_id: u32,
}

impl Composes {
    /// The compose with `id`.
    pub(crate) fn get(&self, id: u32) -> Option<&Compose> {
        self.list.iter().find(|c| c.id == id)
    }

    /// Whether some compose has changes the server lacks (the page should not close).
    pub(crate) fn has_unsaved(&self) -> bool {
        self.list
            .iter()
            .any(|c| (c.is_unsaved() && !c.is_blank()) || c.stage != Stage::Editing)
    }
}

/// What happens to the composes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ComposeAction {
    /// A compose opens (its id is set here; the others are minimised).
    Opened(Box<Compose>),
    /// A field changed.
    Edited(u32, Edit),
    /// Minimised or restored (restoring minimises the others).
    Minimised(u32, bool),
    /// Closed (its draft stays on the server).
    Closed(u32),
    /// "Send" pressed: wait `seconds` (the undo delay) under `ticket`.
    SendAsked {
        /// Which.
        id: u32,
        /// The timer's ticket.
        ticket: Ticket,
        /// The delay.
        seconds: u32,
    },
    /// "Undo" pressed while waiting: back to editing.
    SendUndone(u32),
    /// The delay is over: sending (only if still waiting under `ticket`).
    SendStarted {
        /// Which.
        id: u32,
        /// The timer's ticket.
        ticket: Ticket,
    },
    /// The upload went on: `sent` of `total` bytes have left (only while sending).
    Progressed {
        /// Which.
        id: u32,
        /// Bytes that have left.
        sent: u64,
        /// The message's size.
        total: u64,
    },
    /// Sending (or preparing it) failed: back to editing with the reason.
    Failed(u32, String),
    /// Sent: the compose goes.
    Sent(u32),
    /// Revision `revision` was saved on the server as `draft`.
    DraftSaved {
        /// Which.
        id: u32,
        /// The revision saved.
        revision: u64,
        /// Where.
        draft: MessageRef,
    },
    /// A change was made at `now` (ms since the epoch): the clock of the autosave.
    Touched {
        /// Which.
        id: u32,
        /// When.
        now: u64,
    },
}

impl Reducible for Composes {
    type Action = ComposeAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if !next.apply(action) {
            return self;
        }
        Rc::new(next)
    }
}

impl Composes {
    /// Applies `action`; `false` when it changes nothing.
    fn apply(&mut self, action: ComposeAction) -> bool {
        if let ComposeAction::Opened(compose) = action {
            let mut compose = *compose;
            compose.id = self.next_id;
            self.next_id += 1;
            compose.minimised = false;
            for other in &mut self.list {
                other.minimised = true;
            }
            self.list.push(compose);
            return true;
        }
        let id = match &action {
            ComposeAction::Edited(id, _)
            | ComposeAction::Minimised(id, _)
            | ComposeAction::Closed(id)
            | ComposeAction::SendUndone(id)
            | ComposeAction::Failed(id, _)
            | ComposeAction::Sent(id)
            | ComposeAction::SendAsked { id, .. }
            | ComposeAction::SendStarted { id, .. }
            | ComposeAction::Progressed { id, .. }
            | ComposeAction::DraftSaved { id, .. }
            | ComposeAction::Touched { id, .. } => *id,
            ComposeAction::Opened(_) => return false,
        };
        let Some(index) = self.list.iter().position(|c| c.id == id) else {
            return false;
        };
        if let ComposeAction::Minimised(_, false) = action {
            for other in &mut self.list {
                other.minimised = other.id != id;
            }
            return true;
        }
        if matches!(action, ComposeAction::Closed(_) | ComposeAction::Sent(_)) {
            self.list.remove(index);
            return true;
        }
        let compose = &mut self.list[index];
        match action {
            ComposeAction::Edited(_, edit) => {
                if compose.stage != Stage::Editing {
                    return false;
                }
                if !edit_compose(compose, edit) {
                    return false;
                }
                compose.revision += 1;
                compose.error = None;
            }
            ComposeAction::Minimised(_, on) => compose.minimised = on,
            ComposeAction::SendAsked {
                ticket, seconds, ..
            } => {
                if compose.stage != Stage::Editing {
                    return false;
                }
                if let Some(problem) = compose.problem() {
                    compose.error = Some(problem);
                    return true;
                }
                compose.error = None;
                compose.stage = Stage::Waiting { ticket, seconds };
            }
            ComposeAction::SendUndone(_) => {
                if !matches!(compose.stage, Stage::Waiting { .. }) {
                    return false;
                }
                compose.stage = Stage::Editing;
            }
            ComposeAction::SendStarted { ticket, .. } => match compose.stage {
                Stage::Waiting { ticket: t, .. } if t == ticket => {
                    compose.stage = Stage::Sending { sent: 0, total: 0 };
                }
                _ => return false,
            },
            ComposeAction::Progressed { sent, total, .. } => {
                if !matches!(compose.stage, Stage::Sending { .. }) {
                    return false;
                }
                compose.stage = Stage::Sending { sent, total };
            }
            ComposeAction::Failed(_, why) => {
                compose.stage = Stage::Editing;
                compose.error = Some(why);
                compose.minimised = false;
            }
            ComposeAction::DraftSaved {
                revision, draft, ..
            } => {
                compose.saved = compose.saved.max(revision);
                compose.draft = Some(draft);
                // The minute until the next forced save starts at the next change.
                compose.unsaved_since = None;
            }
            ComposeAction::Touched { now, .. } => {
                if compose.unsaved_since.is_some() {
                    return false;
                }
                compose.unsaved_since = Some(now);
            }
            ComposeAction::Opened(_) | ComposeAction::Closed(_) | ComposeAction::Sent(_) => {}
        }
        true
    }
}

/// Applies `edit`; `false` when it changes nothing.
fn edit_compose(compose: &mut Compose, edit: Edit) -> bool {
    match edit {
        Edit::From(from) => {
            if compose.from == from {
                return false;
            }
            compose.from = from;
        }
        Edit::Added(field, mailbox) => {
            let list = compose.recipients_mut(field);
            if list.iter().any(|m| m.same_address(&mailbox.address)) {
                return false;
            }
            list.push(mailbox);
        }
        Edit::Removed(field, index) => {
            let list = compose.recipients_mut(field);
            if index >= list.len() {
                return false;
            }
            list.remove(index);
        }
        Edit::Subject(subject) => compose.subject = subject,
        Edit::Text(text) => compose.text = text,
        Edit::Html(html) => compose.html = Some(html),
        Edit::Mode(html) => compose.html = html,
        Edit::Attached(file) => compose.attachments.push(file),
        Edit::Detached(index) => {
            if index >= compose.attachments.len() {
                return false;
            }
            compose.attachments.remove(index);
        }
    }
    true
}

/// Whether the autosave should save `compose` now, `now` ms since the epoch: changes the
/// server lacks, not on its way out, and either typing stopped (`quiet`: no change for a
/// few seconds) or the oldest unsaved change is a minute old.
pub(crate) fn due_for_save(compose: &Compose, quiet: bool, now: u64) -> bool {
    const MAX_UNSAVED_MS: u64 = 60_000;
    compose.is_unsaved()
        && !compose.is_blank()
        && compose.stage == Stage::Editing
        && (quiet
            || compose
                .unsaved_since
                .is_some_and(|t| now.saturating_sub(t) >= MAX_UNSAVED_MS))
}

#[cfg(test)]
mod tests {
    use webimap_client::proto::types::mailbox::MailboxName;

    use super::*;

    fn run(actions: Vec<ComposeAction>) -> Rc<Composes> {
        actions
            .into_iter()
            .fold(Rc::new(Composes::default()), Reducible::reduce)
    }

    fn me() -> Mailbox {
        Mailbox::new(Some("Me"), "me@a.test")
    }

    fn new_compose() -> Compose {
        Compose {
            from: me(),
            ..Compose::default()
        }
    }

    fn edit(id: u32, edit: Edit) -> ComposeAction {
        ComposeAction::Edited(id, edit)
    }

    #[test]
    fn several_open_and_one_is_in_front() {
        let s = run(vec![
            ComposeAction::Opened(Box::new(new_compose())),
            ComposeAction::Opened(Box::new(new_compose())),
        ]);
        assert_eq!(s.list.iter().map(|c| c.id).collect::<Vec<_>>(), [0, 1]);
        assert!(s.list[0].minimised && !s.list[1].minimised);
        let s = s.reduce(ComposeAction::Minimised(0, false));
        assert!(!s.list[0].minimised && s.list[1].minimised);
        let s = s.reduce(ComposeAction::Closed(0));
        assert_eq!(s.list.len(), 1);
        assert_eq!(s.get(1).map(|c| c.id), Some(1));
    }

    #[test]
    fn edits_count_as_changes_and_recipients_are_kept_once() {
        let s = run(vec![
            ComposeAction::Opened(Box::new(new_compose())),
            edit(0, Edit::Added(Field::To, Mailbox::new(None, "b@b.test"))),
            edit(0, Edit::Added(Field::To, Mailbox::new(None, "B@B.test"))),
            edit(0, Edit::Added(Field::Bcc, Mailbox::new(None, "c@c.test"))),
            edit(0, Edit::Subject("Hi".into())),
            edit(0, Edit::Removed(Field::Cc, 3)),
        ]);
        let c = s.get(0).unwrap();
        assert_eq!(c.to, vec![Mailbox::new(None, "b@b.test")]);
        assert_eq!(c.recipients(Field::Bcc).len(), 1);
        assert_eq!(
            c.revision, 3,
            "a duplicate or an out-of-range removal is no change"
        );
        assert!(c.is_unsaved() && !c.is_blank());
        let draft = c.draft();
        assert_eq!(draft.subject, "Hi");
        assert_eq!(draft.from, me());
        assert_eq!(draft.bcc, vec![Mailbox::new(None, "c@c.test")]);
    }

    #[test]
    fn sending_waits_for_undo_and_a_failure_keeps_everything() {
        let ticket = Ticket::new(7);
        let ready = vec![
            ComposeAction::Opened(Box::new(new_compose())),
            edit(0, Edit::Added(Field::To, Mailbox::new(None, "b@b.test"))),
            edit(0, Edit::Text("Body".into())),
            ComposeAction::SendAsked {
                id: 0,
                ticket,
                seconds: 5,
            },
        ];
        let s = run(ready.clone());
        assert_eq!(
            s.get(0).unwrap().stage,
            Stage::Waiting { ticket, seconds: 5 }
        );
        assert!(
            s.has_unsaved(),
            "a message waiting to go keeps the page open"
        );
        // Typing while waiting changes nothing; undo returns to editing, and the old
        // timer then starts nothing.
        let s = s.reduce(edit(0, Edit::Text("changed".into())));
        assert_eq!(s.get(0).unwrap().text, "Body");
        let undone = s.clone().reduce(ComposeAction::SendUndone(0));
        assert_eq!(undone.get(0).unwrap().stage, Stage::Editing);
        let undone = undone.reduce(ComposeAction::SendStarted { id: 0, ticket });
        assert_eq!(undone.get(0).unwrap().stage, Stage::Editing);
        // Not undone: sending, then failing keeps the text and says why.
        let s = s.reduce(ComposeAction::SendStarted { id: 0, ticket });
        assert_eq!(s.get(0).unwrap().stage.percent(), None, "not uploading yet");
        let s = s.reduce(ComposeAction::Progressed {
            id: 0,
            sent: 512,
            total: 2048,
        });
        assert_eq!(s.get(0).unwrap().stage.percent(), Some(25));
        let s = s.reduce(ComposeAction::Failed(0, "Wrong password".into()));
        let c = s.get(0).unwrap();
        assert_eq!(
            (c.stage.clone(), c.error.as_deref(), c.text.as_str()),
            (Stage::Editing, Some("Wrong password"), "Body")
        );
        // Sent: gone.
        let s = run(ready).reduce(ComposeAction::Sent(0));
        assert!(s.list.is_empty());
    }

    #[test]
    fn nothing_leaves_without_a_recipient_or_an_address() {
        let ask = ComposeAction::SendAsked {
            id: 0,
            ticket: Ticket::new(1),
            seconds: 5,
        };
        let s = run(vec![
            ComposeAction::Opened(Box::new(new_compose())),
            ask.clone(),
        ]);
        let c = s.get(0).unwrap();
        assert_eq!(c.stage, Stage::Editing);
        assert!(c.error.as_deref().unwrap().contains("recipient"));
        let s = run(vec![
            ComposeAction::Opened(Box::default()),
            edit(0, Edit::Added(Field::To, Mailbox::new(None, "b@b.test"))),
            ask,
        ]);
        assert!(
            s.get(0)
                .unwrap()
                .error
                .as_deref()
                .unwrap()
                .contains("Identities")
        );
    }

    #[test]
    fn drafts_are_saved_by_revision() {
        let draft = MessageRef {
            folder: MailboxName::from_display("Drafts").unwrap(),
            uid_validity: 1,
            uid: 9,
        };
        let s = run(vec![
            ComposeAction::Opened(Box::new(new_compose())),
            edit(0, Edit::Subject("a".into())),
            ComposeAction::Touched { id: 0, now: 1000 },
            edit(0, Edit::Subject("ab".into())),
            ComposeAction::Touched { id: 0, now: 2000 },
        ]);
        let c = s.get(0).unwrap();
        assert_eq!(c.unsaved_since, Some(1000), "the oldest unsaved change");
        assert!(!due_for_save(c, false, 30_000));
        assert!(due_for_save(c, true, 30_000), "typing stopped");
        assert!(due_for_save(c, false, 61_000), "a minute unsaved");
        // Revision 1 saved while 2 was typed: still unsaved.
        let s = s.reduce(ComposeAction::DraftSaved {
            id: 0,
            revision: 1,
            draft: draft.clone(),
        });
        let c = s.get(0).unwrap();
        assert!(c.is_unsaved());
        assert_eq!(c.draft.as_ref(), Some(&draft));
        assert_eq!(
            c.unsaved_since, None,
            "the next change starts the next minute"
        );
        let s = s.reduce(ComposeAction::Touched { id: 0, now: 62_000 });
        assert!(!due_for_save(s.get(0).unwrap(), false, 90_000));
        let s = s.reduce(ComposeAction::DraftSaved {
            id: 0,
            revision: 2,
            draft,
        });
        let c = s.get(0).unwrap();
        assert!(!c.is_unsaved() && c.unsaved_since.is_none());
        assert!(!s.has_unsaved());
        assert!(!due_for_save(c, true, 0));
        // An untouched new compose is no draft.
        let blank = new_compose();
        assert!(blank.is_blank());
        assert!(!due_for_save(
            &Compose {
                revision: 1,
                ..blank
            },
            true,
            0
        ));
    }

    #[test]
    fn a_draft_round_trips_through_a_compose() {
        let draft = Draft {
            from: me(),
            to: vec![Mailbox::new(None, "b@b.test")],
            subject: "Re: x".into(),
            body: Body::Html {
                html: "<p>hi</p>".into(),
                inline_images: vec![],
            },
            attachments: vec![Attachment {
                name: "a.txt".into(),
                mime_type: "text/plain".into(),
                data: b"abc".to_vec(),
            }],
            in_reply_to: Some("id@x".into()),
            references: vec!["id@x".into()],
            ..Draft::default()
        };
        let compose = Compose::from_draft("k".into(), draft.clone());
        assert_eq!(compose.html.as_deref(), Some("<p>hi</p>"));
        assert_eq!(compose.draft(), draft);
        assert_eq!(compose.title(), "Re: x");
        assert_eq!(Compose::default().title(), "New message");
    }
}
