//! [`use_mailbox`]: folders, message lists and messages of a signed-in connection.

use wasm_bindgen_futures::spawn_local;
use webimap_client::{
    model::{AttachmentInfo, MessageContent},
    proto::types::mailbox::MailboxName,
};
use yew::prelude::*;

use super::use_session::report_lost;
use crate::{
    mail_html,
    services::{self, Connection},
    state::{
        loadable::Loadable,
        mailbox::{Mailbox, MailboxAction, initial_folder},
        message::Overlay,
    },
};

/// The signed-in view's state and what can be done in it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MailboxHandle {
    /// What is shown.
    pub(crate) state: UseReducerHandle<Mailbox>,
    /// Changes that need no server (sorting, filters, selection, panes, dialogs).
    pub(crate) act: Callback<MailboxAction>,
    /// Selects a folder and lists its messages.
    pub(crate) select_folder: Callback<MailboxName>,
    /// Opens a message of the selected folder by UID.
    pub(crate) open_message: Callback<u32>,
    /// Downloads an attachment of the open message.
    pub(crate) download: Callback<AttachmentInfo>,
    /// Shows a message attached to the open one (its section).
    pub(crate) view_attached: Callback<Vec<u32>>,
    /// Shows the open message's source.
    pub(crate) view_source: Callback<()>,
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

    let act = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };

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
        let connection_lost = connection_lost.clone();
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
                let inline: Vec<(String, Vec<u32>)> = match &result {
                    Ok(message) => inline_images(message),
                    Err(_) => Vec::new(),
                };
                dispatcher.dispatch(MailboxAction::MessageLoaded {
                    folder: folder.clone(),
                    uid,
                    result,
                });
                for (content_id, section) in inline {
                    match services::mailbox::fetch_inline_image(&conn, &folder, uid, &section).await
                    {
                        Ok(url) => dispatcher.dispatch(MailboxAction::InlineImageLoaded {
                            uid,
                            content_id,
                            url,
                        }),
                        Err(e) => report_lost(&e, &connection_lost),
                    }
                }
            });
        })
    };

    let download = {
        let conn = conn.clone();
        let (selected, open) = (state.selected.clone(), state.open);
        let connection_lost = connection_lost.clone();
        Callback::from(move |attachment: AttachmentInfo| {
            let (Some(folder), Some(uid)) = (selected.clone(), open) else {
                return;
            };
            let (conn, connection_lost) = (conn.clone(), connection_lost.clone());
            spawn_local(async move {
                match services::mailbox::fetch_part(&conn, &folder, uid, &attachment.section).await
                {
                    Ok(part) => {
                        let name = attachment
                            .filename
                            .or(part.filename)
                            .unwrap_or_else(|| "attachment".into());
                        let _ = services::browser::download(&part.data, &part.mime_type, &name);
                    }
                    Err(e) => report_lost(&e, &connection_lost),
                }
            });
        })
    };

    let view_attached = {
        let dispatcher = state.dispatcher();
        let conn = conn.clone();
        let (selected, open) = (state.selected.clone(), state.open);
        let connection_lost = connection_lost.clone();
        Callback::from(move |section: Vec<u32>| {
            let (Some(folder), Some(uid)) = (selected.clone(), open) else {
                return;
            };
            dispatcher.dispatch(MailboxAction::OverlayOpened(Overlay::Attached(
                Loadable::Loading,
            )));
            let (conn, dispatcher, connection_lost) =
                (conn.clone(), dispatcher.clone(), connection_lost.clone());
            spawn_local(async move {
                let result = services::mailbox::fetch_attached(&conn, &folder, uid, &section).await;
                if let Err(e) = &result {
                    report_lost(e, &connection_lost);
                }
                dispatcher.dispatch(MailboxAction::AttachedLoaded(result));
            });
        })
    };

    let view_source = {
        let dispatcher = state.dispatcher();
        let conn = conn.clone();
        let (selected, open) = (state.selected.clone(), state.open);
        Callback::from(move |()| {
            let (Some(folder), Some(uid)) = (selected.clone(), open) else {
                return;
            };
            dispatcher.dispatch(MailboxAction::OverlayOpened(Overlay::Source(
                Loadable::Loading,
            )));
            let (conn, dispatcher, connection_lost) =
                (conn.clone(), dispatcher.clone(), connection_lost.clone());
            spawn_local(async move {
                let result = services::mailbox::fetch_source(&conn, &folder, uid).await;
                if let Err(e) = &result {
                    report_lost(e, &connection_lost);
                }
                dispatcher.dispatch(MailboxAction::SourceLoaded(result));
            });
        })
    };

    MailboxHandle {
        state,
        act,
        select_folder,
        open_message,
        download,
        view_attached,
        view_source,
    }
}

/// The inline images the message's HTML refers to: (Content-ID, section).
fn inline_images(message: &MessageContent) -> Vec<(String, Vec<u32>)> {
    let Some(html) = &message.html else {
        return Vec::new();
    };
    let images: Vec<_> = message
        .inline_parts
        .iter()
        .filter(|p| p.mime_type.starts_with("image/"))
        .collect();
    let wanted = mail_html::referenced_cids(html, images.iter().map(|p| p.content_id.as_str()));
    images
        .into_iter()
        .filter(|p| wanted.contains(&p.content_id))
        .map(|p| (p.content_id.clone(), p.section.clone()))
        .collect()
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
