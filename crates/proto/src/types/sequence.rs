//! Sequence sets (`1:5,7,9:*`) of message sequence numbers or UIDs.

use std::{fmt, num::NonZeroU32};

use crate::error::ValidationError;

/// One end of a range: a number, or `*` (the largest number in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqBound {
    /// A message number or UID.
    Value(NonZeroU32),
    /// `*`
    Last,
}

/// A non-empty list of ranges; encodes compactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SequenceSet(Vec<(SeqBound, SeqBound)>);

impl SequenceSet {
    /// `1:*`: every message.
    pub fn all() -> Self {
        Self(vec![(SeqBound::Value(NonZeroU32::MIN), SeqBound::Last)])
    }

    /// `n:*`.
    pub fn from_onwards(start: u32) -> Result<Self, ValidationError> {
        let start = NonZeroU32::new(start).ok_or(ValidationError::SequenceSet)?;
        Ok(Self(vec![(SeqBound::Value(start), SeqBound::Last)]))
    }

    /// `a:b` (in either order).
    pub fn range(a: u32, b: u32) -> Result<Self, ValidationError> {
        let a = NonZeroU32::new(a).ok_or(ValidationError::SequenceSet)?;
        let b = NonZeroU32::new(b).ok_or(ValidationError::SequenceSet)?;
        Ok(Self(vec![(SeqBound::Value(a), SeqBound::Value(b))]))
    }

    /// The compact set of the given numbers: sorted, deduplicated, runs merged.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u32>) -> Result<Self, ValidationError> {
        let mut v: Vec<u32> = numbers.into_iter().collect();
        if v.contains(&0) {
            return Err(ValidationError::SequenceSet);
        }
        v.sort_unstable();
        v.dedup();
        let mut ranges: Vec<(SeqBound, SeqBound)> = Vec::new();
        let mut iter = v.into_iter();
        let Some(first) = iter.next() else {
            return Err(ValidationError::SequenceSet);
        };
        let (mut start, mut end) = (first, first);
        let push = |ranges: &mut Vec<_>, s: u32, e: u32| {
            // s and e are non-zero: zero was rejected above.
            if let (Some(s), Some(e)) = (NonZeroU32::new(s), NonZeroU32::new(e)) {
                ranges.push((SeqBound::Value(s), SeqBound::Value(e)));
            }
        };
        for n in iter {
            if n == end + 1 {
                end = n;
            } else {
                push(&mut ranges, start, end);
                (start, end) = (n, n);
            }
        }
        push(&mut ranges, start, end);
        Ok(Self(ranges))
    }

    /// The ranges.
    pub fn ranges(&self) -> &[(SeqBound, SeqBound)] {
        &self.0
    }

    pub(crate) fn from_ranges(ranges: Vec<(SeqBound, SeqBound)>) -> Option<Self> {
        (!ranges.is_empty()).then_some(Self(ranges))
    }

    /// The numbers in the set, with `*` taken as `largest`; `None` if more than `limit`.
    pub fn to_numbers(&self, largest: u32, limit: usize) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            let v = |x: SeqBound| match x {
                SeqBound::Value(n) => n.get(),
                SeqBound::Last => largest,
            };
            let (lo, hi) = (v(a).min(v(b)), v(a).max(v(b)));
            if out.len() + (hi - lo) as usize >= limit {
                return None;
            }
            out.extend(lo..=hi);
        }
        Some(out)
    }
}

impl fmt::Display for SequenceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = |f: &mut fmt::Formatter<'_>, b: SeqBound| match b {
            SeqBound::Value(n) => write!(f, "{n}"),
            SeqBound::Last => f.write_str("*"),
        };
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            bound(f, a)?;
            if a != b {
                f.write_str(":")?;
                bound(f, b)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_encoding() {
        let s = SequenceSet::from_numbers([9, 1, 2, 3, 4, 5, 7, 10, 11, 5]).unwrap();
        assert_eq!(s.to_string(), "1:5,7,9:11");
        assert_eq!(SequenceSet::all().to_string(), "1:*");
        assert_eq!(SequenceSet::range(4, 4).unwrap().to_string(), "4");
        assert!(SequenceSet::from_numbers([]).is_err());
        assert!(SequenceSet::from_numbers([0, 1]).is_err());
    }

    #[test]
    fn expands_with_a_limit() {
        let s = SequenceSet::from_onwards(3).unwrap();
        assert_eq!(s.to_numbers(5, 100), Some(vec![3, 4, 5]));
        assert_eq!(SequenceSet::all().to_numbers(1_000_000, 10), None);
    }
}
