//! What the page reads back from the saved files (through the same checked readers as the
//! charts, so `bordersim chart DIR` writes the same page `run` and `compare` wrote).

use crate::error::Error;
use crate::report::charts::{read_csv, read_json};
use crate::report::compare_read::{self, CompareInfo};
use crate::report::csv::{Series, Timeseries};
use crate::report::exporter::{self, CHARTS, is_chart_file};
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
    /// timeseries.csv.
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
    /// compare_timeseries.csv: queue series by (port, stage, variant).
    pub series: BTreeMap<(String, String, String), Series>,
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

/// Reads a run's summary.json, timeseries.csv and distribution.csv from `dir`.
pub fn run(dir: &Path) -> Result<RunData, Error> {
    let doc = read_json(dir, exporter::SUMMARY, check::parse_json)?;
    let info = read_json(dir, exporter::SUMMARY, json_read::parse_summary)?;
    let ts = read_csv(dir, exporter::TIMESERIES, |r| {
        crate::report::csv::parse_timeseries(r, &info.ports, info.replications)
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
    let series = read_csv(dir, exporter::COMPARE_TIMESERIES, |r| {
        compare_read::parse_compare_series(r, &info)
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
