//! Reading CRLF-terminated lines with a length cap, and the raw bytes of a DATA upload.

use std::io::{self, Read};

/// Why no line could be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LineError {
    /// The peer closed the connection (possibly in the middle of a line).
    #[error("the connection was closed")]
    Closed,
    /// More than the cap arrived without a line end.
    #[error("a line was longer than {0} bytes")]
    TooLong(usize),
    /// Reading failed (a timeout counts here).
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A reader that hands out whole lines, keeping bytes that arrived after them.
#[derive(Debug)]
pub(crate) struct LineReader<R> {
    inner: R,
    /// Bytes read but not yet handed out.
    pending: Vec<u8>,
}

const CHUNK: usize = 8 * 1024;

impl<R: Read> LineReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    /// The next line without its line end (CRLF, or a bare LF), at most `max` bytes with
    /// the line end.
    pub(crate) fn read_line(&mut self, max: usize) -> Result<Vec<u8>, LineError> {
        let mut searched = 0;
        loop {
            if let Some(offset) = self.pending[searched..].iter().position(|&b| b == b'\n') {
                let end = searched + offset;
                if end + 1 > max {
                    return Err(LineError::TooLong(max));
                }
                let mut line: Vec<u8> = self.pending.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            searched = self.pending.len();
            if searched >= max {
                return Err(LineError::TooLong(max));
            }
            if self.fill()? == 0 {
                return Err(LineError::Closed);
            }
        }
    }

    /// Bytes already buffered, or else the next bytes from the peer (never empty).
    pub(crate) fn read_chunk(&mut self) -> Result<Vec<u8>, LineError> {
        if self.pending.is_empty() && self.fill()? == 0 {
            return Err(LineError::Closed);
        }
        Ok(std::mem::take(&mut self.pending))
    }

    /// Puts bytes back in front (the part of a chunk that was not used).
    pub(crate) fn unread(&mut self, bytes: &[u8]) {
        self.pending.splice(0..0, bytes.iter().copied());
    }

    /// The wrapped stream, for writing.
    pub(crate) fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    fn fill(&mut self) -> Result<usize, io::Error> {
        let mut chunk = [0_u8; CHUNK];
        loop {
            match self.inner.read(&mut chunk) {
                Ok(n) => {
                    self.pending.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }
}

/// Finds the end of a DATA upload: a line holding only `.` (`CRLF . CRLF`, with the
/// upload's start counting as a line start). Fed in chunks; the state carries over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataEnd {
    /// At the start of a line.
    LineStart,
    /// A `.` opened the line.
    Dot,
    /// `.` then CR.
    DotCr,
    /// Inside a line.
    InLine,
    /// CR inside a line.
    Cr,
}

impl DataEnd {
    /// Consumes `bytes`; returns how many belong to the upload if its end is among them
    /// (the final LF included).
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        for (index, &byte) in bytes.iter().enumerate() {
            *self = match (*self, byte) {
                (Self::DotCr, b'\n') => {
                    *self = Self::LineStart;
                    return Some(index + 1);
                }
                (Self::LineStart, b'.') => Self::Dot,
                (Self::Dot, b'\r') => Self::DotCr,
                (Self::Cr, b'\n') => Self::LineStart,
                (_, b'\r') => Self::Cr,
                _ => Self::InLine,
            };
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_at_crlf_and_keep_the_rest() {
        let mut reader = LineReader::new(&b"EHLO a\r\nMAIL FROM:<x>\nrest"[..]);
        assert_eq!(reader.read_line(100).expect("line"), b"EHLO a");
        assert_eq!(reader.read_line(100).expect("line"), b"MAIL FROM:<x>");
        assert!(matches!(reader.read_line(100), Err(LineError::Closed)));
    }

    #[test]
    fn an_overlong_line_is_refused_without_reading_it_all() {
        let long = vec![b'a'; 100_000];
        let mut reader = LineReader::new(&long[..]);
        assert!(matches!(
            reader.read_line(512),
            Err(LineError::TooLong(512))
        ));
        assert!(reader.pending.len() < 512 + CHUNK);
        let exact = b"abc\r\n";
        assert!(LineReader::new(&exact[..]).read_line(5).is_ok());
        assert!(matches!(
            LineReader::new(&exact[..]).read_line(4),
            Err(LineError::TooLong(4))
        ));
    }

    #[test]
    fn chunks_come_from_the_buffer_first_and_can_be_put_back() {
        let mut reader = LineReader::new(&b"DATA\r\nbody\r\n.\r\nQUIT\r\n"[..]);
        assert_eq!(reader.read_line(100).expect("line"), b"DATA");
        let chunk = reader.read_chunk().expect("chunk");
        assert_eq!(chunk, b"body\r\n.\r\nQUIT\r\n");
        let mut end = DataEnd::LineStart;
        let used = end.feed(&chunk).expect("end found");
        assert_eq!(&chunk[..used], b"body\r\n.\r\n");
        reader.unread(&chunk[used..]);
        assert_eq!(reader.read_line(100).expect("line"), b"QUIT");
    }

    #[test]
    fn the_data_end_is_found_across_chunks_and_not_in_stuffed_lines() {
        let upload = b"Subject: x\r\n\r\n..leading dot\r\n.x\r\nend.\r\n.\r\nafter";
        for split in 0..upload.len() {
            let mut end = DataEnd::LineStart;
            let (first, second) = upload.split_at(split);
            let found = match end.feed(first) {
                Some(n) => n,
                None => split + end.feed(second).expect("end"),
            };
            assert_eq!(
                &upload[..found],
                &upload[..upload.len() - 5],
                "split {split}"
            );
        }
        let mut empty = DataEnd::LineStart;
        assert_eq!(empty.feed(b".\r\n"), Some(3));
        let mut bare_lf = DataEnd::LineStart;
        assert_eq!(bare_lf.feed(b"a\n.\n"), None);
    }
}
