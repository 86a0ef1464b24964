//! Which rows of the list are selected, and the keyboard cursor.

use std::collections::BTreeSet;

/// Which rows are selected, where a shift-click range starts, and the keyboard cursor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Selection {
    /// Selected UIDs.
    pub(crate) uids: BTreeSet<u32>,
    /// Where a range starts (the last plain or ctrl click).
    pub(crate) anchor: Option<u32>,
    /// The row the keyboard is on.
    pub(crate) cursor: Option<u32>,
}

/// How a row was clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ClickMods {
    /// Shift: select a range from the anchor.
    pub(crate) range: bool,
    /// Ctrl or Cmd: add or remove one row.
    pub(crate) toggle: bool,
}

impl Selection {
    /// Only `uid`.
    pub(crate) fn single(uid: u32) -> Self {
        Selection {
            uids: BTreeSet::from([uid]),
            anchor: Some(uid),
            cursor: Some(uid),
        }
    }

    /// Applies a click on `uid`; `order` is the visible UIDs, top to bottom.
    pub(crate) fn click(&mut self, uid: u32, mods: ClickMods, order: &[u32]) {
        if mods.range {
            let anchor = self.anchor.unwrap_or(uid);
            let pos = |u| order.iter().position(|&x| x == u);
            if let (Some(a), Some(b)) = (pos(anchor), pos(uid)) {
                let (lo, hi) = (a.min(b), a.max(b));
                if !mods.toggle {
                    self.uids.clear();
                }
                self.uids.extend(&order[lo..=hi]);
                self.anchor = Some(anchor);
                self.cursor = Some(uid);
                return;
            }
        }
        if mods.toggle {
            if !self.uids.remove(&uid) {
                self.uids.insert(uid);
            }
            self.anchor = Some(uid);
            self.cursor = Some(uid);
            return;
        }
        *self = Selection::single(uid);
    }

    /// Keeps only UIDs still shown.
    pub(crate) fn retain(&mut self, order: &[u32]) {
        let shown: BTreeSet<u32> = order.iter().copied().collect();
        self.uids.retain(|u| shown.contains(u));
        if self.anchor.is_some_and(|a| !shown.contains(&a)) {
            self.anchor = None;
        }
        if self.cursor.is_some_and(|c| !shown.contains(&c)) {
            self.cursor = None;
        }
    }
}

/// The UID `delta` rows away from `from` in `order` (clamped), or the first row.
pub(crate) fn step(order: &[u32], from: Option<u32>, delta: isize) -> Option<u32> {
    let Some(pos) = from.and_then(|u| order.iter().position(|&x| x == u)) else {
        return order.first().copied();
    };
    let next = pos
        .saturating_add_signed(delta)
        .min(order.len().saturating_sub(1));
    order.get(next).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_select() {
        let order = [5, 4, 3, 2, 1];
        let mut s = Selection::default();
        s.click(4, ClickMods::default(), &order);
        assert_eq!(s.uids, BTreeSet::from([4]));
        s.click(
            2,
            ClickMods {
                range: true,
                toggle: false,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 3, 2]));
        assert_eq!(s.cursor, Some(2));
        s.click(
            3,
            ClickMods {
                range: false,
                toggle: true,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 2]));
        s.click(
            1,
            ClickMods {
                range: false,
                toggle: true,
            },
            &order,
        );
        assert_eq!(s.uids, BTreeSet::from([4, 2, 1]));
        s.click(5, ClickMods::default(), &order);
        assert_eq!(s, Selection::single(5));
        s.retain(&[4, 3]);
        assert!(s.uids.is_empty() && s.cursor.is_none());
    }

    #[test]
    fn steps_clamp() {
        let order = [5, 4, 3];
        assert_eq!(step(&order, None, 1), Some(5));
        assert_eq!(step(&order, Some(5), 1), Some(4));
        assert_eq!(step(&order, Some(3), 1), Some(3));
        assert_eq!(step(&order, Some(5), -1), Some(5));
        assert_eq!(step(&[], None, 1), None);
    }
}
