//! Byte streams to an IMAP server: the browser WebSocket through the relay (wasm) and
//! plain TCP (native). Both are futures-io `AsyncRead + AsyncWrite`.

#[cfg(all(feature = "tcp", not(target_arch = "wasm32")))]
pub mod tcp;
#[cfg(target_arch = "wasm32")]
pub mod ws;

/// The relay's WebSocket URL for a target: `{relay}?host=H&port=P`, with the host
/// percent-encoded (it comes from a user).
pub fn relay_url(relay: &str, host: &str, port: u16) -> String {
    let mut encoded = String::with_capacity(host.len());
    for b in host.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let separator = if relay.contains('?') { '&' } else { '?' };
    format!("{relay}{separator}host={encoded}&port={port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_encode_the_host() {
        assert_eq!(
            relay_url("ws://h/relay", "mail.example.com", 993),
            "ws://h/relay?host=mail.example.com&port=993"
        );
        assert_eq!(
            relay_url("ws://h/relay", "a&port=1#", 143),
            "ws://h/relay?host=a%26port%3D1%23&port=143"
        );
        assert_eq!(
            relay_url("ws://h/relay?t=1", "::1", 143),
            "ws://h/relay?t=1&host=%3A%3A1&port=143"
        );
    }
}
