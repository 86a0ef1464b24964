//! The actions on the selected messages (or the open one): read/unread, flag, archive,
//! delete, junk, move and copy.

use yew::prelude::*;

use crate::state::actions::MessageCommand;

/// Props of [`ActionBar`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct ActionBarProps {
    /// How many messages the actions apply to.
    pub(crate) count: usize,
    /// Whether all of them are read (the read button then marks unread).
    pub(crate) all_read: bool,
    /// Whether all of them are flagged.
    pub(crate) all_flagged: bool,
    /// Runs a command.
    pub(crate) on_command: Callback<MessageCommand>,
    /// "Move to…" (false) or "Copy to…" (true): opens the folder picker.
    pub(crate) on_pick_folder: Callback<bool>,
}

/// `role="toolbar"` "Message actions".
#[function_component]
pub(crate) fn ActionBar(props: &ActionBarProps) -> Html {
    let disabled = props.count == 0;
    let command = |label: &'static str, key: &'static str, command: MessageCommand| {
        let on_command = props.on_command.clone();
        html! {
            <button type="button" class="button secondary small" {disabled}
                title={format!("{label} ({key})")}
                onclick={Callback::from(move |_: MouseEvent| on_command.emit(command.clone()))}>
                { label }
            </button>
        }
    };
    let dialog = |label: &'static str, copy: bool| {
        html! {
            <button type="button" class="button secondary small" {disabled}
                onclick={props.on_pick_folder.reform(move |_: MouseEvent| copy)}>
                { label }
            </button>
        }
    };
    html! {
        <div class="action-bar" role="toolbar" aria-label="Message actions">
            if props.all_read {
                { command("Mark unread", "shift+U", MessageCommand::MarkRead(false)) }
            } else {
                { command("Mark read", "shift+I", MessageCommand::MarkRead(true)) }
            }
            { command(if props.all_flagged { "Unflag" } else { "Flag" }, "s", MessageCommand::ToggleFlag) }
            { command("Archive", "e", MessageCommand::Archive) }
            { command("Delete", "#", MessageCommand::Delete) }
            { command("Junk", "!", MessageCommand::Junk) }
            { dialog("Move to…", false) }
            { dialog("Copy to…", true) }
        </div>
    }
}
