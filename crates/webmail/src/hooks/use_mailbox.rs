//! [`use_mailbox`]: folders, message lists and messages of a signed-in connection.

use wasm_bindgen_futures::spawn_local;
use webimap_client::proto::types::mailbox::MailboxName;
use yew::prelude::*;

use super::use_session::report_lost;
use crate::{
    services::{self, Connection},
    state::mailbox::{Mailbox, MailboxAction, initial_folder},
};

/// The signed-in view's state and what can be done in it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MailboxHandle {
    /// What is shown.
    pub(crate) state: UseReducerHandle<Mailbox>,
    /// Selects a folder and lists its messages.
    pub(crate) select_folder: Callback<MailboxName>,
    /// Opens a message of the selected folder by UID.
    pub(crate) open_message: Callback<u32>,
}

/// Lists the folders on mount and opens INBOX; `connection_lost` is called when the
/// connection breaks.
#[hook]
pub(crate) fn use_mailbox(conn: &Connection, connection_lost: Callback<()>) -> MailboxHandle {
    let state = use_reducer(Mailbox::default);

    {
        let dispatcher = state.dispatcher();
        let connection_lost = connection_lost.clone();
        use_effect_with(conn.clone(), move |conn| {
            let conn = conn.clone();
            dispatcher.dispatch(MailboxAction::FoldersLoading);
            spawn_local(async move {
                let folders = services::mailbox::list_folders(&conn).await;
                let first = folders.as_ref().ok().and_then(|f| initial_folder(f));
                if let Err(e) = &folders {
                    report_lost(e, &connection_lost);
                }
                dispatcher.dispatch(MailboxAction::FoldersLoaded(folders));
                if let Some(folder) = first {
                    load_folder(conn, folder, dispatcher, connection_lost).await;
                }
            });
        });
    }

    let select_folder = {
        let dispatcher = state.dispatcher();
        let conn = conn.clone();
        let connection_lost = connection_lost.clone();
        Callback::from(move |folder: MailboxName| {
            spawn_local(load_folder(
                conn.clone(),
                folder,
                dispatcher.clone(),
                connection_lost.clone(),
            ));
        })
    };

    let open_message = {
        let dispatcher = state.dispatcher();
        let conn = conn.clone();
        let selected = state.selected.clone();
        Callback::from(move |uid: u32| {
            let Some(folder) = selected.clone() else {
                return;
            };
            dispatcher.dispatch(MailboxAction::MessageOpened(uid));
            let (conn, dispatcher, connection_lost) =
                (conn.clone(), dispatcher.clone(), connection_lost.clone());
            spawn_local(async move {
                let result = services::mailbox::open_message(&conn, &folder, uid).await;
                if let Err(e) = &result {
                    report_lost(e, &connection_lost);
                }
                dispatcher.dispatch(MailboxAction::MessageLoaded {
                    folder,
                    uid,
                    result,
                });
            });
        })
    };

    MailboxHandle {
        state,
        select_folder,
        open_message,
    }
}

async fn load_folder(
    conn: Connection,
    folder: MailboxName,
    dispatcher: UseReducerDispatcher<Mailbox>,
    connection_lost: Callback<()>,
) {
    dispatcher.dispatch(MailboxAction::FolderSelected(folder.clone()));
    let result = services::mailbox::open_folder(&conn, &folder).await;
    if let Err(e) = &result {
        report_lost(e, &connection_lost);
    }
    dispatcher.dispatch(MailboxAction::MessagesLoaded { folder, result });
}
