//! The folder list.

use webimap_client::{
    model::Folder,
    proto::types::mailbox::{MailboxName, SpecialUse},
};
use yew::prelude::*;

use super::status::{Loading, PaneError};
use crate::state::loadable::Loadable;

/// Props of [`FolderList`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct FolderListProps {
    /// The folders, INBOX first.
    pub(crate) folders: Loadable<Vec<Folder>>,
    /// The selected folder.
    pub(crate) selected: Option<MailboxName>,
    /// A folder was clicked.
    pub(crate) on_select: Callback<MailboxName>,
}

/// `<nav aria-label="Folders">` with one button per folder, indented by depth.
#[function_component]
pub(crate) fn FolderList(props: &FolderListProps) -> Html {
    let body = match &props.folders {
        Loadable::Idle => html! {},
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(folders) => html! {
            <ul class="folder-list">
                { for folders.iter().map(|f| folder_item(f, props)) }
            </ul>
        },
    };
    html! {
        <nav class="pane folders" aria-label="Folders">
            <h2 class="pane-title">{ "Folders" }</h2>
            { body }
        </nav>
    }
}

fn folder_item(folder: &Folder, props: &FolderListProps) -> Html {
    let style = format!("--depth: {}", folder.depth);
    let icon = html! { <span class={classes!("folder-icon", icon_class(folder))} aria-hidden="true"></span> };
    if !folder.selectable {
        return html! {
            <li>
                <span class="folder folder-group" {style} title={folder.path.clone()}>
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
    html! {
        <li>
            <button type="button" class={classes!("folder", current.then_some("current"))} {style}
                title={folder.path.clone()} aria-current={current.then_some("true")} {onclick}>
                { icon }<span class="folder-label">{ folder.label.clone() }</span>
            </button>
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
