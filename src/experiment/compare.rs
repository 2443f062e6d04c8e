//! Comparing variants with common random numbers: replication k of every variant uses the
//! same streams, so the paired differences cancel most of the noise the variants share.

use super::{Experiment, Fold, Folds, Halt, run_models};
use crate::error::Error;
use crate::model::registry::{Level, compared_in};
use crate::model::{MetricKey, Scope};
use crate::scenario::Scenario;
use crate::stats::Estimate;
use std::sync::atomic::AtomicBool;

/// One metric of one variant, with its paired difference from the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// Variant name.
    pub variant: String,
    /// Port name.
    pub port: String,
    /// Stage name (`drivers` for the port's driver pool), or empty.
    pub stage: String,
    /// Mode name, or empty.
    pub mode: String,
    /// Metric name.
    pub metric: &'static str,
    /// The variant's value over replications.
    pub value: Option<Estimate>,
    /// Variant minus baseline, paired by replication (`None` for the baseline itself).
    pub diff: Option<Estimate>,
}

impl CompareRow {
    /// True when the 95 % interval of the difference excludes zero.
    pub fn significant(&self) -> Option<bool> {
        let d = self.diff?;
        Some(d.ci95.is_some_and(|ci| d.mean.abs() > ci) || (d.ci95 == Some(0.0) && d.mean != 0.0))
    }
}

/// (port, stage, mode) names of one time series; empty where not applicable.
pub type SeriesNames = (String, String, String);

/// All variants' results.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// (name, description) of each variant, baseline first.
    pub variants: Vec<(String, Option<String>)>,
    /// Rows in a fixed order: by port, metric group, then variant.
    pub rows: Vec<CompareRow>,
    /// Replications per variant.
    pub replications: u32,
    /// Seed shared by all variants.
    pub seed: u64,
    /// True when variants used independent streams instead of common random numbers.
    pub independent: bool,
    /// Scenario name.
    pub name: String,
    /// Calendar start of the baseline, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// The dated events the `event_K_*` rows follow: (K, port, label, variants that have
    /// it), in order of K; a K whose event differs between variants appears once per event.
    pub events: Vec<(usize, String, String, Vec<String>)>,
    /// Each variant's time series over replications, with its series names (port, stage,
    /// mode per series), for queue-over-time charts.
    pub series: Vec<(Vec<SeriesNames>, crate::experiment::SeriesSummary)>,
}

/// Where in a port a compared metric belongs, by name: typed, so no stage name can be taken
/// for the driver pool (a stage named `drivers` used to be looked up as the pool).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// The port as a whole.
    Port,
    /// One mode at the port, by mode name.
    Mode(String),
    /// One stage of the port, by stage name.
    Stage(String),
    /// The port's driver pool.
    Pool,
}

/// How the driver pool is labelled in the stage column of a comparison.
const POOL_LABEL: &str = "drivers";

/// A metric named by names rather than indices, so it can be found in every variant even
/// when a variant changes the model.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    port: String,
    place: Place,
    metric: &'static str,
    /// For a dated event's metric, the event it follows: a variant whose event of that
    /// number is another one (it changes the dates) has no value for it.
    event: Option<String>,
}

impl Named {
    /// The (stage, mode) columns of the row.
    fn columns(&self) -> (String, String) {
        match &self.place {
            Place::Port => (String::new(), String::new()),
            Place::Mode(m) => (String::new(), m.clone()),
            Place::Stage(s) => (s.clone(), String::new()),
            Place::Pool => (POOL_LABEL.to_string(), String::new()),
        }
    }
}

/// The metrics compared, generated from the registry: per port, the port's, each mode's,
/// each stage's and the pool's, each kept where some variant yields it (a stage's
/// utilization only where it has lanes, the pool's only where there is one; `abandoned`
/// where a variant gives a line a patience, shown empty for the others; a port only a
/// variant has, empty for the others).
fn named_keys(variants: &[&Scenario], results: &[Experiment]) -> Vec<Named> {
    let specs: Vec<&crate::model::ModelSpec> = variants.iter().map(|v| &v.spec).collect();
    // The baseline's ports, then any a variant adds (a port it diverts to), each laid out
    // as the first variant that has it.
    let mut ports: Vec<(&crate::model::ModelSpec, usize)> = Vec::new();
    for spec in &specs {
        for (p, port) in spec.ports.iter().enumerate() {
            if !ports.iter().any(|(s, q)| s.ports[*q].name == port.name) {
                ports.push((spec, p));
            }
        }
    }
    let mut out = Vec::new();
    for (spec, p) in ports {
        let port = &spec.ports[p];
        let mut add = |place: Place, level: Level| {
            for metric in compared_in(&specs, level) {
                let event = crate::model::backlog::mark_of(metric)
                    .and_then(|k| variants.iter().find_map(|v| v.spec.marks.get(k)))
                    .map(|m| m.label.clone());
                let n = Named {
                    port: port.name.clone(),
                    place: place.clone(),
                    metric,
                    event,
                };
                if variants
                    .iter()
                    .zip(results)
                    .any(|(sc, exp)| lookup(sc, exp, &n).is_some())
                {
                    out.push(n);
                }
            }
        };
        add(Place::Port, Level::Port);
        for f in spec.flows.iter().filter(|f| f.port == p) {
            add(Place::Mode(spec.modes[f.mode].name.clone()), Level::Flow);
        }
        for st in spec.stages.iter().filter(|s| s.port == p) {
            add(Place::Stage(st.name.clone()), Level::Stage);
        }
        add(Place::Pool, Level::Pool);
    }
    out
}

/// Each dated event of the variants, with the variants that have it as their K-th.
fn events(variants: &[&Scenario]) -> Vec<(usize, String, String, Vec<String>)> {
    let mut out: Vec<(usize, String, String, Vec<String>)> = Vec::new();
    for sc in variants {
        for (k, m) in sc.spec.marks.iter().enumerate() {
            let port = sc.spec.ports[m.port].name.clone();
            match out.iter_mut().find(|e| e.0 == k + 1 && e.1 == port && e.2 == m.label) {
                Some(e) => e.3.push(sc.variant.clone()),
                None => out.push((k + 1, port, m.label.clone(), vec![sc.variant.clone()])),
            }
        }
    }
    out.sort_by_key(|e| e.0);
    out
}

/// The per-replication values of a named metric in one variant's results.
fn lookup<'a>(sc: &Scenario, exp: &'a Experiment, want: &Named) -> Option<&'a Vec<Option<f64>>> {
    let spec = &sc.spec;
    let port = spec.ports.iter().position(|p| p.name == want.port)?;
    let scope = match &want.place {
        Place::Pool => Scope::Pool(spec.ports[port].pool?),
        Place::Stage(name) => Scope::Stage(spec.stages.iter().position(|s| s.port == port && s.name == *name)?),
        Place::Mode(name) => Scope::Flow(spec.modes.iter().position(|m| m.name == *name)?),
        Place::Port => Scope::Port,
    };
    if let Some(label) = &want.event
        && crate::model::backlog::mark_of(want.metric)
            .and_then(|k| spec.marks.get(k))
            .map(|m| &m.label)
            != Some(label)
    {
        return None;
    }
    let key = MetricKey {
        port,
        scope,
        name: want.metric,
    };
    let i = exp.metrics.iter().position(|(k, _)| *k == key)?;
    Some(&exp.per_replication[i])
}

/// Runs every scenario in `variants` (the first is the baseline) for `replications`
/// replications. With `independent`, variant i uses seed + i instead of the common seed:
/// only for measuring what common random numbers buy.
pub fn compare(variants: &[&Scenario], replications: u32, seed: u64, independent: bool) -> Result<Comparison, Error> {
    compare_with_progress(variants, replications, seed, independent, |_| {})
}

/// [`compare`], calling `progress` with the number of replications finished over all
/// variants.
pub fn compare_with_progress(
    variants: &[&Scenario],
    replications: u32,
    seed: u64,
    independent: bool,
    progress: impl Fn(u64) + Sync,
) -> Result<Comparison, Error> {
    let never = AtomicBool::new(false);
    let folds = Folds::new(
        variants
            .iter()
            .map(|sc| Fold::for_model(&sc.spec, sc.policy.clone()))
            .collect(),
    )?;
    compare_resumable(variants, replications, seed, independent, folds, progress, &never).map_err(|h| match h {
        Halt::Failed(e) => e,
        Halt::Interrupted(_) => unreachable!("nothing interrupts this comparison"),
    })
}

/// [`compare`] continuing from `folds` (one per variant) and stopping early when `interrupt` is set. Because replication k of
/// every variant uses stream set k and is folded in order, an interrupted and resumed
/// comparison ends byte-identical to an uninterrupted one.
pub fn compare_resumable(
    variants: &[&Scenario],
    replications: u32,
    seed: u64,
    independent: bool,
    folds: Folds,
    progress: impl Fn(u64) + Sync,
    interrupt: &AtomicBool,
) -> Result<Comparison, Halt> {
    let models = compare_models(variants, seed, independent);
    let folds = run_models(&models, replications, folds, progress, interrupt)?;
    comparison_from_folds(variants, &folds, seed, independent).map_err(Halt::Failed)
}

/// The (model, policy, seed) of each variant: one seed for all under common random numbers,
/// seed + i for variant i with `independent`.
pub fn compare_models<'a>(
    variants: &[&'a Scenario],
    seed: u64,
    independent: bool,
) -> Vec<(&'a crate::model::ModelSpec, &'a crate::policy::BuiltinPolicy, u64)> {
    variants
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            (
                &sc.spec,
                &sc.policy,
                if independent { seed.wrapping_add(i as u64) } else { seed },
            )
        })
        .collect()
}

/// The comparison of whatever the folds hold: the final one, or a partial one after an
/// interruption.
pub fn comparison_from_folds(
    variants: &[&Scenario],
    folds: &Folds,
    seed: u64,
    independent: bool,
) -> Result<Comparison, Error> {
    let results: Vec<Experiment> = variants
        .iter()
        .zip(folds.as_slice())
        .enumerate()
        .map(|(i, (sc, f))| {
            let s = if independent { seed.wrapping_add(i as u64) } else { seed };
            f.finish(&sc.spec, s)
                .ok_or_else(|| Error::Usage("no replication finished yet".into()))
        })
        .collect::<Result<_, _>>()?;
    let replications = results[0].replications;
    let base = variants[0];
    let mut rows = Vec::new();
    for want in named_keys(variants, &results) {
        let base_vals = lookup(base, &results[0], &want);
        for (i, (sc, exp)) in variants.iter().zip(&results).enumerate() {
            let vals = lookup(sc, exp, &want);
            let value = vals.and_then(|v| Estimate::from_values(v.iter().copied()));
            let diff = if i == 0 {
                None
            } else {
                match (vals, base_vals) {
                    (Some(v), Some(b)) => Estimate::from_values(v.iter().zip(b).map(|(x, y)| Some((*x)? - (*y)?))),
                    _ => None,
                }
            };
            let (stage, mode) = want.columns();
            rows.push(CompareRow {
                variant: sc.variant.clone(),
                port: want.port.clone(),
                stage,
                mode,
                metric: want.metric,
                value,
                diff,
            });
        }
    }
    Ok(Comparison {
        variants: variants
            .iter()
            .map(|s| (s.variant.clone(), s.variant_description.clone()))
            .collect(),
        rows,
        replications,
        seed,
        independent,
        name: base.spec.name.clone(),
        start: base.spec.start.format(0.0),
        events: events(variants),
        series: variants
            .iter()
            .zip(results)
            .map(|(sc, exp)| {
                let names = exp
                    .series
                    .defs
                    .iter()
                    .map(|d| {
                        (
                            sc.spec.ports[d.port].name.clone(),
                            d.stage.map_or(String::new(), |s| sc.spec.stages[s].name.clone()),
                            d.mode.map_or(String::new(), |m| sc.spec.modes[m].name.clone()),
                        )
                    })
                    .collect();
                (names, exp.series)
            })
            .collect(),
    })
}
