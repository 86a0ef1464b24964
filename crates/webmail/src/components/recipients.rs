//! A recipient field (To, Cc, Bcc): the recipients as chips, each removable, and a text
//! box that turns what is typed into chips (at a comma, Enter or on leaving it) with
//! suggestions from the address book (a combobox: arrows choose, Enter takes).

use web_sys::HtmlInputElement;
use webimap_client::compose::Mailbox;
use yew::prelude::*;

use crate::state::{address_book::parse_recipients, compose::Field};

/// Props of [`RecipientField`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct RecipientFieldProps {
    /// The compose's id (for element ids).
    pub(crate) compose: u32,
    /// Which field.
    pub(crate) field: Field,
    /// The recipients.
    pub(crate) recipients: Vec<Mailbox>,
    /// Suggestions for what is typed (the parent asks the address book).
    pub(crate) suggest: Callback<String, Vec<Mailbox>>,
    /// A recipient added.
    pub(crate) on_add: Callback<Mailbox>,
    /// The recipient at this index removed.
    pub(crate) on_remove: Callback<usize>,
    /// The text box (the parent reads what is still typed when sending).
    pub(crate) input: NodeRef,
    /// Disabled while sending.
    #[prop_or_default]
    pub(crate) disabled: bool,
}

/// One recipient field.
#[function_component]
pub(crate) fn RecipientField(props: &RecipientFieldProps) -> Html {
    let suggestions = use_state(Vec::<Mailbox>::new);
    let active = use_state(|| None::<usize>);
    let invalid = use_state(|| None::<String>);
    let id = format!(
        "compose-{}-{}",
        props.compose,
        props.field.label().to_lowercase()
    );
    let list_id = format!("{id}-suggestions");
    let error_id = format!("{id}-error");

    // Turns the text typed into chips; what is not an address stays, marked.
    let commit = {
        let (on_add, invalid, suggestions) =
            (props.on_add.clone(), invalid.clone(), suggestions.clone());
        let input = props.input.clone();
        Callback::from(move |()| {
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = el.value();
            if text.trim().is_empty() {
                invalid.set(None);
                return;
            }
            match parse_recipients(&text) {
                Ok(found) => {
                    for mailbox in found {
                        on_add.emit(mailbox);
                    }
                    el.set_value("");
                    invalid.set(None);
                    suggestions.set(Vec::new());
                }
                Err(bad) => invalid.set(Some(bad)),
            }
        })
    };
    let take = {
        let (on_add, suggestions, active) =
            (props.on_add.clone(), suggestions.clone(), active.clone());
        let input = props.input.clone();
        Callback::from(move |mailbox: Mailbox| {
            on_add.emit(mailbox);
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.set_value("");
                let _ = el.focus();
            }
            suggestions.set(Vec::new());
            active.set(None);
        })
    };
    let oninput = {
        let (suggest, suggestions, active, commit) = (
            props.suggest.clone(),
            suggestions.clone(),
            active.clone(),
            commit.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if value.ends_with(',') {
                return commit.emit(());
            }
            let last = value.rsplit(',').next().unwrap_or_default().to_string();
            suggestions.set(suggest.emit(last));
            active.set(None);
        })
    };
    let onkeydown = {
        let (suggestions, active, take, commit) = (
            suggestions.clone(),
            active.clone(),
            take.clone(),
            commit.clone(),
        );
        let (on_remove, count) = (props.on_remove.clone(), props.recipients.len());
        Callback::from(move |e: KeyboardEvent| {
            let n = suggestions.len();
            match e.key().as_str() {
                "ArrowDown" if n > 0 => {
                    e.prevent_default();
                    active.set(Some(active.map_or(0, |i| (i + 1) % n)));
                }
                "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    active.set(Some(active.map_or(n - 1, |i| (i + n - 1) % n)));
                }
                "Enter" if !(e.ctrl_key() || e.meta_key()) => {
                    e.prevent_default();
                    match active.and_then(|i| suggestions.get(i).cloned()) {
                        Some(mailbox) => take.emit(mailbox),
                        None => commit.emit(()),
                    }
                }
                "Escape" if n > 0 => {
                    e.stop_propagation();
                    suggestions.set(Vec::new());
                    active.set(None);
                }
                "Backspace" if count > 0 => {
                    let empty = e
                        .target_dyn_into::<HtmlInputElement>()
                        .is_some_and(|el| el.value().is_empty());
                    if empty {
                        on_remove.emit(count - 1);
                    }
                }
                _ => {}
            }
        })
    };
    let onblur = {
        let (commit, suggestions) = (commit.clone(), suggestions.clone());
        Callback::from(move |_: FocusEvent| {
            commit.emit(());
            suggestions.set(Vec::new());
        })
    };
    let expanded = !suggestions.is_empty();
    let option_id = |i: usize| format!("{list_id}-{i}");
    html! {
        <div class="field recipient-field">
            <label for={id.clone()}>{ props.field.label() }</label>
            <div class="chips">
                <ul class="chip-list" aria-label={format!("{} recipients", props.field.label())}>
                    { for props.recipients.iter().enumerate().map(|(i, m)| {
                        let onclick = props.on_remove.reform(move |_: MouseEvent| i);
                        let label = match &m.name {
                            Some(name) if !name.trim().is_empty() => format!("{name} <{}>", m.address),
                            _ => m.address.clone(),
                        };
                        html! {
                            <li class="chip" title={m.address.clone()}>
                                <span>{ label }</span>
                                <button type="button" class="chip-remove" disabled={props.disabled} {onclick}
                                    aria-label={format!("Remove {}", m.address)}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
                <input id={id.clone()} type="text" ref={props.input.clone()} autocomplete="off"
                    spellcheck="false" autocapitalize="off" disabled={props.disabled}
                    role="combobox" aria-autocomplete="list" aria-expanded={expanded.to_string()}
                    aria-controls={list_id.clone()}
                    aria-activedescendant={active.map(option_id)}
                    aria-invalid={invalid.is_some().then_some("true")}
                    aria-describedby={invalid.is_some().then(|| error_id.clone())}
                    {oninput} {onkeydown} {onblur} />
            </div>
            <ul id={list_id.clone()} class="suggestions" role="listbox" hidden={!expanded}
                aria-label={format!("Suggested {} addresses", props.field.label())}>
                { for suggestions.iter().enumerate().map(|(i, m)| {
                    let mailbox = m.clone();
                    // Taken on mousedown, before the text box loses the focus.
                    let onmousedown = take.reform(move |e: MouseEvent| {
                        e.prevent_default();
                        mailbox.clone()
                    });
                    let selected = *active == Some(i);
                    html! {
                        <li id={option_id(i)} role="option" aria-selected={selected.to_string()}
                            class={classes!("suggestion", selected.then_some("active"))} {onmousedown}>
                            if let Some(name) = &m.name { <span class="suggestion-name">{ name.clone() }</span> }
                            <span class="suggestion-address">{ m.address.clone() }</span>
                        </li>
                    }
                }) }
            </ul>
            if let Some(bad) = &*invalid {
                <p class="field-error" id={error_id}>{ bad.clone() }</p>
            }
        </div>
    }
}
