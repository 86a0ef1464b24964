//! The folder list.

use webimap_client::{
    model::Folder,
    proto::types::mailbox::{MailboxName, SpecialUse},
};
use yew::prelude::*;

use super::{
    message_list::DRAG_TYPE,
    status::{Loading, PaneError},
};
use crate::state::{folders::shown_folders, loadable::Loadable};

/// Props of [`FolderList`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct FolderListProps {
    /// The folders, INBOX first.
    pub(crate) folders: Loadable<Vec<Folder>>,
    /// The selected folder.
    pub(crate) selected: Option<MailboxName>,
    /// A folder was clicked.
    pub(crate) on_select: Callback<MailboxName>,
    /// Messages (UIDs of the selected folder) were dropped on a folder.
    pub(crate) on_drop: Callback<(MailboxName, Vec<u32>)>,
    /// "Manage folders" was pressed.
    pub(crate) on_manage: Callback<()>,
}

/// `<nav aria-label="Folders">` with one button per shown (subscribed) folder, indented by
/// depth, and "Manage folders".
#[function_component]
pub(crate) fn FolderList(props: &FolderListProps) -> Html {
    let body = match &props.folders {
        Loadable::Idle => html! {},
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(folders) => html! {
            <ul class="folder-list">
                { for shown_folders(folders).into_iter().map(|f| folder_item(f, props)) }
            </ul>
        },
    };
    html! {
        <nav class="pane folders" aria-label="Folders">
            <h2 class="pane-title">{ "Folders" }</h2>
            { body }
            if props.folders.ready().is_some() {
                <button type="button" class="button secondary manage-folders"
                    onclick={props.on_manage.reform(|_: MouseEvent| ())}>{ "Manage folders" }</button>
            }
        </nav>
    }
}

fn folder_item(folder: &Folder, props: &FolderListProps) -> Html {
    let depth = super::depth_class(folder.depth);
    let icon = html! { <span class={classes!("folder-icon", icon_class(folder))} aria-hidden="true"></span> };
    if !folder.selectable {
        return html! {
            <li>
                <span class={classes!("folder", "folder-group", depth.clone())} title={folder.path.clone()}>
                    { icon }<span class="folder-label">{ folder.label.clone() }</span>
                </span>
            </li>
        };
    }
    let current = props.selected.as_ref() == Some(&folder.name);
    let onclick = {
        let name = folder.name.clone();
        props.on_select.reform(move |_: MouseEvent| name.clone())
    };
    let ondragover = Callback::from(|e: DragEvent| {
        let ours = e
            .data_transfer()
            .is_some_and(|dt| dt.types().includes(&DRAG_TYPE.into(), 0));
        if ours {
            e.prevent_default();
        }
    });
    let ondrop = {
        let name = folder.name.clone();
        let on_drop = props.on_drop.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let data = e
                .data_transfer()
                .and_then(|dt| dt.get_data(DRAG_TYPE).ok())
                .unwrap_or_default();
            let uids: Vec<u32> = data.split(',').filter_map(|u| u.parse().ok()).collect();
            if !uids.is_empty() {
                on_drop.emit((name.clone(), uids));
            }
        })
    };
    let unseen = folder.unseen.filter(|&n| n > 0);
    html! {
        <li class="folder-item">
            <button type="button" class={classes!("folder", current.then_some("current"), depth)}
                title={folder.path.clone()} aria-current={current.then_some("true")} {onclick}
                {ondragover} {ondrop}>
                { icon }<span class="folder-label">{ folder.label.clone() }</span>
            </button>
            // Outside the button, so its name stays the folder's name.
            if let Some(n) = unseen {
                <span class="folder-count">
                    { n }<span class="visually-hidden">{ " unread" }</span>
                </span>
            }
        </li>
    }
}

fn icon_class(folder: &Folder) -> &'static str {
    if folder.is_inbox() {
        return "icon-inbox";
    }
    match folder.special_use {
        Some(SpecialUse::Sent) => "icon-sent",
        Some(SpecialUse::Drafts) => "icon-drafts",
        Some(SpecialUse::Trash) => "icon-trash",
        Some(SpecialUse::Junk) => "icon-junk",
        Some(SpecialUse::Archive) => "icon-archive",
        _ => "icon-folder",
    }
}
