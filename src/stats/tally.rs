//! Streaming mean, variance, minimum and maximum of observations (Welford).

/// Observation-based statistics kept in constant memory, so a year of vehicles costs the
/// same as a day of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Tally {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Folds another tally in (Chan et al.), for combining modes into a stage total.
    pub fn merge(&mut self, o: &Tally) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64) * (o.n as f64) / n as f64;
        self.n = n;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Appends the exact state as integers (for checkpoints that must resume bit for bit).
    pub fn encode(&self, out: &mut Vec<u64>) {
        out.extend([
            self.n,
            self.mean.to_bits(),
            self.m2.to_bits(),
            self.min.to_bits(),
            self.max.to_bits(),
        ]);
    }

    /// Reads back what [`Tally::encode`] wrote.
    pub fn decode(it: &mut impl Iterator<Item = u64>) -> Option<Self> {
        Some(Self {
            n: it.next()?,
            mean: f64::from_bits(it.next()?),
            m2: f64::from_bits(it.next()?),
            min: f64::from_bits(it.next()?),
            max: f64::from_bits(it.next()?),
        })
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sample mean; `None` with no observation, so reports show "no data" rather than 0.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// Sample variance (n - 1 denominator).
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1).then(|| self.m2 / (self.n - 1) as f64)
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Smallest observation.
    pub fn min(&self) -> Option<f64> {
        (self.n > 0).then_some(self.min)
    }

    /// Largest observation.
    pub fn max(&self) -> Option<f64> {
        (self.n > 0).then_some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_two_pass_and_merges() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut t = Tally::default();
        xs.iter().for_each(|&x| t.add(x));
        assert_eq!(t.mean(), Some(5.0));
        assert!((t.variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
        let (mut a, mut b) = (Tally::default(), Tally::default());
        xs[..3].iter().for_each(|&x| a.add(x));
        xs[3..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert!((a.mean().unwrap() - 5.0).abs() < 1e-12);
        assert!((a.variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
        assert_eq!((a.min(), a.max(), a.count()), (Some(2.0), Some(9.0), 8));
        assert_eq!(Tally::default().mean(), None);
    }
}
