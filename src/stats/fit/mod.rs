//! Fitting a scenario's arrival profiles to observed arrival times: a base rate and
//! hour-of-day, day-of-week and month-of-year factors in exactly the form a flow takes
//! them (each profile of mean 1, months weighted by their days), so the fitted intensity
//! rate × hour[h] × weekday[d] × month[m] is what the model generates.
//!
//! Maximum likelihood for the multiplicative Poisson model over the observation window's
//! hours ([`ipf`]), 95 % intervals by the delta method from its information ([`delta`]),
//! widened when the counts are over-dispersed, and a dispersion check ([`dispersion`]).
//! Pure functions of calendar-resolved times: reading a gate log is the scenario layer's.

mod delta;
pub mod dispersion;
mod grid;
mod ipf;
mod solved;

pub use dispersion::{Dispersion, Pearson, Verdict};

use crate::date::StartInstant;
use grid::{Grid, LEVELS};
use serde::Serialize;
use solved::Solved;

/// The 0.975 quantile of the standard normal: every interval here is a 95 % one.
pub const Z95: f64 = 1.959_963_985;

/// Days of each month in a common year, the weights of a month profile's mean (as a
/// scenario normalises it).
const MONTH_DAYS: [f64; 12] = [31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0];

/// Expected arrivals at the upper end of the exact 95 % Poisson interval for a count of
/// zero (-ln 0.025): the bound of a factor whose hours saw no arrival.
const ZERO_COUNT_UPPER: f64 = 3.688_879_454;

/// Least days of a month in the window for it to count towards a month profile: fewer
/// would let a weekend or one odd day set a month's factor (and through the profile's
/// mean, the rate).
pub const MONTH_MIN_DAYS: f64 = 14.0;

/// The observation window, minutes from the start instant, [from, to): its hours are the
/// exposure, whether or not arrivals fell in them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Window {
    /// First minute.
    pub from: f64,
    /// End (exclusive).
    pub to: f64,
}

impl Window {
    /// From the first arrival's midnight to the midnight after the last arrival: whole
    /// calendar days, so every hour of day is observed equally often. `None` for no times.
    pub fn around(times: &[f64], start: &StartInstant) -> Option<Self> {
        let first = times.iter().copied().reduce(f64::min)?;
        let last = times.iter().copied().reduce(f64::max)?;
        let midnight = |t: f64| (start.abs_hour(t).div_euclid(24) * 1440) as f64 - start_abs(start);
        Some(Self {
            from: midnight(first),
            to: midnight(last) + 1440.0,
        })
    }

    /// Length in days.
    pub fn days(&self) -> f64 {
        (self.to - self.from) / 1440.0
    }
}

/// Minutes from 1970-01-01 00:00 to `start`.
fn start_abs(start: &StartInstant) -> f64 {
    (start.day * 1440 + i64::from(start.minute)) as f64
}

/// A fitted number with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Factor {
    /// The estimate.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Standard error of its logarithm (widened as the intervals are; infinite for a
    /// factor of 0, NaN when not observed): for intervals at other levels.
    pub se_log: f64,
    /// False for a month the window does not reach: its factor is set to 1, the average,
    /// and has no interval.
    pub observed: bool,
}

impl Factor {
    fn wald(value: f64, se_log: f64) -> Self {
        Self {
            value,
            lo: value * (-Z95 * se_log).exp(),
            hi: value * (Z95 * se_log).exp(),
            se_log,
            observed: true,
        }
    }

    /// Whether `truth` lies within the interval of `z` standard errors (on the log scale,
    /// as the 95 % one): for checks at another confidence level. A factor fitted as 0 has
    /// no standard error; it is checked against its 95 % upper bound whatever `z`.
    pub fn covers(&self, truth: f64, z: f64) -> bool {
        if self.value == 0.0 {
            return truth <= self.hi;
        }
        (truth.ln() - self.value.ln()).abs() <= z * self.se_log
    }
}

/// One fitted profile, or why the window cannot tell it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// The factors, one per level (24 hours, 7 weekdays Monday first, 12 months).
    Fitted(Vec<Factor>),
    /// Not estimated; the reason in words. The scenario's default (all 1) applies.
    Omitted(String),
}

impl Profile {
    /// The factors if fitted.
    pub fn factors(&self) -> Option<&[Factor]> {
        match self {
            Profile::Fitted(f) => Some(f),
            Profile::Omitted(_) => None,
        }
    }
}

/// The fit of one set of arrival times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The observation window.
    pub window: Window,
    /// Arrivals inside it that the fit used.
    pub arrivals: usize,
    /// Arrivals inside it left out with the days of months too short in the window to
    /// estimate their factor (only when a month profile is fitted), and those months.
    pub dropped: (usize, Vec<usize>),
    /// Base rate, consignments per day: the mean over a year of the fitted intensity.
    pub rate_per_day: Factor,
    /// Hour of day, 00-01 first.
    pub hour: Profile,
    /// Day of week, Monday first.
    pub weekday: Profile,
    /// Month of year, January first.
    pub month: Profile,
    /// Goodness of fit.
    pub dispersion: Dispersion,
    /// Factor the Poisson standard errors were multiplied by (√dispersion, at least 1).
    pub widening: f64,
}

/// Why a window gives nothing to fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// The window is empty or backwards.
    #[error("the observation window is empty (it must end after it starts)")]
    EmptyWindow,
    /// No arrival falls inside it.
    #[error("no arrival falls inside the observation window")]
    NoArrivals,
}

/// Fits rate and profiles to `times` (minutes from `start`) over `window`; times outside
/// the window are ignored.
pub fn fit(times: &[f64], start: &StartInstant, window: Window) -> Result<Fit, FitError> {
    if window.to.is_nan() || window.from.is_nan() || window.to <= window.from {
        return Err(FitError::EmptyWindow);
    }
    let mut grid = Grid::new(times, start, window);
    if grid.inside == 0 {
        return Err(FitError::NoArrivals);
    }
    let omitted = reasons(&grid.level_exposure(), window);
    let free = omitted.clone().map(|r| r.is_none());
    let mut dropped = (0, Vec::new());
    if free[2] {
        let e = grid.level_exposure();
        let thin = std::array::from_fn(|m| e[31 + m] > 0.0 && e[31 + m] < MONTH_MIN_DAYS * 1440.0);
        dropped = (grid.drop_months(&thin), (0..12).filter(|m| thin[*m]).collect());
        if grid.inside == 0 {
            return Err(FitError::NoArrivals);
        }
    }
    let s = Solved::new(grid, free);
    let [hour, weekday, month] = [0, 1, 2].map(|p| match &omitted[p] {
        Some(reason) => Profile::Omitted(reason.clone()),
        None => Profile::Fitted(s.profile(p)),
    });
    Ok(Fit {
        window,
        arrivals: s.grid.inside,
        dropped,
        rate_per_day: s.rate(),
        hour,
        weekday,
        month,
        dispersion: s.dispersion,
        widening: s.widening,
    })
}

/// For each profile, why the window cannot identify it, or `None` to fit it.
fn reasons(exposure: &[f64; LEVELS], window: Window) -> [Option<String>; 3] {
    let days = window.days();
    let hour = (exposure[..24].iter().any(|e| *e < 60.0)).then(|| {
        format!("the window ({days:.2} days) does not cover every hour of the day once; an hour-of-day profile needs at least one whole day")
    });
    let weekday = (exposure[24..31].iter().any(|e| *e < 1440.0)).then(|| {
        format!("the window ({days:.1} days) does not hold every weekday once; a day-of-week profile needs at least 7 days (14 or more to tell a weekday from a one-off day)")
    });
    let months = exposure[31..].iter().filter(|e| **e >= MONTH_MIN_DAYS * 1440.0).count();
    let month = (months < 2).then(|| {
        format!("the window holds {months} month(s) for {MONTH_MIN_DAYS} days or more; a month profile needs at least 2 (a whole year to fill all 12 months)")
    });
    [hour, weekday, month]
}

/// Wilson's 95 % interval for a share of `k` in `n`: a mode's share of the arrivals.
pub fn share_interval(k: usize, n: usize) -> (f64, f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    (p, (centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests;
