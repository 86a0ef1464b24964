//! HTML mail as plain text (for the text view of a message that has only HTML): tags
//! dropped, `<br>` and `</p>` as line breaks, `<head>`, `<style>`, `<script>` and
//! `<template>` content and comments skipped, runs of white space as one space, character
//! references decoded.
//!
//! The tokenizer is mail-parser's `html_to_text` (mail-parser 0.11, © 2020 Stalwart Labs
//! LLC, Apache-2.0 OR MIT), with one change: named character references are looked up
//! through a function given by the caller instead of mail-parser's table of all 2,125 of
//! them. Natively that is mail-parser itself; in the browser it is the browser's own
//! parser, given only the reference (`&name;`, never markup), so the wasm carries no table.

use std::{char::REPLACEMENT_CHARACTER, collections::HashMap};

/// `html` as text, decoding named references with the platform's table.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut known: HashMap<String, Option<String>> = HashMap::new();
    convert(html, &mut |name| {
        known
            .entry(name.to_string())
            .or_insert_with(|| named_reference(name))
            .clone()
    })
}

/// What `&name;` stands for (mail-parser's table).
#[cfg(not(target_arch = "wasm32"))]
fn named_reference(name: &str) -> Option<String> {
    let reference = format!("&{name};");
    let text = mail_parser::decoders::html::html_to_text(&reference);
    (text != reference).then_some(text)
}

/// What `&name;` stands for (the browser's table: its HTML parser reads the reference
/// alone, a name of ASCII letters and digits, so no markup is ever parsed).
#[cfg(target_arch = "wasm32")]
fn named_reference(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 40 || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let reference = format!("&{name};");
    let parser = web_sys::DomParser::new().ok()?;
    let document = parser
        .parse_from_string(&reference, web_sys::SupportedType::TextHtml)
        .ok()?;
    let text = document.document_element()?.text_content()?;
    (text != reference).then_some(text)
}

fn add_token(
    result: &mut String,
    token: &[u8],
    add_space: bool,
    named: &mut dyn FnMut(&str) -> Option<String>,
) {
    if add_space {
        result.push(' ');
    }
    if let [b'&', entity @ .., b';'] = token {
        if let [b'#', code @ ..] = entity {
            let (code, radix) = if let [b'x' | b'X', code @ ..] = code {
                (code, 16)
            } else {
                (code, 10)
            };
            if let Some(code) = std::str::from_utf8(code)
                .ok()
                .and_then(|code| u32::from_str_radix(code, radix).ok())
            {
                result.push(char::from_u32(code).unwrap_or(REPLACEMENT_CHARACTER));
                return;
            }
        } else if let Some(text) = std::str::from_utf8(entity).ok().and_then(&mut *named) {
            result.push_str(&text);
            return;
        }
    }
    result.push_str(&String::from_utf8_lossy(token));
}

/// mail-parser's `html_to_text`, with `named` for named references.
fn convert(input: &str, named: &mut dyn FnMut(&str) -> Option<String>) -> String {
    let mut result = String::with_capacity(input.len());
    let input = input.as_bytes();

    let mut in_tag = false;
    let mut in_head = false;
    let mut in_style = false;
    let mut in_script = false;
    let mut in_template = false;
    let mut in_comment = false;

    let mut is_token_start = true;
    let mut is_after_space = false;
    let mut is_tag_close = false;
    let mut is_new_line = true;

    let mut token_start = 0;
    let mut token_end = 0;

    let mut tag_token_pos = 0;
    let mut comment_pos = 0;

    for (pos, ch) in input.iter().enumerate() {
        if !in_comment {
            match ch {
                b'<' => {
                    if !in_tag
                        && !in_head
                        && !in_style
                        && !in_script
                        && !in_template
                        && !is_token_start
                    {
                        add_token(
                            &mut result,
                            &input[token_start..token_end + 1],
                            is_after_space,
                            named,
                        );
                        is_after_space = false;
                    }

                    tag_token_pos = 0;
                    in_tag = true;
                    is_token_start = true;
                    is_tag_close = false;
                    continue;
                }
                b'>' if in_tag => {
                    if tag_token_pos == 1 {
                        match input.get(token_start..token_end + 1) {
                            Some(tag)
                                if tag.eq_ignore_ascii_case(b"br")
                                    || (tag.eq_ignore_ascii_case(b"p") && is_tag_close) =>
                            {
                                result.push('\n');
                                is_after_space = false;
                                is_new_line = true;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"head") => {
                                in_head = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"style") => {
                                in_style = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"script") => {
                                in_script = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"template") => {
                                in_template = !is_tag_close;
                            }
                            _ => (),
                        }
                    }

                    in_tag = false;
                    is_token_start = true;

                    continue;
                }
                b'/' if in_tag => {
                    if tag_token_pos == 0 {
                        is_tag_close = true;
                    }
                    continue;
                }
                b'!' if in_tag && tag_token_pos == 0 => {
                    if let Some(b"--") = input.get(pos + 1..pos + 3) {
                        in_comment = true;
                        continue;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {
                    if !in_tag && !in_head && !in_style && !in_script && !in_template {
                        if !is_token_start {
                            add_token(
                                &mut result,
                                &input[token_start..token_end + 1],
                                is_after_space && !is_new_line,
                                named,
                            );
                            is_new_line = false;
                        }
                        is_after_space = true;
                    }

                    is_token_start = true;

                    continue;
                }
                // A token ends before `&` (which starts the next one) and with `;`.
                b'&' | b';' if !in_tag && !is_token_start && !in_head => {
                    if in_style || in_script || in_template {
                        continue;
                    }
                    let end = if *ch == b';' { pos } else { token_end };
                    add_token(
                        &mut result,
                        &input[token_start..end + 1],
                        is_after_space && !is_new_line,
                        named,
                    );
                    is_new_line = false;
                    is_token_start = true;
                    is_after_space = false;
                    if *ch == b';' {
                        continue;
                    }
                }
                _ => (),
            }
            if is_token_start {
                token_start = pos;
                is_token_start = false;
                if in_tag {
                    tag_token_pos += 1;
                }
            }
            token_end = pos;
        } else {
            match ch {
                b'-' => comment_pos += 1,
                b'>' if comment_pos == 2 => {
                    comment_pos = 0;
                    in_comment = false;
                    in_tag = false;
                    is_token_start = true;
                }
                _ => comment_pos = 0,
            }
        }
    }

    if !in_tag && !is_token_start && !in_head && !in_style && !in_script && !in_template {
        add_token(
            &mut result,
            &input[token_start..token_end + 1],
            is_after_space && !is_new_line,
            named,
        );
    }

    result.shrink_to_fit();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_as_mail_parser() {
        let inputs = [
            "<html>hello<br/>world<br/></html>",
            "<html>using &lt;><br/></html>",
            "test <not br/>tag<br />",
            "<>< ><tag\n/>>hello    world< br \n />",
            "<head><title>ignore head</title><not head>xyz</not head></head><h1>&lt;body&gt;</h1>",
            "<p>what is &heartsuit;?</p><p>&#x000DF;&Abreve;&#914;&gamma; don&apos;t hurt me.</p>",
            "<!--[if mso]><style type=\"text/css\">body {font-family: Arial;}</style><![endif]-->\
             this is <!-- <> < < < < ignore  > -> here -->the actual<!--> text",
            "   < p >  hello < / p > < p > world < / p >   !!! < br > ",
            " <p>please unsubscribe <a href=#>here</a>.</p> ",
            "a&nbsp;b &copy; &unknownentity; &amp&amp; &#xZZ; &#1114112; &; &a<b;",
            "<style>p{x:&amp;}</style><script>&lt;</script>caf&eacute; &NotEqualTilde; ü",
        ];
        for html in inputs {
            assert_eq!(
                html_to_text(html),
                mail_parser::decoders::html::html_to_text(html),
                "{html:?}"
            );
        }
        assert_eq!(html_to_text("a&nbsp;b"), "a\u{a0}b");
    }
}
