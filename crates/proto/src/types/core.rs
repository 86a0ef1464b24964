//! Lexical building blocks: tags, server text, flags and capabilities.

use std::{borrow::Cow, fmt};

use crate::error::ValidationError;

/// A command tag (`A1`, `A2`, …): non-empty `ASTRING-CHAR`s except `+`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// Validates and wraps a tag.
    pub fn new(tag: impl Into<String>) -> Result<Self, ValidationError> {
        let tag = tag.into();
        if tag.is_empty() || !tag.bytes().all(|b| is_astring_char(b) && b != b'+') {
            return Err(ValidationError::Tag);
        }
        Ok(Self(tag))
    }

    /// The tag's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn from_parsed(bytes: &[u8]) -> Self {
        Self(String::from_utf8_lossy(bytes).into_owned())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({})", self.0)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bytes a server sent as text or a string: kept exactly (8-bit, not necessarily UTF-8),
/// with a lossy display form.
///
/// Short texts (up to 22 bytes: most names, addresses, media types and parameters) are
/// stored inline, without a heap allocation; longer ones in one exact-size allocation.
#[derive(Clone)]
pub struct Text(Repr);

/// Bytes stored inline at most: 22, so that a `Text` (and an `Option<Text>`) is 24 bytes.
const INLINE: usize = 22;

#[derive(Clone)]
enum Repr {
    /// `len` <= `INLINE` bytes in `buf`.
    Inline {
        len: u8,
        buf: [u8; INLINE],
    },
    Heap(Box<[u8]>),
}

impl Text {
    /// Wraps bytes.
    pub fn new<B: AsRef<[u8]> + Into<Vec<u8>>>(bytes: B) -> Self {
        let slice = bytes.as_ref();
        if slice.len() <= INLINE {
            Self::from_slice(slice)
        } else {
            Self(Repr::Heap(bytes.into().into_boxed_slice()))
        }
    }

    /// Copies bytes (inline when short: no allocation).
    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut buf = [0; INLINE];
                buf[..bytes.len()].copy_from_slice(bytes);
                Self(Repr::Inline { len, buf })
            }
            _ => Self(Repr::Heap(bytes.into())),
        }
    }

    /// Sets this text to the first `n` bytes of `src` (`n <= src.len()`), writing an inline
    /// text in place (the parser fills texts already in their structure). When `src`
    /// extends far enough, a short text is copied as one fixed-size block: the inline
    /// buffer's bytes past `n` then hold whatever followed in `src` (only the first `n` are
    /// ever read), and there is no call to `memcpy` nor a stall reloading bytes just
    /// written in pieces.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn set_prefix(&mut self, src: &[u8], n: usize) {
        if let (Ok(new_len), Some(block)) = (u8::try_from(n), src.first_chunk::<INLINE>())
            && n <= INLINE
        {
            if let Repr::Inline { len, buf } = &mut self.0 {
                *len = new_len;
                *buf = *block;
            } else {
                self.0 = Repr::Inline {
                    len: new_len,
                    buf: *block,
                };
            }
            return;
        }
        *self = Self::from_slice(src.get(..n).unwrap_or(src));
    }

    /// The exact bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => &buf[..usize::from(*len)],
            Repr::Heap(b) => b,
        }
    }

    /// The bytes as UTF-8, if they are.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// A display form: invalid UTF-8 becomes U+FFFD.
    pub fn to_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// Takes the bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.0 {
            Repr::Inline { .. } => self.as_bytes().to_vec(),
            Repr::Heap(b) => b.into_vec(),
        }
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

impl Default for Text {
    fn default() -> Self {
        Self(Repr::Inline {
            len: 0,
            buf: [0; INLINE],
        })
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_lossy())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::from_slice(s.as_bytes())
    }
}

/// A message flag (RFC 3501 `flag`, `flag-fetch`, `flag-perm`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    /// `\Seen`
    Seen,
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Draft`
    Draft,
    /// `\Recent` (IMAP4rev1 only; fetch-only)
    Recent,
    /// `\*` in PERMANENTFLAGS: new keywords may be created.
    MayCreate,
    /// Another system flag (`\Foo`), without the backslash.
    System(String),
    /// A keyword (`$Forwarded`, `Junk`, Gmail's `OIB-Seen-[Gmail]/All`).
    Keyword(String),
}

impl Flag {
    /// Parses a flag's wire form (tolerant: any bytes; `\` marks system flags).
    pub fn from_wire(bytes: &[u8]) -> Self {
        let Some(name) = bytes.strip_prefix(b"\\") else {
            return Flag::Keyword(String::from_utf8_lossy(bytes).into_owned());
        };
        let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
        if is("seen") {
            Flag::Seen
        } else if is("answered") {
            Flag::Answered
        } else if is("flagged") {
            Flag::Flagged
        } else if is("deleted") {
            Flag::Deleted
        } else if is("draft") {
            Flag::Draft
        } else if is("recent") {
            Flag::Recent
        } else if name == b"*" {
            Flag::MayCreate
        } else {
            Flag::System(String::from_utf8_lossy(name).into_owned())
        }
    }

    /// The flag's wire form.
    pub fn to_wire(&self) -> Cow<'_, str> {
        match self {
            Flag::Seen => "\\Seen".into(),
            Flag::Answered => "\\Answered".into(),
            Flag::Flagged => "\\Flagged".into(),
            Flag::Deleted => "\\Deleted".into(),
            Flag::Draft => "\\Draft".into(),
            Flag::Recent => "\\Recent".into(),
            Flag::MayCreate => "\\*".into(),
            Flag::System(s) => format!("\\{s}").into(),
            Flag::Keyword(s) => s.as_str().into(),
        }
    }
}

/// One capability name as the server sent it (`IMAP4rev1`, `AUTH=PLAIN`, `LITERAL+`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Capability(String);

impl Capability {
    /// Wraps a capability name.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Case-insensitive comparison (capability names are case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name)
    }
}

/// What a server said it supports: the most recent CAPABILITY data or code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities(Vec<Capability>);

impl Capabilities {
    /// Wraps a list.
    pub fn new(list: Vec<Capability>) -> Self {
        Self(list)
    }

    /// Whether `name` (case-insensitive) is among them.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|c| c.is(name))
    }

    /// The SASL mechanisms offered (`AUTH=…`).
    pub fn auth_mechanisms(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|c| {
            let s = c.as_str();
            (s.len() > 5 && s[..5].eq_ignore_ascii_case("AUTH=")).then(|| &s[5..])
        })
    }

    /// All entries.
    pub fn iter(&self) -> impl Iterator<Item = &Capability> {
        self.0.iter()
    }

    /// Whether nothing is known yet.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An atom (RFC 3501 `atom = 1*ATOM-CHAR`): a capability name, a SASL mechanism, a flag
/// keyword. Non-empty; no spaces, controls, non-ASCII or `(){%*"\\]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Atom(String);

impl Atom {
    /// Checks `value` against the atom grammar.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.is_empty() || !value.bytes().all(is_atom_char) {
            return Err(ValidationError::Atom);
        }
        Ok(Self(value))
    }

    /// The atom's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Atom {
    type Error = ValidationError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<String> for Atom {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A list with at least one member, for the grammar's `x *(SP x)` lists (ENABLE's
/// capabilities, FETCH's items, STATUS's items, SORT's keys).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vec1<T>(Vec<T>);

impl<T> Vec1<T> {
    /// Fails on an empty list.
    pub fn new(items: Vec<T>) -> Result<Self, ValidationError> {
        if items.is_empty() {
            return Err(ValidationError::EmptyList);
        }
        Ok(Self(items))
    }

    /// A list of one.
    pub fn one(item: T) -> Self {
        Self(vec![item])
    }

    /// Adds a member at the end.
    pub fn push(&mut self, item: T) {
        self.0.push(item);
    }

    /// The members.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The members, as a `Vec`.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> TryFrom<Vec<T>> for Vec1<T> {
    type Error = ValidationError;

    fn try_from(items: Vec<T>) -> Result<Self, Self::Error> {
        Self::new(items)
    }
}

impl<T> std::ops::Deref for Vec1<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> AsRef<[T]> for Vec1<T> {
    fn as_ref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a Vec1<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for Vec1<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// RFC 3501 `ATOM-CHAR`: any CHAR except atom-specials.
#[inline]
pub(crate) fn is_atom_char(b: u8) -> bool {
    ATOM_CHARS[usize::from(b)]
}

/// [`is_atom_char`] for every byte, computed once at compile time (one load instead of a
/// search of the specials on the parser's hottest path).
static ATOM_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii()
            && !c.is_ascii_control()
            && !matches!(
                c,
                b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
            );
        b += 1;
    }
    table
};

/// RFC 3501 `ASTRING-CHAR`: ATOM-CHAR or `]`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_validated() {
        assert!(Tag::new("A1").is_ok());
        assert!(Tag::new("").is_err());
        assert!(Tag::new("A 1").is_err());
        assert!(Tag::new("A+1").is_err());
        assert!(Tag::new("A\r\n").is_err());
    }

    #[test]
    fn flags_round_trip() {
        for wire in [
            "\\Seen",
            "\\Deleted",
            "\\*",
            "\\Foo",
            "$Forwarded",
            "OIB-Seen-[Gmail]/All",
        ] {
            assert_eq!(Flag::from_wire(wire.as_bytes()).to_wire(), wire);
        }
        assert_eq!(Flag::from_wire(b"\\SEEN"), Flag::Seen);
    }

    #[test]
    fn capabilities_are_case_insensitive() {
        let caps = Capabilities::new(vec![
            Capability::new("IMAP4rev1"),
            Capability::new("auth=PLAIN"),
        ]);
        assert!(caps.has("imap4REV1"));
        assert!(!caps.has("IDLE"));
        assert_eq!(caps.auth_mechanisms().collect::<Vec<_>>(), ["PLAIN"]);
    }

    #[test]
    fn atom_chars() {
        for b in 0..=255u8 {
            let expected = b.is_ascii() && !b.is_ascii_control() && !b"(){ %*\"\\]".contains(&b);
            assert_eq!(is_atom_char(b), expected, "{b}");
        }
    }

    #[test]
    fn text_keeps_8bit_bytes() {
        let t = Text::new(b"caf\xe9".to_vec());
        assert_eq!(t.as_bytes(), b"caf\xe9");
        assert!(t.as_str().is_none());
        assert_eq!(t.to_lossy(), "caf\u{FFFD}");
    }

    #[test]
    fn text_inline_and_heap_are_the_same_value() {
        assert_eq!(std::mem::size_of::<Text>(), 24);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 24);
        for n in [0, 1, 21, 22, 23, 100] {
            let bytes: Vec<u8> = (0..n).map(|b| b as u8).collect();
            let a = Text::new(bytes.clone());
            let b = Text::from_slice(&bytes);
            assert_eq!(a, b);
            assert_eq!(a.as_bytes(), &bytes[..]);
            assert_eq!(a.is_empty(), n == 0);
            assert_eq!(a.clone().into_bytes(), bytes);
        }
        assert_eq!(Text::default(), Text::new(Vec::new()));
        let src: Vec<u8> = (0..40).collect();
        for n in 0..=40 {
            for mut t in [Text::default(), Text::new(vec![7; 30])] {
                t.set_prefix(&src, n);
                assert_eq!(t.as_bytes(), &src[..n]);
                t.set_prefix(&src[..n], n);
                assert_eq!(t.as_bytes(), &src[..n]);
            }
        }
    }

    #[test]
    fn atoms_are_checked() {
        assert_eq!(
            Atom::new("$Forwarded").map(|a| a.to_string()),
            Ok("$Forwarded".into())
        );
        for bad in ["", "a b", "a)", "x\r\n", "{3}", "Grüße", "\\Seen", "a]"] {
            assert_eq!(Atom::new(bad), Err(ValidationError::Atom), "{bad:?}");
        }
        assert!(Atom::try_from("QRESYNC").is_ok());
    }

    #[test]
    fn vec1_cannot_be_empty() {
        assert_eq!(
            Vec1::<u32>::new(Vec::new()),
            Err(ValidationError::EmptyList)
        );
        assert_eq!(
            Vec1::try_from(Vec::<u8>::new()),
            Err(ValidationError::EmptyList)
        );
        let mut list = Vec1::one(1);
        list.push(2);
        assert_eq!(list.as_slice(), [1, 2]);
        assert_eq!(list.len(), 2);
        assert_eq!(list.into_vec(), vec![1, 2]);
    }
}
