//! Ordering helpers shared by the list and its conversations (a leaf: it imports neither).

use std::cmp::Ordering;

/// Sorts indices (stably) by `cmp`. Every sort of rows goes through this one instance of
/// the standard library's sort: each closure passed to `sort_by` directly would get a copy
/// of its own (about 3 KB of wasm each).
pub(crate) fn sort_indices(order: &mut [usize], mut cmp: impl FnMut(usize, usize) -> Ordering) {
    sort_indices_dyn(order, &mut cmp);
}

fn sort_indices_dyn(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// A subject without its `Re:`/`Fwd:`/`Aw:` prefixes, lower case.
pub(crate) fn subject_key(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let Some(prefix) = ["re:", "fwd:", "fw:", "aw:", "wg:", "tr:"]
            .iter()
            .find(|p| lower.starts_with(*p))
        else {
            break;
        };
        s = s[prefix.len()..].trim_start();
    }
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_prefixes_do_not_count() {
        assert_eq!(subject_key("Re: Fwd: AW:  Lunch"), "lunch");
        assert_eq!(subject_key("Reply"), "reply");
    }

    #[test]
    fn the_sort_is_stable() {
        let keys = [2, 1, 2, 1];
        let mut order = vec![0, 1, 2, 3];
        sort_indices(&mut order, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(order, vec![1, 3, 0, 2]);
    }
}
