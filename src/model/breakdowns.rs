//! Lane breakdowns at a server stage: each lane fails after a working time drawn from
//! `between` and is repaired in a time drawn from `repair`, each from the stage's own stream
//! (`failures/PORT/STAGE`, `repairs/PORT/STAGE`), so adding breakdowns to one stage moves no
//! other number and common random numbers hold across variants.
//!
//! Rules:
//! - A lane wears only while it clears: its time to failure counts working minutes, and is
//!   carried from one clearance to the next (an idle lane does not fail). After a repair the
//!   lane is as good as new and draws a fresh time to failure.
//! - The consignment in service stays on its lane during the repair. Under `resume` its
//!   clearance then goes on with the time it had left; under `restart` it starts again from
//!   the beginning (the same work).
//! - A lane under repair counts as busy with its consignment (utilization includes repairs).
//!
//! Because the lane's working time, its failures and its repairs during one clearance
//! depend only on the clearance's work and the lane, the whole clearance is laid out when
//! it starts: one completion event, no preemption, and the hot loop of stages without
//! breakdowns is untouched.

use super::failure::Failure;
use super::observer::Observer;
use super::sim::{Event, Simulation};
use super::spec::AfterRepair;
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

/// Most interruptions one clearance may have; beyond it the run stops with an error rather
/// than loop (only `restart` with work much longer than the time between failures gets
/// there).
pub const MAX_REPAIRS: u32 = 100_000;

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// Books the completion of a clearance of `work` minutes starting now on a lane of stage
    /// `s`, repairs included (or stops the run, see [`MAX_REPAIRS`]).
    #[inline(never)]
    pub(super) fn start_with_breakdowns(&mut self, now: Time, id: u32, s: usize, work: f64, cal: &mut Calendar<Event>) {
        if let Some(t) = self.with_breakdowns(now, id, s, work) {
            cal.schedule(now + t, self.cons.handle(id).done());
        }
    }

    /// The lane time of a clearance of `work` minutes of consignment `id` starting now at
    /// stage `s` (which has breakdowns), on the lane freed last (a new one if none is
    /// idle); records the lane's state in the consignment. `None` when it would
    /// never finish (see [`MAX_REPAIRS`]).
    pub(super) fn with_breakdowns(&mut self, now: Time, id: u32, s: usize, work: f64) -> Option<f64> {
        let spec = self.spec;
        let b = spec.stages[s].breakdowns.as_ref()?;
        let (fail, repair) = (&mut self.streams.failures[s], &mut self.streams.repairs[s]);
        let st = &mut self.stages[s];
        let mut left = match st.lanes_idle.pop() {
            Some(l) => l,
            None => b.between.sample(fail).max(0.0),
        };
        let (mut elapsed, mut todo, mut repairs, mut repaired) = (0.0, work, 0u32, 0.0);
        while left < todo {
            if repairs == MAX_REPAIRS {
                self.failure = Some(Failure::EndlessRepairs { at: now, stage: s });
                return None;
            }
            let r = b.repair.sample(repair).max(0.0);
            elapsed += left + r;
            repaired += r;
            repairs += 1;
            todo = match b.rule {
                AfterRepair::Resume => todo - left,
                AfterRepair::Restart => work,
            };
            left = b.between.sample(fail).max(0.0);
        }
        elapsed += todo;
        left -= todo;
        if self.measuring {
            st.failures += u64::from(repairs);
            st.repair_min += repaired;
            st.lane_min += elapsed;
        }
        self.cons[id].ticket = left.to_bits();
        Some(elapsed)
    }

    /// Consignment `id` lets go of its lane at stage `s`, which has breakdowns: the lane,
    /// with the working time it has left, is idle again.
    #[inline(never)]
    pub(super) fn return_lane(&mut self, id: u32, s: usize) {
        let left = f64::from_bits(self.cons[id].ticket);
        self.stages[s].lanes_idle.push(left);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Simulation;
    use std::path::Path;

    /// One lane of 10 minutes' work, a truck every 30 minutes, breakdowns as given.
    fn sim_of(breakdowns: &str) -> crate::scenario::Scenario {
        let src = format!(
            "[simulation]\nstart = \"2025-01-06\"\nhorizon_days = 1\nseed = 1\nreplications = 1\n\n[modes.car]\nkind = \"generic\"\n\n[ports.p.stages.lane]\nkind = \"servers\"\nservers = 1\nclearance = {{ dist = \"constant\", value = 10 }}\nbreakdowns = {breakdowns}\n\n[ports.p.flows.car]\nevery_min = 30\nroute = [\"lane\"]\n"
        );
        crate::scenario::parse_str(&src, Path::new("t.toml")).unwrap()
    }

    fn stay(breakdowns: &str) -> (f64, u64, f64) {
        let sc = sim_of(breakdowns);
        let mut sim = Simulation::new(&sc.spec, sc.policy.clone(), 1, 0);
        sim.run();
        let st = &sim.stages[0];
        (st.stay.mean().unwrap(), st.failures, st.repair_min)
    }

    #[test]
    fn resume_adds_the_repairs_to_the_work() {
        // A failure every 4 working minutes, 3 to repair, 48 trucks (every 30 minutes, so
        // the lane is always free). First clearance: fails at 4 and 8 of its 10 minutes:
        // 10 + 2 x 3 = 16, and the lane has 2 working minutes left. Second: fails after 2,
        // then after 4 more, and the last 4 end exactly at the next failure: 16, left 0.
        // Third: fails at once, then at 4 and 8: 19, left 2. From then on 16 and 19 in turn.
        let (mean, failures, repaired) = stay(
            "{ between = { dist = \"constant\", value = 4 }, repair = { dist = \"constant\", value = 3 }, rule = \"resume\" }",
        );
        // Clearances 2..48: 24 with 2 failures, 23 with 3; the first has 2.
        assert_eq!(failures, 2 + 24 * 2 + 23 * 3);
        assert_eq!(repaired, 3.0 * failures as f64);
        // (The running mean is within rounding of the exact one.)
        assert!((mean - (48.0 * 10.0 + repaired) / 48.0).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn restart_repeats_the_work_after_each_repair() {
        // A failure after 6 working minutes, 1 to repair, work 10: fails at 6, restarts; the
        // fresh lane fails 6 into the repeat... for ever: the run stops with an error.
        let sc = sim_of(
            "{ between = { dist = \"constant\", value = 6 }, repair = { dist = \"constant\", value = 1 }, rule = \"restart\" }",
        );
        let mut sim = Simulation::new(&sc.spec, sc.policy.clone(), 1, 0);
        sim.run();
        assert!(matches!(
            sim.failure,
            Some(crate::model::Failure::EndlessRepairs { .. })
        ));
        // With 25 minutes between failures: the first clearance takes 10 (left 15), the
        // second 10 (left 5), the third fails at 5, is repaired in 1 and starts again on the
        // renewed lane: 5 + 1 + 10 = 16, left 15; then 10 and 16 in turn.
        let (mean, failures, repaired) = stay(
            "{ between = { dist = \"constant\", value = 25 }, repair = { dist = \"constant\", value = 1 }, rule = \"restart\" }",
        );
        assert_eq!(failures, 23);
        assert_eq!(repaired, 23.0);
        assert_eq!(mean, (10.0 + 24.0 * 10.0 + 23.0 * 16.0) / 48.0);
    }
}
