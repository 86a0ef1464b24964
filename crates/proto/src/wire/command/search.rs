//! SEARCH criteria (also SORT's and THREAD's): keys, nesting, and the charset they need.

use super::writer::CommandWriter;
use crate::types::search::{SearchDate, SearchKey};

impl CommandWriter<'_> {
    /// SEARCH: `CHARSET UTF-8` when a criterion is non-ASCII and UTF8=ACCEPT is not in
    /// force. SORT and THREAD (`always`): their charset argument is mandatory.
    pub(super) fn charset_if_needed(&mut self, keys: &[SearchKey], always: bool) {
        if always {
            self.raw(b" UTF-8");
        } else if !self.options().utf8_accept && keys.iter().any(SearchKey::has_8bit) {
            self.raw(b" CHARSET UTF-8");
        }
    }

    pub(super) fn search_keys(&mut self, keys: &[SearchKey]) {
        if keys.is_empty() {
            self.raw(b" ALL");
        }
        for key in keys {
            self.raw(b" ");
            self.search_key(key, 0);
        }
    }

    fn search_key(&mut self, key: &SearchKey, depth: usize) {
        // Hand-built keys can nest without bound; cap it rather than overflow the stack.
        if depth > 64 {
            self.raw(b"ALL");
            return;
        }
        let text = |w: &mut Self, name: &[u8], value: &str| {
            w.raw(name);
            w.raw(b" ");
            w.string(value.as_bytes(), false);
        };
        let date = |w: &mut Self, name: &str, d: &SearchDate| {
            w.raw(format!("{name} {}", d.to_wire()).as_bytes())
        };
        match key {
            SearchKey::All => self.raw(b"ALL"),
            SearchKey::Answered => self.raw(b"ANSWERED"),
            SearchKey::Unanswered => self.raw(b"UNANSWERED"),
            SearchKey::Deleted => self.raw(b"DELETED"),
            SearchKey::Undeleted => self.raw(b"UNDELETED"),
            SearchKey::Draft => self.raw(b"DRAFT"),
            SearchKey::Undraft => self.raw(b"UNDRAFT"),
            SearchKey::Flagged => self.raw(b"FLAGGED"),
            SearchKey::Unflagged => self.raw(b"UNFLAGGED"),
            SearchKey::Seen => self.raw(b"SEEN"),
            SearchKey::Unseen => self.raw(b"UNSEEN"),
            SearchKey::Keyword(k) => {
                self.raw(b"KEYWORD ");
                self.raw(k.as_str().as_bytes());
            }
            SearchKey::Unkeyword(k) => {
                self.raw(b"UNKEYWORD ");
                self.raw(k.as_str().as_bytes());
            }
            SearchKey::From(s) => text(self, b"FROM", s),
            SearchKey::To(s) => text(self, b"TO", s),
            SearchKey::Cc(s) => text(self, b"CC", s),
            SearchKey::Bcc(s) => text(self, b"BCC", s),
            SearchKey::Subject(s) => text(self, b"SUBJECT", s),
            SearchKey::Body(s) => text(self, b"BODY", s),
            SearchKey::Text(s) => text(self, b"TEXT", s),
            SearchKey::GmailRaw(s) => text(self, b"X-GM-RAW", s),
            SearchKey::EmailId(s) => text(self, b"EMAILID", s),
            SearchKey::ThreadId(s) => text(self, b"THREADID", s),
            SearchKey::Header(field, value) => {
                self.raw(b"HEADER ");
                self.string(field.as_bytes(), true);
                self.raw(b" ");
                self.string(value.as_bytes(), false);
            }
            SearchKey::Before(d) => date(self, "BEFORE", d),
            SearchKey::On(d) => date(self, "ON", d),
            SearchKey::Since(d) => date(self, "SINCE", d),
            SearchKey::SentBefore(d) => date(self, "SENTBEFORE", d),
            SearchKey::SentOn(d) => date(self, "SENTON", d),
            SearchKey::SentSince(d) => date(self, "SENTSINCE", d),
            SearchKey::Larger(n) => self.raw(format!("LARGER {n}").as_bytes()),
            SearchKey::Smaller(n) => self.raw(format!("SMALLER {n}").as_bytes()),
            SearchKey::ModSeq(n) => self.raw(format!("MODSEQ {n}").as_bytes()),
            SearchKey::Older(n) => self.raw(format!("OLDER {n}").as_bytes()),
            SearchKey::Younger(n) => self.raw(format!("YOUNGER {n}").as_bytes()),
            SearchKey::Uid(set) => self.raw(format!("UID {set}").as_bytes()),
            SearchKey::SequenceSet(set) => self.raw(set.to_string().as_bytes()),
            SearchKey::Not(k) => {
                self.raw(b"NOT ");
                self.search_key(k, depth + 1);
            }
            SearchKey::Or(a, b) => {
                self.raw(b"OR ");
                self.search_key(a, depth + 1);
                self.raw(b" ");
                self.search_key(b, depth + 1);
            }
            SearchKey::And(keys) => {
                self.raw(b"(");
                if keys.is_empty() {
                    self.raw(b"ALL");
                }
                for (n, k) in keys.iter().enumerate() {
                    if n > 0 {
                        self.raw(b" ");
                    }
                    self.search_key(k, depth + 1);
                }
                self.raw(b")");
            }
        }
    }
}
