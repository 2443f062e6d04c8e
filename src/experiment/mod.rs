//! Replications: run a model several times with independent streams and summarise each
//! metric and each time-series cell across them.

mod compare;
mod fold;
mod replicate;
mod runner;

pub use compare::{CompareRow, Comparison, compare, compare_resumable, compare_with_progress, comparison_from_folds};

pub use fold::{Fold, FoldState, Folds, metric_keys};
pub use replicate::{Experiment, Halt, ReplicationOutcome, SeriesSummary, run_replication, run_replications};
pub use runner::run_models;
