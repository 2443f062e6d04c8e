//! The optimisation file: what it may say (the serde schema) and the checks that turn it into
//! an [`OptimiseDef`], every refusal located in the file like a scenario's.

use super::constraint::{Bound, Constraint};
use crate::error::Error;
use crate::experiment::sweep::SweepDef;
use crate::experiment::sweep::design::Design;
use crate::experiment::sweep::file::{FactorSection, check_factor};
use crate::scenario::{Invalid, KeyPath};
use serde::Deserialize;
use std::path::Path;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptimiseFile {
    optimise: Section,
    #[serde(default)]
    variables: Vec<FactorSection>,
    #[serde(default)]
    constraints: Vec<ConstraintSection>,
}

/// `[optimise]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    scenario: String,
    description: Option<String>,
    confidence: Option<f64>,
    first_replications: Option<u32>,
    max_replications: Option<u32>,
    search: Option<SearchKind>,
    fixed_cost: Option<f64>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum SearchKind {
    CheapestFirst,
    All,
}

/// One `[[constraints]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintSection {
    metric: String,
    port: Option<String>,
    stage: Option<String>,
    mode: Option<String>,
    max: Option<f64>,
    min: Option<f64>,
    tolerance: Option<f64>,
}

/// Most candidates an optimisation may have: each is built and checked before any run, and
/// a space this large already needs a day of a cluster to decide.
pub const MAX_CANDIDATES: usize = 10_000;

/// Default first-stage replications: the procedure's variance estimate needs a few.
pub const FIRST_REPLICATIONS: u32 = 5;

/// Default budget of replications per candidate.
pub const MAX_REPLICATIONS: u32 = 50;

/// A checked optimisation file.
#[derive(Debug, Clone)]
pub struct OptimiseDef {
    /// The candidate space as a factorial sweep over the variables (which the sweep machinery
    /// builds and checks point by point).
    pub sweep: SweepDef,
    /// Cost per unit of each variable, in variable order.
    pub unit_costs: Vec<f64>,
    /// Cost every candidate carries.
    pub fixed_cost: f64,
    /// The service constraints, in file order.
    pub constraints: Vec<Constraint>,
    /// 1 - alpha: the probability that every decision is right (within the tolerances).
    pub confidence: f64,
    /// First-stage replications per candidate (n0).
    pub first: u32,
    /// Replications a candidate may use at most.
    pub budget: u32,
    /// Decide every candidate, not only up to the cheapest feasible one.
    pub all: bool,
}

/// Reads and checks the optimisation file at `path` (the candidates themselves are checked
/// against the scenario later, when the space is built).
pub fn load(path: &Path) -> Result<OptimiseDef, Error> {
    let bytes = crate::scenario::read_limited(path, crate::scenario::MAX_FILE_BYTES).map_err(|reason| Error::Read {
        path: path.to_path_buf(),
        reason,
    })?;
    let src = String::from_utf8(bytes).map_err(|_| Error::Syntax {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: "the optimisation file is not valid UTF-8 text; save it as UTF-8".into(),
    })?;
    parse(&src, path)
}

/// [`load`] on text already read.
pub fn parse(src: &str, path: &Path) -> Result<OptimiseDef, Error> {
    let file: OptimiseFile = toml::from_str(src).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| crate::scenario::locate::line_col(src, s.start));
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "{} (an optimisation file has [optimise] with scenario, [[variables]] and [[constraints]]; see README, \"Optimisation\")",
                e.message().trim().replace('\n', " ")
            ),
        }
    })?;
    check(file, src, path).map_err(|inv| crate::scenario::invalid(src, path, inv))
}

fn check(file: OptimiseFile, src: &str, path: &Path) -> Result<OptimiseDef, Invalid> {
    let sec = &file.optimise;
    let op = KeyPath::root("optimise");
    let confidence = sec.confidence.unwrap_or(0.95);
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(op.child("confidence").invalid(format!(
            "a probability strictly between 0 and 1 (e.g. 0.95), got {confidence}"
        )));
    }
    let first = sec.first_replications.unwrap_or(FIRST_REPLICATIONS);
    if first < 2 {
        return Err(op
            .child("first_replications")
            .invalid("at least 2: the procedure estimates each constraint's variance from them"));
    }
    let budget = sec.max_replications.unwrap_or(MAX_REPLICATIONS.max(first));
    if budget < first {
        return Err(op
            .child("max_replications")
            .invalid(format!("at least first_replications ({first}), got {budget}")));
    }
    let fixed_cost = sec.fixed_cost.unwrap_or(0.0);
    if !fixed_cost.is_finite() {
        return Err(op.child("fixed_cost").invalid("must be a finite number"));
    }
    let (factors, unit_costs) = variables(file.variables)?;
    let constraints = constraints(file.constraints)?;
    let space = factors
        .iter()
        .try_fold(1usize, |n, f| n.checked_mul(f.levels.count().unwrap_or(1)));
    if space.is_none_or(|n| n > MAX_CANDIDATES) {
        return Err(KeyPath::root("variables").invalid(format!(
            "the candidate space (every combination of the variables' values) has more than {MAX_CANDIDATES} candidates: offer fewer values"
        )));
    }
    if unit_costs.iter().all(|c| *c == 0.0) {
        return Err(KeyPath::root("variables").invalid(
            "every variable's unit_cost is 0, so every candidate costs the same: give the variables their unit costs",
        ));
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let sweep = SweepDef {
        path: path.to_path_buf(),
        src: src.to_string(),
        scenario: folder.join(&sec.scenario),
        description: sec.description.clone(),
        metrics: Vec::new(),
        design: Design::Factorial,
        factors,
        table: "variables",
    };
    Ok(OptimiseDef {
        sweep,
        unit_costs,
        fixed_cost,
        constraints,
        confidence,
        first,
        budget,
        all: sec.search == Some(SearchKind::All),
    })
}

type Factors = (Vec<crate::experiment::sweep::design::Factor>, Vec<f64>);

fn variables(tables: Vec<FactorSection>) -> Result<Factors, Invalid> {
    if tables.is_empty() {
        return Err(KeyPath::root("variables").invalid(
            "an optimisation needs at least one [[variables]] table (a scenario key, its allowed values and a unit_cost)",
        ));
    }
    let (mut factors, mut costs) = (Vec::new(), Vec::new());
    for (i, mut t) in tables.into_iter().enumerate() {
        let kp = KeyPath::root("variables").child(&i.to_string());
        let cost = t.unit_cost.take();
        let f = check_factor(t, &kp, &Design::Factorial)?;
        if factors
            .iter()
            .any(|g: &crate::experiment::sweep::design::Factor| g.name == f.name)
        {
            return Err(kp.child("name").invalid(format!(
                "variable `{}` is named twice: give each variable its own name",
                f.name
            )));
        }
        let cost = cost.ok_or_else(|| {
            kp.invalid("a variable needs `unit_cost`, its cost per unit of value (0 for a variable that costs nothing)")
        })?;
        if !cost.is_finite() {
            return Err(kp.child("unit_cost").invalid("must be a finite number"));
        }
        factors.push(f);
        costs.push(cost);
    }
    Ok((factors, costs))
}

fn constraints(tables: Vec<ConstraintSection>) -> Result<Vec<Constraint>, Invalid> {
    if tables.is_empty() {
        return Err(KeyPath::root("constraints")
            .invalid("an optimisation needs at least one [[constraints]] table (a metric and a max or min)"));
    }
    tables
        .into_iter()
        .enumerate()
        .map(|(i, t)| constraint(t, &KeyPath::root("constraints").child(&i.to_string())))
        .collect()
}

fn constraint(t: ConstraintSection, kp: &KeyPath) -> Result<Constraint, Invalid> {
    let Some(def) = crate::model::registry::metric(&t.metric) else {
        return Err(kp.child("metric").invalid(format!(
            "`{}` is not a metric of summary.json (README \"Outputs\"), e.g. time_in_system_p95_min, wait_mean_min, p_wait, within_240_min",
            t.metric
        )));
    };
    let (bound, key) = match (t.max, t.min) {
        (Some(q), None) => (Bound::AtMost(q), "max"),
        (None, Some(q)) => (Bound::AtLeast(q), "min"),
        _ => return Err(kp.invalid("give exactly one of `max` (the metric must stay at or below it) or `min`")),
    };
    let q = bound.value();
    if !q.is_finite() {
        return Err(kp.child(key).invalid("must be a finite number"));
    }
    let unit = def.unit;
    if def.aggregation == crate::model::registry::Aggregation::Fraction && !(0.0..=1.0).contains(&q) {
        return Err(kp.child(key).invalid(format!(
            "`{}` is a fraction between 0 and 1, so a bound of {q} is out of its range (write 1 % as 0.01)",
            t.metric
        )));
    }
    if q < 0.0 {
        return Err(kp.child(key).invalid(format!(
            "`{}` is never negative ({unit}), so a bound of {q} cannot be meant",
            t.metric
        )));
    }
    if matches!(bound, Bound::AtMost(_)) && q == 0.0
        || matches!(bound, Bound::AtLeast(_)) && q == 1.0 && unit == "fraction"
    {
        // A bound at the metric's edge is decidable only with a tolerance given explicitly.
        if t.tolerance.is_none() {
            return Err(kp.child(key).invalid(format!(
                "a bound of {q} sits at the edge of `{}`'s range: give `tolerance`, the gap from the bound that does not matter",
                t.metric
            )));
        }
    }
    let tolerance = t.tolerance.unwrap_or(q.abs() * 0.01);
    if !(tolerance.is_finite() && tolerance > 0.0) {
        return Err(kp.child("tolerance").invalid(format!(
            "a positive number in the metric's unit ({unit}): the gap from the bound within which either decision is acceptable; got {tolerance}"
        )));
    }
    Ok(Constraint {
        metric: t.metric,
        port: t.port,
        stage: t.stage,
        mode: t.mode,
        bound,
        tolerance,
        key: kp.0.join("."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[optimise]
scenario = "mmc.toml"
[[variables]]
key = "ports.textbook.stages.lanes.servers"
values = [3, 4, 5, 6]
unit_cost = 1
[[constraints]]
metric = "wait_mean_min"
stage = "lanes"
max = 2
"#;

    fn err(src: &str) -> String {
        parse(src, Path::new("scenarios/opt.toml")).unwrap_err().to_string()
    }

    #[test]
    fn a_good_file_reads_with_its_defaults() {
        let d = parse(GOOD, Path::new("scenarios/opt.toml")).unwrap();
        assert_eq!((d.first, d.budget, d.confidence, d.all), (5, 50, 0.95, false));
        assert_eq!(d.unit_costs, vec![1.0]);
        assert_eq!(d.constraints[0].tolerance, 0.02);
        assert_eq!(d.sweep.scenario, Path::new("scenarios/mmc.toml"));
    }

    #[test]
    fn bad_files_are_refused_where_they_are_wrong() {
        let e = err(&GOOD.replace("wait_mean_min", "wait_avg"));
        assert!(
            e.contains("opt.toml:9:1: constraints.0.metric: `wait_avg` is not a metric"),
            "{e}"
        );
        let e = err(&GOOD.replace("max = 2", "max = -2"));
        assert!(e.contains("constraints.0.max: ") && e.contains("never negative"), "{e}");
        let e = err(&GOOD.replace("wait_mean_min", "p_wait").replace("max = 2", "max = 80"));
        assert!(
            e.contains("constraints.0.max") && e.contains("write 1 % as 0.01"),
            "{e}"
        );
        let e = err(&GOOD.replace("max = 2", "max = 2\nmin = 1"));
        assert!(e.contains("exactly one of `max`"), "{e}");
        let e = err(&GOOD.replace("values = [3, 4, 5, 6]", "values = []"));
        assert!(e.contains("variables.0.values: a non-empty list"), "{e}");
        let e = err(&GOOD.replace("unit_cost = 1", "unit_cost = 0"));
        assert!(e.contains("every candidate costs the same"), "{e}");
        let e = err(&GOOD.replace("unit_cost = 1\n", ""));
        assert!(e.contains("variables.0: a variable needs `unit_cost`"), "{e}");
        let e = err(&GOOD.replace("[optimise]", "[optimise]\nfirst_replications = 1"));
        assert!(e.contains("optimise.first_replications: at least 2"), "{e}");
        let e = err(&GOOD.replace("[optimise]", "[optimise]\nconfidence = 95"));
        assert!(e.contains("optimise.confidence"), "{e}");
        let e = err(&GOOD.replace("key = \"ports", "key = \"simulation.seed\"\n#\""));
        assert!(
            e.contains("variables.0.key: an optimisation cannot vary [simulation]"),
            "{e}"
        );
        let e = err(&GOOD.replace("max = 2", "max = 0"));
        assert!(e.contains("give `tolerance`"), "{e}");
    }
}
