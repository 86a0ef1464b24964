//! Where the user is — the folder, the open message, the search text — and how the
//! view and the page's address are kept in agreement: the address wins when it changed
//! (Back, Forward, a link, a reload), the view wins when it changed on its own (a folder
//! opened at start, an open message deleted, a search typed).

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

/// What to do, given the address's place and the view's now, and both as they were when
/// they were last compared (`None` the first time).
pub(crate) fn reconcile(last: Option<&(Place, Place)>, address: &Place, view: &Place) -> Sync {
    let address_moved = last.is_none_or(|(a, _)| a != address);
    let view_moved = last.is_some_and(|(_, v)| v != view);
    if address_moved {
        if address.shown_as(view) {
            return Sync::Nothing;
        }
        return Sync::Show(address.clone());
    }
    if view_moved && !address.shown_as(view) && view.folder.is_some() {
        return Sync::Address(view.clone());
    }
    Sync::Nothing
}

/// Whether going from `from` to `to` replaces the address's entry instead of adding one:
/// from one message to the next of the same folder (j/k while reading), so Back returns
/// to the folder rather than through every message read.
pub(crate) fn replaces(from: &Place, to: &Place) -> bool {
    from.folder == to.folder && from.message.is_some() && to.message.is_some()
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

    #[test]
    fn the_address_wins_when_it_moved() {
        let home = at(None, None, "");
        let inbox = at(Some("INBOX"), None, "");
        let message = at(Some("Work"), Some(5), "");
        // At start: show what the address says (a shared link, a reload).
        assert_eq!(
            reconcile(None, &message, &Place::default()),
            Sync::Show(message.clone())
        );
        assert_eq!(
            reconcile(None, &home, &Place::default()),
            Sync::Show(home.clone())
        );
        // Back from a message to its folder.
        let last = (message.clone(), message.clone());
        let folder = at(Some("Work"), None, "");
        assert_eq!(
            reconcile(Some(&last), &folder, &message),
            Sync::Show(folder.clone())
        );
        // Shown now: nothing more to do.
        let last = (folder.clone(), message.clone());
        assert_eq!(reconcile(Some(&last), &folder, &folder), Sync::Nothing);
        // INBOX opened for an address without a folder: it shows that address; another
        // first folder (a server whose INBOX cannot be opened) goes to the address.
        let last = (home.clone(), Place::default());
        assert_eq!(reconcile(Some(&last), &home, &inbox), Sync::Nothing);
        let child = at(Some("Parent/Child"), None, "");
        assert_eq!(
            reconcile(Some(&last), &home, &child),
            Sync::Address(child.clone())
        );
    }

    #[test]
    fn reading_on_replaces_the_entry() {
        let list = at(Some("INBOX"), None, "");
        let first = at(Some("INBOX"), Some(1), "");
        let second = at(Some("INBOX"), Some(2), "");
        assert!(!replaces(&list, &first));
        assert!(replaces(&first, &second));
        assert!(!replaces(&second, &list));
        assert!(!replaces(&second, &at(Some("Work"), Some(2), "")));
    }

    #[test]
    fn the_view_wins_when_it_moved_alone() {
        let reading = at(Some("INBOX"), Some(3), "");
        let searching = at(Some("INBOX"), None, "lunch");
        let last = (reading.clone(), reading.clone());
        // The open message was deleted: the address drops it.
        let closed = at(Some("INBOX"), None, "");
        assert_eq!(
            reconcile(Some(&last), &reading, &closed),
            Sync::Address(closed.clone())
        );
        let last = (closed.clone(), closed.clone());
        assert_eq!(
            reconcile(Some(&last), &closed, &searching),
            Sync::Address(searching.clone())
        );
        // Both moved (a click while the view changed): the address wins.
        let other = at(Some("INBOX"), Some(9), "");
        assert_eq!(
            reconcile(Some(&last), &other, &searching),
            Sync::Show(other.clone())
        );
        // Nothing moved.
        assert_eq!(reconcile(Some(&last), &closed, &closed), Sync::Nothing);
    }
}
