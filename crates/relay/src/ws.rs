//! The server side of a WebSocket (RFC 6455), only as much as a binary tunnel needs.
//!
//! The relay frames the tunnel itself rather than through a general WebSocket library so
//! that server-to-browser data (unmasked frames) goes out without a copy in user space:
//! the upstream read lands in a buffer that is reused during bulk transfers, and the frame
//! header and that buffer leave in one vectored write. (A `splice(2)` path, upstream
//! socket → pipe → browser socket, was measured too: on loopback it cost the relay as much
//! CPU as this one, with more frames of smaller size, and cost the receiving process more;
//! so it is not used.)
//!
//! [`Reader`] parses the browser's frames (masked, possibly fragmented, with interleaved
//! control frames) under the frame and message size caps; [`Writer`] sends frames. Every
//! [`Writer`] operation is cancel-safe: a frame interrupted half-way (the tunnel's
//! `select!` chose another branch) is finished before the next one starts, so a close
//! frame never lands inside a data frame.

use std::io::{self, IoSlice};

use base64::Engine as _;
use bytes::{Buf as _, BufMut as _, Bytes, BytesMut};
use futures_util::FutureExt as _;
use sha1::{Digest as _, Sha1};
use tokio::{
    io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, Interest},
    net::TcpStream,
};

/// Appended to `Sec-WebSocket-Key` before hashing (RFC 6455 §1.3).
const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
pub(crate) fn accept_key(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key);
    sha.update(GUID);
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

pub(crate) const OP_CONTINUATION: u8 = 0x0;
pub(crate) const OP_TEXT: u8 = 0x1;
pub(crate) const OP_BINARY: u8 = 0x2;
pub(crate) const OP_CLOSE: u8 = 0x8;
pub(crate) const OP_PING: u8 = 0x9;
pub(crate) const OP_PONG: u8 = 0xA;

/// Close codes the relay sends.
pub(crate) mod code {
    pub(crate) const NORMAL: u16 = 1000;
    pub(crate) const AWAY: u16 = 1001;
    pub(crate) const PROTOCOL: u16 = 1002;
    pub(crate) const INVALID_DATA: u16 = 1007;
    pub(crate) const POLICY: u16 = 1008;
    pub(crate) const TOO_BIG: u16 = 1009;
    pub(crate) const ERROR: u16 = 1011;
}

/// A complete message (or control frame) from the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    Binary(Bytes),
    /// A text frame (its content is not kept: the tunnel carries binary frames only).
    Text,
    Ping(Bytes),
    Pong,
    /// A close frame; its code (`None`: no code given).
    Close(Option<u16>),
}

/// Why reading from the browser stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("connection: {0}")]
    Io(#[from] io::Error),
    #[error("connection closed without a close frame")]
    Eof,
    #[error("protocol violation: {0}")]
    Protocol(&'static str),
    #[error("frame or message larger than {0} bytes")]
    TooBig(usize),
    #[error("close reason is not UTF-8")]
    BadUtf8,
}

impl ReadError {
    /// The close code to answer with, if the connection is still usable.
    pub(crate) fn close_code(&self) -> Option<(u16, &'static str)> {
        match self {
            Self::Io(_) | Self::Eof => None,
            Self::Protocol(_) => Some((code::PROTOCOL, "protocol error")),
            Self::TooBig(_) => Some((code::TOO_BIG, "message too big")),
            Self::BadUtf8 => Some((code::INVALID_DATA, "invalid close reason")),
        }
    }
}

/// The most [`Reader`] reserves for one read of a frame's body: a large frame's buffer
/// grows with the bytes that arrived (amortised doubling), not by its announced length.
const GROW_STEP: usize = 64 << 10;

/// Size caps of [`Reader`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadLimits {
    /// Bytes asked of the socket per read (while no frame needs more).
    pub(crate) read_size: usize,
    pub(crate) max_frame: usize,
    pub(crate) max_message: usize,
}

/// The receiving half of the browser's connection.
pub(crate) trait ClientRead: AsyncRead + Unpin + Send {
    /// Resolves when a read would not block, so that a read buffer is committed only then
    /// (an idle tunnel holds none). By default at once.
    fn ready(&self) -> impl Future<Output = io::Result<()>> + Send {
        std::future::ready(Ok(()))
    }
}

impl ClientRead for tokio::net::tcp::OwnedReadHalf {
    fn ready(&self) -> impl Future<Output = io::Result<()>> + Send {
        self.readable()
    }
}

impl<T: AsyncRead + Send> ClientRead for tokio::io::ReadHalf<T> {}

/// Reads the browser's frames.
pub(crate) struct Reader<R> {
    io: R,
    buf: BytesMut,
    limits: ReadLimits,
    /// A fragmented binary message being assembled.
    partial: Option<BytesMut>,
}

impl<R> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

/// A parsed frame header.
struct Header {
    fin: bool,
    opcode: u8,
    mask: [u8; 4],
    len: usize,
    header_len: usize,
}

fn parse_header(buf: &[u8], limits: &ReadLimits) -> Result<Option<Header>, ReadError> {
    let [b0, b1, ..] = *buf else { return Ok(None) };
    if b0 & 0x70 != 0 {
        return Err(ReadError::Protocol("reserved bits set"));
    }
    if b1 & 0x80 == 0 {
        return Err(ReadError::Protocol("unmasked client frame"));
    }
    let fin = b0 & 0x80 != 0;
    let opcode = b0 & 0x0f;
    let (len, at) = match b1 & 0x7f {
        126 => match buf.get(2..4) {
            Some(&[a, b]) => (u64::from(u16::from_be_bytes([a, b])), 4),
            _ => return Ok(None),
        },
        127 => match buf.get(2..10).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            Some(bytes) => (u64::from_be_bytes(bytes), 10),
            None => return Ok(None),
        },
        small => (u64::from(small), 2),
    };
    let Some(mask) = buf
        .get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
    else {
        return Ok(None);
    };
    let control = opcode & 0x08 != 0;
    if control && (!fin || len > 125) {
        return Err(ReadError::Protocol("fragmented or long control frame"));
    }
    if !matches!(
        opcode,
        OP_CONTINUATION | OP_TEXT | OP_BINARY | OP_CLOSE | OP_PING | OP_PONG
    ) {
        return Err(ReadError::Protocol("unknown opcode"));
    }
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len > limits.max_frame {
        return Err(ReadError::TooBig(limits.max_frame));
    }
    if len > limits.max_message {
        return Err(ReadError::TooBig(limits.max_message));
    }
    Ok(Some(Header {
        fin,
        opcode,
        mask,
        len,
        header_len: at + 4,
    }))
}

/// XORs `data` with the mask (RFC 6455 §5.3), eight bytes at a time.
fn unmask(data: &mut [u8], mask: [u8; 4]) {
    let wide = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut chunks = data.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        chunk.copy_from_slice(&(u64::from_ne_bytes(word) ^ wide).to_ne_bytes());
    }
    for (i, byte) in chunks.into_remainder().iter_mut().enumerate() {
        *byte ^= mask[i % 4];
    }
}

impl<R: ClientRead> Reader<R> {
    /// A reader on `io`; `already` holds bytes read past the HTTP request head.
    pub(crate) fn new(io: R, already: Bytes, limits: ReadLimits) -> Self {
        Self {
            io,
            buf: BytesMut::from(&already[..]),
            limits,
            partial: None,
        }
    }

    /// Reads more bytes, at least `want` more if possible in one read.
    async fn fill(&mut self, want: usize) -> Result<(), ReadError> {
        if self.buf.is_empty() && self.io.ready().now_or_never().is_none() {
            // Nothing to read yet: wait without a buffer (an idle tunnel holds none).
            self.buf = BytesMut::new();
            self.io.ready().await?;
        }
        if self.buf.is_empty() && self.buf.capacity() > self.limits.read_size.max(want) {
            // Give back a large buffer of a finished burst.
            self.buf = BytesMut::new();
        }
        self.buf.reserve(want.max(self.limits.read_size.max(1)));
        if self.io.read_buf(&mut self.buf).await? == 0 {
            return Err(ReadError::Eof);
        }
        Ok(())
    }

    /// The next message. Cancel-safe: bytes already read stay buffered.
    pub(crate) async fn next(&mut self) -> Result<Message, ReadError> {
        loop {
            let Some(header) = parse_header(&self.buf, &self.limits)? else {
                self.fill(14).await?;
                continue;
            };
            // The running total of a fragmented message is checked as soon as the next
            // fragment's header arrives, before any of its bytes are read or reserved.
            if header.opcode == OP_CONTINUATION
                && let Some(partial) = &self.partial
                && partial.len().saturating_add(header.len) > self.limits.max_message
            {
                return Err(ReadError::TooBig(self.limits.max_message));
            }
            let total = header.header_len + header.len;
            if self.buf.len() < total {
                // Reserve as bytes arrive, never the announced length up front: a client
                // that announces a large frame and sends little holds little.
                let missing = total - self.buf.len();
                self.fill(missing.min(GROW_STEP)).await?;
                continue;
            }
            let mut frame = self.buf.split_to(total);
            frame.advance(header.header_len);
            unmask(&mut frame, header.mask);
            match header.opcode {
                OP_BINARY | OP_CONTINUATION => {
                    let first = header.opcode == OP_BINARY;
                    let whole = match (first, self.partial.take()) {
                        (true, Some(_)) => {
                            return Err(ReadError::Protocol("new message inside a fragmented one"));
                        }
                        (false, None) => {
                            return Err(ReadError::Protocol("continuation without a message"));
                        }
                        (true, None) => frame,
                        (false, Some(mut partial)) => {
                            if partial.len() + frame.len() > self.limits.max_message {
                                return Err(ReadError::TooBig(self.limits.max_message));
                            }
                            partial.extend_from_slice(&frame);
                            partial
                        }
                    };
                    if header.fin {
                        return Ok(Message::Binary(whole.freeze()));
                    }
                    self.partial = Some(whole);
                }
                OP_TEXT => return Ok(Message::Text),
                OP_PING => return Ok(Message::Ping(frame.freeze())),
                OP_PONG => return Ok(Message::Pong),
                _ => return parse_close(&frame),
            }
        }
    }
}

fn parse_close(payload: &[u8]) -> Result<Message, ReadError> {
    match payload {
        [] => Ok(Message::Close(None)),
        [_] => Err(ReadError::Protocol("one-byte close payload")),
        [a, b, reason @ ..] => {
            let code = u16::from_be_bytes([*a, *b]);
            let valid = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            if !valid {
                return Err(ReadError::Protocol("invalid close code"));
            }
            if std::str::from_utf8(reason).is_err() {
                return Err(ReadError::BadUtf8);
            }
            Ok(Message::Close(Some(code)))
        }
    }
}

/// Encodes a server frame header (FIN set, no mask) into `out`; returns its length.
fn encode_header(out: &mut [u8; 10], opcode: u8, len: usize) -> usize {
    out[0] = 0x80 | opcode;
    if len < 126 {
        out[1] = len as u8;
        2
    } else if let Ok(short) = u16::try_from(len) {
        out[1] = 126;
        out[2..4].copy_from_slice(&short.to_be_bytes());
        4
    } else {
        out[1] = 127;
        out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    }
}

/// The sending half of the browser's connection.
pub(crate) trait ClientWrite: AsyncWrite + Unpin + Send {}

impl<T: AsyncWrite + Unpin + Send> ClientWrite for T {}

/// Which side failed while forwarding.
#[derive(Debug)]
pub(crate) enum ForwardError {
    /// Reading from upstream (`WouldBlock`: not readable after all; try again).
    Upstream(io::Error),
    /// Writing to the browser.
    Client(io::Error),
}

/// Sends frames to the browser. Holds at most one frame's payload (the upstream read that
/// became it), between frames only during bulk transfers; an idle writer holds no buffer.
pub(crate) struct Writer<W> {
    io: W,
    head: [u8; 10],
    head_len: usize,
    head_off: usize,
    payload: BytesMut,
    payload_off: usize,
}

impl<W> std::fmt::Debug for Writer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("pending", &(self.head_len - self.head_off))
            .finish_non_exhaustive()
    }
}

impl<W: ClientWrite> Writer<W> {
    /// A writer on `io`.
    pub(crate) fn new(io: W) -> Self {
        Self {
            io,
            head: [0; 10],
            head_len: 0,
            head_off: 0,
            payload: BytesMut::new(),
            payload_off: 0,
        }
    }

    /// Whether a frame has been started and not finished (see [`Writer::finish`]).
    fn pending(&self) -> bool {
        self.head_off < self.head_len || self.payload_off < self.payload.len()
    }

    /// Finishes a frame that an earlier, cancelled call started.
    pub(crate) async fn finish(&mut self) -> io::Result<()> {
        while self.head_off < self.head_len || self.payload_off < self.payload.len() {
            let head = &self.head[self.head_off..self.head_len];
            let body = &self.payload[self.payload_off..];
            let n = if head.is_empty() {
                self.io.write(body).await?
            } else {
                self.io
                    .write_vectored(&[IoSlice::new(head), IoSlice::new(body)])
                    .await?
            };
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            let from_head = n.min(head.len());
            self.head_off += from_head;
            self.payload_off += n - from_head;
        }
        self.io.flush().await
    }

    /// Sends a control frame (ping, pong, close); `payload` at most 125 bytes.
    pub(crate) async fn control(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        if self.pending() {
            self.finish().await?;
        }
        let payload = payload.get(..125).unwrap_or(payload);
        self.head_len = encode_header(&mut self.head, opcode, payload.len());
        self.head_off = 0;
        self.payload.clear();
        self.payload.extend_from_slice(payload);
        self.payload_off = 0;
        self.finish().await
    }

    /// Sends a close frame with `code` and `reason`.
    pub(crate) async fn close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        let mut payload = Vec::with_capacity(2 + reason.len());
        payload.extend_from_slice(&code.to_be_bytes());
        payload.extend_from_slice(reason.as_bytes());
        self.control(OP_CLOSE, &payload).await
    }

    /// Ends the browser connection's sending side (after finishing a started frame).
    pub(crate) async fn shutdown(&mut self) -> io::Result<()> {
        if self.pending() {
            self.finish().await?;
        }
        self.io.shutdown().await
    }

    /// Once `upstream` is readable: reads at most `max` bytes from it and sends them as one
    /// binary frame. `Ok(0)` is upstream's EOF. The read buffer is kept for the next call
    /// only if this read filled at least half of it (a bulk transfer).
    pub(crate) async fn forward(
        &mut self,
        upstream: &TcpStream,
        max: usize,
    ) -> Result<usize, ForwardError> {
        if self.pending() {
            self.finish().await.map_err(ForwardError::Client)?;
        }
        if self.payload.capacity() < max || self.payload.capacity() > 2 * max {
            self.payload = BytesMut::with_capacity(max);
        }
        self.payload.clear();
        self.payload_off = 0;
        let spare = max.min(self.payload.capacity());
        let mut limited = (&mut self.payload).limit(spare);
        // A read shorter than asked drained the socket's queue: it is reported to tokio
        // as WouldBlock so that the readiness is cleared and the next wait goes straight
        // to epoll instead of through one more read that would only say EAGAIN (what
        // tokio's own `poll_read` does after a short read).
        let mut got = None;
        let read = upstream.try_io(Interest::READABLE, || {
            let n = upstream.try_read_buf(&mut limited)?;
            got = Some(n);
            if n > 0 && n < spare {
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(())
            }
        });
        let n = match (got, read) {
            (Some(n), _) => n,
            (None, Err(error)) => return Err(ForwardError::Upstream(error)),
            (None, Ok(())) => return Err(ForwardError::Upstream(io::ErrorKind::WouldBlock.into())),
        };
        if n == 0 {
            return Ok(0);
        }
        self.head_len = encode_header(&mut self.head, OP_BINARY, n);
        self.head_off = 0;
        self.finish().await.map_err(ForwardError::Client)?;
        if n < max / 2 {
            self.payload = BytesMut::new();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn accept_key_matches_rfc_example() {
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn unmask_is_an_involution_for_all_lengths() {
        for len in 0..40 {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut masked = data.clone();
            let mask = [1, 2, 3, 0xff];
            unmask(&mut masked, mask);
            for (i, (m, d)) in masked.iter().zip(&data).enumerate() {
                assert_eq!(*m, d ^ mask[i % 4]);
            }
            unmask(&mut masked, mask);
            assert_eq!(masked, data);
        }
    }

    #[test]
    fn headers_encode_all_three_lengths() {
        let mut head = [0u8; 10];
        assert_eq!(encode_header(&mut head, OP_BINARY, 5), 2);
        assert_eq!(&head[..2], &[0x82, 5]);
        assert_eq!(encode_header(&mut head, OP_BINARY, 300), 4);
        assert_eq!(&head[..4], &[0x82, 126, 1, 44]);
        assert_eq!(encode_header(&mut head, OP_BINARY, 70_000), 10);
        assert_eq!(&head[..10], &[0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    }

    /// A masked client frame header (all-zero mask, so the payload is sent as is).
    fn client_header(fin: bool, opcode: u8, len: usize) -> Vec<u8> {
        let mut head = [0u8; 10];
        let n = encode_header(&mut head, opcode, len);
        let mut out = head[..n].to_vec();
        if let Some(first) = out.first_mut() {
            *first = (*first & 0x0f) | if fin { 0x80 } else { 0 };
        }
        if let Some(second) = out.get_mut(1) {
            *second |= 0x80;
        }
        out.extend_from_slice(&[0, 0, 0, 0]);
        out
    }

    fn reader(
        max: usize,
    ) -> (
        Reader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
        tokio::io::DuplexStream,
    ) {
        let (ours, theirs) = tokio::io::duplex(4 << 20);
        let (read, _write) = tokio::io::split(ours);
        let limits = ReadLimits {
            read_size: 4096,
            max_frame: max,
            max_message: max,
        };
        (Reader::new(read, Bytes::new(), limits), theirs)
    }

    #[tokio::test]
    async fn fragment_total_is_checked_at_the_next_header() -> Result<(), String> {
        let (mut reader, mut client) = reader(1000);
        let mut bytes = client_header(false, OP_BINARY, 800);
        bytes.extend_from_slice(&[7; 800]);
        // The next fragment would make 1100 bytes: only its header is sent.
        bytes.extend_from_slice(&client_header(true, OP_CONTINUATION, 300));
        client.write_all(&bytes).await.map_err(|e| e.to_string())?;
        let outcome = tokio::time::timeout(Duration::from_secs(2), reader.next())
            .await
            .map_err(|_| "waited for the body of a fragment already over the limit")?;
        assert!(
            matches!(outcome, Err(ReadError::TooBig(1000))),
            "{outcome:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn announced_length_is_not_reserved_up_front() -> Result<(), String> {
        let max = 8 << 20;
        let (mut reader, mut client) = reader(max);
        let mut bytes = client_header(true, OP_BINARY, max);
        bytes.extend_from_slice(&[1; 100]);
        client.write_all(&bytes).await.map_err(|e| e.to_string())?;
        let waited = tokio::time::timeout(Duration::from_millis(200), reader.next()).await;
        assert!(waited.is_err(), "frame completed without its bytes");
        assert!(
            reader.buf.capacity() <= 2 * GROW_STEP,
            "reserved {} bytes for 114 received",
            reader.buf.capacity()
        );
        // The whole frame still arrives (written while the reader reads).
        let rest = vec![1; max - 100];
        let (written, message) = tokio::time::timeout(
            Duration::from_secs(20),
            futures_util::future::join(client.write_all(&rest), reader.next()),
        )
        .await
        .map_err(|_| "frame never completed")?;
        written.map_err(|e| e.to_string())?;
        match message {
            Ok(Message::Binary(data)) => assert_eq!(data.len(), max),
            other => return Err(format!("{other:?}")),
        }
        Ok(())
    }
}
