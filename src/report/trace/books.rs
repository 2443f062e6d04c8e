//! The numbers an event log gives lanes and drivers. The model counts busy lanes and free
//! drivers without naming them (they are interchangeable); the log names them so that a
//! reader can follow one lane or one driver: a clearance takes the lowest-numbered free
//! lane, a car the lowest-numbered free driver, and a driver is free again when the
//! model's next return of that pool comes (the one due first).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Numbers 1, 2, ... handed out lowest free first: a bit per number issued (set while
/// free), and the first word that may hold a free one, so a take is a scan of a word or
/// two and a bit trick (callgrind, horgos-2025: a heap of free numbers cost about 12
/// instructions a row).
#[derive(Debug, Clone, Default)]
pub struct Numbers {
    /// Bit `n - 1` is set while number `n` is free.
    free: Vec<u64>,
    /// No word before this one has a free number.
    first: usize,
    issued: u32,
}

impl Numbers {
    /// The lowest free number.
    pub fn take(&mut self) -> u32 {
        while let Some(&word) = self.free.get(self.first) {
            if word != 0 {
                let bit = word.trailing_zeros();
                self.free[self.first] &= word - 1;
                return self.first as u32 * 64 + bit + 1;
            }
            self.first += 1;
        }
        self.issued += 1;
        self.issued
    }

    /// `n` is free again (0, "none", is ignored).
    pub fn give(&mut self, n: u32) {
        if n == 0 {
            return;
        }
        let (word, bit) = ((n - 1) as usize / 64, (n - 1) % 64);
        if word >= self.free.len() {
            self.free.resize(word + 1, 0);
        }
        self.free[word] |= 1 << bit;
        self.first = self.first.min(word);
    }
}

/// A pool's drivers: those free, and those away with the time each is due back.
#[derive(Debug, Clone, Default)]
pub struct Drivers {
    numbers: Numbers,
    /// (due back as ordered bits, driver); times are 0 or more, so their bits order them.
    away: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Drivers {
    /// A car takes the lowest-numbered free driver.
    pub fn take(&mut self) -> u32 {
        self.numbers.take()
    }

    /// Driver `n` left with a car and is due back at `back`.
    pub fn away(&mut self, n: u32, back: f64) {
        if n != 0 {
            self.away.push(Reverse((back.max(0.0).to_bits(), n)));
        }
    }

    /// The model freed a driver: the one due back first.
    pub fn back(&mut self) {
        if let Some(Reverse((_, n))) = self.away.pop() {
            self.numbers.give(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_reused_lowest_first() {
        let mut n = Numbers::default();
        assert_eq!((n.take(), n.take(), n.take()), (1, 2, 3));
        n.give(2);
        n.give(1);
        assert_eq!((n.take(), n.take(), n.take()), (1, 2, 4));
        n.give(0);
        assert_eq!(n.take(), 5);
    }

    #[test]
    fn many_numbers_across_words_come_back_lowest_first() {
        let mut n = Numbers::default();
        let all: Vec<u32> = (0..300).map(|_| n.take()).collect();
        assert_eq!(all, (1..=300).collect::<Vec<_>>());
        for k in [250, 7, 130, 64, 65, 1, 300] {
            n.give(k);
        }
        let back: Vec<u32> = (0..8).map(|_| n.take()).collect();
        assert_eq!(back, [1, 7, 64, 65, 130, 250, 300, 301]);
    }

    #[test]
    fn the_driver_due_first_comes_back_first() {
        let mut d = Drivers::default();
        let (a, b) = (d.take(), d.take());
        d.away(a, 50.0);
        d.away(b, 20.0);
        d.back();
        assert_eq!(d.take(), b);
        d.back();
        assert_eq!(d.take(), a);
        assert_eq!(d.take(), 3);
    }
}
