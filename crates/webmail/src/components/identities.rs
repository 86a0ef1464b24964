//! The identities in the settings: name, address and signature of each; the first is the
//! default. Edited here, saved with "Save identities".

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::state::{address_book::parse_recipients, identity::Identity};

/// Props of [`IdentitiesEditor`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct IdentitiesEditorProps {
    /// The identities as saved.
    pub(crate) identities: Rc<Vec<Identity>>,
    /// The edited list, on save.
    pub(crate) on_save: Callback<Vec<Identity>>,
}

/// A form per identity, "Add identity", "Save identities".
#[function_component]
pub(crate) fn IdentitiesEditor(props: &IdentitiesEditorProps) -> Html {
    let list = use_state(|| (*props.identities).clone());
    let note = use_state(|| None::<(bool, String)>);
    let set = |i: usize, update: fn(&mut Identity, String)| {
        let list = list.clone();
        Callback::from(move |value: String| {
            let mut next = (*list).clone();
            if let Some(identity) = next.get_mut(i) {
                update(identity, value);
            }
            list.set(next);
        })
    };
    let add = {
        let list = list.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*list).clone();
            next.push(Identity::default());
            list.set(next);
        })
    };
    let save = {
        let (list, note, on_save) = (list.clone(), note.clone(), props.on_save.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let kept: Vec<Identity> = list
                .iter()
                .filter(|i| !(i.address.trim().is_empty() && i.name.trim().is_empty()))
                .cloned()
                .collect();
            let bad = kept
                .iter()
                .find_map(|i| match parse_recipients(i.address.trim()) {
                    Ok(found) if found.len() == 1 => None,
                    Ok(_) => Some(format!("“{}” is not one email address.", i.address.trim())),
                    Err(why) => Some(why),
                });
            if let Some(text) = bad {
                return note.set(Some((true, text)));
            }
            on_save.emit(kept);
            note.set(Some((false, "Identities saved.".into())));
        })
    };
    html! {
        <form class="identities" onsubmit={save}>
            <h3>{ "Identities" }</h3>
            <p class="hint">{ "Who you write as. The first is the default; a reply comes from the address the message was sent to." }</p>
            { for list.iter().enumerate().map(|(i, identity)| {
                let id = |name: &str| format!("identity-{i}-{name}");
                let on_name = set(i, |x, v| x.name = v)
                    .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
                let on_address = set(i, |x, v| x.address = v)
                    .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
                let on_signature = set(i, |x, v| x.signature = v)
                    .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
                let n = i + 1;
                html! {
                    <fieldset class="identity">
                        <legend>{ if i == 0 { "Default identity".to_string() } else { format!("Identity {n}") } }</legend>
                        <div class="field">
                            <label for={id("name")}>{ format!("Name (identity {n})") }</label>
                            <input id={id("name")} type="text" value={identity.name.clone()} oninput={on_name} />
                        </div>
                        <div class="field">
                            <label for={id("address")}>{ format!("Email address (identity {n})") }</label>
                            <input id={id("address")} type="email" value={identity.address.clone()} oninput={on_address}
                                autocomplete="email" spellcheck="false" />
                        </div>
                        <div class="field">
                            <label for={id("signature")}>{ format!("Signature (identity {n})") }</label>
                            <textarea id={id("signature")} rows="3" value={identity.signature.clone()} oninput={on_signature} />
                        </div>
                    </fieldset>
                }
            }) }
            <div class="dialog-actions">
                <button type="button" class="button secondary" onclick={add}>{ "Add identity" }</button>
                <button type="submit" class="button primary">{ "Save identities" }</button>
            </div>
            if let Some((error, text)) = &*note {
                <p class={if *error { "alert" } else { "hint" }} role={if *error { "alert" } else { "status" }}>{ text.clone() }</p>
            }
        </form>
    }
}
