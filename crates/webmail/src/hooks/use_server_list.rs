//! [`use_server_list`]: asks the server about the message list as it is shown — a
//! debounced SEARCH while the user types, SORT for the keys the server orders better, and
//! THREAD in conversation view — and dispatches the answers. Each answer names what it is
//! for; the reducer drops answers for a folder, text or key no longer shown.

use std::{cell::Cell, rc::Rc, time::Duration};

use wasm_bindgen_futures::spawn_local;
use webimap_client::proto::types::mailbox::MailboxName;
use yew::prelude::*;

use super::use_session::report_lost;
use crate::{
    services::{self, Connection},
    state::{
        list::{SortKey, search_words},
        mailbox::{Mailbox, MailboxAction},
    },
};

/// How long typing must pause before the server searches.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// Keeps the server's answers for the shown list current.
#[hook]
pub(crate) fn use_server_list(
    state: &UseReducerHandle<Mailbox>,
    conn: &Connection,
    connection_lost: &Callback<()>,
) {
    // The folder's size once all of it has loaded: new or removed messages ask for a
    // fresh SORT or THREAD (not each batch of a big folder).
    let count = state
        .messages
        .ready()
        .filter(|_| state.syncing.is_none())
        .map(|m| m.len());
    let words = search_words(&state.view.query);
    let searches: Rc<Cell<u64>> = (*use_memo((), |()| Rc::new(Cell::new(0_u64)))).clone();

    {
        let (dispatcher, conn, lost) = (state.dispatcher(), conn.clone(), connection_lost.clone());
        use_effect_with(
            (state.selected.clone(), words),
            move |(folder, words): &(Option<MailboxName>, Vec<String>)| {
                // A newer text (or folder) makes this search moot, even while it waits.
                let id = searches.get() + 1;
                searches.set(id);
                if let Some(folder) = folder.clone().filter(|_| !words.is_empty()) {
                    let words = words.clone();
                    spawn_local(async move {
                        yew::platform::time::sleep(SEARCH_DELAY).await;
                        if searches.get() != id {
                            return;
                        }
                        let result = services::search::search(&conn, &folder, &words).await;
                        if let Err(e) = &result {
                            report_lost(e, &lost);
                        }
                        dispatcher.dispatch(MailboxAction::SearchAnswered {
                            folder,
                            words,
                            uids: result.ok(),
                        });
                    });
                }
            },
        );
    }

    {
        let (dispatcher, conn, lost) = (state.dispatcher(), conn.clone(), connection_lost.clone());
        use_effect_with(
            (state.selected.clone(), state.view.sort, count),
            move |(folder, sort, count): &(Option<MailboxName>, SortKey, Option<usize>)| {
                let sort = *sort;
                if let (Some(folder), Some(_), true) =
                    (folder.clone(), count, services::search::may_sort(sort))
                {
                    spawn_local(async move {
                        match services::search::sort(&conn, &folder, sort).await {
                            Ok(Some(uids)) => dispatcher.dispatch(MailboxAction::SortAnswered {
                                folder,
                                sort,
                                uids,
                            }),
                            Ok(None) => {}
                            // The list keeps its own order.
                            Err(e) => report_lost(&e, &lost),
                        }
                    });
                }
            },
        );
    }

    {
        let (dispatcher, conn, lost) = (state.dispatcher(), conn.clone(), connection_lost.clone());
        use_effect_with(
            (state.selected.clone(), state.view.conversations, count),
            move |(folder, on, count): &(Option<MailboxName>, bool, Option<usize>)| {
                if let (Some(folder), true, Some(_)) = (folder.clone(), *on, count) {
                    spawn_local(async move {
                        match services::search::threads(&conn, &folder).await {
                            Ok(Some(threads)) => {
                                dispatcher
                                    .dispatch(MailboxAction::ThreadsAnswered { folder, threads });
                            }
                            // Conversations by subject, from the list itself.
                            Ok(None) => {}
                            Err(e) => report_lost(&e, &lost),
                        }
                    });
                }
            },
        );
    }
}
