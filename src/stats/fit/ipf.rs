//! Maximum likelihood for the multiplicative Poisson model
//! mean(cell) = exposure × rate × hour[h] × weekday[d] × month[m], by iterative
//! proportional fitting: each factor in turn is scaled so that the fitted arrivals of its
//! level equal the observed ones. Those margins are the model's sufficient statistics, so
//! the fixed point is the maximum-likelihood estimate, and each sweep raises the
//! likelihood (IPF is coordinate ascent on it); unequal exposure enters through the cells.

use super::grid::{CELLS, LEVELS, PROFILES, levels};

/// Sweeps at most; main-effects IPF converges geometrically, in tens of sweeps.
const MAX_SWEEPS: usize = 10_000;

/// Stop when every fitted margin is within this fraction of the observed one.
const TOLERANCE: f64 = 1e-12;

/// Raw fitted factors (not yet normalised): a rate per minute and one factor per level.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Raw {
    /// Arrivals per minute at factors 1.
    pub rate: f64,
    /// Factors of the [`LEVELS`]; 1 for a profile not fitted.
    pub factor: [f64; LEVELS],
}

impl Raw {
    /// Fitted mean arrivals per minute of exposure in table cell `c`.
    pub fn intensity(&self, c: usize) -> f64 {
        let [h, d, m] = levels(c);
        self.rate * self.factor[h] * self.factor[d] * self.factor[m]
    }

    /// Fitted arrivals of each level.
    fn margins(&self, exposure: &[f64]) -> [f64; LEVELS] {
        let mut fitted = [0.0; LEVELS];
        for (c, e) in exposure.iter().enumerate().filter(|(_, e)| **e > 0.0) {
            let mu = e * self.intensity(c);
            for l in levels(c) {
                fitted[l] += mu;
            }
        }
        fitted
    }
}

/// Fits the profiles marked in `free` (hour, weekday, month) to the table's `exposure`
/// (minutes) and `count`; the others stay 1. Levels without exposure keep factor 1 (the
/// caller decides what to say about them). Needs at least one arrival.
pub(super) fn fit(exposure: &[f64], count: &[f64], free: [bool; 3]) -> Raw {
    debug_assert_eq!((exposure.len(), count.len()), (CELLS, CELLS));
    let total: f64 = count.iter().sum();
    let mut observed = [0.0; LEVELS];
    for (c, n) in count.iter().enumerate() {
        for l in levels(c) {
            observed[l] += n;
        }
    }
    let mut raw = Raw {
        rate: total / exposure.iter().sum::<f64>(),
        factor: [1.0; LEVELS],
    };
    for _ in 0..MAX_SWEEPS {
        for (p, &(first, n)) in PROFILES.iter().enumerate() {
            if !free[p] {
                continue;
            }
            let fitted = raw.margins(exposure);
            for l in first..first + n {
                if fitted[l] > 0.0 {
                    raw.factor[l] *= observed[l] / fitted[l];
                }
            }
        }
        let fitted = raw.margins(exposure);
        let worst = (0..LEVELS)
            .filter(|l| fitted[*l] > 0.0 || observed[*l] > 0.0)
            .map(|l| (fitted[l] - observed[l]).abs() / observed[l].max(1.0))
            .fold(0.0, f64::max);
        // The total is matched by the rate (it is a margin of every profile when one is
        // fitted, and the only statistic when none is).
        let sum: f64 = fitted[..24].iter().sum();
        raw.rate *= total / sum;
        if worst < TOLERANCE {
            break;
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::super::grid::cell;
    use super::*;

    fn table(entries: &[((usize, usize, usize), f64, f64)]) -> (Vec<f64>, Vec<f64>) {
        let (mut e, mut n) = (vec![0.0; CELLS], vec![0.0; CELLS]);
        for &((h, d, m), ex, cnt) in entries {
            e[cell(h, d, m)] += ex;
            n[cell(h, d, m)] += cnt;
        }
        (e, n)
    }

    #[test]
    fn two_weekdays_with_unequal_exposure() {
        // Monday observed twice (2 days, 120 arrivals), Tuesday once (1 day, 30): Monday's
        // rate is 60 a day, Tuesday's 30. The factors' ratio is 2, not 4 (counts 120 : 30).
        let (e, n) = table(&[((0, 0, 0), 2.0 * 1440.0, 120.0), ((0, 1, 0), 1440.0, 30.0)]);
        let r = fit(&e, &n, [false, true, false]);
        let mon = r.rate * r.factor[24] * 1440.0;
        let tue = r.rate * r.factor[25] * 1440.0;
        assert!((mon - 60.0).abs() < 1e-9, "{mon}");
        assert!((tue - 30.0).abs() < 1e-9, "{tue}");
    }

    #[test]
    fn two_crossed_profiles_solved_by_hand() {
        // Hours 0 and 1 on Monday and Tuesday, Monday twice. Counts follow
        // rate 10 × hour (1, 3) × weekday (1, 2) per 60 minutes exactly:
        // (0,Mon) 2 × 10, (1,Mon) 2 × 30, (0,Tue) 20, (1,Tue) 60.
        let (e, n) = table(&[
            ((0, 0, 0), 120.0, 20.0),
            ((1, 0, 0), 120.0, 60.0),
            ((0, 1, 0), 60.0, 20.0),
            ((1, 1, 0), 60.0, 60.0),
        ]);
        let r = fit(&e, &n, [true, true, false]);
        let hour = r.factor[1] / r.factor[0];
        let day = r.factor[25] / r.factor[24];
        assert!((hour - 3.0).abs() < 1e-9 && (day - 2.0).abs() < 1e-9, "{hour} {day}");
        let mean = |c| r.intensity(c) * 60.0;
        assert!((mean(cell(0, 0, 0)) - 10.0).abs() < 1e-9);
        assert!((mean(cell(1, 1, 0)) - 60.0).abs() < 1e-9);
    }

    #[test]
    fn a_level_without_arrivals_gets_factor_zero() {
        let (e, n) = table(&[((0, 0, 0), 60.0, 0.0), ((1, 0, 0), 60.0, 12.0)]);
        let r = fit(&e, &n, [true, false, false]);
        assert_eq!(r.factor[0], 0.0);
        assert!((r.intensity(cell(1, 0, 0)) * 60.0 - 12.0).abs() < 1e-9);
    }

    #[test]
    fn margins_that_are_not_a_product_give_the_likelihood_optimum() {
        // An interaction the model cannot hold: the fit matches both margins (the
        // sufficient statistics) instead of any one cell. Margins: hour 0 = 40, hour 1 = 40,
        // Monday = 50, Tuesday = 30, equal exposure, so the fitted cells are the
        // independence table 40 × 50 / 80 = 25 etc.
        let (e, n) = table(&[
            ((0, 0, 0), 60.0, 40.0),
            ((1, 0, 0), 60.0, 10.0),
            ((0, 1, 0), 60.0, 0.0),
            ((1, 1, 0), 60.0, 30.0),
        ]);
        let r = fit(&e, &n, [true, true, false]);
        let mean = |c| r.intensity(c) * 60.0;
        assert!((mean(cell(0, 0, 0)) - 25.0).abs() < 1e-9, "{}", mean(cell(0, 0, 0)));
        assert!((mean(cell(1, 1, 0)) - 15.0).abs() < 1e-9);
    }
}
