//! Run-time state and streamed statistics of stages, flows, driver pools and ports.

use super::capacity::Capacity;
use super::queue::ClassQueue;
use super::quota::Quota;
use super::spec::{ModelSpec, StageKind};
use crate::stats::{Histogram, Tally, TimeWeighted};
use std::collections::VecDeque;

/// Waits observed at one stage for one mode.
#[derive(Debug, Clone, Default)]
pub struct WaitStats {
    /// Wait before service starts, minutes.
    pub wait: Tally,
    /// Same waits, for quantiles.
    pub hist: Histogram,
    /// How many of them waited at all (wait > 0), for P(wait).
    pub waited: u64,
}

impl WaitStats {
    /// Records one wait.
    #[inline]
    pub fn add(&mut self, w: f64) {
        self.wait.add(w);
        self.hist.add(w);
        if w > 0.0 {
            self.waited += 1;
        }
    }

    /// Warm-up deletion.
    pub fn clear(&mut self) {
        self.wait = Tally::default();
        self.hist.clear();
        self.waited = 0;
    }

    /// Folds another mode's waits in, for the stage total.
    pub fn merge(&mut self, o: &WaitStats) {
        self.wait.merge(&o.wait);
        self.hist.merge(&o.hist);
        self.waited += o.waited;
    }
}

/// A stage during a run.
#[derive(Debug, Clone)]
pub struct StageState {
    /// Waiting consignments (all of them, or the general line where servers are reserved).
    pub queue: ClassQueue,
    /// Green-channel consignments waiting, at a stage with reserved servers.
    pub green: ClassQueue,
    /// Servers reserved for the green channel.
    pub reserved: u32,
    /// Green consignments on reserved servers now.
    pub busy_reserved: u32,
    /// Consignments that finished upstream and wait for room here (blocking after service).
    pub blocked_in: VecDeque<u32>,
    /// Servers open now (u32::MAX for a dwell).
    pub open: u32,
    /// Lanes out of service now, which the timeline takes off what is scheduled.
    pub down: u32,
    /// Consignments in service, or finished and blocked, here.
    pub busy: u32,
    /// Consignments in the stage (queue plus service).
    pub occupancy: u32,
    /// Room in the stage (u32::MAX when unlimited).
    pub capacity: u32,
    /// Queue length over time.
    pub queue_tw: TimeWeighted,
    /// Busy servers over time.
    pub busy_tw: TimeWeighted,
    /// Servers available over time: open, or busy in overtime after a lane closed.
    pub avail_tw: TimeWeighted,
    /// Open servers over time (the schedule).
    pub open_tw: TimeWeighted,
    /// Consignments in the stage over time.
    pub occupancy_tw: TimeWeighted,
    /// Waits per mode.
    pub waits: Vec<WaitStats>,
    /// Time from entering to leaving the stage, minutes.
    pub stay: Tally,
    /// Consignments entering since the warm-up.
    pub entered: u64,
    /// Consignments that could not enter at once because the stage was full and waited upstream.
    pub blocked: u64,
    /// Consignments turned away at the port entrance because this stage was full.
    pub turned_away: u64,
    /// The daily quota and its counts.
    pub quota: Quota,
    /// Consignments that gave up waiting here since the warm-up.
    pub abandoned: u64,
    /// How long they had waited when they gave up, minutes.
    pub abandon_wait: Tally,
    /// Consignments sent to another port when their patience ran out, since the warm-up.
    pub diverted: u64,
    /// How long they had waited when they left, minutes.
    pub divert_wait: Tally,
    /// The stage's line has a patience (model/abandonment.rs): kept here, beside the state
    /// the hot path reads anyway, so stages without it pay one test of a loaded byte.
    pub patience: bool,
    /// The stage's lanes can fail (model/breakdowns.rs); see `patience`.
    pub breakdowns: bool,
    /// Joining its line starts something (a patience, a queue-length count); see
    /// `patience`.
    pub joins: bool,
    /// Idle lanes' working minutes left before their next failure (stages with breakdowns;
    /// a lane not yet used is new and draws its first).
    pub lanes_idle: Vec<f64>,
    /// Lane failures during clearances that started since the warm-up.
    pub failures: u64,
    /// Their repair minutes, and the lane minutes of those clearances (repairs included).
    pub repair_min: f64,
    /// See `repair_min`.
    pub lane_min: f64,
}

impl StageState {
    /// An idle stage.
    pub fn new(classes: usize, modes: usize, open: u32, capacity: u32) -> Self {
        Self {
            queue: ClassQueue::new(classes),
            green: ClassQueue::new(classes),
            reserved: 0,
            busy_reserved: 0,
            blocked_in: VecDeque::new(),
            open,
            down: 0,
            busy: 0,
            occupancy: 0,
            capacity,
            queue_tw: TimeWeighted::default(),
            busy_tw: TimeWeighted::default(),
            avail_tw: TimeWeighted::default(),
            open_tw: TimeWeighted::default(),
            occupancy_tw: TimeWeighted::default(),
            waits: vec![WaitStats::default(); modes],
            stay: Tally::default(),
            entered: 0,
            blocked: 0,
            turned_away: 0,
            quota: Quota::default(),
            abandoned: 0,
            abandon_wait: Tally::default(),
            diverted: 0,
            divert_wait: Tally::default(),
            patience: false,
            breakdowns: false,
            joins: false,
            lanes_idle: Vec::new(),
            failures: 0,
            repair_min: 0.0,
            lane_min: 0.0,
        }
    }

    /// Consignments waiting in both lines.
    #[inline]
    pub fn waiting(&self) -> u32 {
        self.queue.len() + self.green.len()
    }

    /// True when one more consignment fits.
    #[inline]
    pub fn has_room(&self) -> bool {
        self.occupancy < self.capacity
    }

    /// Takes the capacity its timeline gives now. Only lanes have an open count; a dwell or
    /// driver stage is never short of servers.
    pub fn set_capacity(&mut self, kind: StageKind, c: Capacity) {
        self.open = match kind {
            StageKind::Servers => c.open,
            // A closed dwell or driver stage starts nothing: no place to start in.
            StageKind::Dwell | StageKind::Driver { .. } if c.closed => 0,
            StageKind::Dwell | StageKind::Driver { .. } => u32::MAX,
        };
        self.capacity = c.room;
        self.reserved = c.reserved;
        self.quota.cap = c.daily_cap;
    }

    /// True when the stage keeps a green line beside the general one: it reserves lanes
    /// now, or green consignments still wait from when it did.
    #[inline]
    pub fn two_lines(&self) -> bool {
        self.reserved > 0 || !self.green.is_empty()
    }

    /// Updates the available-servers level after `open` or `busy` changed.
    #[inline]
    pub fn touch_avail(&mut self, now: f64) {
        if self.open != u32::MAX {
            self.avail_tw.set(now, f64::from(self.open.max(self.busy)));
        }
    }
}

/// A flow (port and mode) during a run.
#[derive(Debug, Clone, Default)]
pub struct FlowState {
    /// Arrivals since the warm-up (consignments, vehicles).
    pub arrived: (u64, u64),
    /// Turned away since the warm-up.
    pub turned_away: (u64, u64),
    /// Completed (left the port's last stage) since the warm-up.
    pub completed: (u64, u64),
    /// Time in system of completions since the warm-up, minutes.
    pub time_in_system: Tally,
    /// Same, for quantiles.
    pub tis_hist: Histogram,
    /// Whole-run counts (warm-up included), for conservation checks and time series.
    pub total_arrived: u64,
    /// Whole-run completions.
    pub total_completed: u64,
    /// Whole-run vehicles completed.
    pub total_completed_vehicles: u64,
    /// Whole-run turned away.
    pub total_turned_away: u64,
    /// Gave up waiting at a stage and left the port, since the warm-up.
    pub abandoned: (u64, u64),
    /// Whole-run gave up.
    pub total_abandoned: u64,
    /// Sent to another port when their patience ran out, since the warm-up (by arrival).
    pub diverted: (u64, u64),
    /// Whole-run sent to another port.
    pub total_diverted: u64,
    /// Arrived here diverted from another port, since the warm-up.
    pub diverted_in: u64,
    /// Consignments of this flow inside the port now.
    pub inside: u64,
}

/// A driver pool during a run.
#[derive(Debug, Clone, Default)]
pub struct PoolState {
    /// Drivers free now.
    pub free: u32,
    /// Drivers busy over time.
    pub busy_tw: TimeWeighted,
    /// Trips started since the warm-up.
    pub trips: u64,
    /// Stages that wait for this pool.
    pub stages: Vec<usize>,
}

/// A port during a run.
#[derive(Debug, Clone, Default)]
pub struct PortState {
    /// Consignments inside over time (for Little's law).
    pub in_system: TimeWeighted,
    /// Some dated event's backlog is being followed (model/backlog.rs).
    pub tracked: bool,
    /// Metres of road the port's waiting lines take, over time (model/queue_length.rs).
    pub line_m: TimeWeighted,
}

/// Read-only view of a replication's state, for the time series and the warm-up snapshot,
/// which read levels and counts but need nothing else of the simulation.
#[derive(Clone, Copy)]
pub struct View<'s> {
    /// The model.
    pub spec: &'s ModelSpec,
    /// Stages.
    pub stages: &'s [StageState],
    /// Flows.
    pub flows: &'s [FlowState],
    /// Driver pools.
    pub pools: &'s [PoolState],
    /// Ports.
    pub ports: &'s [PortState],
}
