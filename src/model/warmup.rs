//! The warm-up: statistics start when it ends, applied in one place.
//!
//! Handlers test one `measuring` flag, set when the warm-up ends, instead of comparing
//! times, and time-weighted levels keep their areas at the end of the warm-up so
//! post-warm-up averages are differences of areas.

use super::state::{PoolState, PortState, StageState, View};

/// Areas of every time-weighted level at the end of the warm-up, so post-warm-up averages
/// are differences of areas.
#[derive(Debug, Clone, Default)]
pub struct WarmSnapshot {
    pub(super) time: f64,
    pub(super) queue: Vec<f64>,
    pub(super) busy: Vec<f64>,
    pub(super) avail: Vec<f64>,
    pub(super) open: Vec<f64>,
    pub(super) occupancy: Vec<f64>,
    pub(super) pools: Vec<f64>,
    pub(super) ports: Vec<f64>,
    pub(super) lines: Vec<f64>,
}

impl WarmSnapshot {
    /// Records the areas at time `t`.
    pub fn take(sim: View<'_>, t: f64) -> Self {
        Self {
            time: t,
            queue: sim.stages.iter().map(|s| s.queue_tw.area_at(t)).collect(),
            busy: sim.stages.iter().map(|s| s.busy_tw.area_at(t)).collect(),
            avail: sim.stages.iter().map(|s| s.avail_tw.area_at(t)).collect(),
            open: sim.stages.iter().map(|s| s.open_tw.area_at(t)).collect(),
            occupancy: sim.stages.iter().map(|s| s.occupancy_tw.area_at(t)).collect(),
            pools: sim.pools.iter().map(|p| p.busy_tw.area_at(t)).collect(),
            ports: sim.ports.iter().map(|p| p.in_system.area_at(t)).collect(),
            lines: sim.ports.iter().map(|p| p.line_m.area_at(t)).collect(),
        }
    }

    pub(super) fn get(v: &[f64], i: usize) -> f64 {
        v.get(i).copied().unwrap_or(0.0)
    }
}

/// The warm-up is over at `now`: the areas so far are kept aside, and waits, stays, maxima
/// and quota counts start again. The one place that restarts statistics, so no handler
/// needs its own `now >= warmup` test.
pub fn restart(stages: &mut [StageState], pools: &mut [PoolState], ports: &mut [PortState]) {
    for st in stages {
        st.quota.restart();
        st.waits.iter_mut().for_each(|w| w.clear());
        st.stay = Default::default();
        st.abandon_wait = Default::default();
        st.divert_wait = Default::default();
        (st.failures, st.repair_min, st.lane_min) = (0, 0.0, 0.0);
        st.queue_tw.reset_max();
        st.occupancy_tw.reset_max();
        st.busy_tw.reset_max();
    }
    for p in pools {
        p.busy_tw.reset_max();
    }
    for p in ports {
        p.in_system.reset_max();
        p.line_m.reset_max();
    }
}
