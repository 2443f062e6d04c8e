//! Running and summarising independent replications.

use crate::error::Error;
use crate::model::{MetricKey, Metrics, ModelSpec, SeriesDef, Simulation};
use crate::policy::ClearancePolicy;
use crate::stats::{Estimate, Histogram, Tally};

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
/// ports outgrow [`crate::model::sim::MAX_INSIDE`] consignments.
pub fn run_replication<P: ClearancePolicy>(
    spec: &ModelSpec,
    policy: P,
    seed: u64,
    rep: u64,
) -> Result<ReplicationOutcome, Error> {
    let mut sim = Simulation::new(spec, policy, seed, rep);
    sim.run();
    if let Some(t) = sim.overloaded {
        return Err(Error::Overloaded {
            replication: rep,
            limit: crate::model::sim::MAX_INSIDE,
            day: t / 1440.0,
        });
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
    use rayon::prelude::*;
    let defs = crate::model::series::series_defs(spec);
    let mut keys: Vec<MetricKey> = Vec::new();
    let mut per_rep: Vec<Vec<Option<f64>>> = Vec::new();
    let mut cells: Vec<Tally> = Vec::new();
    let mut ends = Vec::new();
    let mut events = 0;
    let mut tis: Vec<Histogram> = Vec::new();
    let done = std::sync::atomic::AtomicU32::new(0);
    // As many replications side by side as there are worker threads, then fold them in:
    // memory holds at most one time series per thread.
    let batch = rayon::current_num_threads().max(1) as u32;
    let mut start = 0;
    while start < replications {
        let end = start.saturating_add(batch).min(replications);
        let outs: Vec<Result<ReplicationOutcome, Error>> = (start..end)
            .into_par_iter()
            .map(|rep| {
                let out = run_replication(spec, policy.clone(), seed, u64::from(rep));
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                out
            })
            .collect();
        for out in outs {
            let out = out?;
            if keys.is_empty() {
                keys = out.metrics.iter().map(|(k, _)| *k).collect();
                per_rep = vec![Vec::with_capacity(replications as usize); keys.len()];
                cells = vec![Tally::default(); out.values.len()];
                ends = out.ends.clone();
            }
            for (i, (_, v)) in out.metrics.iter().enumerate() {
                per_rep[i].push(*v);
            }
            for (c, v) in cells.iter_mut().zip(&out.values) {
                c.add(*v);
            }
            events += out.events;
            if tis.is_empty() {
                tis = out.time_in_system;
            } else {
                tis.iter_mut().zip(&out.time_in_system).for_each(|(a, b)| a.merge(b));
            }
        }
        start = end;
    }
    let metrics = keys
        .iter()
        .zip(&per_rep)
        .map(|(k, vals)| (*k, Estimate::from_values(vals.iter().copied())))
        .collect();
    Ok(Experiment {
        seed,
        replications,
        metrics,
        per_replication: per_rep,
        series: SeriesSummary { defs, ends, cells },
        events,
        time_in_system: tis,
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
