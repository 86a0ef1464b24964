//! [`use_shortcuts`]: the keyboard shortcuts of the mailbox — which element has the focus
//! (read from the page here), which command the key means (`state::keys`), and what that
//! command does.

use webimap_client::{compose::ReplyMode, proto::types::mailbox::MailboxName};
use yew::prelude::*;

use super::{use_compose::Open, use_keydown::use_keydown, use_mailbox::MailboxHandle};
use crate::{
    components::message_list::{LIST_ID, SEARCH_ID},
    services::browser,
    state::{
        actions::MessageCommand,
        keys::{Command, Press, command_for},
        list::SelectionAction,
        mailbox::{MailboxAction, Pane},
        overlay::{Overlay, OverlayAction},
        place::Place,
    },
};

/// Listens for shortcuts for as long as the mailbox is shown; `compose` opens a compose.
#[hook]
pub(crate) fn use_shortcuts(mailbox: &MailboxHandle, compose: &Callback<Open>) {
    let g_pending = use_mut_ref(|| false);
    let mailbox = mailbox.clone();
    let compose = compose.clone();
    let onkey = Callback::from(move |e: KeyboardEvent| {
        let focused = browser::focused();
        let tag = focused.tag.as_str();
        let key = e.key();
        let press = Press {
            key: &key,
            command: e.ctrl_key() || e.meta_key(),
            alt: e.alt_key(),
            typing: (matches!(tag, "input" | "textarea" | "select") || focused.editable)
                && !(key == "Escape" && tag == "input"),
            on_control: matches!(tag, "button" | "a" | "summary"),
            in_list: focused.id == LIST_ID,
        };
        let (command, pending) = command_for(press, *g_pending.borrow());
        *g_pending.borrow_mut() = pending;
        let Some(command) = command else { return };
        if mailbox.overlays.dialog.is_some() && command != Command::Close {
            return;
        }
        e.prevent_default();
        let open = |what| compose.emit(what);
        let reading = mailbox.state.reader.open.is_some();
        match command {
            Command::Compose => open(Open::New),
            Command::Reply if reading => open(Open::Reply(ReplyMode::Sender)),
            Command::ReplyAll if reading => open(Open::Reply(ReplyMode::All)),
            Command::Forward if reading => open(Open::Forward),
            Command::Reply | Command::ReplyAll | Command::Forward => {}
            command => perform(&mailbox, command),
        }
    });
    use_keydown(onkey);
}

/// Does what `command` asks.
fn perform(mailbox: &MailboxHandle, command: Command) {
    let state = &mailbox.state;
    let here = state.place();
    let reading = |uid| Place {
        message: Some(uid),
        ..here.clone()
    };
    let run = |command| mailbox.command.emit(command);
    let overlay = |action| mailbox.overlay.emit(action);
    match command {
        Command::Next | Command::Previous => {
            let delta = if command == Command::Next { 1 } else { -1 };
            if let Some(uid) = state.neighbour(delta) {
                if state.reader.open.is_some() && state.pane == Pane::Message {
                    mailbox.go.emit(reading(uid));
                } else {
                    mailbox
                        .dispatch
                        .emit(MailboxAction::Select(SelectionAction::CursorMoved(uid)));
                }
            }
        }
        Command::Open => {
            let cursor = state.list.selection.cursor;
            if let Some(uid) = cursor.or_else(|| state.list.order.first().copied()) {
                mailbox.go.emit(reading(uid));
            }
        }
        Command::Back => {
            mailbox.go.emit(Place {
                message: None,
                ..here.clone()
            });
            browser::focus(LIST_ID);
        }
        Command::Search => browser::focus(SEARCH_ID),
        Command::GoInbox => mailbox.go.emit(Place {
            folder: Some(MailboxName::inbox()),
            message: None,
            query: here.query.clone(),
        }),
        Command::Help => overlay(OverlayAction::Shown(Overlay::Shortcuts)),
        Command::Close => {
            if mailbox.overlays.dialog.is_some() {
                overlay(OverlayAction::Closed);
            }
        }
        Command::SelectAll => mailbox
            .dispatch
            .emit(MailboxAction::Select(SelectionAction::AllSelected)),
        Command::MarkRead => run(MessageCommand::MarkRead(true)),
        Command::MarkUnread => run(MessageCommand::MarkRead(false)),
        Command::Flag => run(MessageCommand::ToggleFlag),
        Command::Delete => run(MessageCommand::Delete),
        Command::Archive => run(MessageCommand::Archive),
        Command::Junk => run(MessageCommand::Junk),
        Command::MoveTo => {
            if !state.targets().is_empty() {
                overlay(OverlayAction::Shown(Overlay::PickFolder { copy: false }));
            }
        }
        // Writing mail is the compose hook's (see `use_shortcuts`).
        Command::Compose | Command::Reply | Command::ReplyAll | Command::Forward => {}
    }
}
