//! Framing: splits the server's byte stream into complete responses (a line, plus any
//! literals it announces and the lines that follow them) before anything is parsed.
//!
//! The framer scans each byte once, however the input is chunked (no quadratic re-parse on
//! big literals), and enforces size limits: a response over a limit is discarded as it
//! streams past (memory stays bounded) and reported once; framing resumes at the next
//! response.
//!
//! Two ways to read: [`Framer::next_response`] returns whole responses as one buffer;
//! [`Framer::next_frame`] returns them as a [`Frame`], whose large literals (message
//! bodies) were collected apart as they arrived, so that decoding
//! ([`crate::codec::decode::decode_frame`]) hands them out without copying them again.

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

/// A complete response from [`Framer::next_frame`]: its bytes, with each literal of at least
/// [`Frame::ASIDE_MIN`] bytes held in a buffer of its own (filled as the literal arrived:
/// its bytes are copied once, and decoding moves that buffer into the response).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// The response without the data of the literals in `literals` (their announcements
    /// are kept).
    pub(crate) bytes: Vec<u8>,
    /// Each literal held apart: where its data belongs in `bytes`, and the data; in order.
    pub(crate) literals: Vec<(usize, Vec<u8>)>,
}

impl Frame {
    /// Literals this large or larger are held apart (by default: see
    /// [`Framer::aside_literals_from`]).
    pub const ASIDE_MIN: u64 = 1024;

    /// The response's bytes, in one buffer (the literals' data copied back in place).
    pub fn into_bytes(self) -> Vec<u8> {
        if self.literals.is_empty() {
            return self.bytes;
        }
        self.to_bytes()
    }

    /// The response's bytes, copied into one buffer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        let mut from = 0;
        for (at, data) in &self.literals {
            out.extend_from_slice(self.bytes.get(from..*at).unwrap_or_default());
            out.extend_from_slice(data);
            from = *at;
        }
        out.extend_from_slice(self.bytes.get(from..).unwrap_or_default());
        out
    }

    /// How many literals are held apart.
    pub fn literals_held_apart(&self) -> usize {
        self.literals.len()
    }

    /// The response's length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len() + self.literals.iter().map(|(_, d)| d.len()).sum::<usize>()
    }

    /// Whether the response has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<u8>> for Frame {
    fn from(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            literals: Vec::new(),
        }
    }
}

/// A literal being collected apart (see [`Frame`]).
#[derive(Debug, Default)]
struct AsideLiteral {
    /// Where its data starts in `buf`, relative to the response's start.
    at: usize,
    /// How many of its bytes are also in `buf` there (they arrived with the line that
    /// announced it): skipped when the response is handed out.
    in_buf: usize,
    data: Vec<u8>,
}

/// Splits a byte stream into complete responses.
#[derive(Debug)]
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
    /// The literal being collected apart (for `next_frame`), while `literal_left > 0`.
    collecting: Option<AsideLiteral>,
    /// The current response's literals collected apart, in order.
    aside: Vec<AsideLiteral>,
    /// `next_frame` collects literals of this size or more apart.
    aside_min: u64,
}

impl Default for Framer {
    fn default() -> Self {
        Self::new(FrameLimits::default())
    }
}

impl Framer {
    /// A framer with the given limits.
    pub fn new(limits: FrameLimits) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            scan: 0,
            literal_left: 0,
            response_len: 0,
            discarding: false,
            limits,
            collecting: None,
            aside: Vec::new(),
            aside_min: Frame::ASIDE_MIN,
        }
    }

    /// Makes [`Framer::next_frame`] collect literals of `min` bytes or more apart (default
    /// [`Frame::ASIDE_MIN`]; empty literals never are).
    pub fn aside_literals_from(&mut self, min: u64) {
        self.aside_min = min;
    }

    /// Adds bytes received from the server.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if let Some(lit) = &mut self.collecting
            && self.scan == self.buf.len()
        {
            // A literal collected apart, with nothing before it still to scan: its bytes go
            // straight to its own buffer (their only copy).
            let n = bytes
                .len()
                .min(usize::try_from(self.literal_left).unwrap_or(usize::MAX));
            lit.data.extend_from_slice(&bytes[..n]);
            self.literal_left -= n as u64;
            bytes = &bytes[n..];
            if self.literal_left == 0 {
                self.finish_aside();
            }
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as part of a response.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start + self.aside_only_bytes()
    }

    /// Bytes of the current response held only in literals collected apart.
    fn aside_only_bytes(&self) -> usize {
        self.aside
            .iter()
            .chain(&self.collecting)
            .map(|l| l.data.len() - l.in_buf)
            .sum()
    }

    fn finish_aside(&mut self) {
        if let Some(lit) = self.collecting.take() {
            self.aside.push(lit);
        }
    }

    /// Drops the literals collected apart (the response is being discarded).
    fn drop_aside(&mut self) {
        self.collecting = None;
        self.aside = Vec::new();
    }

    /// Drops everything buffered (after STARTTLS: bytes sent before the handshake must not
    /// be trusted). Returns how many bytes were dropped.
    pub fn clear(&mut self) -> usize {
        let n = self.buf.len() - self.start + self.aside_only_bytes();
        let aside_min = self.aside_min;
        *self = Self::new(self.limits);
        self.aside_min = aside_min;
        n
    }

    /// The next complete response, an error for one that broke a limit, or `None` when
    /// more input is needed. Every literal is buffered with the rest of the response.
    pub fn next_response(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        self.step(false).map(|r| r.map(Frame::into_bytes))
    }

    /// The next complete response as a [`Frame`], an error for one that broke a limit, or
    /// `None` when more input is needed. Literals of [`Frame::ASIDE_MIN`] bytes or more
    /// are collected apart as they arrive (see [`Frame`]); decode the frame with
    /// [`crate::codec::decode::decode_frame`].
    pub fn next_frame(&mut self) -> Option<Result<Frame, FrameError>> {
        self.step(true)
    }

    /// Frames up to the next complete response. `aside`: collect large literals apart (for
    /// `next_frame`).
    fn step(&mut self, aside: bool) -> Option<Result<Frame, FrameError>> {
        loop {
            if self.literal_left > 0 {
                let avail = (self.buf.len() - self.scan) as u64;
                let step = avail.min(self.literal_left);
                if let Some(lit) = &mut self.collecting {
                    // Bytes that came with the announcing line: copied apart, and skipped
                    // in `buf` when the response is handed out.
                    let n = step as usize;
                    lit.data
                        .extend_from_slice(&self.buf[self.scan..self.scan + n]);
                    lit.in_buf += n;
                }
                self.scan += step as usize;
                self.literal_left -= step;
                if self.literal_left == 0 {
                    self.finish_aside();
                }
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
                    self.drop_aside();
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
                if error.is_none() && !self.discarding {
                    // The literal will be buffered (apart, or in `buf`): make room once
                    // instead of growing (up to 8 MiB: an announcement alone must not
                    // reserve much memory).
                    let have = (self.buf.len() - self.scan) as u64;
                    let want = size.saturating_sub(have).min(8 << 20);
                    let want = usize::try_from(want).unwrap_or(0);
                    if aside && size > 0 && size >= self.aside_min {
                        let cap = usize::try_from(size.min(8 << 20)).unwrap_or(0);
                        self.collecting = Some(AsideLiteral {
                            at: self.scan - self.start,
                            in_buf: 0,
                            data: Vec::with_capacity(cap),
                        });
                    } else {
                        self.buf.reserve(want);
                    }
                }
            }
            if let Some(err) = error
                && !self.discarding
            {
                self.discarding = true;
                self.drop_aside();
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
            let frame = self.take_response();
            self.start = self.scan;
            self.response_len = 0;
            self.compact();
            if !was_discarding {
                return Some(Ok(frame));
            }
        }
    }

    /// Hands out `buf[start..scan]`. A large response at the front of the buffer is
    /// handed out without copying it (only the smaller rest of the buffer is copied, so
    /// framing stays linear).
    fn take_response(&mut self) -> Frame {
        if !self.aside.is_empty() {
            return self.take_with_aside();
        }
        Frame::from(self.take_bytes())
    }

    /// Hands out `buf[start..scan]` without the bytes of literals collected apart, and
    /// those literals.
    fn take_with_aside(&mut self) -> Frame {
        let aside = std::mem::take(&mut self.aside);
        let response = &self.buf[self.start..self.scan];
        let skipped: usize = aside.iter().map(|l| l.in_buf).sum();
        let mut bytes = Vec::with_capacity(response.len().saturating_sub(skipped));
        let mut literals = Vec::with_capacity(aside.len());
        let mut from = 0;
        for lit in aside {
            bytes.extend_from_slice(response.get(from..lit.at).unwrap_or_default());
            literals.push((bytes.len(), lit.data));
            from = lit.at + lit.in_buf;
        }
        bytes.extend_from_slice(response.get(from..).unwrap_or_default());
        Frame { bytes, literals }
    }

    fn take_bytes(&mut self) -> Vec<u8> {
        let len = self.scan - self.start;
        let rest = self.buf.len() - self.scan;
        if self.start == 0 && len >= 64 * 1024 && rest <= len / 4 {
            let tail = self.buf.split_off(self.scan);
            let response = std::mem::replace(&mut self.buf, tail);
            self.scan = 0;
            // `start` becomes `scan` in the caller.
            return response;
        }
        self.buf[self.start..self.scan].to_vec()
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
    fn discarded_response_drops_literals_held_apart() {
        let mut f = Framer::new(FrameLimits {
            max_line: 100,
            ..Default::default()
        });
        f.aside_literals_from(1);
        f.push(b"* 1 FETCH (BODY[] {10}\r\n0123456789");
        f.push(&[b'x'; 300]);
        assert!(matches!(
            f.next_frame(),
            Some(Err(FrameError::LineTooLong { .. }))
        ));
        assert!(f.buffered() < 100, "{}", f.buffered());
        f.push(b")\r\nA1 OK x\r\n");
        assert_eq!(
            f.next_frame().map(|r| r.map(Frame::into_bytes)),
            Some(Ok(b"A1 OK x\r\n".to_vec()))
        );
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
