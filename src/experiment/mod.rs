//! Replications: run a model several times with independent streams and summarise each
//! metric and each time-series cell across them.

mod compare;
mod fold;
pub mod optimise;
mod replicate;
mod replication;
mod runner;
pub mod sweep;
mod tracer;

pub use compare::{
    CompareRow, Comparison, compare, compare_models, compare_resumable, compare_with_progress, comparison_from_folds,
};

pub use fold::{Fold, FoldState, Folds, metric_keys};
pub use replicate::{Experiment, SeriesSummary, run_replications};
pub use replication::run_replication_observed;
pub use replication::{Halt, ReplicationOutcome, run_replication};
pub use runner::{run_models, run_models_traced, run_pairs};
pub use tracer::{NoTrace, Tracer};
