//! Arrival generators: non-homogeneous Poisson by thinning, fixed intervals, explicit lists.

use super::spec::{ArrivalSpec, PoissonSpec};
use crate::date::StartInstant;
use crate::random::StreamRng;
use rand::Rng;
use rand_distr::{Distribution, Exp1};

/// Produces the arrival times of one flow, one at a time, from its own random stream.
#[derive(Debug, Clone)]
pub struct ArrivalGen {
    kind: Kind,
    next_index: usize,
    /// The calendar hour of the last rate computed and that rate: thinning tests many
    /// candidates per hour, and the profile factors only change on the hour.
    cached: (i64, f64),
}

// One value per flow, built once: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Kind {
    Poisson {
        /// Upper bound of the rate over time (per minute), for thinning.
        max_rate: f64,
        /// True when every factor is 1, so no thinning is needed.
        flat: bool,
        spec: PoissonSpec,
    },
    Fixed {
        every: f64,
        first: f64,
    },
    List(Vec<f64>),
}

impl ArrivalGen {
    /// Prepares the generator; validation has ensured rates and factors are finite and
    /// non-negative.
    pub fn new(spec: &ArrivalSpec) -> Self {
        let kind = match spec {
            ArrivalSpec::Poisson(p) => Kind::Poisson {
                max_rate: p.peak_rate(),
                flat: p.surges.is_empty() && p.hour.iter().chain(&p.weekday).chain(&p.month).all(|&f| f == 1.0),
                spec: p.clone(),
            },
            ArrivalSpec::Fixed { every, first } => Kind::Fixed {
                every: *every,
                first: *first,
            },
            ArrivalSpec::List(times) => Kind::List(times.clone()),
            // Replayed by their own generator (model/observed.rs), under their own event.
            ArrivalSpec::Shared(_) | ArrivalSpec::Observed(_) => Kind::List(Vec::new()),
        };
        Self {
            kind,
            next_index: 0,
            cached: (i64::MIN, 0.0),
        }
    }

    /// The arrival rate per minute at time `t`.
    pub fn rate_at(&self, start: &StartInstant, t: f64) -> f64 {
        match &self.kind {
            // A flat profile's factors are exactly 1, so the product is exactly `rate`.
            Kind::Poisson { spec: p, .. } => {
                let r = p.rate * p.hour[start.hour_of_day(t)] * p.weekday[start.weekday(t)] * p.month[start.month0(t)];
                if p.surges.is_empty() { r } else { r * p.surge_at(t) }
            }
            _ => f64::NAN,
        }
    }

    /// The next arrival strictly after `now` (or at `now` for the very first), or `None` if
    /// it would fall at or after `horizon`: a run covers [0, horizon), so back-to-back runs
    /// of fixed-interval arrivals count each arrival once.
    #[inline(always)]
    pub fn next(&mut self, start: &StartInstant, now: f64, horizon: f64, rng: &mut StreamRng) -> Option<f64> {
        // A flat Poisson stream, the textbook case, inline: one exponential gap. The same
        // draws and times as the general path below (callgrind, M/M/4: the call and the
        // match cost about 40 instructions an arrival).
        if let Kind::Poisson {
            max_rate, flat: true, ..
        } = &self.kind
            && *max_rate > 0.0
        {
            let e: f64 = Exp1.sample(rng);
            let t = now + e / max_rate;
            if t >= horizon {
                return None;
            }
            self.next_index += 1;
            return Some(t);
        }
        self.next_general(start, now, horizon, rng)
    }

    /// [`ArrivalGen::next`] for everything but a flat Poisson stream.
    #[inline(never)]
    fn next_general(&mut self, start: &StartInstant, now: f64, horizon: f64, rng: &mut StreamRng) -> Option<f64> {
        let t = match &self.kind {
            Kind::Poisson { max_rate, flat, .. } => {
                if *max_rate <= 0.0 {
                    return None;
                }
                let mut t = now;
                loop {
                    let e: f64 = Exp1.sample(rng);
                    t += e / max_rate;
                    if t >= horizon {
                        return None;
                    }
                    // Lewis-Shedler thinning: accept with probability rate(t) / max_rate.
                    if *flat {
                        break t;
                    }
                    let hour = start.abs_hour(t);
                    if hour != self.cached.0 {
                        self.cached = (hour, self.rate_at(start, t));
                    }
                    if rng.random::<f64>() * max_rate < self.cached.1 {
                        break t;
                    }
                }
            }
            Kind::Fixed { every, first } => first + every * self.next_index as f64,
            Kind::List(times) => *times.get(self.next_index)?,
        };
        self.next_index += 1;
        (t < horizon).then_some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::stream;

    fn count(spec: &ArrivalSpec, horizon: f64) -> usize {
        let start = StartInstant::parse("2024-01-01").unwrap();
        let mut g = ArrivalGen::new(spec);
        let mut rng = stream(3, 0, "arr");
        let mut t = 0.0;
        let mut n = 0;
        while let Some(next) = g.next(&start, t, horizon, &mut rng) {
            assert!(next >= t);
            t = next;
            n += 1;
        }
        n
    }

    #[test]
    fn poisson_count_matches_rate() {
        let spec = ArrivalSpec::Poisson(PoissonSpec {
            rate: 1.0,
            hour: [1.0; 24],
            weekday: [1.0; 7],
            month: [1.0; 12],
            surges: Vec::new(),
        });
        let n = count(&spec, 100_000.0) as f64;
        assert!((n - 100_000.0).abs() < 4.0 * 100_000f64.sqrt(), "{n}");
    }

    #[test]
    fn thinning_follows_the_hour_profile() {
        // All arrivals between 08:00 and 09:00: factor 24 in that hour, 0 elsewhere.
        let mut hour = [0.0; 24];
        hour[8] = 24.0;
        let spec = ArrivalSpec::Poisson(PoissonSpec {
            rate: 0.5,
            hour,
            weekday: [1.0; 7],
            month: [1.0; 12],
            surges: Vec::new(),
        });
        let start = StartInstant::parse("2024-01-01").unwrap();
        let mut g = ArrivalGen::new(&spec);
        let mut rng = stream(3, 0, "arr");
        let (mut t, mut n) = (0.0, 0);
        while let Some(next) = g.next(&start, t, 70.0 * 1440.0, &mut rng) {
            assert_eq!(start.hour_of_day(next), 8);
            t = next;
            n += 1;
        }
        let expected = 0.5 * 1440.0 * 70.0;
        assert!((n as f64 - expected).abs() < 4.0 * expected.sqrt(), "{n} vs {expected}");
    }

    #[test]
    fn a_surge_multiplies_the_rate_only_in_its_period() {
        // One a minute, four times as many from minute 1440 to 4320 (two whole days).
        let spec = ArrivalSpec::Poisson(PoissonSpec {
            rate: 1.0,
            hour: [1.0; 24],
            weekday: [1.0; 7],
            month: [1.0; 12],
            surges: vec![crate::model::Surge {
                from: 1440.0,
                to: 4320.0,
                factor: 4.0,
            }],
        });
        let start = StartInstant::parse("2024-01-01").unwrap();
        let mut g = ArrivalGen::new(&spec);
        let mut rng = stream(3, 0, "arr");
        let (mut t, mut inside, mut outside) = (0.0, 0.0f64, 0.0f64);
        while let Some(next) = g.next(&start, t, 10.0 * 1440.0, &mut rng) {
            if (1440.0..4320.0).contains(&next) {
                inside += 1.0;
            } else {
                outside += 1.0;
            }
            t = next;
        }
        let (want_in, want_out) = (4.0 * 2880.0, 8.0 * 1440.0);
        assert!(
            (inside - want_in).abs() < 4.0 * f64::sqrt(want_in),
            "{inside} vs {want_in}"
        );
        assert!(
            (outside - want_out).abs() < 4.0 * f64::sqrt(want_out),
            "{outside} vs {want_out}"
        );
        // 5 % more in the surge would be caught: the bound is under 5 % of the count.
        assert!(4.0 * f64::sqrt(want_in) < 0.05 * want_in);
    }

    #[test]
    fn fixed_and_list() {
        assert_eq!(
            count(
                &ArrivalSpec::Fixed {
                    every: 10.0,
                    first: 5.0
                },
                100.0
            ),
            10
        );
        assert_eq!(count(&ArrivalSpec::List(vec![1.0, 2.0, 500.0]), 100.0), 2);
    }
}
