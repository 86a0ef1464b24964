//! Links in plain-text mail: `http://`, `https://` and `mailto:` URLs (and `www.` names,
//! as `https://`) found in the text, so the reader can click them. Only those schemes are
//! ever linked; the rest stays text.

/// A piece of plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text as it is.
    Text(&'a str),
    /// A link: the text shown and where it goes.
    Link {
        /// The URL as written.
        text: &'a str,
        /// The URL to open.
        href: String,
    },
}

const STARTS: [&str; 4] = ["https://", "http://", "mailto:", "www."];

/// `text` cut into text and links.
pub(crate) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let at_word_start = i == 0
            || text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_alphanumeric() && c != '@' && c != '.');
        let start = at_word_start
            .then(|| {
                STARTS.iter().find(|s| {
                    rest.len() > s.len()
                        && rest
                            .get(..s.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(s))
                })
            })
            .flatten();
        let Some(start) = start else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let len = url_len(rest);
        if len <= start.len() {
            i += start.len();
            continue;
        }
        if plain_from < i {
            out.push(Piece::Text(&text[plain_from..i]));
        }
        let url = &rest[..len];
        let href = if start.eq_ignore_ascii_case("www.") {
            format!("https://{url}")
        } else {
            url.to_string()
        };
        out.push(Piece::Link { text: url, href });
        i += len;
        plain_from = i;
    }
    if plain_from < text.len() {
        out.push(Piece::Text(&text[plain_from..]));
    }
    out
}

/// How long the URL at the start of `s` is: up to white space or a character URLs do not
/// hold, without trailing punctuation (a closing bracket stays if the URL opened it).
fn url_len(s: &str) -> usize {
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '{' | '}'))
        .unwrap_or(s.len());
    let mut url = &s[..end];
    while let Some(last) = url.chars().next_back() {
        let unbalanced = |open: char, close: char| {
            last == close && url.matches(open).count() < url.matches(close).count()
        };
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*')
            || unbalanced('(', ')')
            || unbalanced('[', ']')
        {
            url = &url[..url.len() - last.len_utf8()];
        } else {
            break;
        }
    }
    url.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(String, String)> {
        pieces(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Link { text, href } => Some((text.to_string(), href)),
                Piece::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn finds_urls_and_leaves_punctuation() {
        assert_eq!(
            links("See https://example.org/a?b=1. Or (http://x.test/p_(1)), ok"),
            vec![
                (
                    "https://example.org/a?b=1".into(),
                    "https://example.org/a?b=1".into()
                ),
                ("http://x.test/p_(1)".into(), "http://x.test/p_(1)".into()),
            ]
        );
        assert_eq!(
            links("Mail mailto:ann@example.com or visit www.example.org!"),
            vec![
                (
                    "mailto:ann@example.com".into(),
                    "mailto:ann@example.com".into()
                ),
                ("www.example.org".into(), "https://www.example.org".into()),
            ]
        );
        assert_eq!(links("<https://example.org/unsubscribe>").len(), 1);
    }

    #[test]
    fn only_safe_schemes_and_whole_words() {
        assert!(links("javascript:alert(1) data:text/html,x ftp://x").is_empty());
        assert!(links("user@www.example.org xhttps://a.b").is_empty());
        assert!(links("https:// alone, and www. too").is_empty());
    }

    #[test]
    fn pieces_rebuild_the_text() {
        let text = "Привет https://пример.рф/путь. Конец\nhttp://a.b";
        let rebuilt: String = pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Link { text: t, .. } => t,
            })
            .collect();
        assert_eq!(rebuilt, text);
        assert_eq!(links(text)[0].0, "https://пример.рф/путь");
    }
}
