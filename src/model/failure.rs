//! Why a replication stopped before its horizon. A run that cannot go on must say so rather
//! than finish with numbers that look right: every reason here becomes an error with exit
//! code 2 one layer up.

use crate::engine::Time;

/// A reason the model halted a replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// The ports held more than [`super::sim::MAX_INSIDE`] consignments at time `at`.
    Overloaded {
        /// Simulation time, minutes.
        at: Time,
    },
    /// The clearance policy returned a time that is not a finite number of minutes of 0 or
    /// more (infinite, NaN or negative) for a clearance starting at `at` at stage `stage`.
    BadClearanceTime {
        /// Simulation time, minutes.
        at: Time,
        /// Model index of the stage.
        stage: usize,
        /// What the policy returned.
        value: f64,
    },
    /// Under the restart rule a clearance at `stage` was interrupted more than
    /// [`super::breakdowns::MAX_REPAIRS`] times: its work is far longer than the lanes'
    /// time between failures, so it would never finish.
    EndlessRepairs {
        /// Simulation time, minutes.
        at: Time,
        /// Model index of the stage.
        stage: usize,
    },
}

/// True when `t` is a clearance time the clock can use: finite and not negative.
#[inline]
pub fn usable_clearance_time(t: f64) -> bool {
    t.is_finite() && t >= 0.0
}
