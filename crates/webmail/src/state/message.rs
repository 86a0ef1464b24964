//! A message attached to another, as the reader shows it.

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
