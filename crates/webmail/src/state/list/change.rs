//! Changes to the rows of the list: the user's (shown at once, before the server confirms,
//! and taken back if it refuses) and other clients' (arriving while the folder is watched).

use webimap_client::model::MessageSummary;

/// A flag the user switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// `\Seen` (read).
    Seen,
    /// `\Flagged`.
    Flagged,
}

impl Mark {
    /// Sets or clears this flag on `summary`.
    pub(crate) fn apply(self, summary: &mut MessageSummary, on: bool) {
        match self {
            Mark::Seen => summary.seen = on,
            Mark::Flagged => summary.flagged = on,
        }
    }
}

/// A change the user makes, shown before the server confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// A flag set or cleared.
    Flag {
        /// The messages.
        uids: Vec<u32>,
        /// Which flag.
        mark: Mark,
        /// Set or cleared.
        on: bool,
    },
    /// Messages leave the folder (moved or deleted).
    Remove(Vec<u32>),
}

impl Change {
    /// The messages it touches.
    pub(crate) fn uids(&self) -> &[u32] {
        match self {
            Change::Flag { uids, .. } | Change::Remove(uids) => uids,
        }
    }
}

/// A change another client (or the server) made to the folder shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LiveChange {
    /// New messages.
    Added(Vec<MessageSummary>),
    /// Removed messages.
    Removed(Vec<u32>),
    /// A message's flags.
    Flags {
        /// The message.
        uid: u32,
        /// `\Seen`
        seen: bool,
        /// `\Flagged`
        flagged: bool,
        /// `\Answered`
        answered: bool,
    },
}

/// LiveChange flags from wire flags (`\Seen`, …).
pub(crate) fn flags_change(uid: u32, flags: &[String]) -> LiveChange {
    let has = |name: &str| flags.iter().any(|f| f.eq_ignore_ascii_case(name));
    LiveChange::Flags {
        uid,
        seen: has("\\Seen"),
        flagged: has("\\Flagged"),
        answered: has("\\Answered"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_flags_are_read_without_regard_to_case() {
        assert_eq!(
            flags_change(4, &["\\SEEN".into(), "$Junk".into()]),
            LiveChange::Flags {
                uid: 4,
                seen: true,
                flagged: false,
                answered: false
            }
        );
    }
}
