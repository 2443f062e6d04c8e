//! Giving up: a consignment that has waited in a stage's line for its patience (drawn when
//! it joins the line, from the stage's own stream) leaves the line and the port, counted as
//! abandoned. This is the "+M" of an Erlang-A (M/M/c+M) queue.
//!
//! Rules:
//! - Patience counts waiting in the line only: once a clearance has started, or while a
//!   consignment is blocked after service, it stays.
//! - A consignment whose patience runs out at the moment a lane frees is served (renege
//!   events come after completions at equal times).
//! - It is counted (and its wait before giving up) when it arrived after the warm-up, so
//!   the share that gave up is a share of the measured arrivals.
//! - One that gives up frees its place in the stage (those blocked upstream move in) and,
//!   if it holds a driver, sends the driver back.
//!
//! The timer is an event naming the consignment's [`Handle`] and route position; when it
//! fires it takes the consignment out of the line if it is still there (a scan of that
//! stage's line), and otherwise does nothing. Stages without a patience draw nothing and
//! book nothing, so existing results do not move.

use super::consignment::Handle;
use super::observer::{Observer, Trace};
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

impl Handle {
    /// The event that ends this consignment's patience at route position `pos`.
    #[inline]
    pub(super) fn renege(self, pos: u8) -> Event {
        Event::Renege(self.slot, self.generation, pos)
    }
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id` has joined the line at stage `s`, which has a patience: book its end. Out of
    /// line: stages without a patience never call it.
    #[inline(never)]
    pub(super) fn start_patience(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        let Some(d) = &self.spec.stages[s].patience else {
            return;
        };
        let wait = d.sample(&mut self.streams.patience[s]).max(0.0);
        let at = now + wait;
        if at < self.spec.horizon {
            let pos = self.cons[id].pos;
            cal.schedule(at, self.cons.handle(id).renege(pos));
        }
    }

    /// The patience of `id` at route position `pos` has run out: if it still waits there,
    /// it leaves the line and the port.
    pub(super) fn on_renege(&mut self, now: Time, id: u32, pos: u8, cal: &mut Calendar<Event>) {
        let c = &self.cons[id];
        if c.pos != pos {
            return;
        }
        let s = c.stage();
        let st = &mut self.stages[s];
        if !(st.queue.remove(id) || st.green.remove(id)) {
            // In service, or blocked after it: it stays.
            return;
        }
        st.queue_tw.set(now, f64::from(st.waiting()));
        if self.km {
            self.line_moved(now, id, false);
        }
        let divert = self.spec.stages[s].divert.is_some();
        let c = &mut self.cons[id];
        let (fi, vehicles, ready, entered) = (c.flow as usize, c.vehicles, c.ready, c.entered);
        let (has_driver, serial) = (std::mem::take(&mut c.has_driver), c.serial);
        let port = self.spec.flows[fi].port;
        // Counted for consignments that arrived in the measured window, so the share given
        // up is a share of the measured arrivals.
        let counted = c.arrived >= self.spec.warmup;
        let st = &mut self.stages[s];
        let fs = &mut self.flows[fi];
        fs.inside -= 1;
        if divert {
            fs.total_diverted += 1;
            if counted {
                st.diverted += 1;
                st.divert_wait.add(now - ready);
                fs.diverted.0 += 1;
                fs.diverted.1 += u64::from(vehicles);
            }
        } else {
            fs.total_abandoned += 1;
            if counted {
                st.abandoned += 1;
                st.abandon_wait.add(now - ready);
                fs.abandoned.0 += 1;
                fs.abandoned.1 += u64::from(vehicles);
            }
        }
        self.port_level(now, port, -1.0);
        if has_driver {
            self.send_driver_back(now, port, serial, cal);
        }
        if divert {
            self.log(Trace::Divert {
                t: now,
                serial,
                stage: s,
            });
            self.send_on(now, id, s, cal);
        } else {
            self.log(Trace::Abandon {
                t: now,
                serial,
                stage: s,
            });
            self.cons.remove(id);
        }
        self.free_place(now, s, entered, cal);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Recorder, Simulation, Trace};
    use std::path::Path;

    fn scenario(extra: &str) -> crate::scenario::Scenario {
        // One lane of 10 minutes, a truck every 4 minutes from 0: a growing line.
        let src = format!(
            "[simulation]\nstart = \"2025-01-06\"\nhorizon_days = 1\nseed = 1\nreplications = 1\n\n[modes.car]\nkind = \"generic\"\n\n[ports.p.stages.lane]\nkind = \"servers\"\nservers = 1\nclearance = {{ dist = \"constant\", value = 10 }}\n{extra}\n[ports.p.flows.car]\nevery_min = 4\nroute = [\"lane\"]\n"
        );
        crate::scenario::parse_str(&src, Path::new("t.toml")).unwrap()
    }

    #[test]
    fn a_constant_patience_gives_up_exactly_when_it_runs_out() {
        // Patience 15: arrivals at 0, 4, 8, ... The lane serves 0 (0-10), 4 (10-20), 8
        // (20-30); 12 has waited 15 at 27 and gives up; 16 starts at 30 (waited 14).
        let sc = scenario("patience = { dist = \"constant\", value = 15 }\n");
        let mut sim = Simulation::observed(&sc.spec, sc.policy.clone(), 1, 0, Recorder::default());
        sim.run();
        let gave_up: Vec<(f64, u64)> = sim
            .observer()
            .0
            .iter()
            .filter_map(|e| match e {
                Trace::Abandon { t, serial, .. } => Some((*t, *serial)),
                _ => None,
            })
            .collect();
        assert_eq!(gave_up[0], (27.0, 3));
        // From then on every other arrival gives up: one served per 10 minutes, one arrives
        // per 4, and each waits at most 15.
        let lost = sim.stages[0].abandoned;
        let f = &sim.flows[0];
        assert!(lost > 100, "{lost}");
        assert_eq!(f.total_completed + lost + f.inside, f.total_arrived);
        assert!(sim.stages[0].waits[0].wait.max().unwrap() <= 15.0);
        assert_eq!(sim.stages[0].abandon_wait.max(), Some(15.0));
        // Conservation in the port as a whole.
        assert_eq!(sim.flows[0].total_abandoned, lost);
        assert_eq!(sim.inside() as u64, sim.flows[0].inside);
    }

    #[test]
    fn without_patience_nobody_gives_up() {
        let sc = scenario("");
        let mut sim = Simulation::new(&sc.spec, sc.policy.clone(), 1, 0);
        sim.run();
        assert_eq!(sim.stages[0].abandoned, 0);
        assert_eq!(sim.flows[0].total_abandoned, 0);
    }
}
