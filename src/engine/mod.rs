//! The discrete-event engine: clock, event calendar and run loop. It knows nothing of
//! ports or customs (calendar dates are in [`crate::date`]).

pub mod calendar;
mod heap;
pub mod run;

pub use calendar::{Calendar, Prioritised, Time};
pub use run::{Process, Stop, run};
