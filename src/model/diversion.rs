//! Going elsewhere: at a stage with `divert`, a consignment whose patience runs out does not
//! leave for good but drives to another port, which sees it after a travel time as an
//! arrival of its flow of that mode.
//!
//! Rules:
//! - It leaves the first port as one that gives up does (its place frees, a driver it holds
//!   goes back), counted in `diverted` there instead of `abandoned`.
//! - The travel time comes from the stage's own stream `divert/PORT/STAGE`, so adding a
//!   diversion moves no other number.
//! - At the second port it is a new arrival of that port's flow (counted in `arrivals` and
//!   in `diverted_in`), with its route drawn from that flow's route stream; its time in
//!   system there starts when it arrives there. Its vehicles and tag go with it.
//! - One whose drive would end at or after the horizon is still on the road at the end of
//!   the run and is not seen by the second port.

use super::consignment::Handle;
use super::key::{MetricKey, Scope};
use super::metrics::Metrics;
use super::observer::{Observer, Trace};
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

impl Handle {
    /// The event that brings this diverted consignment to its new port.
    #[inline]
    fn divert(self) -> Event {
        Event::Divert(self.slot, self.generation)
    }
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id`, out of the line at stage `s` (which has a `divert`), sets off for the other
    /// port. It has already left the first port's books.
    #[inline(never)]
    pub(super) fn send_on(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        let Some(d) = &self.spec.stages[s].divert else {
            return self.cons.remove(id);
        };
        let at = now + d.travel.sample(&mut self.streams.divert[s]).max(0.0);
        if at < self.spec.horizon {
            self.travelling += 1;
            cal.schedule(at, self.cons.handle(id).divert());
        } else {
            self.cons.remove(id);
        }
    }

    /// Diverted consignment `id` reaches its new port: it arrives there as any consignment
    /// of that port's flow of its mode.
    pub(super) fn on_divert(&mut self, now: Time, id: u32, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        self.travelling -= 1;
        let c = &self.cons[id];
        let (mode, s, vehicles, serial) = (spec.flows[c.flow as usize].mode, c.stage(), c.vehicles, c.serial);
        let Some(flow) = spec.stages[s].divert.as_ref().and_then(|d| d.flows[mode]) else {
            return self.cons.remove(id);
        };
        let (path, len) = self.draw_route(flow);
        self.log(Trace::Arrive {
            t: now,
            serial,
            flow,
            vehicles,
        });
        let measuring = self.measuring;
        let f = &spec.flows[flow];
        let fs = &mut self.flows[flow];
        fs.total_arrived += 1;
        if measuring {
            fs.arrived.0 += 1;
            fs.arrived.1 += u64::from(vehicles);
            fs.diverted_in += 1;
        }
        let first = usize::from(path[0]);
        if len == 0 || !self.stages[first].has_room() {
            // A route of skipped stages clears it at once; a full entrance turns it away.
            if len == 0 {
                fs.total_completed += 1;
                fs.total_completed_vehicles += u64::from(vehicles);
                if measuring {
                    fs.completed.0 += 1;
                    fs.completed.1 += u64::from(vehicles);
                    fs.time_in_system.add(0.0);
                    fs.tis_hist.add(0.0);
                }
                self.log(Trace::Depart { t: now, serial });
            } else {
                fs.total_turned_away += 1;
                if measuring {
                    fs.turned_away.0 += 1;
                    fs.turned_away.1 += u64::from(vehicles);
                    self.stages[first].turned_away += 1;
                }
                self.log(Trace::TurnedAway {
                    t: now,
                    serial,
                    stage: first,
                });
            }
            return self.cons.remove(id);
        }
        fs.inside += 1;
        self.port_level(now, f.port, 1.0);
        // A new record, so a new handle: a patience timer booked at the first port for this
        // route position must not find it in a line here.
        let mut c = self.cons[id];
        self.cons.remove(id);
        (c.flow, c.arrived, c.ready, c.entered, c.waited) = (flow as u32, now, now, now, 0.0);
        (c.path, c.len, c.pos, c.class) = (path, len, 0, f.class);
        (c.has_driver, c.on_reserved, c.ticket) = (false, false, 0);
        let id = self.cons.insert(c);
        self.enter(now, id, first, cal);
    }

    /// Diversion counts of `port`: those it sent on and those it received.
    pub(super) fn diversion_metrics(&self, port: usize, out: &mut Metrics) {
        let spec = self.spec;
        let sends = spec.stages.iter().any(|s| s.port == port && s.divert.is_some());
        let receives = spec
            .stages
            .iter()
            .any(|s| s.divert.as_ref().is_some_and(|d| d.port == port));
        if !(sends || receives) {
            return;
        }
        let key = |scope, name| MetricKey { port, scope, name };
        let flows = || spec.flows.iter().zip(&self.flows).filter(move |(f, _)| f.port == port);
        let share = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        let (mut out_n, mut in_n, mut arr) = (0, 0, 0);
        for (_, fs) in flows() {
            (out_n, in_n, arr) = (out_n + fs.diverted.0, in_n + fs.diverted_in, arr + fs.arrived.0);
        }
        if sends {
            out.push((key(Scope::Port, "diverted"), Some(out_n as f64)));
            out.push((key(Scope::Port, "diverted_fraction"), share(out_n, arr)));
        }
        if receives {
            out.push((key(Scope::Port, "diverted_in"), Some(in_n as f64)));
        }
        for (f, fs) in flows() {
            let scope = Scope::Flow(f.mode);
            if sends {
                out.push((key(scope, "diverted"), Some(fs.diverted.0 as f64)));
                out.push((key(scope, "diverted_vehicles"), Some(fs.diverted.1 as f64)));
                out.push((key(scope, "diverted_fraction"), share(fs.diverted.0, fs.arrived.0)));
                out.push((key(scope, "run_diverted"), Some(fs.total_diverted as f64)));
            }
            if receives {
                out.push((key(scope, "diverted_in"), Some(fs.diverted_in as f64)));
            }
        }
        for (i, (s, st)) in spec.stages.iter().zip(&self.stages).enumerate() {
            if s.port == port && s.divert.is_some() {
                out.push((key(Scope::Stage(i), "diverted"), Some(st.diverted as f64)));
                out.push((key(Scope::Stage(i), "divert_wait_mean_min"), st.divert_wait.mean()));
            }
        }
    }
}
