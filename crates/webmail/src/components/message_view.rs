//! The open message: headers, a toolbar (HTML/text, remote content, source), the body
//! (HTML in a sandboxed frame, or text) and its attachments.

use webimap_client::model::{AttachmentInfo, MessageContent};
use yew::prelude::*;

use super::{
    html_frame::HtmlFrame,
    status::{Loading, PaneError},
};
use crate::{
    clock, format, links, mail_html,
    state::{
        loadable::Loadable,
        reader::{BodyView, Reading},
    },
};

/// Props of [`MessageView`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct MessageViewProps {
    /// The open message.
    pub(crate) message: Loadable<MessageContent>,
    /// How it is shown.
    pub(crate) reading: Reading,
    /// HTML or text was chosen.
    pub(crate) on_view: Callback<BodyView>,
    /// "Show remote content" (the message's UID).
    pub(crate) on_allow_remote: Callback<u32>,
    /// Senders whose mail always loads remote content.
    pub(crate) trusted_senders: std::rc::Rc<std::collections::BTreeSet<String>>,
    /// Remote content was allowed for every message from this address.
    pub(crate) on_trust_sender: Callback<String>,
    /// An attachment's download button.
    pub(crate) on_download: Callback<AttachmentInfo>,
    /// An attached message's "View" button (its section).
    pub(crate) on_view_attached: Callback<Vec<u32>>,
    /// "View source".
    pub(crate) on_view_source: Callback<()>,
    /// "Back" (narrow screens).
    pub(crate) on_back: Callback<()>,
    /// "Reply", "Reply all", "Forward", "Edit draft".
    pub(crate) on_answer: Callback<Answer>,
    /// The open message is a draft (in the Drafts folder): it can be edited.
    #[prop_or_default]
    pub(crate) is_draft: bool,
}

/// What the answer buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Reply to the sender.
    Reply,
    /// Reply to all.
    ReplyAll,
    /// Forward.
    Forward,
    /// Edit this draft.
    EditDraft,
}

/// The reading pane.
#[function_component]
pub(crate) fn MessageView(props: &MessageViewProps) -> Html {
    let body = match &props.message {
        Loadable::Idle => {
            html! { <p class="pane-empty reading-empty">{ "Select a message to read it." }</p> }
        }
        Loadable::Loading => html! { <Loading /> },
        Loadable::Failed(error) => html! { <PaneError error={error.clone()} /> },
        Loadable::Ready(message) => article(message, props),
    };
    html! {
        <section class="pane reading" aria-label="Reading pane">
            <div class="reading-back">
                <button type="button" class="button secondary back" onclick={props.on_back.reform(|_: MouseEvent| ())}>
                    <span aria-hidden="true">{ "‹ " }</span>{ "Messages" }
                </button>
            </div>
            { body }
        </section>
    }
}

fn article(message: &MessageContent, props: &MessageViewProps) -> Html {
    let s = &message.summary;
    let uid = s.uid;
    let subject = if s.subject.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        s.subject.clone()
    };
    let header = |name: &'static str, value: String| {
        html! { <><dt>{ name }</dt><dd>{ value }</dd></> }
    };
    let date = match (s.received, &s.date) {
        (Some(ts), _) => Some(format::long_date(clock::local(ts, &clock::BrowserZone))),
        (None, Some(raw)) => Some(raw.clone()),
        (None, None) => None,
    };
    let reading = &props.reading;
    let sender = s.from.first().map(|a| a.email.to_lowercase());
    let trusted = sender
        .as_ref()
        .is_some_and(|a| props.trusted_senders.contains(a));
    let remote = reading.remote_allowed == Some(uid) || trusted;
    let show_html = message.html.is_some() && reading.view == BodyView::Html;
    let safe = message
        .html
        .as_ref()
        .filter(|_| show_html)
        .map(|h| mail_html::prepare(h, &reading.inline_images, remote));
    let view_button = |view: BodyView, label: &'static str| {
        let on = reading.view == view;
        html! {
            <button type="button" class={classes!("chip", on.then_some("on"))} aria-pressed={on.to_string()}
                onclick={props.on_view.reform(move |_: MouseEvent| view)}>{ label }</button>
        }
    };
    let body = match (&safe, &message.text) {
        (Some(safe), _) => html! {
            // A new frame for each message and each remote-content choice: no document
            // state carries over.
            <HtmlFrame key={format!("{uid}-{remote}")}
                document={AttrValue::from(safe.document.clone())} title="Message content" />
        },
        (None, Some(text)) => plain_text(text),
        (None, None) => html! { <p class="pane-empty">{ "This message has no text to show." }</p> },
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
                <div class="message-answer" role="group" aria-label="Answer">
                    if props.is_draft {
                        <button type="button" class="button primary" onclick={props.on_answer.reform(|_: MouseEvent| Answer::EditDraft)}>
                            { "Edit draft" }
                        </button>
                    }
                    <button type="button" class="button secondary" title="Reply (r)"
                        onclick={props.on_answer.reform(|_: MouseEvent| Answer::Reply)}>{ "Reply" }</button>
                    <button type="button" class="button secondary" title="Reply all (a)"
                        onclick={props.on_answer.reform(|_: MouseEvent| Answer::ReplyAll)}>{ "Reply all" }</button>
                    <button type="button" class="button secondary" title="Forward (f)"
                        onclick={props.on_answer.reform(|_: MouseEvent| Answer::Forward)}>{ "Forward" }</button>
                </div>
                <div class="message-tools" role="group" aria-label="Message view">
                    if message.html.is_some() {
                        { view_button(BodyView::Html, "HTML") }
                        { view_button(BodyView::Text, "Plain text") }
                    }
                    <button type="button" class="chip" onclick={props.on_view_source.reform(|_: MouseEvent| ())}>
                        { "View source" }
                    </button>
                </div>
            </header>
            if safe.as_ref().is_some_and(|s| s.blocked_remote) {
                <div class="remote-bar" role="status">
                    <span>{ "Remote content (images, styles, fonts) was blocked to protect your privacy." }</span>
                    <button type="button" class="button secondary" onclick={props.on_allow_remote.reform(move |_: MouseEvent| uid)}>
                        { "Show remote content" }
                    </button>
                    if let Some(address) = sender.filter(|a| !a.is_empty()) {
                        <button type="button" class="button secondary"
                            onclick={props.on_trust_sender.reform(move |_: MouseEvent| address.clone())}>
                            { format!("Always from {}", s.from[0].email) }
                        </button>
                    }
                </div>
            }
            { body }
            if !message.attachments.is_empty() {
                <section class="attachments" aria-labelledby="attachments-heading">
                    <h3 id="attachments-heading">{ format!("Attachments ({})", message.attachments.len()) }</h3>
                    <ul class="attachment-list">
                        { for message.attachments.iter().map(|a| attachment(a, props)) }
                    </ul>
                </section>
            }
        </article>
    }
}

/// Plain text with its links clickable (opened in a new tab, without a referrer).
fn plain_text(text: &str) -> Html {
    html! {
        <pre class="message-body">
            { for links::pieces(text).into_iter().map(|piece| match piece {
                links::Piece::Text(t) => html! { { t } },
                links::Piece::Link { text, href } => html! {
                    <a {href} target="_blank" rel="noopener noreferrer nofollow">{ text }</a>
                },
            }) }
        </pre>
    }
}

fn attachment(a: &AttachmentInfo, props: &MessageViewProps) -> Html {
    let name = a.filename.clone().unwrap_or_else(|| {
        if a.mime_type == "message/rfc822" {
            "Attached message".into()
        } else {
            "(unnamed)".into()
        }
    });
    let is_message = a.mime_type == "message/rfc822";
    let download = {
        let a = a.clone();
        props.on_download.reform(move |_: MouseEvent| a.clone())
    };
    let view = {
        let section = a.section.clone();
        props
            .on_view_attached
            .reform(move |_: MouseEvent| section.clone())
    };
    html! {
        <li class="attachment">
            <span class="icon icon-file" aria-hidden="true"></span>
            <span class="attachment-name">{ name.clone() }</span>
            <span class="attachment-type">{ a.mime_type.clone() }</span>
            if let Some(size) = a.size {
                <span class="attachment-size">{ format::size(size) }</span>
            }
            if is_message {
                <button type="button" class="chip" onclick={view} aria-label={format!("View {name}")}>{ "View" }</button>
            }
            <button type="button" class="chip" onclick={download} aria-label={format!("Download {name}")}>{ "Download" }</button>
        </li>
    }
}
