//! The open message: how its body is shown, and the dialogs opened from it.

use std::collections::BTreeMap;

use super::loadable::Loadable;

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

/// A message attached to another (message/rfc822), parsed for reading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct AttachedMessage {
    /// Subject.
    pub(crate) subject: String,
    /// From, as `Name <address>`.
    pub(crate) from: String,
    /// To.
    pub(crate) to: String,
    /// The Date header.
    pub(crate) date: Option<String>,
    /// The text body.
    pub(crate) text: Option<String>,
    /// The HTML body, unsanitised (shown only through `mail_html`).
    pub(crate) html: Option<String>,
}

/// A dialog over the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Overlay {
    /// The open message's source.
    Source(Loadable<String>),
    /// An attached message.
    Attached(Loadable<AttachedMessage>),
    /// The keyboard shortcuts.
    Shortcuts,
    /// The settings menu.
    Settings,
    /// "Delete for good?" for these messages.
    ConfirmDelete(Vec<u32>),
    /// Folder management: create, rename, delete, show or hide folders.
    Folders,
    /// Choose a folder to move (or copy) the selected messages to.
    PickFolder {
        /// Copy instead of move.
        copy: bool,
    },
}
