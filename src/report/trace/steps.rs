//! The bookkeeping every event-log format shares: which consignments are inside, the lane
//! and driver each holds, and the time window. A format (CSV rows, Parquet columns) only
//! says what one row looks like, so both logs number lanes and drivers the same way.

use super::books::{Drivers, Numbers};
use super::names::Activity;
use crate::engine::Time;
use crate::model::{Observer, Trace};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

/// One event log's way of writing rows.
pub trait Format {
    /// What the format keeps of each consignment inside.
    type Case: Copy;

    /// Consignment `serial` of `flow` arrived carrying `vehicles`; `again` is what was
    /// kept when it arrives a second time (diverted to another port).
    fn arrive(&mut self, serial: u64, flow: usize, vehicles: u32, again: Option<Self::Case>) -> Self::Case;

    /// It has left the ports: what was kept of it may be reused.
    fn forget(&mut self, case: Self::Case);

    /// One row at time `t` (inside the window) for `held`, at `stage` (none for the
    /// port-level steps).
    fn row(&mut self, t: Time, serial: u64, held: &mut Held<Self::Case>, stage: Option<usize>, what: Activity);
}

/// A consignment inside, as the log follows it.
#[derive(Debug, Clone, Copy)]
pub struct Held<C> {
    /// What the format keeps.
    pub case: C,
    /// Lane it holds (1-based), 0 for none.
    pub lane: u32,
    /// Driver it holds (1-based), 0 for none.
    pub driver: u32,
}

/// Serials are distinct integers: one multiply spreads them well enough, and SipHash would
/// cost more than the rest of the row.
#[derive(Default)]
pub struct SerialHasher(u64);

impl Hasher for SerialHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Turns the steps of one replication into rows of format `F`.
pub struct Steps<F: Format> {
    /// The format, holding the rows written so far.
    pub format: F,
    cases: HashMap<u64, Held<F::Case>, BuildHasherDefault<SerialHasher>>,
    /// The driver pool of each driver stage.
    pools: Vec<Option<usize>>,
    lanes: Vec<Numbers>,
    drivers: Vec<Drivers>,
    /// Rows are written for times in `from..to`; the books are kept at all times.
    from: Time,
    to: Time,
}

impl<F: Format> Steps<F> {
    /// Follows a model whose stage `s` draws on driver pool `pools[s]` (of `pool_count`),
    /// writing rows for times in `window`.
    pub fn new(format: F, pools: Vec<Option<usize>>, pool_count: usize, window: (Time, Time)) -> Self {
        Self {
            format,
            cases: HashMap::default(),
            lanes: vec![Numbers::default(); pools.len()],
            pools,
            drivers: vec![Drivers::default(); pool_count],
            from: window.0,
            to: window.1,
        }
    }

    /// Whether rows at `t` are written.
    #[inline(always)]
    fn inside(&self, t: Time) -> bool {
        t >= self.from && t < self.to
    }

    /// Consignment `serial` arrived (again, when it was diverted: same case, new port).
    fn arrive(&mut self, t: Time, serial: u64, flow: usize, vehicles: u32) {
        let format = &mut self.format;
        let held = match self.cases.entry(serial) {
            Entry::Occupied(o) => {
                let h = o.into_mut();
                h.case = format.arrive(serial, flow, vehicles, Some(h.case));
                (h.lane, h.driver) = (0, 0);
                h
            }
            Entry::Vacant(v) => v.insert(Held {
                case: format.arrive(serial, flow, vehicles, None),
                lane: 0,
                driver: 0,
            }),
        };
        if t >= self.from && t < self.to {
            format.row(t, serial, held, None, Activity::Arrived);
        }
    }

    /// A step of a consignment inside, found with one lookup (callgrind, horgos-2025: a
    /// lookup for the books and another for the row cost about 12 instructions a row).
    fn step(&mut self, t: Time, serial: u64, stage: usize, what: Activity) {
        let Some(h) = self.cases.get_mut(&serial) else {
            return;
        };
        match what {
            Activity::Started => match self.pools[stage] {
                Some(p) => h.driver = self.drivers[p].take(),
                None => h.lane = self.lanes[stage].take(),
            },
            Activity::Diverted => {
                if t >= self.from && t < self.to {
                    self.format.row(t, serial, h, Some(stage), what);
                }
                h.driver = 0;
                return;
            }
            _ => {}
        }
        if t >= self.from && t < self.to {
            self.format.row(t, serial, h, Some(stage), what);
        }
        if what == Activity::Left {
            let lane = std::mem::take(&mut h.lane);
            self.lanes[stage].give(lane);
        }
    }

    /// The last step of a consignment (`stage` none for its departure): its row, then it
    /// is forgotten.
    fn last(&mut self, t: Time, serial: u64, stage: Option<usize>, what: Activity) {
        if let Some(mut h) = self.cases.remove(&serial) {
            if self.inside(t) {
                self.format.row(t, serial, &mut h, stage, what);
            }
            self.format.forget(h.case);
        }
    }
}

impl<F: Format> Observer for Steps<F> {
    fn record(&mut self, entry: Trace) {
        match entry {
            Trace::Arrive {
                t,
                serial,
                flow,
                vehicles,
            } => self.arrive(t, serial, flow, vehicles),
            Trace::TurnedAway { t, serial, stage } => self.last(t, serial, Some(stage), Activity::TurnedAway),
            Trace::Enter { t, serial, stage, .. } => self.step(t, serial, stage, Activity::Entered),
            Trace::Start { t, serial, stage } => self.step(t, serial, stage, Activity::Started),
            Trace::Finish { t, serial, stage } => self.step(t, serial, stage, Activity::Finished),
            Trace::Blocked { t, serial, stage } => self.step(t, serial, stage, Activity::Blocked),
            Trace::Unblocked { t, serial, stage } => self.step(t, serial, stage, Activity::Unblocked),
            Trace::Leave { t, serial, stage } => self.step(t, serial, stage, Activity::Left),
            Trace::Depart { t, serial } => self.last(t, serial, None, Activity::Departed),
            Trace::Abandon { t, serial, stage } => self.last(t, serial, Some(stage), Activity::Abandoned),
            Trace::Divert { t, serial, stage } => self.step(t, serial, stage, Activity::Diverted),
            Trace::DriverAway { serial, pool, back, .. } => {
                // The car keeps showing its driver until it has left; the driver's return
                // is booked now.
                let d = self.cases.get(&serial).map_or(0, |h| h.driver);
                self.drivers[pool].away(d, back);
            }
            Trace::DriverBack { pool, .. } => self.drivers[pool].back(),
            Trace::Report { .. } => {}
        }
    }
}
