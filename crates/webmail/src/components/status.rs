//! Loading and error notes shown inside a pane.

use yew::prelude::*;

use crate::state::error::UiError;

/// "Loading…", announced politely.
#[function_component]
pub(crate) fn Loading() -> Html {
    html! {
        <p class="pane-status" role="status">
            <span class="spinner" aria-hidden="true"></span>
            { "Loading…" }
        </p>
    }
}

/// Props of [`PaneError`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct PaneErrorProps {
    /// What went wrong.
    pub(crate) error: UiError,
}

/// An error in a pane, announced.
#[function_component]
pub(crate) fn PaneError(props: &PaneErrorProps) -> Html {
    html! { <p class="pane-error" role="alert">{ props.error.to_string() }</p> }
}
