//! [`use_mailbox`]: the signed-in view's state — the panes, the dialogs and toasts — and
//! what can be done in it, by concern: local changes, dialogs, going somewhere (through
//! the address), commands on messages, fetching parts of the open message, undo, folder
//! management.

use wasm_bindgen_futures::spawn_local;
use webimap_client::model::AttachmentInfo;
use yew::prelude::*;
use yew_router::hooks::use_route;

use super::{
    tasks::Tasks, use_place::use_place, use_prefs::PrefsContext, use_server_list::use_server_list,
};
use crate::{
    route::Route,
    services::{self, Connection},
    state::{
        actions::{MessageCommand, Plan, Undo, messages_text, moved_text},
        folders::{FolderChange, FolderOp, plan_folder_change},
        list::{ListAction, change::Change},
        loadable::Loadable,
        mailbox::{Mailbox, MailboxAction},
        overlay::{Overlay, OverlayAction, Overlays},
        place::Place,
        request::{Ticket, Tickets},
    },
};

/// What the reader asks of the open message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fetch {
    /// Download an attachment.
    Attachment(AttachmentInfo),
    /// Show a message attached to it (its section).
    Attached(Vec<u32>),
    /// Show its source.
    Source,
}

/// The signed-in view's state and what can be done in it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MailboxHandle {
    /// The panes.
    pub(crate) state: UseReducerHandle<Mailbox>,
    /// The dialog and the toast.
    pub(crate) overlays: UseReducerHandle<Overlays>,
    /// Changes that need no server (view, selection, reading choices, pane).
    pub(crate) dispatch: Callback<MailboxAction>,
    /// Opens and closes dialogs, dismisses toasts.
    pub(crate) overlay: Callback<OverlayAction>,
    /// Goes to a folder, a message, a search (through the address, so Back returns).
    pub(crate) go: Callback<Place>,
    /// Acts on the selected messages (or the open one).
    pub(crate) command: Callback<MessageCommand>,
    /// Fetches a part of the open message.
    pub(crate) fetch: Callback<Fetch>,
    /// Takes a move back.
    pub(crate) undo: Callback<Undo>,
    /// Creates, renames, deletes, shows or hides a folder.
    pub(crate) manage_folder: Callback<FolderChange>,
}

/// Lists the folders on mount and opens the place the address names (INBOX without
/// one); `connection_lost` is called when the connection breaks.
#[hook]
pub(crate) fn use_mailbox(conn: &Connection, connection_lost: Callback<()>) -> MailboxHandle {
    let state = use_reducer(Mailbox::default);
    let overlays = use_reducer(Overlays::default);
    let tickets = (*use_memo((), |()| Tickets::default())).clone();
    let mark_read = use_context::<PrefsContext>().is_none_or(|p| p.state.mark_read_on_open);
    let tasks = Tasks {
        conn: conn.clone(),
        mailbox: state.dispatcher(),
        overlays: overlays.dispatcher(),
        tickets,
        connection_lost,
    };
    use_server_list(&state, &tasks);
    let go = use_place(&state, &tasks, mark_read);
    {
        // The folder named by the address (or INBOX) opens at once, through `use_place`;
        // the folder list queues behind it on the one connection.
        let named = use_route::<Route>().is_some_and(|r| r.place().folder.is_some());
        let tasks = tasks.clone();
        use_effect_with(conn.clone(), move |_| tasks.list_folders_at_start(!named));
    }

    let dispatch = use_callback(state.dispatcher(), |action, dispatcher| {
        dispatcher.dispatch(action);
    });
    let overlay = use_callback(overlays.dispatcher(), |action, dispatcher| {
        dispatcher.dispatch(action);
    });
    let command = use_callback((state.clone(), tasks.clone()), |command, (state, tasks)| {
        run(tasks, state, command)
    });
    let fetch = use_callback((state.clone(), tasks.clone()), |fetch, (state, tasks)| {
        fetch_part(tasks, state, fetch);
    });
    let undo = use_callback(
        (state.clone(), overlays.clone(), tasks.clone()),
        |undo: Undo, (state, overlays, tasks)| {
            if let Some(toast) = &overlays.toast {
                tasks
                    .overlays
                    .dispatch(OverlayAction::ToastExpired(toast.ticket));
            }
            // The messages come back into the list if their folder is still shown then.
            let shown = state.list.folder.as_ref() == Some(&undo.source);
            let ticket = if shown {
                state.list.ticket
            } else {
                Ticket::default()
            };
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::mailbox::undo_move(&tasks.conn, &undo).await {
                    Ok(messages) => {
                        tasks.dispatch(MailboxAction::List(ListAction::Returned {
                            ticket,
                            messages,
                        }));
                        tasks.toast("Undone".into(), None, false);
                        tasks.list_folders(true).await;
                    }
                    Err(e) => tasks.failed("Could not undo", &e),
                }
            });
        },
    );
    let manage_folder = use_callback((state.clone(), tasks.clone()), |change, (state, tasks)| {
        manage(tasks, state, change)
    });

    MailboxHandle {
        state,
        overlays,
        dispatch,
        overlay,
        go,
        command,
        fetch,
        undo,
        manage_folder,
    }
}

/// Carries out `command` on the view `state` shows.
fn run(tasks: &Tasks, state: &Mailbox, command: MessageCommand) {
    let Some(folder) = state.list.folder.clone() else {
        return;
    };
    let conn = tasks.conn.clone();
    match state.plan(command) {
        Plan::Nothing => {}
        Plan::Refuse(text) => tasks.toast(text, None, true),
        Plan::ConfirmDelete(uids) => tasks
            .overlays
            .dispatch(OverlayAction::Shown(Overlay::ConfirmDelete(uids))),
        Plan::Flag { uids, mark, on } => {
            let change = Change::Flag {
                uids: uids.clone(),
                mark,
                on,
            };
            let request =
                async move { services::mailbox::mark(&conn, &folder, &uids, mark, on).await };
            let failure = "The server refused the change";
            tasks.change_then_confirm(&state.list, change, request, failure, |_, ()| async {});
        }
        Plan::Move { uids, target, kind } => {
            let label = state.folders.label(&target);
            let n = uids.len();
            let change = Change::Remove(uids.clone());
            let request = async move {
                services::mailbox::move_messages(&conn, &folder, &uids, &target).await
            };
            let failure = "The messages could not be moved";
            tasks.change_then_confirm(
                &state.list,
                change,
                request,
                failure,
                move |tasks, undo| async move {
                    tasks.toast(moved_text(kind, n, &label), undo, false);
                    tasks.list_folders(true).await;
                },
            );
        }
        Plan::DeleteForGood(uids) => {
            tasks.overlays.dispatch(OverlayAction::Closed);
            let n = uids.len();
            let change = Change::Remove(uids.clone());
            let request =
                async move { services::mailbox::delete_messages(&conn, &folder, &uids).await };
            let failure = "The messages could not be deleted";
            tasks.change_then_confirm(
                &state.list,
                change,
                request,
                failure,
                move |tasks, ()| async move {
                    let what = messages_text(n);
                    tasks.toast(format!("{what} deleted for good"), None, false);
                    tasks.list_folders(true).await;
                },
            );
        }
        Plan::Copy { uids, target } => {
            let label = state.folders.label(&target);
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::mailbox::copy_messages(&conn, &folder, &uids, &target).await {
                    Ok(()) => {
                        let what = messages_text(uids.len());
                        tasks.toast(format!("{what} copied to {label}"), None, false);
                        tasks.list_folders(true).await;
                    }
                    Err(e) => tasks.failed("The messages could not be copied", &e),
                }
            });
        }
    }
}

/// Fetches a part of the open message.
fn fetch_part(tasks: &Tasks, state: &Mailbox, fetch: Fetch) {
    let (Some(folder), Some(uid)) = (state.list.folder.clone(), state.reader.open) else {
        return;
    };
    let conn = tasks.conn.clone();
    match fetch {
        Fetch::Attachment(attachment) => {
            let tasks = tasks.clone();
            spawn_local(async move {
                match services::mailbox::fetch_part(&conn, &folder, uid, &attachment.section).await
                {
                    Ok(part) => {
                        let name = attachment
                            .filename
                            .or(part.filename)
                            .unwrap_or_else(|| "attachment".into());
                        if let Err(why) =
                            services::browser::download(&part.data, &part.mime_type, &name)
                        {
                            tasks.toast(format!("The download failed: {why}"), None, true);
                        }
                    }
                    Err(e) => tasks.failed("The attachment could not be fetched", &e),
                }
            });
        }
        Fetch::Attached(section) => tasks.load_overlay(
            Overlay::Attached(Loadable::Loading),
            async move { services::mailbox::fetch_attached(&conn, &folder, uid, &section).await },
            |ticket, result| OverlayAction::AttachedLoaded { ticket, result },
        ),
        Fetch::Source => tasks.load_overlay(
            Overlay::Source(Loadable::Loading),
            async move { services::mailbox::fetch_source(&conn, &folder, uid).await },
            |ticket, result| OverlayAction::SourceLoaded { ticket, result },
        ),
    }
}

/// Creates, renames, deletes, shows or hides a folder.
fn manage(tasks: &Tasks, state: &Mailbox, change: FolderChange) {
    let op = match plan_folder_change(state.folders.list(), change) {
        Ok(op) => op,
        Err(why) => return tasks.toast(why, None, true),
    };
    if let FolderOp::Subscribe { name, on } = &op {
        tasks.dispatch(MailboxAction::Folders(
            crate::state::folder_pane::FolderAction::Shown {
                folder: name.clone(),
                on: *on,
            },
        ));
    }
    let shown = state.list.folder.clone();
    let tasks = tasks.clone();
    spawn_local(async move {
        match services::folders::apply(&tasks.conn, &op).await {
            Ok(()) => {
                tasks.toast(op.done_text(), None, false);
                tasks.list_folders(true).await;
                // The folder shown was renamed or deleted: show its new name or INBOX
                // (the address follows the view).
                let reopen = match &op {
                    FolderOp::Rename { from, to } if shown.as_ref() == Some(from) => {
                        Some(to.clone())
                    }
                    FolderOp::Delete(name) if shown.as_ref() == Some(name) => {
                        Some(webimap_client::proto::types::mailbox::MailboxName::inbox())
                    }
                    _ => None,
                };
                if let Some(folder) = reopen {
                    tasks.open_folder(folder);
                }
            }
            Err(e) => {
                tasks.failed("The folder could not be changed", &e);
                tasks.list_folders(true).await;
            }
        }
    });
}
