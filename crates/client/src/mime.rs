//! Decoding for display, with mail-parser: RFC 2047 encoded words, transfer encodings,
//! charsets, RFC 2231 parameters. Nothing here is IMAP: it works on header and body bytes.

use mail_parser::{MessageParser, MimeHeaders, PartType};
use webimap_proto::types::{
    core::Text,
    fetch::{Address, BodyStructure, SinglePartKind},
};

use crate::{
    charset, html_text,
    model::{AttachmentInfo, EmailAddress, InlinePart},
};

/// Decodes an unstructured header value (RFC 2047 encoded words); raw 8-bit text is read
/// as UTF-8 (lossy).
pub fn decode_header_text(raw: &[u8]) -> String {
    if !raw.windows(2).any(|w| w == b"=?") {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let words = charset::utf8_words(raw);
    let mut header = b"Subject: ".to_vec();
    header.extend(words.iter().filter(|&&b| b != b'\r' && b != b'\n'));
    header.extend_from_slice(b"\r\n\r\n");
    MessageParser::default()
        .parse(&header)
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned())
}

/// Envelope addresses as display data (group markers skipped).
pub fn addresses(list: &[Address]) -> Vec<EmailAddress> {
    list.iter()
        .filter_map(|a| {
            let email = a.email()?;
            let name = a
                .name
                .as_ref()
                .map(|n| decode_header_text(n.as_bytes()))
                .filter(|n| !n.is_empty());
            Some(EmailAddress { name, email })
        })
        .collect()
}

/// Decodes a part for display, given its MIME header bytes (`BODY[n.MIME]`, or the message
/// header for a single-part message) and its encoded content (`BODY[n]`). text/html is
/// turned into plain text.
pub fn decode_text_part(mime_header: &[u8], content: &[u8]) -> Option<String> {
    let raw = join_part(mime_header, content);
    let raw = charset::to_utf8(&raw);
    let message = MessageParser::default().parse(&raw)?;
    // As mail-parser's `body_text`, but HTML goes through `html_text` (no entity table in
    // the wasm).
    match &message.text_part(0)?.body {
        PartType::Text(text) => Some(text.to_string()),
        PartType::Html(html) => Some(html_text::html_to_text(html)),
        _ => None,
    }
}

/// Decodes a part's content (transfer encoding) to bytes, given its MIME header and its
/// encoded content, as for [`decode_text_part`].
pub fn decode_part_bytes(mime_header: &[u8], content: &[u8]) -> Option<Vec<u8>> {
    let raw = join_part(mime_header, content);
    let message = MessageParser::default().parse(&raw)?;
    message.root_part().contents().to_vec().into()
}

/// Decodes an HTML part to its text (charset and transfer encoding), unsanitised.
pub fn decode_html_part(mime_header: &[u8], content: &[u8]) -> Option<String> {
    let raw = join_part(mime_header, content);
    let raw = charset::to_utf8(&raw);
    let message = MessageParser::default().parse(&raw)?;
    message.body_html(0).map(|t| t.into_owned())
}

/// A whole message (an attached message/rfc822, say) made ready for mail-parser: its
/// encoded words and text parts in legacy multi-byte charsets (Shift_JIS, ISO-2022-JP,
/// EUC-KR, GBK, Big5, …) rewritten as UTF-8. In the browser those charsets are decoded by
/// its `TextDecoder` rather than tables in the wasm, so parse with this first.
pub fn legacy_charsets_to_utf8(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    charset::to_utf8(raw)
}

fn join_part(mime_header: &[u8], content: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(mime_header.len() + content.len() + 2);
    raw.extend_from_slice(mime_header);
    if !mime_header.ends_with(b"\r\n\r\n") && !mime_header.ends_with(b"\n\n") {
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(content);
    raw
}

/// The first inline text/html part (outside attached messages), if any.
pub fn choose_html_part(structure: &BodyStructure) -> Option<Vec<u32>> {
    structure
        .parts()
        .into_iter()
        .find(|(path, p)| {
            matches!(p, BodyStructure::Single { .. })
                && p.media_type() == "text"
                && p.subtype() == "html"
                && !is_attachment(p)
                && !is_inside_attached_message(structure, path)
        })
        .map(|(path, _)| path)
}

/// Parts with a Content-ID (inline images that HTML refers to as `cid:`).
pub fn inline_parts(structure: &BodyStructure) -> Vec<InlinePart> {
    structure
        .parts()
        .into_iter()
        .filter_map(|(section, part)| {
            let BodyStructure::Single { fields, .. } = part else {
                return None;
            };
            let id = fields.id.as_ref()?.to_lossy();
            let content_id = id
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            (!content_id.is_empty()).then(|| InlinePart {
                section,
                content_id,
                mime_type: format!("{}/{}", part.media_type(), part.subtype()),
                size: fields.size,
            })
        })
        .collect()
}

/// The part to show as text: the first text/plain that is not an attachment, else the
/// first text/html.
pub fn choose_text_part(structure: &BodyStructure) -> Option<Vec<u32>> {
    let parts = structure.parts();
    let inline_text = |subtype: &str| {
        parts.iter().find(|(_, p)| {
            matches!(p, BodyStructure::Single { .. })
                && p.media_type() == "text"
                && p.subtype() == subtype
                && !is_attachment(p)
        })
    };
    inline_text("plain")
        .or_else(|| inline_text("html"))
        .map(|(path, _)| path.clone())
}

fn disposition(part: &BodyStructure) -> Option<String> {
    match part {
        BodyStructure::Single {
            extension: Some(ext),
            ..
        } => ext
            .disposition
            .as_ref()
            .map(|(d, _)| d.to_lossy().to_ascii_lowercase()),
        _ => None,
    }
}

fn is_attachment(part: &BodyStructure) -> bool {
    disposition(part).as_deref() == Some("attachment")
}

fn param<'a>(params: &'a [(Text, Text)], name: &str) -> Option<&'a Text> {
    params
        .iter()
        .find(|(k, _)| k.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v)
}

/// A file name from MIME parameters (`filename` of the disposition, or `name` of the
/// type): RFC 2231 extended and continued values (`filename*=utf-8''%E2%82%AC.pdf`,
/// `filename*0*=…; filename*1*=…`) and RFC 2047 encoded words, decoded by mail-parser.
fn file_name(params: &[(Text, Text)], key: &str) -> Option<String> {
    let extended: Vec<&(Text, Text)> = params
        .iter()
        .filter(|(k, _)| {
            let k = k.to_lossy().to_ascii_lowercase();
            k.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with('*'))
        })
        .collect();
    if extended.is_empty() {
        return param(params, key).map(|n| decode_header_text(n.as_bytes()));
    }
    if let Some(name) = legacy_extended_value(&extended) {
        return Some(name);
    }
    // Rebuild the header mail-parser reads; values are tokens or quoted strings.
    let mut header = String::from("Content-Disposition: attachment");
    for (k, v) in extended {
        let k = k.to_lossy();
        let v = v.to_lossy();
        if k.ends_with('*') {
            // Extended (percent-encoded) values are written bare.
            header.push_str(&format!(
                "; {}={}",
                k,
                v.replace([';', '\r', '\n', '"'], "")
            ));
        } else {
            header.push_str(&format!(
                "; {}=\"{}\"",
                k,
                v.replace(['\\', '"', '\r', '\n'], "")
            ));
        }
    }
    header.push_str("\r\n\r\n");
    let message = MessageParser::default().parse(header.as_bytes())?;
    message.attachment_name().map(str::to_string)
}

/// An RFC 2231 value (`filename*=shift_jis''%83n…`, or continued `filename*0*=…`) in a
/// legacy charset, decoded; `None` for any other charset (mail-parser reads those).
fn legacy_extended_value(extended: &[&(Text, Text)]) -> Option<String> {
    let index = |k: &Text| {
        let k = k.to_lossy();
        let digits: String = k.chars().filter(char::is_ascii_digit).collect();
        digits.parse::<u32>().unwrap_or(0)
    };
    let mut segments = extended.to_vec();
    segments.sort_by_key(|(k, _)| index(k));
    let mut bytes = Vec::new();
    let mut declared = None;
    for (i, (k, v)) in segments.iter().enumerate() {
        let v = v.as_bytes();
        if !k.as_bytes().ends_with(b"*") {
            bytes.extend_from_slice(v);
            continue;
        }
        let v = if i == 0 {
            // charset'language'value
            let mut fields = v.splitn(3, |&b| b == b'\'');
            let (Some(cs), Some(_), Some(value)) = (fields.next(), fields.next(), fields.next())
            else {
                return None;
            };
            declared = Some(cs);
            value
        } else {
            v
        };
        bytes.extend(charset::percent_decode(v));
    }
    charset::decode_legacy_param(declared?, &bytes)
}

/// The attachments of a structure: parts with a file name or `attachment` disposition,
/// and non-text leaves (images, PDFs, attached messages).
pub fn attachments(structure: &BodyStructure) -> Vec<AttachmentInfo> {
    let text_part = choose_text_part(structure);
    structure
        .parts()
        .into_iter()
        .filter_map(|(section, part)| {
            let BodyStructure::Single {
                fields, extension, ..
            } = part
            else {
                return None;
            };
            if text_part.as_ref() == Some(&section) {
                return None;
            }
            // Parts inside an attached message belong to it.
            let filename = extension
                .as_ref()
                .and_then(|e| e.disposition.as_ref())
                .and_then(|(_, p)| file_name(p, "filename"))
                .or_else(|| file_name(&fields.params, "name"));
            let mime_type = format!("{}/{}", part.media_type(), part.subtype());
            let is_text_alt =
                part.media_type() == "text" && filename.is_none() && !is_attachment(part);
            (!is_text_alt).then_some(AttachmentInfo {
                section,
                filename,
                mime_type,
                size: fields.size,
            })
        })
        .filter(|a| !is_inside_attached_message(structure, &a.section))
        .collect()
}

fn is_inside_attached_message(structure: &BodyStructure, section: &[u32]) -> bool {
    structure.parts().iter().any(|(path, part)| {
        path.len() < section.len()
            && section.starts_with(path)
            && matches!(
                part,
                BodyStructure::Single {
                    specific: SinglePartKind::Message { .. },
                    ..
                }
            )
    })
}

/// Whether a structure has any attachment.
pub fn has_attachments(structure: &BodyStructure) -> bool {
    !attachments(structure).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words() {
        assert_eq!(
            decode_header_text(b"=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?="),
            "Grüße aus München"
        );
        assert_eq!(
            decode_header_text(b"=?iso-8859-1?q?=C7a_marche?="),
            "Ça marche"
        );
        assert_eq!(decode_header_text(b"plain subject"), "plain subject");
        assert_eq!(decode_header_text("raw ütf-8".as_bytes()), "raw ütf-8");
    }

    #[test]
    fn quoted_printable_latin1_part() {
        let header = b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
        assert_eq!(
            decode_text_part(header, b"caf=E9 cr=E8me").as_deref(),
            Some("café crème")
        );
    }

    #[test]
    fn binary_and_html_parts() {
        let header = b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        assert_eq!(
            decode_part_bytes(header, b"iVBORw0KGgo=").as_deref(),
            Some(&b"\x89PNG\r\n\x1a\n"[..])
        );
        let header = b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
        assert_eq!(
            decode_html_part(header, b"<p>Gr=C3=BC=C3=9Fe</p>").as_deref(),
            Some("<p>Grüße</p>")
        );
    }

    #[test]
    fn rfc2231_and_rfc2047_file_names() {
        let p = |k: &str, v: &str| (Text::from(k), Text::from(v));
        assert_eq!(
            file_name(
                &[p("filename*", "utf-8''%E2%82%AC%20rates.pdf")],
                "filename"
            )
            .as_deref(),
            Some("€ rates.pdf")
        );
        assert_eq!(
            file_name(
                &[
                    p("filename*0*", "utf-8''Gr%C3%BC"),
                    p("filename*1*", "%C3%9Fe.txt")
                ],
                "filename"
            )
            .as_deref(),
            Some("Grüße.txt")
        );
        assert_eq!(
            file_name(&[p("NAME", "=?utf-8?q?caf=C3=A9.png?=")], "name").as_deref(),
            Some("café.png")
        );
        assert_eq!(
            file_name(&[p("filename", "plain.txt")], "filename").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(file_name(&[p("charset", "x")], "filename"), None);
    }

    /// Legacy multi-byte charsets go through the charset hook (the browser's TextDecoder
    /// in wasm32 builds, encoding_rs natively): the same results either way.
    #[test]
    fn legacy_charset_words_and_parts() {
        assert_eq!(
            decode_header_text(b"=?ISO-2022-JP?B?GyRCJU8lbSE8ISYlbyE8JWslSRsoQg==?= (re)"),
            "ハロー・ワールド (re)"
        );
        assert_eq!(
            decode_header_text(b"=?shift_jis?Q?=8C=8F=96=BC?= =?utf-8?q?_ok?="),
            "件名 ok"
        );
        let header = b"Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        assert_eq!(
            decode_text_part(header, b"k/qWe4zqgsyDZYNMg1iDZw==").as_deref(),
            Some("日本語のテキスト")
        );
        let header = b"Content-Type: text/plain; charset=\"iso-2022-jp\"\r\n\r\n";
        assert_eq!(
            decode_text_part(header, b"\x1b$B$3$s$K$A$O\x1b(B\r\n")
                .as_deref()
                .map(str::trim_end),
            Some("こんにちは")
        );
        let header = b"Content-Type: text/html; charset=euc-kr\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
        assert_eq!(
            decode_html_part(
                header,
                b"<p>=BE=C8=B3=E7=C7=CF=BC=BC=BF=E4 =BC=BC=B0=E8</p>"
            )
            .as_deref(),
            Some("<p>안녕하세요 세계</p>")
        );
        let header = b"Content-Type: text/plain; charset=gbk\r\n\r\n";
        assert_eq!(
            decode_text_part(header, b"\xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7").as_deref(),
            Some("你好，世界")
        );
        let p = |k: &str, v: &str| (Text::from(k), Text::from(v));
        assert_eq!(
            file_name(
                &[
                    p("filename*0*", "shift_jis''%95%F1%8D%90"),
                    p("filename*1*", "%8F%91.pdf")
                ],
                "filename"
            )
            .as_deref(),
            Some("報告書.pdf")
        );
    }

    #[test]
    fn legacy_charsets_in_a_whole_message() {
        let raw = b"Subject: =?iso-2022-jp?B?GyRCJU8lbSE8ISYlbyE8JWslSRsoQg==?=\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain;\r\n charset=shift_jis\r\nContent-Transfer-Encoding: base64\r\n\r\n\
k/qWe4zqgsyDZYNMg1iDZw==\r\n\
--b\r\nContent-Type: text/plain; charset=shift_jis\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n\
\x8c\x8f\x96\xbc\r\n\
--b--\r\n";
        let utf8 = legacy_charsets_to_utf8(raw);
        // Rewritten before mail-parser sees it (so the wasm build needs no charset tables).
        let text = String::from_utf8_lossy(&utf8);
        assert!(!text.to_ascii_lowercase().contains("shift_jis"), "{text}");
        assert!(!text.contains("iso-2022-jp"), "{text}");
        assert!(text.contains("Content-Disposition: attachment; filename=a.txt"));
        let message = MessageParser::default().parse(&utf8).unwrap();
        assert_eq!(message.subject(), Some("ハロー・ワールド"));
        assert_eq!(message.body_text(0).as_deref(), Some("日本語のテキスト"));
        assert_eq!(
            message.attachment(0).unwrap().attachment_name(),
            Some("a.txt")
        );
        assert_eq!(
            message
                .attachment(0)
                .unwrap()
                .text_contents()
                .map(str::trim_end),
            Some("件名")
        );
        // Nothing legacy: the bytes are passed through untouched.
        let plain = b"Subject: hi\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n";
        assert!(matches!(
            legacy_charsets_to_utf8(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn base64_utf8_part() {
        let header =
            b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        assert_eq!(
            decode_text_part(header, b"5pel5pys6Kqe").as_deref(),
            Some("日本語")
        );
    }
}
