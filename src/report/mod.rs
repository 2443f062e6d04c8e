//! Outputs: the printed summary table, summary.json and timeseries.csv, all written
//! atomically.

pub mod atomic;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod distribution;
pub mod headline;
pub mod json;
pub mod number;
pub mod table;

use crate::error::Error;
use crate::experiment::Experiment;
use crate::model::ModelSpec;
use std::path::{Path, PathBuf};

/// Writes summary.json and timeseries.csv into `dir`; returns the paths written.
pub fn write_run(dir: &Path, spec: &ModelSpec, exp: &Experiment, info: &json::RunInfo) -> Result<Vec<PathBuf>, Error> {
    atomic::ensure_dir(dir)?;
    let summary = json::summary(spec, exp, info);
    let mut text = serde_json::to_string_pretty(&summary).map_err(|e| Error::Output {
        path: dir.join("summary.json"),
        reason: e.to_string(),
    })?;
    text.push('\n');
    let (j, c) = (dir.join("summary.json"), dir.join("timeseries.csv"));
    atomic::write_atomic_with(&c, |w| csv::write_timeseries(w, spec, &exp.series))?;
    let d = dir.join("distribution.csv");
    atomic::write_atomic_with(&d, |w| distribution::write_distribution(w, spec, exp))?;
    atomic::write_atomic(&j, text.as_bytes())?;
    Ok(vec![j, c, d])
}

/// Writes comparison.csv and comparison.json into `dir`; returns the paths written.
pub fn write_comparison(
    dir: &Path,
    c: &crate::experiment::Comparison,
    file: &str,
    requested: u32,
) -> Result<Vec<PathBuf>, Error> {
    atomic::ensure_dir(dir)?;
    let (j, k) = (dir.join("comparison.json"), dir.join("comparison.csv"));
    let mut text = serde_json::to_string_pretty(&compare::json(c, file, requested)).map_err(|e| Error::Output {
        path: j.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    atomic::write_atomic(&k, compare::csv(c).as_bytes())?;
    let s = dir.join("compare_timeseries.csv");
    atomic::write_atomic_with(&s, |w| compare::write_series(w, c))?;
    atomic::write_atomic(&j, text.as_bytes())?;
    Ok(vec![k, j, s])
}
