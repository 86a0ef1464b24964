//! Where the user is — the folder, the open message, the search text — and how the
//! view and the page's address are kept in agreement ([`Agreement`]): the address wins
//! when it changed (Back, Forward, a link, a reload), the view wins when it changed on its
//! own (a folder opened at start, an open message deleted, a search typed); the address
//! the app wrote itself coming back is not a change of the user's.

use webimap_client::proto::types::mailbox::MailboxName;

/// A place in the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Place {
    /// The folder (`None`: the one opened first, INBOX).
    pub(crate) folder: Option<MailboxName>,
    /// The open message's UID.
    pub(crate) message: Option<u32>,
    /// The search text.
    pub(crate) query: String,
}

/// What keeps the view and the address in agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sync {
    /// They agree, or nothing changed.
    Nothing,
    /// The address changed: show its place.
    Show(Place),
    /// The view changed: the address becomes its place (replacing the entry, so Back
    /// goes where the user was before).
    Address(Place),
}

/// What was compared last, to tell which side moved since.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Agreement {
    /// The address's place and the view's, when last compared (`None` at first).
    last: Option<(Place, Place)>,
    /// The place last written to the address: its echo is not a move of the user's.
    written: Option<Place>,
}

impl Agreement {
    /// What to do, given the address's place and the view's now.
    pub(crate) fn sync(&mut self, address: &Place, view: &Place) -> Sync {
        let last = self.last.replace((address.clone(), view.clone()));
        let echo = self.written.take_if(|w| w == address).is_some();
        let address_moved = last.as_ref().is_none_or(|(a, _)| a != address) && !echo;
        let view_moved = last.as_ref().is_some_and(|(_, v)| v != view);
        if address_moved {
            self.written = None;
            if address.shown_as(view) {
                return Sync::Nothing;
            }
            return Sync::Show(address.clone());
        }
        if (view_moved || echo) && !address.shown_as(view) && view.folder.is_some() {
            self.written = Some(view.clone());
            return Sync::Address(view.clone());
        }
        Sync::Nothing
    }
}

impl Place {
    /// Whether the view `view` shows this place. A place without a folder asks for the
    /// first folder: INBOX shows it (else the view's own folder goes to the address).
    fn shown_as(&self, view: &Place) -> bool {
        match &self.folder {
            None => {
                view.folder == Some(MailboxName::inbox())
                    && view.message.is_none()
                    && view.query == self.query
            }
            Some(_) => self == view,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(folder: Option<&str>, message: Option<u32>, query: &str) -> Place {
        Place {
            folder: folder.map(|f| MailboxName::from_display(f).unwrap()),
            message,
            query: query.into(),
        }
    }

    /// An agreement that last compared `address` and `view`.
    fn after(address: &Place, view: &Place) -> Agreement {
        Agreement {
            last: Some((address.clone(), view.clone())),
            written: None,
        }
    }

    #[test]
    fn the_address_wins_when_it_moved() {
        let home = at(None, None, "");
        let inbox = at(Some("INBOX"), None, "");
        let message = at(Some("Work"), Some(5), "");
        // At start: show what the address says (a shared link, a reload).
        assert_eq!(
            Agreement::default().sync(&message, &Place::default()),
            Sync::Show(message.clone())
        );
        assert_eq!(
            Agreement::default().sync(&home, &Place::default()),
            Sync::Show(home.clone())
        );
        // Back from a message to its folder.
        let folder = at(Some("Work"), None, "");
        let mut agreement = after(&message, &message);
        assert_eq!(
            agreement.sync(&folder, &message),
            Sync::Show(folder.clone())
        );
        // Shown now: nothing more to do.
        assert_eq!(agreement.sync(&folder, &folder), Sync::Nothing);
        // INBOX opened for an address without a folder: it shows that address; another
        // first folder (a server whose INBOX cannot be opened) goes to the address.
        assert_eq!(
            after(&home, &Place::default()).sync(&home, &inbox),
            Sync::Nothing
        );
        let child = at(Some("Parent/Child"), None, "");
        assert_eq!(
            after(&home, &Place::default()).sync(&home, &child),
            Sync::Address(child.clone())
        );
    }

    #[test]
    fn the_echo_of_a_written_address_does_not_undo_typing() {
        let empty = at(Some("INBOX"), None, "");
        let w = at(Some("INBOX"), None, "w");
        let we = at(Some("INBOX"), None, "we");
        let mut agreement = after(&empty, &empty);
        assert_eq!(agreement.sync(&empty, &w), Sync::Address(w.clone()));
        // The address becomes "w" while the view is at "we" already.
        assert_eq!(agreement.sync(&w, &we), Sync::Address(we.clone()));
        assert_eq!(agreement.sync(&we, &we), Sync::Nothing);
        // Then the user goes Back: that is theirs.
        assert_eq!(agreement.sync(&empty, &we), Sync::Show(empty.clone()));
    }

    #[test]
    fn the_view_wins_when_it_moved_alone() {
        let reading = at(Some("INBOX"), Some(3), "");
        let searching = at(Some("INBOX"), None, "lunch");
        // The open message was deleted: the address drops it.
        let closed = at(Some("INBOX"), None, "");
        let mut agreement = after(&reading, &reading);
        assert_eq!(
            agreement.sync(&reading, &closed),
            Sync::Address(closed.clone())
        );
        let mut agreement = after(&closed, &closed);
        assert_eq!(
            agreement.sync(&closed, &searching),
            Sync::Address(searching.clone())
        );
        // Both moved (a click while the view changed): the address wins.
        let other = at(Some("INBOX"), Some(9), "");
        let mut agreement = after(&closed, &closed);
        assert_eq!(
            agreement.sync(&other, &searching),
            Sync::Show(other.clone())
        );
        // Nothing moved.
        let mut agreement = after(&closed, &closed);
        assert_eq!(agreement.sync(&closed, &closed), Sync::Nothing);
    }
}
