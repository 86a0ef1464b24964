//! The signed-in page: a top bar, then folders | message list | message, with draggable
//! separators; on narrow screens one pane at a time; the dialogs and the toast. It lays
//! out what the hooks give it: keyboard shortcuts, preferences and the panes' widths are
//! hooks' business.

use webimap_client::{
    compose::ReplyMode,
    proto::types::mailbox::{MailboxName, SpecialUse},
};
use yew::prelude::*;

use super::dialogs::dialog;
use crate::{
    components::{
        action_bar::ActionBar,
        compose::ComposeDock,
        folder_list::FolderList,
        message_list::MessageList,
        message_view::{Answer, MessageView},
        separator::Separator,
        toast::ToastView,
    },
    hooks::{
        Fetch, PrefsContext, SessionContext,
        use_compose::{Open, use_compose},
        use_mailbox, use_pane_widths, use_shortcuts,
    },
    services::Connection,
    state::{
        actions::MessageCommand,
        mailbox::{MailboxAction, Pane},
        overlay::{Overlay, OverlayAction},
        place::Place,
        prefs::{Column, FOLDERS_WIDTH, LIST_WIDTH, PrefsAction, Theme},
        reader::ReaderAction,
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

/// The three panes.
#[function_component]
pub(crate) fn MailboxPage(props: &MailboxPageProps) -> Html {
    let session = use_context::<SessionContext>();
    let prefs = use_context::<PrefsContext>();
    let connection_lost = session
        .as_ref()
        .map(|s| s.connection_lost.clone())
        .unwrap_or_default();
    let mailbox = use_mailbox(&props.conn, connection_lost);
    let undo_seconds = prefs
        .as_ref()
        .map_or(crate::state::prefs::UNDO_SEND_DEFAULT, |p| {
            p.state.undo_send_seconds
        });
    let compose = use_compose(&props.conn, &props.account, &mailbox, undo_seconds);
    use_shortcuts(&mailbox, &compose.open);
    let panes = use_node_ref();
    let widths = prefs
        .as_ref()
        .map_or((FOLDERS_WIDTH.1, LIST_WIDTH.1), |p| p.state.widths);
    use_pane_widths(&panes, widths);

    let (Some(session), Some(prefs)) = (session, prefs) else {
        return html! {};
    };
    let state = &mailbox.state;
    let dispatch = mailbox.dispatch.clone();
    let overlay = mailbox.overlay.clone();
    let here = state.place();
    let on_sign_out = session.sign_out.reform(|_: MouseEvent| ());
    let folder_label = state
        .selected_folder()
        .map(|f| AttrValue::from(f.label.clone()));

    let dark = prefs.state.is_dark(prefs.system_dark);
    let on_theme = prefs.change.reform(move |_: MouseEvent| {
        PrefsAction::ThemeChosen(if dark { Theme::Light } else { Theme::Dark })
    });
    let resize = |column| {
        prefs
            .change
            .reform(move |w| PrefsAction::Resized(column, w))
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
            .all(|&u| state.list.message(u).is_none_or(|m| m.seen));
    let all_flagged = !targets.is_empty()
        && targets
            .iter()
            .all(|&u| state.list.message(u).is_some_and(|m| m.flagged));
    let actions = html! {
        <ActionBar count={targets.len()} {all_read} {all_flagged}
            on_command={mailbox.command.clone()}
            on_pick_folder={overlay.reform(|copy| OverlayAction::Shown(Overlay::PickFolder { copy }))} />
    };
    let on_drop = mailbox
        .command
        .reform(|(target, uids)| MessageCommand::Drop { uids, target });
    let on_select_folder = {
        let (query, go, dispatch) = (here.query.clone(), mailbox.go.clone(), dispatch.clone());
        Callback::from(move |folder: MailboxName| {
            dispatch.emit(MailboxAction::PaneShown(Pane::List));
            go.emit(Place {
                folder: Some(folder),
                message: None,
                query: query.clone(),
            });
        })
    };
    let on_open = {
        let here = here.clone();
        mailbox.go.reform(move |uid| Place {
            message: Some(uid),
            ..here.clone()
        })
    };
    let on_back = mailbox.go.reform(move |()| Place {
        message: None,
        ..here.clone()
    });
    let show =
        |dialog: Overlay| overlay.reform(move |_: MouseEvent| OverlayAction::Shown(dialog.clone()));
    let on_compose = compose.open.reform(|_: MouseEvent| Open::New);
    let on_answer = compose.open.reform(|answer| match answer {
        Answer::Reply => Open::Reply(ReplyMode::Sender),
        Answer::ReplyAll => Open::Reply(ReplyMode::All),
        Answer::Forward => Open::Forward,
        Answer::EditDraft => Open::Draft,
    });
    let is_draft = state.selected_folder().is_some_and(|f| {
        f.special_use == Some(SpecialUse::Drafts)
            || (f.special_use.is_none() && f.path.eq_ignore_ascii_case("Drafts"))
    });

    html! {
        <div class="mail-app">
            <header class="top-bar">
                <div class="brand">
                    <img src="/icons/icon.svg" alt="" width="24" height="24" />
                    <span>{ "webimap" }</span>
                </div>
                <button type="button" class="button primary compose-button" onclick={on_compose}
                    title="Write a new message (c)">{ "Compose" }</button>
                <div class="account">
                    <span class="account-name" title={props.account.server.clone()}>
                        { format!("{} on {}", props.account.username, props.account.server) }
                    </span>
                    <button type="button" class="button secondary" onclick={show(Overlay::Settings)}>
                        { "Settings" }
                    </button>
                    <button type="button" class="button secondary icon-button" onclick={show(Overlay::Shortcuts)}
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
                    folders={state.folders.folders.clone()}
                    selected={state.list.folder.clone()}
                    on_select={on_select_folder}
                    {on_drop}
                    on_manage={overlay.reform(|()| OverlayAction::Shown(Overlay::Folders))}
                />
                <Separator label="Resize folders" value={widths.0} min={FOLDERS_WIDTH.0} max={FOLDERS_WIDTH.2}
                    on_change={resize(Column::Folders)} />
                <MessageList
                    folder={folder_label}
                    messages={state.list.messages.clone()}
                    syncing={state.list.syncing}
                    order={state.list.order.clone()}
                    marks={state.list.marks.clone()}
                    view={state.list.view.clone()}
                    selection={state.list.selection.clone()}
                    open={state.reader.open}
                    {on_open}
                    act={dispatch.clone()}
                    {actions}
                />
                <Separator label="Resize message list" value={widths.1} min={LIST_WIDTH.0} max={LIST_WIDTH.2}
                    on_change={resize(Column::List)} />
                <MessageView
                    message={state.reader.message.clone()}
                    reading={state.reader.reading.clone()}
                    on_view={dispatch.reform(|v| MailboxAction::Reader(ReaderAction::BodyViewChanged(v)))}
                    on_allow_remote={dispatch.reform(|uid| MailboxAction::Reader(ReaderAction::RemoteAllowed(uid)))}
                    trusted_senders={prefs.state.trusted_senders.clone()}
                    on_trust_sender={prefs.change.reform(PrefsAction::SenderTrusted)}
                    on_download={mailbox.fetch.reform(Fetch::Attachment)}
                    on_view_attached={mailbox.fetch.reform(Fetch::Attached)}
                    on_view_source={mailbox.fetch.reform(|()| Fetch::Source)}
                    {on_back}
                    {on_answer}
                    {is_draft}
                />
            </main>
            { dialog(&mailbox, &prefs, &compose) }
            <ComposeDock composes={compose.state.list.clone()} book={compose.book.clone()}
                identities={compose.identities.clone()} on_edit={compose.edit.clone()}
                on_send={compose.send.clone()} on_undo={compose.undo.clone()}
                on_minimise={compose.minimise.clone()} on_close={compose.close.clone()}
                on_attach={compose.attach.clone()} />
            <ToastView toast={mailbox.overlays.toast.clone()} on_undo={mailbox.undo.clone()}
                on_dismiss={overlay.reform(OverlayAction::ToastExpired)} />
        </div>
    }
}
