//! webimap-js: IMAP from JavaScript. A thin wasm-bindgen layer over `webimap-client`:
//! TLS runs in the page, the bytes go through a webimap-relay WebSocket, results are plain
//! JS objects. Built with wasm-pack into the npm package `webimap`.
//!
//! Its one rule: no logic here — only conversions between JS values and the client's
//! types ([`dto`]) and one error mapping ([`error::to_js_error`]). Everything it exposes
//! is in `api` (wasm32 only).

pub mod dto;
pub mod error;

#[cfg(target_arch = "wasm32")]
mod api;

#[cfg(target_arch = "wasm32")]
pub use api::{IdleHandle, ImapClient};
