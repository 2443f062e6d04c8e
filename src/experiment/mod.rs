//! Replications: run a model several times with independent streams and summarise each
//! metric and each time-series cell across them.

mod compare;
mod replicate;

pub use compare::{CompareRow, Comparison, compare, compare_with_progress};

pub use replicate::{Experiment, ReplicationOutcome, SeriesSummary, run_replication, run_replications};
