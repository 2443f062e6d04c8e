//! Observed arrivals: a gate log replayed exactly in every replication, or day by day (a
//! bootstrap of whole observed days) so that replications differ. Each arrival may carry
//! its vehicles from the log. Out of the ordinary arrival path: observed sources have
//! their own event, so flows with a rate never test for them.

use super::demand::pick_flow;
use super::observer::Observer;
use super::sim::{Event, Simulation};
use crate::date::StartInstant;
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;
use crate::random::StreamRng;
use rand::Rng;
use std::sync::Arc;

/// How a log is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Every replication replays exactly the logged arrivals.
    Exact,
    /// Each simulated calendar day replays one observed day, drawn uniformly with
    /// replacement; with `weekday`, only among observed days of the same weekday.
    Days {
        /// Draw only days of the simulated day's weekday.
        weekday: bool,
    },
}

/// One observed calendar day of a log: a range of [`ObservedSpec::times`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservedDay {
    /// First index into `times`.
    pub from: usize,
    /// One past the last index.
    pub to: usize,
    /// Monday = 0 … Sunday = 6.
    pub weekday: u8,
}

/// The arrivals of a log, resolved against the scenario's calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedSpec {
    /// Exact or day by day.
    pub replay: Replay,
    /// For `Exact`: minutes from the start, sorted, each in [0, horizon). For `Days`: the
    /// minute of day of each arrival, day after day.
    pub times: Vec<f64>,
    /// Vehicles of each arrival (as long as `times`), or empty: drawn as the mode says.
    pub vehicles: Vec<u32>,
    /// For `Days`: the observed days, in date order (empty days included).
    pub days: Vec<ObservedDay>,
    /// For `Days` with `weekday`: indices into `days` by weekday, Monday first.
    pub by_weekday: [Vec<u32>; 7],
    /// What was read, in words, for `check` (file, rows used and skipped).
    pub note: String,
}

impl ObservedSpec {
    /// Most arrivals one replication of `horizon` minutes can replay: for bounding work.
    pub fn bound(&self, horizon: f64) -> f64 {
        match self.replay {
            Replay::Exact => self.times.len() as f64,
            Replay::Days { .. } => {
                let busiest = self.days.iter().map(|d| d.to - d.from).max().unwrap_or(0);
                busiest as f64 * (horizon / 1440.0 + 2.0).ceil()
            }
        }
    }
}

/// Where an observed source's consignments go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A flow's own arrivals (flow index).
    Flow(usize),
    /// A shared demand's (demand index), split between ports as the demand says.
    Demand(usize),
}

/// Replays one observed source in one replication.
#[derive(Debug, Clone)]
pub struct ObservedGen {
    /// Whose arrivals these are.
    pub source: Source,
    spec: Arc<ObservedSpec>,
    /// The day draws (own stream, `observed/PORT/MODE` or `observed/demand:NAME`).
    rng: StreamRng,
    /// Next index into `times` and the end of the current day's range.
    pos: usize,
    end: usize,
    /// The current simulated calendar day (days since 1970-01-01); `None` before the first.
    day: Option<i64>,
    /// Vehicles of the arrival booked next, when the log gives them.
    pending: Option<u32>,
}

impl ObservedGen {
    /// A generator at time zero.
    pub fn new(source: Source, spec: Arc<ObservedSpec>, rng: StreamRng) -> Self {
        Self {
            source,
            spec,
            rng,
            pos: 0,
            end: 0,
            day: None,
            pending: None,
        }
    }

    /// The next arrival (minutes from the start), or `None` when none falls before
    /// `horizon`. Its vehicles are then [`ObservedGen::pending`].
    pub fn next(&mut self, start: &StartInstant, horizon: f64) -> Option<f64> {
        let s = Arc::clone(&self.spec);
        match s.replay {
            Replay::Exact => {
                let t = *s.times.get(self.pos)?;
                self.pending = s.vehicles.get(self.pos).copied();
                self.pos += 1;
                (t < horizon).then_some(t)
            }
            Replay::Days { weekday } => self.next_day_by_day(&s, weekday, start, horizon),
        }
    }

    /// Vehicles of the arrival that [`ObservedGen::next`] returned last.
    pub fn pending(&self) -> Option<u32> {
        self.pending
    }

    fn next_day_by_day(&mut self, s: &ObservedSpec, weekday: bool, start: &StartInstant, horizon: f64) -> Option<f64> {
        let origin = start.day * 1440 + i64::from(start.minute);
        loop {
            let day = match self.day {
                Some(d) if self.pos < self.end => d,
                _ => {
                    let d = self.day.map_or(start.day, |d| d + 1);
                    if ((d * 1440 - origin) as f64) >= horizon {
                        return None;
                    }
                    self.enter_day(s, d, weekday);
                    continue;
                }
            };
            let t = (day * 1440 - origin) as f64 + s.times[self.pos];
            self.pending = s.vehicles.get(self.pos).copied();
            self.pos += 1;
            if t < 0.0 {
                // The first simulated day began before the start: its earlier arrivals are not replayed.
                continue;
            }
            return (t < horizon).then_some(t);
        }
    }

    /// Starts simulated day `d`: draws the observed day it replays.
    fn enter_day(&mut self, s: &ObservedSpec, d: i64, weekday: bool) {
        let pick = if weekday {
            // 1970-01-01 was a Thursday (Monday = 0).
            let pool = &s.by_weekday[(d + 3).rem_euclid(7) as usize];
            pool[self.rng.random_range(0..pool.len())] as usize
        } else {
            self.rng.random_range(0..s.days.len())
        };
        let od = s.days[pick];
        (self.pos, self.end, self.day) = (od.from, od.to, Some(d));
    }
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// The next consignment of observed source `i` arrives: it books the one after, then
    /// arrives with the log's vehicles (or drawn ones). Out of line: ordinary arrivals never
    /// come here.
    #[inline(never)]
    pub(super) fn on_observed(&mut self, now: Time, i: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        let g = &mut self.observed[i];
        let given = g.pending();
        if let Some(t) = g.next(&spec.start, spec.horizon) {
            cal.schedule(t, Event::Observed(i as u32));
        }
        let (flow, src) = match g.source {
            Source::Flow(f) => (f, f),
            Source::Demand(d) => {
                let u: f64 = self.streams.split[d].random();
                let flows = &self.flows;
                (
                    pick_flow(&spec.demands[d], |f| flows[f].inside, u),
                    spec.flows.len() + d,
                )
            }
        };
        let vehicles = match given {
            Some(v) => v,
            None => self.draw_vehicles(flow, src),
        };
        self.admit_vehicles(now, flow, src, vehicles, cal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::stream;

    fn days_spec(weekday: bool) -> ObservedSpec {
        // Three observed days: Monday 2 arrivals, Tuesday none, Wednesday 1.
        let mut by_weekday: [Vec<u32>; 7] = Default::default();
        for (i, w) in [0u32, 1, 2].iter().enumerate() {
            by_weekday[*w as usize].push(i as u32);
        }
        ObservedSpec {
            replay: Replay::Days { weekday },
            times: vec![60.0, 600.0, 720.0],
            vehicles: vec![2, 3, 4],
            days: vec![
                ObservedDay {
                    from: 0,
                    to: 2,
                    weekday: 0,
                },
                ObservedDay {
                    from: 2,
                    to: 2,
                    weekday: 1,
                },
                ObservedDay {
                    from: 2,
                    to: 3,
                    weekday: 2,
                },
            ],
            by_weekday,
            note: String::new(),
        }
    }

    fn replay(spec: ObservedSpec, start: &str, horizon: f64, rep: u64) -> Vec<(f64, Option<u32>)> {
        let start = StartInstant::parse(start).unwrap();
        let mut g = ObservedGen::new(Source::Flow(0), Arc::new(spec), stream(1, rep, "observed/p/m"));
        let mut out = Vec::new();
        while let Some(t) = g.next(&start, horizon) {
            out.push((t, g.pending()));
        }
        out
    }

    #[test]
    fn exact_replays_the_times_and_vehicles_up_to_the_horizon() {
        let spec = ObservedSpec {
            replay: Replay::Exact,
            times: vec![0.0, 5.0, 5.0, 90.0],
            vehicles: vec![1, 7, 2, 3],
            days: Vec::new(),
            by_weekday: Default::default(),
            note: String::new(),
        };
        let got = replay(spec, "2025-01-06", 90.0, 0);
        assert_eq!(got, vec![(0.0, Some(1)), (5.0, Some(7)), (5.0, Some(2))]);
    }

    #[test]
    fn days_replay_whole_observed_days_on_each_simulated_day() {
        // 2025-01-06 is a Monday; with weekday matching each day replays its weekday's.
        let got = replay(days_spec(true), "2025-01-06", 3.0 * 1440.0, 0);
        assert_eq!(
            got,
            vec![(60.0, Some(2)), (600.0, Some(3)), (2.0 * 1440.0 + 720.0, Some(4))]
        );
    }

    #[test]
    fn days_drawn_at_random_differ_between_replications_and_keep_each_days_count() {
        let per_day = |v: &[(f64, Option<u32>)]| {
            let mut c = [0usize; 60];
            for (t, _) in v {
                c[(*t / 1440.0) as usize] += 1;
            }
            c
        };
        let a = per_day(&replay(days_spec(false), "2025-01-06", 60.0 * 1440.0, 0));
        let b = per_day(&replay(days_spec(false), "2025-01-06", 60.0 * 1440.0, 1));
        assert_ne!(a, b);
        assert!(a.iter().chain(&b).all(|&n| [0, 1, 2].contains(&n)));
        // Each observed day is drawn: some simulated days have each count.
        for n in [0, 1, 2] {
            assert!(a.contains(&n), "{n}");
        }
    }

    #[test]
    fn a_start_after_midnight_skips_that_days_earlier_arrivals() {
        // Start Monday 08:00: Monday's 01:00 arrival is before the start, 10:00 is at 120.
        let got = replay(days_spec(true), "2025-01-06T08:00", 1440.0, 0);
        assert_eq!(got, vec![(120.0, Some(3))]);
    }
}
