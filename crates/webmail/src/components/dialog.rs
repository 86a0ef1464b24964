//! A modal dialog: `role="dialog"`, focus moved into it, Escape (handled by the page's
//! shortcuts) or the close button closes it.

use yew::prelude::*;

/// Props of [`Dialog`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct DialogProps {
    /// The title (also the dialog's name).
    pub(crate) title: AttrValue,
    /// Close was asked for.
    pub(crate) on_close: Callback<()>,
    /// Wide dialogs for source and messages.
    #[prop_or_default]
    pub(crate) wide: bool,
    /// The content.
    #[prop_or_default]
    pub(crate) children: Html,
}

/// The dialog over a dimmed page.
#[function_component]
pub(crate) fn Dialog(props: &DialogProps) -> Html {
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with((), move |()| {
            if let Some(button) = close.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let on_backdrop = props.on_close.reform(|_: MouseEvent| ());
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="backdrop" onclick={on_backdrop}>
            <div class={classes!("dialog", props.wide.then_some("wide"))} role="dialog" aria-modal="true"
                aria-labelledby="dialog-title" onclick={stop}>
                <header class="dialog-header">
                    <h2 id="dialog-title">{ props.title.clone() }</h2>
                    <button type="button" class="button secondary" ref={close}
                        onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Close" }</button>
                </header>
                <div class="dialog-body">{ props.children.clone() }</div>
            </div>
        </div>
    }
}
