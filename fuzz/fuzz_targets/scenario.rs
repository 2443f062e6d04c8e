//! Fuzz target: arbitrary bytes -> `scenario::parse_str` -> one short replication.
//!
//! Any panic, hang or runaway memory is a finding. Scenarios that would run for long are
//! skipped (not findings): a horizon over 3 days, too many arrival candidates, too many
//! time-series rows.

#![no_main]

use bordersim::scenario::build::arrival_bound;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// Longest horizon run, minutes (3 days).
const MAX_HORIZON_MIN: f64 = 3.0 * 1440.0;
/// Most arrival candidates per replication, all flows together (Poisson counts its
/// thinning candidates: base rate times the largest hour, weekday and month factors).
const MAX_ARRIVALS: f64 = 20_000.0;
/// Most time-series rows per replication.
const MAX_ROWS: f64 = 10_000.0;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sc) = bordersim::scenario::parse_str(src, Path::new("fuzz.toml")) else {
        return;
    };
    let spec = &sc.spec;
    if !(spec.horizon.is_finite() && spec.horizon <= MAX_HORIZON_MIN) {
        return;
    }
    let arrivals: f64 = spec
        .flows
        .iter()
        .map(|f| &f.arrivals)
        .chain(spec.demands.iter().map(|d| &d.arrivals))
        .map(|a| arrival_bound(a, spec.horizon))
        .sum();
    if !(arrivals.is_finite() && arrivals <= MAX_ARRIVALS) {
        return;
    }
    let rows = spec.horizon / spec.report_interval;
    if !(rows.is_finite() && rows <= MAX_ROWS) {
        return;
    }
    // Err is the documented overload refusal, not a finding.
    let _ = bordersim::experiment::run_replication(spec, sc.policy.clone(), sc.seed, 0);
});
