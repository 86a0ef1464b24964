//! Just enough MIME writing to build the sample messages: encoded words, quoted-printable,
//! base64 and multipart bodies, all with CRLF line ends.

use base64::{Engine as _, engine::general_purpose::STANDARD};

/// One MIME entity: its content header lines (without CRLF) and its encoded body.
#[derive(Debug, Clone)]
pub(super) struct Part {
    pub(super) headers: Vec<String>,
    pub(super) body: Vec<u8>,
}

/// `\n` to `\r\n` (text given with `\n` only).
pub(super) fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// A 7-bit `text/plain` part.
pub(super) fn plain(text: &str) -> Part {
    debug_assert!(text.is_ascii());
    Part {
        headers: vec![
            "Content-Type: text/plain; charset=us-ascii".to_owned(),
            "Content-Transfer-Encoding: 7bit".to_owned(),
        ],
        body: crlf(text).into_bytes(),
    }
}

/// UTF-8 text of `subtype` (`plain` or `html`), quoted-printable.
pub(super) fn text_qp(subtype: &str, text: &str) -> Part {
    Part {
        headers: vec![
            format!("Content-Type: text/{subtype}; charset=utf-8"),
            "Content-Transfer-Encoding: quoted-printable".to_owned(),
        ],
        body: quoted_printable(crlf(text).as_bytes()).into_bytes(),
    }
}

/// UTF-8 `text/plain`, base64.
pub(super) fn text_base64(text: &str) -> Part {
    Part {
        headers: vec![
            "Content-Type: text/plain; charset=utf-8".to_owned(),
            "Content-Transfer-Encoding: base64".to_owned(),
        ],
        body: base64_lines(crlf(text).as_bytes()).into_bytes(),
    }
}

/// UTF-8 `text/plain`, sent as 8bit.
pub(super) fn text_8bit(text: &str) -> Part {
    Part {
        headers: vec![
            "Content-Type: text/plain; charset=utf-8".to_owned(),
            "Content-Transfer-Encoding: 8bit".to_owned(),
        ],
        body: crlf(text).into_bytes(),
    }
}

/// ISO-8859-1 `text/plain`, quoted-printable. Characters outside Latin-1 are not allowed.
pub(super) fn latin1_qp(text: &str) -> Part {
    let bytes: Vec<u8> = crlf(text)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    Part {
        headers: vec![
            "Content-Type: text/plain; charset=iso-8859-1".to_owned(),
            "Content-Transfer-Encoding: quoted-printable".to_owned(),
        ],
        body: quoted_printable(&bytes).into_bytes(),
    }
}

/// A base64 attachment with a file name.
pub(super) fn attachment(content_type: &str, filename: &str, data: &[u8]) -> Part {
    Part {
        headers: vec![
            format!("Content-Type: {content_type}; name=\"{filename}\""),
            format!("Content-Disposition: attachment; filename=\"{filename}\""),
            "Content-Transfer-Encoding: base64".to_owned(),
        ],
        body: base64_lines(data).into_bytes(),
    }
}

/// A plain-text attachment (7bit, with a file name).
pub(super) fn text_attachment(filename: &str, text: &str) -> Part {
    debug_assert!(text.is_ascii());
    Part {
        headers: vec![
            format!("Content-Type: text/plain; charset=us-ascii; name=\"{filename}\""),
            format!("Content-Disposition: attachment; filename=\"{filename}\""),
            "Content-Transfer-Encoding: 7bit".to_owned(),
        ],
        body: crlf(text).into_bytes(),
    }
}

/// A forwarded message as a `message/rfc822` attachment.
pub(super) fn rfc822(raw: Vec<u8>) -> Part {
    Part {
        headers: vec![
            "Content-Type: message/rfc822".to_owned(),
            "Content-Disposition: attachment; filename=\"forwarded.eml\"".to_owned(),
        ],
        body: raw,
    }
}

/// `multipart/<subtype>` around `parts`; `boundary` must be unique within the message.
pub(super) fn multipart(subtype: &str, boundary: &str, parts: Vec<Part>) -> Part {
    let mut body = b"This is a multi-part message in MIME format.\r\n".to_vec();
    for part in parts {
        body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
        body.extend_from_slice(&entity(&part.headers, &part.body));
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Part {
        headers: vec![format!(
            "Content-Type: multipart/{subtype}; boundary=\"{boundary}\""
        )],
        body,
    }
}

/// Header lines, a blank line, then the body.
pub(super) fn entity(headers: &[String], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 256);
    for line in headers {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Base64 in lines of 76 characters, each ended by CRLF.
fn base64_lines(data: &[u8]) -> String {
    let encoded = STANDARD.encode(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable (RFC 2045 6.7) of CRLF-separated lines, with soft breaks before 76.
fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    let text_lines: Vec<&[u8]> = split_crlf(data);
    let count = text_lines.len();
    for (index, line) in text_lines.into_iter().enumerate() {
        let mut width = 0;
        for (pos, &byte) in line.iter().enumerate() {
            let at_end = pos + 1 == line.len();
            let literal = (byte == b' ' || byte == b'\t') && !at_end
                || (33..=126).contains(&byte) && byte != b'=';
            let piece = if literal {
                char::from(byte).to_string()
            } else {
                format!("={byte:02X}")
            };
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        if index + 1 < count {
            out.push_str("\r\n");
        }
    }
    out
}

fn split_crlf(data: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos + 1 < data.len() {
        if data[pos] == b'\r' && data[pos + 1] == b'\n' {
            lines.push(&data[start..pos]);
            start = pos + 2;
            pos += 2;
        } else {
            pos += 1;
        }
    }
    lines.push(&data[start..]);
    lines
}

/// RFC 2047 "B" encoded words for UTF-8 `text`, folded between words when long.
pub(super) fn encode_b(text: &str) -> String {
    chunk_chars(text, |chunk| STANDARD.encode(chunk.as_bytes()).len())
        .iter()
        .map(|chunk| format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// RFC 2047 "Q" encoded words for UTF-8 `text`, folded between words when long.
pub(super) fn encode_q(text: &str) -> String {
    chunk_chars(text, |chunk| q_text(chunk).len())
        .iter()
        .map(|chunk| format!("=?UTF-8?Q?{}?=", q_text(chunk)))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn q_text(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("={byte:02X}")),
        }
    }
    out
}

/// Splits at character boundaries so that each chunk's encoding fits one encoded word of
/// at most 64 characters (`=?UTF-8?X?` and `?=` take 12), which leaves room for a
/// `Subject: ` before the first one within 78.
fn chunk_chars(text: &str, encoded_len: impl Fn(&str) -> usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let mut candidate = current.clone();
        candidate.push(c);
        if encoded_len(&candidate) > 52 && !current.is_empty() {
            chunks.push(std::mem::take(&mut current));
            current.push(c);
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// A plain ASCII header value folded at spaces to keep lines under 78 characters.
pub(super) fn fold(name: &str, value: &str) -> String {
    let mut out = format!("{name}:");
    let mut width = out.len();
    for word in value.split(' ') {
        if width + 1 + word.len() > 76 && width > name.len() + 1 {
            out.push_str("\r\n");
            width = 0;
        }
        out.push(' ');
        out.push_str(word);
        width += 1 + word.len();
    }
    out
}

/// A fixed point in time: civil date and time at a UTC offset in minutes.
#[derive(Debug, Clone, Copy)]
pub(super) struct When {
    pub(super) year: i64,
    pub(super) month: i64,
    pub(super) day: i64,
    pub(super) hour: i64,
    pub(super) minute: i64,
    pub(super) offset_minutes: i64,
}

impl When {
    /// Seconds since the Unix epoch.
    pub(super) fn unix_time(self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + self.hour * 3_600
            + self.minute * 60
            - self.offset_minutes * 60
    }

    /// RFC 2822 form, e.g. `Wed, 1 Jul 2026 09:15:00 +0200`.
    pub(super) fn rfc2822(self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = days_from_civil(self.year, self.month, self.day);
        let weekday = DAYS[usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0)];
        let month = MONTHS[usize::try_from(self.month - 1).unwrap_or(0)];
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let offset = self.offset_minutes.abs();
        format!(
            "{weekday}, {} {month} {} {:02}:{:02}:00 {sign}{:02}{:02}",
            self.day,
            self.year,
            self.hour,
            self.minute,
            offset / 60,
            offset % 60
        )
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_values() {
        let when = When {
            year: 2026,
            month: 7,
            day: 1,
            hour: 9,
            minute: 15,
            offset_minutes: 120,
        };
        assert_eq!(when.rfc2822(), "Wed, 1 Jul 2026 09:15:00 +0200");
        assert_eq!(when.unix_time(), 1_782_890_100);
    }

    #[test]
    fn quoted_printable_escapes_and_soft_breaks() {
        let encoded = quoted_printable("Grüße = ok \r\n".as_bytes());
        assert_eq!(encoded, "Gr=C3=BC=C3=9Fe =3D ok=20\r\n");
        let long = quoted_printable("x".repeat(100).as_bytes());
        assert!(long.lines().all(|line| line.len() <= 76));
        assert!(long.contains("=\r\n"));
    }

    #[test]
    fn encoded_words_stay_short() {
        let text = "Überraschung: Die längste Betreffzeile der Welt mit Umlauten äöü";
        for encoded in [encode_b(text), encode_q(text)] {
            assert!(encoded.split("\r\n ").count() > 1);
            assert!(encoded.split("\r\n ").all(|word| word.len() <= 75));
        }
        assert_eq!(encode_q("Ça va"), "=?UTF-8?Q?=C3=87a_va?=");
    }
}
