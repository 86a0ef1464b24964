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

/// A JS `Error` with the message and a `code` property.
pub fn to_js_error(e: &ClientError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from_str(error_code(e)),
    );
    error.into()
}

/// A JS `Error` for bad arguments from JavaScript.
pub fn invalid(message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from_str("INVALID"),
    );
    error.into()
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
