//! Log-bucketed histogram for streaming quantiles (p50, p90, p95, p99).

/// Smallest value with its own bucket; anything below (but above zero) shares the first one.
const LOW: f64 = 1e-3;
/// Relative width of a bucket: quantiles are exact to within half of this.
const GROWTH: f64 = 1.01;
/// Buckets cover LOW .. LOW * GROWTH^BUCKETS (about 10^7 minutes, 19 years).
const BUCKETS: usize = 2_315;

/// Quantiles in fixed memory with a bounded relative error (0.5 %), instead of storing every
/// vehicle's time. Exact zeros (no wait at all) are counted apart, so "half the trucks did
/// not wait" reads as a median of exactly 0.
#[derive(Debug, Clone, PartialEq)]
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
    #[inline]
    fn bucket(x: f64) -> usize {
        if x <= LOW {
            0
        } else {
            ((x / LOW).ln() / GROWTH.ln()) as usize
        }
        .min(BUCKETS - 1)
    }

    /// Adds one non-negative observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
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
                let mid = LOW * GROWTH.powf(i as f64 + 0.5);
                return Some(mid.clamp(self.min, self.max));
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
            assert!((got / exact - 1.0).abs() < 0.006, "q{q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(1.0), Some(10_000.0));
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
        h.clear();
        assert_eq!(h.quantile(0.5), None);
    }
}
