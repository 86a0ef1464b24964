//! Decoding one framed response (see [`crate::frame::Framer`]) into a [`Response`].

use thiserror::Error;

use crate::{
    frame::Frame,
    types::{
        fetch::FetchItem,
        response::{Data, Response},
    },
    wire::{self, fetch::Aside},
};

/// Default nesting limit for BODYSTRUCTURE and other nested lists.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// A framed response did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes do not form a response, even with every tolerance applied.
    #[error("malformed response at byte {offset}: {context}")]
    Malformed {
        /// Where parsing stopped.
        offset: usize,
        /// A short excerpt around that point (lossy UTF-8).
        context: String,
    },
    /// Lists nest deeper than the limit.
    #[error("response nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// Parses one complete response (a line plus its literals, as the framer returns it).
pub fn decode_response(message: &[u8], max_depth: usize) -> Result<Response, DecodeError> {
    match wire::response::response(message, max_depth) {
        Ok(([], response)) => Ok(response),
        Ok((rest, _)) => Err(malformed(message, rest)),
        Err(nom::Err::Failure(e)) if e.code == nom::error::ErrorKind::TooLarge => {
            Err(DecodeError::TooDeep { limit: max_depth })
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(malformed(message, e.input)),
        Err(nom::Err::Incomplete(_)) => Err(malformed(message, &[])),
    }
}

/// Parses one complete response as [`crate::frame::Framer::next_frame`] returns it. The
/// literals the framer held apart are moved into the response (a FETCH body section's
/// data) without copying them; the frame keeps the rest. A response whose held-apart
/// literals are anything else decodes from its joined bytes, as [`decode_response`] would.
/// On an error the frame is left whole (see [`Frame::into_bytes`]).
pub fn decode_frame(frame: &mut Frame, max_depth: usize) -> Result<Response, DecodeError> {
    if frame.literals.is_empty() {
        return decode_response(&frame.bytes, max_depth);
    }
    let len = frame.bytes.len();
    // Where each literal's data belongs, as the length of the input from there.
    let at: Vec<usize> = frame
        .literals
        .iter()
        .map(|(p, _)| len.saturating_sub(*p))
        .collect();
    let mut aside = Aside {
        at: &at,
        claims: Vec::new(),
    };
    if let Ok(([], mut response)) =
        wire::response::response_aside(&frame.bytes, max_depth, &mut aside)
        && aside.claims.len() == at.len()
        && aside.claims.iter().zip(&at).all(|((_, c), a)| c == a)
        && aside.claims.windows(2).all(|w| w[0].0 < w[1].0)
        && let Response::Data(Data::Fetch { items, .. }) = &mut response
    {
        // Every literal was taken by a body section, at its place: move the data in.
        if aside.claims.iter().all(|&(item, _)| {
            matches!(
                items.get(item),
                Some(
                    FetchItem::BodySection { data: Some(d), .. }
                        | FetchItem::Binary { data: Some(d), .. }
                ) if d.is_empty()
            )
        }) {
            for (&(item, _), (_, data)) in aside.claims.iter().zip(&mut frame.literals) {
                if let Some(
                    FetchItem::BodySection { data: Some(d), .. }
                    | FetchItem::Binary { data: Some(d), .. },
                ) = items.get_mut(item)
                {
                    *d = std::mem::take(data);
                }
            }
            frame.literals.clear();
            return Ok(response);
        }
    }
    decode_response(&frame.to_bytes(), max_depth)
}

fn malformed(message: &[u8], rest: &[u8]) -> DecodeError {
    let offset = message.len() - rest.len().min(message.len());
    let from = offset.saturating_sub(20);
    let to = (offset + 20).min(message.len());
    DecodeError::Malformed {
        offset,
        context: String::from_utf8_lossy(&message[from..to]).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FrameLimits, Framer};

    #[test]
    fn frames_hold_large_literals_apart() {
        let body: Vec<u8> = (0..100_000u32).map(|n| b'a' + (n % 26) as u8).collect();
        let mut stream = b"* OK hi\r\n* 1 FETCH (UID 7 BODY[] {100000}\r\n".to_vec();
        stream.extend_from_slice(&body);
        stream.extend_from_slice(b" BINARY[1] ~{3}\r\nxyz FLAGS (\\Seen))\r\nA1 OK done\r\n");
        for chunk in [1, 7, 100, 16 * 1024, stream.len()] {
            for min in [1, 3, 4, 1024] {
                let mut f = Framer::new(FrameLimits::default());
                f.aside_literals_from(min);
                let mut frames = Vec::new();
                let mut max_buffered = 0;
                for c in stream.chunks(chunk) {
                    f.push(c);
                    max_buffered = max_buffered.max(f.buffered());
                    while let Some(r) = f.next_frame() {
                        frames.push(r.unwrap());
                    }
                }
                assert_eq!(f.buffered(), 0);
                assert!(max_buffered <= stream.len(), "{max_buffered}");
                assert_eq!(frames.len(), 3);
                let whole: Vec<u8> = frames.iter().flat_map(Frame::to_bytes).collect();
                assert_eq!(whole, stream, "{chunk} {min}");
                let fetch = &frames[1];
                assert_eq!(fetch.literals.len(), if min <= 3 { 2 } else { 1 });
                assert_eq!(fetch.literals[0].1, body);
                let mut fetch = fetch.clone();
                let joined = fetch.to_bytes();
                let r = decode_frame(&mut fetch, 8);
                assert_eq!(r, decode_response(&joined, 8));
                assert!(r.is_ok());
                assert!(fetch.literals.is_empty(), "moved into the response");
            }
        }
        // `next_response` still returns one buffer.
        let mut f = Framer::new(FrameLimits::default());
        f.push(&stream);
        let mut n = 0;
        while let Some(r) = f.next_response() {
            n += r.unwrap().len();
        }
        assert_eq!(n, stream.len());
    }

    #[test]
    fn literals_held_apart_elsewhere_decode_joined() {
        // A LIST name and an ENVELOPE subject as literals: not body sections.
        for input in [
            &b"* LIST () \"/\" {5}\r\nINBOX\r\n"[..],
            b"* 1 FETCH (ENVELOPE (NIL {4}\r\nsubj NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
            b"* 1 FETCH (X-UNKNOWN {4}\r\nabcd UID 3)\r\n",
            b"* 1 FETCH (BODY[] {4}\r\nab)\r\n",
            b"* 1 FETCH (BODY[] {4}\r\nabcd BODY[] {4}\r\nefgh)\r\n",
        ] {
            let mut f = Framer::new(FrameLimits::default());
            f.aside_literals_from(1);
            f.push(input);
            let mut frame = f.next_frame().unwrap().unwrap();
            assert_eq!(frame.to_bytes(), input);
            let before = frame.clone();
            let r = decode_frame(&mut frame, 8);
            assert_eq!(r, decode_response(input, 8));
            if r.is_err() {
                assert_eq!(frame, before, "left whole on an error");
            }
        }
    }
}
