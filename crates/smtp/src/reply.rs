//! Server replies (RFC 5321 section 4.2) and an incremental, size-capped reader for them.
//!
//! The line grammar is smtp-proto's [`ResponseReceiver`] (multi-line replies, RFC 3463
//! enhanced status codes); this module adds what a client needs on top: a cap on the raw
//! bytes of one reply (an endless `250-` stream ends in an error, not in memory growth),
//! the raw bytes of the last reply (EHLO capabilities are parsed from them), and a check
//! that the code is a reply code at all (`2xx` to `5xx`).

use std::fmt;

use smtp_proto::{Error as ProtoError, response::parser::ResponseReceiver};
use thiserror::Error;

/// The most raw bytes one reply may take, all lines included. smtp-proto caps the text at
/// 4,096 bytes; the per-line `250-` prefixes and enhanced codes come on top.
pub const MAX_REPLY_BYTES: usize = 16 * 1024;

/// An RFC 3463 enhanced status code, such as `5.1.1` (bad destination mailbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    /// The subject: 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol,
    /// 6 content, 7 security.
    pub subject: u8,
    /// The detail within the subject.
    pub detail: u8,
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One complete server reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code (200 to 599).
    pub code: u16,
    /// The enhanced status code, when the server sent one.
    pub enhanced: Option<EnhancedCode>,
    /// The text of all lines, joined by `\n`, codes removed; invalid UTF-8 and control
    /// characters replaced by U+FFFD. Server words: show them as quoted detail, never as
    /// the whole message.
    pub text: String,
}

impl Reply {
    /// `2xx`: the command succeeded.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// `3xx`: the server waits for more (354 after DATA, 334 during AUTH).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }

    /// `4xx`: a transient failure; the same command may work later.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }

    /// `5xx`: a permanent failure; repeating the command will not help.
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(enhanced) = self.enhanced {
            write!(f, " {enhanced}")?;
        }
        if !self.text.is_empty() {
            write!(f, " {}", self.text.replace('\n', " / "))?;
        }
        Ok(())
    }
}

/// Why bytes from the server are not a reply.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplyError {
    /// One reply grew past [`MAX_REPLY_BYTES`] (or smtp-proto's 4,096-byte text cap).
    #[error("the server's reply is longer than {MAX_REPLY_BYTES} bytes")]
    TooLong,
    /// The bytes do not follow the reply grammar (`NNN SP text CRLF`).
    #[error("the server sent something that is not an SMTP reply ({reason})")]
    Malformed {
        /// What was wrong.
        reason: &'static str,
    },
    /// A reply code outside 200 to 599.
    #[error("the server sent reply code {code}, which SMTP does not define")]
    BadCode {
        /// The code as read.
        code: u16,
    },
}

/// Reads replies from a byte stream that arrives in pieces.
///
/// Feed it with [`ReplyReader::read`] until it returns `Ok(None)` (the input is used up).
/// After an error the stream position is lost: the caller should give up on the
/// connection (or [`ReplyReader::reset`] to resynchronise, as the fuzz target does).
pub struct ReplyReader {
    receiver: ResponseReceiver,
    /// The raw bytes of the reply being read, then of the last complete one.
    raw: Vec<u8>,
    /// `raw` holds a complete reply: the next byte starts a new one.
    complete: bool,
}

impl fmt::Debug for ReplyReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyReader")
            .field("buffered", &self.raw.len())
            .field("complete", &self.complete)
            .finish_non_exhaustive()
    }
}

impl Default for ReplyReader {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplyReader {
    /// A reader at the start of a reply.
    pub fn new() -> Self {
        Self {
            receiver: ResponseReceiver::default(),
            raw: Vec::new(),
            complete: false,
        }
    }

    /// Reads from `input`, advancing it past the bytes used. Returns the next complete
    /// reply, or `Ok(None)` when `input` ran out in the middle of one (its bytes are kept).
    pub fn read(&mut self, input: &mut &[u8]) -> Result<Option<Reply>, ReplyError> {
        if self.complete {
            self.complete = false;
            self.raw.clear();
            self.receiver.reset();
        }
        if input.is_empty() {
            return Ok(None);
        }
        // Only as much as the cap allows, so one call cannot grow `raw` past it.
        let room = MAX_REPLY_BYTES.saturating_sub(self.raw.len());
        let (window, _) = input.split_at(input.len().min(room));
        let mut bytes = window.iter();
        let result = self.receiver.parse(&mut bytes);
        let used = window.len() - bytes.len();
        self.raw
            .extend_from_slice(window.get(..used).unwrap_or_default());
        *input = input.get(used..).unwrap_or_default();
        match result {
            Ok(response) => {
                self.complete = true;
                let code = response.code;
                if !(200..600).contains(&code) {
                    return Err(ReplyError::BadCode { code });
                }
                let [class, subject, detail] = response.esc;
                let enhanced = (class != 0).then_some(EnhancedCode {
                    class,
                    subject,
                    detail,
                });
                Ok(Some(Reply {
                    code,
                    enhanced,
                    text: printable(response.message),
                }))
            }
            Err(ProtoError::NeedsMoreData { .. }) => {
                if self.raw.len() >= MAX_REPLY_BYTES {
                    Err(ReplyError::TooLong)
                } else {
                    Ok(None)
                }
            }
            Err(ProtoError::ResponseTooLong) => Err(ReplyError::TooLong),
            Err(ProtoError::SyntaxError { syntax }) => {
                Err(ReplyError::Malformed { reason: syntax })
            }
            Err(_) => Err(ReplyError::Malformed {
                reason: "unreadable reply",
            }),
        }
    }

    /// The raw bytes of the last complete reply (or of the partial one being read).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// How many bytes of a partial reply are held (never more than [`MAX_REPLY_BYTES`]).
    pub fn buffered(&self) -> usize {
        if self.complete { 0 } else { self.raw.len() }
    }

    /// Forgets any partial reply: the next byte starts a new one.
    pub fn reset(&mut self) {
        self.raw.clear();
        self.receiver.reset();
        self.complete = false;
    }
}

/// Server text with control characters (escape sequences, NUL, bare CR) replaced by
/// U+FFFD, so it can be shown or logged as it is; line breaks between lines stay.
fn printable(text: String) -> String {
    if text.chars().any(|c| c.is_control() && c != '\n') {
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Vec<Result<Reply, ReplyError>> {
        let mut reader = ReplyReader::new();
        let mut input = bytes;
        let mut out = Vec::new();
        loop {
            match reader.read(&mut input) {
                Ok(Some(reply)) => out.push(Ok(reply)),
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn single_line_with_enhanced_code() {
        let replies = read_all(b"550 5.1.1 <nobody@example.org>: no such user\r\n");
        assert_eq!(
            replies,
            vec![Ok(Reply {
                code: 550,
                enhanced: Some(EnhancedCode {
                    class: 5,
                    subject: 1,
                    detail: 1
                }),
                text: "<nobody@example.org>: no such user".into(),
            })]
        );
        let reply = replies[0].clone().unwrap();
        assert!(reply.is_permanent());
        assert_eq!(
            reply.to_string(),
            "550 5.1.1 <nobody@example.org>: no such user"
        );
    }

    #[test]
    fn multi_line_and_pipelined_replies_in_one_read() {
        let replies = read_all(b"250-first\r\n250 second\r\n354 go ahead\r\n");
        assert_eq!(replies.len(), 2);
        let first = replies[0].clone().unwrap();
        assert_eq!(first.code, 250);
        assert_eq!(first.text, "first\nsecond");
        assert_eq!(replies[1].clone().unwrap().code, 354);
    }

    #[test]
    fn split_anywhere_gives_the_same_reply() {
        let whole = b"250-smtp.example.com Hello\r\n250-SIZE 1000\r\n250 2.0.0 OK\r\n";
        for cut in 1..whole.len() {
            let mut reader = ReplyReader::new();
            let (a, b) = whole.split_at(cut);
            let mut input = a;
            assert_eq!(reader.read(&mut input), Ok(None), "cut {cut}");
            let mut input = b;
            let reply = reader.read(&mut input).unwrap().unwrap();
            assert_eq!(reply.code, 250);
            assert_eq!(reader.raw(), whole, "raw bytes kept across the cut {cut}");
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let replies = read_all(b"\xff\xfe\x80 hello\r\n");
        assert!(matches!(replies[0], Err(ReplyError::Malformed { .. })));
        let replies = read_all(b"HTTP/1.1 400 Bad Request\r\n");
        assert!(matches!(replies[0], Err(ReplyError::Malformed { .. })));
    }

    #[test]
    fn codes_outside_smtp_are_errors() {
        assert_eq!(
            read_all(b"199 what\r\n"),
            vec![Err(ReplyError::BadCode { code: 199 })]
        );
        assert_eq!(
            read_all(b"600 what\r\n"),
            vec![Err(ReplyError::BadCode { code: 600 })]
        );
    }

    #[test]
    fn endless_multi_line_reply_is_bounded() {
        let mut reader = ReplyReader::new();
        let line = b"250-x\r\n";
        let mut error = None;
        for _ in 0..100_000 {
            let mut input = &line[..];
            match reader.read(&mut input) {
                Ok(None) => assert!(reader.buffered() <= MAX_REPLY_BYTES),
                Ok(Some(_)) => panic!("no reply ends"),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        assert_eq!(error, Some(ReplyError::TooLong));
    }

    #[test]
    fn endless_line_is_bounded() {
        let mut reader = ReplyReader::new();
        let chunk = [b'a'; 1000];
        let mut input = &b"250 "[..];
        assert_eq!(reader.read(&mut input), Ok(None));
        let mut error = None;
        for _ in 0..1000 {
            let mut input = &chunk[..];
            if let Err(e) = reader.read(&mut input) {
                error = Some(e);
                break;
            }
            assert!(reader.buffered() <= MAX_REPLY_BYTES);
        }
        assert_eq!(error, Some(ReplyError::TooLong));
    }

    #[test]
    fn control_characters_never_reach_the_text() {
        let replies = read_all(b"550-\x1b[31mred\x00\r\n550 tab\there\r\n");
        assert_eq!(
            replies[0].clone().unwrap().text,
            "\u{fffd}[31mred\u{fffd}\ntab\u{fffd}here"
        );
    }

    #[test]
    fn bare_lf_ends_a_line() {
        let replies = read_all(b"220 ready\n");
        assert_eq!(replies[0].clone().unwrap().text, "ready");
    }
}
