//! webimap-js: IMAP and SMTP submission from JavaScript. A thin wasm-bindgen layer over
//! `webimap-client`: TLS runs in the page, the bytes go through a webimap-relay WebSocket,
//! results are plain JS objects. Built with wasm-pack into the npm package `webimap`.
//!
//! Its one rule: no logic here — only conversions between JS values and the engine's
//! types ([`dto`], [`smtp_dto`], [`address_input`], [`draft_input`]) and one error mapping
//! per protocol ([`error::to_js_error`], [`submit_error`]). Everything it exposes is in
//! `api` and `smtp_api` (wasm32 only).

pub mod address_input;
pub mod draft_input;
pub mod dto;
pub mod error;
pub mod smtp_dto;
pub mod submit_error;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod smtp_api;

#[cfg(target_arch = "wasm32")]
pub use api::{IdleHandle, ImapClient};
#[cfg(target_arch = "wasm32")]
pub use smtp_api::{SendOptionsObject, SmtpClient, build_message};
