//! A sanitised HTML document in a sandboxed iframe (see `mail_html`).

use yew::prelude::*;

use crate::mail_html::SANDBOX;

/// Props of [`HtmlFrame`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct HtmlFrameProps {
    /// The whole document, from `mail_html::prepare` only.
    pub(crate) document: AttrValue,
    /// The frame's accessible name.
    pub(crate) title: AttrValue,
}

/// `<iframe srcdoc sandbox>`: no scripts, an opaque origin, no referrer.
#[function_component]
pub(crate) fn HtmlFrame(props: &HtmlFrameProps) -> Html {
    html! {
        <iframe class="message-frame" srcdoc={props.document.clone()} sandbox={SANDBOX}
            referrerpolicy="no-referrer" title={props.title.clone()} loading="eager"></iframe>
    }
}
