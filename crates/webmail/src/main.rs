//! webimap-webmail: the webimap web app. A Yew (client-side rendered) webmail that runs
//! entirely in the browser and speaks IMAP itself, through `webimap-client`, over a
//! WebSocket to webimap-relay.
//!
//! Its one rule: components never do I/O. `state/` holds pure reducers, `services/` the
//! async functions that talk to the client and the browser, `hooks/` runs those services
//! and dispatches actions (the only place that spawns tasks), and `pages/` and
//! `components/` render what they are given and report clicks through `Callback`s.
#![forbid(unsafe_code)]
#![deny(missing_debug_implementations)]
#![warn(unreachable_pub)]

mod app;
mod clock;
mod components;
mod format;
mod hooks;
mod links;
mod mail_html;
mod pages;
mod services;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
