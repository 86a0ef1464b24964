//! Legacy multi-byte charsets (Shift_JIS, ISO-2022-JP, EUC-JP, EUC-KR, GBK, GB18030, Big5,
//! …) without shipping their tables to the browser. mail-parser decodes them only with its
//! `full_encoding` feature (encoding_rs, hundreds of KB of tables); in wasm32 builds that
//! feature is off and the browser's own `TextDecoder` (the same WHATWG Encoding Standard)
//! does the work. Natively encoding_rs stays, behind the same hook, so the same code runs
//! and is tested on both. Before mail-parser sees a message, [`to_utf8`] rewrites what is
//! in such a charset (encoded words, text parts) as UTF-8.

use std::borrow::Cow;

use base64::{Engine, engine::general_purpose::STANDARD};
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// mail-parser's labels (lowercase, `-` as `_`) of the charsets that need `full_encoding`,
/// with the WHATWG name each decodes as.
const LEGACY: &[(&str, &str)] = &[
    ("866", "ibm866"),
    ("cp866", "ibm866"),
    ("csibm866", "ibm866"),
    ("ibm866", "ibm866"),
    ("big5", "big5"),
    ("big5_hkscs", "big5"),
    ("cn_big5", "big5"),
    ("csbig5", "big5"),
    ("x_x_big5", "big5"),
    ("chinese", "gbk"),
    ("cp936", "gbk"),
    ("csgb2312", "gbk"),
    ("csgbk", "gbk"),
    ("csiso58gb231280", "gbk"),
    ("gb2312", "gbk"),
    ("gb_2312", "gbk"),
    ("gb_2312_80", "gbk"),
    ("gbk", "gbk"),
    ("iso_ir_58", "gbk"),
    ("ms936", "gbk"),
    ("windows_936", "gbk"),
    ("x_gbk", "gbk"),
    ("csgb18030", "gb18030"),
    ("gb18030", "gb18030"),
    ("cseuckr", "euc-kr"),
    ("csksc56011987", "euc-kr"),
    ("euc_kr", "euc-kr"),
    ("iso_ir_149", "euc-kr"),
    ("korean", "euc-kr"),
    ("ks_c_5601_1987", "euc-kr"),
    ("ks_c_5601_1989", "euc-kr"),
    ("ksc5601", "euc-kr"),
    ("ksc_5601", "euc-kr"),
    ("windows_949", "euc-kr"),
    ("cseucpkdfmtjapanese", "euc-jp"),
    ("euc_jp", "euc-jp"),
    ("extended_unix_code_packed_format_for_japanese", "euc-jp"),
    ("x_euc_jp", "euc-jp"),
    ("csiso2022jp", "iso-2022-jp"),
    ("iso_2022_jp", "iso-2022-jp"),
    ("csshiftjis", "shift_jis"),
    ("ms932", "shift_jis"),
    ("ms_kanji", "shift_jis"),
    ("shift_jis", "shift_jis"),
    ("sjis", "shift_jis"),
    ("windows_31j", "shift_jis"),
    ("x_sjis", "shift_jis"),
    ("cswindows874", "windows-874"),
    ("dos_874", "windows-874"),
    ("windows_874", "windows-874"),
    ("x_mac_cyrillic", "x-mac-cyrillic"),
    ("x_mac_ukrainian", "x-mac-cyrillic"),
    ("x_user_defined", "x-user-defined"),
    ("csiso2022kr", "replacement"),
    ("hz_gb_2312", "replacement"),
    ("iso_2022_cn", "replacement"),
    ("iso_2022_cn_ext", "replacement"),
    ("iso_2022_kr", "replacement"),
    ("replacement", "replacement"),
];

/// The WHATWG name of `label` if it is a charset mail-parser's own tables lack.
fn legacy(label: &[u8]) -> Option<&'static str> {
    let label: String = label
        .trim_ascii()
        .iter()
        .map(|&b| match b {
            b'-' => '_',
            b => char::from(b.to_ascii_lowercase()),
        })
        .collect();
    LEGACY
        .iter()
        .find(|(l, _)| *l == label)
        .map(|&(_, name)| name)
}

/// Decodes `bytes` in the legacy charset `name` (a WHATWG name from [`LEGACY`]).
fn decode(name: &str, bytes: &[u8]) -> Option<String> {
    if name == "replacement" {
        // The Encoding Standard's decoder for ISO-2022-KR, HZ and the like: one U+FFFD.
        return Some(if bytes.is_empty() { "" } else { "\u{fffd}" }.into());
    }
    decode_with_platform(name, bytes)
}

/// The browser's TextDecoder.
#[cfg(target_arch = "wasm32")]
fn decode_with_platform(name: &str, bytes: &[u8]) -> Option<String> {
    let decoder = web_sys::TextDecoder::new_with_label(name).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

/// encoding_rs, through mail-parser's `full_encoding`.
#[cfg(not(target_arch = "wasm32"))]
fn decode_with_platform(name: &str, bytes: &[u8]) -> Option<String> {
    mail_parser::decoders::charsets::map::charset_decoder(name.as_bytes()).map(|d| d(bytes))
}

/// `raw` (a message, or a part's MIME header and content) with every RFC 2047 encoded word
/// and every text part in a legacy charset rewritten as UTF-8; borrowed when there is none.
/// Attached messages (message/rfc822 parts) are left as they are: they are decoded when
/// opened.
pub(crate) fn to_utf8(raw: &[u8]) -> Cow<'_, [u8]> {
    if !might_have_legacy(raw) {
        return Cow::Borrowed(raw);
    }
    let Some(message) = MessageParser::default().parse(raw) else {
        return Cow::Borrowed(raw);
    };
    // (start, end, replacement) over `raw`, in order.
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for part in &message.parts {
        let header = part.raw_header_offset() as usize..part.raw_body_offset() as usize;
        let end = (part.raw_end_offset() as usize).min(raw.len());
        let Some(header_bytes) = raw.get(header.clone()) else {
            continue;
        };
        let body = raw.get(header.end..end).unwrap_or_default();
        let text_charset = match part.body {
            PartType::Text(_) | PartType::Html(_) => part
                .content_type()
                .and_then(|ct| ct.attribute("charset"))
                .and_then(|c| legacy(c.as_bytes())),
            _ => None,
        };
        let decoded = text_charset.and_then(|name| {
            let bytes = transfer_decoded(part.content_transfer_encoding(), body)?;
            decode(name, &bytes)
        });
        match decoded {
            Some(text) => {
                let subtype = part
                    .content_type()
                    .and_then(|ct| ct.subtype())
                    .unwrap_or("plain");
                let mut new = utf8_words(&without_content_headers(header_bytes)).into_owned();
                new.extend_from_slice(
                    format!(
                        "Content-Type: text/{subtype}; charset=utf-8\r\n\
                         Content-Transfer-Encoding: base64\r\n\r\n"
                    )
                    .as_bytes(),
                );
                // Base64 lines can never look like a multipart boundary.
                let encoded = STANDARD.encode(text.as_bytes());
                for line in encoded.as_bytes().chunks(76) {
                    new.extend_from_slice(line);
                    new.extend_from_slice(b"\r\n");
                }
                edits.push((header.start, end, new));
            }
            None => {
                if let Cow::Owned(new) = utf8_words(header_bytes) {
                    edits.push((header.start, header.end, new));
                }
            }
        }
    }
    if edits.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    for (start, end, new) in edits {
        if start < at {
            continue;
        }
        out.extend_from_slice(&raw[at..start]);
        out.extend_from_slice(&new);
        at = end;
    }
    out.extend_from_slice(&raw[at.min(raw.len())..]);
    Cow::Owned(out)
}

/// A cheap test before parsing: is any `charset=` value or encoded word's charset legacy?
fn might_have_legacy(raw: &[u8]) -> bool {
    let label_at = |at: usize| {
        let rest = raw.get(at..).unwrap_or_default();
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
        let len = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
            .unwrap_or(rest.len());
        legacy(&rest[..len]).is_some()
    };
    (0..raw.len()).any(|i| {
        raw[i] == b'='
            && (raw.get(i + 1) == Some(&b'?') && label_at(i + 2)
                || i >= 7 && raw[i - 7..i].eq_ignore_ascii_case(b"charset") && label_at(i + 1))
    })
}

/// The content of a part with only its transfer encoding undone.
fn transfer_decoded(encoding: Option<&str>, body: &[u8]) -> Option<Vec<u8>> {
    let mut raw = b"Content-Type: application/octet-stream\r\n".to_vec();
    if let Some(encoding) = encoding {
        raw.extend_from_slice(b"Content-Transfer-Encoding: ");
        raw.extend(encoding.bytes().filter(|&b| b != b'\r' && b != b'\n'));
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    let message = MessageParser::default().parse(&raw)?;
    Some(message.root_part().contents().to_vec())
}

/// A header block without its Content-Type and Content-Transfer-Encoding fields (and
/// without the blank line that ends it).
fn without_content_headers(header: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(header.len());
    let mut skipping = false;
    for line in header.split_inclusive(|&b| b == b'\n') {
        if line.trim_ascii().is_empty() {
            break;
        }
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !continuation {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            let name = name.trim_ascii();
            skipping = name.eq_ignore_ascii_case(b"content-type")
                || name.eq_ignore_ascii_case(b"content-transfer-encoding");
        }
        if !skipping {
            out.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out
}

/// `header` with its RFC 2047 encoded words in a legacy charset rewritten as UTF-8 ones.
pub(crate) fn utf8_words(header: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut at = 0; // copied up to here
    let mut i = 0;
    while let Some(found) = find(&header[i..], b"=?") {
        let start = i + found;
        match encoded_word(&header[start..]) {
            Some((len, text)) => {
                let out = out.get_or_insert_with(|| Vec::with_capacity(header.len() + 16));
                out.extend_from_slice(&header[at..start]);
                out.extend_from_slice(b"=?utf-8?b?");
                out.extend_from_slice(STANDARD.encode(text.as_bytes()).as_bytes());
                out.extend_from_slice(b"?=");
                at = start + len;
                i = at;
            }
            None => i = start + 2,
        }
    }
    match out {
        Some(mut out) => {
            out.extend_from_slice(&header[at..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(header),
    }
}

/// An encoded word in a legacy charset at the start of `s`: its length and decoded text.
fn encoded_word(s: &[u8]) -> Option<(usize, String)> {
    let rest = s.strip_prefix(b"=?")?;
    let q1 = rest.iter().position(|&b| b == b'?')?;
    let charset = &rest[..q1];
    if charset.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    // RFC 2231 adds `*language`.
    let charset = charset.split(|&b| b == b'*').next()?;
    let name = legacy(charset)?;
    let rest = &rest[q1 + 1..];
    let (&encoding, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    let data_len = find(rest, b"?=")?;
    let data = &rest[..data_len];
    if data.iter().any(|&b| b == b'?' || b == b'\r' || b == b'\n') {
        return None;
    }
    let bytes = match encoding {
        b'b' | b'B' => mail_parser::decoders::base64::base64_decode(data)?,
        b'q' | b'Q' => q_decode(data),
        _ => return None,
    };
    let text = decode(name, &bytes)?;
    Some((2 + q1 + 1 + 2 + data_len + 2, text))
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte.
fn q_decode(data: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'_' => out.push(b' '),
            b'=' => {
                match (
                    data.get(i + 1).copied().and_then(hex),
                    data.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'='),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Percent-decoded RFC 2231 value bytes (`%E2%82%AC` → bytes).
pub(crate) fn percent_decode(value: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let (Some(h), Some(l)) = (
                value.get(i + 1).copied().and_then(hex),
                value.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// An RFC 2231 parameter value in a legacy charset: `charset` is the value's declared
/// charset, `bytes` the percent-decoded value. `None` when the charset is not legacy.
pub(crate) fn decode_legacy_param(charset: &[u8], bytes: &[u8]) -> Option<String> {
    decode(legacy(charset)?, bytes)
}
