//! The note after an action, with Undo after moves.

use yew::prelude::*;

use crate::state::{actions::Undo, overlay::Toast, request::Ticket};

/// Props of [`ToastView`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct ToastProps {
    /// The toast, if any.
    pub(crate) toast: Option<Toast>,
    /// Undo was pressed.
    pub(crate) on_undo: Callback<Undo>,
    /// Dismiss was pressed (the toast's ticket).
    pub(crate) on_dismiss: Callback<Ticket>,
}

/// A live region at the bottom of the page (always in the DOM, so it is announced).
#[function_component]
pub(crate) fn ToastView(props: &ToastProps) -> Html {
    let content = props.toast.as_ref().map(|toast| {
        let id = toast.ticket;
        let undo = toast.undo.clone().map(|undo| {
            let on_undo = props.on_undo.clone();
            html! {
                <button type="button" class="button small toast-undo"
                    onclick={Callback::from(move |_: MouseEvent| on_undo.emit(undo.clone()))}>{ "Undo" }</button>
            }
        });
        html! {
            <div class={classes!("toast", toast.error.then_some("error"))}>
                <span class="toast-text">{ toast.text.clone() }</span>
                { for undo }
                <button type="button" class="button small toast-close" aria-label="Dismiss"
                    onclick={props.on_dismiss.reform(move |_: MouseEvent| id)}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <div class="toast-region" role="status" aria-live="polite">{ for content }</div>
    }
}
