//! The observer seam: what the simulation tells an onlooker as consignments move.
//!
//! The simulation is generic over its observer, so the default [`Silent`] observer compiles
//! to nothing, while a test's [`Recorder`] (and later an event log) sees every step without
//! the model knowing who is watching.

use crate::engine::Time;

/// What happened to a consignment, as an [`Observer`] sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trace {
    /// Consignment `serial` of `flow`, carrying `vehicles`, arrived.
    Arrive {
        t: Time,
        serial: u64,
        flow: usize,
        vehicles: u32,
    },
    /// It was turned away at the entrance of `stage`, its first, which had no room.
    TurnedAway { t: Time, serial: u64, stage: usize },
    /// It entered a stage (queue or service).
    Enter {
        t: Time,
        serial: u64,
        stage: usize,
        class: u8,
    },
    /// Its service (or dwell, or driver pick-up) began.
    Start { t: Time, serial: u64, stage: usize },
    /// Its service at `stage` ended (for a driver stage: at once, when it took a driver).
    Finish { t: Time, serial: u64, stage: usize },
    /// It finished at `stage` but the next stage had no room: it keeps its place here.
    Blocked { t: Time, serial: u64, stage: usize },
    /// Room freed downstream: it moves on from `stage`, where it was blocked.
    Unblocked { t: Time, serial: u64, stage: usize },
    /// It left a stage.
    Leave { t: Time, serial: u64, stage: usize },
    /// It left the port.
    Depart { t: Time, serial: u64 },
    /// It gave up waiting in the line at `stage` and left the port.
    Abandon { t: Time, serial: u64, stage: usize },
    /// Its patience ran out in the line at `stage` and it drove to another port.
    Divert { t: Time, serial: u64, stage: usize },
    /// The driver of `serial`, from `pool`, set off for the transit lot and back; it is
    /// free again at `back` (an event log numbers drivers from this).
    DriverAway {
        t: Time,
        serial: u64,
        pool: usize,
        back: Time,
    },
    /// A driver of `pool` is back (the one due first).
    DriverBack { t: Time, pool: usize },
    /// A report row was written; `inside` consignments were in the ports.
    Report { t: Time, inside: usize },
}

/// Someone watching a replication. Every method has a do-nothing default.
pub trait Observer {
    /// False for observers that ignore everything, so the simulation can skip even the
    /// lookups that only feed an entry (a slab read the optimiser cannot drop).
    const ACTIVE: bool = true;

    /// Called for each step of each consignment, in time order.
    #[inline(always)]
    fn record(&mut self, _entry: Trace) {}
}

/// The observer of ordinary runs: sees nothing and costs nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    const ACTIVE: bool = false;
}

/// Keeps every entry, for tests that check a run's whole history.
#[derive(Debug, Clone, Default)]
pub struct Recorder(pub Vec<Trace>);

impl Observer for Recorder {
    fn record(&mut self, entry: Trace) {
        self.0.push(entry);
    }
}
