//! Queue length on the road: the metres of the port's waiting lines, from each mode's
//! `length_m` plus `gap_m` per consignment in line (a carrier, a truck or a car), so a
//! planner can set a queue against the kilometres reported from the border.
//!
//! A consignment counts while it waits in a stage's line (blocked consignments stand in
//! the stage they finished). Only scenarios that give a length measure it.

use super::key::{MetricKey, Scope};
use super::metrics::Metrics;
use super::observer::Observer;
use super::sim::Simulation;
use super::warmup::WarmSnapshot;
use crate::engine::Time;
use crate::policy::ClearancePolicy;

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id` joined (`joined`) or left a line of its port.
    #[inline(never)]
    pub(super) fn line_moved(&mut self, now: Time, id: u32, joined: bool) {
        let f = &self.spec.flows[self.cons[id].flow as usize];
        let m = self.spec.modes[f.mode].metres;
        self.ports[f.port].line_m.add(now, if joined { m } else { -m });
    }

    /// Mean and longest queue of `port` in kilometres, over the measured window.
    pub(super) fn queue_length_metrics(&self, port: usize, out: &mut Metrics) {
        let spec = self.spec;
        if !spec.measures_queue_length() {
            return;
        }
        let end = spec.horizon;
        let window = end - self.warm.time;
        let tw = &self.ports[port].line_m;
        let area = tw.area_at(end) - WarmSnapshot::get(&self.warm.lines, port);
        let key = |name| MetricKey {
            port,
            scope: Scope::Port,
            name,
        };
        out.push((key("queue_km_mean"), (window > 0.0).then(|| area / window / 1000.0)));
        out.push((key("queue_km_max"), Some(tw.max() / 1000.0)));
    }
}
