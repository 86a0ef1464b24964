//! What shows over the mailbox: a dialog (some load their content) and a toast at the
//! bottom. Loaded content and toast timers carry the [`Ticket`] of the dialog or toast
//! they are for; a late one for a dialog closed or a toast replaced since is dropped.

use std::rc::Rc;

use yew::Reducible;

use super::{
    actions::Undo, error::UiError, loadable::Loadable, message::AttachedMessage, request::Ticket,
};

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

/// A short note at the bottom of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toast {
    /// Tells the timer which toast it was started for.
    pub(crate) ticket: Ticket,
    /// What happened.
    pub(crate) text: String,
    /// Undo, for moves.
    pub(crate) undo: Option<Undo>,
    /// Whether this reports a failure.
    pub(crate) error: bool,
}

/// The dialog and the toast.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Overlays {
    /// A dialog, if one is open.
    pub(crate) dialog: Option<Overlay>,
    /// The ticket of the dialog's content, while it loads.
    pub(crate) ticket: Ticket,
    /// A note at the bottom (with Undo after moves).
    pub(crate) toast: Option<Toast>,
}

/// What happens over the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OverlayAction {
    /// A dialog opened that shows what it has.
    Shown(Overlay),
    /// A dialog opened whose content is loading (`Source` or `Attached`).
    Loading {
        /// The dialog, loading.
        dialog: Overlay,
        /// The ticket of its content.
        ticket: Ticket,
    },
    /// The message source arrived.
    SourceLoaded {
        /// The dialog's ticket.
        ticket: Ticket,
        /// The source.
        result: Result<String, UiError>,
    },
    /// An attached message arrived.
    AttachedLoaded {
        /// The dialog's ticket.
        ticket: Ticket,
        /// The message.
        result: Result<AttachedMessage, UiError>,
    },
    /// The dialog closed.
    Closed,
    /// A toast appears (replacing any other).
    ToastShown(Toast),
    /// The toast with this ticket goes away (a later one stays).
    ToastExpired(Ticket),
}

impl Reducible for Overlays {
    type Action = OverlayAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            OverlayAction::Shown(dialog) => {
                next.dialog = Some(dialog);
                next.ticket = Ticket::default();
            }
            OverlayAction::Loading { dialog, ticket } => {
                next.dialog = Some(dialog);
                next.ticket = ticket;
            }
            OverlayAction::SourceLoaded { ticket, result } => {
                if ticket != next.ticket || !matches!(next.dialog, Some(Overlay::Source(_))) {
                    return self;
                }
                next.dialog = Some(Overlay::Source(Loadable::from_result(result)));
            }
            OverlayAction::AttachedLoaded { ticket, result } => {
                if ticket != next.ticket || !matches!(next.dialog, Some(Overlay::Attached(_))) {
                    return self;
                }
                next.dialog = Some(Overlay::Attached(Loadable::from_result(result)));
            }
            OverlayAction::Closed => {
                next.dialog = None;
                next.ticket = Ticket::default();
            }
            OverlayAction::ToastShown(toast) => next.toast = Some(toast),
            OverlayAction::ToastExpired(ticket) => {
                if next.toast.as_ref().map(|t| t.ticket) != Some(ticket) {
                    return self;
                }
                next.toast = None;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: Vec<OverlayAction>) -> Rc<Overlays> {
        actions
            .into_iter()
            .fold(Rc::new(Overlays::default()), Reducible::reduce)
    }

    #[test]
    fn content_for_a_closed_or_other_dialog_is_dropped() {
        let source = |ticket| OverlayAction::SourceLoaded {
            ticket: Ticket::new(ticket),
            result: Ok("raw".into()),
        };
        // No dialog: dropped.
        assert_eq!(run(vec![source(1)]).dialog, None);
        let loading = |ticket| OverlayAction::Loading {
            dialog: Overlay::Source(Loadable::Loading),
            ticket: Ticket::new(ticket),
        };
        // The source dialog opened twice: only the second answer counts.
        let s = run(vec![loading(1), loading(2), source(1)]);
        assert_eq!(s.dialog, Some(Overlay::Source(Loadable::Loading)));
        let s = s.reduce(source(2));
        assert_eq!(
            s.dialog,
            Some(Overlay::Source(Loadable::Ready("raw".into())))
        );
        // Closed and another dialog opened: a late answer does not replace it.
        let s = run(vec![
            loading(3),
            OverlayAction::Closed,
            OverlayAction::Shown(Overlay::Settings),
            source(3),
        ]);
        assert_eq!(s.dialog, Some(Overlay::Settings));
    }

    #[test]
    fn a_toast_outlives_the_timer_of_the_one_it_replaced() {
        let toast = |n| Toast {
            ticket: Ticket::new(n),
            text: format!("toast {n}"),
            undo: None,
            error: false,
        };
        let s = run(vec![
            OverlayAction::ToastShown(toast(1)),
            OverlayAction::ToastShown(toast(2)),
            OverlayAction::ToastExpired(Ticket::new(1)),
        ]);
        assert_eq!(s.toast, Some(toast(2)));
        let s = s.reduce(OverlayAction::ToastExpired(Ticket::new(2)));
        assert_eq!(s.toast, None);
    }
}
