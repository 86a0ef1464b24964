//! Framing: splits the server's byte stream into complete responses (a line, plus any
//! literals it announces and the lines that follow them) before anything is parsed.
//!
//! The framer scans each byte once, however the input is chunked (no quadratic re-parse on
//! big literals), and enforces size limits: a response over a limit is discarded as it
//! streams past (memory stays bounded) and reported once; framing resumes at the next
//! response.

use thiserror::Error;

/// Size limits for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FrameLimits {
    /// Longest line, not counting literal data. Default 8 MiB (a SEARCH of 100,000 UIDs
    /// is about 0.7 MB).
    pub max_line: usize,
    /// Largest literal. Default 100 MiB.
    pub max_literal: u64,
    /// Largest response, lines and literals together. Default 128 MiB.
    pub max_response: u64,
}

impl Default for FrameLimits {
    fn default() -> Self {
        Self {
            max_line: 8 << 20,
            max_literal: 100 << 20,
            max_response: 128 << 20,
        }
    }
}

/// A response exceeded a limit; it was discarded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// A line was longer than [`FrameLimits::max_line`].
    #[error("a response line exceeded {limit} bytes")]
    LineTooLong {
        /// The limit.
        limit: usize,
    },
    /// A literal was announced larger than [`FrameLimits::max_literal`].
    #[error("a literal of {size} bytes exceeded the limit of {limit}")]
    LiteralTooLarge {
        /// Announced size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The response grew past [`FrameLimits::max_response`].
    #[error("a response exceeded {limit} bytes")]
    ResponseTooLarge {
        /// The limit.
        limit: u64,
    },
}

/// Splits a byte stream into complete responses.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Start of the current response in `buf`.
    start: usize,
    /// How far `buf` has been scanned.
    scan: usize,
    /// Literal bytes still to come.
    literal_left: u64,
    /// Bytes of the current response seen so far (also counts discarded ones).
    response_len: u64,
    /// The current response is over a limit and is being dropped.
    discarding: bool,
    limits: FrameLimits,
}

impl Framer {
    /// A framer with the given limits.
    pub fn new(limits: FrameLimits) -> Self {
        Self {
            limits,
            ..Default::default()
        }
    }

    /// Adds bytes received from the server.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as part of a response.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Drops everything buffered (after STARTTLS: bytes sent before the handshake must not
    /// be trusted). Returns how many bytes were dropped.
    pub fn clear(&mut self) -> usize {
        let n = self.buf.len() - self.start;
        *self = Self::new(self.limits);
        n
    }

    /// The next complete response, an error for one that broke a limit, or `None` when
    /// more input is needed.
    pub fn next_response(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        loop {
            if self.literal_left > 0 {
                let avail = (self.buf.len() - self.scan) as u64;
                let step = avail.min(self.literal_left);
                self.scan += step as usize;
                self.literal_left -= step;
                if self.discarding {
                    self.drop_scanned();
                }
                if self.literal_left > 0 {
                    self.compact();
                    return None;
                }
            }
            if self.scan == self.start && !self.discarding {
                // QUIRK: leading NUL bytes before a response (several servers).
                while self.buf.get(self.start) == Some(&0) {
                    self.start += 1;
                }
                self.scan = self.start;
            }
            let Some(offset) = memchr::memchr(b'\n', &self.buf[self.scan..]) else {
                let pending = self.buf.len() - self.scan;
                if pending > self.limits.max_line {
                    let err = (!self.discarding).then_some(FrameError::LineTooLong {
                        limit: self.limits.max_line,
                    });
                    self.discarding = true;
                    // Keep a short tail: it may hold the start of a literal announcement.
                    let keep = 32.min(pending);
                    let cut = self.buf.len() - keep;
                    self.response_len += (cut - self.start) as u64;
                    self.buf.drain(self.start..cut);
                    self.scan = self.start;
                    if let Some(err) = err {
                        return Some(Err(err));
                    }
                }
                self.compact();
                return None;
            };
            let eol = self.scan + offset;
            let line_len = eol - self.scan;
            let announced = literal_announcement(&self.buf[self.scan..eol]);
            self.response_len += (eol + 1 - self.scan) as u64;
            self.scan = eol + 1;
            let mut error = None;
            if line_len > self.limits.max_line {
                error = Some(FrameError::LineTooLong {
                    limit: self.limits.max_line,
                });
            }
            if let Some(size) = announced {
                if size > self.limits.max_literal {
                    error = Some(FrameError::LiteralTooLarge {
                        size,
                        limit: self.limits.max_literal,
                    });
                } else if self.response_len + size > self.limits.max_response {
                    error = Some(FrameError::ResponseTooLarge {
                        limit: self.limits.max_response,
                    });
                }
                self.literal_left = size;
            }
            if let Some(err) = error
                && !self.discarding
            {
                self.discarding = true;
                self.drop_scanned();
                return Some(Err(err));
            }
            if self.discarding {
                self.drop_scanned();
            }
            if announced.is_some() {
                continue;
            }
            // The response is complete.
            let was_discarding = std::mem::take(&mut self.discarding);
            let response = self.buf[self.start..self.scan].to_vec();
            self.start = self.scan;
            self.response_len = 0;
            self.compact();
            if !was_discarding {
                return Some(Ok(response));
            }
        }
    }

    fn drop_scanned(&mut self) {
        self.buf.drain(self.start..self.scan);
        self.scan = self.start;
    }

    fn compact(&mut self) {
        if self.start > 0 && (self.start >= self.buf.len() / 2 || self.start > 64 * 1024) {
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
    }
}

/// The size of a literal a line announces at its end: `{n}`, `{n+}` or `~{n}`.
fn literal_announcement(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_all(chunks: &[&[u8]], limits: FrameLimits) -> Vec<Result<Vec<u8>, FrameError>> {
        let mut f = Framer::new(limits);
        let mut out = Vec::new();
        for c in chunks {
            f.push(c);
            while let Some(r) = f.next_response() {
                out.push(r);
            }
        }
        out
    }

    #[test]
    fn lines_and_literals() {
        let stream: &[u8] = b"* OK hi\r\n* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\nA1 OK done\r\n";
        let expect = vec![
            Ok(b"* OK hi\r\n".to_vec()),
            Ok(b"* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n".to_vec()),
            Ok(b"A1 OK done\r\n".to_vec()),
        ];
        assert_eq!(frame_all(&[stream], FrameLimits::default()), expect);
        // Byte by byte gives the same.
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(frame_all(&bytes, FrameLimits::default()), expect);
    }

    #[test]
    fn leading_nuls_and_bare_lf() {
        let out = frame_all(&[b"\0\0* OK ready\n* BYE\r\n"], FrameLimits::default());
        assert_eq!(
            out,
            vec![Ok(b"* OK ready\n".to_vec()), Ok(b"* BYE\r\n".to_vec())]
        );
    }

    #[test]
    fn zero_length_literal() {
        let out = frame_all(
            &[b"* 916 FETCH (UID 959 BODY[1]<393216> {0}\r\n", b")\r\n"],
            FrameLimits::default(),
        );
        assert_eq!(
            out,
            vec![Ok(
                b"* 916 FETCH (UID 959 BODY[1]<393216> {0}\r\n)\r\n".to_vec()
            )]
        );
    }

    #[test]
    fn oversized_literal_is_discarded_and_framing_resumes() {
        let limits = FrameLimits {
            max_literal: 10,
            ..Default::default()
        };
        let mut f = Framer::new(limits);
        f.push(b"* 1 FETCH (BODY[] {20}\r\n0123456789");
        assert_eq!(
            f.next_response(),
            Some(Err(FrameError::LiteralTooLarge {
                size: 20,
                limit: 10
            }))
        );
        assert_eq!(f.next_response(), None);
        assert!(f.buffered() < 20, "discarded bytes are not kept");
        f.push(b"0123456789)\r\nA1 OK x\r\n");
        assert_eq!(f.next_response(), Some(Ok(b"A1 OK x\r\n".to_vec())));
    }

    #[test]
    fn long_line_is_bounded() {
        let limits = FrameLimits {
            max_line: 100,
            ..Default::default()
        };
        let mut f = Framer::new(limits);
        let mut errors = 0;
        for _ in 0..1000 {
            f.push(&[b'x'; 1000]);
            while let Some(r) = f.next_response() {
                assert!(r.is_err());
                errors += 1;
            }
            assert!(
                f.buffered() <= 1032,
                "memory stays bounded: {}",
                f.buffered()
            );
        }
        assert_eq!(errors, 1);
        f.push(b"\r\n* OK back\r\n");
        assert_eq!(f.next_response(), Some(Ok(b"* OK back\r\n".to_vec())));
    }

    #[test]
    fn big_literal_in_chunks_is_linear() {
        let mut f = Framer::new(FrameLimits::default());
        f.push(b"* 1 FETCH (BODY[] {1048576}\r\n");
        let chunk = vec![b'a'; 16 * 1024];
        for _ in 0..64 {
            f.push(&chunk);
            assert!(f.next_response().is_none());
        }
        f.push(b")\r\n");
        let r = f.next_response().unwrap().unwrap();
        assert_eq!(r.len(), 29 + 1_048_576 + 3);
    }
}
