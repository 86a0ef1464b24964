//! The user's preferences, remembered in this browser: the theme, the pane widths,
//! whether opening a message marks it read, and the senders trusted with remote content.
//! Plain data here; `hooks::use_prefs` loads and saves them.

use std::{collections::BTreeSet, rc::Rc};

use yew::Reducible;

/// A colour theme the user chose (without a choice the page follows the system).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The stored value and the page's `data-theme`.
    pub(crate) fn value(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// From a stored value.
    pub(crate) fn from_value(value: &str) -> Option<Self> {
        [Theme::Light, Theme::Dark]
            .into_iter()
            .find(|t| t.value() == value)
    }
}

/// The widths of the folder pane and the message list (CSS pixels): smallest, default,
/// largest.
pub(crate) const FOLDERS_WIDTH: (u32, u32, u32) = (120, 220, 400);
/// See [`FOLDERS_WIDTH`].
pub(crate) const LIST_WIDTH: (u32, u32, u32) = (240, 380, 720);

/// Which pane a width is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// The folder pane.
    Folders,
    /// The message list.
    List,
}

/// The preferences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prefs {
    /// The chosen theme, if any.
    pub(crate) theme: Option<Theme>,
    /// The widths of the folder pane and the message list.
    pub(crate) widths: (u32, u32),
    /// Whether opening a message marks it read.
    pub(crate) mark_read_on_open: bool,
    /// Senders (addresses, lower case) whose mail always loads remote content.
    pub(crate) trusted_senders: Rc<BTreeSet<String>>,
    /// How long a sent message waits (and can be taken back) before it leaves.
    pub(crate) undo_send_seconds: u32,
}

/// The undo delays offered for sending, in seconds (0: none).
pub(crate) const UNDO_SEND_CHOICES: [u32; 5] = [0, 5, 10, 20, 30];
/// The default undo delay.
pub(crate) const UNDO_SEND_DEFAULT: u32 = 5;

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            theme: None,
            widths: (FOLDERS_WIDTH.1, LIST_WIDTH.1),
            mark_read_on_open: true,
            trusted_senders: Rc::default(),
            undo_send_seconds: UNDO_SEND_DEFAULT,
        }
    }
}

impl Prefs {
    /// Whether the page is dark: the chosen theme, else what the system prefers.
    pub(crate) fn is_dark(&self, system_prefers_dark: bool) -> bool {
        self.theme
            .map_or(system_prefers_dark, |theme| theme == Theme::Dark)
    }
}

/// What the user changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrefsAction {
    /// A theme chosen.
    ThemeChosen(Theme),
    /// A pane resized.
    Resized(Column, u32),
    /// Marking read on open switched.
    MarkReadOnOpenSet(bool),
    /// Every message from this address may load remote content.
    SenderTrusted(String),
    /// The undo delay for sending chosen (kept to the choices offered).
    UndoSendSet(u32),
}

impl Reducible for Prefs {
    type Action = PrefsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PrefsAction::ThemeChosen(theme) => next.theme = Some(theme),
            PrefsAction::Resized(Column::Folders, width) => {
                next.widths.0 = width.clamp(FOLDERS_WIDTH.0, FOLDERS_WIDTH.2);
            }
            PrefsAction::Resized(Column::List, width) => {
                next.widths.1 = width.clamp(LIST_WIDTH.0, LIST_WIDTH.2);
            }
            PrefsAction::MarkReadOnOpenSet(on) => next.mark_read_on_open = on,
            PrefsAction::SenderTrusted(address) => {
                Rc::make_mut(&mut next.trusted_senders).insert(address.to_lowercase());
            }
            PrefsAction::UndoSendSet(seconds) => {
                if UNDO_SEND_CHOICES.contains(&seconds) {
                    next.undo_send_seconds = seconds;
                }
            }
        }
        if next == *self {
            return self;
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_change_and_stay_in_bounds() {
        let p = Rc::new(Prefs::default());
        assert!(p.is_dark(true) && !p.is_dark(false));
        let p = p
            .reduce(PrefsAction::ThemeChosen(Theme::Light))
            .reduce(PrefsAction::Resized(Column::Folders, 10_000))
            .reduce(PrefsAction::Resized(Column::List, 300))
            .reduce(PrefsAction::SenderTrusted("News@Remote.test".into()))
            .reduce(PrefsAction::MarkReadOnOpenSet(false))
            .reduce(PrefsAction::UndoSendSet(7))
            .reduce(PrefsAction::UndoSendSet(10));
        assert_eq!(p.undo_send_seconds, 10, "7 is not offered, 10 is");
        assert!(!p.is_dark(true));
        assert_eq!(p.widths, (FOLDERS_WIDTH.2, 300));
        assert!(p.trusted_senders.contains("news@remote.test"));
        assert!(!p.mark_read_on_open);
        assert_eq!(Prefs::default().undo_send_seconds, 5);
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::from_value(t.value()), Some(t));
        }
        assert_eq!(Theme::from_value("blue"), None);
    }
}
