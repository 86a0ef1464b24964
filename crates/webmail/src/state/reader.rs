//! The open message: which one, its content, and how it is shown. Its answers (the
//! message, its inline images) carry the [`Ticket`] of the opening; answers for a message
//! closed or replaced since are dropped.

use std::collections::BTreeMap;

use webimap_client::model::MessageContent;

use super::{error::UiError, loadable::Loadable, request::Ticket};

/// Which body of a message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum BodyView {
    /// The HTML part (sanitised, sandboxed), when there is one.
    #[default]
    Html,
    /// The plain text.
    Text,
}

/// Per-message reading choices; reset when another message opens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Reading {
    /// HTML or text.
    pub(crate) view: BodyView,
    /// The message (UID) the user allowed remote images, CSS and fonts for: only that
    /// one, even if this state outlives it.
    pub(crate) remote_allowed: Option<u32>,
    /// Inline (`cid:`) images fetched so far: Content-ID → `data:` URL.
    pub(crate) inline_images: BTreeMap<String, String>,
}

/// The reading pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Reader {
    /// The UID of the open message (in the selected folder).
    pub(crate) open: Option<u32>,
    /// The ticket of its opening.
    pub(crate) ticket: Ticket,
    /// The open message.
    pub(crate) message: Loadable<MessageContent>,
    /// How it is shown.
    pub(crate) reading: Reading,
}

/// What happens in the reading pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReaderAction {
    /// The user opened a message: it is loading.
    Opened {
        /// Its UID.
        uid: u32,
        /// The ticket of this opening.
        ticket: Ticket,
    },
    /// The message arrived (or failed).
    Loaded {
        /// The opening.
        ticket: Ticket,
        /// The message (boxed: it is large).
        result: Result<Box<MessageContent>, UiError>,
    },
    /// An inline image arrived.
    InlineImageLoaded {
        /// The opening.
        ticket: Ticket,
        /// Its Content-ID.
        content_id: String,
        /// A `data:` URL.
        url: String,
    },
    /// The message was closed (back to the list).
    Closed,
    /// HTML or text.
    BodyViewChanged(BodyView),
    /// The user allowed remote content for message `uid`.
    RemoteAllowed(u32),
}

impl Reader {
    /// Applies `action`; `false` if it was stale.
    pub(crate) fn apply(&mut self, action: ReaderAction) -> bool {
        match action {
            ReaderAction::Opened { uid, ticket } => {
                if self.open != Some(uid) {
                    self.reading = Reading::default();
                }
                self.open = Some(uid);
                self.ticket = ticket;
                self.message = Loadable::Loading;
            }
            ReaderAction::Loaded { ticket, result } => {
                if ticket != self.ticket || self.open.is_none() {
                    return false;
                }
                self.message = Loadable::from_result(result.map(|m| *m));
            }
            ReaderAction::InlineImageLoaded {
                ticket,
                content_id,
                url,
            } => {
                if ticket != self.ticket || self.open.is_none() {
                    return false;
                }
                self.reading.inline_images.insert(content_id, url);
            }
            ReaderAction::Closed => *self = Reader::default(),
            ReaderAction::BodyViewChanged(view) => self.reading.view = view,
            ReaderAction::RemoteAllowed(uid) => {
                if self.open != Some(uid) {
                    return false;
                }
                self.reading.remote_allowed = Some(uid);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(uid: u32, ticket: u64) -> ReaderAction {
        ReaderAction::Opened {
            uid,
            ticket: Ticket::new(ticket),
        }
    }

    fn loaded(uid: u32, ticket: u64) -> ReaderAction {
        let mut content = MessageContent::default();
        content.summary.uid = uid;
        ReaderAction::Loaded {
            ticket: Ticket::new(ticket),
            result: Ok(Box::new(content)),
        }
    }

    #[test]
    fn only_the_latest_opening_is_shown() {
        let mut r = Reader::default();
        assert!(r.apply(opened(4, 1)));
        assert!(r.apply(opened(5, 2)));
        // The answer for the first opening is late: dropped.
        assert!(!r.apply(loaded(4, 1)));
        assert_eq!(r.message, Loadable::Loading);
        assert!(r.apply(loaded(5, 2)));
        assert_eq!(r.message.ready().map(|m| m.summary.uid), Some(5));
        // Closed: nothing is for it any more, not even its images.
        r.apply(ReaderAction::Closed);
        let image = ReaderAction::InlineImageLoaded {
            ticket: Ticket::new(2),
            content_id: "a".into(),
            url: "data:".into(),
        };
        assert!(!r.apply(image));
        assert_eq!(r, Reader::default());
    }

    #[test]
    fn reading_choices_belong_to_one_message() {
        let mut r = Reader::default();
        r.apply(opened(2, 1));
        assert!(r.apply(ReaderAction::RemoteAllowed(2)));
        assert!(!r.apply(ReaderAction::RemoteAllowed(3)));
        assert_eq!(r.reading.remote_allowed, Some(2));
        // The same message opened again keeps them; another one starts afresh.
        r.apply(opened(2, 2));
        assert_eq!(r.reading.remote_allowed, Some(2));
        r.apply(opened(3, 3));
        assert_eq!(r.reading.remote_allowed, None);
    }
}
