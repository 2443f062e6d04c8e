//! A solved fit: the maximum-likelihood factors, normalised as a scenario normalises
//! them, with what their intervals and the dispersion check need.

use super::delta::Information;
use super::grid::{Grid, LEVELS, PROFILES, levels};
use super::ipf::{self, Raw};
use super::{Dispersion, Factor, MONTH_DAYS, Pearson, ZERO_COUNT_UPPER};

/// The fit of one grid.
pub(super) struct Solved {
    /// The window's cells.
    pub grid: Grid,
    /// Minutes of exposure of each level.
    exposure: [f64; LEVELS],
    /// Whether each level had arrivals.
    positive: [bool; LEVELS],
    /// Rate per minute, scaled with the factors.
    rate: f64,
    /// Factors, each fitted profile of weighted mean 1 over the levels observed.
    factor: [f64; LEVELS],
    /// Each level's share of its profile's weighted mean (see [`shares`]).
    shares: [f64; LEVELS],
    /// The information of the fit; `None` when singular.
    info: Option<Information>,
    /// Goodness of fit.
    pub dispersion: Dispersion,
    /// Multiplier of the Poisson standard errors.
    pub widening: f64,
}

impl Solved {
    /// Fits the profiles marked in `free` to `grid`.
    pub fn new(grid: Grid, free: [bool; 3]) -> Self {
        let exposure = grid.level_exposure();
        let positive = grid.level_count().map(|n| n > 0.0);
        let raw = ipf::fit(&grid.exposure, &grid.count, free);
        let (rate, factor) = normalise(&raw, &exposure, free);
        // Free parameters of each profile: its levels with arrivals, less the reference.
        let k = [0, 1, 2].map(|p| {
            let (first, n) = PROFILES[p];
            let levels = positive[first..first + n].iter().filter(|x| **x).count();
            if free[p] { levels - 1 } else { 0 }
        });
        let mut s = Self {
            info: Information::new(&raw, &grid.exposure, free, &positive),
            shares: shares(&raw, &exposure, free),
            grid,
            exposure,
            positive,
            rate,
            factor,
            dispersion: Dispersion::new(None, None),
            widening: 1.0,
        };
        s.dispersion = s.dispersion_of(1 + k.iter().sum::<usize>(), k[0]);
        s.widening = s.dispersion.widening();
        s
    }

    /// Standard error of a function with gradient `g` (and `alpha` for the intercept),
    /// widened; NaN without information.
    fn se(&self, alpha: f64, g: &[(usize, f64)]) -> f64 {
        self.info
            .as_ref()
            .map_or(f64::NAN, |i| i.variance(alpha, g).sqrt() * self.widening)
    }

    /// The base rate per day with its interval.
    pub fn rate(&self) -> Factor {
        let g: Vec<(usize, f64)> = (0..LEVELS).map(|l| (l, self.shares[l])).collect();
        Factor::wald(self.rate * 1440.0, self.se(1.0, &g))
    }

    /// The factors of profile `p` (0 hours, 1 weekdays, 2 months) with intervals.
    pub fn profile(&self, p: usize) -> Vec<Factor> {
        let (first, n) = PROFILES[p];
        (first..first + n)
            .map(|l| {
                if self.exposure[l] <= 0.0 {
                    return unobserved();
                }
                if !self.positive[l] {
                    return Factor {
                        value: 0.0,
                        lo: 0.0,
                        hi: ZERO_COUNT_UPPER / self.expected_at_one(l),
                        se_log: f64::INFINITY,
                        observed: true,
                    };
                }
                let mut g: Vec<(usize, f64)> = (first..first + n).map(|k| (k, -self.shares[k])).collect();
                g.push((l, 1.0));
                Factor::wald(self.factor[l], self.se(0.0, &g))
            })
            .collect()
    }

    /// Fitted intensity per minute in table cell `c`.
    fn intensity(&self, c: usize) -> f64 {
        let [h, d, m] = levels(c);
        self.rate * self.factor[h] * self.factor[d] * self.factor[m]
    }

    /// Arrivals expected in level `l`'s cells were its factor 1: the scale of the
    /// interval of a factor fitted as 0.
    fn expected_at_one(&self, l: usize) -> f64 {
        let g = &self.grid;
        (0..g.exposure.len())
            .filter(|c| levels(*c).contains(&l))
            .map(|c| {
                let others: f64 = levels(c).iter().filter(|k| **k != l).map(|k| self.factor[*k]).product();
                g.exposure[c] * self.rate * others
            })
            .sum()
    }

    /// Pearson statistics of the hourly and daily counts against the fitted means;
    /// `hour_params` of the `params` only move arrivals within a day.
    fn dispersion_of(&self, params: usize, hour_params: usize) -> Dispersion {
        let hours = &self.grid.hours;
        let hourly = Pearson::new(
            hours.iter().map(|h| (h.count, h.exposure * self.intensity(h.cell))),
            params,
        );
        let mut days = vec![(0.0, 0.0); self.grid.days];
        for h in hours {
            days[h.day].0 += h.count;
            days[h.day].1 += h.exposure * self.intensity(h.cell);
        }
        Dispersion::new(hourly, Pearson::new(days, params - hour_params))
    }
}

/// A month the window does not reach: 1, the average, without an interval.
fn unobserved() -> Factor {
    Factor {
        value: 1.0,
        lo: f64::NAN,
        hi: f64::NAN,
        se_log: f64::NAN,
        observed: false,
    }
}

/// The weight of level `l` in its profile's mean: a month's days, 1 otherwise; 0 for a
/// level the window does not reach.
fn weight(l: usize, exposure: &[f64; LEVELS]) -> f64 {
    match exposure[l] > 0.0 {
        false => 0.0,
        true if l >= 31 => MONTH_DAYS[l - 31],
        true => 1.0,
    }
}

/// Each level's share of its profile's weighted mean, w F / Σ w F: the derivative of the
/// log of that mean with respect to the level's log factor.
fn shares(raw: &Raw, exposure: &[f64; LEVELS], free: [bool; 3]) -> [f64; LEVELS] {
    let mut s = [0.0; LEVELS];
    for &(first, n) in PROFILES.iter().zip(free).filter(|(_, f)| *f).map(|(r, _)| r) {
        let total: f64 = (first..first + n).map(|l| weight(l, exposure) * raw.factor[l]).sum();
        for (l, share) in s.iter_mut().enumerate().skip(first).take(n) {
            *share = weight(l, exposure) * raw.factor[l] / total;
        }
    }
    s
}

/// Divides each fitted profile by its weighted mean over the levels observed (months the
/// window does not reach are set to 1) and moves the means into the rate per minute.
fn normalise(raw: &Raw, exposure: &[f64; LEVELS], free: [bool; 3]) -> (f64, [f64; LEVELS]) {
    let (mut rate, mut factor) = (raw.rate, [1.0; LEVELS]);
    for &(first, n) in PROFILES.iter().zip(free).filter(|(_, f)| *f).map(|(r, _)| r) {
        let range = first..first + n;
        let w: f64 = range.clone().map(|l| weight(l, exposure)).sum();
        let mean = range.clone().map(|l| weight(l, exposure) * raw.factor[l]).sum::<f64>() / w;
        for l in range.filter(|l| exposure[*l] > 0.0) {
            factor[l] = raw.factor[l] / mean;
        }
        rate *= mean;
    }
    (rate, factor)
}
