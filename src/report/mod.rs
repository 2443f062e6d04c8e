//! Outputs: the printed tables, and the result sets of [`exporter`] (data files, charts and
//! the describing JSON), every file written atomically.

pub mod atomic;
pub mod charts;
pub mod check;
pub mod compare;
pub mod compare_read;
pub mod csv;
pub mod decimal;
pub mod distribution;
pub mod exporter;
pub mod fit;
pub mod headline;
pub mod html;
pub mod json;
pub mod json_read;
pub mod number;
pub mod optimise;
pub mod outdir;
pub mod reduce;
pub mod service_table;
pub mod sha256;
pub mod sweep;
pub mod table;
pub mod trace;
pub mod trs;

use crate::error::Error;
use crate::experiment::Experiment;
use crate::model::ModelSpec;
use std::path::{Path, PathBuf};

/// What goes with a result set besides its data files.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetOptions {
    /// Draw the charts (only for a complete set).
    pub charts: bool,
    /// A checkpoint was saved with the set (an interrupted run), and is named in it.
    pub checkpoint: bool,
}

/// Writes the describing JSON `name` of a set holding `files` (relative names), with its
/// `partial` flag at `partial_at` (a JSON pointer).
fn write_describing(
    dir: &Path,
    name: &str,
    mut doc: serde_json::Value,
    files: &[String],
    partial_at: &str,
    partial: bool,
) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    doc["files"] = serde_json::json!(files);
    if let Some(p) = doc.pointer_mut(partial_at) {
        *p = serde_json::Value::Bool(partial);
    }
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| Error::Output {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    atomic::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// Writes a result set so that a reader can always tell whether it is complete: the old
/// describing JSON goes first, then the data files (`fill` writes each, named by the
/// registry), then (for a complete set) the charts, and the describing JSON last, naming the
/// files it belongs with and saying whether the set is partial. Charts are drawn from the
/// saved files, so while they are drawn the JSON is there marked partial. Returns the paths
/// written.
fn write_set<W>(
    dir: &Path,
    set: &exporter::ResultSet<W>,
    doc: serde_json::Value,
    partial: bool,
    fill: impl Fn(&W, &mut dyn std::io::Write) -> std::io::Result<()>,
    opts: SetOptions,
) -> Result<Vec<PathBuf>, Error> {
    atomic::ensure_dir(dir)?;
    outdir::retire_describing(dir, set.describing)?;
    let mut written = Vec::new();
    let mut files = Vec::new();
    for file in set.data {
        let p = dir.join(file.name);
        atomic::write_atomic_with(&p, |w| fill(&file.write, w))?;
        written.push(p);
        files.push(file.name.to_string());
    }
    if opts.checkpoint {
        files.push(exporter::CHECKPOINT.to_string());
    }
    if opts.charts && !partial {
        write_describing(dir, set.describing, doc.clone(), &files, set.partial_at, true)?;
        for p in charts::draw_dir(dir)? {
            if let Some(n) = p.file_name() {
                files.push(format!("{}/{}", exporter::CHARTS, n.to_string_lossy()));
            }
            written.push(p);
        }
        if let Some(p) = html::write_report(dir, Some(false))? {
            files.push(exporter::REPORT.to_string());
            written.push(p);
        }
    }
    let j = write_describing(dir, set.describing, doc, &files, set.partial_at, partial)?;
    written.insert(0, j);
    Ok(written)
}

/// Writes the files of [`exporter::RUN`] (summary.json last) and, with `opts.charts`, the
/// charts into `dir`; returns the paths written.
pub fn write_run(
    dir: &Path,
    spec: &ModelSpec,
    exp: &Experiment,
    info: &json::RunInfo,
    opts: SetOptions,
) -> Result<Vec<PathBuf>, Error> {
    let doc = json::summary(spec, exp, info);
    let partial = exp.replications < info.requested;
    write_set(dir, &exporter::RUN, doc, partial, |write, w| write(w, spec, exp), opts)
}

/// Writes the files of [`exporter::COMPARE`] (comparison.json last) and, with
/// `opts.charts`, the charts into `dir`; returns the paths written.
pub fn write_comparison(
    dir: &Path,
    c: &crate::experiment::Comparison,
    file: &str,
    requested: u32,
    prov: &json::Provenance,
    opts: SetOptions,
) -> Result<Vec<PathBuf>, Error> {
    let doc = compare::json(c, file, requested, prov);
    let partial = c.replications < requested;
    write_set(dir, &exporter::COMPARE, doc, partial, |write, w| write(w, c), opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_describing_json_goes_first_and_comes_back_last() {
        let mut sc = crate::scenario::load(Path::new("scenarios/mmc.toml")).unwrap();
        sc.spec.horizon = 1440.0;
        sc.spec.warmup = 0.0;
        let exp = crate::experiment::run_replications(&sc.spec, &sc.policy, 1, 2, |_| {}).unwrap();
        let info = json::RunInfo {
            file: "mmc.toml".into(),
            description: None,
            variant: "baseline".into(),
            requested: 3,
            provenance: json::Provenance::default(),
        };
        let dir = std::env::temp_dir().join(format!("bordersim-set-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("distribution.csv")).unwrap();
        std::fs::write(dir.join("summary.json"), b"{\"stale\": true}").unwrap();
        // A write that fails half-way leaves no stale summary.json claiming the files.
        assert!(write_run(&dir, &sc.spec, &exp, &info, SetOptions::default()).is_err());
        assert!(!dir.join("summary.json").exists());
        assert!(dir.join("timeseries.csv").exists());
        std::fs::remove_dir(dir.join("distribution.csv")).unwrap();
        let opts = SetOptions {
            charts: false,
            checkpoint: true,
        };
        write_run(&dir, &sc.spec, &exp, &info, opts).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        assert_eq!(doc["scenario"]["partial"], true);
        assert_eq!(
            doc["files"],
            serde_json::json!(["timeseries.csv", "distribution.csv", "checkpoint.bin"])
        );
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
