//! The compose panes: the one in front (a panel at the bottom right; the whole screen on
//! narrow screens) and a bar for each minimised one. From, To, Cc, Bcc, Subject, the
//! message (plain text, or the rich-text editor), attachments (picker or drop), Send with
//! its undo delay, and why a send failed.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use webimap_client::compose::Mailbox;
use yew::prelude::*;

use super::rich_editor::RichEditor;
use crate::{
    compose_html,
    format::size,
    state::{
        address_book::{AddressBook, parse_recipients},
        compose::{Compose, Edit, Field, Stage},
        identity::Identity,
    },
};

/// The files of a file list (from a picker or a drop), taken at once: the list empties
/// when its input is cleared, and a drop's data is readable only during the event.
fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Props of [`ComposeDock`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct ComposeDockProps {
    /// The composes open.
    pub(crate) composes: Vec<Compose>,
    /// Addresses for suggestions.
    pub(crate) book: Rc<AddressBook>,
    /// The identities to send as.
    pub(crate) identities: Rc<Vec<Identity>>,
    /// A field changed.
    pub(crate) on_edit: Callback<(u32, Edit)>,
    /// Send, with what is still typed in the recipient fields.
    pub(crate) on_send: Callback<(u32, Vec<(Field, String)>)>,
    /// Undo a send that waits.
    pub(crate) on_undo: Callback<u32>,
    /// Minimise or restore.
    pub(crate) on_minimise: Callback<(u32, bool)>,
    /// Close.
    pub(crate) on_close: Callback<u32>,
    /// Files to attach.
    pub(crate) on_attach: Callback<(u32, Vec<web_sys::File>)>,
}

/// Every compose: the one in front, and bars for the minimised.
#[function_component]
pub(crate) fn ComposeDock(props: &ComposeDockProps) -> Html {
    if props.composes.is_empty() {
        return html! {};
    }
    let front = props.composes.iter().find(|c| !c.minimised);
    html! {
        <div class="compose-dock">
            <ul class="compose-bars" aria-label="Messages being written">
                { for props.composes.iter().filter(|c| c.minimised).map(|c| {
                    let id = c.id;
                    let onclick = props.on_minimise.reform(move |_: MouseEvent| (id, false));
                    html! {
                        <li><button type="button" class="compose-bar" {onclick}
                            aria-label={format!("Restore {}", c.title())}>{ c.title().to_string() }</button></li>
                    }
                }) }
            </ul>
            if let Some(c) = front {
                <ComposePane key={c.id} compose={c.clone()} book={props.book.clone()}
                    identities={props.identities.clone()} on_edit={props.on_edit.clone()}
                    on_send={props.on_send.clone()} on_undo={props.on_undo.clone()}
                    on_minimise={props.on_minimise.clone()} on_close={props.on_close.clone()}
                    on_attach={props.on_attach.clone()} />
            }
        </div>
    }
}

/// Props of [`ComposePane`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct ComposePaneProps {
    /// The compose.
    pub(crate) compose: Compose,
    /// Addresses for suggestions.
    pub(crate) book: Rc<AddressBook>,
    /// The identities.
    pub(crate) identities: Rc<Vec<Identity>>,
    /// See [`ComposeDockProps`].
    pub(crate) on_edit: Callback<(u32, Edit)>,
    /// See [`ComposeDockProps`].
    pub(crate) on_send: Callback<(u32, Vec<(Field, String)>)>,
    /// See [`ComposeDockProps`].
    pub(crate) on_undo: Callback<u32>,
    /// See [`ComposeDockProps`].
    pub(crate) on_minimise: Callback<(u32, bool)>,
    /// See [`ComposeDockProps`].
    pub(crate) on_close: Callback<u32>,
    /// See [`ComposeDockProps`].
    pub(crate) on_attach: Callback<(u32, Vec<web_sys::File>)>,
}

/// One compose, in front.
#[function_component]
pub(crate) fn ComposePane(props: &ComposePaneProps) -> Html {
    let c = &props.compose;
    let id = c.id;
    let inputs = [use_node_ref(), use_node_ref(), use_node_ref()];
    let file_input = use_node_ref();
    let show_copies = use_state(|| !c.cc.is_empty() || !c.bcc.is_empty());
    let first = use_node_ref();
    {
        // The focus goes to To when it is empty, else to the message, when the pane opens.
        let target = if c.to.is_empty() {
            inputs[0].clone()
        } else {
            first.clone()
        };
        use_effect_with((), move |()| {
            if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
                if let Some(area) = target.cast::<HtmlTextAreaElement>() {
                    let _ = area.set_selection_range(0, 0);
                }
            }
        });
    }
    let busy = c.stage != Stage::Editing;
    let edit =
        |make: fn(String) -> Edit| props.on_edit.reform(move |value: String| (id, make(value)));
    let send = {
        let (on_send, inputs) = (props.on_send.clone(), inputs.clone());
        Callback::from(move |()| {
            let typed = Field::ALL
                .into_iter()
                .zip(&inputs)
                .filter_map(|(field, input)| {
                    let el = input.cast::<HtmlInputElement>()?;
                    let text = el.value();
                    // Addresses become chips; anything else stays to be corrected.
                    if parse_recipients(&text).is_ok() {
                        el.set_value("");
                    }
                    (!text.trim().is_empty()).then_some((field, text))
                })
                .collect();
            on_send.emit((id, typed));
        })
    };
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    let on_from = {
        let (identities, on_edit) = (props.identities.clone(), props.on_edit.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(identity) = identities.iter().find(|i| i.address == value) {
                on_edit.emit((id, Edit::From(identity.mailbox())));
            }
        })
    };
    let on_subject = edit(Edit::Subject)
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_text = edit(Edit::Text)
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let rich = c.html.is_some();
    let on_mode = {
        let (on_edit, text) = (props.on_edit.clone(), c.text.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let html = on.then(|| compose_html::text_to_html(&text));
            on_edit.emit((id, Edit::Mode(html)));
        })
    };
    let on_plain_text = props
        .on_edit
        .reform(move |text: String| (id, Edit::Text(text)));
    let on_files = {
        let on_attach = props.on_attach.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(files) = input.files() {
                on_attach.emit((id, files_of(&files)));
            }
            input.set_value("");
        })
    };
    let pick = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = file_input.cast::<HtmlInputElement>() {
                el.click();
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let on_attach = props.on_attach.clone();
        Callback::from(move |e: DragEvent| {
            let files = e.data_transfer().and_then(|d| d.files());
            if let Some(files) = files.filter(|f| f.length() > 0) {
                e.prevent_default();
                on_attach.emit((id, files_of(&files)));
            }
        })
    };
    let suggest = {
        let (book, exclude) = (
            props.book.clone(),
            [c.to.clone(), c.cc.clone(), c.bcc.clone()].concat(),
        );
        Callback::from(move |typed: String| book.suggest(&typed, &exclude))
    };
    let title_id = format!("compose-{id}-title");
    let field_id = |name: &str| format!("compose-{id}-{name}");
    let from_known = props.identities.iter().any(|i| i.address == c.from.address);
    let recipient = |field: Field, index: usize| {
        let on_add = props
            .on_edit
            .reform(move |m: Mailbox| (id, Edit::Added(field, m)));
        let on_remove = props
            .on_edit
            .reform(move |i: usize| (id, Edit::Removed(field, i)));
        html! {
            <super::recipients::RecipientField compose={id} {field}
                recipients={c.recipients(field).to_vec()} suggest={suggest.clone()}
                {on_add} {on_remove} input={inputs[index].clone()} disabled={busy} />
        }
    };
    let footer = match &c.stage {
        Stage::Editing => html! {
            <button type="button" class="button primary" onclick={send.reform(|_: MouseEvent| ())}
                title="Send (Ctrl+Enter)">{ "Send" }</button>
        },
        Stage::Waiting { seconds, .. } => html! {
            <>
                <p class="compose-status" role="status">
                    { if *seconds == 0 { "Sending…".to_string() } else { format!("Sending in {seconds} s…") } }
                </p>
                <button type="button" class="button secondary"
                    onclick={props.on_undo.reform(move |_: MouseEvent| id)}>{ "Undo" }</button>
            </>
        },
        Stage::Sending { .. } => match c.stage.percent() {
            Some(percent) => html! {
                <>
                    <label class="compose-status" for={field_id("progress")}>{ format!("Sending… {percent}%") }</label>
                    <progress id={field_id("progress")} max="100" value={percent.to_string()} />
                </>
            },
            None => html! {
                <p class="compose-status" role="status">
                    <span class="spinner" aria-hidden="true"></span>{ " Sending…" }
                </p>
            },
        },
    };
    let saved_note = if c.is_blank() {
        ""
    } else if c.is_unsaved() {
        "Not saved yet"
    } else if c.draft.is_some() {
        "Draft saved"
    } else {
        ""
    };
    html! {
        <section class="compose" role="dialog" aria-labelledby={title_id.clone()} {onkeydown}
            {ondragover} {ondrop} aria-busy={busy.to_string()}>
            <header class="compose-header">
                <h2 id={title_id}>{ c.title().to_string() }</h2>
                <button type="button" class="button secondary icon-button" aria-label="Minimise"
                    title="Minimise" onclick={props.on_minimise.reform(move |_: MouseEvent| (id, true))}>{ "–" }</button>
                <button type="button" class="button secondary icon-button" aria-label="Close"
                    title="Close (the draft is kept)" disabled={busy}
                    onclick={props.on_close.reform(move |_: MouseEvent| id)}>{ "×" }</button>
            </header>
            <div class="compose-fields">
                <div class="field">
                    <label for={field_id("from")}>{ "From" }</label>
                    <select id={field_id("from")} onchange={on_from} disabled={busy}>
                        if !from_known {
                            <option value={c.from.address.clone()} selected=true>
                                { if c.from.address.is_empty() { "(set your address in Settings)".to_string() } else { c.from.address.clone() } }
                            </option>
                        }
                        { for props.identities.iter().filter(|i| !i.address.trim().is_empty()).map(|i| html! {
                            <option value={i.address.clone()} selected={i.address == c.from.address}>{ i.label() }</option>
                        }) }
                    </select>
                </div>
                { recipient(Field::To, 0) }
                if *show_copies {
                    { recipient(Field::Cc, 1) }
                    { recipient(Field::Bcc, 2) }
                } else {
                    <button type="button" class="link-button" onclick={{
                        let show = show_copies.clone();
                        Callback::from(move |_: MouseEvent| show.set(true))
                    }}>{ "Add Cc and Bcc" }</button>
                }
                <div class="field">
                    <label for={field_id("subject")}>{ "Subject" }</label>
                    <input id={field_id("subject")} type="text" value={c.subject.clone()} oninput={on_subject}
                        disabled={busy} />
                </div>
                <div class="compose-mode">
                    <label class="check">
                        <input type="checkbox" checked={rich} onchange={on_mode} disabled={busy} />
                        { " Rich text" }
                    </label>
                </div>
                if let Some(html) = &c.html {
                    <RichEditor id={field_id("message")} initial={html.clone()} disabled={busy}
                        on_change={props.on_edit.reform(move |h: String| (id, Edit::Html(h)))}
                        on_text={on_plain_text} />
                } else {
                    <div class="field message-field">
                        <label for={field_id("message")}>{ "Message" }</label>
                        <textarea id={field_id("message")} class="compose-text" value={c.text.clone()}
                            oninput={on_text} disabled={busy} rows="12" ref={first.clone()} />
                    </div>
                }
                <div class="attachments">
                    <input type="file" multiple=true ref={file_input} class="visually-hidden"
                        tabindex="-1" aria-hidden="true" aria-label="Files to attach" onchange={on_files} />
                    <button type="button" class="button secondary" onclick={pick} disabled={busy}>{ "Attach files" }</button>
                    <span class="hint">{ " or drop them here" }</span>
                    if !c.attachments.is_empty() {
                        <ul class="attachment-list" aria-label="Attachments">
                            { for c.attachments.iter().enumerate().map(|(i, a)| html! {
                                <li class="chip">
                                    <span>{ format!("{} ({})", a.name, size(a.data.len() as u64)) }</span>
                                    <button type="button" class="chip-remove" disabled={busy}
                                        aria-label={format!("Remove {}", a.name)}
                                        onclick={props.on_edit.reform(move |_: MouseEvent| (id, Edit::Detached(i)))}>{ "×" }</button>
                                </li>
                            }) }
                        </ul>
                    }
                </div>
            </div>
            if let Some(error) = &c.error {
                <div class="alert" role="alert">{ error.clone() }</div>
            }
            <footer class="compose-footer">
                { footer }
                <span class="compose-saved" aria-live="polite">{ saved_note }</span>
            </footer>
        </section>
    }
}
