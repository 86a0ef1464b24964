//! The message body on its way out: line endings normalised to CRLF, and for DATA
//! (RFC 5321 section 4.5.2) a `.` doubled at the start of every line and the
//! `CRLF . CRLF` terminator added.
//!
//! Normalising first is the lesson of the 2023 SMTP smuggling reports (CVE-2023-51764,
//! -51765, -51766): a bare LF or a bare CR followed by `.` must never look like the end of
//! the data to any server down the line. Here every CR not followed by LF, and every LF
//! not preceded by CR, becomes CRLF, so the only `CRLF . CRLF` the server ever sees is the
//! terminator. The encoder is streaming: chunks may split anywhere, even between CR and LF,
//! and the output is the same as for the whole message at once.

/// Encodes a message body chunk by chunk.
#[derive(Debug, Clone)]
pub struct BodyEncoder {
    stuff_dots: bool,
    /// The next byte starts a line.
    at_line_start: bool,
    /// The last byte seen was CR; whether an LF follows is not known yet.
    pending_cr: bool,
}

impl BodyEncoder {
    /// For DATA: normalise line endings and dot-stuff.
    pub fn data() -> Self {
        Self {
            stuff_dots: true,
            at_line_start: true,
            pending_cr: false,
        }
    }

    /// For BDAT (RFC 3030): normalise line endings only; BDAT counts bytes, so no dots.
    pub fn bdat() -> Self {
        Self {
            stuff_dots: false,
            ..Self::data()
        }
    }

    /// Appends the encoding of `input` to `out`. A trailing CR is held until the next call
    /// (or [`BodyEncoder::finish`]) shows whether an LF follows.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 32 + 2);
        let mut rest = input;
        while let Some((&first, tail)) = rest.split_first() {
            if self.pending_cr {
                self.pending_cr = false;
                self.end_line(out);
                if first == b'\n' {
                    rest = tail;
                    continue;
                }
            }
            if self.at_line_start && self.stuff_dots && first == b'.' {
                out.push(b'.');
            }
            let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
            let (run, after) = rest.split_at(end);
            if !run.is_empty() {
                out.extend_from_slice(run);
                self.at_line_start = false;
            }
            rest = match after.split_first() {
                Some((b'\r', tail)) => {
                    self.pending_cr = true;
                    tail
                }
                Some((_, tail)) => {
                    self.end_line(out);
                    tail
                }
                None => after,
            };
        }
    }

    /// Ends the body: a held CR becomes CRLF; for DATA, a line break if the body does not
    /// end with one, then the terminator `.` CRLF.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            self.end_line(out);
        }
        if self.stuff_dots {
            if !self.at_line_start {
                self.end_line(out);
            }
            out.extend_from_slice(b".\r\n");
        }
    }

    fn end_line(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\r\n");
        self.at_line_start = true;
    }
}

/// Reverses DATA encoding as a server does (RFC 5321 section 4.5.2): lines up to the
/// terminator, a leading `.` removed. Returns `None` if there is no terminator or bytes
/// follow it. For tests.
pub fn unstuff(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        let (line, after) = rest.split_at(end);
        let after = after.get(2..)?;
        if line == b"." {
            return after.is_empty().then_some(out);
        }
        out.extend_from_slice(line.strip_prefix(b".").unwrap_or(line));
        out.extend_from_slice(b"\r\n");
        rest = after;
    }
}

/// Line endings normalised to CRLF the simple way, one byte at a time. For tests: the
/// reference the streaming encoder is checked against.
pub fn normalise_line_endings(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut bytes = input.iter().peekable();
    while let Some(&b) = bytes.next() {
        match b {
            b'\r' => {
                if bytes.peek() == Some(&&b'\n') {
                    bytes.next();
                }
                out.extend_from_slice(b"\r\n");
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(chunks: &[&[u8]]) -> Vec<u8> {
        let mut encoder = BodyEncoder::data();
        let mut out = Vec::new();
        for chunk in chunks {
            encoder.push(chunk, &mut out);
        }
        encoder.finish(&mut out);
        out
    }

    #[test]
    fn terminator_with_and_without_final_crlf() {
        assert_eq!(data(&[b"Hi\r\n"]), b"Hi\r\n.\r\n");
        assert_eq!(data(&[b"Hi"]), b"Hi\r\n.\r\n");
        assert_eq!(data(&[b""]), b".\r\n");
        assert_eq!(data(&[]), b".\r\n");
        assert_eq!(data(&[b"Hi\r"]), b"Hi\r\n.\r\n");
    }

    #[test]
    fn leading_dots_are_doubled() {
        assert_eq!(data(&[b".\r\n..x\r\nx.\r\n"]), b"..\r\n...x\r\nx.\r\n.\r\n");
        assert_eq!(data(&[b".start"]), b"..start\r\n.\r\n");
    }

    #[test]
    fn smuggling_shapes_cannot_end_data() {
        // Bare LF and bare CR around a dot (the 2023 smuggling payloads).
        for payload in [
            &b"a\n.\nMAIL FROM:<x@y>\n"[..],
            b"a\r.\rMAIL FROM:<x@y>\r",
            b"a\n.\r\nMAIL FROM:<x@y>",
            b"a\r\n.\nMAIL FROM:<x@y>",
            b"a\r\n.\rMAIL FROM:<x@y>",
        ] {
            let out = data(&[payload]);
            let first = out.windows(5).position(|w| w == b"\r\n.\r\n");
            assert_eq!(first, Some(out.len() - 5), "{payload:?} -> {out:?}");
            assert!(!out.contains(&b'\r') || no_bare(&out), "{out:?}");
        }
    }

    fn no_bare(out: &[u8]) -> bool {
        out.iter().enumerate().all(|(i, &b)| match b {
            b'\r' => out.get(i + 1) == Some(&b'\n'),
            b'\n' => i > 0 && out.get(i - 1) == Some(&b'\r'),
            _ => true,
        })
    }

    #[test]
    fn cr_and_lf_split_across_chunks() {
        assert_eq!(data(&[b"a\r", b"\n.b"]), b"a\r\n..b\r\n.\r\n");
        assert_eq!(data(&[b"a\r", b".b"]), b"a\r\n..b\r\n.\r\n");
        assert_eq!(data(&[b"a\r", b"\r", b"\n"]), b"a\r\n\r\n.\r\n");
        assert_eq!(data(&[b"a\n", b".", b"\n"]), b"a\r\n..\r\n.\r\n");
    }

    #[test]
    fn bdat_normalises_without_dots() {
        let mut encoder = BodyEncoder::bdat();
        let mut out = Vec::new();
        encoder.push(b".a\n.b\r", &mut out);
        assert_eq!(out, b".a\r\n.b");
        encoder.finish(&mut out);
        assert_eq!(out, b".a\r\n.b\r\n");
    }

    #[test]
    fn unstuff_reverses() {
        assert_eq!(unstuff(b"..x\r\ny\r\n.\r\n").unwrap(), b".x\r\ny\r\n");
        assert_eq!(unstuff(b"x\r\n"), None);
        assert_eq!(unstuff(b".\r\nmore"), None);
    }

    #[test]
    fn reference_normaliser() {
        assert_eq!(
            normalise_line_endings(b"a\rb\nc\r\nd\r\r\n"),
            b"a\r\nb\r\nc\r\nd\r\n\r\n"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// Bytes rich in the characters that matter.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                Just(b'\r'),
                Just(b'\n'),
                Just(b'.'),
                Just(b'a'),
                any::<u8>()
            ],
            0..200,
        )
    }

    proptest! {
        #[test]
        fn stuffed_then_unstuffed_is_the_normalised_input(
            input in body(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
            points.sort_unstable();
            let mut encoder = BodyEncoder::data();
            let mut out = Vec::new();
            let mut start = 0;
            for point in points.into_iter().chain([input.len()]) {
                encoder.push(&input[start..point], &mut out);
                start = point;
            }
            encoder.finish(&mut out);

            let mut expected = normalise_line_endings(&input);
            if !expected.is_empty() && !expected.ends_with(b"\r\n") {
                expected.extend_from_slice(b"\r\n");
            }
            prop_assert_eq!(unstuff(&out), Some(expected));
            // The only end-of-data sequence is the terminator itself.
            let terminator = b"\r\n.\r\n";
            let first = out.windows(5).position(|w| w == terminator);
            prop_assert!(first.is_none() || first == Some(out.len() - 5) || out == b".\r\n");
            if out.starts_with(b".\r\n") {
                prop_assert_eq!(out.len(), 3);
            }
        }

        #[test]
        fn bdat_is_normalised_for_any_chunking(
            input in body(),
            cut in any::<prop::sample::Index>(),
        ) {
            let point = cut.index(input.len() + 1);
            let mut encoder = BodyEncoder::bdat();
            let mut out = Vec::new();
            encoder.push(&input[..point], &mut out);
            encoder.push(&input[point..], &mut out);
            encoder.finish(&mut out);
            prop_assert_eq!(out, normalise_line_endings(&input));
        }
    }
}
