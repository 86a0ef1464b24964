//! SMTP/LMTP replies (RFC 5321 section 4.2): read from LMTP, written to SMTP unchanged
//! apart from the capability list of the LHLO answer.

use std::io::Read;

use super::lines::{LineError, LineReader};

/// The longest reply line accepted from LMTP (RFC 5321 allows 512 bytes).
const MAX_REPLY_LINE: usize = 2048;
/// The most lines one reply may have (an LHLO answer has about ten).
const MAX_REPLY_LINES: usize = 64;

/// One reply: its code and the text of each line (after `NNN-` / `NNN `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) code: u16,
    pub(crate) lines: Vec<String>,
}

/// Why no reply could be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReplyError {
    #[error("reading a reply: {0}")]
    Line(#[from] LineError),
    #[error("the reply line {0:?} is not NNN, NNN-text or NNN text")]
    Malformed(String),
    #[error("a reply line changed its code from {first} to {then}")]
    MixedCodes { first: u16, then: u16 },
    #[error("a reply had more than {MAX_REPLY_LINES} lines")]
    TooManyLines,
}

impl Reply {
    /// A one-line reply made here (not by LMTP).
    pub(crate) fn new(code: u16, text: &str) -> Self {
        Self {
            code,
            lines: vec![text.to_owned()],
        }
    }

    /// 2xx.
    pub(crate) fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// Reads one whole reply, all its lines.
    pub(crate) fn read<R: Read>(reader: &mut LineReader<R>) -> Result<Self, ReplyError> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let raw = reader.read_line(MAX_REPLY_LINE)?;
            let text = String::from_utf8_lossy(&raw).into_owned();
            let (line_code, last, rest) = split_line(&text)
                .ok_or_else(|| ReplyError::Malformed(text.chars().take(80).collect::<String>()))?;
            match code {
                None => code = Some(line_code),
                Some(first) if first != line_code => {
                    return Err(ReplyError::MixedCodes {
                        first,
                        then: line_code,
                    });
                }
                Some(_) => {}
            }
            if lines.len() == MAX_REPLY_LINES {
                return Err(ReplyError::TooManyLines);
            }
            lines.push(rest.to_owned());
            if last {
                return Ok(Self {
                    code: line_code,
                    lines,
                });
            }
        }
    }

    /// The reply on the wire: `NNN-text` lines, the last one `NNN text`.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let count = self.lines.len().max(1);
        for index in 0..count {
            let text = self.lines.get(index).map_or("", String::as_str);
            let separator = if index + 1 == count { ' ' } else { '-' };
            out.extend_from_slice(format!("{}{separator}{text}\r\n", self.code).as_bytes());
        }
        out
    }

    /// An LHLO answer made fit for an EHLO: the first line (the host name) and only the
    /// extensions that work through a lock-step relay. PIPELINING and CHUNKING would need
    /// the bridge to track several commands at once, STARTTLS and AUTH are not relayed,
    /// and XCLIENT would let submission claim the client's address.
    pub(crate) fn as_ehlo_answer(&self) -> Self {
        const RELAYED: [&str; 4] = ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE", "DSN"];
        let mut lines = self.lines.iter();
        let mut kept: Vec<String> = lines.next().into_iter().cloned().collect();
        kept.extend(
            lines
                .filter(|line| {
                    let keyword = line.split(' ').next().unwrap_or("");
                    RELAYED.iter().any(|k| k.eq_ignore_ascii_case(keyword))
                })
                .cloned(),
        );
        Self {
            code: self.code,
            lines: kept,
        }
    }

    /// The one answer to an SMTP DATA made from LMTP's answers, one per accepted
    /// recipient: the first failure if any recipient failed (the others did get the
    /// message; a real MTA would accept and bounce instead), else the first success.
    pub(crate) fn combine(replies: Vec<Reply>) -> Option<Self> {
        let failure = replies.iter().position(|reply| !reply.is_positive());
        let mut replies = replies;
        match failure {
            Some(index) => Some(replies.swap_remove(index)),
            None => replies.into_iter().next(),
        }
    }
}

/// `NNN-text`, `NNN text` or `NNN` as (code, is last line, text).
fn split_line(line: &str) -> Option<(u16, bool, &str)> {
    let digits = line.get(..3)?;
    let bytes = digits.as_bytes();
    let valid = (b'2'..=b'5').contains(&bytes[0])
        && (b'0'..=b'5').contains(&bytes[1])
        && bytes[2].is_ascii_digit();
    if !valid {
        return None;
    }
    let code = digits.parse().ok()?;
    match line.as_bytes().get(3) {
        None => Some((code, true, "")),
        Some(b' ') => Some((code, true, &line[4..])),
        Some(b'-') => Some((code, false, &line[4..])),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Reply, ReplyError> {
        Reply::read(&mut LineReader::new(bytes))
    }

    #[test]
    fn multi_line_replies_are_read_whole_and_written_back_the_same() {
        let wire = b"250-host\r\n250-8BITMIME\r\n250 PIPELINING\r\n";
        let reply = read(wire).expect("reply");
        assert_eq!(reply.code, 250);
        assert_eq!(reply.lines, ["host", "8BITMIME", "PIPELINING"]);
        assert_eq!(reply.to_bytes(), wire);
        assert_eq!(read(b"354\r\n").expect("bare code").to_bytes(), b"354 \r\n");
    }

    #[test]
    fn broken_replies_are_errors() {
        assert!(matches!(
            read(b"OK fine\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(read(b"250x\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(read(b"650 no\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(
            read(b"250-a\r\n550 b\r\n"),
            Err(ReplyError::MixedCodes {
                first: 250,
                then: 550
            })
        ));
        assert!(matches!(
            read(b"250-a\r\n"),
            Err(ReplyError::Line(LineError::Closed))
        ));
        let endless = "250-x\r\n".repeat(100);
        assert!(matches!(
            read(endless.as_bytes()),
            Err(ReplyError::TooManyLines)
        ));
    }

    #[test]
    fn the_ehlo_answer_keeps_only_relayable_extensions() {
        let lhlo = read(
            b"250-mail.test\r\n250-8BITMIME\r\n250-CHUNKING\r\n250-ENHANCEDSTATUSCODES\r\n\
              250-PIPELINING\r\n250-STARTTLS\r\n250-XCLIENT ADDR\r\n250 SIZE 1000\r\n",
        )
        .expect("reply");
        assert_eq!(
            lhlo.as_ehlo_answer().to_bytes(),
            b"250-mail.test\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 1000\r\n"
        );
    }

    #[test]
    fn data_answers_report_the_first_failure() {
        let ok = Reply::new(250, "2.0.0 <a@x> Saved");
        let unknown = Reply::new(550, "5.1.1 <b@x> User doesn't exist");
        let full = Reply::new(552, "5.2.2 <c@x> Quota exceeded");
        assert_eq!(
            Reply::combine(vec![ok.clone(), unknown.clone(), full]),
            Some(unknown)
        );
        assert_eq!(Reply::combine(vec![ok.clone(), ok.clone()]), Some(ok));
        assert_eq!(Reply::combine(Vec::new()), None);
    }
}
