//! Decoding for display, with mail-parser: RFC 2047 encoded words, transfer encodings,
//! charsets, RFC 2231 parameters. Nothing here is IMAP: it works on header and body bytes.

use mail_parser::{MessageParser, MimeHeaders};
use webimap_proto::types::{
    core::Text,
    fetch::{Address, BodyStructure, SinglePartKind},
};

use crate::model::{AttachmentInfo, EmailAddress, InlinePart};

/// Decodes an unstructured header value (RFC 2047 encoded words); raw 8-bit text is read
/// as UTF-8 (lossy).
pub fn decode_header_text(raw: &[u8]) -> String {
    if !raw.windows(2).any(|w| w == b"=?") {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut header = b"Subject: ".to_vec();
    header.extend(raw.iter().filter(|&&b| b != b'\r' && b != b'\n'));
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
    let message = MessageParser::default().parse(&raw)?;
    message.body_text(0).map(|t| t.into_owned())
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
    let message = MessageParser::default().parse(&raw)?;
    message.body_html(0).map(|t| t.into_owned())
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
