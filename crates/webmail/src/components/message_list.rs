//! The message list of the selected folder: a toolbar (search, sort, quick filters) and a
//! virtualised listbox that keeps a constant number of rows in the DOM, positioned in a
//! spacer as tall as the whole list.

use std::{collections::HashMap, rc::Rc};

use web_sys::{HtmlInputElement, HtmlSelectElement};
use webimap_client::model::MessageSummary;
use yew::prelude::*;

use super::status::{Loading, PaneError};
use crate::{
    clock::{self, BrowserZone},
    format,
    state::{
        conversations::ThreadMark,
        list::{
            SelectionAction, SortKey, ViewAction,
            selection::{ClickMods, Selection},
            view::{ListView, QuickFilter},
        },
        loadable::Loadable,
        mailbox::{MailboxAction, Pane},
    },
};

/// The height of one row in CSS pixels (the stylesheet uses the same).
pub(crate) const ROW_HEIGHT: f64 = ROW_PX as f64;
/// [`ROW_HEIGHT`] as an integer, for CSS lengths (printing an `f64` would bring core's
/// float formatting into the wasm).
const ROW_PX: usize = 60;
/// Rows kept above and below the visible ones.
const OVERSCAN: usize = 6;

/// The id of the search box (for the `/` shortcut).
pub(crate) const SEARCH_ID: &str = "search";
/// The id of the listbox (for focus after actions).
pub(crate) const LIST_ID: &str = "message-list";
/// The drag-and-drop type of dragged messages (their UIDs, comma-separated).
pub(crate) const DRAG_TYPE: &str = "application/x-webimap-uids";

/// Props of [`MessageList`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct MessageListProps {
    /// The folder's label, for the heading.
    pub(crate) folder: Option<AttrValue>,
    /// The folder's messages, by UID.
    pub(crate) messages: Loadable<Rc<Vec<MessageSummary>>>,
    /// While the rest of a big folder loads: how many messages it holds.
    #[prop_or_default]
    pub(crate) syncing: Option<usize>,
    /// The UIDs shown, top to bottom.
    pub(crate) order: Rc<Vec<u32>>,
    /// In conversation view, each row's place in its conversation.
    pub(crate) marks: Rc<HashMap<u32, ThreadMark>>,
    /// How the list is narrowed and sorted.
    pub(crate) view: ListView,
    /// Selected rows and cursor.
    pub(crate) selection: Selection,
    /// The UID of the open message.
    pub(crate) open: Option<u32>,
    /// A row was clicked without modifiers (its UID).
    pub(crate) on_open: Callback<u32>,
    /// Everything else.
    pub(crate) act: Callback<MailboxAction>,
    /// The action bar, under the toolbar.
    #[prop_or_default]
    pub(crate) actions: Html,
}

/// A `<section>` with the toolbar and `role="listbox"` "Messages".
#[function_component]
pub(crate) fn MessageList(props: &MessageListProps) -> Html {
    let scroller = use_node_ref();
    let spacer = use_node_ref();
    let window = use_node_ref();
    let scroll_top = use_state(|| 0.0_f64);
    let viewport = use_state(|| 900.0_f64);

    // Keep the cursor row in view (j/k, arrow keys).
    {
        let scroller = scroller.clone();
        let order = props.order.clone();
        let viewport = viewport.clone();
        use_effect_with(props.selection.cursor, move |cursor| {
            if let (Some(cursor), Some(el)) = (cursor, scroller.cast::<web_sys::Element>()) {
                if let Some(pos) = order.iter().position(|u| u == cursor) {
                    let top = pos as f64 * ROW_HEIGHT;
                    let height = f64::from(el.client_height());
                    let current = f64::from(el.scroll_top());
                    if top < current {
                        el.set_scroll_top(top as i32);
                    } else if top + ROW_HEIGHT > current + height {
                        el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
                    }
                }
                let h = f64::from(el.client_height());
                if h > 0.0 && (h - *viewport).abs() > 1.0 {
                    viewport.set(h);
                }
            }
        });
    }
    let onscroll = {
        let (scroll_top, viewport) = (scroll_top.clone(), viewport.clone());
        let scroller = scroller.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                scroll_top.set(f64::from(el.scroll_top()));
                let h = f64::from(el.client_height());
                if h > 0.0 && (h - *viewport).abs() > 1.0 {
                    viewport.set(h);
                }
            }
        })
    };

    // The spacer is as tall as the whole list; the rows shown sit in a window moved to
    // their place (through the CSSOM: the page's CSP allows no style attributes).
    let n = props.order.len();
    let first = ((*scroll_top / ROW_HEIGHT) as usize)
        .saturating_sub(OVERSCAN)
        .min(n.saturating_sub(1));
    {
        let (spacer, window) = (spacer.clone(), window.clone());
        use_effect(move || {
            super::set_style(&spacer, "height", &format!("{}px", n * ROW_PX));
            super::set_style(
                &window,
                "transform",
                &format!("translateY({}px)", first * ROW_PX),
            );
        });
    }
    let total = props.messages.ready().map_or(0, |m| m.len());
    let unread = props
        .messages
        .ready()
        .map(|m| m.iter().filter(|s| !s.seen).count())
        .unwrap_or(0);
    let count = match (props.view.is_narrowed(), props.order.len(), total) {
        (true, shown, _) => format!("{shown} of {total}"),
        (false, _, 1) => "1 message".to_string(),
        (false, _, n) => format!("{n} messages"),
    };

    let body = match &props.messages {
        Loadable::Idle => html! {},
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(messages) if messages.is_empty() => {
            html! { <p class="pane-empty">{ "No messages in this folder." }</p> }
        }
        Loadable::Ready(_) if props.order.is_empty() => {
            html! { <p class="pane-empty">{ "No messages match." }</p> }
        }
        Loadable::Ready(messages) => {
            let shown = (*viewport / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
            let last = (first + shown).min(n);
            let now = clock::local(clock::now(), &BrowserZone);
            let active = props
                .selection
                .cursor
                .filter(|c| props.order[first..last].contains(c))
                .map(|c| format!("msg-{c}"));
            let onkeydown = {
                let act = props.act.clone();
                let order = props.order.clone();
                Callback::from(move |e: KeyboardEvent| {
                    let target = match e.key().as_str() {
                        "Home" => order.first(),
                        "End" => order.last(),
                        _ => return,
                    };
                    if let Some(&uid) = target {
                        e.prevent_default();
                        act.emit(MailboxAction::Select(SelectionAction::CursorMoved(uid)));
                    }
                })
            };
            html! {
                <div id={LIST_ID} class="message-scroller" ref={scroller.clone()} {onscroll} {onkeydown}
                    role="listbox" aria-label="Messages" aria-multiselectable="true" tabindex="0"
                    aria-activedescendant={active}>
                    <div class="message-spacer" ref={spacer.clone()}>
                        <div class="message-window" ref={window.clone()}>
                            { for (first..last).filter_map(|pos| {
                                let uid = props.order[pos];
                                let i = messages.binary_search_by_key(&uid, |m| m.uid).ok()?;
                                Some(row(&messages[i], pos, n, props, now))
                            }) }
                        </div>
                    </div>
                </div>
            }
        }
    };

    html! {
        <section class="pane messages" aria-label="Message list">
            if let Some(folder) = props.folder.clone() {
                <header class="pane-header">
                    <button type="button" class="button secondary back" onclick={props.act.reform(|_: MouseEvent| MailboxAction::PaneShown(Pane::Folders))}>
                        <span aria-hidden="true">{ "‹ " }</span>{ "Folders" }
                    </button>
                    <h2 id="messages-heading" class="pane-heading">{ folder }</h2>
                    if let Some(total) = props.syncing {
                        <span class="pane-count sync-progress" role="status">
                            <progress max={total.to_string()} value={total_loaded(props).to_string()}
                                aria-label="Messages loaded"></progress>
                            { format!(" {} of {total} loaded", total_loaded(props)) }
                        </span>
                    } else if props.messages.ready().is_some() {
                        <span class="pane-count" aria-live="polite">
                            { count }
                            if unread > 0 { { format!(" · {unread} unread") } }
                            if props.view.searching { { " · searching the server…" } }
                        </span>
                    }
                </header>
                { toolbar(props) }
                { props.actions.clone() }
            }
            { body }
        </section>
    }
}

fn total_loaded(props: &MessageListProps) -> usize {
    props.messages.ready().map_or(0, |m| m.len())
}

fn toolbar(props: &MessageListProps) -> Html {
    let oninput = props.act.reform(|e: InputEvent| {
        MailboxAction::View(ViewAction::QueryChanged(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let onchange = {
        let act = props.act.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(sort) = SortKey::from_value(&value) {
                act.emit(MailboxAction::View(ViewAction::SortChanged(sort)));
            }
        })
    };
    let filter = |f: QuickFilter, label: &'static str| {
        let on = props.view.has(f);
        html! {
            <button type="button" class={classes!("chip", on.then_some("on"))} aria-pressed={on.to_string()}
                onclick={props.act.reform(move |_: MouseEvent| MailboxAction::View(ViewAction::FilterToggled(f)))}>
                { label }
            </button>
        }
    };
    html! {
        <div class="list-toolbar">
            <div class="search-row" role="search">
                <input id={SEARCH_ID} type="search" class="search" placeholder="Search mail"
                    aria-label="Search messages" title="Subject, sender, recipients and text"
                    value={props.view.query.clone()} {oninput} />
                <select class="sort" aria-label="Sort by" {onchange}>
                    { for SortKey::ALL.into_iter().map(|k| html! {
                        <option value={k.value()} selected={k == props.view.sort}>{ k.label() }</option>
                    }) }
                </select>
            </div>
            <div class="chips" role="group" aria-label="Quick filters">
                { filter(QuickFilter::Unread, "Unread") }
                { filter(QuickFilter::Flagged, "Flagged") }
                { filter(QuickFilter::Attachments, "Attachments") }
                <button type="button" class={classes!("chip", props.view.conversations.then_some("on"))}
                    aria-pressed={props.view.conversations.to_string()}
                    onclick={props.act.reform(|_: MouseEvent| MailboxAction::View(ViewAction::ConversationsToggled))}>
                    { "Conversations" }
                </button>
            </div>
        </div>
    }
}

fn row(
    message: &MessageSummary,
    pos: usize,
    total: usize,
    props: &MessageListProps,
    now: i64,
) -> Html {
    let uid = message.uid;
    let onclick = {
        let (act, on_open) = (props.act.clone(), props.on_open.clone());
        Callback::from(move |e: MouseEvent| {
            let mods = ClickMods {
                range: e.shift_key(),
                toggle: e.ctrl_key() || e.meta_key(),
            };
            if mods == ClickMods::default() {
                on_open.emit(uid);
            } else {
                e.prevent_default();
                act.emit(MailboxAction::Select(SelectionAction::RowClicked {
                    uid,
                    mods,
                }));
            }
        })
    };
    let current = props.open == Some(uid);
    let selected = props.selection.uids.contains(&uid);
    let ondragstart = {
        let selection = selected.then(|| props.selection.uids.clone());
        Callback::from(move |e: DragEvent| {
            let uids: Vec<String> = match &selection {
                Some(all) => all.iter().map(u32::to_string).collect(),
                None => vec![uid.to_string()],
            };
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data(DRAG_TYPE, &uids.join(","));
                dt.set_effect_allowed("copyMove");
            }
        })
    };
    let from = match format::names(&message.from) {
        s if s.is_empty() => "(unknown sender)".to_string(),
        s => s,
    };
    let subject = if message.subject.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        message.subject.clone()
    };
    let date = message.received.map(|ts| {
        html! {
            <time class="message-date" datetime={format::iso_date(ts)} title={format::long_date(clock::local(ts, &BrowserZone))}>
                { format::relative_date(clock::local(ts, &BrowserZone), now) }
            </time>
        }
    });
    let mark = props.marks.get(&uid).copied();
    let classes = classes!(
        "message-row",
        mark.filter(|m| m.depth > 0)
            .map(|m| format!("reply reply-{}", m.depth)),
        (!message.seen).then_some("unread"),
        current.then_some("current"),
        selected.then_some("selected"),
        (props.selection.cursor == Some(uid)).then_some("cursor")
    );
    html! {
        <div class={classes} key={uid} id={format!("msg-{uid}")} role="option" aria-selected={selected.to_string()}
            aria-posinset={(pos + 1).to_string()} aria-setsize={total.to_string()}
            {onclick}
            draggable="true" {ondragstart}>
            <span class="message-from">{ from }</span>
            { for date }
            <span class="message-subject">
                if let Some(n) = mark.map(|m| m.size).filter(|&n| n > 1) {
                    <span class="thread-size" title={format!("{n} messages in this conversation")}>
                        { n }<span class="visually-hidden">{ " messages:" }</span>
                    </span>
                }
                { subject }
                if !message.seen {
                    <span class="visually-hidden">{ ", unread" }</span>
                }
            </span>
            <span class="message-marks">
                if message.flagged {
                    <span class="flag-mark" title="Flagged">
                        <span class="icon icon-flag" aria-hidden="true"></span>
                        <span class="visually-hidden">{ ", flagged" }</span>
                    </span>
                }
                if message.has_attachments {
                    <span class="attachment-mark" title="Has attachments">
                        <span class="icon icon-attachment" aria-hidden="true"></span>
                        <span class="visually-hidden">{ ", with attachments" }</span>
                    </span>
                }
                if let Some(size) = message.size {
                    <span class="message-size">{ format::size(size) }</span>
                }
            </span>
        </div>
    }
}
