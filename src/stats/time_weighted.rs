//! Time-weighted level statistics: queue lengths, busy servers, occupancy.

/// A level that changes at event times (queue length, busy lanes). Keeps the running area
/// under the curve since time zero, so any window's average is a difference of two areas,
/// and the maximum since the last reset.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeWeighted {
    last_t: f64,
    value: f64,
    area: f64,
    max: f64,
}

impl TimeWeighted {
    /// Sets the level to `v` from time `t` on.
    #[inline]
    pub fn set(&mut self, t: f64, v: f64) {
        self.area += self.value * (t - self.last_t);
        self.last_t = t;
        self.value = v;
        if v > self.max {
            self.max = v;
        }
    }

    /// Adds `dv` to the level at time `t`.
    #[inline]
    pub fn add(&mut self, t: f64, dv: f64) {
        let v = self.value + dv;
        self.set(t, v);
    }

    /// The current level.
    #[inline]
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Area under the level from time zero to `t` (t at or after the last change).
    #[inline]
    pub fn area_at(&self, t: f64) -> f64 {
        self.area + self.value * (t - self.last_t)
    }

    /// Highest level since the last `reset_max`.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Starts a new maximum from the current level, for warm-up deletion.
    pub fn reset_max(&mut self) {
        self.max = self.value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_and_window_average() {
        let mut q = TimeWeighted::default();
        q.set(0.0, 2.0);
        q.add(1.0, 1.0); // 3 from t = 1
        let at1 = q.area_at(1.0);
        q.set(3.0, 0.0);
        assert_eq!(q.area_at(3.0), 2.0 + 6.0);
        assert_eq!(q.area_at(5.0), 8.0);
        assert_eq!((q.area_at(3.0) - at1) / 2.0, 3.0);
        assert_eq!(q.max(), 3.0);
        q.reset_max();
        assert_eq!(q.max(), 0.0);
    }
}
