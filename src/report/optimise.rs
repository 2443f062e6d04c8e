//! The optimiser's outputs: optimise.json (the settings, every candidate examined, the
//! choice and the effort), optimise.csv (a row per candidate), the printed table and the
//! frontier chart.

use super::charts::draw::Chart;
use super::charts::frontier::{Frontier, FrontierPoint};
use super::exporter::{CHARTS, OPTIMISE_CSV, OPTIMISE_JSON};
use super::number::fixed;
use crate::error::Error;
use crate::experiment::optimise::{Decision, Outcome, Space};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A variable as optimise.json describes it.
#[derive(Debug, Serialize)]
struct VariableInfo<'a> {
    name: &'a str,
    keys: Vec<&'a str>,
    unit_cost: f64,
}

/// A constraint as optimise.json describes it.
#[derive(Debug, Serialize)]
struct ConstraintInfo<'a> {
    label: String,
    metric: &'a str,
    port: Option<&'a str>,
    stage: Option<&'a str>,
    mode: Option<&'a str>,
    bound: f64,
    side: &'static str,
    tolerance: f64,
}

/// optimise.json.
#[derive(Debug, Serialize)]
struct Json<'a> {
    optimisation_file: &'a str,
    scenario_file: &'a str,
    scenario: &'a str,
    description: Option<&'a str>,
    seed: u64,
    horizon_days: f64,
    warmup_days: f64,
    confidence: f64,
    procedure: &'static str,
    per_check_error: f64,
    h2: f64,
    screen_t: f64,
    first_replications: u32,
    max_replications: u32,
    search: &'static str,
    fixed_cost: f64,
    variables: Vec<VariableInfo<'a>>,
    constraints: Vec<ConstraintInfo<'a>>,
    statement: String,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

/// The procedure, as optimise.json names it.
const PROCEDURE: &str =
    "Batur and Kim (2010) fully sequential feasibility check, c = 1, Bonferroni over candidates x constraints";

/// What the result means, in one paragraph: the chosen candidate and what the confidence
/// covers, or why there is none.
pub fn statement(space: &Space, o: &Outcome) -> String {
    let d = &space.def;
    let pct = fixed(d.confidence * 100.0, 1, false);
    let tol: Vec<String> = d
        .constraints
        .iter()
        .map(|c| format!("{} (tolerance {})", c.label(space.ports.len()), c.tolerance))
        .collect();
    let cover = format!(
        "With probability at least {pct} %, every decision below is right: a candidate whose true mean is beyond a bound by more than its tolerance is never declared feasible, and one inside every bound by more than its tolerance is never declared infeasible ({}). The guarantee assumes roughly normal replication values; within a tolerance of a bound either decision may be made.",
        tol.join("; ")
    );
    let head = match (o.chosen, o.nearest) {
        (Some(i), _) => {
            let e = &o.examined[i];
            let mut s = format!(
                "Chosen: candidate {} ({}), cost {}, declared feasible after {} replications.",
                e.index,
                values(space, &e.values),
                shown(e.cost),
                e.replications
            );
            if o.cheaper_undecided > 0 {
                let _ = write!(
                    s,
                    " {} cheaper candidate(s) stayed undecided at the budget of {} replications and may also be feasible: raise max_replications to decide them.",
                    o.cheaper_undecided, d.budget
                );
            } else {
                s.push_str(" Every cheaper candidate was declared infeasible, so it is the cheapest feasible one.");
            }
            s
        }
        (None, Some(i)) => {
            let e = &o.examined[i];
            format!(
                "No candidate was declared feasible ({} of {} examined). Nearest: candidate {} ({}), cost {}, {}.",
                o.examined.len(),
                o.candidates,
                e.index,
                values(space, &e.values),
                shown(e.cost),
                e.decision.name()
            )
        }
        (None, None) => format!(
            "No candidate was declared feasible, and none measured the constraints ({} examined).",
            o.examined.len()
        ),
    };
    format!("{head} {cover}")
}

fn shown(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}

fn values(space: &Space, v: &[f64]) -> String {
    space
        .def
        .sweep
        .factors
        .iter()
        .zip(v)
        .map(|(f, x)| format!("{} = {}", f.name, shown(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn json<'a>(space: &'a Space, o: &'a Outcome) -> Json<'a> {
    let d = &space.def;
    let p = &space.sweep.plan;
    Json {
        optimisation_file: &p.sweep_file,
        scenario_file: &p.scenario_file,
        scenario: &p.name,
        description: p.description.as_deref(),
        seed: p.seed,
        horizon_days: p.horizon_min / 1440.0,
        warmup_days: p.warmup_min / 1440.0,
        confidence: d.confidence,
        procedure: PROCEDURE,
        per_check_error: space.beta,
        h2: space.h2,
        screen_t: space.screen_t,
        first_replications: d.first,
        max_replications: d.budget,
        search: if d.all { "all" } else { "cheapest_first" },
        fixed_cost: d.fixed_cost,
        variables: d
            .sweep
            .factors
            .iter()
            .zip(&d.unit_costs)
            .map(|(f, c)| VariableInfo {
                name: &f.name,
                keys: f.setters.iter().map(|s| s.key.as_str()).collect(),
                unit_cost: *c,
            })
            .collect(),
        constraints: d
            .constraints
            .iter()
            .map(|c| ConstraintInfo {
                label: c.label(space.ports.len()),
                metric: &c.metric,
                port: c.port.as_deref(),
                stage: c.stage.as_deref(),
                mode: c.mode.as_deref(),
                bound: c.bound.value(),
                side: if c.bound.sign() > 0.0 { "max" } else { "min" },
                tolerance: c.tolerance,
            })
            .collect(),
        statement: statement(space, o),
        outcome: o,
    }
}

fn cell(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x}"))
}

/// optimise.csv: one row per candidate examined, in the order examined.
pub fn csv(space: &Space, o: &Outcome) -> String {
    let d = &space.def;
    let mut s = String::from("order,candidate");
    for f in &d.sweep.factors {
        let _ = write!(s, ",{}", f.name);
    }
    s.push_str(",cost,decision,replications");
    for j in 0..d.constraints.len() {
        let _ = write!(s, ",c{j}_mean,c{j}_ci_low,c{j}_ci_high,c{j}_verdict,c{j}_decided_at");
    }
    s.push_str(",chosen\n");
    for (k, e) in o.examined.iter().enumerate() {
        let _ = write!(s, "{k},{}", e.index);
        for v in &e.values {
            let _ = write!(s, ",{v}");
        }
        let _ = write!(s, ",{},{},{}", e.cost, e.decision.name(), e.replications);
        for est in &e.estimates {
            let verdict = match est.verdict {
                crate::experiment::optimise::feasibility::Verdict::Met => "met",
                crate::experiment::optimise::feasibility::Verdict::Violated => "violated",
                crate::experiment::optimise::feasibility::Verdict::Open => "open",
            };
            let _ = write!(
                s,
                ",{},{},{},{verdict},{}",
                cell(est.mean),
                cell(est.ci.map(|c| c.0)),
                cell(est.ci.map(|c| c.1)),
                est.decided_at.map_or(String::new(), |n| n.to_string())
            );
        }
        let _ = writeln!(s, ",{}", u8::from(o.chosen == Some(k)));
    }
    s
}

/// The printed table: every candidate examined, then the statement.
pub fn table(space: &Space, o: &Outcome) -> String {
    let d = &space.def;
    let mut s = format!(
        "Optimisation {} of {} ({}): {} candidates, {} examined in cost order, {} replications in all\n\n",
        space.sweep.plan.sweep_file,
        space.sweep.plan.scenario_file,
        space.sweep.plan.name,
        o.candidates,
        o.examined.len(),
        o.replications
    );
    for (j, c) in d.constraints.iter().enumerate() {
        let _ = writeln!(s, "  c{j}: {} (tolerance {})", c.label(space.ports.len()), c.tolerance);
    }
    s.push('\n');
    let mut header: Vec<String> = vec!["cand".into()];
    header.extend(d.sweep.factors.iter().map(|f| f.name.clone()));
    header.extend(["cost".into(), "decision".into(), "reps".into()]);
    header.extend((0..d.constraints.len()).map(|j| format!("c{j} mean [95 % CI]")));
    let mut rows = vec![header];
    for (k, e) in o.examined.iter().enumerate() {
        let mut r = vec![format!("{}{}", e.index, if o.chosen == Some(k) { " *" } else { "" })];
        r.extend(e.values.iter().map(|v| shown(*v)));
        r.extend([shown(e.cost), e.decision.name().to_string(), e.replications.to_string()]);
        for est in &e.estimates {
            r.push(match (est.mean, est.ci) {
                (Some(m), Some((lo, hi))) => format!("{} [{}, {}]", sig(m), sig(lo), sig(hi)),
                (Some(m), None) => sig(m),
                _ => "-".into(),
            });
        }
        rows.push(r);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(x, w)| format!("{x:>w$}")).collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(s, "\n{}", statement(space, o));
    s
}

/// Four significant digits, no exponent for everyday sizes.
fn sig(v: f64) -> String {
    let digits = if v == 0.0 {
        0
    } else {
        (3 - v.abs().log10().floor() as i64).clamp(0, 6) as usize
    };
    fixed(v, digits, false)
}

/// The frontier chart of the binding constraint, when there is something to draw.
pub fn chart(space: &Space, o: &Outcome) -> Option<Chart> {
    let j = o.binding;
    let c = space.def.constraints.get(j)?;
    let points: Vec<FrontierPoint> = o
        .examined
        .iter()
        .enumerate()
        .filter_map(|(k, e)| {
            let est = &e.estimates[j];
            let m = est.mean?;
            let (lo, hi) = est.ci.unwrap_or((m, m));
            let class = match e.decision {
                Decision::Feasible => 0,
                Decision::Infeasible | Decision::Overloaded => 1,
                Decision::Undecided => 2,
            };
            Some(FrontierPoint {
                cost: e.cost,
                mean: m,
                lo,
                hi,
                class,
                chosen: o.chosen == Some(k),
            })
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    Some(Chart::Frontier {
        title: format!("{}: cost against the binding constraint", space.sweep.plan.name),
        frontier: Frontier {
            y_label: c.label(space.ports.len()),
            bound: c.bound.value(),
            upper: c.bound.sign() > 0.0,
            points,
        },
    })
}

/// Writes optimise.csv, the chart (unless `charts` is false) and optimise.json last, each
/// atomically; returns the paths written.
pub fn write(dir: &Path, space: &Space, o: &Outcome, charts: bool) -> Result<Vec<PathBuf>, Error> {
    super::atomic::ensure_dir(dir)?;
    super::outdir::retire_describing(dir, OPTIMISE_JSON)?;
    let mut written = Vec::new();
    let p = dir.join(OPTIMISE_CSV);
    super::atomic::write_atomic(&p, csv(space, o).as_bytes())?;
    written.push(p);
    if charts && let Some(ch) = chart(space, o) {
        let cd = dir.join(CHARTS);
        super::atomic::ensure_dir(&cd)?;
        let bound_port = space.def.constraints.get(o.binding).and_then(|c| c.port.as_deref());
        let port = bound_port.or(space.ports.first().map(String::as_str)).unwrap_or("all");
        written.extend(super::charts::save(&cd, &format!("frontier_{port}"), &ch)?);
    }
    let p = dir.join(OPTIMISE_JSON);
    let mut text = serde_json::to_string_pretty(&json(space, o)).map_err(|e| Error::Output {
        path: p.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    super::atomic::write_atomic(&p, text.as_bytes())?;
    written.insert(0, p);
    Ok(written)
}
