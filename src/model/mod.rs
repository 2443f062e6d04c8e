//! The clearance model: ports, stages, lanes, schedules, consignments and drivers, built on
//! the event engine. Clearance times come from a [`crate::policy::ClearancePolicy`]; the
//! model only moves consignments and keeps streamed statistics.
//!
//! Rules worth knowing (README has the full list):
//! - A stage that is full turns a consignment away when it is the first stage of the
//!   consignment's route (the port entrance), and otherwise blocks it upstream: it keeps its
//!   server or place in the previous stage until room frees (blocking after service).
//! - When a lane closes, a consignment in service there finishes (overtime); the lane then
//!   stays closed.
//! - A self-driving vehicle takes a driver at a `driver` stage and keeps it until it has
//!   left the port and been delivered to the transit lot; the driver is free again after
//!   the return trip.
//! - A server stage may have lane breakdowns: a lane fails after a working time and is
//!   repaired, its clearance resuming or restarting after the repair.
//! - A stage may give its line a patience: a consignment that has waited that long
//!   without starting its clearance leaves the port, counted as abandoned.

mod abandonment;
pub mod arrivals;
pub mod backlog;
mod blocking;
pub mod breakdowns;
pub mod capacity;
pub mod consignment;
pub mod demand;
mod diversion;
mod drivers;
pub mod failure;
mod green;
pub mod key;
pub mod metrics;
pub mod names;
pub mod observed;
pub mod observer;
#[cfg(test)]
mod proptests;
pub mod queue;
mod queue_length;
pub mod quota;
pub mod registry;
pub mod schedule;
pub mod series;
pub mod service;
pub mod sim;
pub mod spec;
pub mod state;
pub mod warmup;

pub use capacity::{Capacity, Period, Setting, Timeline};
pub use failure::Failure;
pub use key::{MetricKey, Scope};
pub use metrics::Metrics;
pub use observed::{ObservedDay, ObservedSpec, Replay};
pub use observer::{Observer, Recorder, Silent, Trace};
pub use schedule::Schedule;
pub use series::{SeriesDef, SeriesKind, SeriesRecorder};
pub use sim::{Event, Simulation};
pub use spec::*;
