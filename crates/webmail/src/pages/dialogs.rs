//! The dialogs over the signed-in page: settings, delete for good, folder management,
//! the folder picker, the shortcuts, a message's source, an attached message.

use yew::prelude::*;

use crate::{
    components::identities::IdentitiesEditor,
    components::{
        dialog::Dialog,
        folder_manager::FolderManager,
        html_frame::HtmlFrame,
        status::{Loading, PaneError},
    },
    hooks::{MailboxHandle, PrefsHandle, use_compose::ComposeHandle},
    mail_html,
    state::{
        actions::MessageCommand,
        loadable::Loadable,
        message::AttachedMessage,
        overlay::{Overlay, OverlayAction},
        prefs::{PrefsAction, UNDO_SEND_CHOICES},
    },
};

/// The open dialog, if any.
pub(crate) fn dialog(
    mailbox: &MailboxHandle,
    prefs: &PrefsHandle,
    compose: &ComposeHandle,
) -> Html {
    let state = &mailbox.state;
    let on_close = mailbox.overlay.reform(|()| OverlayAction::Closed);
    match mailbox.overlays.dialog.as_ref() {
        None => html! {},
        Some(Overlay::Settings) => {
            let on = prefs.state.mark_read_on_open;
            let onchange = prefs
                .change
                .reform(move |_: Event| PrefsAction::MarkReadOnOpenSet(!on));
            let undo = prefs.state.undo_send_seconds;
            let on_undo = prefs.change.reform(|e: Event| {
                let value = e
                    .target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value();
                PrefsAction::UndoSendSet(value.parse().unwrap_or(0))
            });
            html! {
                <Dialog title="Settings" wide=true {on_close}>
                    <label class="check">
                        <input type="checkbox" checked={on} {onchange} />
                        { " Mark messages read when opened" }
                    </label>
                    <div class="field">
                        <label for="undo-send">{ "Undo send" }</label>
                        <select id="undo-send" onchange={on_undo}>
                            { for UNDO_SEND_CHOICES.into_iter().map(|s| html! {
                                <option value={s.to_string()} selected={s == undo}>
                                    { if s == 0 { "Off".to_string() } else { format!("{s} seconds") } }
                                </option>
                            }) }
                        </select>
                    </div>
                    <IdentitiesEditor identities={compose.identities.clone()}
                        on_save={compose.set_identities.clone()} />
                </Dialog>
            }
        }
        Some(Overlay::ConfirmDelete(uids)) => {
            let n = uids.len();
            let what = if n == 1 {
                "this message".to_string()
            } else {
                format!("these {n} messages")
            };
            let uids = uids.clone();
            let on_delete = mailbox
                .command
                .reform(move |_: MouseEvent| MessageCommand::DeleteForGood(uids.clone()));
            html! {
                <Dialog title="Delete for good?" on_close={on_close.clone()}>
                    <p>{ format!("Delete {what} for good? This cannot be undone.") }</p>
                    <div class="dialog-actions">
                        <button type="button" class="button danger" onclick={on_delete}>{ "Delete for good" }</button>
                        <button type="button" class="button secondary" onclick={on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                    </div>
                </Dialog>
            }
        }
        Some(Overlay::Folders) => html! {
            <Dialog title="Manage folders" wide=true {on_close}>
                <FolderManager folders={state.folders.list().to_vec()}
                    on_change={mailbox.manage_folder.clone()} />
            </Dialog>
        },
        Some(Overlay::PickFolder { copy }) => {
            let copy = *copy;
            let folders = state.folders.list().to_vec();
            let current = state.list.folder.clone();
            let title = if copy {
                "Copy to folder"
            } else {
                "Move to folder"
            };
            html! {
                <Dialog {title} on_close={on_close.clone()}>
                    <ul class="folder-picker">
                        { for folders.into_iter().filter(|f| f.selectable && Some(&f.name) != current.as_ref()).map(|f| {
                            let name = f.name.clone();
                            let (run, close) = (mailbox.command.clone(), on_close.clone());
                            let onclick = Callback::from(move |_: MouseEvent| {
                                close.emit(());
                                run.emit(if copy { MessageCommand::CopyTo(name.clone()) } else { MessageCommand::MoveTo(name.clone()) });
                            });
                            html! {
                                <li><button type="button" class={classes!("folder", crate::components::depth_class(f.depth))} {onclick}>
                                    <span class="folder-label">{ f.path.clone() }</span>
                                </button></li>
                            }
                        }) }
                    </ul>
                </Dialog>
            }
        }
        Some(Overlay::Shortcuts) => html! {
            <Dialog title="Keyboard shortcuts" {on_close}>
                <dl class="shortcuts">
                    { for [
                        ("j / k", "Next / previous message"),
                        ("o or Enter", "Open the message"),
                        ("u", "Back to the list"),
                        ("/", "Search"),
                        ("g then i", "Go to Inbox"),
                        ("Ctrl+A", "Select all (in the list)"),
                        ("shift+I / shift+U", "Mark read / unread"),
                        ("s", "Flag or unflag"),
                        ("e", "Archive"),
                        ("#", "Delete (in Trash: for good)"),
                        ("!", "Mark as junk"),
                        ("v", "Move to a folder"),
                        ("c", "Write a new message"),
                        ("r / a", "Reply / reply all"),
                        ("f", "Forward"),
                        ("Ctrl+Enter", "Send (in a message being written)"),
                        ("?", "This list"),
                        ("Escape", "Close a dialog"),
                    ].into_iter().map(|(k, what)| html! { <><dt><kbd>{ k }</kbd></dt><dd>{ what }</dd></> }) }
                </dl>
            </Dialog>
        },
        Some(Overlay::Source(source)) => html! {
            <Dialog title="Message source" wide=true {on_close}>
                { match source {
                    Loadable::Ready(text) => html! { <pre class="source" tabindex="0" aria-label="Source">{ text.clone() }</pre> },
                    Loadable::Failed(e) => html! { <PaneError error={e.clone()} /> },
                    _ => html! { <Loading /> },
                } }
            </Dialog>
        },
        Some(Overlay::Attached(message)) => html! {
            <Dialog title="Attached message" wide=true {on_close}>
                { match message {
                    Loadable::Ready(m) => attached(m),
                    Loadable::Failed(e) => html! { <PaneError error={e.clone()} /> },
                    _ => html! { <Loading /> },
                } }
            </Dialog>
        },
    }
}

fn attached(m: &AttachedMessage) -> Html {
    let subject = if m.subject.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        m.subject.clone()
    };
    let body = match (&m.html, &m.text) {
        (_, Some(text)) => html! { <pre class="message-body">{ text.clone() }</pre> },
        (Some(h), None) => {
            let safe = mail_html::prepare(h, &Default::default(), false);
            html! { <HtmlFrame document={AttrValue::from(safe.document)} title="Attached message content" /> }
        }
        (None, None) => html! { <p class="pane-empty">{ "This message has no text to show." }</p> },
    };
    html! {
        <article class="message-view attached" aria-label={subject.clone()}>
            <h3 class="message-title">{ subject }</h3>
            <dl class="message-headers">
                <dt>{ "From" }</dt><dd>{ m.from.clone() }</dd>
                <dt>{ "To" }</dt><dd>{ m.to.clone() }</dd>
                if let Some(date) = &m.date { <dt>{ "Date" }</dt><dd>{ date.clone() }</dd> }
            </dl>
            { body }
        </article>
    }
}
