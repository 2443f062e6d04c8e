//! The exporter registry: every file bordersim writes into an output directory, named once
//! here with the function that writes it. Writing a result set, `--force` (which removes
//! only these names), the `files` list of the describing JSON and `chart DIR` (which reads
//! the files back) all take the names from here, so none can drift from the writers.

use crate::experiment::{Comparison, Experiment};
use crate::model::ModelSpec;
use std::io::{self, Write};

/// Writes one data file of a run from the model and its results.
pub type RunWriter = fn(&mut dyn Write, &ModelSpec, &Experiment) -> io::Result<()>;

/// Writes one data file of a comparison from its results.
pub type CompareWriter = fn(&mut dyn Write, &Comparison) -> io::Result<()>;

/// One data file of a result set: its name in the output directory and its writer.
#[derive(Debug, Clone, Copy)]
pub struct DataFile<W> {
    /// File name, at the top of the output directory.
    pub name: &'static str,
    /// Streams the file's bytes.
    pub write: W,
}

/// A result set: its data files, written first, then (when complete) the charts, then the
/// describing JSON, which names the others and says whether the set is partial.
#[derive(Debug, Clone, Copy)]
pub struct ResultSet<W: 'static> {
    /// The describing JSON, written last.
    pub describing: &'static str,
    /// JSON pointer to the describing JSON's `partial` flag.
    pub partial_at: &'static str,
    /// The data files, in the order they are written and listed.
    pub data: &'static [DataFile<W>],
}

impl<W> ResultSet<W> {
    /// The set's files at the top of the output directory: describing JSON, then data.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.describing).chain(self.data.iter().map(|d| d.name))
    }
}

/// summary.json: a run's describing JSON ([`super::json::summary`]).
pub const SUMMARY: &str = "summary.json";
/// timeseries.csv: a run's series per report interval ([`super::csv`]).
pub const TIMESERIES: &str = "timeseries.csv";
/// distribution.csv: a run's time-in-system CDF ([`super::distribution`]).
pub const DISTRIBUTION: &str = "distribution.csv";
/// comparison.json: a comparison's describing JSON ([`super::compare::json`]).
pub const COMPARISON_JSON: &str = "comparison.json";
/// comparison.csv: a comparison's rows ([`super::compare::csv`]).
pub const COMPARISON_CSV: &str = "comparison.csv";
/// compare_timeseries.csv: each variant's queues over time ([`super::compare::write_series`]).
pub const COMPARE_TIMESERIES: &str = "compare_timeseries.csv";
/// trs.csv: the Time Release Study report of a trace ([`super::trs::csv`]), written by
/// `bordersim trs` and by `run --trace` with `--out`.
pub const TRS_CSV: &str = "trs.csv";
/// report.html: the self-contained page of a run or a comparison ([`super::html`]),
/// written after the charts and redrawn by `bordersim chart DIR`.
pub const REPORT: &str = "report.html";
/// sweep.json: a sweep's describing JSON ([`super::sweep::json`]), written last.
pub const SWEEP_JSON: &str = "sweep.json";
/// sweep.csv: a sweep's results in long form ([`super::sweep::csv`]).
pub const SWEEP_CSV: &str = "sweep.csv";
/// sensitivity.csv: a Latin-hypercube sweep's factor ranking ([`super::sweep::sensitivity_csv`]).
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// The shard file `sweep --shard K/N` writes for `merge` (written by the CLI).
pub const SWEEP_SHARD: &str = "sweep-shard.bin";
/// The checkpoint an interrupted sweep saves for `--resume` (written by the CLI).
pub const SWEEP_CHECKPOINT: &str = "sweep-checkpoint.bin";
/// The checkpoint an interrupted run saves beside its partial set (written by the CLI).
pub const CHECKPOINT: &str = "checkpoint.bin";
/// The folder the charts go to ([`super::charts::draw_dir`]).
pub const CHARTS: &str = "charts";

/// The files of `run`.
pub const RUN: ResultSet<RunWriter> = ResultSet {
    describing: SUMMARY,
    partial_at: "/scenario/partial",
    data: &[
        DataFile {
            name: TIMESERIES,
            write: |w, spec, exp| super::csv::write_timeseries(w, spec, &exp.series),
        },
        DataFile {
            name: DISTRIBUTION,
            write: super::distribution::write_distribution,
        },
    ],
};

/// The files of `compare`.
pub const COMPARE: ResultSet<CompareWriter> = ResultSet {
    describing: COMPARISON_JSON,
    partial_at: "/partial",
    data: &[
        DataFile {
            name: COMPARISON_CSV,
            write: |w, c| w.write_all(super::compare::csv(c).as_bytes()),
        },
        DataFile {
            name: COMPARE_TIMESERIES,
            write: super::compare::write_series,
        },
    ],
};

/// The optimiser's summary: every candidate examined, the choice, the effort.
pub const OPTIMISE_JSON: &str = "optimise.json";
/// The optimiser's candidates, one row each.
pub const OPTIMISE_CSV: &str = "optimise.csv";

/// The files of `sweep` and `merge`, in the order `--force` removes them.
pub const SWEEP_FILES: [&str; 5] = [SWEEP_JSON, SWEEP_CSV, SENSITIVITY_CSV, SWEEP_SHARD, SWEEP_CHECKPOINT];

/// Every file bordersim writes at the top of an output directory, by exact name, in a fixed
/// order (run's, comparison's, the report page, the checkpoint, the TRS report): the only ones `--force` may
/// remove there.
pub fn result_files() -> impl Iterator<Item = &'static str> {
    RUN.names()
        .chain(COMPARE.names())
        .chain([REPORT, CHECKPOINT, TRS_CSV])
        .chain(SWEEP_FILES)
        .chain([OPTIMISE_JSON, OPTIMISE_CSV])
}

/// The kinds of chart drawn, each into `KIND_PORT.png` and `.svg` in [`CHARTS`]
/// (`KIND_PORT_N` when a port's panels take several files): the names `--force` recognises
/// in `charts/` as bordersim's own, so a user's own files there are never removed.
pub const CHART_KINDS: [&str; 15] = [
    "queue",
    "backlog",
    "hour_of_day",
    "utilization",
    "throughput",
    "time_in_system",
    "drivers",
    "compare",
    "compare_difference",
    "compare_queue",
    "trs",
    "sweep",
    "heatmap",
    "tornado",
    "frontier",
];

/// True when `file` is named as a chart bordersim draws: a kind from [`CHART_KINDS`], `_`,
/// a port name (letters, digits, `_`, `-`, as scenario names allow) and `.png` or `.svg`.
pub fn is_chart_file(file: &str) -> bool {
    let Some(stem) = file.strip_suffix(".png").or_else(|| file.strip_suffix(".svg")) else {
        return false;
    };
    CHART_KINDS.iter().any(|kind| {
        stem.strip_prefix(kind)
            .and_then(|r| r.strip_prefix('_'))
            .is_some_and(|port| {
                !port.is_empty()
                    && port.len() <= 72
                    && port
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_the_force_order() {
        let all: Vec<&str> = result_files().collect();
        assert_eq!(
            all,
            [
                "summary.json",
                "timeseries.csv",
                "distribution.csv",
                "comparison.json",
                "comparison.csv",
                "compare_timeseries.csv",
                "report.html",
                "checkpoint.bin",
                "trs.csv",
                "sweep.json",
                "sweep.csv",
                "sensitivity.csv",
                "sweep-shard.bin",
                "sweep-checkpoint.bin",
                "optimise.json",
                "optimise.csv"
            ]
        );
        assert!(is_chart_file("compare_difference_horgos.svg"));
        assert!(!is_chart_file("compare_.png") && !is_chart_file("queue_x.jpg"));
        assert!(is_chart_file("trs_horgos.png") && !is_chart_file("trs_.svg"));
    }
}
