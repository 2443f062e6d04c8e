//! The waiting line in front of a stage: FIFO, or FIFO within priority classes.

use std::collections::VecDeque;

/// Consignment ids waiting for a server. With one class this is a plain FIFO; with several,
/// the lowest class number is served first and each class is FIFO.
#[derive(Debug, Clone, Default)]
pub struct ClassQueue {
    classes: Vec<VecDeque<u32>>,
    len: u32,
}

impl ClassQueue {
    /// A queue with `classes` priority classes (at least one).
    pub fn new(classes: usize) -> Self {
        Self {
            classes: (0..classes.max(1)).map(|_| VecDeque::new()).collect(),
            len: 0,
        }
    }

    /// Adds `id` at the back of its class (classes beyond the last share the last).
    #[inline]
    pub fn push(&mut self, id: u32, class: u8) {
        let c = usize::from(class).min(self.classes.len() - 1);
        self.classes[c].push_back(id);
        self.len += 1;
    }

    /// Takes the next consignment to serve.
    #[inline]
    pub fn pop(&mut self) -> Option<u32> {
        for q in &mut self.classes {
            if let Some(id) = q.pop_front() {
                self.len -= 1;
                return Some(id);
            }
        }
        None
    }

    /// The consignment `pop` would return, without taking it.
    #[inline]
    pub fn peek(&self) -> Option<u32> {
        self.classes.iter().find_map(|q| q.front().copied())
    }

    /// Consignments waiting.
    /// Takes `id` out of the line wherever it stands (a consignment that gives up waiting),
    /// keeping everyone else's order. Returns false when it was not waiting here.
    pub fn remove(&mut self, id: u32) -> bool {
        for q in &mut self.classes {
            if let Some(i) = q.iter().position(|&x| x == id) {
                q.remove(i);
                self.len -= 1;
                return true;
            }
        }
        false
    }

    #[inline]
    pub fn len(&self) -> u32 {
        self.len
    }

    /// True when nobody waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_within_class_and_priority_between() {
        let mut q = ClassQueue::new(2);
        q.push(1, 1);
        q.push(2, 0);
        q.push(3, 1);
        q.push(4, 0);
        q.push(5, 9);
        assert_eq!(q.len(), 5);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![2, 4, 1, 3, 5]);
        assert!(q.is_empty());
    }

    #[test]
    fn removing_a_waiting_consignment_keeps_the_others_in_order() {
        let mut q = ClassQueue::new(2);
        for (id, class) in [(1, 1), (2, 0), (3, 1), (4, 0)] {
            q.push(id, class);
        }
        assert!(q.remove(3));
        assert!(q.remove(2));
        assert!(!q.remove(2), "already gone");
        assert!(!q.remove(9), "never there");
        assert_eq!(q.len(), 2);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![4, 1]);
    }
}
