//! Streaming mean, variance, minimum and maximum of observations (Welford).

/// Observation-based statistics kept in constant memory, so a year of vehicles costs the
/// same as a day of them.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
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
        // Through i64: one conversion instruction instead of the unsigned sequence, and
        // the same value (a count stays far below 2^63).
        self.mean += d / self.n as i64 as f64;
        self.m2 += d * (x - self.mean);
        // Comparisons rather than `f64::min`/`max`: the same for the finite values a
        // tally is given, without the NaN handling (callgrind: about 8 instructions an add).
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
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

    /// Checks that a tally read back from a checkpoint is one that [`Tally::add`] can
    /// produce from `n` finite observations, so a damaged file cannot put NaN or an
    /// impossible count into the results. Returns what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.n == 0 {
            let empty = Tally::default();
            if self.mean.to_bits() != empty.mean.to_bits()
                || self.m2.to_bits() != empty.m2.to_bits()
                || self.min != empty.min
                || self.max != empty.max
            {
                return Err("an empty tally holds values".into());
            }
            return Ok(());
        }
        let finite = [self.mean, self.m2, self.min, self.max].iter().all(|x| x.is_finite());
        if !finite {
            return Err("a tally holds a value that is not finite".into());
        }
        if self.m2 < 0.0 || self.min > self.max {
            return Err("a tally's spread or range is impossible".into());
        }
        Ok(())
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
        assert!(a.validate().is_ok() && Tally::default().validate().is_ok());
        let mut bad = a;
        bad.mean = f64::NAN;
        assert!(bad.validate().is_err());
        let mut bad = a;
        bad.min = 100.0;
        assert!(bad.validate().is_err());
    }
}
