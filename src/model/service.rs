//! Service levels: the share of consignments (and vehicles) cleared within the scenario's
//! time-in-system targets, waits and time in system by hour of day of arrival, and the
//! cost of a run (lanes open, drivers hired, vehicle-hours waiting and inside the port).
//!
//! Border queues are rarely in steady state, so a mean wait hides the evening peak; a
//! planner's promise is "95 % within four hours", not a mean. Everything here is measured
//! at departure, like time in system, so it covers the consignments that completed after
//! the warm-up. It runs out of line, only for scenarios that ask for it.

use super::key::{MetricKey, Scope};
use super::metrics::Metrics;
use super::names::intern;
use super::observer::Observer;
use super::sim::Simulation;
use super::spec::StageKind;
use super::warmup::WarmSnapshot;
use crate::engine::Time;
use crate::policy::ClearancePolicy;
use crate::stats::Tally;

/// What the scenario's `[service]` and `[costs]` ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceSpec {
    /// Time-in-system targets, minutes, increasing.
    pub targets: Vec<f64>,
    /// Break waits and time in system down by hour of day of arrival.
    pub by_hour: bool,
    /// Unit costs, if any.
    pub costs: Option<Costs>,
}

impl ServiceSpec {
    /// True when departures must be recorded here.
    pub fn active(&self) -> bool {
        !self.targets.is_empty() || self.by_hour || self.costs.is_some()
    }
}

/// Unit costs, in the scenario's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Costs {
    /// Per lane-hour open at a `servers` stage.
    pub lane_hour: f64,
    /// Per driver-hour of a pool.
    pub driver_hour: f64,
    /// Per vehicle-hour waiting in lines.
    pub vehicle_hour_waiting: f64,
    /// Per vehicle-hour inside the port.
    pub vehicle_hour_in_port: f64,
}

/// One flow's service-level counts since the warm-up.
#[derive(Debug, Clone, Default)]
pub struct FlowService {
    /// Per target: consignments and vehicles completed within it.
    pub within: Vec<(u64, u64)>,
    /// Per hour of day of arrival: time in system and total wait of those completed.
    pub hours: Vec<(Tally, Tally)>,
    /// Vehicle-minutes waiting and inside the port, of those completed.
    pub vehicle_min: (f64, f64),
}

impl FlowService {
    /// Empty counts for `spec`.
    pub fn new(spec: &ServiceSpec) -> Self {
        Self {
            within: vec![(0, 0); spec.targets.len()],
            hours: if spec.by_hour {
                vec![Default::default(); 24]
            } else {
                Vec::new()
            },
            vehicle_min: (0.0, 0.0),
        }
    }
}

/// The name of the share within target `t` (minutes), of consignments or of vehicles.
pub fn within_name(t: f64, vehicles: bool) -> &'static str {
    intern(format!("within_{t}_min{}", if vehicles { "_vehicles" } else { "" }))
}

/// The names of hour `h`'s mean wait and mean time in system.
pub fn hour_names(h: usize) -> (&'static str, &'static str) {
    (
        intern(format!("by_hour_{h:02}_wait_mean_min")),
        intern(format!("by_hour_{h:02}_time_in_system_mean_min")),
    )
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// Records a departure of `flow` (measured) for the service levels.
    #[inline(never)]
    pub(super) fn record_service(&mut self, flow: usize, vehicles: u32, arrived: Time, waited: f64, now: Time) {
        let spec = self.spec;
        let tis = now - arrived;
        let fs = &mut self.service[flow];
        let v = f64::from(vehicles);
        for (i, &t) in spec.service.targets.iter().enumerate() {
            if tis <= t {
                fs.within[i].0 += 1;
                fs.within[i].1 += u64::from(vehicles);
            }
        }
        if spec.service.by_hour {
            let h = spec.start.hour_of_day(arrived);
            fs.hours[h].0.add(tis);
            fs.hours[h].1.add(waited);
        }
        fs.vehicle_min.0 += waited * v;
        fs.vehicle_min.1 += tis * v;
    }

    /// The service-level metrics of `port`, after its other port and flow metrics.
    pub(super) fn service_metrics(&self, port: usize, out: &mut Metrics) {
        let spec = self.spec;
        let sv = &spec.service;
        if !sv.active() {
            return;
        }
        let flows = || {
            spec.flows
                .iter()
                .zip(&self.service)
                .zip(&self.flows)
                .filter(move |((f, _), _)| f.port == port)
        };
        let key = |scope, name| MetricKey { port, scope, name };
        let share = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        for (i, &t) in sv.targets.iter().enumerate() {
            let (mut n, mut v, mut dn, mut dv) = (0, 0, 0, 0);
            for ((_, s), fs) in flows() {
                (n, v, dn, dv) = (
                    n + s.within[i].0,
                    v + s.within[i].1,
                    dn + fs.completed.0,
                    dv + fs.completed.1,
                );
            }
            out.push((key(Scope::Port, within_name(t, false)), share(n, dn)));
            out.push((key(Scope::Port, within_name(t, true)), share(v, dv)));
        }
        for i in 0..sv.targets.len() {
            for ((f, s), fs) in flows() {
                let t = sv.targets[i];
                let scope = Scope::Flow(f.mode);
                out.push((key(scope, within_name(t, false)), share(s.within[i].0, fs.completed.0)));
                out.push((key(scope, within_name(t, true)), share(s.within[i].1, fs.completed.1)));
            }
        }
        if sv.by_hour {
            for ((f, s), _) in flows() {
                for (h, (tis, wait)) in s.hours.iter().enumerate() {
                    let (w, t) = hour_names(h);
                    out.push((key(Scope::Flow(f.mode), w), wait.mean()));
                    out.push((key(Scope::Flow(f.mode), t), tis.mean()));
                }
            }
        }
        if let Some(c) = sv.costs {
            self.cost_metrics(port, &c, out);
        }
    }

    /// Lane-hours, driver-hours and vehicle-hours of `port` over the measured window, and
    /// what they cost per day.
    fn cost_metrics(&self, port: usize, c: &Costs, out: &mut Metrics) {
        let spec = self.spec;
        let end = spec.horizon;
        let window = end - self.warm.time;
        let key = |name| MetricKey {
            port,
            scope: Scope::Port,
            name,
        };
        let lane_min: f64 = spec
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.port == port && s.kind == StageKind::Servers)
            .map(|(i, _)| self.stages[i].open_tw.area_at(end) - WarmSnapshot::get(&self.warm.open, i))
            .sum();
        let driver_min = spec.ports[port]
            .pool
            .map_or(0.0, |p| f64::from(spec.pools[p].size) * window);
        let (mut waiting, mut inside) = (0.0, 0.0);
        for (_, s) in spec.flows.iter().zip(&self.service).filter(|(f, _)| f.port == port) {
            waiting += s.vehicle_min.0;
            inside += s.vehicle_min.1;
        }
        let hours = [lane_min, driver_min, waiting, inside].map(|m| m / 60.0);
        let total = hours[0] * c.lane_hour
            + hours[1] * c.driver_hour
            + hours[2] * c.vehicle_hour_waiting
            + hours[3] * c.vehicle_hour_in_port;
        out.push((key("lane_hours"), Some(hours[0])));
        out.push((key("driver_hours"), Some(hours[1])));
        out.push((key("vehicle_hours_waiting"), Some(hours[2])));
        out.push((key("vehicle_hours_in_port"), Some(hours[3])));
        out.push((key("cost_total"), Some(total)));
        out.push((key("cost_per_day"), (window > 0.0).then(|| total / (window / 1440.0))));
    }
}

/// Most time-in-system targets a scenario may list.
pub const MAX_TARGETS: usize = 16;
