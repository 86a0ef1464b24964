//! [`MailboxModel`]: what a client knows of one mailbox — the UID of every message by
//! position and each message's flags — kept right from untagged data while other clients
//! change the mailbox (sequence numbers shift on every expunge), and resynchronised on
//! reopening (QRESYNC, else CONDSTORE, else a full flag comparison).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use webimap_proto::types::{core::Flag, fetch::FetchItem, mailbox::MailboxName, response::Data};

/// Largest set expanded from a VANISHED response.
const MAX_VANISHED: usize = 10_000_000;

/// A change to the mailbox, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MailboxEvent {
    /// New messages arrived; their UIDs, if known yet (else fetch the newest `count`).
    NewMessages {
        /// How many.
        count: u32,
        /// Their UIDs, where known.
        uids: Vec<u32>,
    },
    /// Messages were removed (by any client).
    Removed {
        /// Their UIDs.
        uids: Vec<u32>,
    },
    /// A message's flags changed.
    FlagsChanged {
        /// Which message.
        uid: u32,
        /// Its flags now, in wire form (`\\Seen`, `$Forwarded`).
        flags: Vec<String>,
    },
    /// The mailbox was replaced (UIDVALIDITY changed): everything known is void.
    Reset,
}

/// UIDs by position and flags by UID, for one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxModel {
    /// The mailbox.
    pub name: MailboxName,
    /// UIDVALIDITY the UIDs belong to (`None`: the server sent none, so the UIDs are good
    /// for this session only and the model never validates a later one).
    pub uid_validity: Option<u32>,
    /// HIGHESTMODSEQ when last synchronised (CONDSTORE), for the next resync.
    pub highest_modseq: Option<u64>,
    /// UID of message `n` at index `n - 1`.
    uids: Vec<u32>,
    /// Messages announced by EXISTS whose UIDs are not known yet (after `uids`).
    unknown_tail: u32,
    flags: BTreeMap<u32, Vec<Flag>>,
}

impl MailboxModel {
    /// An empty model for a mailbox.
    pub fn new(name: MailboxName, uid_validity: Option<u32>) -> Self {
        Self {
            name,
            uid_validity,
            ..Default::default()
        }
    }

    /// UIDs in mailbox order.
    pub fn uids(&self) -> &[u32] {
        &self.uids
    }

    /// Number of messages (known and announced).
    pub fn len(&self) -> usize {
        self.uids.len() + self.unknown_tail as usize
    }

    /// Whether the mailbox is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A message's flags.
    pub fn flags(&self, uid: u32) -> Option<&[Flag]> {
        self.flags.get(&uid).map(Vec::as_slice)
    }

    /// Messages whose UIDs are not known yet (fetch `len - unknown + 1 : *` by sequence).
    pub fn unknown_tail(&self) -> u32 {
        self.unknown_tail
    }

    /// Replaces the UID list (from `UID SEARCH ALL`, ascending = mailbox order); returns
    /// the UIDs that disappeared and those that are new.
    pub(crate) fn set_uids(&mut self, uids: Vec<u32>) -> (Vec<u32>, Vec<u32>) {
        let old: std::collections::BTreeSet<u32> = self.uids.iter().copied().collect();
        let new: std::collections::BTreeSet<u32> = uids.iter().copied().collect();
        let removed: Vec<u32> = old.difference(&new).copied().collect();
        let added: Vec<u32> = new.difference(&old).copied().collect();
        for uid in &removed {
            self.flags.remove(uid);
        }
        self.uids = uids;
        self.unknown_tail = 0;
        (removed, added)
    }

    /// Records a message's flags (from a FETCH); returns whether they changed.
    pub(crate) fn set_flags(&mut self, uid: u32, mut flags: Vec<Flag>) -> bool {
        // \Recent belongs to a session, not to the message (and is gone in IMAP4rev2).
        flags.retain(|f| *f != Flag::Recent);
        let changed = self.flags.get(&uid) != Some(&flags);
        self.flags.insert(uid, flags);
        changed
    }

    /// Applies one piece of untagged data; returns what changed for the user.
    pub fn apply(&mut self, data: &Data) -> Vec<MailboxEvent> {
        match data {
            Data::Exists(n) => {
                let known = self.len() as u64;
                let n = u64::from(*n);
                if n > known {
                    let count = u32::try_from(n - known).unwrap_or(u32::MAX);
                    self.unknown_tail = self.unknown_tail.saturating_add(count);
                    return vec![MailboxEvent::NewMessages {
                        count,
                        uids: Vec::new(),
                    }];
                }
                Vec::new()
            }
            Data::Expunge(seq) => {
                let index = (*seq as usize).saturating_sub(1);
                if *seq == 0 {
                    return Vec::new();
                }
                if index < self.uids.len() {
                    let uid = self.uids.remove(index);
                    self.flags.remove(&uid);
                    vec![MailboxEvent::Removed { uids: vec![uid] }]
                } else {
                    self.unknown_tail = self.unknown_tail.saturating_sub(1);
                    Vec::new()
                }
            }
            Data::Vanished { uids, .. } => {
                let Some(gone) = uids.to_numbers(u32::MAX, MAX_VANISHED) else {
                    return Vec::new();
                };
                let gone: std::collections::BTreeSet<u32> = gone.into_iter().collect();
                let before = self.uids.len();
                let mut removed = Vec::new();
                self.uids.retain(|u| {
                    let keep = !gone.contains(u);
                    if !keep {
                        removed.push(*u);
                    }
                    keep
                });
                for uid in &removed {
                    self.flags.remove(uid);
                }
                if removed.is_empty() || before == self.uids.len() {
                    return Vec::new();
                }
                vec![MailboxEvent::Removed { uids: removed }]
            }
            Data::Fetch { seq, items } => self.apply_fetch(*seq, items),
            _ => Vec::new(),
        }
    }

    fn apply_fetch(&mut self, seq: u32, items: &[FetchItem]) -> Vec<MailboxEvent> {
        let index = (seq as usize).saturating_sub(1);
        if seq == 0 {
            return Vec::new();
        }
        let uid = items.iter().find_map(|i| match i {
            FetchItem::Uid(u) => Some(*u),
            _ => None,
        });
        let mut events = Vec::new();
        let uid = match uid {
            Some(uid) if index == self.uids.len() && self.unknown_tail > 0 => {
                // The first unknown message: learn its UID.
                self.uids.push(uid);
                self.unknown_tail -= 1;
                events.push(MailboxEvent::NewMessages {
                    count: 1,
                    uids: vec![uid],
                });
                uid
            }
            Some(uid) => uid,
            None => match self.uids.get(index) {
                Some(uid) => *uid,
                None => return events,
            },
        };
        if let Some(flags) = items.iter().find_map(|i| match i {
            FetchItem::Flags(f) => Some(f.clone()),
            _ => None,
        }) {
            let known_before = self.flags.contains_key(&uid);
            if self.set_flags(uid, flags) && known_before {
                events.push(flags_changed(uid, self.flags(uid).unwrap_or_default()));
            }
        }
        if let Some(m) = items.iter().find_map(|i| match i {
            FetchItem::ModSeq(m) => Some(*m),
            _ => None,
        }) {
            self.highest_modseq = Some(self.highest_modseq.map_or(m, |h| h.max(m)));
        }
        events
    }
}

/// The event for a message's new flags.
pub(crate) fn flags_changed(uid: u32, flags: &[Flag]) -> MailboxEvent {
    MailboxEvent::FlagsChanged {
        uid,
        flags: flags.iter().map(|f| f.to_wire().into_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use webimap_proto::types::sequence::SequenceSet;

    use super::*;

    fn model(uids: &[u32]) -> MailboxModel {
        let mut m = MailboxModel::new(MailboxName::inbox(), Some(1));
        m.set_uids(uids.to_vec());
        for &u in uids {
            m.set_flags(u, Vec::new());
        }
        m
    }

    fn fetch(seq: u32, items: Vec<FetchItem>) -> Data {
        Data::Fetch { seq, items }
    }

    #[test]
    fn expunge_shifts_sequence_numbers() {
        let mut m = model(&[10, 11, 12, 13]);
        assert_eq!(
            m.apply(&Data::Expunge(2)),
            vec![MailboxEvent::Removed { uids: vec![11] }]
        );
        // Message 2 is now UID 12.
        assert_eq!(
            m.apply(&Data::Expunge(2)),
            vec![MailboxEvent::Removed { uids: vec![12] }]
        );
        assert_eq!(m.uids(), &[10, 13]);
        let events = m.apply(&fetch(2, vec![FetchItem::Flags(vec![Flag::Seen])]));
        assert_eq!(
            events,
            vec![MailboxEvent::FlagsChanged {
                uid: 13,
                flags: vec!["\\Seen".into()]
            }]
        );
    }

    #[test]
    fn exists_then_fetch_learns_new_uids() {
        let mut m = model(&[1, 2]);
        assert_eq!(
            m.apply(&Data::Exists(4)),
            vec![MailboxEvent::NewMessages {
                count: 2,
                uids: vec![]
            }]
        );
        assert_eq!((m.len(), m.unknown_tail()), (4, 2));
        assert_eq!(
            m.apply(&Data::Exists(4)),
            vec![],
            "repeated EXISTS is no news"
        );
        let e = m.apply(&fetch(3, vec![FetchItem::Uid(7), FetchItem::Flags(vec![])]));
        assert_eq!(
            e,
            vec![MailboxEvent::NewMessages {
                count: 1,
                uids: vec![7]
            }]
        );
        m.apply(&fetch(4, vec![FetchItem::Uid(9)]));
        assert_eq!((m.uids(), m.unknown_tail()), (&[1, 2, 7, 9][..], 0));
    }

    #[test]
    fn vanished_removes_by_uid() {
        let mut m = model(&[5, 6, 7, 8]);
        let gone = SequenceSet::from_numbers([6, 8, 100]).unwrap();
        assert_eq!(
            m.apply(&Data::Vanished {
                earlier: false,
                uids: gone
            }),
            vec![MailboxEvent::Removed { uids: vec![6, 8] }]
        );
        assert_eq!(m.uids(), &[5, 7]);
        assert_eq!(m.flags(6), None);
    }

    #[test]
    fn hostile_data_cannot_panic() {
        let mut m = model(&[1]);
        m.apply(&Data::Expunge(0));
        m.apply(&Data::Expunge(u32::MAX));
        m.apply(&fetch(0, vec![FetchItem::Flags(vec![])]));
        m.apply(&fetch(u32::MAX, vec![FetchItem::Flags(vec![])]));
        m.apply(&Data::Exists(u32::MAX));
        m.apply(&Data::Vanished {
            earlier: false,
            uids: SequenceSet::all(),
        });
        assert!(!m.is_empty());
    }
}
