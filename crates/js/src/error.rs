//! One mapping from client errors to JavaScript `Error`s with a stable `code`.

use wasm_bindgen::JsValue;
use webimap_client::ClientError;

/// The stable `code` of an error (JS code can switch on it).
pub fn error_code(e: &ClientError) -> &'static str {
    if e.is_authentication_failure() {
        return "AUTH_FAILED";
    }
    match e {
        ClientError::Io(_) => "IO",
        ClientError::Closed => "CLOSED",
        ClientError::Server { bad: true, .. } => "SERVER_BAD",
        ClientError::Server { .. } => "SERVER_NO",
        ClientError::Protocol(_) => "PROTOCOL",
        ClientError::Tls(_) => "TLS",
        ClientError::Insecure(_) => "INSECURE",
        ClientError::Sasl(_) => "AUTH_FAILED",
        ClientError::Invalid(_) => "INVALID",
        ClientError::Unexpected(_) => "UNEXPECTED",
        ClientError::Unsupported(_) => "UNSUPPORTED",
        ClientError::Connect { .. } => "CONNECT",
        ClientError::LimitExceeded(_) => "LIMIT",
        ClientError::Timeout => "TIMEOUT",
        ClientError::DraftKept => "DRAFT_KEPT",
        ClientError::NotADraft => "NOT_A_DRAFT",
        _ => "UNKNOWN",
    }
}

/// Sets `object[key] = value` (on a fresh object or `Error` this cannot fail in practice;
/// a failure is reported to the caller, who may ignore it on an error path).
pub fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value).map(|_| ())
}

/// A JS `Error` with the message and a stable `code` property: the one way this crate
/// makes its errors.
pub fn coded_error(code: &str, message: &str) -> JsValue {
    let error: JsValue = js_sys::Error::new(message).into();
    let _ = set(&error, "code", &JsValue::from_str(code));
    error
}

/// A JS `Error` for a client error, with its `code`.
pub fn to_js_error(e: &ClientError) -> JsValue {
    coded_error(error_code(e), &e.to_string())
}

/// A JS `Error` for bad arguments from JavaScript.
pub fn invalid(message: &str) -> JsValue {
    coded_error("INVALID", message)
}

/// A Rust value as a plain JS object (JSON-compatible: maps as objects, no `Map`s).
pub fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(error_code(&ClientError::Closed), "CLOSED");
        assert_eq!(
            error_code(&ClientError::Tls(webimap_client::error::TlsError::NotTls)),
            "TLS"
        );
        assert_eq!(error_code(&ClientError::Insecure("x".into())), "INSECURE");
    }
}
