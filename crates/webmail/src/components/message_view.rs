//! The open message.

use webimap_client::model::{AttachmentInfo, MessageContent};
use yew::prelude::*;

use super::status::{Loading, PaneError};
use crate::{clock, format, state::loadable::Loadable};

/// Props of [`MessageView`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct MessageViewProps {
    /// The open message.
    pub(crate) message: Loadable<MessageContent>,
}

/// An `<article>`: subject, headers, text body, attachments.
#[function_component]
pub(crate) fn MessageView(props: &MessageViewProps) -> Html {
    let body = match &props.message {
        Loadable::Idle => {
            html! { <p class="pane-empty reading-empty">{ "Select a message to read it." }</p> }
        }
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(message) => article(message),
    };
    html! { <section class="pane reading" aria-label="Reading pane">{ body }</section> }
}

fn article(message: &MessageContent) -> Html {
    let s = &message.summary;
    let subject = if s.subject.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        s.subject.clone()
    };
    let header = |name: &'static str, value: String| {
        html! { <><dt>{ name }</dt><dd>{ value }</dd></> }
    };
    let date = match (s.received, &s.date) {
        (Some(ts), _) => Some(format::long_date(clock::local(ts))),
        (None, Some(raw)) => Some(raw.clone()),
        (None, None) => None,
    };
    html! {
        <article class="message-view" aria-labelledby="message-subject">
            <header class="message-header">
                <h2 id="message-subject" class="message-title">{ subject.clone() }</h2>
                <dl class="message-headers">
                    { header("From", format::full_addresses(&s.from)) }
                    { header("To", format::full_addresses(&s.to)) }
                    if !s.cc.is_empty() { { header("Cc", format::full_addresses(&s.cc)) } }
                    if let Some(date) = date { { header("Date", date) } }
                    { header("Subject", subject) }
                </dl>
            </header>
            {
                match &message.text {
                    Some(text) => html! { <pre class="message-body">{ text.clone() }</pre> },
                    None => html! { <p class="pane-empty">{ "This message has no text to show." }</p> },
                }
            }
            if !message.attachments.is_empty() {
                <section class="attachments" aria-labelledby="attachments-heading">
                    <h3 id="attachments-heading">{ format!("Attachments ({})", message.attachments.len()) }</h3>
                    <ul class="attachment-list">
                        { for message.attachments.iter().map(attachment) }
                    </ul>
                </section>
            }
        </article>
    }
}

fn attachment(a: &AttachmentInfo) -> Html {
    let name = a
        .filename
        .clone()
        .unwrap_or_else(|| "(unnamed)".to_string());
    html! {
        <li class="attachment">
            <span class="icon icon-file" aria-hidden="true"></span>
            <span class="attachment-name">{ name }</span>
            <span class="attachment-type">{ a.mime_type.clone() }</span>
            if let Some(size) = a.size {
                <span class="attachment-size">{ format::size(size) }</span>
            }
        </li>
    }
}
