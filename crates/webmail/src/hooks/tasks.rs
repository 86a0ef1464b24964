//! [`Tasks`]: what the mailbox's background work needs — the connection, the two
//! reducers' dispatchers, the tickets — and that work: opening a folder (first rows, the
//! rest in batches, then watching it live), opening a message, listing folders, toasts,
//! dialogs that load, and the one way a change is shown at once and taken back if the
//! server refuses it ([`Tasks::change_then_confirm`]).

use std::{collections::HashSet, time::Duration};

use futures::channel::oneshot;
use wasm_bindgen_futures::spawn_local;
use webimap_client::{model::MessageContent, proto::types::mailbox::MailboxName};
use yew::prelude::*;

use super::use_session::report_lost;
use crate::{
    mail_html,
    services::{self, Connection, mailbox::Watched},
    state::{
        actions::{Mark, Undo},
        error::UiError,
        folder_pane::{FolderAction, initial_folder},
        list::{ListAction, Listing, change::Change},
        mailbox::{Mailbox, MailboxAction},
        overlay::{OverlayAction, Overlays, Toast},
        reader::ReaderAction,
        request::{Ticket, Tickets},
    },
};

/// How long a toast (and its Undo) stays.
const TOAST_TIME: Duration = Duration::from_secs(6);

/// What the background tasks of the mailbox need (cheap to clone).
#[derive(Clone)]
pub(crate) struct Tasks {
    /// The connection.
    pub(crate) conn: Connection,
    /// The panes' reducer.
    pub(crate) mailbox: UseReducerDispatcher<Mailbox>,
    /// The dialogs' and toasts' reducer.
    pub(crate) overlays: UseReducerDispatcher<Overlays>,
    /// Hands out the tickets of requests.
    pub(crate) tickets: Tickets,
    /// Ends the session when the connection is gone.
    pub(crate) connection_lost: Callback<()>,
}

impl PartialEq for Tasks {
    fn eq(&self, other: &Self) -> bool {
        self.conn == other.conn
            && self.mailbox == other.mailbox
            && self.overlays == other.overlays
            && self.connection_lost == other.connection_lost
    }
}

impl std::fmt::Debug for Tasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tasks")
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl Tasks {
    /// Dispatches to the panes.
    pub(crate) fn dispatch(&self, action: MailboxAction) {
        self.mailbox.dispatch(action);
    }

    fn list(&self, action: ListAction) {
        self.dispatch(MailboxAction::List(action));
    }

    /// Reports a failure: a lost connection ends the session.
    pub(crate) fn lost(&self, error: &UiError) {
        report_lost(error, &self.connection_lost);
    }

    /// Shows a toast for a few seconds.
    pub(crate) fn toast(&self, text: String, undo: Option<Undo>, error: bool) {
        let ticket = self.tickets.next();
        self.overlays.dispatch(OverlayAction::ToastShown(Toast {
            ticket,
            text,
            undo,
            error,
        }));
        let overlays = self.overlays.clone();
        spawn_local(async move {
            yew::platform::time::sleep(TOAST_TIME).await;
            overlays.dispatch(OverlayAction::ToastExpired(ticket));
        });
    }

    /// Reports a failed action: a toast, and sign-in again if the connection is gone.
    pub(crate) fn failed(&self, what: &str, error: &UiError) {
        self.lost(error);
        self.toast(format!("{what}: {error}"), None, true);
    }

    /// Opens a dialog that shows `dialog` (loading), then what `load` brings (or why not).
    pub(crate) fn load_overlay<T: 'static>(
        &self,
        dialog: crate::state::overlay::Overlay,
        load: impl Future<Output = Result<T, UiError>> + 'static,
        loaded: fn(Ticket, Result<T, UiError>) -> OverlayAction,
    ) {
        let ticket = self.tickets.next();
        self.overlays
            .dispatch(OverlayAction::Loading { dialog, ticket });
        let tasks = self.clone();
        spawn_local(async move {
            let result = load.await;
            if let Err(e) = &result {
                tasks.lost(e);
            }
            tasks.overlays.dispatch(loaded(ticket, result));
        });
    }

    /// Shows `change` at once, asks the server with `request`, and takes the change back
    /// (saying `failure` and why) if the server refuses. `done` gets the server's answer.
    pub(crate) fn change_then_confirm<T: 'static, D: Future<Output = ()> + 'static>(
        &self,
        list: &Listing,
        change: Change,
        request: impl Future<Output = Result<T, UiError>> + 'static,
        failure: &'static str,
        done: impl FnOnce(Tasks, T) -> D + 'static,
    ) {
        let (apply, revert) = list.optimistic(change);
        self.list(apply);
        let tasks = self.clone();
        spawn_local(async move {
            match request.await {
                Ok(answer) => done(tasks, answer).await,
                Err(e) => {
                    tasks.list(revert);
                    tasks.failed(failure, &e);
                }
            }
        });
    }

    /// Lists the folders (with counts once a folder is open: cheap then) into the pane.
    pub(crate) async fn list_folders(
        &self,
        counts: bool,
    ) -> Option<Vec<webimap_client::model::Folder>> {
        let result = services::mailbox::list_folders(&self.conn, counts).await;
        if let Err(e) = &result {
            self.lost(e);
        }
        let folders = result.as_ref().ok().cloned();
        self.dispatch(MailboxAction::Folders(FolderAction::Listed(result)));
        folders
    }

    /// Lists the folders at sign-in; `first` (when the address names no folder) opens the
    /// first folder that can be opened if INBOX cannot.
    pub(crate) fn list_folders_at_start(&self, first: bool) {
        self.dispatch(MailboxAction::Folders(FolderAction::Loading));
        let tasks = self.clone();
        spawn_local(async move {
            let folders = tasks.list_folders(false).await;
            let start = folders.as_deref().and_then(initial_folder);
            if first && let Some(folder) = start.filter(|f| !f.is_inbox()) {
                tasks.open_folder(folder);
            }
        });
    }

    /// Opens `folder`: its newest messages at once, the others in batches (with progress),
    /// then keeps it live. Returns the opening's ticket.
    pub(crate) fn open_folder(&self, folder: MailboxName) -> Ticket {
        let ticket = self.tickets.next();
        self.list(ListAction::Opened {
            folder: folder.clone(),
            ticket,
        });
        spawn_local(load_folder(self.clone(), folder, ticket));
        ticket
    }

    /// Opens message `uid` of `folder` (the folder shown, whose rows are `list` if they
    /// are here), marking it read if `mark_read` and it is unread.
    pub(crate) fn open_message(
        &self,
        folder: &MailboxName,
        list: Option<&Listing>,
        uid: u32,
        mark_read: bool,
    ) {
        let folder = folder.clone();
        let ticket = self.tickets.next();
        self.dispatch(MailboxAction::Reader(ReaderAction::Opened { uid, ticket }));
        // Marked read at once; the server is told after the message is fetched (so it
        // shows first).
        let (fetched, then_mark) = oneshot::channel::<()>();
        if let Some(list) = list.filter(|l| mark_read && l.message(uid).is_some_and(|m| !m.seen)) {
            let conn = self.conn.clone();
            let folder = folder.clone();
            let mark = async move {
                let _ = then_mark.await;
                services::mailbox::mark(&conn, &folder, &[uid], Mark::Seen, true).await
            };
            let seen = Change::Flag {
                uids: vec![uid],
                mark: Mark::Seen,
                on: true,
            };
            let failure = "Could not mark the message read";
            self.change_then_confirm(list, seen, mark, failure, |_, ()| async {});
        }
        let tasks = self.clone();
        spawn_local(async move {
            let result = services::mailbox::open_message(&tasks.conn, &folder, uid).await;
            let _ = fetched.send(());
            if let Err(e) = &result {
                tasks.lost(e);
            }
            let inline = match &result {
                Ok(message) => inline_images(message),
                Err(_) => Vec::new(),
            };
            tasks.dispatch(MailboxAction::Reader(ReaderAction::Loaded {
                ticket,
                result,
            }));
            for (content_id, section) in inline {
                match services::mailbox::fetch_inline_image(&tasks.conn, &folder, uid, &section)
                    .await
                {
                    Ok(url) => {
                        tasks.dispatch(MailboxAction::Reader(ReaderAction::InlineImageLoaded {
                            ticket,
                            content_id,
                            url,
                        }))
                    }
                    Err(e) => tasks.lost(&e),
                }
            }
        });
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

/// Loads the folder opened as `ticket`: its newest messages, then the rest in batches,
/// then watches it.
async fn load_folder(tasks: Tasks, folder: MailboxName, ticket: Ticket) {
    let opened = match services::mailbox::open_folder(&tasks.conn, &folder).await {
        Ok(opened) => opened,
        Err(e) => {
            tasks.lost(&e);
            tasks.list(ListAction::Loaded {
                ticket,
                result: Err(e),
            });
            return;
        }
    };
    let have: HashSet<u32> = opened.first.iter().map(|m| m.uid).collect();
    let generation = opened.generation;
    let syncing = (opened.total > have.len()).then_some(opened.total);
    // Progress first, so the incomplete list does not count for the folder's counts.
    tasks.list(ListAction::Syncing {
        ticket,
        total: syncing,
    });
    tasks.list(ListAction::Loaded {
        ticket,
        result: Ok(opened.first),
    });
    // Let the first rows show before the rest of a big folder keeps the page busy; then
    // the counts (cheap now: the folder is open on the server).
    services::browser::painted().await;
    tasks.list_folders(true).await;
    let on_batch = |messages| tasks.list(ListAction::BatchLoaded { ticket, messages });
    let on_sizes = |sizes| tasks.list(ListAction::SizesLoaded { ticket, sizes });
    let loaded =
        services::mailbox::load_rest(&tasks.conn, generation, &have, &on_sizes, &on_batch).await;
    if !matches!(loaded, Ok(false)) {
        tasks.list(ListAction::Syncing {
            ticket,
            total: None,
        });
    }
    match loaded {
        Ok(true) => watch(tasks, folder, generation, ticket).await,
        Ok(false) => {}
        Err(e) => tasks.failed("Not every message of the folder could be listed", &e),
    }
}

/// Keeps the folder opened as `generation` live until another folder is opened: changes
/// from other clients become actions; user actions interrupt the IDLE and it resumes.
async fn watch(tasks: Tasks, folder: MailboxName, generation: u64, ticket: Ticket) {
    let on_change = |change| {
        tasks.list(ListAction::Live {
            ticket,
            changes: vec![change],
        });
    };
    loop {
        match services::mailbox::watch_once(&tasks.conn, generation, &on_change).await {
            Ok(Watched::Again) => {}
            Ok(Watched::Reset) => {
                // The folder was replaced on the server: open it afresh.
                tasks.open_folder(folder);
                return;
            }
            Ok(Watched::Over) => return,
            Err(e) => {
                tasks.lost(&e);
                return;
            }
        }
    }
}
