//! [`use_place`]: keeps the view and the page's address in agreement (see
//! `state::place`): Back, Forward, a shared link or a reload open the folder and message
//! the address names; a view that changed on its own puts its place in the address.

use webimap_client::proto::types::mailbox::MailboxName;
use yew::prelude::*;
use yew_router::hooks::{use_navigator, use_route};

use super::tasks::Tasks;
use crate::{
    route::Route,
    state::{
        list::ViewAction,
        mailbox::{Mailbox, MailboxAction, Pane},
        place::{Agreement, Place, Sync},
        reader::ReaderAction,
    },
};

/// Follows the address; returns how to go somewhere (a new entry in the history).
#[hook]
pub(crate) fn use_place(
    state: &UseReducerHandle<Mailbox>,
    tasks: &Tasks,
    mark_read: bool,
) -> Callback<Place> {
    let navigator = use_navigator();
    let address = use_route::<Route>().unwrap_or(Route::Home).place();
    let view = state.place();
    let agreement = use_mut_ref(Agreement::default);
    {
        let (state, tasks, navigator) = (state.clone(), tasks.clone(), navigator.clone());
        use_effect_with((address, view.clone()), move |(address, view)| {
            let sync = agreement.borrow_mut().sync(address, view);
            match sync {
                Sync::Nothing => {}
                Sync::Show(place) => show(&tasks, &state, place, mark_read),
                Sync::Address(place) => {
                    if let Some(navigator) = &navigator {
                        navigator.replace(&Route::to(&place));
                    }
                }
            }
        });
    }
    use_callback(
        (navigator, view, tasks.clone()),
        |place: Place, (navigator, view, tasks)| {
            let Some(navigator) = navigator else { return };
            if place == *view {
                // Going where the user is: the message is shown (on a narrow screen), the
                // folder opened afresh.
                match place.folder {
                    Some(_) if place.message.is_some() => {
                        tasks.dispatch(MailboxAction::PaneShown(Pane::Message));
                    }
                    Some(folder) => {
                        tasks.open_folder(folder);
                    }
                    None => {}
                }
                return;
            }
            navigator.push(&Route::to(&place));
        },
    )
}

/// Opens what `place` names: its folder (INBOX without one) unless shown, its search
/// text, its message (or closes the open one).
fn show(tasks: &Tasks, mailbox: &Mailbox, place: Place, mark_read: bool) {
    let folder = place.folder.unwrap_or_else(MailboxName::inbox);
    let same_folder = mailbox.list.folder.as_ref() == Some(&folder);
    if !same_folder {
        tasks.open_folder(folder.clone());
    }
    if place.query != mailbox.list.view.query {
        tasks.dispatch(MailboxAction::View(ViewAction::QueryChanged(place.query)));
    }
    match place.message {
        Some(uid) if !same_folder || mailbox.reader.open != Some(uid) => {
            // In a folder just opened its rows are not here yet: it is not known whether
            // the message is unread, so it is not marked.
            let list = same_folder.then_some(&mailbox.list);
            tasks.open_message(&folder, list, uid, mark_read);
        }
        None if same_folder && mailbox.reader.open.is_some() => {
            tasks.dispatch(MailboxAction::Reader(ReaderAction::Closed));
        }
        _ => {}
    }
}
