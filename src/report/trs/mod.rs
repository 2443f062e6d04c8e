//! The WCO Time Release Study report: from a trace (the event log of `run --trace`), per
//! port and mode, how the time from arrival to release splits into segments (waiting for
//! and being in each stage, waiting for a driver, blocked), with the mean, median and 95th
//! percentile of each and its share of the mean release time, as in the segment tables of
//! the WCO Time Release Study Guide (version 3, 2018). Printed, written as trs.csv and
//! drawn as stacked bars.
//!
//! The trace is read row by row: only consignments inside a port are held, and each
//! released one leaves one number per segment it went through.

pub mod chart;
pub mod csv;
pub mod figures;
pub mod fold;
pub mod parse;
pub mod read;
pub mod table;

use crate::error::Error;
use crate::report::check::{self, Problem};
use std::path::{Path, PathBuf};

/// What a segment measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Waiting in a stage's line: entered to started.
    Wait,
    /// Waiting at a driver stage for a hired driver.
    DriverWait,
    /// In a stage: started to finished (its clearance or dwell).
    Service,
    /// Finished at a stage but held there, the next stage having no room.
    Blocked,
    /// The whole release time: last arrival at the port to departure.
    Total,
}

impl Kind {
    /// The `kind` column of trs.csv.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Wait => "wait",
            Kind::DriverWait => "driver_wait",
            Kind::Service => "service",
            Kind::Blocked => "blocked",
            Kind::Total => "total",
        }
    }

    /// The segment's name in the table: what a reader of a TRS report calls it.
    pub fn segment_name(self, stage: &str) -> String {
        match self {
            Kind::Wait => format!("waiting for {stage}"),
            Kind::DriverWait => format!("waiting for a driver at {stage}"),
            Kind::Service => stage.to_string(),
            Kind::Blocked => format!("blocked after {stage}"),
            Kind::Total => TOTAL.to_string(),
        }
    }
}

/// Name of the total row.
pub const TOTAL: &str = "Total release time";

/// Mean, median and 95th percentile (minutes) over every released consignment, counting 0
/// for one that skipped the segment, and the share of the mean release time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Mean, minutes.
    pub mean: f64,
    /// Median (nearest rank), minutes.
    pub median: f64,
    /// 95th percentile (nearest rank), minutes.
    pub p95: f64,
    /// Mean over the mean release time; `None` when that is 0.
    pub share: Option<f64>,
}

/// One segment of one mode's release time.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// As printed: "waiting for inspection".
    pub name: String,
    /// What it measures.
    pub kind: Kind,
    /// Its stage.
    pub stage: String,
    /// Released consignments that went through it.
    pub visits: u64,
    /// Its figures.
    pub figures: Figures,
}

/// One mode at one port.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeReport {
    /// Mode name.
    pub name: String,
    /// Consignments released (departed) at or after `after`.
    pub released: u64,
    /// Segments in route order.
    pub segments: Vec<Segment>,
    /// The release time; `None` when none was released.
    pub total: Option<Figures>,
    /// Turned away at a full first stage (arrived at or after `after`).
    pub turned_away: u64,
    /// Gave up in a line (arrived at or after `after`).
    pub abandoned: u64,
    /// Drove from a line to another port (arrived at or after `after`).
    pub diverted: u64,
    /// Still inside the port at the end of the run.
    pub inside: u64,
    /// Seen without their arrival, which the trace does not hold: not measured.
    pub unmeasured: u64,
}

/// One port.
#[derive(Debug, Clone, PartialEq)]
pub struct PortReport {
    /// Port name.
    pub name: String,
    /// Its modes, by name.
    pub modes: Vec<ModeReport>,
}

impl PortReport {
    /// The stages of its modes' segments in route order: each mode's stages in its order,
    /// merged mode by mode (a stage new to the list goes right after the stage before it
    /// on that mode's route). A function of what trs.csv holds, so `chart DIR` orders the
    /// legend as the table.
    pub fn stages(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.modes {
            let mut at = 0;
            for s in &m.segments {
                match out.iter().position(|&x| x == s.stage) {
                    Some(i) => at = at.max(i + 1),
                    None => {
                        out.insert(at, &s.stage);
                        at += 1;
                    }
                }
            }
        }
        out
    }

    /// The segments of all its modes, in route order (per stage: the wait, the clearance,
    /// the time blocked after it), each (kind, stage) once, with its name: the rows of the
    /// port's table.
    pub fn rows(&self) -> Vec<(Kind, String, String)> {
        let mut out = Vec::new();
        for stage in self.stages() {
            let mut kinds: Vec<(Kind, &str)> = self
                .modes
                .iter()
                .flat_map(|m| m.segments.iter())
                .filter(|s| s.stage == stage)
                .map(|s| (s.kind, s.name.as_str()))
                .collect();
            kinds.sort();
            kinds.dedup();
            out.extend(kinds.into_iter().map(|(k, n)| (k, stage.to_string(), n.to_string())));
        }
        out
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct TrsReport {
    /// The trace read, as given.
    pub trace: PathBuf,
    /// Consignments released before this minute are left out (the warm-up).
    pub after: f64,
    /// Replications in the trace.
    pub replications: u64,
    /// Ports, by name.
    pub ports: Vec<PortReport>,
}

fn trace_error(path: &Path, p: Problem) -> Error {
    Error::Results {
        path: path.to_path_buf(),
        location: p.line.map(|l| format!(":{l}")).unwrap_or_default(),
        message: p.message,
    }
}

/// Reads the trace at `trace` row by row and measures every consignment released
/// (departed) at or after minute `after`. Refuses, naming the line, a trace that is not one
/// `run --trace` writes, and one where no consignment was released after `after`.
pub fn read_trs(trace: &Path, after: f64) -> Result<TrsReport, Error> {
    let fail = |message: String| Error::Results {
        path: trace.to_path_buf(),
        location: String::new(),
        message,
    };
    let cannot = |e: std::io::Error| fail(format!("cannot read the trace: {}", words(&e)));
    // Checked before opening: opening a FIFO would wait for a writer.
    if !std::fs::metadata(trace).map_err(cannot)?.is_file() {
        return Err(fail("not a regular file: give the CSV file `run --trace` wrote".into()));
    }
    let file = std::fs::File::open(trace).map_err(cannot)?;
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    let (replications, ports) = measure(reader, after).map_err(|p| trace_error(trace, p))?;
    Ok(TrsReport {
        trace: trace.to_path_buf(),
        after,
        replications,
        ports,
    })
}

/// Folds the trace text read from `r` (see [`read_trs`]): the replications seen and the
/// ports' figures, or what is wrong and on which line.
pub fn measure(r: impl std::io::BufRead, after: f64) -> Result<(u64, Vec<PortReport>), Problem> {
    let mut folder = fold::Folder::new(after);
    let mut fields = Vec::with_capacity(parse::HEADER.split(',').count());
    let lines = check::for_each_line(r, |n, line| {
        if n == 1 {
            return check::expect_header(line, parse::HEADER);
        }
        parse::split(n, line, &mut fields)?;
        let row = parse::row(n, &fields)?;
        folder.row(n, &row)
    })?;
    if lines == 0 {
        return Err(check::json_problem(format!(
            "empty: a trace starts with the header {}",
            parse::HEADER
        )));
    }
    let folded = folder.finish();
    let replications = folded.replications;
    let ports = figures::ports(folded);
    if ports.iter().all(|p| p.modes.iter().all(|m| m.released == 0)) {
        return Err(check::json_problem(format!(
            "no consignment was released (departed) at or after minute {after}: nothing to measure (is --after past the end of the run?)"
        )));
    }
    Ok((replications, ports))
}

/// An I/O error in words without the "(os error 2)" tail.
fn words(e: &std::io::Error) -> String {
    let t = e.to_string();
    t.split(" (os error").next().unwrap_or(&t).to_string()
}

/// Writes trs.csv into `out_dir` and, with `charts`, charts/trs_PORT.png and .svg; returns
/// the paths written. Each file is written through a temporary file and renamed.
pub fn write_files(report: &TrsReport, out_dir: &Path, charts: bool) -> Result<Vec<PathBuf>, Error> {
    crate::report::atomic::ensure_dir(out_dir)?;
    let p = out_dir.join(crate::report::exporter::TRS_CSV);
    crate::report::atomic::write_atomic_with(&p, |w| csv::write(w, report))?;
    let mut written = vec![p];
    if charts {
        // Drawn from the file just written, as `chart DIR` draws them.
        let dir = out_dir.join(crate::report::exporter::CHARTS);
        crate::report::atomic::ensure_dir(&dir)?;
        for (name, c) in crate::report::charts::trs_charts(out_dir)? {
            written.extend(crate::report::charts::save(&dir, &name, &c)?);
        }
    }
    Ok(written)
}

/// The report of the trace at `trace` (see [`read_trs`]), written into `out_dir` (see
/// [`write_files`]): what `run --trace FILE --out DIR` calls after its run, with the
/// warm-up as `after` so the figures count the consignments summary.json counts.
pub fn write_trs(trace: &Path, after: f64, out_dir: &Path, charts: bool) -> Result<(TrsReport, Vec<PathBuf>), Error> {
    let report = read_trs(trace, after)?;
    let written = write_files(&report, out_dir, charts)?;
    Ok((report, written))
}

#[cfg(test)]
mod tests;
