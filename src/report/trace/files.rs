//! Event-log files: each watched replication writes its own part file beside the log as it
//! runs, and when all replications are done the parts are joined in replication order and
//! renamed into place. The log is the same for any number of threads, and an interrupted
//! or failed run leaves no log that looks complete (the parts are removed).

use super::disk::Disk;
use super::names::Names;
use super::parquet::{Dictionaries, footer};
use super::writer::{Layout, TraceWriter, Written};
use crate::engine::Time;
use crate::error::Error;
use crate::experiment::Tracer;
use crate::model::ModelSpec;
use crate::report::atomic::Temp;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What to log, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceOptions {
    /// Replications to log (0-based), ascending, not empty.
    pub replications: Vec<u64>,
    /// Rows for times in `from..to`, minutes from the start.
    pub from: Time,
    /// End of the window (infinite: to the end of the run).
    pub to: Time,
    /// CSV rows or Parquet columns.
    pub format: TraceFormat,
}

/// The file format of an event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceFormat {
    /// One CSV row per step: what process-mining tools import as it is.
    #[default]
    Csv,
    /// The same columns as Parquet: about a sixth of the bytes, for long runs.
    Parquet,
}

impl TraceFormat {
    /// The file extension of a log in this format (`compare --trace DIR` names its files).
    pub fn extension(self) -> &'static str {
        match self {
            TraceFormat::Csv => "csv",
            TraceFormat::Parquet => "parquet",
        }
    }
}

/// A part file, with what it holds once its replication has finished.
type Part = (Temp, Option<Written>);

/// One model's log.
struct Target {
    path: PathBuf,
    layout: Layout,
    start: crate::date::StartInstant,
}

/// Hands the runner a [`TraceWriter`] for each watched (model, replication).
pub struct FileTracer {
    targets: Vec<Target>,
    options: TraceOptions,
    /// Part files by (model, replication), with their rows once finished.
    parts: Mutex<BTreeMap<(usize, u64), Part>>,
}

fn output_error(path: &Path, e: std::io::Error) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl FileTracer {
    /// Logs of `options.replications` of each model, model `m` into `logs[m]`.
    pub fn new(logs: Vec<(PathBuf, &ModelSpec)>, options: TraceOptions) -> Self {
        let targets = logs
            .into_iter()
            .map(|(path, spec)| Target {
                path,
                layout: match options.format {
                    TraceFormat::Csv => Layout::Csv(Arc::new(Names::new(spec))),
                    TraceFormat::Parquet => Layout::Parquet(Arc::new(Dictionaries::new(spec))),
                },
                start: spec.start,
            })
            .collect();
        Self {
            targets,
            options,
            parts: Mutex::new(BTreeMap::new()),
        }
    }

    fn part_path(&self, model: usize, rep: u64) -> PathBuf {
        let path = &self.targets[model].path;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        dir.join(format!(".{name}.rep-{rep}.part-{}", std::process::id()))
    }

    /// Joins each model's parts in replication order into its log; returns each log with
    /// its number of rows. Call once every replication has finished.
    pub fn finish(self) -> Result<Vec<(PathBuf, u64)>, Error> {
        let mut parts = self.parts.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut written = Vec::new();
        for (m, target) in self.targets.iter().enumerate() {
            let mine: Vec<(u64, Part)> = self
                .options
                .replications
                .iter()
                .map(|&r| {
                    parts
                        .remove(&(m, r))
                        .ok_or_else(|| Error::Internal(format!("the event log of replication {r} was not written")))
                })
                .zip(&self.options.replications)
                .map(|(p, &r)| p.map(|p| (r, p)))
                .collect::<Result<_, _>>()?;
            let rows = mine.iter().map(|(_, (_, w))| w.as_ref().map_or(0, |w| w.rows)).sum();
            let first = mine[0].1.0.path().to_path_buf();
            let err = |e| output_error(&target.path, e);
            let mut out = std::fs::OpenOptions::new().append(true).open(&first).map_err(err)?;
            for (_, (temp, _)) in &mine[1..] {
                let mut src = File::open(temp.path()).map_err(err)?;
                std::io::copy(&mut src, &mut out).map_err(err)?;
            }
            if let Layout::Parquet(_) = target.layout {
                out.write_all(&parquet_footer(&mine)).map_err(err)?;
            }
            // Not forced to disk (fsync) before the rename, unlike the other outputs: a year's
            // log is hundreds of megabytes, and syncing it took seconds (3.7 s against 1.0 s
            // for horgos-2025). The rename still makes it appear whole or not at all.
            drop(out);
            std::fs::rename(&first, &target.path).map_err(err)?;
            // Dropping the Temps removes the later parts (the first was renamed).
            drop(mine);
            written.push((target.path.clone(), rows));
        }
        Ok(written)
    }
}

/// The footer of a Parquet log joined from `parts` (in file order): each part's row groups
/// at the offset where the part begins.
fn parquet_footer(parts: &[(u64, Part)]) -> Vec<u8> {
    let mut groups = Vec::new();
    let mut base = 0;
    for (_, (_, written)) in parts {
        if let Some(part) = written.as_ref().and_then(|w| w.part.as_ref()) {
            groups.extend(part.groups.iter().map(|g| (base, g)));
            base += part.len;
        }
    }
    footer(&groups, concat!("bordersim ", env!("CARGO_PKG_VERSION")))
}

impl Tracer for FileTracer {
    type Sink = TraceWriter;

    fn sink(&self, model: usize, rep: u64) -> Result<Option<Self::Sink>, Error> {
        if self.options.replications.binary_search(&rep).is_err() {
            return Ok(None);
        }
        let path = self.part_path(model, rep);
        let temp = Temp::new(path.clone());
        let file = File::create(&path).map_err(|e| output_error(&self.targets[model].path, e))?;
        let mut parts = self.parts.lock().unwrap_or_else(|p| p.into_inner());
        parts.insert((model, rep), (temp, None));
        let t = &self.targets[model];
        let header = self.options.replications.first() == Some(&rep);
        let window = (self.options.from, self.options.to);
        Ok(Some(TraceWriter::new(
            Disk::new(file, &path),
            rep,
            t.layout.clone(),
            t.start,
            window,
            header,
        )))
    }

    fn done(&self, model: usize, rep: u64, sink: Self::Sink) -> Result<(), Error> {
        let written = sink.finish().map_err(|e| output_error(&self.targets[model].path, e))?;
        let mut parts = self.parts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = parts.get_mut(&(model, rep)) {
            p.1 = Some(written);
        }
        Ok(())
    }
}
