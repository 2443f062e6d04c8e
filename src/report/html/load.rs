//! What the page reads back from the saved files (through the same checked readers as the
//! charts, so `bordersim chart DIR` writes the same page `run` and `compare` wrote).

use crate::error::Error;
use crate::report::charts::{read_csv, read_csv_passes, read_json};
use crate::report::compare_read::{self, CompareInfo, CompareKey};
use crate::report::csv::{SeriesKey, Timeseries};
use crate::report::exporter::{self, CHARTS, is_chart_file};
use crate::report::reduce::{Plan, Reduced, Shape};
use crate::report::{check, distribution, json_read};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// A run's files, read back.
pub struct RunData {
    /// summary.json as written.
    pub doc: Value,
    /// The checked facts of summary.json.
    pub info: json_read::RunInfo,
    /// timeseries.csv, as the page draws it ([`page_plan`]).
    pub ts: Timeseries,
    /// Per port, its stages in route order (the order of timeseries.csv's rows).
    pub order: BTreeMap<String, Vec<String>>,
    /// distribution.csv: time-in-system CDF per (port, mode).
    pub cdf: BTreeMap<(String, String), Vec<(f64, f64)>>,
}

/// A comparison's files, read back.
pub struct CompareData {
    /// comparison.json as written.
    pub doc: Value,
    /// The checked rows.
    pub info: CompareInfo,
    /// compare_timeseries.csv, each queue series averaged for the page.
    pub series: Reduced<CompareKey>,
}

/// Stages per port in the order their rows first appear in timeseries.csv (the model's
/// order, which follows the route), read from the first interval only.
fn route_order(dir: &Path) -> Result<BTreeMap<String, Vec<String>>, Error> {
    read_csv(dir, exporter::TIMESERIES, |r| {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut first_end: Option<String> = None;
        for line in r.lines().skip(1) {
            let line = line.map_err(|e| check::Problem {
                line: None,
                message: e.to_string(),
            })?;
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 7 {
                break;
            }
            match &first_end {
                None => first_end = Some(f[1].to_string()),
                Some(e) if e != f[1] => break,
                Some(_) => {}
            }
            if !f[4].is_empty() {
                let v = out.entry(f[3].to_string()).or_default();
                if !v.iter().any(|s| s == f[4]) {
                    v.push(f[4].to_string());
                }
            }
        }
        Ok(out)
    })
}

/// Rows of the warm-up check's first stretch (a twentieth of the series): see
/// `warnings::run`.
pub fn head_rows(len: usize) -> usize {
    (len / 20).max(1)
}

/// What the page keeps of timeseries.csv, given its series' shapes: the lines of its
/// charts averaged for [`super::MAX_POINTS`] points, counts per day, the warm-up check's
/// sums, and for the schematic every stage series and the drivers averaged in the groups a
/// stage's queue gives for [`super::MAX_STEPS`] steps (the schematic takes its steps from
/// the first stage in route order, one group in a file bordersim wrote).
pub fn page_plan(shapes: &BTreeMap<SeriesKey, Shape>) -> Plan<SeriesKey> {
    let mut p = Plan::default();
    let mut steps: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, s) in shapes {
        match k.3.as_str() {
            "queue" | "in_system" | "drivers_busy" => p.down(k, s.group(super::MAX_POINTS)),
            "busy" => {
                let open = (k.0.clone(), k.1.clone(), String::new(), "servers_open".to_string());
                if shapes.contains_key(&open) {
                    p.ratio(k, &open, s.group(super::MAX_POINTS));
                }
            }
            "completed" => p.per_day(k),
            _ => {}
        }
        if k.3 == "in_system" {
            p.head(k, head_rows(s.len));
        }
        if k.3 == "queue" {
            steps.entry(k.0.as_str()).or_default().push(s.group(super::MAX_STEPS));
        }
    }
    for k in shapes.keys() {
        let shown = match k.3.as_str() {
            "queue" | "busy" | "servers_open" | "in_stage" => !k.1.is_empty(),
            "drivers_busy" => true,
            _ => false,
        };
        if shown {
            for g in steps.get(k.0.as_str()).into_iter().flatten() {
                p.down(k, *g);
            }
        }
    }
    p
}

/// Reads a run's summary.json, timeseries.csv and distribution.csv from `dir`.
pub fn run(dir: &Path) -> Result<RunData, Error> {
    let doc = read_json(dir, exporter::SUMMARY, check::parse_json)?;
    let info = read_json(dir, exporter::SUMMARY, json_read::parse_summary)?;
    let ts = read_csv_passes(dir, exporter::TIMESERIES, |open| {
        crate::report::csv::read_timeseries(open, &info.ports, info.replications, page_plan)
    })?;
    let cdf = read_csv(dir, exporter::DISTRIBUTION, |r| {
        distribution::parse_distribution(r, &info.ports)
    })?;
    let order = route_order(dir)?;
    Ok(RunData {
        doc,
        info,
        ts,
        order,
        cdf,
    })
}

/// Reads a comparison's comparison.json and compare_timeseries.csv from `dir`.
pub fn compare(dir: &Path) -> Result<CompareData, Error> {
    let doc = read_json(dir, exporter::COMPARISON_JSON, check::parse_json)?;
    let info = read_json(dir, exporter::COMPARISON_JSON, compare_read::parse_comparison)?;
    let series = read_csv_passes(dir, exporter::COMPARE_TIMESERIES, |open| {
        compare_read::read_compare_series(open, &info, |shapes| {
            compare_read::plan_queues(shapes, super::MAX_POINTS)
        })
    })?;
    Ok(CompareData { doc, info, series })
}

/// The files of the set beside the page, for links: the registry's names found in `dir`,
/// then bordersim's charts in `dir/charts` by name (never the user's own files).
pub fn files_beside(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = exporter::result_files()
        .filter(|f| *f != exporter::REPORT && *f != exporter::CHECKPOINT && dir.join(f).is_file())
        .map(str::to_string)
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir.join(CHARTS)) {
        let mut charts: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_chart_file(n))
            .collect();
        charts.sort();
        out.extend(charts.into_iter().map(|n| format!("{CHARTS}/{n}")));
    }
    out
}
