//! The signed-in page: a top bar, then folders | message list | message, with draggable
//! separators; on narrow screens one pane at a time. Keyboard shortcuts and dialogs.

use webimap_client::proto::types::mailbox::MailboxName;
use yew::prelude::*;

use crate::{
    app::SessionContext,
    components::{
        action_bar::ActionBar,
        dialog::Dialog,
        folder_list::FolderList,
        folder_manager::FolderManager,
        html_frame::HtmlFrame,
        message_list::{LIST_ID, MessageList, SEARCH_ID},
        message_view::MessageView,
        separator::Separator,
        status::{Loading, PaneError},
        toast::ToastView,
    },
    hooks::{MailboxHandle, use_keydown, use_mailbox},
    mail_html,
    services::{Connection, browser},
    state::{
        actions::MessageCommand,
        keys::{Command, Press, command_for},
        loadable::Loadable,
        mailbox::{MailboxAction, Pane},
        message::{AttachedMessage, Overlay},
        session::Account,
    },
};

/// Props of [`MailboxPage`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct MailboxPageProps {
    /// Who is signed in.
    pub(crate) account: Account,
    /// The connection.
    pub(crate) conn: Connection,
}

const FOLDERS_WIDTH: (u32, u32, u32) = (120, 220, 400);
const LIST_WIDTH: (u32, u32, u32) = (240, 380, 720);

/// The three panes.
#[function_component]
pub(crate) fn MailboxPage(props: &MailboxPageProps) -> Html {
    let session = use_context::<SessionContext>();
    let connection_lost = session
        .as_ref()
        .map(|s| s.connection_lost.clone())
        .unwrap_or_default();
    let mailbox = use_mailbox(&props.conn, connection_lost);
    let widths = use_state(|| browser::load_layout().unwrap_or((FOLDERS_WIDTH.1, LIST_WIDTH.1)));
    let theme = use_state(browser::load_theme);
    let g_pending = use_mut_ref(|| false);
    let panes = use_node_ref();
    {
        // Through the CSSOM: the page's CSP allows no style attributes.
        let panes = panes.clone();
        let (folders_width, list_width) = *widths;
        use_effect(move || {
            crate::components::set_style(&panes, "--folders-width", &format!("{folders_width}px"));
            crate::components::set_style(&panes, "--list-width", &format!("{list_width}px"));
        });
    }

    let state = &mailbox.state;
    let act = mailbox.act.clone();

    let onkey = {
        let state = state.clone();
        let (act, open_message, select_folder, run) = (
            act.clone(),
            mailbox.open_message.clone(),
            mailbox.select_folder.clone(),
            mailbox.command.clone(),
        );
        let g_pending = g_pending.clone();
        Callback::from(move |e: KeyboardEvent| {
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let tag = active
                .as_ref()
                .map(|a| a.tag_name().to_ascii_lowercase())
                .unwrap_or_default();
            let typing = matches!(tag.as_str(), "input" | "textarea" | "select")
                || active
                    .as_ref()
                    .is_some_and(|a| a.has_attribute("contenteditable"));
            let in_list = active.as_ref().is_some_and(|a| a.id() == LIST_ID);
            let key = e.key();
            let press = Press {
                key: &key,
                command: e.ctrl_key() || e.meta_key(),
                alt: e.alt_key(),
                typing: typing && !(key == "Escape" && tag == "input"),
                on_control: matches!(tag.as_str(), "button" | "a" | "summary"),
                in_list,
            };
            let (command, pending) = command_for(press, *g_pending.borrow());
            *g_pending.borrow_mut() = pending;
            let Some(command) = command else { return };
            if state.overlay.is_some() && command != Command::Close {
                return;
            }
            e.prevent_default();
            match command {
                Command::Next | Command::Previous => {
                    let delta = if command == Command::Next { 1 } else { -1 };
                    if let Some(uid) = state.neighbour(delta) {
                        if state.open.is_some() && state.pane == Pane::Message {
                            open_message.emit(uid);
                        } else {
                            act.emit(MailboxAction::CursorMoved(uid));
                        }
                    }
                }
                Command::Open => {
                    if let Some(uid) = state
                        .selection
                        .cursor
                        .or_else(|| state.order.first().copied())
                    {
                        open_message.emit(uid);
                    }
                }
                Command::Back => {
                    act.emit(MailboxAction::MessageClosed);
                    browser::focus(LIST_ID);
                }
                Command::Search => browser::focus(SEARCH_ID),
                Command::GoInbox => select_folder.emit(MailboxName::inbox()),
                Command::Help => act.emit(MailboxAction::OverlayOpened(Overlay::Shortcuts)),
                Command::Close => {
                    if state.overlay.is_some() {
                        act.emit(MailboxAction::OverlayClosed);
                    }
                }
                Command::SelectAll => act.emit(MailboxAction::AllSelected),
                Command::MarkRead => run.emit(MessageCommand::MarkRead(true)),
                Command::MarkUnread => run.emit(MessageCommand::MarkRead(false)),
                Command::Flag => run.emit(MessageCommand::ToggleFlag),
                Command::Delete => run.emit(MessageCommand::Delete),
                Command::Archive => run.emit(MessageCommand::Archive),
                Command::Junk => run.emit(MessageCommand::Junk),
                Command::MoveTo => {
                    if !state.targets().is_empty() {
                        act.emit(MailboxAction::OverlayOpened(Overlay::PickFolder {
                            copy: false,
                        }));
                    }
                }
            }
        })
    };
    use_keydown(onkey);

    let Some(session) = session else {
        return html! {};
    };
    let on_sign_out = session.sign_out.reform(|_: MouseEvent| ());
    let folder_label = state
        .selected_folder()
        .map(|f| AttrValue::from(f.label.clone()));

    let dark = match theme.as_deref() {
        Some(t) => t == "dark",
        None => browser::system_prefers_dark(),
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if dark { "light" } else { "dark" };
            browser::save_theme(next);
            theme.set(Some(next.to_string()));
        })
    };
    let set_width = |which: usize| {
        let widths = widths.clone();
        Callback::from(move |value: u32| {
            let mut next = *widths;
            if which == 0 {
                next.0 = value;
            } else {
                next.1 = value;
            }
            browser::save_layout(next);
            widths.set(next);
        })
    };
    let pane = match state.pane {
        Pane::Folders => "folders",
        Pane::List => "list",
        Pane::Message => "message",
    };
    let targets = state.targets();
    let all_read = !targets.is_empty()
        && targets
            .iter()
            .all(|&u| state.message(u).is_none_or(|m| m.seen));
    let all_flagged = !targets.is_empty()
        && targets
            .iter()
            .all(|&u| state.message(u).is_some_and(|m| m.flagged));
    let actions = html! {
        <ActionBar count={targets.len()} {all_read} {all_flagged}
            on_command={mailbox.command.clone()} act={act.clone()} />
    };
    let on_drop = mailbox
        .command
        .reform(|(target, uids)| MessageCommand::Drop { uids, target });

    html! {
        <div class="mail-app">
            <header class="top-bar">
                <div class="brand">
                    <img src="/icons/icon.svg" alt="" width="24" height="24" />
                    <span>{ "webimap" }</span>
                </div>
                <div class="account">
                    <span class="account-name" title={props.account.server.clone()}>
                        { format!("{} on {}", props.account.username, props.account.server) }
                    </span>
                    <button type="button" class="button secondary" onclick={act.reform(|_: MouseEvent| MailboxAction::OverlayOpened(Overlay::Settings))}>
                        { "Settings" }
                    </button>
                    <button type="button" class="button secondary icon-button" onclick={act.reform(|_: MouseEvent| MailboxAction::OverlayOpened(Overlay::Shortcuts))}
                        aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{ "?" }</button>
                    <button type="button" class="button secondary" aria-pressed={dark.to_string()} onclick={on_theme}>
                        { "Dark theme" }
                    </button>
                    <button type="button" class="button secondary" onclick={on_sign_out}>
                        { "Sign out" }
                    </button>
                </div>
            </header>
            <main class="panes" data-pane={pane} ref={panes.clone()}>
                <FolderList
                    folders={state.folders.clone()}
                    selected={state.selected.clone()}
                    on_select={mailbox.select_folder.clone()}
                    {on_drop}
                    on_manage={act.reform(|()| MailboxAction::OverlayOpened(Overlay::Folders))}
                />
                <Separator label="Resize folders" value={widths.0} min={FOLDERS_WIDTH.0} max={FOLDERS_WIDTH.2}
                    on_change={set_width(0)} />
                <MessageList
                    folder={folder_label}
                    messages={state.messages.clone()}
                    syncing={state.syncing}
                    order={state.order.clone()}
                    marks={state.marks.clone()}
                    view={state.view.clone()}
                    selection={state.selection.clone()}
                    open={state.open}
                    on_open={mailbox.open_message.clone()}
                    act={act.clone()}
                    {actions}
                />
                <Separator label="Resize message list" value={widths.1} min={LIST_WIDTH.0} max={LIST_WIDTH.2}
                    on_change={set_width(1)} />
                <MessageView
                    message={state.message.clone()}
                    reading={state.reading.clone()}
                    on_view={act.reform(MailboxAction::BodyViewChanged)}
                    on_allow_remote={act.reform(MailboxAction::RemoteAllowed)}
                    trusted_senders={state.trusted_senders.clone()}
                    on_trust_sender={mailbox.trust_sender.clone()}
                    on_download={mailbox.download.clone()}
                    on_view_attached={mailbox.view_attached.clone()}
                    on_view_source={mailbox.view_source.clone()}
                    on_back={act.reform(|()| MailboxAction::MessageClosed)}
                />
            </main>
            { overlay(&mailbox) }
            <ToastView toast={state.toast.clone()} on_undo={mailbox.undo.clone()}
                on_dismiss={act.reform(MailboxAction::ToastExpired)} />
        </div>
    }
}

fn overlay(mailbox: &MailboxHandle) -> Html {
    let state = &mailbox.state;
    let on_close = mailbox.act.reform(|()| MailboxAction::OverlayClosed);
    match state.overlay.as_ref() {
        None => html! {},
        Some(Overlay::Settings) => {
            let on = state.mark_read_on_open;
            let onchange = mailbox.set_mark_read_on_open.reform(move |_: Event| !on);
            html! {
                <Dialog title="Settings" {on_close}>
                    <label class="check">
                        <input type="checkbox" checked={on} {onchange} />
                        { " Mark messages read when opened" }
                    </label>
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
                .delete_forever
                .reform(move |_: MouseEvent| uids.clone());
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
                <FolderManager folders={state.folders.ready().cloned().unwrap_or_default()}
                    on_change={mailbox.manage_folder.clone()} />
            </Dialog>
        },
        Some(Overlay::PickFolder { copy }) => {
            let copy = *copy;
            let folders = state.folders.ready().cloned().unwrap_or_default();
            let current = state.selected.clone();
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
