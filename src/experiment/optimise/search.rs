//! The search: every candidate built and checked, ordered by cost, and decided one after the
//! other by the sequential feasibility check, its replications spread over the pool.

use super::feasibility::{Check, Verdict, h2};
use super::file::OptimiseDef;
use crate::error::Error;
use crate::experiment::sweep::{self, Sweep};
use crate::scenario::{KeyPath, Overrides};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// The candidate space, built and checked before any run.
#[derive(Debug, Clone)]
pub struct Space {
    /// The checked file.
    pub def: OptimiseDef,
    /// Every candidate as a sweep point (factorial order), with its scenario.
    pub sweep: Sweep,
    /// Each candidate's cost.
    pub costs: Vec<f64>,
    /// Candidates by cost, ties in factorial order.
    pub order: Vec<usize>,
    /// Per constraint, its metric's index in `sweep.plan.metrics`.
    pub metric: Vec<usize>,
    /// The per-check error, alpha / (candidates x constraints).
    pub beta: f64,
    /// The sequential part's constant, at beta / 2 and the first-stage size.
    pub h2: f64,
    /// The first-stage screen's t value, at beta / 2.
    pub screen_t: f64,
    /// The scenario's port names.
    pub ports: Vec<String>,
}

/// Builds every candidate of `def` on its scenario with `overrides` and finds each
/// constraint's metric; a constraint no candidate can measure is located in the file.
pub fn build(def: &OptimiseDef, overrides: Overrides) -> Result<Space, Error> {
    let sweep = sweep::build(&def.sweep, overrides)?;
    let plan = &sweep.plan;
    let ports: Vec<String> = sweep.scenarios[0].spec.ports.iter().map(|p| p.name.clone()).collect();
    let located = |key: &str, m: String| {
        let kp = KeyPath(key.split('.').map(str::to_string).collect());
        crate::scenario::invalid(&def.sweep.src, &def.sweep.path, kp.invalid(m))
    };
    let mut metric = Vec::with_capacity(def.constraints.len());
    for c in &def.constraints {
        let i = c.find(&plan.metrics, &ports).map_err(|m| located(&c.key, m))?;
        if let Some(k) = sweep.layout.iter().position(|l| !l.contains(&i)) {
            let m = format!("candidate {k} does not report `{}` there", c.metric);
            return Err(located(&c.key, m));
        }
        metric.push(i);
    }
    let costs: Vec<f64> = plan
        .points
        .iter()
        .map(|p| def.fixed_cost + p.iter().zip(&def.unit_costs).map(|(v, c)| v * c).sum::<f64>())
        .collect();
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]).then(a.cmp(&b)));
    let checks = (plan.points.len() * def.constraints.len()) as f64;
    let beta = (1.0 - def.confidence) / checks;
    Ok(Space {
        h2: h2(def.first, beta / 2.0),
        screen_t: super::feasibility::screen_t(def.first, beta / 2.0),
        beta,
        def: def.clone(),
        sweep,
        costs,
        order,
        metric,
        ports,
    })
}

/// A candidate's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every constraint met (within its tolerance).
    Feasible,
    /// A constraint violated (beyond its tolerance).
    Infeasible,
    /// The budget ran out, or a replication did not measure a constraint's metric.
    Undecided,
    /// A replication outgrew the model's limit on consignments inside: counted infeasible.
    Overloaded,
}

impl Decision {
    /// Its name in the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Feasible => "feasible",
            Decision::Infeasible => "infeasible",
            Decision::Undecided => "undecided",
            Decision::Overloaded => "overloaded",
        }
    }
}

/// One constraint's estimate at one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean over the replications used.
    pub mean: Option<f64>,
    /// 95 % t interval of the mean.
    pub ci: Option<(f64, f64)>,
    /// The check's verdict.
    pub verdict: Verdict,
    /// Replications at its verdict.
    pub decided_at: Option<u32>,
    /// Replications by which the check would end whatever happens (h² S² / eps²).
    pub needs: Option<u32>,
}

/// One candidate examined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Examined {
    /// Its index in factorial order.
    pub index: usize,
    /// Each variable's value.
    pub values: Vec<f64>,
    /// Its cost.
    pub cost: f64,
    /// The decision.
    pub decision: Decision,
    /// Replications used.
    pub replications: u32,
    /// Per constraint, in file order.
    pub estimates: Vec<Estimate>,
    /// Why it is undecided or overloaded, in words.
    pub note: Option<String>,
}

/// Examines the candidates in cost order: all of them (`search = "all"`), or up to and
/// including the first declared feasible. `Ok(None)` when `interrupt` stopped it.
pub fn run(
    space: &Space,
    progress: impl Fn(usize, u32) + Sync,
    interrupt: &AtomicBool,
) -> Result<Option<Vec<Examined>>, Error> {
    let mut out = Vec::new();
    for (k, &c) in space.order.iter().enumerate() {
        progress(k, 0);
        let Some(e) = decide(space, c, |r| progress(k, r), interrupt)? else {
            return Ok(None);
        };
        let feasible = e.decision == Decision::Feasible;
        out.push(e);
        if feasible && !space.def.all {
            break;
        }
    }
    Ok(Some(out))
}

/// One candidate's sequential check.
fn decide(
    space: &Space,
    c: usize,
    progress: impl Fn(u32) + Sync,
    interrupt: &AtomicBool,
) -> Result<Option<Examined>, Error> {
    let def = &space.def;
    let sc = &space.sweep.scenarios[c];
    let seed = space.sweep.plan.seed;
    let pos: Vec<usize> = space
        .metric
        .iter()
        .map(|m| {
            space.sweep.layout[c]
                .iter()
                .position(|x| x == m)
                .expect("checked in build")
        })
        .collect();
    let mut checks: Vec<Check> = def
        .constraints
        .iter()
        .map(|k| Check::new(k.bound, k.tolerance, def.first, space.h2, space.screen_t))
        .collect();
    let mut seen: Vec<Vec<f64>> = vec![Vec::new(); checks.len()];
    let (mut used, mut note, mut decision) = (0u32, None, None);
    while decision.is_none() && used < def.budget {
        let want = next_batch(&checks, used, def.first, def.budget);
        let rows = run_batch(sc, seed, used, want, &pos, &progress, interrupt)?;
        if rows.len() < want as usize {
            return Ok(None);
        }
        for row in rows {
            let row = match row {
                Ok(r) => r,
                Err(Error::Overloaded { replication, .. }) => {
                    used += 1;
                    decision = Some(Decision::Overloaded);
                    note = Some(format!(
                        "replication {replication} outgrew the model's limit on consignments inside"
                    ));
                    break;
                }
                Err(e) => return Err(e),
            };
            used += 1;
            if let Some(j) = row.iter().position(Option::is_none) {
                decision = Some(Decision::Undecided);
                note = Some(format!(
                    "replication {} did not measure `{}` (nothing to average)",
                    used - 1,
                    def.constraints[j].metric
                ));
                break;
            }
            for (j, v) in row.into_iter().flatten().enumerate() {
                if checks[j].verdict() == Verdict::Open {
                    seen[j].push(v);
                    checks[j].add(v);
                }
            }
            decision = verdict(&checks);
            if decision.is_some() || used == def.budget {
                break;
            }
        }
    }
    let decision = decision.unwrap_or(Decision::Undecided);
    if decision == Decision::Undecided && note.is_none() {
        note = Some(format!("the budget of {} replications ran out first", def.budget));
    }
    Ok(Some(Examined {
        index: c,
        values: space.sweep.plan.points[c].clone(),
        cost: space.costs[c],
        decision,
        replications: used,
        estimates: checks.iter().zip(&seen).map(|(k, v)| estimate(k, v)).collect(),
        note,
    }))
}

/// Infeasible once any check says violated, feasible once all say met.
fn verdict(checks: &[Check]) -> Option<Decision> {
    if checks.iter().any(|c| c.verdict() == Verdict::Violated) {
        Some(Decision::Infeasible)
    } else if checks.iter().all(|c| c.verdict() == Verdict::Met) {
        Some(Decision::Feasible)
    } else {
        None
    }
}

/// How many replications to run next: the rest of the first stage, then one per worker
/// thread (the ones after the decision are dropped, so results do not depend on threads),
/// never past the budget or the point where every open check must have ended.
fn next_batch(checks: &[Check], used: u32, first: u32, budget: u32) -> u32 {
    if used < first {
        return first - used;
    }
    let ends = checks
        .iter()
        .filter(|c| c.verdict() == Verdict::Open)
        .filter_map(Check::horizon)
        .max()
        .unwrap_or(budget);
    let threads = u32::try_from(rayon::current_num_threads()).unwrap_or(1).max(1);
    threads.min(budget - used).min(ends.saturating_sub(used).max(1))
}

type Row = Result<Vec<Option<f64>>, Error>;

/// Replications `from..from + n` of one candidate, in order; fewer when interrupted.
fn run_batch(
    sc: &crate::scenario::Scenario,
    seed: u64,
    from: u32,
    n: u32,
    pos: &[usize],
    progress: &(impl Fn(u32) + Sync),
    interrupt: &AtomicBool,
) -> Result<Vec<Row>, Error> {
    let job = |i: usize| {
        let rep = u64::from(from) + i as u64;
        Ok(
            crate::experiment::run_replication(&sc.spec, sc.policy.clone(), seed, rep)
                .map(|out| pos.iter().map(|&p| out.metrics[p].1).collect()),
        )
    };
    let mut rows: BTreeMap<usize, Row> = BTreeMap::new();
    let keep = |i: usize, row: Row| {
        rows.insert(i, row);
        Ok(())
    };
    let tick = |done: u64| progress(u32::try_from(done).unwrap_or(u32::MAX));
    crate::experiment::run_pairs(n as usize, job, keep, (u64::from(from), tick), interrupt)?;
    Ok(rows.into_values().collect())
}

fn estimate(c: &Check, v: &[f64]) -> Estimate {
    let n = v.len();
    let mean = (n > 0).then(|| v.iter().sum::<f64>() / n as f64);
    let ci = mean.filter(|_| n >= 2).map(|m| {
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        let h = crate::stats::estimate::t975((n - 1) as u64) * (var / n as f64).sqrt();
        (m - h, m + h)
    });
    Estimate {
        mean,
        ci,
        verdict: c.verdict(),
        decided_at: c.decided_at(),
        needs: c.horizon(),
    }
}
