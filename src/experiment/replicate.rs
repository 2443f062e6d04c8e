//! Running and summarising independent replications.

use super::fold::{Fold, Folds};
use super::replication::Halt;
use super::runner::run_models;
use crate::error::Error;
use crate::model::{MetricKey, ModelSpec, SeriesDef};
use crate::policy::ClearancePolicy;
use crate::stats::{Estimate, Histogram, Tally};
use std::sync::atomic::AtomicBool;

/// Per-cell summary of the time series over replications.
#[derive(Debug, Clone)]
pub struct SeriesSummary {
    /// The series layout.
    pub defs: Vec<SeriesDef>,
    /// Interval end times, minutes.
    pub ends: Vec<f64>,
    /// `cells[row * defs.len() + series]`.
    pub cells: Vec<Tally>,
}

/// The summary of all replications of one model.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// Seed of the run.
    pub seed: u64,
    /// Number of replications.
    pub replications: u32,
    /// Each metric over replications (`None` when no replication observed it).
    pub metrics: Vec<(MetricKey, Option<Estimate>)>,
    /// Per-replication values of each metric, in replication order (for paired comparisons).
    pub per_replication: Vec<Vec<Option<f64>>>,
    /// The time series over replications.
    pub series: SeriesSummary,
    /// Events handled over all replications.
    pub events: u64,
    /// Time in system of each flow over all replications (flow order), for distribution charts.
    pub time_in_system: Vec<Histogram>,
}

/// Runs `replications` replications, in parallel on rayon's thread pool. Replication k
/// always uses stream set k of `seed`, and results are folded in replication order, so the
/// summary is byte-identical whatever the number of threads. `progress` is called with the
/// number of replications finished so far.
pub fn run_replications<P: ClearancePolicy + Clone + Send + Sync>(
    spec: &ModelSpec,
    policy: &P,
    seed: u64,
    replications: u32,
    progress: impl Fn(u32) + Sync,
) -> Result<Experiment, Error> {
    let never = AtomicBool::new(false);
    let folds = Folds::new(vec![Fold::for_model(spec, policy.clone())])?;
    let folds = run_models(
        &[(spec, policy, seed)],
        replications,
        folds,
        |n| progress(n as u32),
        &never,
    )
    .map_err(|h| match h {
        Halt::Failed(e) => e,
        Halt::Interrupted(_) => unreachable!("nothing interrupts this run"),
    })?;
    folds.as_slice()[0]
        .finish(spec, seed)
        .ok_or_else(|| match replications {
            0 => Error::Usage("replications must be at least 1".into()),
            n => Error::Internal(format!("{n} replications ran but their fold holds no results")),
        })
}

impl Experiment {
    /// The estimate of one metric, if it exists and was observed.
    pub fn get(&self, key: &MetricKey) -> Option<&Estimate> {
        self.metrics
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, e)| e.as_ref())
    }
}
