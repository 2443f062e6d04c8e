//! Log-bucketed histogram for streaming quantiles (p50, p90, p95, p99).

/// Sub-buckets per power of two: each bucket is at most 1/128 (0.8 %) wide, so a quantile
/// read at a bucket's middle is within 0.4 % of the truth.
const SUB_BITS: u32 = 7;
/// Smallest power of two with its own buckets: 2^-10 minutes (0.06 s).
const MIN_EXP: i32 = -10;
/// Powers of two covered: up to 2^24 minutes (32 years).
const EXPONENTS: i32 = 34;
const BUCKETS: usize = (EXPONENTS as usize) << SUB_BITS;

/// Quantiles in fixed memory with a bounded relative error (0.4 %), instead of storing every
/// vehicle's time. Exact zeros (no wait at all) are counted apart, so "half the trucks did
/// not wait" reads as a median of exactly 0.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Histogram {
    zeros: u64,
    counts: Vec<u32>,
    n: u64,
    min: f64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            zeros: 0,
            counts: vec![0; BUCKETS],
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Histogram {
    /// The bucket of a positive value, read straight from its IEEE-754 bits (exponent and
    /// the top mantissa bits): no logarithm in the event loop.
    #[inline]
    fn bucket(x: f64) -> usize {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023 - MIN_EXP;
        if exp < 0 {
            return 0;
        }
        if exp >= EXPONENTS {
            return BUCKETS - 1;
        }
        let sub = (bits >> (52 - SUB_BITS)) as usize & ((1 << SUB_BITS) - 1);
        ((exp as usize) << SUB_BITS) | sub
    }

    /// The geometric middle of bucket `i`.
    fn middle(i: usize) -> f64 {
        let exp = (i >> SUB_BITS) as i32 + MIN_EXP;
        let sub = (i & ((1 << SUB_BITS) - 1)) as f64;
        let width = f64::from(1u32 << SUB_BITS);
        2f64.powi(exp) * ((1.0 + sub / width) * (1.0 + (sub + 1.0) / width)).sqrt()
    }

    /// Adds one non-negative observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        // As in `Tally::add`: comparisons, the same for the values a histogram is given.
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        if x <= 0.0 {
            self.zeros += 1;
        } else {
            let b = Self::bucket(x);
            self.counts[b] = self.counts[b].saturating_add(1);
        }
    }

    /// Folds another histogram in.
    pub fn merge(&mut self, o: &Histogram) {
        self.zeros += o.zeros;
        self.n += o.n;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a = a.saturating_add(*b);
        }
    }

    /// Forgets every observation (warm-up deletion) without reallocating.
    pub fn clear(&mut self) {
        self.zeros = 0;
        self.n = 0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
        self.counts.iter_mut().for_each(|c| *c = 0);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Checks that a histogram read back from a checkpoint is one that
    /// [`Histogram::add`] and [`Histogram::merge`] can produce: the full set of buckets,
    /// counts that add up (a bucket that saturated may hold fewer) and a finite range.
    /// Returns what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.counts.len() != BUCKETS {
            return Err(format!(
                "a histogram has {} buckets instead of {BUCKETS}",
                self.counts.len()
            ));
        }
        let sum = self.zeros as u128 + self.counts.iter().map(|&c| u128::from(c)).sum::<u128>();
        let saturated = self.counts.contains(&u32::MAX);
        if sum > u128::from(self.n) || (!saturated && sum != u128::from(self.n)) {
            return Err(format!(
                "a histogram's buckets hold {sum} observations but it counts {}",
                self.n
            ));
        }
        if self.n == 0 {
            if self.min != f64::INFINITY || self.max != f64::NEG_INFINITY {
                return Err("an empty histogram has a range".into());
            }
        } else if !(self.min.is_finite() && self.max.is_finite() && self.min <= self.max) {
            return Err("a histogram's range is not finite or is reversed".into());
        }
        Ok(())
    }

    /// Observations that were exactly zero.
    pub fn zeros(&self) -> u64 {
        self.zeros
    }

    /// The non-empty buckets as (lower bound, upper bound, count), in increasing order:
    /// enough to draw the distribution or its CDF.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let width = f64::from(1u32 << SUB_BITS);
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, &c)| {
                let exp = (i >> SUB_BITS) as i32 + MIN_EXP;
                let sub = (i & ((1 << SUB_BITS) - 1)) as f64;
                let base = 2f64.powi(exp);
                let (lo, hi) = (base * (1.0 + sub / width), base * (1.0 + (sub + 1.0) / width));
                let lo = if i == 0 { 0.0 } else { lo };
                (lo.max(self.min).min(hi), hi.min(self.max).max(lo), u64::from(c))
            })
    }

    /// The q-quantile (0 < q <= 1), nearest-rank, as the geometric middle of its bucket,
    /// clamped to the observed range.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let rank = ((q * self.n as f64).ceil() as u64).clamp(1, self.n);
        if rank <= self.zeros {
            return Some(0.0);
        }
        if rank == self.n {
            return Some(self.max);
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return Some(Self::middle(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_half_a_percent() {
        let mut h = Histogram::default();
        for i in 1..=10_000 {
            h.add(i as f64);
        }
        for (q, exact) in [(0.5, 5000.0), (0.9, 9000.0), (0.95, 9500.0), (0.99, 9900.0)] {
            let got = h.quantile(q).unwrap();
            assert!((got / exact - 1.0).abs() < 0.004, "q{q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(1.0), Some(10_000.0));
    }

    #[test]
    fn every_bucket_holds_its_own_values() {
        for x in [0.0005, 0.001, 0.37, 1.0, 3.6, 59.99, 360.0, 1e6, 1e9] {
            let i = Histogram::bucket(x);
            let mid = Histogram::middle(i);
            if (0.002..1e7).contains(&x) {
                assert!((mid / x - 1.0).abs() < 0.004, "{x}: bucket {i} middle {mid}");
            }
        }
        assert_eq!(Histogram::bucket(1e-9), 0);
        assert_eq!(Histogram::bucket(1e12), BUCKETS - 1);
    }

    #[test]
    fn zeros_are_exact() {
        let mut h = Histogram::default();
        for _ in 0..6 {
            h.add(0.0);
        }
        for _ in 0..4 {
            h.add(3.0);
        }
        assert_eq!(h.quantile(0.5), Some(0.0));
        assert!((h.quantile(0.9).unwrap() / 3.0 - 1.0).abs() < 0.005);
        assert!(h.validate().is_ok());
        let mut bad = h.clone();
        bad.n += 1;
        assert!(bad.validate().is_err());
        let mut bad = h.clone();
        bad.max = f64::INFINITY;
        assert!(bad.validate().is_err());
        let mut bad = h.clone();
        bad.counts.pop();
        assert!(bad.validate().is_err());
        h.clear();
        assert_eq!(h.quantile(0.5), None);
        assert!(h.validate().is_ok());
    }
}
