//! Reply and forward subjects: one "Re: " or "Fwd: " in front of the subject without the
//! prefixes mail programs pile up (Re:, RE:, Aw:, AW:, Fwd:, FW:, WG:, Re[2]:, ...).

/// Prefixes (lower case, without the colon) taken off a subject's front.
const PREFIXES: [&str; 9] = ["re", "aw", "fwd", "fw", "wg", "sv", "vs", "antw", "tr"];

/// `subject` without its leading reply/forward prefixes and surrounding spaces.
pub fn base_subject(subject: &str) -> &str {
    let mut rest = subject.trim();
    while let Some(after) = strip_one_prefix(rest) {
        rest = after.trim_start();
    }
    rest
}

/// The subject of a reply: `Re: ` and the base subject.
pub fn reply_subject(subject: &str) -> String {
    format!("Re: {}", base_subject(subject))
}

/// The subject of a forward: `Fwd: ` and the base subject.
pub fn forward_subject(subject: &str) -> String {
    format!("Fwd: {}", base_subject(subject))
}

/// `subject` after one prefix such as `Re:`, `AW :` or `Re[2]:`, if it starts with one.
fn strip_one_prefix(subject: &str) -> Option<&str> {
    let word_end = subject
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(subject.len());
    let word = subject[..word_end].to_ascii_lowercase();
    if !PREFIXES.contains(&word.as_str()) {
        return None;
    }
    let mut rest = &subject[word_end..];
    // A counter: "Re[2]:" or "Re(2):".
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = rest.strip_prefix(open)
            && let Some(end) = inner.find(close)
            && inner[..end].bytes().all(|b| b.is_ascii_digit())
        {
            rest = &inner[end + 1..];
        }
    }
    rest.trim_start_matches(' ').strip_prefix(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_table() {
        let cases = [
            ("Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Re: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("RE: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Aw: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("AW: Re: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Fwd: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("FW: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("WG: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Re[2]: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Re: Re: Re: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("Re: Fwd: RE[3]: fw: Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("re : Lunch", "Re: Lunch", "Fwd: Lunch"),
            ("  Re:Lunch  ", "Re: Lunch", "Fwd: Lunch"),
            ("Reunion: 2027", "Re: Reunion: 2027", "Fwd: Reunion: 2027"),
            (
                "Regarding Re: x",
                "Re: Regarding Re: x",
                "Fwd: Regarding Re: x",
            ),
            ("Re[x]: odd", "Re: Re[x]: odd", "Fwd: Re[x]: odd"),
            ("", "Re: ", "Fwd: "),
            ("Re: Grüße", "Re: Grüße", "Fwd: Grüße"),
        ];
        for (original, reply, forward) in cases {
            assert_eq!(reply_subject(original), reply, "{original:?}");
            assert_eq!(forward_subject(original), forward, "{original:?}");
        }
    }
}
