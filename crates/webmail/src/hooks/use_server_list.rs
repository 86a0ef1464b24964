//! [`use_server_list`]: asks the server about the message list as it is shown — a
//! debounced SEARCH while the user types, SORT for the keys the server orders better, and
//! THREAD in conversation view — and dispatches the answers. Each answer carries the
//! ticket of the folder opening it is for; the reducer drops answers for an opening, text
//! or key no longer shown.

use std::time::Duration;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::tasks::Tasks;
use crate::{
    services,
    state::{
        list::{ViewAction, view::search_words},
        mailbox::{Mailbox, MailboxAction},
        request::{Latest, Ticket},
    },
};

/// How long typing must pause before the server searches.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// Keeps the server's answers for the shown list current.
#[hook]
pub(crate) fn use_server_list(state: &UseReducerHandle<Mailbox>, tasks: &Tasks) {
    let list = &state.list;
    // The folder's size once all of it has loaded: new or removed messages ask for a
    // fresh SORT or THREAD (not each batch of a big folder).
    let count = list
        .messages
        .ready()
        .filter(|_| list.syncing.is_none())
        .map(|m| m.len());
    let words = search_words(&list.view.query);
    let searches = (*use_memo((), |()| Latest::default())).clone();
    let opening = (list.ticket, list.folder.clone());

    {
        let tasks = tasks.clone();
        use_effect_with(
            (opening.clone(), words),
            move |((ticket, folder), words)| {
                // A newer text (or folder) makes this search moot, even while it waits.
                let search = searches.start(&tasks.tickets);
                let ticket = *ticket;
                if let Some(folder) = folder.clone().filter(|_| !words.is_empty()) {
                    let words = words.clone();
                    spawn_local(async move {
                        yew::platform::time::sleep(SEARCH_DELAY).await;
                        if !searches.is(search) {
                            return;
                        }
                        let result = services::search::search(&tasks.conn, &folder, &words).await;
                        if let Err(e) = &result {
                            tasks.lost(e);
                        }
                        tasks.dispatch(MailboxAction::View(ViewAction::SearchAnswered {
                            ticket,
                            words,
                            uids: result.ok(),
                        }));
                    });
                }
            },
        );
    }

    {
        let tasks = tasks.clone();
        use_effect_with(
            (opening.clone(), list.view.sort, count),
            move |((ticket, folder), sort, count)| {
                let (ticket, sort) = (*ticket, *sort);
                if let (Some(folder), Some(_), true) =
                    (folder.clone(), count, services::search::may_sort(sort))
                {
                    spawn_local(async move {
                        match services::search::sort(&tasks.conn, &folder, sort).await {
                            Ok(Some(uids)) => {
                                tasks.dispatch(MailboxAction::View(ViewAction::SortAnswered {
                                    ticket,
                                    sort,
                                    uids,
                                }))
                            }
                            Ok(None) => {}
                            // The list keeps its own order.
                            Err(e) => tasks.lost(&e),
                        }
                    });
                }
            },
        );
    }

    {
        let tasks = tasks.clone();
        use_effect_with(
            (opening, list.view.conversations, count),
            move |((ticket, folder), on, count): &((Ticket, _), bool, Option<usize>)| {
                let ticket = *ticket;
                if let (Some(folder), true, Some(_)) = (folder.clone(), *on, count) {
                    spawn_local(async move {
                        match services::search::threads(&tasks.conn, &folder).await {
                            Ok(Some(threads)) => {
                                tasks.dispatch(MailboxAction::View(ViewAction::ThreadsAnswered {
                                    ticket,
                                    threads,
                                }))
                            }
                            // Conversations by subject, from the list itself.
                            Ok(None) => {}
                            Err(e) => tasks.lost(&e),
                        }
                    });
                }
            },
        );
    }
}
