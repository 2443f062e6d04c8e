//! A sweep's results from its plan and every pair's values: each point's estimate of each
//! metric over its replications, in replication order, and (for a Latin hypercube) the
//! sensitivity ranking. The same function for one machine and for merged shards, so both
//! write the same bytes.

use super::plan::Plan;
use super::run::Values;
use super::sensitivity::{Ranking, rank};
use crate::error::Error;
use crate::stats::Estimate;

/// The results of a sweep.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The plan.
    pub plan: Plan,
    /// `estimates[point][metric]` over the point's replications.
    pub estimates: Vec<Vec<Option<Estimate>>>,
    /// For a Latin hypercube, the ranking of the factors for each headline metric (those
    /// whose regression can be fitted), in headline order.
    pub sensitivity: Vec<Ranking>,
}

/// Summarises `values`, which must hold every pair of the plan.
pub fn summarise(plan: Plan, values: &Values) -> Result<SweepResult, Error> {
    let pairs = plan.pairs();
    if values.len() as u64 != pairs || values.keys().any(|p| *p >= pairs) {
        return Err(Error::Internal(format!(
            "a sweep of {pairs} runs summarised from {} of them",
            values.len()
        )));
    }
    let estimates: Vec<Vec<Option<Estimate>>> = (0..plan.points.len())
        .map(|i| {
            (0..plan.metrics.len())
                .map(|m| Estimate::from_values((0..plan.replications).map(|r| values[&plan.pair(i, r)][m])))
                .collect()
        })
        .collect();
    let sensitivity = match (plan.design.as_str(), plan.design_seed) {
        ("latin_hypercube", Some(seed)) => {
            let x: Vec<Vec<f64>> = (0..plan.factors.len())
                .map(|j| plan.points.iter().map(|p| p[j]).collect())
                .collect();
            plan.headline
                .iter()
                .filter_map(|&m| {
                    let y: Vec<f64> = estimates.iter().map(|e| e[m].map(|e| e.mean)).collect::<Option<_>>()?;
                    rank(m, &x, &y, seed)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(SweepResult {
        plan,
        estimates,
        sensitivity,
    })
}
