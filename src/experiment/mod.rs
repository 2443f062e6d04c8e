//! Replications: run a model several times with independent streams and summarise each
//! metric and each time-series cell across them.

mod replicate;

pub use replicate::{Experiment, ReplicationOutcome, SeriesSummary, run_replication, run_replications};
