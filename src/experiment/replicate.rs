//! Running and summarising independent replications.

use super::fold::Fold;
use crate::error::Error;
use crate::model::{Failure, MetricKey, Metrics, ModelSpec, SeriesDef, Simulation};
use crate::policy::ClearancePolicy;
use crate::stats::{Estimate, Histogram, Tally};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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

/// The number of scalar results one replication of `spec` yields, found without running
/// it (the list depends on the model's layout only), so a checkpoint can be checked against
/// the model before it is resumed.
pub fn metric_count<P: ClearancePolicy>(spec: &ModelSpec, policy: P) -> usize {
    Simulation::new(spec, policy, 0, 0).metrics().len()
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
    Interrupted(Vec<Fold>),
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
    let folds = run_models(
        &[(spec, policy, seed)],
        replications,
        vec![Fold::default()],
        |n| progress(n as u32),
        &never,
    )
    .map_err(|h| match h {
        Halt::Failed(e) => e,
        Halt::Interrupted(_) => unreachable!("nothing interrupts this run"),
    })?;
    folds[0].finish(spec, seed).ok_or_else(|| match replications {
        0 => Error::Usage("replications must be at least 1".into()),
        n => Error::Internal(format!("{n} replications ran but their fold holds no results")),
    })
}

/// Runs replications `folds[i].done .. replications` of every model (spec, policy, seed),
/// batch by batch: a batch runs as many replications of each model side by side as there
/// are worker threads, and is folded in only when every model has finished it, so all
/// models always hold the same number of replications. When `interrupt` is set, the
/// unfinished batch is dropped and the folds are returned to be saved and resumed.
pub fn run_models<P: ClearancePolicy + Clone + Send + Sync>(
    models: &[(&ModelSpec, &P, u64)],
    replications: u32,
    mut folds: Vec<Fold>,
    progress: impl Fn(u64) + Sync,
    interrupt: &AtomicBool,
) -> Result<Vec<Fold>, Halt> {
    use rayon::prelude::*;
    let batch = rayon::current_num_threads().max(1) as u32;
    let mut start = folds.iter().map(|f| f.done).min().unwrap_or(0);
    let done = AtomicU64::new(u64::from(start) * models.len() as u64);
    while start < replications {
        let end = start.saturating_add(batch).min(replications);
        let mut outcomes = Vec::with_capacity(models.len());
        for (spec, policy, seed) in models {
            let outs: Vec<Option<Result<ReplicationOutcome, Error>>> = (start..end)
                .into_par_iter()
                .map(|rep| {
                    if interrupt.load(Ordering::Relaxed) {
                        return None;
                    }
                    let out = run_replication(spec, (*policy).clone(), *seed, u64::from(rep));
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    Some(out)
                })
                .collect();
            if outs.iter().any(Option::is_none) {
                return Err(Halt::Interrupted(folds));
            }
            let outs = outs
                .into_iter()
                .flatten()
                .collect::<Result<Vec<_>, _>>()
                .map_err(Halt::Failed)?;
            outcomes.push(outs);
        }
        for (fold, outs) in folds.iter_mut().zip(outcomes) {
            outs.into_iter().for_each(|o| fold.add(o));
        }
        start = end;
    }
    Ok(folds)
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
