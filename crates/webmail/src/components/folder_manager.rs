//! The "Manage folders" dialog's content: a form for a new folder (name and parent), then
//! every folder with "Show in folder list" (subscription), Rename (inline) and Delete
//! (after a confirmation). Changes are checked here first, so mistakes are explained next
//! to the form; the server's refusals come as toasts.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use webimap_client::{model::Folder, proto::types::mailbox::MailboxName};
use yew::prelude::*;

use crate::state::folders::{FolderChange, plan_folder_change};

/// Props of [`FolderManager`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct FolderManagerProps {
    /// Every folder, subscribed or not.
    pub(crate) folders: Vec<Folder>,
    /// A checked change to carry out.
    pub(crate) on_change: Callback<FolderChange>,
}

/// The dialog body.
#[function_component]
pub(crate) fn FolderManager(props: &FolderManagerProps) -> Html {
    let new_name = use_node_ref();
    let parent = use_node_ref();
    let renaming = use_state(|| None::<MailboxName>);
    let deleting = use_state(|| None::<MailboxName>);
    let error = use_state(|| None::<String>);

    // Checks a change; on success it goes out and the form state resets.
    let submit = {
        let (folders, on_change) = (props.folders.clone(), props.on_change.clone());
        let (renaming, deleting, error) = (renaming.clone(), deleting.clone(), error.clone());
        Callback::from(move |change: FolderChange| {
            match plan_folder_change(&folders, change.clone()) {
                Ok(_) => {
                    error.set(None);
                    renaming.set(None);
                    deleting.set(None);
                    on_change.emit(change);
                }
                Err(why) => error.set(Some(why)),
            }
        })
    };

    let on_create = {
        let (new_name, parent, folders) = (new_name.clone(), parent.clone(), props.folders.clone());
        let submit = submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = new_name.cast::<HtmlInputElement>() else {
                return;
            };
            let parent = parent
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
                .and_then(|i| folders.get(i))
                .map(|f| f.name.clone());
            submit.emit(FolderChange::Create {
                parent,
                label: input.value(),
            });
            input.set_value("");
        })
    };

    html! {
        <div class="folder-manager">
            <form class="folder-create" onsubmit={on_create}>
                <label class="field">
                    <span>{ "New folder" }</span>
                    <input id="new-folder-name" ref={new_name} type="text" autocomplete="off" />
                </label>
                <label class="field">
                    <span>{ "Inside" }</span>
                    <select ref={parent}>
                        <option value="" selected=true>{ "(top level)" }</option>
                        { for props.folders.iter().enumerate().map(|(i, f)| html! {
                            <option value={i.to_string()}>{ f.path.clone() }</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="button">{ "Create" }</button>
            </form>
            if let Some(why) = &*error {
                <p class="form-error" role="alert">{ why.clone() }</p>
            }
            <ul class="folder-manage-list" aria-label="All folders">
                { for props.folders.iter().map(|f| folder_row(f, &renaming, &deleting, &submit)) }
            </ul>
        </div>
    }
}

fn folder_row(
    folder: &Folder,
    renaming: &UseStateHandle<Option<MailboxName>>,
    deleting: &UseStateHandle<Option<MailboxName>>,
    submit: &Callback<FolderChange>,
) -> Html {
    let inbox = folder.is_inbox();
    let path = folder.path.clone();
    let depth = super::depth_class(folder.depth);
    let name = folder.name.clone();
    let label = html! {
        <span class={classes!("folder-manage-name", depth)} title={path.clone()}>{ folder.label.clone() }</span>
    };

    if renaming.as_ref() == Some(&folder.name) {
        let input = NodeRef::default();
        let onsubmit = {
            let (input, submit, name) = (input.clone(), submit.clone(), name.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if let Some(i) = input.cast::<HtmlInputElement>() {
                    submit.emit(FolderChange::Rename {
                        folder: name.clone(),
                        label: i.value(),
                    });
                }
            })
        };
        let cancel = {
            let renaming = renaming.clone();
            Callback::from(move |_: MouseEvent| renaming.set(None))
        };
        return html! {
            <li class="folder-manage-row">
                <form class="folder-rename" {onsubmit}>
                    <input ref={input} type="text" value={folder.label.clone()}
                        aria-label={format!("New name for {path}")} autocomplete="off" />
                    <button type="submit" class="button">{ "Save" }</button>
                    <button type="button" class="button secondary" onclick={cancel}>{ "Cancel" }</button>
                </form>
            </li>
        };
    }

    let shown = inbox || folder.subscribed != Some(false);
    let on_show = {
        let (submit, name) = (submit.clone(), name.clone());
        Callback::from(move |_: Event| {
            submit.emit(FolderChange::Subscribe {
                folder: name.clone(),
                on: !shown,
            });
        })
    };
    let on_rename = {
        let (renaming, deleting, name) = (renaming.clone(), deleting.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            deleting.set(None);
            renaming.set(Some(name.clone()));
        })
    };
    let on_delete = {
        let (renaming, deleting, name) = (renaming.clone(), deleting.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            renaming.set(None);
            deleting.set(Some(name.clone()));
        })
    };
    let confirm = (deleting.as_ref() == Some(&folder.name)).then(|| {
        let on_yes = {
            let (submit, name) = (submit.clone(), name.clone());
            Callback::from(move |_: MouseEvent| submit.emit(FolderChange::Delete(name.clone())))
        };
        let on_no = {
            let deleting = deleting.clone();
            Callback::from(move |_: MouseEvent| deleting.set(None))
        };
        html! {
            <div class="folder-confirm" role="alert">
                <span>{ format!("Delete {path} and all its messages? This cannot be undone.") }</span>
                <button type="button" class="button danger" onclick={on_yes}>{ "Delete folder" }</button>
                <button type="button" class="button secondary" onclick={on_no}>{ "Cancel" }</button>
            </div>
        }
    });
    html! {
        <li class="folder-manage-row">
            { label }
            <label class="check">
                <input type="checkbox" checked={shown} disabled={inbox} onchange={on_show}
                    aria-label={format!("Show {path} in the folder list")} />
                <span aria-hidden="true">{ " Show" }</span>
            </label>
            <button type="button" class="button secondary" disabled={inbox} onclick={on_rename}
                aria-label={format!("Rename {path}")}>{ "Rename" }</button>
            <button type="button" class="button secondary" disabled={inbox} onclick={on_delete}
                aria-label={format!("Delete {path}")}>{ "Delete" }</button>
            { for confirm }
        </li>
    }
}
