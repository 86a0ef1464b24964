//! A [`Draft`] built into the two serialisations of one message: the one handed to SMTP
//! (no Bcc header) and the one kept in Sent or Drafts (Bcc kept). Both share every byte
//! but the Bcc header: the MIME tree is made once, with boundaries derived from the
//! caller's random bytes instead of mail-builder's clock.

use std::borrow::Cow;

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_builder::mime::{BodyPart, MimePart};

use super::address::{Mailbox, printable};
use super::date::rfc5322_date;
use super::flowed::to_flowed;
use super::{Attachment, Body, ComposeError, Draft, valid_identifier, valid_mime_type};
use crate::html_text::html_to_text;

/// What the caller supplies so that building needs no clock and no randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildInputs {
    /// The time the message is dated, in Unix seconds.
    pub unix_time: i64,
    /// The writer's offset from UTC in minutes (east positive), for the Date header.
    pub utc_offset_minutes: i32,
    /// Random bytes (e.g. from `getrandom`): the Message-ID's unique part and the MIME
    /// boundaries'.
    pub random: [u8; 16],
}

/// A built message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Its Message-ID, without angle brackets.
    pub message_id: String,
    /// The bytes to send over SMTP: no Bcc header.
    pub for_sending: Vec<u8>,
    /// The bytes to append to Sent or Drafts: with the Bcc header.
    pub for_keeping: Vec<u8>,
    /// The SMTP envelope recipients (To, Cc and Bcc, each address once, compared
    /// case-insensitively). Empty for a draft with no recipients yet: it can be kept,
    /// not sent.
    pub recipients: Vec<String>,
}

/// The domain a Message-ID falls back to when the sender's cannot stand in one.
const FALLBACK_DOMAIN: &str = "webimap.invalid";

/// Builds `draft` at `inputs`' time with their random part.
pub fn build(draft: &Draft, inputs: &BuildInputs) -> Result<Built, ComposeError> {
    check(draft)?;
    let draft = &with_ascii_domains(draft)?;
    let unique = hex(&inputs.random);
    let message_id = format!("{unique}@{}", message_id_domain(&draft.from));
    let body = mime_tree(draft, &unique);
    let date = rfc5322_date(inputs.unix_time, inputs.utc_offset_minutes);
    let serialise = |with_bcc: bool| {
        // Date and Message-ID are set: mail-builder adds only MIME-Version.
        let message = headers(draft, &date, &message_id, with_bcc).body(body.clone());
        let mut bytes = Vec::new();
        message.serialize(&mut bytes);
        bytes
    };
    Ok(Built {
        for_sending: serialise(false),
        for_keeping: serialise(true),
        recipients: recipients(draft),
        message_id,
    })
}

/// The draft with every address's domain in ASCII form (headers and the envelope carry
/// no raw non-ASCII domain); borrowed when all are ASCII already.
fn with_ascii_domains(draft: &Draft) -> Result<Cow<'_, Draft>, ComposeError> {
    let all_ascii = std::iter::once(&draft.from)
        .chain(&draft.to)
        .chain(&draft.cc)
        .chain(&draft.bcc)
        .all(|m| m.address.is_ascii());
    if all_ascii {
        return Ok(Cow::Borrowed(draft));
    }
    let convert = |list: &[Mailbox]| -> Result<Vec<Mailbox>, ComposeError> {
        list.iter()
            .map(|m| m.with_ascii_domain().map_err(ComposeError::from))
            .collect()
    };
    Ok(Cow::Owned(Draft {
        from: draft.from.with_ascii_domain()?,
        to: convert(&draft.to)?,
        cc: convert(&draft.cc)?,
        bcc: convert(&draft.bcc)?,
        ..draft.clone()
    }))
}

/// Every check a draft must pass before it turns into header syntax.
fn check(draft: &Draft) -> Result<(), ComposeError> {
    draft.from.validate()?;
    for mailbox in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        mailbox.validate()?;
    }
    if draft.subject.contains(['\r', '\n', '\0']) {
        return Err(ComposeError::LineBreak("subject"));
    }
    for id in draft.in_reply_to.iter().chain(&draft.references) {
        if !valid_identifier(id) {
            return Err(ComposeError::Identifier(printable(id)));
        }
    }
    for attachment in &draft.attachments {
        if !valid_mime_type(&attachment.mime_type) {
            return Err(ComposeError::MimeType(printable(&attachment.mime_type)));
        }
        if attachment.name.contains(['\r', '\n', '\0']) {
            return Err(ComposeError::LineBreak("attachment's name"));
        }
    }
    if let Body::Html { inline_images, .. } = &draft.body {
        for image in inline_images {
            if !valid_mime_type(&image.mime_type) {
                return Err(ComposeError::MimeType(printable(&image.mime_type)));
            }
            if !valid_identifier(&image.content_id) {
                return Err(ComposeError::Identifier(printable(&image.content_id)));
            }
        }
    }
    Ok(())
}

/// The header block of one serialisation.
fn headers<'x>(
    draft: &'x Draft,
    date: &'x str,
    message_id: &'x str,
    with_bcc: bool,
) -> MessageBuilder<'x> {
    let mut message = MessageBuilder::new()
        .header("Date", Raw::new(date))
        .from(address(&draft.from));
    if !draft.to.is_empty() {
        message = message.to(address_list(&draft.to));
    }
    if !draft.cc.is_empty() {
        message = message.cc(address_list(&draft.cc));
    }
    if with_bcc && !draft.bcc.is_empty() {
        message = message.bcc(address_list(&draft.bcc));
    }
    message = message
        .header("Subject", Text::new(draft.subject.as_str()))
        .message_id(MessageId::new(message_id));
    if let Some(parent) = &draft.in_reply_to {
        message = message.in_reply_to(MessageId::new(parent.as_str()));
    }
    if !draft.references.is_empty() {
        message = message.references(MessageId::new_list(
            draft.references.iter().map(String::as_str),
        ));
    }
    message
}

fn address(mailbox: &Mailbox) -> Address<'_> {
    Address::new_address(mailbox.display_name(), mailbox.address.as_str())
}

fn address_list(mailboxes: &[Mailbox]) -> Address<'_> {
    Address::new_list(mailboxes.iter().map(address).collect())
}

/// The MIME tree of the body: text or HTML with its text alternative and inline images,
/// in multipart/mixed with the attachments if there are any. Multipart boundaries are
/// `unique` and a number.
fn mime_tree<'x>(draft: &'x Draft, unique: &str) -> MimePart<'x> {
    let mut boundaries = 0;
    let mut multipart = |kind: &'static str, parts: Vec<MimePart<'x>>| {
        boundaries += 1;
        MimePart::new(
            ContentType::new(kind).attribute("boundary", format!("b{boundaries}_{unique}")),
            BodyPart::Multipart(parts),
        )
    };
    let content = match &draft.body {
        Body::Text { text } => flowed_part(text),
        Body::Html {
            html,
            inline_images,
        } => {
            let html_part = MimePart::new(
                ContentType::new("text/html").attribute("charset", "utf-8"),
                BodyPart::Text(Cow::Borrowed(html.as_str())),
            );
            let shown = if inline_images.is_empty() {
                html_part
            } else {
                let mut parts = vec![html_part];
                parts.extend(inline_images.iter().map(|image| {
                    MimePart::new(
                        ContentType::new(image.mime_type.as_str()),
                        BodyPart::Binary(Cow::Borrowed(image.data.as_slice())),
                    )
                    .inline()
                    .cid(image.content_id.as_str())
                }));
                multipart("multipart/related", parts)
            };
            let text = flowed_part(&html_to_text(html));
            multipart("multipart/alternative", vec![text, shown])
        }
    };
    if draft.attachments.is_empty() {
        return content;
    }
    let mut parts = vec![content];
    parts.extend(draft.attachments.iter().map(attachment_part));
    multipart("multipart/mixed", parts)
}

fn flowed_part(text: &str) -> MimePart<'static> {
    MimePart::new(
        ContentType::new("text/plain")
            .attribute("charset", "utf-8")
            .attribute("format", "flowed"),
        BodyPart::Text(Cow::Owned(to_flowed(text))),
    )
}

fn attachment_part(attachment: &Attachment) -> MimePart<'_> {
    let content_type = ContentType::new(attachment.mime_type.as_str());
    let part = if attachment.mime_type.eq_ignore_ascii_case("message/rfc822") {
        // RFC 2046 §5.2.1: a message/rfc822 part is 7bit or 8bit, never base64, when its
        // bytes allow (CRLF lines of at most 998 octets, no NUL).
        match message_encoding(&attachment.data) {
            Some(encoding) => MimePart::new(
                content_type,
                BodyPart::Binary(Cow::Owned(crlf_lines(&attachment.data))),
            )
            .transfer_encoding(encoding),
            None => MimePart::new(
                content_type,
                BodyPart::Binary(Cow::Borrowed(attachment.data.as_slice())),
            ),
        }
    } else {
        MimePart::new(
            content_type,
            BodyPart::Binary(Cow::Borrowed(attachment.data.as_slice())),
        )
    };
    part.attachment(attachment.name.as_str())
}

/// `7bit` or `8bit` if `message` can travel unencoded once its line ends are CRLF.
pub(super) fn message_encoding(message: &[u8]) -> Option<&'static str> {
    let mut longest = 0;
    let mut line = 0;
    for (at, &byte) in message.iter().enumerate() {
        match byte {
            b'\n' => {
                longest = longest.max(line);
                line = 0;
            }
            b'\r' if message.get(at + 1) == Some(&b'\n') => {}
            b'\r' | 0 => return None,
            _ => line += 1,
        }
    }
    if longest.max(line) > 998 {
        return None;
    }
    Some(if message.is_ascii() { "7bit" } else { "8bit" })
}

/// `message` with every bare LF made CRLF, ending with CRLF.
pub(super) fn crlf_lines(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 32 + 2);
    for (at, &byte) in message.iter().enumerate() {
        if byte == b'\n' && (at == 0 || message[at - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(byte);
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The length of [`crlf_lines`]`(message)`, without making it.
pub(super) fn crlf_lines_len(message: &[u8]) -> usize {
    let bare_line_feeds = message
        .iter()
        .enumerate()
        .filter(|&(at, &byte)| byte == b'\n' && (at == 0 || message[at - 1] != b'\r'))
        .count();
    let with_crlf = message.len() + bare_line_feeds;
    let ends_with_crlf = message.ends_with(b"\n");
    if ends_with_crlf {
        with_crlf
    } else {
        with_crlf + 2
    }
}

/// The envelope: To, Cc and Bcc addresses, each once.
fn recipients(draft: &Draft) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for mailbox in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        if !out.iter().any(|seen| mailbox.same_address(seen)) {
            out.push(mailbox.address.trim().to_string());
        }
    }
    out
}

/// The From domain if it can stand in a Message-ID (ASCII identifier characters).
fn message_id_domain(from: &Mailbox) -> String {
    let domain = from.domain();
    if domain.is_ascii() && valid_identifier(&domain) {
        domain
    } else {
        FALLBACK_DOMAIN.to_string()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "build_tests.rs"]
pub(super) mod tests;
