//! The message list of the selected folder.

use webimap_client::model::MessageSummary;
use yew::prelude::*;

use super::status::{Loading, PaneError};
use crate::{clock, format, state::loadable::Loadable};

/// Props of [`MessageList`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct MessageListProps {
    /// The folder's label, for the heading.
    pub(crate) folder: Option<AttrValue>,
    /// Its messages, newest first.
    pub(crate) messages: Loadable<Vec<MessageSummary>>,
    /// The UID of the open message.
    pub(crate) open: Option<u32>,
    /// A message was clicked (its UID).
    pub(crate) on_open: Callback<u32>,
}

/// `<ul aria-label="Messages">`, one row per message: sender, date, subject.
#[function_component]
pub(crate) fn MessageList(props: &MessageListProps) -> Html {
    let now = clock::local(clock::now());
    let count = props.messages.ready().map(|m| match m.len() {
        1 => "1 message".to_string(),
        n => format!("{n} messages"),
    });
    let unread = props
        .messages
        .ready()
        .map(|m| m.iter().filter(|s| !s.seen).count())
        .unwrap_or(0);
    let body = match &props.messages {
        Loadable::Idle => html! {},
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(messages) if messages.is_empty() => {
            html! { <p class="pane-empty">{ "No messages in this folder." }</p> }
        }
        Loadable::Ready(messages) => html! {
            <ul class="message-list" aria-label="Messages">
                { for messages.iter().map(|m| row(m, props, now)) }
            </ul>
        },
    };
    html! {
        <section class="pane messages" aria-label="Message list">
            if let Some(folder) = props.folder.clone() {
                <header class="pane-header">
                    <h2 id="messages-heading" class="pane-heading">{ folder }</h2>
                    if let Some(count) = count {
                        <span class="pane-count">
                            { count }
                            if unread > 0 { { format!(" · {unread} unread") } }
                        </span>
                    }
                </header>
            }
            { body }
        </section>
    }
}

fn row(message: &MessageSummary, props: &MessageListProps, now: i64) -> Html {
    let uid = message.uid;
    let onclick = props.on_open.reform(move |_: MouseEvent| uid);
    let current = props.open == Some(uid);
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
            <time class="message-date" datetime={format::iso_date(ts)} title={format::long_date(clock::local(ts))}>
                { format::short_date(clock::local(ts), now) }
            </time>
        }
    });
    let classes = classes!(
        "message-row",
        (!message.seen).then_some("unread"),
        current.then_some("current")
    );
    html! {
        <li class={classes} key={uid}>
            <button type="button" class="message-button" aria-current={current.then_some("true")} {onclick}>
                <span class="message-from">{ from }</span>
                { for date }
                <span class="message-subject">
                    { subject }
                    if message.has_attachments {
                        <span class="attachment-mark" title="Has attachments">
                            <span class="icon icon-attachment" aria-hidden="true"></span>
                            <span class="visually-hidden">{ ", with attachments" }</span>
                        </span>
                    }
                    if !message.seen {
                        <span class="visually-hidden">{ ", unread" }</span>
                    }
                </span>
            </button>
        </li>
    }
}
