//! Running and summarising independent replications.

use super::fold::{Fold, Folds};
use super::runner::run_models;
use crate::error::Error;
use crate::model::{Failure, MetricKey, Metrics, ModelSpec, SeriesDef, Simulation};
use crate::policy::ClearancePolicy;
use crate::stats::{Estimate, Histogram, Tally};
use std::sync::atomic::AtomicBool;

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutcome {
    /// Scalar results.
    pub metrics: Metrics,
    /// Time-series interval end times.
    pub ends: Vec<f64>,
    /// Time-series values, row-major.
    pub values: Vec<f64>,
    /// Events handled.
    pub events: u64,
    /// Consignments still inside when the run stopped.
    pub inside_at_end: usize,
    /// Time in system of each flow's completions after the warm-up (flow order).
    pub time_in_system: Vec<Histogram>,
}

/// Runs replication `rep` (0-based) of `spec` with `policy` and `seed`. Fails only when the
/// ports outgrow [`crate::model::sim::MAX_INSIDE`] consignments or the policy returns a
/// clearance time the clock cannot use (see [`Failure`]).
pub fn run_replication<P: ClearancePolicy>(
    spec: &ModelSpec,
    policy: P,
    seed: u64,
    rep: u64,
) -> Result<ReplicationOutcome, Error> {
    let mut sim = Simulation::new(spec, policy, seed, rep);
    sim.run();
    match sim.failure {
        None => {}
        Some(Failure::Overloaded { at }) => {
            return Err(Error::Overloaded {
                replication: rep,
                limit: crate::model::sim::MAX_INSIDE,
                day: at / 1440.0,
            });
        }
        Some(Failure::BadClearanceTime { at, stage, value }) => {
            let st = &spec.stages[stage];
            return Err(Error::BadClearanceTime {
                replication: rep,
                day: at / 1440.0,
                stage: format!("{}.{}", spec.ports[st.port].name, st.name),
                policy: sim.policy_name(),
                value,
            });
        }
    }
    let series = sim.series();
    let (ends, values) = (series.ends.clone(), series.values.clone());
    Ok(ReplicationOutcome {
        metrics: sim.metrics(),
        ends,
        values,
        events: sim.events,
        inside_at_end: sim.inside(),
        time_in_system: sim.time_in_system_histograms(),
    })
}

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

/// Why a batch of replications stopped early.
#[derive(Debug)]
pub enum Halt {
    /// A replication failed (an overloaded scenario).
    Failed(Error),
    /// The user interrupted: the folds hold every replication finished for all models.
    Interrupted(Folds),
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
