//! The discrete-event engine: clock, event calendar and run loop, plus calendar-date
//! arithmetic for the clock. It knows nothing of ports or customs.

pub mod calendar;
pub mod date;
pub mod run;

pub use calendar::{Calendar, Prioritised, Time};
pub use date::{CivilDate, StartInstant};
pub use run::{Process, Stop, run};
