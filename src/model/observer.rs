//! The observer seam: what the simulation tells an onlooker as consignments move.
//!
//! The simulation is generic over its observer, so the default [`Silent`] observer compiles
//! to nothing, while a test's [`Recorder`] (and later an event log) sees every step without
//! the model knowing who is watching.

use crate::engine::Time;

/// What happened to a consignment, as an [`Observer`] sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trace {
    /// Consignment `serial` of `flow` arrived.
    Arrive { t: Time, serial: u64, flow: usize },
    /// It was turned away at the entrance.
    TurnedAway { t: Time, serial: u64 },
    /// It entered a stage (queue or service).
    Enter {
        t: Time,
        serial: u64,
        stage: usize,
        class: u8,
    },
    /// Its service (or dwell, or driver pick-up) began.
    Start { t: Time, serial: u64, stage: usize },
    /// It left a stage.
    Leave { t: Time, serial: u64, stage: usize },
    /// It left the port.
    Depart { t: Time, serial: u64 },
    /// It gave up waiting in the line at `stage` and left the port.
    Abandon { t: Time, serial: u64, stage: usize },
    /// Its patience ran out in the line at `stage` and it drove to another port.
    Divert { t: Time, serial: u64, stage: usize },
    /// A report row was written; `inside` consignments were in the ports.
    Report { t: Time, inside: usize },
}

/// Someone watching a replication. Every method has a do-nothing default.
pub trait Observer {
    /// Called for each step of each consignment, in time order.
    #[inline(always)]
    fn record(&mut self, _entry: Trace) {}
}

/// The observer of ordinary runs: sees nothing and costs nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// Keeps every entry, for tests that check a run's whole history.
#[derive(Debug, Clone, Default)]
pub struct Recorder(pub Vec<Trace>);

impl Observer for Recorder {
    fn record(&mut self, entry: Trace) {
        self.0.push(entry);
    }
}
