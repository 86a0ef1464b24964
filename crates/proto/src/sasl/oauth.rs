//! XOAUTH2 and OAUTHBEARER initial messages.

use super::error::SaslError;

fn check(value: &str, what: &'static str) -> Result<(), SaslError> {
    if value.bytes().any(|b| b == 0x01 || b == b'\r' || b == b'\n') {
        return Err(SaslError::Credentials(what));
    }
    Ok(())
}

/// `user=U ^A auth=Bearer T ^A ^A` (Google's and Microsoft's XOAUTH2).
pub(super) fn xoauth2(user: &str, token: &str) -> Result<Vec<u8>, SaslError> {
    check(user, "the user name has control characters")?;
    check(token, "the token has control characters")?;
    Ok(format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes())
}

/// RFC 7628: `n,a=U, ^A host=H ^A port=P ^A auth=Bearer T ^A ^A`, with `,` and `=` in the
/// user name escaped as in RFC 5802.
pub(super) fn oauthbearer(
    user: &str,
    token: &str,
    host: &str,
    port: u16,
) -> Result<Vec<u8>, SaslError> {
    check(user, "the user name has control characters")?;
    check(token, "the token has control characters")?;
    check(host, "the host has control characters")?;
    let user = user.replace('=', "=3D").replace(',', "=2C");
    Ok(
        format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
            .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_format() {
        // Google's documented example.
        assert_eq!(
            xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg").unwrap(),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        assert!(xoauth2("a\x01b", "t").is_err());
    }

    #[test]
    fn oauthbearer_format() {
        // RFC 7628 section 4.1.
        assert_eq!(
            oauthbearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143).unwrap(),
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert!(
            oauthbearer("a,b=c", "t", "h", 1)
                .unwrap()
                .starts_with(b"n,a=a=2Cb=3Dc,")
        );
    }
}
