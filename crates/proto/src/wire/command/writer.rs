//! [`CommandWriter`]: builds a command's line and literals, and chooses atom, quoted string
//! or literal for every string value.

use crate::{
    types::{
        core::{Flag, is_astring_char},
        mailbox::MailboxName,
    },
    wire::fragment::{EncodeOptions, Fragment},
};

/// Builds a command's fragments: lines and the literals between them.
pub(super) struct CommandWriter<'o> {
    options: &'o EncodeOptions,
    fragments: Vec<Fragment>,
    line: Vec<u8>,
}

impl<'o> CommandWriter<'o> {
    pub(super) fn new(options: &'o EncodeOptions) -> Self {
        Self {
            options,
            fragments: Vec::new(),
            line: Vec::new(),
        }
    }

    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
    }

    /// A string value (`astring` where `allow_atom`, else `string`).
    pub(super) fn string(&mut self, value: &[u8], allow_atom: bool) {
        let is_8bit = value.iter().any(|&b| b >= 0x80);
        let can_quote = !value.iter().any(|&b| matches!(b, 0 | b'\r' | b'\n'))
            && (!is_8bit || (self.options.utf8_accept && std::str::from_utf8(value).is_ok()));
        if allow_atom
            && !value.is_empty()
            && value.iter().all(|&b| is_astring_char(b))
            && !value.eq_ignore_ascii_case(b"NIL")
        {
            self.raw(value);
        } else if can_quote && value.len() <= 1024 {
            self.line.push(b'"');
            for &b in value {
                if b == b'"' || b == b'\\' {
                    self.line.push(b'\\');
                }
                self.line.push(b);
            }
            self.line.push(b'"');
        } else {
            self.literal(value);
        }
    }

    pub(super) fn literal(&mut self, value: &[u8]) {
        let non_sync =
            self.options.literal_plus || (self.options.literal_minus && value.len() <= 4096);
        let header = if non_sync {
            format!("{{{}+}}\r\n", value.len())
        } else {
            format!("{{{}}}\r\n", value.len())
        };
        self.line.extend_from_slice(header.as_bytes());
        self.fragments.push(Fragment::Line {
            data: std::mem::take(&mut self.line),
        });
        self.fragments.push(Fragment::Literal {
            data: value.to_vec(),
            sync: !non_sync,
        });
    }

    pub(super) fn mailbox(&mut self, name: &MailboxName) {
        if name.is_inbox() {
            self.raw(b"INBOX");
        } else {
            self.string(name.as_wire(), true);
        }
    }

    pub(super) fn finish(mut self) -> Vec<Fragment> {
        self.line.extend_from_slice(b"\r\n");
        self.fragments.push(Fragment::Line { data: self.line });
        self.fragments
    }

    /// What the encoder may use.
    pub(super) fn options(&self) -> &EncodeOptions {
        self.options
    }

    /// `(flag *(SP flag))`: every flag of a [`FlagList`](crate::types::command::FlagList)
    /// is valid as it is.
    pub(super) fn flags(&mut self, flags: &[Flag]) {
        self.raw(b"(");
        for (n, flag) in flags.iter().enumerate() {
            if n > 0 {
                self.raw(b" ");
            }
            self.raw(flag.to_wire().as_bytes());
        }
        self.raw(b")");
    }
}
