//! format=flowed (RFC 3676): plain text written as lines of at most 78 columns that a
//! reader rejoins. A line ending in a space continues on the next one (a soft break);
//! lines starting with a space, `>` or `From ` get one more space (space-stuffing), which
//! the reader removes; quoted lines start with their depth's `>` marks, repeated on every
//! line they are broken into.

/// The longest line written, trailing space included (RFC 3676 §4.2).
const MAX_LINE: usize = 78;
/// The least room left for text however deep the quoting.
const MIN_ROOM: usize = 30;
/// The signature separator, the one line that keeps its trailing space.
const SIGNATURE_SEPARATOR: &str = "-- ";

/// `text` (lines separated by `\n` or `\r\n`; quoted lines start with `>` marks, one per
/// level, then an optional space) as a format=flowed body with CRLF line ends. Trailing
/// spaces of lines are dropped (a reader would take them for soft breaks), except the
/// signature separator's.
pub fn to_flowed(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16 + 2);
    let mut first = true;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (depth, content) = quote_depth(line);
        let content = if content == SIGNATURE_SEPARATOR && depth == 0 {
            content
        } else {
            content.trim_end_matches(' ')
        };
        let prefix = ">".repeat(depth);
        let room = MAX_LINE.saturating_sub(depth + 1).max(MIN_ROOM);
        for chunk in chunks(content, room) {
            if !first {
                out.push_str("\r\n");
            }
            first = false;
            out.push_str(&prefix);
            if depth > 0 {
                if !chunk.is_empty() {
                    out.push(' ');
                }
            } else if chunk.starts_with(' ') || chunk.starts_with("From ") {
                out.push(' ');
            }
            out.push_str(chunk);
        }
    }
    out
}

/// A format=flowed body back as text: soft breaks rejoined, stuffing removed, quoted
/// lines as `>` marks, a space and their text. `delsp` is the DelSp=yes parameter (the
/// space before a soft break is not part of the text).
pub fn from_flowed(flowed: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(flowed.len());
    // The depth of the paragraph being joined, if the previous line was soft.
    let mut open: Option<usize> = None;
    let mut started = false;
    let ends_with_break = flowed.ends_with('\n');
    let body = flowed.strip_suffix('\n').unwrap_or(flowed);
    let body = body.strip_suffix('\r').unwrap_or(body);
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let rest = &line[depth..];
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let soft = rest.ends_with(' ') && rest != SIGNATURE_SEPARATOR;
        let content = if soft && delsp {
            &rest[..rest.len() - 1]
        } else {
            rest
        };
        if open != Some(depth) {
            if started {
                out.push('\n');
            }
            if depth > 0 {
                out.push_str(&">".repeat(depth));
                if !content.is_empty() {
                    out.push(' ');
                }
            }
        }
        started = true;
        out.push_str(content);
        open = soft.then_some(depth);
    }
    if ends_with_break {
        out.push('\n');
    }
    out
}

/// The quote depth of a line (its leading `>` marks) and its text after them and one
/// optional space.
fn quote_depth(line: &str) -> (usize, &str) {
    let depth = line.bytes().take_while(|&b| b == b'>').count();
    let rest = &line[depth..];
    if depth > 0 {
        (depth, rest.strip_prefix(' ').unwrap_or(rest))
    } else {
        (0, rest)
    }
}

/// `content` cut after spaces into pieces of at most `room` characters where it can be
/// (a word longer than `room` stays whole); every piece but the last ends with a space.
fn chunks(content: &str, room: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = content;
    while rest.chars().count() > room {
        // Byte offsets just after a space that is not followed by another space.
        let mut best = None;
        let mut first = None;
        let mut chars = rest.char_indices().peekable();
        let mut column = 0;
        while let Some((at, c)) = chars.next() {
            column += 1;
            let next = chars.peek().map(|&(_, n)| n);
            if c == ' ' && next.is_some_and(|n| n != ' ') {
                let end = at + 1;
                if column <= room {
                    best = Some(end);
                } else if first.is_none() {
                    first = Some(end);
                    break;
                }
            }
        }
        match best.or(first) {
            Some(end) if end < rest.len() => {
                pieces.push(&rest[..end]);
                rest = &rest[end..];
            }
            _ => break,
        }
    }
    pieces.push(rest);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(flowed: &str) -> Vec<&str> {
        flowed.split("\r\n").collect()
    }

    #[test]
    fn long_lines_break_softly_within_78_columns() {
        let paragraph = "word ".repeat(40);
        let paragraph = paragraph.trim_end();
        let flowed = to_flowed(paragraph);
        for line in lines(&flowed) {
            assert!(line.chars().count() <= 78, "{line:?}");
        }
        let all = lines(&flowed);
        assert!(all.len() > 2);
        for line in &all[..all.len() - 1] {
            assert!(line.ends_with(' '), "soft: {line:?}");
        }
        assert!(!all[all.len() - 1].ends_with(' '));
        assert_eq!(from_flowed(&flowed, false), paragraph);
    }

    #[test]
    fn stuffing_of_space_from_and_quote_marks() {
        let text = " indented\nFrom here\nFromage\n> quoted\n>> deeper\nplain";
        let flowed = to_flowed(text);
        assert_eq!(
            lines(&flowed),
            [
                "  indented",
                " From here",
                "Fromage",
                "> quoted",
                ">> deeper",
                "plain"
            ]
        );
        assert_eq!(from_flowed(&flowed, false), text);
    }

    #[test]
    fn quoted_paragraphs_keep_their_depth_on_every_line() {
        let text = format!(">> {}", "quoted text ".repeat(12).trim_end());
        let flowed = to_flowed(&text);
        let all = lines(&flowed);
        assert!(all.len() >= 2);
        for line in &all {
            assert!(line.starts_with(">> "), "{line:?}");
            assert!(line.chars().count() <= 78);
        }
        assert_eq!(from_flowed(&flowed, false), text);
    }

    #[test]
    fn trailing_spaces_dropped_except_the_signature_separator() {
        let flowed = to_flowed("hard   \n-- \nAnn");
        assert_eq!(lines(&flowed), ["hard", "-- ", "Ann"]);
        assert_eq!(from_flowed(&flowed, false), "hard\n-- \nAnn");
    }

    #[test]
    fn empty_lines_long_words_and_final_newline() {
        let long = "x".repeat(120);
        let text = format!("a\n\n>\n{long} tail\n");
        let flowed = to_flowed(&text);
        let soft_long = format!("{long} ");
        assert_eq!(
            lines(&flowed),
            ["a", "", ">", soft_long.as_str(), "tail", ""]
        );
        assert_eq!(from_flowed(&flowed, false), text);
    }

    #[test]
    fn delsp_removes_the_space_of_a_soft_break() {
        assert_eq!(from_flowed("abc \r\ndef\r\n", true), "abcdef\n");
        assert_eq!(from_flowed("abc \r\ndef\r\n", false), "abc def\n");
    }

    #[test]
    fn runs_of_spaces_survive() {
        let text = format!("{}  {}", "a".repeat(70), "b ".repeat(10).trim_end());
        assert_eq!(from_flowed(&to_flowed(&text), false), text);
    }
}
