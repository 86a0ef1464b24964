//! Outgoing mail on the IMAP side: drafts saved and replaced (one per compose), the
//! message a reply or forward answers read with what threading needs, and what follows a
//! successful send — the copy in Sent, `\Answered` or `$Forwarded` on the original, the
//! draft removed.
//!
//! Every function takes the shared [`Account`](crate::Account): it may run while a watcher
//! idles on another folder (the IDLE ends for the command, and the watcher comes back to
//! its own folder afterwards). Two rules hold throughout:
//!
//! - a message is found again by its UID only while the folder's UIDVALIDITY is the one
//!   recorded in its [`MessageRef`]; otherwise the UID may name another message, and it is
//!   left alone;
//! - nothing is lost: a draft is removed only after its replacement is saved, and a sent
//!   message's draft only once a copy is in Sent (or the provider files it, or there is no
//!   Sent folder). After a send, no failed step turns the send into an error, and nothing
//!   here sends again.

mod after_send;
mod draft;
mod folders;
mod name_serde;
mod original;
mod remove;

pub use after_send::{AfterSend, AfterSendReport, Answering, Filed, after_send};
pub use draft::{discard_draft, save_draft};
pub use folders::{SpecialFolders, special_folders};
pub use original::{THREAD_FIELDS, fetch_original};
use serde::{Deserialize, Serialize};
use webimap_proto::types::{command::SearchKey, mailbox::MailboxName};

/// Where a message lives: folder + UIDVALIDITY + UID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRef {
    /// The folder (its wire name, serialised as a string).
    #[serde(with = "name_serde")]
    pub folder: MailboxName,
    /// The folder's UIDVALIDITY when the UID was learnt.
    pub uid_validity: u32,
    /// The message's UID.
    pub uid: u32,
}

/// The search for a Message-ID (`HEADER Message-ID <id>`), if `message_id` (without angle
/// brackets) can stand in one: searching for anything else could match other messages.
fn message_id_key(message_id: &str) -> Option<SearchKey> {
    let valid = !message_id.is_empty()
        && message_id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>\"\\".contains(&b));
    valid.then(|| SearchKey::Header("Message-ID".into(), format!("<{message_id}>")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_searched_whole_or_not_at_all() {
        assert_eq!(
            message_id_key("abc.1@example.com"),
            Some(SearchKey::Header(
                "Message-ID".into(),
                "<abc.1@example.com>".into()
            ))
        );
        assert_eq!(message_id_key(""), None);
        assert_eq!(message_id_key("a b@c"), None);
        assert_eq!(message_id_key("a>\r\nX: y"), None);
    }

    #[test]
    fn a_message_ref_serialises_in_camel_case() {
        let message = MessageRef {
            folder: MailboxName::from_display("Entwürfe").unwrap(),
            uid_validity: 7,
            uid: 42,
        };
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            json,
            r#"{"folder":"Entw&APw-rfe","uidValidity":7,"uid":42}"#
        );
        assert_eq!(serde_json::from_str::<MessageRef>(&json).unwrap(), message);
        assert!(
            serde_json::from_str::<MessageRef>(r#"{"folder":"a\r\nb","uidValidity":1,"uid":1}"#)
                .is_err()
        );
    }
}
