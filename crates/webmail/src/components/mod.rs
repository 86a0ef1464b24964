//! Leaf components: they render their props and report user actions through
//! `Callback`s. No I/O, no hooks beyond local UI state.

pub(crate) mod action_bar;
pub(crate) mod compose;
pub(crate) mod dialog;
pub(crate) mod folder_list;
pub(crate) mod folder_manager;
pub(crate) mod html_frame;
pub(crate) mod identities;
pub(crate) mod login_form;
pub(crate) mod message_list;
pub(crate) mod message_view;
pub(crate) mod recipients;
pub(crate) mod rich_editor;
pub(crate) mod separator;
pub(crate) mod status;
pub(crate) mod toast;

/// Sets a CSS property of the element behind `node` through the CSSOM: the page's
/// Content-Security-Policy (`style-src 'self'`) blocks `style` attributes, not this.
pub(crate) fn set_style(node: &yew::NodeRef, property: &str, value: &str) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property(property, value);
    }
}

/// The class for a folder's nesting level (styles indent by class: no inline styles).
pub(crate) fn depth_class(depth: usize) -> String {
    format!("depth-{}", depth.min(6))
}
