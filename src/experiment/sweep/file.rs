//! The sweep file: what it may say (the serde schema) and the checks that turn it into a
//! [`SweepDef`], every refusal located in the file like a scenario's.

use super::design::{Design, Factor, Levels, Setter, Transform};
use crate::error::Error;
use crate::scenario::{Invalid, KeyPath};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    sweep: SweepSection,
    design: DesignSection,
    #[serde(default)]
    factors: Vec<FactorSection>,
}

/// `[sweep]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepSection {
    scenario: String,
    description: Option<String>,
    metrics: Option<Vec<String>>,
}

/// `[design]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DesignSection {
    kind: DesignKind,
    points: Option<u32>,
    seed: Option<u64>,
    file: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum DesignKind {
    Factorial,
    LatinHypercube,
    File,
}

/// One `[[factors]]` table (an optimiser's `[[variables]]` table has the same keys and a cost).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactorSection {
    name: Option<String>,
    key: Option<String>,
    set: Option<Vec<SetSection>>,
    values: Option<Vec<f64>>,
    range: Option<RangeSection>,
    /// Only in an optimiser's `[[variables]]`: cost per unit of the variable's value.
    #[serde(default)]
    pub(crate) unit_cost: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeSection {
    min: f64,
    max: f64,
    steps: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetSection {
    key: String,
    scale: Option<f64>,
    offset: Option<f64>,
    transform: Option<TransformKind>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum TransformKind {
    Linear,
    ProfileStrength,
}

/// Most design points a sweep may have: far more than a cluster runs in a day, few enough
/// that a typo (a factorial of ten factors at ten levels) is refused before any work.
pub const MAX_POINTS: usize = 100_000;

/// A checked sweep file.
#[derive(Debug, Clone)]
pub struct SweepDef {
    /// The sweep file.
    pub path: PathBuf,
    /// Its text, for the fingerprint of shards and checkpoints.
    pub src: String,
    /// The base scenario, resolved against the sweep file's folder.
    pub scenario: PathBuf,
    /// Free text.
    pub description: Option<String>,
    /// Port-level metric names the charts and the sensitivity table report.
    pub metrics: Vec<String>,
    /// How the points are chosen.
    pub design: Design,
    /// The factors, in file order.
    pub factors: Vec<Factor>,
    /// The file's name for its factor tables: `factors` in a sweep file, `variables` in an
    /// optimisation file (errors are located under it).
    pub table: &'static str,
}

/// Reads and checks the sweep file at `path` (the points themselves are checked against the
/// scenario later, by [`super::plan`]).
pub fn load(path: &Path) -> Result<SweepDef, Error> {
    let bytes = crate::scenario::read_limited(path, crate::scenario::MAX_FILE_BYTES).map_err(|reason| Error::Read {
        path: path.to_path_buf(),
        reason,
    })?;
    let src = String::from_utf8(bytes).map_err(|_| Error::Syntax {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: "the sweep file is not valid UTF-8 text; save it as UTF-8".into(),
    })?;
    parse(&src, path)
}

/// [`load`] on text already read.
pub fn parse(src: &str, path: &Path) -> Result<SweepDef, Error> {
    let file: SweepFile = toml::from_str(src).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| crate::scenario::locate::line_col(src, s.start));
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "{} (a sweep file has [sweep] with scenario, [design] with kind, and [[factors]]; see README, \"Sweeps and sensitivity\")",
                e.message().trim().replace('\n', " ")
            ),
        }
    })?;
    check(file, src, path).map_err(|inv| crate::scenario::invalid(src, path, inv))
}

fn check(file: SweepFile, src: &str, path: &Path) -> Result<SweepDef, Invalid> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let scenario = folder.join(&file.sweep.scenario);
    let metrics = check_metrics(file.sweep.metrics)?;
    let design = check_design(&file.design, folder)?;
    if file.factors.is_empty() {
        return Err(KeyPath::root("factors").invalid("a sweep needs at least one [[factors]] table"));
    }
    let mut factors: Vec<Factor> = Vec::new();
    for (i, f) in file.factors.into_iter().enumerate() {
        let kp = KeyPath::root("factors").child(&i.to_string());
        let factor = check_factor(f, &kp, &design)?;
        if factors.iter().any(|g| g.name == factor.name) {
            return Err(kp.child("name").invalid(format!(
                "factor `{}` is named twice: give each factor its own name",
                factor.name
            )));
        }
        factors.push(factor);
    }
    let def = SweepDef {
        path: path.to_path_buf(),
        src: src.to_string(),
        scenario,
        description: file.sweep.description,
        metrics,
        design,
        factors,
        table: "factors",
    };
    if let Design::Factorial = def.design {
        let n = def
            .factors
            .iter()
            .try_fold(1usize, |n, f| n.checked_mul(f.levels.count().unwrap_or(1)));
        if n.is_none_or(|n| n > MAX_POINTS) {
            return Err(KeyPath::root("factors").invalid(format!(
                "the full factorial has more than {MAX_POINTS} points: use fewer levels or a latin_hypercube design"
            )));
        }
    }
    Ok(def)
}

fn check_metrics(m: Option<Vec<String>>) -> Result<Vec<String>, Invalid> {
    let kp = KeyPath::root("sweep").child("metrics");
    let Some(names) = m else {
        return Ok(crate::model::registry::HEADLINE
            .iter()
            .map(|c| c.metric.to_string())
            .collect());
    };
    if names.is_empty() {
        return Err(kp.invalid("name at least one metric, or leave `metrics` out for the headline ones"));
    }
    for (i, n) in names.iter().enumerate() {
        let known =
            crate::model::registry::metric(n).is_some_and(|d| d.compare.contains(&crate::model::registry::Level::Port));
        if !known {
            return Err(kp.child(&i.to_string()).invalid(format!(
                "`{n}` is not a port-level metric (the totals of summary.json, README \"Outputs\"), e.g. time_in_system_mean_min"
            )));
        }
    }
    Ok(names)
}

fn check_design(d: &DesignSection, folder: &Path) -> Result<Design, Invalid> {
    let kp = KeyPath::root("design");
    let unused = |key: &str, kind: &str| {
        kp.child(key)
            .invalid(format!("`{key}` does not apply to kind = \"{kind}\""))
    };
    match d.kind {
        DesignKind::Factorial => {
            for (k, set) in [
                ("points", d.points.is_some()),
                ("seed", d.seed.is_some()),
                ("file", d.file.is_some()),
            ] {
                if set {
                    return Err(unused(k, "factorial"));
                }
            }
            Ok(Design::Factorial)
        }
        DesignKind::LatinHypercube => {
            if d.file.is_some() {
                return Err(unused("file", "latin_hypercube"));
            }
            let points = d
                .points
                .ok_or_else(|| kp.invalid("kind = \"latin_hypercube\" needs `points`, the number of design points"))?;
            if points < 2 || points as usize > MAX_POINTS {
                return Err(kp
                    .child("points")
                    .invalid(format!("must be 2 to {MAX_POINTS}, got {points}")));
            }
            let seed = d.seed.ok_or_else(|| {
                kp.invalid("kind = \"latin_hypercube\" needs `seed`, the seed of its own stream (independent of the simulation seed)")
            })?;
            Ok(Design::LatinHypercube { points, seed })
        }
        DesignKind::File => {
            for (k, set) in [("points", d.points.is_some()), ("seed", d.seed.is_some())] {
                if set {
                    return Err(unused(k, "file"));
                }
            }
            let f = d
                .file
                .as_ref()
                .ok_or_else(|| kp.invalid("kind = \"file\" needs `file`, a CSV with one column per factor name"))?;
            Ok(Design::File { path: folder.join(f) })
        }
    }
}

/// A factor or setter key: dotted names into the scenario, none of the tables a variant
/// may not change (the variant machinery refuses those too, naming the point).
fn check_key(key: &str, kp: &KeyPath) -> Result<(), Invalid> {
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(kp.invalid("not a key path: use dotted names like \"ports.horgos.stages.lanes.servers\""));
    }
    if matches!(key.split('.').next(), Some("simulation" | "variants" | "policy")) {
        let what = if kp.0.first().map(String::as_str) == Some("variables") {
            "an optimisation cannot vary [simulation], [variants] or [policy]: common random numbers pair the candidates only under the same run settings"
        } else {
            "a sweep cannot vary [simulation], [variants] or [policy]: common random numbers pair the points only under the same run settings"
        };
        return Err(kp.invalid(what));
    }
    Ok(())
}

/// Checks one factor (or optimiser variable) table at `kp`.
pub(crate) fn check_factor(f: FactorSection, kp: &KeyPath, design: &Design) -> Result<Factor, Invalid> {
    if f.unit_cost.is_some() && kp.0.first().map(String::as_str) == Some("factors") {
        return Err(kp
            .child("unit_cost")
            .invalid("`unit_cost` belongs to an optimisation file's [[variables]], not to a sweep"));
    }
    let setters = match (f.key, f.set) {
        (Some(_), Some(_)) => return Err(kp.invalid("give either `key` or `set`, not both")),
        (None, None) => return Err(kp.invalid("a factor needs `key` (the scenario key it sets) or `set` (several)")),
        (Some(k), None) => {
            check_key(&k, &kp.child("key"))?;
            vec![Setter {
                key: k,
                scale: 1.0,
                offset: 0.0,
                transform: Transform::Linear,
            }]
        }
        (None, Some(set)) => {
            if set.is_empty() {
                return Err(kp.child("set").invalid("`set` needs at least one { key = ... }"));
            }
            let mut out = Vec::new();
            for (j, s) in set.into_iter().enumerate() {
                let sp = kp.child("set").child(&j.to_string());
                check_key(&s.key, &sp.child("key"))?;
                let transform = match s.transform.unwrap_or(TransformKind::Linear) {
                    TransformKind::Linear => Transform::Linear,
                    TransformKind::ProfileStrength => Transform::ProfileStrength,
                };
                if matches!(transform, Transform::ProfileStrength) && (s.scale.is_some() || s.offset.is_some()) {
                    return Err(sp.invalid("transform = \"profile_strength\" takes no `scale` or `offset`"));
                }
                for (name, v) in [("scale", s.scale), ("offset", s.offset)] {
                    if v.is_some_and(|v| !v.is_finite()) {
                        return Err(sp.child(name).invalid("must be a finite number"));
                    }
                }
                out.push(Setter {
                    key: s.key,
                    scale: s.scale.unwrap_or(1.0),
                    offset: s.offset.unwrap_or(0.0),
                    transform,
                });
            }
            out
        }
    };
    let name = f.name.unwrap_or_else(|| setters[0].key.clone());
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
        return Err(kp.child("name").invalid(format!(
            "`{name}`: a factor name is letters, digits, `_`, `.` and `-` (it is a CSV column)"
        )));
    }
    let levels = check_levels(f.values, f.range, kp, design)?;
    Ok(Factor { name, setters, levels })
}

fn check_levels(
    values: Option<Vec<f64>>,
    range: Option<RangeSection>,
    kp: &KeyPath,
    design: &Design,
) -> Result<Levels, Invalid> {
    let levels = match (values, range) {
        (Some(_), Some(_)) => return Err(kp.invalid("give either `values` or `range`, not both")),
        (None, None) => Levels::Free,
        (Some(v), None) => {
            if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
                return Err(kp.child("values").invalid("a non-empty list of finite numbers"));
            }
            Levels::Values(v)
        }
        (None, Some(r)) => {
            let rp = kp.child("range");
            if !(r.min.is_finite() && r.max.is_finite() && r.min < r.max) {
                return Err(rp.invalid(format!(
                    "min and max must be finite with min < max, got {} and {}",
                    r.min, r.max
                )));
            }
            if r.steps.is_some_and(|s| s < 2) {
                return Err(rp.child("steps").invalid("at least 2 (min and max)"));
            }
            Levels::Range {
                min: r.min,
                max: r.max,
                steps: r.steps,
            }
        }
    };
    match (design, &levels) {
        (Design::Factorial, Levels::Free) => {
            Err(kp.invalid("a factorial design needs `values` or `range` with `steps`"))
        }
        (Design::Factorial, Levels::Range { steps: None, .. }) => Err(kp
            .child("range")
            .invalid("a factorial design needs `steps` in the range (the number of levels, min and max included)")),
        (Design::LatinHypercube { .. }, Levels::Free) => {
            Err(kp.invalid("a latin_hypercube design needs `values` or `range`"))
        }
        (Design::LatinHypercube { .. }, Levels::Range { steps: Some(_), .. }) => Err(kp
            .child("range")
            .child("steps")
            .invalid("a latin_hypercube samples the range continuously: `steps` is for factorial designs")),
        _ => Ok(levels),
    }
}

/// True when `path` reads as TOML with a `[sweep]` table: `check` then checks it as a sweep
/// file (anything else, unreadable files included, is checked as a scenario).
pub fn is_sweep_file(path: &Path) -> bool {
    crate::scenario::read_limited(path, crate::scenario::MAX_FILE_BYTES)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .is_some_and(|t| t.get("sweep").is_some_and(toml::Value::is_table))
}
