//! comparison.json and compare_timeseries.csv read back (both written by compare.rs):
//! what `chart DIR` needs of a comparison, checked.

use super::check::{
    MAX_TITLE, Problem, ROUNDING, at, expect_header, follows, for_each_line, get, json_name, json_problem, level, name,
    number, opt_number, ordered, parse_json, shown, text,
};
use super::reduce::{self, Fold, Plan, Reduced, Scan, Shape, fields};
use crate::date::StartInstant;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::BufRead;

/// A mean with its 95 % half-width (0 when the file gives none).
pub type Interval = (f64, f64);

/// One row of comparison.json, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// Variant name, one of the file's variants.
    pub variant: String,
    /// Port name.
    pub port: String,
    /// Stage name or empty.
    pub stage: String,
    /// Mode name or empty.
    pub mode: String,
    /// Metric name.
    pub metric: String,
    /// The variant's value.
    pub value: Option<Interval>,
    /// The paired difference from the baseline.
    pub diff: Option<Interval>,
    /// Whether the difference's interval excludes zero.
    pub significant: bool,
}

/// What the comparison charts need from comparison.json.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareInfo {
    /// Scenario name.
    pub name: String,
    /// Calendar start, when recorded.
    pub start: Option<StartInstant>,
    /// Variant names, baseline first.
    pub variants: Vec<String>,
    /// Ports in row order.
    pub ports: Vec<String>,
    /// Every row.
    pub rows: Vec<CompareRow>,
}

/// Reads and checks comparison.json: names, variants every row refers to, finite values,
/// non-negative half-widths, utilizations within [0, 1].
pub fn parse_comparison(text_in: &str) -> Result<CompareInfo, Problem> {
    let v = parse_json(text_in)?;
    let name = text(&v, "name", MAX_TITLE)?.to_string();
    let start = match get(&v, "start") {
        None | Some(Value::Null) => None,
        Some(_) => {
            Some(StartInstant::parse(text(&v, "start", 64)?).map_err(|e| json_problem(format!("field start: {e}")))?)
        }
    };
    let list = |key: &str| match get(&v, key) {
        Some(Value::Array(a)) => Ok(a),
        _ => Err(json_problem(format!("field {key}: must be an array"))),
    };
    let mut variants = Vec::new();
    for (i, x) in list("variants")?.iter().enumerate() {
        let path = format!("variants[{i}].name");
        let n = x
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| json_problem(format!("field {path}: must be a string")))?;
        json_name(n, &path, false)?;
        if variants.iter().any(|v| v == n) {
            return Err(json_problem(format!(
                "field {path}: variant {} is listed twice",
                shown(n)
            )));
        }
        variants.push(n.to_string());
    }
    if variants.is_empty() {
        return Err(json_problem("field variants: must name at least one variant".into()));
    }
    let mut rows = Vec::new();
    let mut ports: Vec<String> = Vec::new();
    for (i, r) in list("rows")?.iter().enumerate() {
        let path = |k: &str| format!("rows[{i}].{k}");
        let field = |k: &str, empty_ok: bool| -> Result<String, Problem> {
            let s = r
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| json_problem(format!("field {}: must be a string", path(k))))?;
            json_name(s, &path(k), empty_ok)?;
            Ok(s.to_string())
        };
        let variant = field("variant", false)?;
        if !variants.contains(&variant) {
            return Err(json_problem(format!(
                "field {}: {} is not one of the file's variants",
                path("variant"),
                shown(&variant)
            )));
        }
        let metric = field("metric", false)?;
        let fraction = metric == "utilization";
        let estimate = |k: &str, diff: bool| -> Result<Option<Interval>, Problem> {
            match r.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(e @ Value::Object(_)) => {
                    let mean_at = path(&format!("{k}.mean"));
                    let mean = opt_number(e.get("mean"), &mean_at, f64::NEG_INFINITY)?
                        .ok_or_else(|| json_problem(format!("field {mean_at}: must be a finite number")))?;
                    let ci = opt_number(e.get("ci95"), &path(&format!("{k}.ci95")), 0.0)?.unwrap_or(0.0);
                    let (lo, hi) = match (diff, fraction) {
                        (false, true) => (0.0, 1.0),
                        (false, false) => (-ROUNDING, f64::INFINITY),
                        (true, true) => (-1.0, 1.0),
                        (true, false) => (f64::NEG_INFINITY, f64::INFINITY),
                    };
                    if mean < lo || mean > hi {
                        return Err(json_problem(format!(
                            "field {}: {mean} is outside {lo}..{hi}",
                            path(&format!("{k}.mean"))
                        )));
                    }
                    Ok(Some((mean, ci)))
                }
                Some(_) => Err(json_problem(format!("field {}: must be an object or null", path(k)))),
            }
        };
        let significant = match r.get("significant") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(json_problem(format!(
                    "field {}: must be true, false or null",
                    path("significant")
                )));
            }
        };
        let row = CompareRow {
            port: field("port", false)?,
            stage: field("stage", true)?,
            mode: field("mode", true)?,
            value: estimate("value", false)?,
            diff: estimate("diff", true)?,
            variant,
            metric,
            significant,
        };
        if !ports.contains(&row.port) {
            ports.push(row.port.clone());
        }
        rows.push(row);
    }
    Ok(CompareInfo {
        name,
        start,
        variants,
        ports,
        rows,
    })
}

/// (port, stage, variant, metric) of a compare_timeseries.csv row.
pub type CompareKey = (String, String, String, String);

/// What charts and the page keep of compare_timeseries.csv: each variant's queue at each
/// stage averaged in groups for at most `max_points` points.
pub fn plan_queues(shapes: &BTreeMap<CompareKey, Shape>, max_points: usize) -> Plan<CompareKey> {
    let mut p = Plan::default();
    for (k, s) in shapes.iter().filter(|(k, _)| k.3 == "queue") {
        p.down(k, s.group(max_points));
    }
    p
}

/// Reads and checks compare_timeseries.csv against the variants and ports of
/// comparison.json in two streaming passes, keeping only what `plan` asks for given every
/// series' shape. `open` opens the file afresh for a pass.
pub fn read_compare_series<R: BufRead>(
    open: &mut dyn FnMut() -> Result<R, Problem>,
    info: &CompareInfo,
    plan: impl FnOnce(&BTreeMap<CompareKey, Shape>) -> Plan<CompareKey>,
) -> Result<Reduced<CompareKey>, Problem> {
    reduce::two_passes(open, scan_compare_series, plan, |r, plan| {
        fold_compare_series(r, info, plan)
    })
}

fn compare_key(f: &[&str; 9]) -> CompareKey {
    (f[3].to_string(), f[4].to_string(), f[0].to_string(), f[5].to_string())
}

/// The first pass: shapes only, nothing checked.
fn scan_compare_series(r: impl BufRead) -> BTreeMap<CompareKey, Shape> {
    let mut scan = Scan::default();
    let mut id = String::new();
    // A line it cannot read ends the pass; the second pass refuses it with its line.
    let _ = for_each_line(r, |n, line| {
        let (f, count) = fields::<9>(line);
        if n > 1 && count == 9 {
            series_id(&mut id, line, &f);
            scan.row(&id, || compare_key(&f), || f[2].parse().unwrap_or(f64::NAN));
        }
        Ok(())
    });
    scan.finish()
}

/// The series' name fields as written (variant, then port to metric).
fn series_id(id: &mut String, line: &str, f: &[&str; 9]) {
    id.clear();
    id.push_str(f[0]);
    id.push(',');
    id.push_str(reduce::span(line, f[3], f[5]));
}

/// The second pass: every row checked, the planned series folded.
fn fold_compare_series(
    r: impl BufRead,
    info: &CompareInfo,
    plan: Plan<CompareKey>,
) -> Result<Reduced<CompareKey>, Problem> {
    let header = super::compare::SERIES_HEADER;
    let mut fold = Fold::new(plan);
    let mut id = String::new();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, header);
        }
        let (f, count) = fields::<9>(line);
        if count != 9 {
            return Err(at(n, format!("expected 9 fields, found {count}")));
        }
        name(n, "variant", f[0], false)?;
        if !info.variants.iter().any(|v| v == f[0]) {
            return Err(at(
                n,
                format!("field variant: {} is not a variant of comparison.json", shown(f[0])),
            ));
        }
        let start = number(n, "interval_start_min", f[1], 0.0)?;
        let end = number(n, "interval_end_min", f[2], 0.0)?;
        if end <= start {
            return Err(at(
                n,
                format!("field interval_end_min: {end} is not after interval_start_min {start}"),
            ));
        }
        name(n, "port", f[3], false)?;
        if !info.ports.iter().any(|p| p == f[3]) {
            return Err(at(
                n,
                format!("field port: {} is not a port of comparison.json", shown(f[3])),
            ));
        }
        name(n, "stage", f[4], true)?;
        match f[5] {
            "queue" if !f[4].is_empty() => {}
            "in_system" if f[4].is_empty() => {}
            "queue" | "in_system" => {
                return Err(at(
                    n,
                    format!("field stage: {} does not fit metric {}", shown(f[4]), f[5]),
                ));
            }
            m => return Err(at(n, format!("field metric: unknown metric {}", shown(m)))),
        }
        let mean = level(n, "mean", f[6])?;
        let (lo, hi) = (level(n, "min", f[7])?, level(n, "max", f[8])?);
        ordered(n, mean, lo, hi)?;
        series_id(&mut id, line, &f);
        let i = fold.series(&id, || compare_key(&f));
        follows(n, fold.last_end(i), start)?;
        fold.push(i, start, end, mean, lo, hi);
        Ok(())
    })?;
    if rows == 0 {
        return Err(at(1, "the file is empty: expected a header line".into()));
    }
    Ok(fold.finish())
}
