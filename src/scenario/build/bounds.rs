//! The work a scenario asks for, bounded before it runs: arrivals per replication and
//! time-series cells.

use super::keys::{Invalid, KeyPath};
use super::limits;
use crate::model::{ArrivalSpec, ModelSpec};

/// Arrivals (for Poisson flows: thinning candidates, which a peaked profile multiplies by
/// its largest factors) one replication will generate: the work a flow asks for, used to
/// bound scenarios before running them.
pub fn arrival_bound(a: &ArrivalSpec, horizon: f64) -> f64 {
    match a {
        ArrivalSpec::Poisson(p) => p.peak_rate() * horizon,
        ArrivalSpec::Fixed { every, .. } => horizon / every,
        ArrivalSpec::List(v) => v.len() as f64,
        ArrivalSpec::Observed(o) => o.bound(horizon),
        ArrivalSpec::Shared(_) => 0.0,
    }
}

/// Refuses a scenario that would generate more arrivals, or more time-series cells, per
/// replication than the limits allow.
pub(super) fn check(spec: &ModelSpec) -> Result<(), Invalid> {
    let horizon = spec.horizon;
    // Flows first, then demands: the busiest (first of equals) is blamed. Its key path is
    // only spelt out when it is needed.
    let flows = spec.flows.iter().map(|f| arrival_bound(&f.arrivals, horizon));
    let demands = spec.demands.iter().map(|d| arrival_bound(&d.arrivals, horizon));
    let mut expected_arrivals = 0.0;
    let mut busiest = (0.0, None);
    for (i, n) in flows.chain(demands).enumerate() {
        expected_arrivals += n;
        if n > busiest.0 {
            busiest = (n, Some(i));
        }
    }
    if expected_arrivals > limits::ARRIVALS {
        let path = match busiest.1 {
            None => KeyPath::root("ports"),
            Some(i) if i < spec.flows.len() => {
                let f = &spec.flows[i];
                KeyPath::root("ports")
                    .child(&spec.ports[f.port].name)
                    .child("flows")
                    .child(&spec.modes[f.mode].name)
            }
            Some(i) => KeyPath::root("demand").child(&spec.demands[i - spec.flows.len()].name),
        };
        return Err(path.invalid(format!(
            "the flows would generate about {expected_arrivals:.3e} arrivals (or thinning candidates) per replication, more than the limit of {:.0e}: shorten horizon_days or lower the rates",
            limits::ARRIVALS
        )));
    }
    let interval = spec.report_interval;
    let rows = (horizon / interval).ceil() + 1.0;
    let series = crate::model::series::series_defs_count(&spec.ports, &spec.stages, &spec.flows) as f64;
    if rows * series > limits::SERIES_CELLS {
        return Err(KeyPath::root("simulation").child("report_interval_min").invalid(format!(
            "{rows:.0} rows of {series:.0} series is {:.2e} time-series cells, more than the {:.0e} allowed: use a longer report interval (e.g. {:.0} minutes)",
            rows * series,
            limits::SERIES_CELLS,
            (interval * rows * series / limits::SERIES_CELLS).ceil()
        )));
    }
    Ok(())
}
