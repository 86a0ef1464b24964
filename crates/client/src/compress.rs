//! COMPRESS=DEFLATE (RFC 4978): raw deflate both ways, a sync flush after every write.
//! Decompression is metered: at most [`OUTPUT_CHUNK`] bytes come out per call, so a small
//! hostile input cannot expand into unbounded memory before the framer's limits apply.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::error::{ClientError, Unexpected};

/// Most decompressed bytes produced per [`Deflate::inflate_next`] call.
pub(crate) const OUTPUT_CHUNK: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct Deflate {
    compress: Compress,
    decompress: Decompress,
    /// Compressed bytes received but not yet inflated.
    pending: Vec<u8>,
}

fn error(e: impl std::fmt::Display) -> ClientError {
    ClientError::Unexpected(Unexpected::Compression {
        detail: e.to_string(),
    })
}

impl Deflate {
    pub(crate) fn new() -> Self {
        Self {
            compress: Compress::new(Compression::default(), false),
            decompress: Decompress::new(false),
            pending: Vec::new(),
        }
    }

    /// Compresses `data` and flushes, so the server can act on it at once.
    pub(crate) fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, ClientError> {
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        let mut input = data;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let before = self.compress.total_in();
            self.compress
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .map_err(error)?;
            let used = usize::try_from(self.compress.total_in() - before).unwrap_or(input.len());
            input = &input[used.min(input.len())..];
            // Done when all input is in and the flush left room to spare.
            if input.is_empty() && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }

    /// Adds compressed bytes from the server.
    pub(crate) fn push(&mut self, data: &[u8]) {
        self.pending.extend_from_slice(data);
    }

    /// Whether compressed input is waiting.
    #[cfg(test)]
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Inflates up to [`OUTPUT_CHUNK`] bytes of the pending input.
    pub(crate) fn inflate_next(&mut self) -> Result<Vec<u8>, ClientError> {
        let mut out = Vec::with_capacity(OUTPUT_CHUNK);
        let before = self.decompress.total_in();
        let status = self
            .decompress
            .decompress_vec(&self.pending, &mut out, FlushDecompress::Sync)
            .map_err(error)?;
        let used =
            usize::try_from(self.decompress.total_in() - before).unwrap_or(self.pending.len());
        self.pending.drain(..used.min(self.pending.len()));
        if status == Status::StreamEnd && !self.pending.is_empty() {
            return Err(error("data after the end of the stream"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_metered_chunks() {
        let mut client = Deflate::new();
        let mut server = Deflate::new();
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("* {i} FETCH (FLAGS (\\Seen))\r\n").into_bytes())
            .collect();
        let wire = client.deflate(&text).unwrap();
        assert!(
            wire.len() < text.len() / 5,
            "compresses: {} -> {}",
            text.len(),
            wire.len()
        );
        server.push(&wire);
        let mut back = Vec::new();
        while server.has_pending() {
            let chunk = server.inflate_next().unwrap();
            assert!(chunk.len() <= OUTPUT_CHUNK);
            back.extend(chunk);
        }
        while back.len() < text.len() {
            let chunk = server.inflate_next().unwrap();
            if chunk.is_empty() {
                break;
            }
            back.extend(chunk);
        }
        assert_eq!(back, text);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut d = Deflate::new();
        d.push(&[0xff; 100]);
        assert!(d.inflate_next().is_err());
    }
}
