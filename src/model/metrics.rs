//! The scalar results of one replication, measured after the warm-up.

use super::key::{MetricKey, Scope};
use super::observer::Observer;
use super::sim::Simulation;
use super::spec::StageKind;
use super::state::WaitStats;
use super::warmup::WarmSnapshot;
use crate::policy::ClearancePolicy;
use crate::stats::{Histogram, Tally};

/// Named values of one replication, in a fixed order for a given model.
pub type Metrics = Vec<(MetricKey, Option<f64>)>;

/// Calendar days (midnight to midnight in the scenario's clock) that the window [from, to)
/// touches, partial days included.
fn calendar_days(spec: &super::spec::ModelSpec, from: f64, to: f64) -> f64 {
    let offset = f64::from(spec.start.minute_of_week(0.0) % 1440);
    let day = |t: f64| ((t + offset) / 1440.0).floor();
    if to <= from {
        return 0.0;
    }
    // The window is half-open: a window ending exactly at midnight does not touch the next day.
    let last = ((to + offset) / 1440.0).ceil() - 1.0;
    last - day(from) + 1.0
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn push_tis(out: &mut Metrics, port: usize, scope: Scope, tally: &Tally, hist: &Histogram) {
    let key = |name| MetricKey { port, scope, name };
    out.push((key("time_in_system_mean_min"), tally.mean()));
    out.push((key("time_in_system_p50_min"), hist.quantile(0.50)));
    out.push((key("time_in_system_p90_min"), hist.quantile(0.90)));
    out.push((key("time_in_system_p95_min"), hist.quantile(0.95)));
    out.push((key("time_in_system_p99_min"), hist.quantile(0.99)));
    out.push((key("time_in_system_max_min"), tally.max()));
}

fn push_waits(out: &mut Metrics, port: usize, scope: Scope, w: &WaitStats, full: bool) {
    let key = |name| MetricKey { port, scope, name };
    out.push((key("served"), Some(w.wait.count() as f64)));
    out.push((key("wait_mean_min"), w.wait.mean()));
    out.push((key("p_wait"), ratio(w.waited as f64, w.wait.count() as f64)));
    out.push((key("wait_p95_min"), w.hist.quantile(0.95)));
    if full {
        out.push((key("wait_p50_min"), w.hist.quantile(0.50)));
        out.push((key("wait_p90_min"), w.hist.quantile(0.90)));
        out.push((key("wait_p99_min"), w.hist.quantile(0.99)));
        out.push((key("wait_max_min"), w.wait.max()));
    }
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// Every scalar result of the replication, measured from the warm-up to the horizon.
    /// Call after `run`.
    pub fn metrics(&self) -> Metrics {
        let spec = self.spec;
        let end = spec.horizon;
        let w = &self.warm;
        let window = end - w.time;
        let days = window / 1440.0;
        let mut out = Metrics::new();
        for port in 0..spec.ports.len() {
            let pk = |name| MetricKey {
                port,
                scope: Scope::Port,
                name,
            };
            // Abandonment counts appear only where a line has a patience, so results of
            // scenarios without one keep their exact layout.
            // A line that diverts sends on rather than loses: it counts in `diverted`.
            let patience = spec
                .stages
                .iter()
                .any(|s| s.port == port && s.patience.is_some() && s.divert.is_none());
            // Port totals over all modes.
            let (mut arr, mut done, mut veh, mut turned, mut admitted) = (0u64, 0u64, 0u64, 0u64, 0u64);
            let mut gave_up = 0u64;
            let mut tis = Tally::default();
            let mut hist = Histogram::default();
            for (f, fs) in spec.flows.iter().zip(&self.flows).filter(|(f, _)| f.port == port) {
                let _ = f;
                arr += fs.arrived.0;
                done += fs.completed.0;
                veh += fs.completed.1;
                turned += fs.turned_away.0;
                gave_up += fs.abandoned.0;
                admitted += fs.arrived.0 - fs.turned_away.0;
                tis.merge(&fs.time_in_system);
                hist.merge(&fs.tis_hist);
            }
            out.push((pk("arrivals"), Some(arr as f64)));
            out.push((pk("completed"), Some(done as f64)));
            out.push((pk("consignments_per_day"), ratio(done as f64, days)));
            out.push((pk("vehicles_per_day"), ratio(veh as f64, days)));
            out.push((pk("turned_away"), Some(turned as f64)));
            out.push((pk("turned_away_fraction"), ratio(turned as f64, arr as f64)));
            out.push((pk("admitted_per_min"), ratio(admitted as f64, window)));
            if patience {
                out.push((pk("abandoned"), Some(gave_up as f64)));
                out.push((pk("abandoned_fraction"), ratio(gave_up as f64, arr as f64)));
            }
            let in_sys = self.ports[port].in_system.area_at(end) - WarmSnapshot::get(&w.ports, port);
            out.push((pk("in_system_mean"), ratio(in_sys, window)));
            out.push((pk("in_system_max"), Some(self.ports[port].in_system.max())));
            push_tis(&mut out, port, Scope::Port, &tis, &hist);

            for (fi, (f, fs)) in spec
                .flows
                .iter()
                .zip(&self.flows)
                .enumerate()
                .filter(|(_, (f, _))| f.port == port)
            {
                let _ = fi;
                let scope = Scope::Flow(f.mode);
                let key = |name| MetricKey { port, scope, name };
                out.push((key("arrivals"), Some(fs.arrived.0 as f64)));
                out.push((key("arrival_vehicles"), Some(fs.arrived.1 as f64)));
                out.push((key("completed"), Some(fs.completed.0 as f64)));
                out.push((key("completed_vehicles"), Some(fs.completed.1 as f64)));
                out.push((key("consignments_per_day"), ratio(fs.completed.0 as f64, days)));
                out.push((key("vehicles_per_day"), ratio(fs.completed.1 as f64, days)));
                out.push((key("turned_away"), Some(fs.turned_away.0 as f64)));
                out.push((key("turned_away_vehicles"), Some(fs.turned_away.1 as f64)));
                out.push((
                    key("turned_away_fraction"),
                    ratio(fs.turned_away.0 as f64, fs.arrived.0 as f64),
                ));
                if patience {
                    out.push((key("abandoned"), Some(fs.abandoned.0 as f64)));
                    out.push((key("abandoned_vehicles"), Some(fs.abandoned.1 as f64)));
                    out.push((
                        key("abandoned_fraction"),
                        ratio(fs.abandoned.0 as f64, fs.arrived.0 as f64),
                    ));
                }
                push_tis(&mut out, port, scope, &fs.time_in_system, &fs.tis_hist);
                out.push((key("run_arrived"), Some(fs.total_arrived as f64)));
                out.push((key("run_completed"), Some(fs.total_completed as f64)));
                out.push((key("run_inside_at_end"), Some(fs.inside as f64)));
                out.push((key("run_turned_away"), Some(fs.total_turned_away as f64)));
                if patience {
                    out.push((key("run_abandoned"), Some(fs.total_abandoned as f64)));
                }
            }

            for (s, (ss, st)) in spec
                .stages
                .iter()
                .zip(&self.stages)
                .enumerate()
                .filter(|(_, (ss, _))| ss.port == port)
            {
                let scope = Scope::Stage(s);
                let key = |name| MetricKey { port, scope, name };
                let mut all = WaitStats::default();
                st.waits.iter().for_each(|m| all.merge(m));
                push_waits(&mut out, port, scope, &all, true);
                out.push((key("entered"), Some(st.entered as f64)));
                let area = |tw: &crate::stats::TimeWeighted, v: &[f64]| tw.area_at(end) - WarmSnapshot::get(v, s);
                out.push((key("queue_mean"), ratio(area(&st.queue_tw, &w.queue), window)));
                out.push((key("queue_max"), Some(st.queue_tw.max())));
                // Consignments still waiting at the end have no wait recorded yet: this shows them.
                out.push((key("queue_at_end"), Some(f64::from(st.waiting()))));
                out.push((
                    key("in_stage_mean"),
                    ratio(area(&st.occupancy_tw, &w.occupancy), window),
                ));
                out.push((key("in_stage_max"), Some(st.occupancy_tw.max())));
                out.push((key("stay_mean_min"), st.stay.mean()));
                out.push((key("blocked"), Some(st.blocked as f64)));
                out.push((key("turned_away"), Some(st.turned_away as f64)));
                if ss.breakdowns.is_some() {
                    out.push((key("lane_failures"), Some(st.failures as f64)));
                    out.push((key("repair_share"), ratio(st.repair_min, st.lane_min)));
                }
                if ss.patience.is_some() && ss.divert.is_none() {
                    out.push((key("abandoned"), Some(st.abandoned as f64)));
                    out.push((key("abandon_wait_mean_min"), st.abandon_wait.mean()));
                }
                if ss.timeline.has_quota() {
                    // How often the quota, not the lanes, set the day's throughput: over the
                    // calendar days the measured window touches, partial ones included.
                    out.push((
                        key("capped_days_fraction"),
                        ratio(st.quota.capped_days as f64, calendar_days(spec, w.time, end)),
                    ));
                }
                if ss.kind == StageKind::Servers {
                    let busy = area(&st.busy_tw, &w.busy);
                    out.push((key("busy_mean"), ratio(busy, window)));
                    out.push((key("servers_open_mean"), ratio(area(&st.open_tw, &w.open), window)));
                    out.push((key("utilization"), ratio(busy, area(&st.avail_tw, &w.avail))));
                }
                for (m, ws) in st.waits.iter().enumerate() {
                    if spec.flows.iter().any(|f| f.port == port && f.mode == m) {
                        push_waits(&mut out, port, Scope::StageMode(s, m), ws, false);
                    }
                }
            }

            if let Some(pool) = spec.ports[port].pool {
                let scope = Scope::Pool(pool);
                let key = |name| MetricKey { port, scope, name };
                let size = f64::from(spec.pools[pool].size);
                let busy = self.pools[pool].busy_tw.area_at(end) - WarmSnapshot::get(&w.pools, pool);
                out.push((key("drivers"), Some(size)));
                out.push((key("drivers_busy_mean"), ratio(busy, window)));
                out.push((key("drivers_busy_max"), Some(self.pools[pool].busy_tw.max())));
                out.push((key("utilization"), ratio(busy, window * size)));
                out.push((key("trips"), Some(self.pools[pool].trips as f64)));
            }
            self.service_metrics(port, &mut out);
            self.diversion_metrics(port, &mut out);
            self.queue_length_metrics(port, &mut out);
            self.backlog_metrics(port, &mut out);
        }
        out
    }
}
