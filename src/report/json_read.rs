//! summary.json read back: what `chart DIR` needs of a run's describing JSON (written by
//! json.rs), checked.

use super::check::{MAX_NAME, MAX_TITLE, Problem, get, json_name, json_problem, keys, opt_number, parse_json, text};
use crate::date::StartInstant;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Ports of a run, with their stages and modes, as summary.json names them.
pub type PortNames = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// Per (port, mode): mean wait by hour of day of arrival and its CI half-width.
pub type HourWaits = BTreeMap<(String, String), Vec<(f64, f64)>>;

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
    /// Dated events: port, number, minute from the start (for the backlog chart).
    pub events: Vec<(String, usize, f64)>,
    /// Per (port, mode): mean wait by hour of day of arrival and its CI half-width, where
    /// the run measured it.
    pub by_hour: HourWaits,
}

/// The dated events of summary.json, checked against its ports and start.
fn events(v: &Value, ports: &PortNames, start: &StartInstant) -> Result<Vec<(String, usize, f64)>, Problem> {
    let list = match v.get("events") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(json_problem("field events: must be a list".into())),
    };
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let at = |k: &str| format!("events.{i}.{k}");
        let id = e.get("id").and_then(Value::as_u64);
        if id != Some(i as u64 + 1) {
            return Err(json_problem(format!("field {}: must be {}", at("id"), i + 1)));
        }
        let port = e
            .get("port")
            .and_then(Value::as_str)
            .filter(|p| ports.contains_key(*p))
            .ok_or_else(|| json_problem(format!("field {}: must name a port of the run", at("port"))))?;
        let from = e
            .get("from")
            .and_then(Value::as_str)
            .ok_or_else(|| json_problem(format!("field {}: must be a date-time", at("from"))))?;
        let when = StartInstant::parse(from).map_err(|m| json_problem(format!("field {}: {m}", at("from"))))?;
        let t = start.minutes_until(&when);
        if !(t.is_finite() && t >= 0.0) {
            return Err(json_problem(format!("field {}: before the run's start", at("from"))));
        }
        out.push((port.to_string(), i + 1, t));
    }
    Ok(out)
}

/// Mean wait by hour of arrival per (port, mode), where all 24 hours are given.
fn by_hour(v: &Value, ports: &PortNames) -> Result<HourWaits, Problem> {
    let mut out = BTreeMap::new();
    for (port, (_, modes)) in ports {
        for mode in modes {
            let mut hours = Vec::new();
            for h in 0..24 {
                let at = format!("ports.{port}.modes.{mode}.by_hour_{h:02}_wait_mean_min");
                let Some(node) = get(v, &at) else { break };
                let mean = opt_number(node.get("mean"), &format!("{at}.mean"), 0.0)?;
                let ci = opt_number(node.get("ci95"), &format!("{at}.ci95"), 0.0)?;
                hours.push((mean.unwrap_or(f64::NAN), ci.unwrap_or(0.0)));
            }
            match hours.len() {
                0 => {}
                24 => {
                    out.insert((port.clone(), mode.clone()), hours);
                }
                n => {
                    return Err(json_problem(format!(
                        "field ports.{port}.modes.{mode}: by_hour_{n:02}_wait_mean_min is missing (all 24 hours or none)"
                    )));
                }
            }
        }
    }
    Ok(out)
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
    let events = events(&v, &ports, &start)?;
    let by_hour = by_hour(&v, &ports)?;
    Ok(RunInfo {
        name,
        variant: variant.to_string(),
        start,
        replications,
        ports,
        quantiles,
        drivers,
        events,
        by_hour,
    })
}
