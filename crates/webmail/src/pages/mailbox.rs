//! The signed-in page: a top bar, then folders | message list | message.

use yew::prelude::*;

use crate::{
    app::SessionContext,
    components::{folder_list::FolderList, message_list::MessageList, message_view::MessageView},
    hooks::use_mailbox,
    services::Connection,
    state::session::Account,
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
    let connection_lost = session
        .as_ref()
        .map(|s| s.connection_lost.clone())
        .unwrap_or_default();
    let mailbox = use_mailbox(&props.conn, connection_lost);
    let Some(session) = session else {
        return html! {};
    };
    let state = &mailbox.state;
    let on_sign_out = session.sign_out.reform(|_: MouseEvent| ());
    let folder_label = state
        .selected_folder()
        .map(|f| AttrValue::from(f.label.clone()));

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
                    <button type="button" class="button secondary" onclick={on_sign_out}>
                        { "Sign out" }
                    </button>
                </div>
            </header>
            <div class="panes">
                <FolderList
                    folders={state.folders.clone()}
                    selected={state.selected.clone()}
                    on_select={mailbox.select_folder.clone()}
                />
                <MessageList
                    folder={folder_label}
                    messages={state.messages.clone()}
                    open={state.open}
                    on_open={mailbox.open_message.clone()}
                />
                <MessageView message={state.message.clone()} />
            </div>
        </div>
    }
}
