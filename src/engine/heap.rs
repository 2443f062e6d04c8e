//! The calendar's binary min-heap, written out so that its push and pop are always inlined
//! into the run loop. With the standard `BinaryHeap` the inliner gave up on `pop` as soon as
//! a second observer type instantiated the run loop (the event log's): the silent run then
//! paid a call and lost the loop's register allocation, +3.4 % instructions on M/M/4 by
//! callgrind. Keys are unique (the sequence number is part of them), so the order of pops,
//! and with it every result, is the same as with any other correct heap. Sifting indexes
//! without bounds checks where the loop condition already bounds the index: with the
//! checks, they were 8 % of the instructions of a horgos-2025 year (callgrind), whose
//! calendar holds about 700 pending driver returns.

/// A min-heap of `T` by `key`. `T: Copy` lets sifting move a hole instead of swapping.
#[derive(Debug, Clone)]
pub struct MinHeap<T> {
    v: Vec<T>,
}

/// What the heap orders by: smaller pops first.
pub trait Keyed: Copy {
    /// The ordering key; unique among the entries of one heap.
    fn key(&self) -> u128;
}

impl<T: Keyed> MinHeap<T> {
    /// A heap that holds `capacity` entries before it allocates.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            v: Vec::with_capacity(capacity),
        }
    }

    /// Entries held.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.v.len()
    }

    /// True when it holds nothing.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }

    /// The smallest entry.
    #[inline(always)]
    pub fn peek(&self) -> Option<&T> {
        self.v.first()
    }

    /// Adds `x`.
    #[inline(always)]
    pub fn push(&mut self, x: T) {
        self.v.push(x);
        self.sift_up(self.v.len() - 1, x);
    }

    /// Removes the smallest entry: the last entry fills the root's hole, which sinks to the
    /// bottom along the smaller children and then rises to its place (fewer comparisons than
    /// sifting down with a test at each level, as the standard heap also does).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<T> {
        let last = self.v.pop()?;
        let Some(&top) = self.v.first() else {
            return Some(last);
        };
        let v = self.v.as_mut_slice();
        let end = v.len();
        let mut pos = 0;
        let mut child = 1;
        while child + 1 < end {
            // SAFETY: `pos < child < child + 1 < end == v.len()`.
            unsafe {
                child += usize::from(v.get_unchecked(child + 1).key() < v.get_unchecked(child).key());
                *v.get_unchecked_mut(pos) = *v.get_unchecked(child);
            }
            pos = child;
            child = 2 * pos + 1;
        }
        if child == end - 1 {
            v[pos] = v[child];
            pos = child;
        }
        self.sift_up(pos, last);
        Some(top)
    }

    /// Puts `x` into the hole at `pos`, moving larger parents down.
    #[inline(always)]
    fn sift_up(&mut self, mut pos: usize, x: T) {
        let k = x.key();
        let v = self.v.as_mut_slice();
        assert!(pos < v.len());
        while pos > 0 {
            let parent = (pos - 1) / 2;
            // SAFETY: `parent < pos < v.len()` (checked above, and `pos` only decreases).
            unsafe {
                if k >= v.get_unchecked(parent).key() {
                    break;
                }
                *v.get_unchecked_mut(pos) = *v.get_unchecked(parent);
            }
            pos = parent;
        }
        v[pos] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for u64 {
        fn key(&self) -> u128 {
            u128::from(*self)
        }
    }

    #[test]
    fn pops_in_order_whatever_the_pushes() {
        // A fixed pseudo-random mix of pushes and pops against a sorted reference.
        let mut h = MinHeap::with_capacity(4);
        let mut reference: Vec<u64> = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(3) || h.is_empty() {
                let v = (x % 1000) * 100_000 + step; // unique
                h.push(v);
                reference.push(v);
            } else {
                reference.sort_unstable();
                assert_eq!(h.pop(), Some(reference.remove(0)));
            }
            assert_eq!(h.len(), reference.len());
        }
        reference.sort_unstable();
        let rest: Vec<u64> = std::iter::from_fn(|| h.pop()).collect();
        assert_eq!(rest, reference);
        assert_eq!(h.pop(), None);
    }
}
