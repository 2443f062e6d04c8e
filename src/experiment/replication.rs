//! One replication run to its end, and why a batch of them can stop early: what both the
//! runner and the summaries need, kept apart so that neither imports the other.

use super::fold::Folds;
use crate::error::Error;
use crate::model::{Failure, Metrics, ModelSpec, Observer, Silent, Simulation};
use crate::policy::ClearancePolicy;
use crate::stats::Histogram;
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
    run_replication_observed(spec, policy, seed, rep, Silent).map(|(o, _)| o)
}

/// Like [`run_replication`], with `observer` watching every step; it is handed back with
/// the outcome (also when the replication failed, inside the error path it is dropped).
pub fn run_replication_observed<P: ClearancePolicy, O: Observer>(
    spec: &ModelSpec,
    policy: P,
    seed: u64,
    rep: u64,
    observer: O,
) -> Result<(ReplicationOutcome, O), Error> {
    let mut sim = Simulation::observed(spec, policy, seed, rep, observer);
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
        Some(Failure::EndlessRepairs { at, stage }) => {
            let st = &spec.stages[stage];
            return Err(Error::EndlessRepairs {
                replication: rep,
                day: at / 1440.0,
                stage: format!("{}.{}", spec.ports[st.port].name, st.name),
                limit: crate::model::breakdowns::MAX_REPAIRS,
            });
        }
    }
    let series = sim.series();
    let (ends, values) = (series.ends.clone(), series.values.clone());
    let outcome = ReplicationOutcome {
        metrics: sim.metrics(),
        ends,
        values,
        events: sim.events,
        inside_at_end: sim.inside(),
        time_in_system: sim.time_in_system_histograms(),
    };
    Ok((outcome, sim.into_observer()))
}

/// Why a batch of replications stopped early.
#[derive(Debug)]
pub enum Halt {
    /// A replication failed (an overloaded scenario).
    Failed(Error),
    /// The user interrupted: the folds hold every replication finished for all models.
    Interrupted(Folds),
}
