//! Generic streaming accumulators and estimators. Nothing here knows about ports: the
//! model feeds them.

pub mod estimate;
pub mod fit;
pub mod gamma;
pub mod histogram;
pub mod student;
pub mod tally;
pub mod time_weighted;

pub use estimate::{Estimate, interval, t975};
pub use histogram::Histogram;
pub use tally::Tally;
pub use time_weighted::TimeWeighted;
