//! Goodness of fit: are the counts as variable as Poisson counts with the fitted means?
//! Pearson's statistic Σ (count - mean)² / mean over the window's hours (and over its
//! days) is chi-square with (cells - parameters) degrees of freedom under the model; its
//! ratio to them, the dispersion index, is near 1 for Poisson arrivals, above it when
//! arrivals come in batches (a convoy, a train unloading) and below it when they are
//! scheduled (a slot system).

use crate::stats::gamma::{chi2_lower, chi2_upper};
use serde::Serialize;

/// Tail probability below which the counts are called over- or under-dispersed.
pub const ALPHA: f64 = 0.01;

/// Pearson's statistic over one kind of cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pearson {
    /// Cells (hours or days) with a positive fitted mean.
    pub cells: usize,
    /// Σ (count - mean)² / mean.
    pub statistic: f64,
    /// Degrees of freedom: cells less the parameters fitted to them.
    pub df: f64,
    /// statistic / df: 1 for Poisson counts.
    pub index: f64,
    /// P(chi-square ≥ statistic): small when the counts vary more than Poisson.
    pub p_over: f64,
    /// P(chi-square ≤ statistic): small when they vary less.
    pub p_under: f64,
}

impl Pearson {
    /// The statistic of `(count, mean)` pairs with `params` parameters fitted; `None`
    /// without a degree of freedom left.
    pub fn new(cells: impl IntoIterator<Item = (f64, f64)>, params: usize) -> Option<Self> {
        let (mut n, mut x2) = (0usize, 0.0);
        for (y, mu) in cells.into_iter().filter(|(_, mu)| *mu > 0.0) {
            n += 1;
            x2 += (y - mu) * (y - mu) / mu;
        }
        let df = n.checked_sub(params).filter(|d| *d > 0)? as f64;
        Some(Self {
            cells: n,
            statistic: x2,
            df,
            index: x2 / df,
            p_over: chi2_upper(x2, df),
            p_under: chi2_lower(x2, df),
        })
    }
}

/// What the counts look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// As variable as Poisson counts: a Poisson flow with these profiles fits.
    Poisson,
    /// More variable: arrivals come in groups (batches) or the rate changes in ways the
    /// profiles do not hold (trends, one-off busy days).
    OverDispersed,
    /// Less variable: arrivals are more regular than Poisson (appointments, slots).
    UnderDispersed,
}

/// The dispersion of hourly and daily counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dispersion {
    /// Over the window's hours.
    pub hourly: Option<Pearson>,
    /// Over its days (catches day-to-day swings hourly counts dilute).
    pub daily: Option<Pearson>,
    /// Over-dispersed if either tail test says so at [`ALPHA`], under-dispersed if the
    /// hourly counts are too regular, Poisson otherwise.
    pub verdict: Verdict,
}

impl Dispersion {
    /// Combines the two statistics into a verdict.
    pub fn new(hourly: Option<Pearson>, daily: Option<Pearson>) -> Self {
        let over = [hourly, daily].iter().flatten().any(|p| p.p_over < ALPHA);
        let under = hourly.is_some_and(|p| p.p_under < ALPHA);
        let verdict = if over {
            Verdict::OverDispersed
        } else if under {
            Verdict::UnderDispersed
        } else {
            Verdict::Poisson
        };
        Self { hourly, daily, verdict }
    }

    /// How much wider than Poisson the intervals are made: √index of the hourly counts
    /// when above 1 (quasi-Poisson), so over-dispersed counts do not give falsely narrow
    /// intervals; 1 otherwise.
    pub fn widening(&self) -> f64 {
        self.hourly.map_or(1.0, |p| p.index.max(1.0).sqrt())
    }

    /// The verdict in words, with what to do about it.
    pub fn words(&self) -> &'static str {
        match self.verdict {
            Verdict::Poisson => "the counts look Poisson: a Poisson flow with these profiles fits",
            Verdict::OverDispersed => {
                "the counts are over-dispersed (more variable than Poisson): arrivals come in groups or on busy days the profiles do not hold; consider `batches` or `surges` on top of the flow (intervals widened by √dispersion)"
            }
            Verdict::UnderDispersed => {
                "the counts are under-dispersed (more regular than Poisson): arrivals look scheduled; consider `every_min` or a list of times instead of a Poisson rate"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_of_hand_counts() {
        // Means 4, counts 2, 4, 6, 8: X² = (4 + 0 + 4 + 16) / 4 = 6 on 4 - 1 df.
        let p = Pearson::new([(2.0, 4.0), (4.0, 4.0), (6.0, 4.0), (8.0, 4.0)], 1).unwrap();
        assert_eq!(p.statistic, 6.0);
        assert_eq!(p.df, 3.0);
        assert_eq!(p.index, 2.0);
        assert!((p.p_over - 0.111_610).abs() < 1e-6, "{}", p.p_over);
        assert!(Pearson::new([(1.0, 1.0)], 1).is_none());
    }

    #[test]
    fn verdicts() {
        let p = |x2: f64| Pearson::new((0..101).map(|i| (if i == 0 { x2.sqrt() + 1.0 } else { 1.0 }, 1.0)), 1);
        assert_eq!(Dispersion::new(p(100.0), None).verdict, Verdict::Poisson);
        assert_eq!(Dispersion::new(p(160.0), None).verdict, Verdict::OverDispersed);
        assert_eq!(Dispersion::new(p(1.0), None).verdict, Verdict::UnderDispersed);
        assert!((Dispersion::new(p(400.0), None).widening() - 2.0).abs() < 1e-12);
    }
}
