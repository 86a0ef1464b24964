//! The WebSocket upgrade of an admitted `/relay` request (RFC 6455 §4.2): checks the
//! handshake headers and answers `101 Switching Protocols`.
//!
//! The subprotocol `webimap` is selected when offered; a `webimap.token.…` value (a token,
//! see [`crate::token`]) is never echoed back.

use std::fmt;

use axum::{
    body::Body,
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use hyper::upgrade::OnUpgrade;

use crate::{token, ws};

/// A valid handshake, ready to be answered.
#[derive(Debug)]
pub(crate) struct Handshake {
    accept: HeaderValue,
    select_protocol: bool,
    on_upgrade: OnUpgrade,
}

/// Why a request cannot be upgraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// A handshake header is missing or wrong.
    Headers {
        status: StatusCode,
        reason: &'static str,
    },
    /// The connection cannot be taken over (not HTTP/1.1 upgradable).
    NotUpgradable,
    /// The `Sec-WebSocket-Accept` value is not a valid header value.
    AcceptKey,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Headers { reason, .. } => f.write_str(reason),
            Self::NotUpgradable => f.write_str("connection not upgradable"),
            Self::AcceptKey => f.write_str("cannot answer the WebSocket key"),
        }
    }
}

impl Rejection {
    /// Logs the rejection for a request from `client`.
    pub(crate) fn log(&self, client: &dyn fmt::Display) {
        match self {
            Self::Headers { .. } => {
                tracing::info!(%client, rejection = %self, "relay request without WebSocket upgrade");
            }
            Self::NotUpgradable => {
                tracing::info!(%client, "relay request on a connection that cannot be upgraded");
            }
            Self::AcceptKey => tracing::info!(%client, "cannot answer the WebSocket key"),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Self::Headers { status, .. } => (status, format!("{self}\n")).into_response(),
            Self::NotUpgradable => {
                (StatusCode::UPGRADE_REQUIRED, format!("{self}\n")).into_response()
            }
            Self::AcceptKey => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// Checks the handshake and takes the connection's upgrade handle out of `request`.
///
/// # Errors
///
/// The [`Rejection`] if the request is not a valid WebSocket handshake or its connection
/// cannot be upgraded.
pub(crate) fn handshake(request: &mut Parts) -> Result<Handshake, Rejection> {
    let accept = check_headers(&request.headers)?;
    let on_upgrade = request
        .extensions
        .remove::<OnUpgrade>()
        .ok_or(Rejection::NotUpgradable)?;
    let accept = HeaderValue::from_str(&accept).map_err(|_| Rejection::AcceptKey)?;
    let select_protocol = has_token(
        &request.headers,
        header::SEC_WEBSOCKET_PROTOCOL,
        token::PROTOCOL,
    );
    Ok(Handshake {
        accept,
        select_protocol,
        on_upgrade,
    })
}

impl Handshake {
    /// The `101 Switching Protocols` answer, and the future that yields the connection
    /// once hyper has sent it.
    pub(crate) fn switch(self) -> (Response, OnUpgrade) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, self.accept);
        if self.select_protocol {
            headers.insert(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_static(token::PROTOCOL),
            );
        }
        (response, self.on_upgrade)
    }
}

/// Checks the handshake headers (RFC 6455 §4.2.1); the `Sec-WebSocket-Accept` value.
fn check_headers(headers: &HeaderMap) -> Result<String, Rejection> {
    let refuse = |status, reason| Err(Rejection::Headers { status, reason });
    if !has_token(headers, header::CONNECTION, "upgrade") {
        return refuse(
            StatusCode::UPGRADE_REQUIRED,
            "Connection header did not include 'upgrade'",
        );
    }
    if !has_token(headers, header::UPGRADE, "websocket") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Upgrade header did not include 'websocket'",
        );
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .map(HeaderValue::as_bytes)
        != Some(b"13")
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Version header missing or not 13",
        );
    }
    match headers.get(header::SEC_WEBSOCKET_KEY) {
        Some(key) => Ok(ws::accept_key(key.as_bytes())),
        None => refuse(StatusCode::BAD_REQUEST, "Sec-WebSocket-Key header missing"),
    }
}

/// Whether any `name` header lists `token` (comma-separated, any case).
fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|item| item.trim().eq_ignore_ascii_case(token))
        })
    })
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    /// The handshake of RFC 6455 §1.3, plus `extra` headers, minus `without`.
    fn headers(without: &str, extra: &[(&str, &str)]) -> HeaderMap {
        let mut request = Request::builder();
        let standard = [
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        for (name, value) in standard.iter().chain(extra) {
            if *name != without {
                request = request.header(*name, *value);
            }
        }
        request
            .body(())
            .map(|r| r.into_parts().0.headers)
            .unwrap_or_default()
    }

    fn status_of(result: Result<String, Rejection>) -> Result<String, u16> {
        result.map_err(|rejection| match rejection {
            Rejection::Headers { status, .. } => status.as_u16(),
            Rejection::NotUpgradable | Rejection::AcceptKey => 0,
        })
    }

    #[test]
    fn checks_each_handshake_header() {
        // RFC 6455 §1.3's sample key and answer.
        let accept = Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".to_owned());
        assert_eq!(status_of(check_headers(&headers("", &[]))), accept);
        let table = [
            ("connection", 426),
            ("upgrade", 400),
            ("sec-websocket-version", 400),
            ("sec-websocket-key", 400),
        ];
        for (without, status) in table {
            assert_eq!(
                status_of(check_headers(&headers(without, &[]))),
                Err(status),
                "without {without}"
            );
        }
        let old = headers("sec-websocket-version", &[("sec-websocket-version", "8")]);
        assert_eq!(status_of(check_headers(&old)), Err(400));
    }

    #[test]
    fn finds_list_tokens_in_any_case() {
        let h = headers(
            "",
            &[("sec-websocket-protocol", "webimap.token.abc, WebIMAP")],
        );
        assert!(has_token(&h, header::CONNECTION, "upgrade"));
        assert!(has_token(
            &h,
            header::SEC_WEBSOCKET_PROTOCOL,
            token::PROTOCOL
        ));
        let only_token = headers("", &[("sec-websocket-protocol", "webimap.token.abc")]);
        assert!(!has_token(
            &only_token,
            header::SEC_WEBSOCKET_PROTOCOL,
            token::PROTOCOL
        ));
    }

    fn request_parts(protocols: &str) -> Option<Parts> {
        Request::builder()
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("sec-websocket-protocol", protocols)
            .body(())
            .map(|r| r.into_parts().0)
            .ok()
    }

    #[test]
    fn answer_selects_webimap_and_never_echoes_the_token() {
        for (offered, selected) in [
            ("webimap, webimap.token.abcdefghijklmnop", Some("webimap")),
            ("webimap.token.abcdefghijklmnop", None),
        ] {
            let mut parts = request_parts(offered).expect("request");
            // What hyper puts there for an upgradable connection.
            parts
                .extensions
                .insert(hyper::upgrade::on(Request::new(())));
            let (response, _on_upgrade) = handshake(&mut parts).expect("handshake").switch();
            assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
            let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
            assert_eq!(
                header(header::SEC_WEBSOCKET_ACCEPT),
                Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            );
            assert_eq!(header(header::UPGRADE), Some("websocket"));
            assert_eq!(
                header(header::SEC_WEBSOCKET_PROTOCOL),
                selected,
                "{offered}"
            );
        }
    }

    #[test]
    fn connection_that_cannot_be_upgraded_gets_426() {
        let mut parts = request_parts("webimap").expect("request");
        assert_eq!(handshake(&mut parts).err(), Some(Rejection::NotUpgradable));
        let response = Rejection::NotUpgradable.into_response();
        assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
    }
}
