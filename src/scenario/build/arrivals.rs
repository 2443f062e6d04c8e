//! Arrival processes as a flow or a shared demand writes them: a Poisson rate with its
//! hour, weekday and month profiles, a fixed interval, or a list of times.

use super::keys::{Invalid, KeyPath, shown};
use crate::model::{ArrivalSpec, ModeSpec, PoissonSpec};
use crate::scenario::format::{FlowSection, RateSection};

/// The profiles written beside a rate: `hour_of_day`, `day_of_week`, `month_of_year`.
pub(super) type Profiles<'a> = [&'a Option<Vec<f64>>; 3];

/// Days of each month in a common year: month factors are averaged over days, not months,
/// so that `vehicles_per_year` with any month profile still gives that many a year.
const MONTH_DAYS: [f64; 12] = [31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0];

/// Relative factors scaled to a mean of 1, each factor weighted by `weights` (equal when
/// `None`).
fn profile<const N: usize>(
    v: &Option<Vec<f64>>,
    path: &KeyPath,
    what: &str,
    weights: Option<&[f64; N]>,
) -> Result<[f64; N], Invalid> {
    let Some(v) = v else { return Ok([1.0; N]) };
    if v.len() != N {
        return Err(path.invalid(format!("needs exactly {N} factors ({what}), got {}", v.len())));
    }
    if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
        return Err(path
            .child(&i.to_string())
            .invalid(format!("factors must be finite and 0 or more, got {}", shown(*x))));
    }
    // Scale by the largest factor first so that huge factors cannot overflow the sum.
    let max = v.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 {
        return Err(path.invalid("factors must not all be zero"));
    }
    let mean = match weights {
        None => v.iter().map(|x| x / max).sum::<f64>() / N as f64,
        Some(w) => v.iter().zip(w).map(|(x, w)| x / max * w).sum::<f64>() / w.iter().sum::<f64>(),
    };
    let mut out = [0.0; N];
    for (o, x) in out.iter_mut().zip(v) {
        *o = x / max / mean;
    }
    Ok(out)
}

/// A Poisson arrival process from a rate and its profiles, written at `path`.
pub(super) fn poisson(
    r: &RateSection,
    profiles: Profiles<'_>,
    path: &KeyPath,
    mode_spec: &ModeSpec,
) -> Result<PoissonSpec, Invalid> {
    let rp = path.child("rate");
    let per_min = match (r.per_minute, r.per_hour, r.per_day, r.vehicles_per_year) {
        (Some(m), None, None, None) => (m, "per_minute", m),
        (None, Some(h), None, None) => (h, "per_hour", h / 60.0),
        (None, None, Some(d), None) => (d, "per_day", d / 1440.0),
        (None, None, None, Some(y)) => (y, "vehicles_per_year", y / mode_spec.vehicles.mean() / (365.0 * 1440.0)),
        _ => {
            return Err(rp.invalid("give exactly one of `per_minute`, `per_hour`, `per_day`, `vehicles_per_year`"));
        }
    };
    let (raw, key, rate) = per_min;
    if !(raw.is_finite() && raw > 0.0) {
        return Err(rp
            .child(key)
            .invalid(format!("must be a positive number, got {}", shown(raw))));
    }
    Ok(PoissonSpec {
        rate,
        hour: profile::<24>(
            profiles[0],
            &path.child("hour_of_day"),
            "one per hour, 00-01 first",
            None,
        )?,
        weekday: profile::<7>(
            profiles[1],
            &path.child("day_of_week"),
            "one per day, Monday first",
            None,
        )?,
        month: profile::<12>(
            profiles[2],
            &path.child("month_of_year"),
            "one per month, January first",
            Some(&MONTH_DAYS),
        )?,
        surges: Vec::new(),
    })
}

/// The arrival process a flow defines itself. A gate log (`observed`) is resolved later,
/// once the calendar is known (build/observed.rs): an empty list stands in for it here.
pub(super) fn own(f: &FlowSection, path: &KeyPath, mode_spec: &ModeSpec) -> Result<ArrivalSpec, Invalid> {
    let given = [
        f.rate.is_some(),
        f.every_min.is_some(),
        f.times_min.is_some(),
        f.observed.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(path.invalid(
            "give exactly one arrival process: `rate = { per_hour = ... }` (Poisson), `every_min` (fixed interval), `times_min` (a list) or `observed = { file = \"log.csv\", replay = \"exact\" }` (a gate log)",
        ));
    }
    let arrivals = if let Some(r) = &f.rate {
        ArrivalSpec::Poisson(poisson(r, profiles(f), path, mode_spec)?)
    } else if profiles(f).iter().any(|p| p.is_some()) {
        return Err(path.invalid("hour_of_day, day_of_week and month_of_year only apply to Poisson arrivals (`rate`)"));
    } else if let Some(every) = f.every_min {
        fixed(every, f.first_at_min, path)?
    } else if f.observed.is_some() {
        ArrivalSpec::List(Vec::new())
    } else {
        listed(f.times_min.clone().unwrap_or_default(), path)?
    };
    if f.first_at_min.is_some() && f.every_min.is_none() {
        return Err(path.child("first_at_min").invalid("only applies with `every_min`"));
    }
    Ok(arrivals)
}

/// A flow's profiles.
pub(super) fn profiles(f: &FlowSection) -> Profiles<'_> {
    [&f.hour_of_day, &f.day_of_week, &f.month_of_year]
}

/// One arrival every `every` minutes from `first_at_min`.
fn fixed(every: f64, first_at_min: Option<f64>, path: &KeyPath) -> Result<ArrivalSpec, Invalid> {
    if !(every.is_finite() && every > 0.0) {
        return Err(path
            .child("every_min")
            .invalid(format!("must be a positive number of minutes, got {}", shown(every))));
    }
    let first = first_at_min.unwrap_or(0.0);
    if !(first.is_finite() && first >= 0.0) {
        return Err(path
            .child("first_at_min")
            .invalid(format!("must be 0 or more minutes, got {}", shown(first))));
    }
    Ok(ArrivalSpec::Fixed { every, first })
}

/// Arrivals at the listed times, which must be increasing and 0 or more.
fn listed(times: Vec<f64>, path: &KeyPath) -> Result<ArrivalSpec, Invalid> {
    if times.is_empty() {
        return Err(path
            .child("times_min")
            .invalid("the list is empty: give at least one arrival time"));
    }
    for (i, w) in times.windows(2).enumerate() {
        if w[1] < w[0] {
            return Err(path
                .child("times_min")
                .child(&(i + 1).to_string())
                .invalid("times must be in increasing order"));
        }
    }
    if let Some((i, t)) = times.iter().enumerate().find(|(_, t)| !(t.is_finite() && **t >= 0.0)) {
        return Err(path
            .child("times_min")
            .child(&i.to_string())
            .invalid(format!("must be 0 or more minutes, got {}", shown(*t))));
    }
    Ok(ArrivalSpec::List(times))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_factors_average_one_over_the_days_of_a_year() {
        // A December three times as busy: its 31 days weigh more than February's 28.
        let mut v = vec![1.0; 12];
        v[11] = 3.0;
        let f = profile::<12>(&Some(v), &KeyPath::root("m"), "months", Some(&MONTH_DAYS)).unwrap();
        let per_year: f64 = f.iter().zip(MONTH_DAYS).map(|(f, d)| f * d).sum();
        assert!((per_year - 365.0).abs() < 1e-9, "{per_year}");
        assert!((f[11] / f[0] - 3.0).abs() < 1e-12);
    }
}
