//! [`Route`]: where the user is, in the page's address — the folder, the open message,
//! the search — so Back and Forward move between them, and a reload or a shared link
//! returns to the same place after sign-in.
//!
//! The app routes by the address's fragment (`#/folder/INBOX/message/42`, yew-router's
//! `HashRouter`): the fragment never leaves the browser, so folder names, message numbers
//! and search words reach neither the relay's nor a reverse proxy's logs; and it works
//! wherever `index.html` is served — at the root, under a sub-path behind a proxy, or by
//! a static host without a fallback for unknown paths — with no base path to configure.

use webimap_client::proto::types::mailbox::MailboxName;
use yew_router::Routable;

use crate::state::place::Place;

/// The app's addresses (inside the fragment).
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub(crate) enum Route {
    /// The first folder (INBOX).
    #[at("/")]
    Home,
    /// A folder.
    #[at("/folder/:folder")]
    Folder {
        /// The folder's name as the user reads it (`/` between levels).
        folder: String,
    },
    /// A message of a folder.
    #[at("/folder/:folder/message/:uid")]
    Message {
        /// The folder.
        folder: String,
        /// The message's UID.
        uid: u32,
    },
    /// A folder searched.
    #[at("/folder/:folder/search/:query")]
    Search {
        /// The folder.
        folder: String,
        /// The search text.
        query: String,
    },
    /// A message of a folder searched.
    #[at("/folder/:folder/search/:query/message/:uid")]
    SearchMessage {
        /// The folder.
        folder: String,
        /// The search text.
        query: String,
        /// The message's UID.
        uid: u32,
    },
    /// Anything else (the first folder is shown).
    #[not_found]
    #[at("/unknown")]
    Unknown,
}

impl Route {
    /// The place this address names; a folder name that is not one names the first
    /// folder.
    pub(crate) fn place(&self) -> Place {
        let (folder, query, message) = match self {
            Route::Home | Route::Unknown => return Place::default(),
            Route::Folder { folder } => (folder, "", None),
            Route::Message { folder, uid } => (folder, "", Some(*uid)),
            Route::Search { folder, query } => (folder, query.as_str(), None),
            Route::SearchMessage { folder, query, uid } => (folder, query.as_str(), Some(*uid)),
        };
        match MailboxName::from_display(folder) {
            Ok(folder) => Place {
                folder: Some(folder),
                message,
                query: query.to_string(),
            },
            Err(_) => Place::default(),
        }
    }

    /// The address of `place`.
    pub(crate) fn to(place: &Place) -> Route {
        let Some(folder) = &place.folder else {
            return Route::Home;
        };
        let folder = folder.display().into_owned();
        let query = place.query.clone();
        match (query.trim().is_empty(), place.message) {
            (true, None) => Route::Folder { folder },
            (true, Some(uid)) => Route::Message { folder, uid },
            (false, None) => Route::Search { folder, query },
            (false, Some(uid)) => Route::SearchMessage { folder, query, uid },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(folder: &str, message: Option<u32>, query: &str) -> Place {
        Place {
            folder: Some(MailboxName::from_display(folder).unwrap()),
            message,
            query: query.into(),
        }
    }

    #[test]
    fn places_round_trip_through_addresses() {
        for p in [
            place("INBOX", None, ""),
            place("INBOX", Some(42), ""),
            place("Clients/Acme & Co", None, "budget 2026"),
            place("Entwürfe", Some(7), "größe?#%/"),
        ] {
            let route = Route::to(&p);
            let path = route.to_path();
            assert!(!path.contains(' ') && !path.contains('#'), "{path}");
            assert_eq!(Route::recognize(&path), Some(route.clone()), "{path}");
            assert_eq!(route.place(), p);
        }
        assert_eq!(Route::to(&Place::default()), Route::Home);
    }

    #[test]
    fn unknown_addresses_name_the_first_folder() {
        assert_eq!(Route::recognize("/nowhere"), Some(Route::Unknown));
        assert_eq!(Route::Unknown.place(), Place::default());
        assert_eq!(
            Route::recognize("/folder/INBOX/message/x").map(|r| r.place()),
            Some(Place::default())
        );
        assert_eq!(
            Route::recognize("/folder/INBOX/message/9").map(|r| r.place()),
            Some(place("INBOX", Some(9), ""))
        );
    }
}
