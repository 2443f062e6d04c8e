//! `[simulation]`: the calendar start, horizon, warm-up, replications and report interval.

use super::keys::{Invalid, KeyPath, shown};
use super::limits;
use crate::date::StartInstant;
use crate::scenario::format::SimulationSection;

/// The run settings, checked and in minutes.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    /// Calendar instant of time zero.
    pub start: StartInstant,
    /// Length of a replication, minutes.
    pub horizon: f64,
    /// Discarded start-up period, minutes.
    pub warmup: f64,
    /// Width of one time-series row, minutes.
    pub report_interval: f64,
}

/// Checks `[simulation]`, key by key in the order a planner reads them.
pub(super) fn build(sim: &SimulationSection) -> Result<Settings, Invalid> {
    let sp = KeyPath::root("simulation");
    let start = match &sim.start {
        None => StartInstant::default(),
        Some(s) => StartInstant::parse(s).map_err(|e| sp.child("start").invalid(e))?,
    };
    if !(sim.horizon_days.is_finite() && sim.horizon_days > 0.0 && sim.horizon_days <= limits::HORIZON_DAYS) {
        return Err(sp.child("horizon_days").invalid(format!(
            "must be more than 0 and at most {} days, got {}",
            limits::HORIZON_DAYS,
            shown(sim.horizon_days)
        )));
    }
    if !(sim.warmup_days.is_finite() && sim.warmup_days >= 0.0 && sim.warmup_days < sim.horizon_days) {
        return Err(sp.child("warmup_days").invalid(format!(
            "must be 0 or more and less than horizon_days ({}), got {}",
            shown(sim.horizon_days),
            shown(sim.warmup_days)
        )));
    }
    if !(1..=limits::REPLICATIONS).contains(&sim.replications) {
        return Err(sp.child("replications").invalid(format!(
            "must be between 1 and {}, got {}",
            limits::REPLICATIONS,
            sim.replications
        )));
    }
    let horizon = sim.horizon_days * 1440.0;
    let interval = sim.report_interval_min;
    if !(interval.is_finite() && interval > 0.0 && horizon / interval <= limits::REPORT_ROWS) {
        return Err(sp.child("report_interval_min").invalid(format!(
            "must be more than 0 and give at most {} rows over the horizon, got {interval}",
            limits::REPORT_ROWS
        )));
    }
    Ok(Settings {
        start,
        horizon,
        warmup: sim.warmup_days * 1440.0,
        report_interval: interval,
    })
}
