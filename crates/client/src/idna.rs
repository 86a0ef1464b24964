//! Internationalised domain names to their ASCII form (`bücher.example` →
//! `xn--bcher-kva.example`), for SMTP envelopes and message headers.
//!
//! In the browser the page's own URL parser does it (`new URL("http://" + domain)
//! .hostname`: the full UTS #46 mapping, no tables in the wasm). Natively, labels are
//! lower-cased and Punycode-encoded (RFC 3492) without the UTS #46 mapping tables: enough
//! for names typed in their normal (NFC, lower-case) form, which is what a native caller of
//! a mail library hands over.

use thiserror::Error;

/// A domain that has no ASCII form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("\"{0}\" is not a valid domain name")]
pub struct InvalidDomain(pub String);

/// The ASCII form of `domain` (unchanged if it is ASCII already).
pub fn to_ascii(domain: &str) -> Result<String, InvalidDomain> {
    if domain.is_empty() {
        return Err(InvalidDomain(String::new()));
    }
    if domain.is_ascii() {
        return Ok(domain.to_string());
    }
    let invalid = || InvalidDomain(domain.to_string());
    if domain
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "/?#@:[]\\%".contains(c))
    {
        return Err(invalid());
    }
    let ascii = convert(domain).ok_or_else(invalid)?;
    if !is_host_name(&ascii) {
        return Err(invalid());
    }
    Ok(ascii)
}

/// Letters, digits and hyphens in dot-separated labels of 1 to 63 octets, 253 at most in
/// all: what the conversion must give on every platform (the URL parser maps some
/// full-width punctuation to ASCII punctuation, which no domain may hold).
fn is_host_name(ascii: &str) -> bool {
    !ascii.is_empty()
        && ascii.len() <= 253
        && ascii.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The browser's URL parser.
#[cfg(target_arch = "wasm32")]
fn convert(domain: &str) -> Option<String> {
    let url = web_sys::Url::new(&format!("http://{domain}/")).ok()?;
    Some(url.hostname())
}

/// Lower-case, then Punycode every non-ASCII label.
#[cfg(not(target_arch = "wasm32"))]
fn convert(domain: &str) -> Option<String> {
    let lower = domain.to_lowercase();
    let labels: Option<Vec<String>> = lower
        .split('.')
        .map(|label| {
            if label.is_ascii() {
                Some(label.to_string())
            } else {
                punycode(label).map(|encoded| format!("xn--{encoded}"))
            }
        })
        .collect();
    Some(labels?.join("."))
}

/// RFC 3492 section 6.3, the encoder (bootstring with Punycode's parameters).
#[cfg(not(target_arch = "wasm32"))]
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    const INITIAL_BIAS: u32 = 72;
    const INITIAL_N: u32 = 128;

    fn digit(d: u32) -> char {
        // 0..25 → a..z, 26..35 → 0..9
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    }
    fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
        delta /= if first { DAMP } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
    }

    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic = output.chars().count() as u32;
    let mut handled = basic;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    while (handled as usize) < input.len() {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ascii_domains_are_unchanged() {
        assert_eq!(to_ascii("mail.example.com").unwrap(), "mail.example.com");
    }

    #[test]
    fn known_conversions() {
        for (unicode, ascii) in [
            ("bücher.example", "xn--bcher-kva.example"),
            ("münchen.de", "xn--mnchen-3ya.de"),
            ("MÜNCHEN.de", "xn--mnchen-3ya.de"),
            ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
            ("пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f"),
            ("ドメイン名例.jp", "xn--eckwd4c7cu47r2wf.jp"),
            ("straße.de", "xn--strae-oqa.de"),
        ] {
            assert_eq!(to_ascii(unicode).unwrap(), ascii, "{unicode}");
        }
    }

    #[test]
    fn rfc3492_sample_strings() {
        // RFC 3492 section 7.1 (A) Arabic (Egyptian) and (L) Japanese.
        assert_eq!(
            punycode("ليهمابتكلموشعربي؟").unwrap(),
            "egbpdaj6bu4bxfgehfvwxn"
        );
        assert_eq!(
            punycode("3年B組金八先生").unwrap(),
            "3B-ww4c5e180e575a65lsy2b"
        );
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "bü cher.example",
            "bü/cher",
            "",
            "a@ü.de",
            "ü\u{0}.de",
            "ü..de",
            "ü.d;e",
            "ü.(de)",
            "ü,de",
        ] {
            assert!(to_ascii(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}.de", "ü".repeat(80));
        assert!(to_ascii(&long).is_err());
    }
}
