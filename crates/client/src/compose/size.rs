//! The size a draft will have once built, without encoding its attachments: for the
//! "too big" check before upload (SMTP SIZE, IMAP APPENDLIMIT).

use super::build::{BuildInputs, build, crlf_lines_len, message_encoding};
use super::{Body, ComposeError, Draft};

/// Base64 input bytes per output line (76 characters and CRLF).
const BASE64_LINE_INPUT: u64 = 57;
/// Room left per binary part for what the estimate does not count exactly (the
/// transfer-encoding name of a part that changes encoding once it has content).
const SLACK_PER_PART: u64 = 8;

/// An upper bound, within a few bytes per part, of the built message's size: the draft is
/// built with its binary contents left out, and their encoded sizes are added.
pub fn estimated_size(draft: &Draft) -> Result<u64, ComposeError> {
    let mut hollow = Draft {
        attachments: Vec::with_capacity(draft.attachments.len()),
        ..draft_without_binaries(draft)
    };
    let mut contents = 0u64;
    let mut parts = 0u64;
    for attachment in &draft.attachments {
        let mut empty = attachment.clone_without_data();
        let raw_message = attachment.mime_type.eq_ignore_ascii_case("message/rfc822")
            && message_encoding(&attachment.data).is_some();
        contents += if raw_message {
            // Sent as is (CRLF lines): the hollow part already counts an empty line.
            crlf_lines_len(&attachment.data) as u64
        } else {
            if attachment.mime_type.eq_ignore_ascii_case("message/rfc822") {
                // Keep the hollow part on the base64 path its content takes.
                empty.data = vec![b'\r'];
            }
            base64_len(attachment.data.len() as u64)
        };
        parts += 1;
        hollow.attachments.push(empty);
    }
    if let Body::Html { inline_images, .. } = &draft.body {
        for image in inline_images {
            contents += base64_len(image.data.len() as u64);
            parts += 1;
        }
    }
    let inputs = BuildInputs {
        unix_time: 0,
        utc_offset_minutes: 0,
        random: [0; 16],
    };
    let shell = build(&hollow, &inputs)?.for_keeping.len() as u64;
    Ok(shell + contents + parts * SLACK_PER_PART)
}

/// `draft` with every inline image's bytes left out (attachments are handled apart).
fn draft_without_binaries(draft: &Draft) -> Draft {
    let body = match &draft.body {
        Body::Html {
            html,
            inline_images,
        } => Body::Html {
            html: html.clone(),
            inline_images: inline_images
                .iter()
                .map(|image| super::InlineImage {
                    content_id: image.content_id.clone(),
                    mime_type: image.mime_type.clone(),
                    data: Vec::new(),
                })
                .collect(),
        },
        text => text.clone(),
    };
    Draft {
        from: draft.from.clone(),
        to: draft.to.clone(),
        cc: draft.cc.clone(),
        bcc: draft.bcc.clone(),
        subject: draft.subject.clone(),
        body,
        attachments: Vec::new(),
        in_reply_to: draft.in_reply_to.clone(),
        references: draft.references.clone(),
    }
}

impl super::Attachment {
    fn clone_without_data(&self) -> Self {
        super::Attachment {
            name: self.name.clone(),
            mime_type: self.mime_type.clone(),
            data: Vec::new(),
        }
    }
}

/// Base64 of `len` bytes in lines of 76 characters, each ending with CRLF.
fn base64_len(len: u64) -> u64 {
    len.div_ceil(3) * 4 + len.div_ceil(BASE64_LINE_INPUT) * 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::build::tests::{inputs, noise, sample};
    use crate::compose::{Attachment, InlineImage};

    fn check(draft: &Draft) {
        let real = build(draft, &inputs()).expect("builds").for_keeping.len() as u64;
        let estimate = estimated_size(draft).expect("estimates");
        assert!(estimate >= real, "estimate {estimate} below real {real}");
        assert!(
            estimate <= real + real / 50 + 64,
            "estimate {estimate} too far above real {real}"
        );
    }

    #[test]
    fn base64_size() {
        assert_eq!(base64_len(0), 0);
        assert_eq!(base64_len(1), 6);
        assert_eq!(base64_len(57), 78);
        assert_eq!(base64_len(58), 84);
    }

    #[test]
    fn estimates_bound_the_built_size() {
        check(&sample());
        let mut draft = sample();
        for (i, len) in [0, 1, 2, 3, 56, 57, 58, 1000, 65_537, 2_000_000]
            .into_iter()
            .enumerate()
        {
            draft.attachments.push(Attachment {
                name: format!("file {i} — ä.bin"),
                mime_type: "application/octet-stream".into(),
                data: noise(len, i as u64),
            });
            check(&draft);
        }
        draft.body = Body::Html {
            html: "<p>Hi <img src=\"cid:a@b\"></p>".into(),
            inline_images: vec![InlineImage {
                content_id: "a@b".into(),
                mime_type: "image/jpeg".into(),
                data: noise(12_345, 9),
            }],
        };
        check(&draft);
        for data in [
            b"From: x@y\nSubject: s\n\nbody\n".to_vec(),
            b"From: x@y\r\n\r\n".to_vec(),
            vec![b'a'; 2000],
            vec![b'\r'; 10],
            Vec::new(),
        ] {
            draft.attachments.push(Attachment {
                name: "m.eml".into(),
                mime_type: "message/rfc822".into(),
                data,
            });
            check(&draft);
        }
    }

    #[test]
    fn text_only_estimate_is_exact_but_for_slack() {
        let draft = sample();
        let real = build(&draft, &inputs()).expect("builds").for_keeping.len() as u64;
        assert_eq!(estimated_size(&draft), Ok(real));
    }

    #[test]
    fn invalid_drafts_are_errors() {
        let mut draft = sample();
        draft.from.address = "x".into();
        assert!(estimated_size(&draft).is_err());
    }
}
