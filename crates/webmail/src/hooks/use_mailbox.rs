//! [`use_mailbox`]: folders, message lists and messages of a signed-in connection.

use std::{cell::Cell, collections::HashSet, rc::Rc, time::Duration};

use wasm_bindgen_futures::spawn_local;
use webimap_client::{
    model::{AttachmentInfo, MessageContent},
    proto::types::mailbox::MailboxName,
};
use yew::prelude::*;

use super::{use_server_list::use_server_list, use_session::report_lost};
use crate::{
    mail_html,
    services::{self, Connection, mailbox::Watched},
    state::{
        actions::{Mark, MessageCommand, Plan, Toast, Undo, messages_text, moved_text},
        error::UiError,
        folders::{FolderChange, FolderOp, plan_folder_change},
        loadable::Loadable,
        mailbox::{Mailbox, MailboxAction, initial_folder},
        message::Overlay,
    },
};

/// How long a toast (and its Undo) stays.
const TOAST_TIME: Duration = Duration::from_secs(6);

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
    /// Acts on the selected messages (or the open one).
    pub(crate) command: Callback<MessageCommand>,
    /// Deletes messages for good (after the confirmation).
    pub(crate) delete_forever: Callback<Vec<u32>>,
    /// Takes a move back.
    pub(crate) undo: Callback<Undo>,
    /// Turns marking read on open on or off (remembered).
    pub(crate) set_mark_read_on_open: Callback<bool>,
    /// Creates, renames, deletes, shows or hides a folder.
    pub(crate) manage_folder: Callback<FolderChange>,
    /// Lets every message from this address load remote content (remembered).
    pub(crate) trust_sender: Callback<String>,
}

/// What the background tasks of the mailbox need.
#[derive(Clone)]
struct Tasks {
    conn: Connection,
    dispatcher: UseReducerDispatcher<Mailbox>,
    connection_lost: Callback<()>,
    toasts: Rc<Cell<u32>>,
}

impl Tasks {
    /// Shows a toast for a few seconds.
    fn toast(&self, text: String, undo: Option<Undo>, error: bool) {
        let id = self.toasts.get() + 1;
        self.toasts.set(id);
        self.dispatcher.dispatch(MailboxAction::ToastShown(Toast {
            id,
            text,
            undo,
            error,
        }));
        let dispatcher = self.dispatcher.clone();
        spawn_local(async move {
            yew::platform::time::sleep(TOAST_TIME).await;
            dispatcher.dispatch(MailboxAction::ToastExpired(id));
        });
    }

    /// Reports a failed action: a toast, and sign-in again if the connection is gone.
    fn failed(&self, what: &str, error: &UiError) {
        report_lost(error, &self.connection_lost);
        self.toast(format!("{what}: {error}"), None, true);
    }

    /// Opens a dialog that shows `loading`, then what `load` brings (or why not).
    fn load_overlay<T: 'static>(
        &self,
        loading: Overlay,
        load: impl Future<Output = Result<T, UiError>> + 'static,
        loaded: fn(Result<T, UiError>) -> MailboxAction,
    ) {
        self.dispatcher
            .dispatch(MailboxAction::OverlayOpened(loading));
        let (dispatcher, lost) = (self.dispatcher.clone(), self.connection_lost.clone());
        spawn_local(async move {
            let result = load.await;
            if let Err(e) = &result {
                report_lost(e, &lost);
            }
            dispatcher.dispatch(loaded(result));
        });
    }

    /// Fresh folder counts.
    async fn refresh_folders(&self) {
        if let Ok(folders) = services::mailbox::list_folders(&self.conn, true).await {
            self.dispatcher
                .dispatch(MailboxAction::FoldersRefreshed(folders));
        }
    }
}

/// Lists the folders on mount and opens INBOX; `connection_lost` is called when the
/// connection breaks.
#[hook]
pub(crate) fn use_mailbox(conn: &Connection, connection_lost: Callback<()>) -> MailboxHandle {
    let state = use_reducer(|| Mailbox {
        mark_read_on_open: services::browser::load_mark_read_on_open(),
        trusted_senders: Rc::new(services::browser::load_trusted_senders()),
        ..Mailbox::default()
    });
    let toasts: Rc<Cell<u32>> = (*use_memo((), |()| Rc::new(Cell::new(0_u32)))).clone();
    let tasks = Tasks {
        conn: conn.clone(),
        dispatcher: state.dispatcher(),
        connection_lost: connection_lost.clone(),
        toasts,
    };
    use_server_list(&state, conn, &connection_lost);

    {
        let dispatcher = state.dispatcher();
        let connection_lost = connection_lost.clone();
        let tasks = tasks.clone();
        use_effect_with(conn.clone(), move |conn| {
            let conn = conn.clone();
            dispatcher.dispatch(MailboxAction::FoldersLoading);
            // Every account has an INBOX: it opens at once and the folder list queues
            // behind it on the one connection, so the first rows come first.
            spawn_local(load_folder(tasks.clone(), MailboxName::inbox()));
            spawn_local(async move {
                let folders = services::mailbox::list_folders(&conn, false).await;
                let first = folders.as_ref().ok().and_then(|f| initial_folder(f));
                if let Err(e) = &folders {
                    report_lost(e, &connection_lost);
                }
                dispatcher.dispatch(MailboxAction::FoldersLoaded(folders));
                // A server whose INBOX cannot be opened: the first folder that can.
                if let Some(folder) = first.filter(|f| !f.is_inbox()) {
                    load_folder(tasks, folder).await;
                }
            });
        });
    }

    let act = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };

    let select_folder = {
        let tasks = tasks.clone();
        Callback::from(move |folder: MailboxName| {
            spawn_local(load_folder(tasks.clone(), folder));
        })
    };

    let open_message = {
        let dispatcher = state.dispatcher();
        let conn = conn.clone();
        let selected = state.selected.clone();
        let connection_lost = connection_lost.clone();
        let mark_read = state.mark_read_on_open;
        let tasks = tasks.clone();
        let current = state.clone();
        let summary_unread = move |uid: u32| current.message(uid).is_some_and(|m| !m.seen);
        Callback::from(move |uid: u32| {
            let Some(folder) = selected.clone() else {
                return;
            };
            dispatcher.dispatch(MailboxAction::MessageOpened(uid));
            let unread = mark_read && summary_unread(uid);
            if unread {
                dispatcher.dispatch(MailboxAction::Marked {
                    uids: vec![uid],
                    mark: Mark::Seen,
                    on: true,
                });
            }
            let (conn, dispatcher, connection_lost) =
                (conn.clone(), dispatcher.clone(), connection_lost.clone());
            let tasks = tasks.clone();
            spawn_local(async move {
                let result = services::mailbox::open_message(&conn, &folder, uid).await;
                if unread {
                    let marked =
                        services::mailbox::mark(&conn, &folder, &[uid], Mark::Seen, true).await;
                    if let Err(e) = marked {
                        dispatcher.dispatch(MailboxAction::Marked {
                            uids: vec![uid],
                            mark: Mark::Seen,
                            on: false,
                        });
                        tasks.failed("Could not mark the message read", &e);
                    }
                }
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
        let tasks = tasks.clone();
        let (selected, open) = (state.selected.clone(), state.open);
        Callback::from(move |section: Vec<u32>| {
            let (Some(folder), Some(uid)) = (selected.clone(), open) else {
                return;
            };
            let conn = tasks.conn.clone();
            tasks.load_overlay(
                Overlay::Attached(Loadable::Loading),
                async move { services::mailbox::fetch_attached(&conn, &folder, uid, &section).await },
                MailboxAction::AttachedLoaded,
            );
        })
    };

    let view_source = {
        let tasks = tasks.clone();
        let (selected, open) = (state.selected.clone(), state.open);
        Callback::from(move |()| {
            let (Some(folder), Some(uid)) = (selected.clone(), open) else {
                return;
            };
            let conn = tasks.conn.clone();
            tasks.load_overlay(
                Overlay::Source(Loadable::Loading),
                async move { services::mailbox::fetch_source(&conn, &folder, uid).await },
                MailboxAction::SourceLoaded,
            );
        })
    };

    let command = {
        let tasks = tasks.clone();
        let state = state.clone();
        Callback::from(move |command: MessageCommand| {
            let Some(folder) = state.selected.clone() else {
                return;
            };
            match state.plan(command) {
                Plan::Nothing => {}
                Plan::Refuse(text) => tasks.toast(text, None, true),
                Plan::ConfirmDelete(uids) => tasks
                    .dispatcher
                    .dispatch(MailboxAction::OverlayOpened(Overlay::ConfirmDelete(uids))),
                Plan::Flag { uids, mark, on } => {
                    let before = state.summaries(&uids);
                    tasks.dispatcher.dispatch(MailboxAction::Marked {
                        uids: uids.clone(),
                        mark,
                        on,
                    });
                    let tasks = tasks.clone();
                    spawn_local(async move {
                        if let Err(e) =
                            services::mailbox::mark(&tasks.conn, &folder, &uids, mark, on).await
                        {
                            tasks.dispatcher.dispatch(MailboxAction::Restored {
                                folder,
                                messages: before,
                            });
                            tasks.failed("The server refused the change", &e);
                        }
                    });
                }
                Plan::Move { uids, target, kind } => {
                    let before = state.summaries(&uids);
                    let label = folder_label(&state, &target);
                    tasks.dispatcher.dispatch(MailboxAction::Removed {
                        folder: folder.clone(),
                        uids: uids.clone(),
                    });
                    let tasks = tasks.clone();
                    spawn_local(async move {
                        match services::mailbox::move_messages(&tasks.conn, &folder, &uids, &target)
                            .await
                        {
                            Ok(undo) => {
                                tasks.toast(moved_text(kind, uids.len(), &label), undo, false);
                                tasks.refresh_folders().await;
                            }
                            Err(e) => {
                                tasks.dispatcher.dispatch(MailboxAction::Restored {
                                    folder,
                                    messages: before,
                                });
                                tasks.failed("The messages could not be moved", &e);
                            }
                        }
                    });
                }
                Plan::Copy { uids, target } => {
                    let label = folder_label(&state, &target);
                    let tasks = tasks.clone();
                    spawn_local(async move {
                        match services::mailbox::copy_messages(&tasks.conn, &folder, &uids, &target)
                            .await
                        {
                            Ok(()) => {
                                let what = messages_text(uids.len());
                                tasks.toast(format!("{what} copied to {label}"), None, false);
                                tasks.refresh_folders().await;
                            }
                            Err(e) => tasks.failed("The messages could not be copied", &e),
                        }
                    });
                }
            }
        })
    };

    let delete_forever = {
        let tasks = tasks.clone();
        let state = state.clone();
        Callback::from(move |uids: Vec<u32>| {
            let Some(folder) = state.selected.clone() else {
                return;
            };
            tasks.dispatcher.dispatch(MailboxAction::OverlayClosed);
            let before = state.summaries(&uids);
            tasks.dispatcher.dispatch(MailboxAction::Removed {
                folder: folder.clone(),
                uids: uids.clone(),
            });
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::mailbox::delete_messages(&tasks.conn, &folder, &uids).await {
                    Ok(()) => {
                        let what = messages_text(uids.len());
                        tasks.toast(format!("{what} deleted for good"), None, false);
                        tasks.refresh_folders().await;
                    }
                    Err(e) => {
                        tasks.dispatcher.dispatch(MailboxAction::Restored {
                            folder,
                            messages: before,
                        });
                        tasks.failed("The messages could not be deleted", &e);
                    }
                }
            });
        })
    };

    let undo = {
        let tasks = tasks.clone();
        Callback::from(move |undo: Undo| {
            tasks
                .dispatcher
                .dispatch(MailboxAction::ToastExpired(tasks.toasts.get()));
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::mailbox::undo_move(&tasks.conn, &undo).await {
                    Ok(messages) => {
                        tasks.dispatcher.dispatch(MailboxAction::Restored {
                            folder: undo.source.clone(),
                            messages,
                        });
                        tasks.toast("Undone".into(), None, false);
                        tasks.refresh_folders().await;
                    }
                    Err(e) => tasks.failed("Could not undo", &e),
                }
            });
        })
    };

    let trust_sender = {
        let dispatcher = state.dispatcher();
        let trusted = state.trusted_senders.clone();
        Callback::from(move |address: String| {
            let mut all = (*trusted).clone();
            all.insert(address.to_lowercase());
            services::browser::save_trusted_senders(&all);
            dispatcher.dispatch(MailboxAction::SenderTrusted(address));
        })
    };

    let set_mark_read_on_open = {
        let dispatcher = state.dispatcher();
        Callback::from(move |on: bool| {
            services::browser::save_mark_read_on_open(on);
            dispatcher.dispatch(MailboxAction::MarkReadOnOpenSet(on));
        })
    };

    let manage_folder = {
        let tasks = tasks.clone();
        let state = state.clone();
        Callback::from(move |change: FolderChange| {
            let folders = state.folders.ready().cloned().unwrap_or_default();
            let op = match plan_folder_change(&folders, change) {
                Ok(op) => op,
                Err(why) => return tasks.toast(why, None, true),
            };
            if let FolderOp::Subscribe { name, on } = &op {
                tasks.dispatcher.dispatch(MailboxAction::FolderShown {
                    folder: name.clone(),
                    on: *on,
                });
            }
            let shown = state.selected.clone();
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::folders::apply(&tasks.conn, &op).await {
                    Ok(()) => {
                        tasks.toast(op.done_text(), None, false);
                        tasks.refresh_folders().await;
                        // The folder shown was renamed or deleted: show its new name or INBOX.
                        let reopen = match &op {
                            FolderOp::Rename { from, to } if shown.as_ref() == Some(from) => {
                                Some(to.clone())
                            }
                            FolderOp::Delete(name) if shown.as_ref() == Some(name) => {
                                Some(MailboxName::inbox())
                            }
                            _ => None,
                        };
                        if let Some(folder) = reopen {
                            load_folder(tasks, folder).await;
                        }
                    }
                    Err(e) => {
                        tasks.failed("The folder could not be changed", &e);
                        tasks.refresh_folders().await;
                    }
                }
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
        command,
        delete_forever,
        undo,
        set_mark_read_on_open,
        manage_folder,
        trust_sender,
    }
}

/// How a folder is called in toasts.
fn folder_label(state: &Mailbox, name: &MailboxName) -> String {
    state
        .folders
        .ready()
        .and_then(|f| f.iter().find(|f| &f.name == name))
        .map_or_else(|| name.display().into_owned(), |f| f.label.clone())
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

/// Opens `folder`: its newest messages at once, the others in batches (with progress),
/// then keeps it live.
async fn load_folder(tasks: Tasks, folder: MailboxName) {
    tasks
        .dispatcher
        .dispatch(MailboxAction::FolderSelected(folder.clone()));
    let opened = match services::mailbox::open_folder(&tasks.conn, &folder).await {
        Ok(opened) => opened,
        Err(e) => {
            report_lost(&e, &tasks.connection_lost);
            tasks.dispatcher.dispatch(MailboxAction::MessagesLoaded {
                folder,
                result: Err(e),
            });
            return;
        }
    };
    let have: HashSet<u32> = opened.first.iter().map(|m| m.uid).collect();
    let generation = opened.generation;
    let syncing = (opened.total > have.len()).then_some(opened.total);
    // Progress first, so the incomplete list does not count for the folder's counts.
    tasks.dispatcher.dispatch(MailboxAction::Syncing {
        folder: folder.clone(),
        total: syncing,
    });
    tasks.dispatcher.dispatch(MailboxAction::MessagesLoaded {
        folder: folder.clone(),
        result: Ok(opened.first),
    });
    // Let the first rows show before the rest of a big folder keeps the page busy; then
    // the counts (cheap now: the folder is open on the server).
    services::browser::painted().await;
    tasks.refresh_folders().await;
    let on_batch = |messages| {
        tasks.dispatcher.dispatch(MailboxAction::Restored {
            folder: folder.clone(),
            messages,
        });
    };
    let on_sizes = |sizes| {
        tasks.dispatcher.dispatch(MailboxAction::SizesLoaded {
            folder: folder.clone(),
            sizes,
        });
    };
    let loaded =
        services::mailbox::load_rest(&tasks.conn, generation, &have, &on_sizes, &on_batch).await;
    if !matches!(loaded, Ok(false)) {
        tasks.dispatcher.dispatch(MailboxAction::Syncing {
            folder: folder.clone(),
            total: None,
        });
    }
    match loaded {
        Ok(true) => watch(tasks, folder, generation).await,
        Ok(false) => {}
        Err(e) => tasks.failed("Not every message of the folder could be listed", &e),
    }
}

/// Keeps the folder opened as `generation` live until another folder is opened: changes
/// from other clients become actions; user actions interrupt the IDLE and it resumes.
async fn watch(tasks: Tasks, folder: MailboxName, generation: u64) {
    // The folder's own counts follow from its messages.
    let on_change = |change| {
        tasks.dispatcher.dispatch(MailboxAction::Live {
            folder: folder.clone(),
            changes: vec![change],
        });
    };
    loop {
        match services::mailbox::watch_once(&tasks.conn, generation, &on_change).await {
            Ok(Watched::Again) => {}
            Ok(Watched::Reset) => {
                Box::pin(load_folder(tasks.clone(), folder.clone())).await;
                return;
            }
            Ok(Watched::Over) => return,
            Err(e) => {
                report_lost(&e, &tasks.connection_lost);
                return;
            }
        }
    }
}
