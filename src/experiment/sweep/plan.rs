//! The plan of a sweep: its design points turned into scenarios (each checked like a
//! variant, before anything runs) and everything the outputs need, in a form a shard file
//! carries, so `merge` needs neither the sweep file nor the scenario.

use super::design::{self, Design, Factor, Transform};
use super::file::SweepDef;
use crate::error::Error;
use crate::model::{MetricKey, Scope};
use crate::scenario::{Overrides, Scenario};
use serde::{Deserialize, Serialize};

/// A metric named by names, as in a comparison: (port, stage, mode, metric), empty where
/// not applicable; the driver pool is the stage `drivers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// Port name.
    pub port: String,
    /// Stage name, `drivers` for the pool, or empty.
    pub stage: String,
    /// Mode name, or empty.
    pub mode: String,
    /// Metric name.
    pub metric: String,
}

/// A factor as the outputs describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorInfo {
    /// Column name.
    pub name: String,
    /// The scenario keys it sets.
    pub keys: Vec<String>,
}

/// Everything about a sweep but its results: what the outputs are made from, what every
/// shard of it carries, and (its `hash`) what makes two shards parts of the same sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The sweep file, as given.
    pub sweep_file: String,
    /// The base scenario file.
    pub scenario_file: String,
    /// The scenario's name.
    pub name: String,
    /// The sweep's description.
    pub description: Option<String>,
    /// `factorial`, `latin_hypercube` or `file`.
    pub design: String,
    /// The Latin hypercube's seed.
    pub design_seed: Option<u64>,
    /// The factors, in file order.
    pub factors: Vec<FactorInfo>,
    /// Each point's factor values, in factor order.
    pub points: Vec<Vec<f64>>,
    /// Replications per point.
    pub replications: u32,
    /// The seed every point's replications share (common random numbers).
    pub seed: u64,
    /// Horizon and warm-up, minutes (they change results, so they are part of the hash).
    pub horizon_min: f64,
    /// Warm-up, minutes.
    pub warmup_min: f64,
    /// Every metric some point yields, in order.
    pub metrics: Vec<Named>,
    /// Indices into `metrics` of the port-level metrics charted and ranked.
    pub headline: Vec<usize>,
    /// Fingerprint of the sweep file, scenario, design file and settings.
    pub hash: u64,
}

impl Plan {
    /// Number of (point, replication) pairs.
    pub fn pairs(&self) -> u64 {
        self.points.len() as u64 * u64::from(self.replications)
    }

    /// Pair index of `point` in replication `rep`: replication-major, as the runner orders
    /// pairs.
    pub fn pair(&self, point: usize, rep: u32) -> u64 {
        u64::from(rep) * self.points.len() as u64 + point as u64
    }
}

/// A plan with its point scenarios, ready to run.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The plan.
    pub plan: Plan,
    /// One scenario per point.
    pub scenarios: Vec<Scenario>,
    /// Per point, the index in `plan.metrics` of each metric its replications yield.
    pub layout: Vec<Vec<usize>>,
}

/// Builds the sweep of `def` on its scenario with `overrides`: reads the base, draws or
/// reads the design, builds and checks every point's scenario. A point the scenario refuses
/// is named with its values and the key at fault, before anything runs.
pub fn build(def: &SweepDef, overrides: Overrides) -> Result<Sweep, Error> {
    let (base, scenario_src, table) = read_base(def, overrides)?;
    check_keys(def, &table).map_err(|(kp, m)| crate::scenario::invalid(&def.src, &def.path, kp.invalid(m)))?;
    let drawn = draw(def)?;
    let mut points = Vec::with_capacity(drawn.points.len());
    let mut scenarios = Vec::with_capacity(drawn.points.len());
    for (i, values) in drawn.points.iter().enumerate() {
        let (values, set) = point_settings(def, &table, values).map_err(|m| point_error(def, i, values, m))?;
        let refs: Vec<(&str, toml::Value)> = set.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let sc = crate::scenario::variants::from_code(&base, overrides, &format!("point_{i}"), &refs)
            .map_err(|e| point_error(def, i, &values, e.to_string()))?;
        points.push(values);
        scenarios.push(sc);
    }
    let (metrics, layout) = name_metrics(&scenarios);
    let mut plan = Plan {
        sweep_file: def.path.display().to_string(),
        scenario_file: def.scenario.display().to_string(),
        name: base.spec.name.clone(),
        description: def.description.clone(),
        design: drawn.name.into(),
        design_seed: drawn.seed,
        factors: def
            .factors
            .iter()
            .map(|f| FactorInfo {
                name: f.name.clone(),
                keys: f.setters.iter().map(|s| s.key.clone()).collect(),
            })
            .collect(),
        points,
        replications: base.replications,
        seed: base.seed,
        horizon_min: base.spec.horizon,
        warmup_min: base.spec.warmup,
        headline: headline(&def.metrics, &metrics),
        metrics,
        hash: 0,
    };
    plan.hash = fingerprint(&plan, def, &scenario_src, &drawn.text)?;
    Ok(Sweep {
        plan,
        scenarios,
        layout,
    })
}

/// The base scenario (validated, with the overrides), its text and its TOML table; a path
/// that is not a file is located at `sweep.scenario`.
fn read_base(def: &SweepDef, overrides: Overrides) -> Result<(Scenario, String, toml::Table), Error> {
    if !def.scenario.is_file() {
        let kp = crate::scenario::KeyPath::root("sweep").child("scenario");
        let m = format!(
            "{} is not a scenario file (the path is relative to the sweep file's folder)",
            def.scenario.display()
        );
        return Err(crate::scenario::invalid(&def.src, &def.path, kp.invalid(m)));
    }
    let base = crate::scenario::load_with(&def.scenario, overrides)?;
    let read = |reason: String| Error::Read {
        path: def.scenario.clone(),
        reason,
    };
    let src = std::fs::read_to_string(&def.scenario).map_err(|e| read(e.to_string()))?;
    let table: toml::Table = toml::from_str(&src).map_err(|e| read(e.message().to_string()))?;
    Ok((base, src, table))
}

/// A design's points before they meet the scenario, with what the plan says of the design.
struct Drawn {
    points: Vec<Vec<f64>>,
    name: &'static str,
    seed: Option<u64>,
    /// The design file's text (part of the fingerprint), else empty.
    text: String,
}

fn draw(def: &SweepDef) -> Result<Drawn, Error> {
    Ok(match &def.design {
        Design::Factorial => Drawn {
            points: design::factorial(&def.factors),
            name: "factorial",
            seed: None,
            text: String::new(),
        },
        Design::LatinHypercube { points, seed } => Drawn {
            points: design::latin_hypercube(&def.factors, *points as usize, *seed),
            name: "latin_hypercube",
            seed: Some(*seed),
            text: String::new(),
        },
        Design::File { path } => Drawn {
            points: design::read_csv(path, &def.factors)?,
            name: "file",
            seed: None,
            text: std::fs::read_to_string(path).unwrap_or_default(),
        },
    })
}

/// Indices of the port-level `wanted` metrics in `metrics`, metric by metric, port by port.
fn headline(wanted: &[String], metrics: &[Named]) -> Vec<usize> {
    wanted
        .iter()
        .flat_map(|m| {
            metrics
                .iter()
                .enumerate()
                .filter(move |(_, n)| n.stage.is_empty() && n.mode.is_empty() && n.metric == *m)
                .map(|(i, _)| i)
        })
        .collect()
}

/// The fingerprint of a sweep: the sweep file, scenario and design file texts and the
/// plan itself (points, settings, metrics), FNV-1a hashed.
fn fingerprint(plan: &Plan, def: &SweepDef, scenario_src: &str, design_text: &str) -> Result<u64, Error> {
    let body = postcard::to_stdvec(plan).map_err(|e| Error::Internal(e.to_string()))?;
    let text = format!(
        "bordersim sweep 1|{}|{scenario_src}|{design_text}|{}",
        def.src,
        body.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    Ok(crate::random::stream::stream_key(&text))
}

/// Every factor's keys lead somewhere in the base scenario: a misspelt key is the sweep
/// file's fault, located there, not any one point's.
fn check_keys(def: &SweepDef, base: &toml::Table) -> Result<(), (crate::scenario::KeyPath, String)> {
    for (i, f) in def.factors.iter().enumerate() {
        for (j, s) in f.setters.iter().enumerate() {
            let segs: Vec<&str> = s.key.split('.').collect();
            let mut t = base.clone();
            if let Err(m) = parent_mut(&mut t, &segs, &s.key) {
                let kp = crate::scenario::KeyPath::root(def.table).child(&i.to_string());
                // Written as the factor's `key`, or as an entry of its `set`.
                let kp = if crate::scenario::locate::locate(&def.src, &kp.child("key").0).is_some() {
                    kp.child("key")
                } else {
                    kp.child("set").child(&j.to_string()).child("key")
                };
                return Err((
                    kp,
                    format!(
                        "{m}: a {} can only change what the base scenario defines",
                        if def.table == "variables" { "variable" } else { "factor" }
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn point_error(def: &SweepDef, i: usize, values: &[f64], message: String) -> Error {
    let shown: Vec<String> = def
        .factors
        .iter()
        .zip(values)
        .map(|(f, v)| format!("{} = {v}", f.name))
        .collect();
    Error::Invalid {
        path: def.path.clone(),
        location: String::new(),
        key: match def.table {
            "variables" => format!("candidate {i} ({})", shown.join(", ")),
            _ => format!("design point {i} ({})", shown.join(", ")),
        },
        message: format!("the scenario refuses it: {message}"),
    }
}

/// The `(dotted key, value)` overrides of a point, as a variant's `set` takes them.
type SetList = Vec<(String, toml::Value)>;

/// The point's factor values (an integer key's own factor rounded, so the value shown is
/// the one run) and the `set` overrides that make its scenario.
fn point_settings(def: &SweepDef, base: &toml::Table, values: &[f64]) -> Result<(Vec<f64>, SetList), String> {
    let mut table = base.clone();
    let mut roots: Vec<String> = Vec::new();
    let mut shown = Vec::with_capacity(values.len());
    for (f, &v) in def.factors.iter().zip(values) {
        shown.push(apply_factor(&mut table, f, v, &mut roots)?);
    }
    let set = roots
        .into_iter()
        .map(|r| {
            let v = lookup(&table, &r).cloned().ok_or_else(|| format!("`{r}` vanished"))?;
            Ok((r, v))
        })
        .collect::<Result<_, String>>()?;
    Ok((shown, set))
}

/// Applies one factor at value `v` to `table`, noting the keys a variant must set; returns
/// the value to show for the point.
fn apply_factor(table: &mut toml::Table, f: &Factor, v: f64, roots: &mut Vec<String>) -> Result<f64, String> {
    let mut shown = v;
    for s in &f.setters {
        let segs: Vec<&str> = s.key.split('.').collect();
        let root = settable_root(table, &segs);
        if !roots.contains(&root) {
            roots.push(root);
        }
        let (last, _) = segs.split_last().ok_or("an empty key")?;
        let parent = parent_mut(table, &segs, &s.key)?;
        let leaf = parent.get(*last).cloned();
        let value = match s.transform {
            Transform::ProfileStrength => {
                let Some(toml::Value::Array(items)) = &leaf else {
                    return Err(format!("`{}`: profile_strength needs a list of numbers there", s.key));
                };
                let nums: Vec<f64> = items
                    .iter()
                    .map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64)))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("`{}`: profile_strength needs a list of numbers there", s.key))?;
                let m = nums.iter().sum::<f64>() / nums.len().max(1) as f64;
                toml::Value::Array(nums.iter().map(|x| toml::Value::Float(m + v * (x - m))).collect())
            }
            Transform::Linear => {
                let x = s.scale * v + s.offset;
                let integer = matches!(leaf, Some(toml::Value::Integer(_))) || (leaf.is_none() && x.fract() == 0.0);
                if integer {
                    let r = x.round();
                    if f.setters.len() == 1 && s.scale == 1.0 && s.offset == 0.0 {
                        shown = r;
                    }
                    toml::Value::Integer(r as i64)
                } else {
                    toml::Value::Float(x)
                }
            }
        };
        parent.insert((*last).to_string(), value);
    }
    Ok(shown)
}

/// The part of `segs` a variant's `set` can name: up to the first key whose value is a list
/// (a variant replaces a list whole), or the whole key.
fn settable_root(table: &toml::Table, segs: &[&str]) -> String {
    let mut node = table;
    for (i, seg) in segs.iter().enumerate() {
        match node.get(*seg) {
            Some(toml::Value::Table(t)) => node = t,
            Some(toml::Value::Array(_)) => return segs[..=i].join("."),
            _ => break,
        }
    }
    segs.join(".")
}

/// The table holding the key's last part: tables on the way, and list items by number
/// (`schedule.0.servers`), must exist.
fn parent_mut<'a>(table: &'a mut toml::Table, segs: &[&str], key: &str) -> Result<&'a mut toml::Table, String> {
    let mut node = table;
    let mut i = 0;
    while i + 1 < segs.len() {
        let missing = |i: usize| format!("the scenario has no `{}` (in `{key}`)", segs[..=i].join("."));
        node = match node.get_mut(segs[i]) {
            Some(toml::Value::Table(t)) => t,
            Some(toml::Value::Array(a)) if i + 2 < segs.len() => {
                i += 1;
                let at: usize = segs[i].parse().map_err(|_| missing(i))?;
                match a.get_mut(at) {
                    Some(toml::Value::Table(t)) => t,
                    _ => return Err(missing(i)),
                }
            }
            _ => return Err(missing(i)),
        };
        i += 1;
    }
    Ok(node)
}

/// The value at a dotted key made of table names only.
fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let (last, parents) = key
        .split('.')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(l, p)| (*l, p.to_vec()))?;
    let mut node = table;
    for seg in parents {
        node = node.get(seg)?.as_table()?;
    }
    node.get(last)
}

/// The names of every metric the points yield (the union, in first-seen order) and, per
/// point, where each of its metrics goes in that list.
fn name_metrics(scenarios: &[Scenario]) -> (Vec<Named>, Vec<Vec<usize>>) {
    let mut all: Vec<Named> = Vec::new();
    let mut layout = Vec::with_capacity(scenarios.len());
    for sc in scenarios {
        let keys = crate::experiment::metric_keys(&sc.spec, sc.policy.clone());
        let idx = keys
            .iter()
            .map(|k| {
                let n = named(sc, k);
                match all.iter().position(|m| *m == n) {
                    Some(i) => i,
                    None => {
                        all.push(n);
                        all.len() - 1
                    }
                }
            })
            .collect();
        layout.push(idx);
    }
    (all, layout)
}

fn named(sc: &Scenario, k: &MetricKey) -> Named {
    let spec = &sc.spec;
    let (stage, mode) = match k.scope {
        Scope::Port => (String::new(), String::new()),
        Scope::Flow(m) => (String::new(), spec.modes[m].name.clone()),
        Scope::Stage(s) => (spec.stages[s].name.clone(), String::new()),
        Scope::StageMode(s, m) => (spec.stages[s].name.clone(), spec.modes[m].name.clone()),
        Scope::Pool(_) => ("drivers".to_string(), String::new()),
    };
    Named {
        port: spec.ports[k.port].name.clone(),
        stage,
        mode,
        metric: k.name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(src: &str) -> toml::Table {
        toml::from_str(src).unwrap()
    }

    #[test]
    fn a_factor_sets_integers_lists_and_list_items() {
        let base = table(
            "[p.s]\nservers = 4\nschedule = [{ from = \"08:00\", servers = 8 }]\nrate = 2.5\nhour = [0.5, 1.5]\n",
        );
        let f = |key: &str, transform: Transform, scale: f64, offset: f64| Factor {
            name: key.into(),
            setters: vec![super::design::Setter {
                key: key.into(),
                scale,
                offset,
                transform,
            }],
            levels: super::design::Levels::Free,
        };
        let mut t = base.clone();
        let mut roots = Vec::new();
        // An integer key is rounded, and the point shows the rounded value.
        assert_eq!(
            apply_factor(&mut t, &f("p.s.servers", Transform::Linear, 1.0, 0.0), 5.6, &mut roots),
            Ok(6.0)
        );
        assert_eq!(lookup(&t, "p.s.servers"), Some(&toml::Value::Integer(6)));
        // A list item: the variant replaces the whole list.
        apply_factor(
            &mut t,
            &f("p.s.schedule.0.servers", Transform::Linear, 2.0, 1.0),
            3.0,
            &mut roots,
        )
        .unwrap();
        assert_eq!(roots, vec!["p.s.servers".to_string(), "p.s.schedule".to_string()]);
        let sched = lookup(&t, "p.s.schedule").unwrap().as_array().unwrap();
        assert_eq!(sched[0].get("servers"), Some(&toml::Value::Integer(7)));
        // A profile's strength keeps its mean.
        apply_factor(
            &mut t,
            &f("p.s.hour", Transform::ProfileStrength, 1.0, 0.0),
            0.5,
            &mut roots,
        )
        .unwrap();
        let h: Vec<f64> = lookup(&t, "p.s.hour")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_float().unwrap())
            .collect();
        assert_eq!(h, vec![0.75, 1.25]);
        let e = apply_factor(&mut t, &f("p.nowhere.x", Transform::Linear, 1.0, 0.0), 1.0, &mut roots).unwrap_err();
        assert!(e.contains("no `p.nowhere`"), "{e}");
    }
}
