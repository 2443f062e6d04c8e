//! summary.json read back: what `chart DIR` needs of a run's describing JSON (written by
//! json.rs), checked.

use super::check::{MAX_NAME, MAX_TITLE, Problem, get, json_name, json_problem, keys, opt_number, parse_json, text};
use crate::date::StartInstant;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Ports of a run, with their stages and modes, as summary.json names them.
pub type PortNames = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// The scenario facts charts need from summary.json.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Scenario name.
    pub name: String,
    /// Variant run.
    pub variant: String,
    /// Calendar start.
    pub start: StartInstant,
    /// Replications the results hold.
    pub replications: u64,
    /// Ports, with their stages and modes: the only names the CSV files may use.
    pub ports: PortNames,
    /// Per port: (p50, p95) of time in system over all modes, minutes.
    pub quantiles: BTreeMap<String, (f64, f64)>,
    /// Per port: driver pool size.
    pub drivers: BTreeMap<String, f64>,
}

/// Reads and checks what the charts need from summary.json.
pub fn parse_summary(json: &str) -> Result<RunInfo, Problem> {
    let v = parse_json(json)?;
    let name = text(&v, "scenario.name", MAX_TITLE)?.to_string();
    let variant = text(&v, "scenario.variant", MAX_NAME)?;
    json_name(variant, "scenario.variant", false)?;
    let start = StartInstant::parse(text(&v, "scenario.start", 64)?)
        .map_err(|e| json_problem(format!("field scenario.start: {e}")))?;
    let replications = get(&v, "scenario.replications")
        .and_then(Value::as_u64)
        .ok_or_else(|| json_problem("field scenario.replications: must be a whole number".into()))?;
    let mut ports = PortNames::new();
    let mut quantiles = BTreeMap::new();
    let mut drivers = BTreeMap::new();
    for port in keys(&v, "ports")? {
        // Port names hold no '.', so the dotted paths below are unambiguous.
        let at = |rest: &str| format!("ports.{port}.{rest}");
        let stages = keys(&v, &at("stages"))?;
        let modes = keys(&v, &at("modes"))?;
        let num = |rest: &str| opt_number(get(&v, &at(rest)), &at(rest), 0.0);
        let q = |m: &str| num(&format!("totals.{m}.mean")).map(|x| x.unwrap_or(f64::NAN));
        quantiles.insert(
            port.clone(),
            (q("time_in_system_p50_min")?, q("time_in_system_p95_min")?),
        );
        if let Some(d) = num("drivers.drivers.mean")? {
            drivers.insert(port.clone(), d);
        }
        ports.insert(port, (stages, modes));
    }
    if ports.is_empty() {
        return Err(json_problem("field ports: must name at least one port".into()));
    }
    Ok(RunInfo {
        name,
        variant: variant.to_string(),
        start,
        replications,
        ports,
        quantiles,
        drivers,
    })
}
