//! The rich-text editor: an uncontrolled `contenteditable` held by a `NodeRef` (Yew never
//! re-renders its content; it reports its HTML on each input), a small toolbar (bold,
//! italic, lists, link, quote) and pasted HTML sanitised before it goes in.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::compose_html;

/// Props of [`RichEditor`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct RichEditorProps {
    /// The editable element's id.
    pub(crate) id: AttrValue,
    /// The HTML it starts with (sanitised before it goes in).
    pub(crate) initial: String,
    /// Read-only while sending.
    pub(crate) disabled: bool,
    /// Its HTML after each change.
    pub(crate) on_change: Callback<String>,
    /// Its text after each change (for switching back to plain text).
    pub(crate) on_text: Callback<String>,
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

fn exec(command: &str, value: &str) {
    if let Some(document) = html_document() {
        let _ = document.exec_command_with_show_ui_and_value(command, false, value);
    }
}

/// Puts `html` (already sanitised) where the selection is, replacing it, as parsed nodes
/// (not `insertHTML`, which copies the computed style of the pasted text into `style`
/// attributes), and moves the caret after it.
fn insert_at_selection(html: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(range) = window
        .get_selection()
        .ok()
        .flatten()
        .filter(|s| s.range_count() > 0)
        .and_then(|s| s.get_range_at(0).ok())
    else {
        return;
    };
    let Ok(fragment) = range.create_contextual_fragment(html) else {
        return;
    };
    let _ = range.delete_contents();
    let last = fragment.last_child();
    let _ = range.insert_node(&fragment);
    if let Some(last) = last {
        let _ = range.set_start_after(&last);
        range.collapse_with_to_start(true);
        if let Some(selection) = window.get_selection().ok().flatten() {
            let _ = selection.remove_all_ranges();
            let _ = selection.add_range(&range);
        }
    }
}

/// The editor and its toolbar.
#[function_component]
pub(crate) fn RichEditor(props: &RichEditorProps) -> Html {
    let editor = use_node_ref();
    {
        let (editor, initial) = (editor.clone(), props.initial.clone());
        use_effect_with((), move |()| {
            if let Some(el) = editor.cast::<web_sys::HtmlElement>() {
                el.set_inner_html(&compose_html::for_editor(&initial));
            }
        });
    }
    let report = {
        let (editor, on_change, on_text) = (
            editor.clone(),
            props.on_change.clone(),
            props.on_text.clone(),
        );
        Callback::from(move |()| {
            if let Some(el) = editor.cast::<web_sys::HtmlElement>() {
                on_text.emit(el.inner_text());
                on_change.emit(el.inner_html());
            }
        })
    };
    let oninput = report.reform(|_: InputEvent| ());
    let onpaste = {
        let report = report.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let html = e
                .clipboard_data()
                .and_then(|d| d.get_data("text/html").ok())
                .filter(|h| !h.trim().is_empty());
            if let Some(html) = html {
                e.prevent_default();
                insert_at_selection(&compose_html::for_editor(&html));
                report.emit(());
            }
        })
    };
    let tool =
        |label: &'static str, text: &'static str, command: &'static str, value: &'static str| {
            let (editor, report) = (editor.clone(), report.clone());
            // Mousedown would take the selection out of the editor.
            let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
            let onclick = Callback::from(move |_: MouseEvent| {
                if let Some(el) = editor.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
                if command == "createLink" {
                    let url = web_sys::window()
                        .and_then(|w| {
                            w.prompt_with_message("Link address (https://…)")
                                .ok()
                                .flatten()
                        })
                        .unwrap_or_default();
                    if !compose_html::linkable(&url) {
                        return;
                    }
                    exec(command, url.trim());
                } else {
                    exec(command, value);
                }
                report.emit(());
            });
            html! {
                <button type="button" class="tool" title={label} disabled={props.disabled}
                    {onmousedown} {onclick}>
                    <span aria-hidden="true">{ text }</span>
                    <span class="visually-hidden">{ label }</span>
                </button>
            }
        };
    html! {
        <div class="field message-field rich">
            <span class="field-label" id={format!("{}-label", props.id)}>{ "Message" }</span>
            <div class="toolbar" role="toolbar" aria-label="Formatting">
                { tool("Bold", "B", "bold", "") }
                { tool("Italic", "I", "italic", "") }
                { tool("Bulleted list", "•", "insertUnorderedList", "") }
                { tool("Numbered list", "1.", "insertOrderedList", "") }
                { tool("Link", "🔗", "createLink", "") }
                { tool("Quote", "❝", "formatBlock", "blockquote") }
            </div>
            <div id={props.id.clone()} class="compose-rich" ref={editor}
                contenteditable={(!props.disabled).to_string()} role="textbox" aria-multiline="true"
                aria-labelledby={format!("{}-label", props.id)} {oninput} {onpaste} />
        </div>
    }
}
