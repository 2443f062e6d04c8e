//! The bookkeeping every event-log format shares: which consignments are inside, the lane
//! and driver each holds, and the time window. A format (CSV rows, Parquet columns) only
//! says what one row looks like, so both logs number lanes and drivers the same way.

use super::books::{Drivers, Numbers};
use super::names::Activity;
use crate::engine::Time;
use crate::model::{Observer, Trace};
use std::collections::HashMap;
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

    #[inline(always)]
    fn row(&mut self, t: Time, serial: u64, stage: Option<usize>, what: Activity) {
        if !(t >= self.from && t < self.to) {
            return;
        }
        if let Some(held) = self.cases.get_mut(&serial) {
            self.format.row(t, serial, held, stage, what);
        }
    }

    fn arrive(&mut self, serial: u64, flow: usize, vehicles: u32) {
        let again = self.cases.get(&serial).map(|h| h.case);
        let case = self.format.arrive(serial, flow, vehicles, again);
        self.cases.insert(
            serial,
            Held {
                case,
                lane: 0,
                driver: 0,
            },
        );
    }

    fn forget(&mut self, serial: u64) {
        if let Some(h) = self.cases.remove(&serial) {
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
            } => {
                // A diverted consignment arrives again: same case, new port.
                self.arrive(serial, flow, vehicles);
                self.row(t, serial, None, Activity::Arrived);
            }
            Trace::TurnedAway { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::TurnedAway);
                self.forget(serial);
            }
            Trace::Enter { t, serial, stage, .. } => self.row(t, serial, Some(stage), Activity::Entered),
            Trace::Start { t, serial, stage } => {
                let number = match self.pools[stage] {
                    Some(p) => Ok(self.drivers[p].take()),
                    None => Err(self.lanes[stage].take()),
                };
                if let Some(h) = self.cases.get_mut(&serial) {
                    match number {
                        Ok(d) => h.driver = d,
                        Err(l) => h.lane = l,
                    }
                }
                self.row(t, serial, Some(stage), Activity::Started);
            }
            Trace::Finish { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Finished),
            Trace::Blocked { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Blocked),
            Trace::Unblocked { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Unblocked),
            Trace::Leave { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Left);
                if let Some(h) = self.cases.get_mut(&serial) {
                    let lane = std::mem::take(&mut h.lane);
                    self.lanes[stage].give(lane);
                }
            }
            Trace::Depart { t, serial } => {
                self.row(t, serial, None, Activity::Departed);
                self.forget(serial);
            }
            Trace::Abandon { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Abandoned);
                self.forget(serial);
            }
            Trace::Divert { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Diverted);
                if let Some(h) = self.cases.get_mut(&serial) {
                    h.driver = 0;
                }
            }
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
