//! webimap-webmail: the webimap web app. A Yew (client-side rendered) webmail that runs
//! entirely in the browser and speaks IMAP itself, through `webimap-client`, over a
//! WebSocket to webimap-relay.
//!
//! Its one rule: components never do I/O. `state/` holds pure reducers, `services/` the
//! async functions that talk to the client and the browser, `hooks/` runs those services
//! and dispatches actions (the only place that spawns tasks), and `pages/` and
//! `components/` render what they are given and report clicks through `Callback`s.
//!
//! The app runs in the browser only: natively the crate builds for the tests of its pure
//! parts (`state`, `route`, formatting, links, the mail sanitiser's rules), without the
//! browser-bound modules — so nothing natively needs a stand-in for the browser, and what
//! only the UI uses is unused there.
#![forbid(unsafe_code)]
#![deny(missing_debug_implementations)]
#![warn(unreachable_pub)]
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

#[cfg(target_arch = "wasm32")]
mod app;
mod clock;
#[cfg(target_arch = "wasm32")]
mod components;
mod compose_html;
mod format;
#[cfg(target_arch = "wasm32")]
mod hooks;
mod links;
mod mail_html;
#[cfg(target_arch = "wasm32")]
mod pages;
mod route;
#[cfg(target_arch = "wasm32")]
mod services;
mod state;

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

/// Natively there is no page to render (the crate builds natively for its tests).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
