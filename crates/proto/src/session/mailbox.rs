//! The selected mailbox's state, kept right from untagged data and response codes.

use crate::types::{
    core::Flag,
    mailbox::MailboxName,
    response::{Code, Data},
};

/// What is known of the selected (or being selected) mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedMailbox {
    /// Its name.
    pub name: MailboxName,
    /// Opened with EXAMINE, or the server said READ-ONLY.
    pub read_only: bool,
    /// Number of messages (EXISTS, adjusted by EXPUNGE).
    pub exists: u32,
    /// RECENT (IMAP4rev1).
    pub recent: u32,
    /// Flags defined in the mailbox.
    pub flags: Vec<Flag>,
    /// Flags the client can change permanently.
    pub permanent_flags: Vec<Flag>,
    /// UIDVALIDITY.
    pub uid_validity: Option<u32>,
    /// UIDNEXT (the next UID to be assigned, as last reported).
    pub uid_next: Option<u32>,
    /// First unseen message number (IMAP4rev1 UNSEEN code).
    pub unseen: Option<u32>,
    /// HIGHESTMODSEQ (CONDSTORE); `None` also after NOMODSEQ.
    pub highest_modseq: Option<u64>,
}

impl SelectedMailbox {
    pub(crate) fn new(name: MailboxName, read_only: bool) -> Self {
        Self {
            name,
            read_only,
            exists: 0,
            recent: 0,
            flags: Vec::new(),
            permanent_flags: Vec::new(),
            uid_validity: None,
            uid_next: None,
            unseen: None,
            highest_modseq: None,
        }
    }

    pub(crate) fn apply_data(&mut self, data: &Data) {
        match data {
            Data::Exists(n) => self.exists = *n,
            Data::Recent(n) => self.recent = *n,
            Data::Expunge(_) => self.exists = self.exists.saturating_sub(1),
            // QRESYNC: a live VANISHED removes messages like EXPUNGE; (EARLIER) reports
            // what was gone before and changes nothing now.
            Data::Vanished {
                earlier: false,
                uids,
            } => {
                let gone = uids
                    .to_numbers(u32::MAX, self.exists as usize + 1)
                    .map_or(self.exists, |v| u32::try_from(v.len()).unwrap_or(u32::MAX));
                self.exists = self.exists.saturating_sub(gone);
            }
            Data::Flags(f) => self.flags = f.clone(),
            _ => {}
        }
    }

    pub(crate) fn apply_code(&mut self, code: &Code) {
        match code {
            Code::PermanentFlags(f) => self.permanent_flags = f.clone(),
            Code::UidValidity(v) => self.uid_validity = Some(*v),
            Code::UidNext(v) => self.uid_next = Some(*v),
            Code::Unseen(v) => self.unseen = Some(*v),
            Code::HighestModSeq(v) => self.highest_modseq = Some(*v),
            Code::NoModSeq => self.highest_modseq = None,
            Code::ReadOnly => self.read_only = true,
            Code::ReadWrite => self.read_only = false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expunge_renumbers_exists() {
        let mut m = SelectedMailbox::new(MailboxName::inbox(), false);
        m.apply_data(&Data::Exists(10));
        m.apply_data(&Data::Expunge(3));
        m.apply_data(&Data::Expunge(3));
        assert_eq!(m.exists, 8);
        m.apply_code(&Code::UidValidity(42));
        m.apply_code(&Code::ReadOnly);
        assert_eq!((m.uid_validity, m.read_only), (Some(42), true));
    }

    #[test]
    fn vanished_counts_only_when_live() {
        use crate::types::sequence::SequenceSet;
        let mut m = SelectedMailbox::new(MailboxName::inbox(), false);
        m.apply_data(&Data::Exists(10));
        let uids = SequenceSet::from_numbers([3, 4, 9]).unwrap();
        m.apply_data(&Data::Vanished {
            earlier: true,
            uids: uids.clone(),
        });
        assert_eq!(m.exists, 10);
        m.apply_data(&Data::Vanished {
            earlier: false,
            uids,
        });
        assert_eq!(m.exists, 7);
        m.apply_data(&Data::Vanished {
            earlier: false,
            uids: SequenceSet::all(),
        });
        assert_eq!(m.exists, 0, "a hostile huge set cannot underflow");
    }
}
