//! Command-line arguments (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Discrete-event simulation of customs clearance at land border ports.
#[derive(Debug, Parser)]
#[command(name = "bordersim", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  bordersim run scenarios/horgos-2025.toml --out out\n  bordersim check scenarios/baktu.toml"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario, print a summary table, and with --out write summary.json, timeseries.csv, distribution.csv and charts.
    #[command(after_help = "Example:\n  bordersim run scenarios/horgos-2025.toml --out out --replications 20 --seed 7")]
    Run(RunArgs),
    /// Run the baseline and its variants with common random numbers and compare them.
    #[command(
        after_help = "Example:\n  bordersim compare scenarios/horgos-reform.toml --variants one_hour,daytime --replications 20 --out cmp"
    )]
    Compare(CompareArgs),
    /// Redraw the charts of a run, a comparison, a sweep or a TRS report from its saved files, without simulating.
    #[command(
        after_help = "Example:\n  bordersim run scenarios/horgos-2025.toml --out out --no-charts\n  bordersim chart out"
    )]
    Chart(ChartArgs),
    /// Time Release Study report of a trace: each segment's mean, median, p95 and share of the release time, per port and mode.
    #[command(after_help = "Example:\n  bordersim trs out/trace.csv --after 10080 --out out")]
    Trs(TrsArgs),
    /// Validate a scenario and print the resolved model in plain words; or validate every point of a sweep file and estimate its work.
    #[command(
        after_help = "Example:\n  bordersim check scenarios/horgos-2025.toml\n  bordersim check sweeps/horgos-assumptions.toml"
    )]
    Check(CheckArgs),
    /// Estimate a flow's rate and hour, weekday and month profiles from a gate log, with 95 % intervals and a dispersion check, and print the TOML to paste into a scenario.
    #[command(
        after_help = "Example:\n  bordersim fit gate_log.csv --mode cage_truck --from 2025-01-06 --to 2025-03-03 --out fitted.toml"
    )]
    Fit(FitArgs),
    /// Run a scenario at every point of a design (factorial, Latin hypercube or a CSV file) with common random numbers across points, and rank the factors of a Latin hypercube; write sweep.csv, sweep.json, sensitivity.csv and charts.
    #[command(
        after_help = "Example:\n  bordersim sweep sweeps/horgos-assumptions.toml --out sweep --days 28 --replications 4\n  bordersim sweep sweeps/horgos-assumptions.toml --shard 2/4 --out shard-2"
    )]
    Sweep(SweepArgs),
    /// Combine the shard files of `sweep --shard K/N` (given in any order) into the results of the whole sweep, byte-identical to one machine running it.
    #[command(after_help = "Example:\n  bordersim merge shard-1 shard-2 shard-3 shard-4 --out sweep")]
    Merge(MergeArgs),
    /// Find the cheapest candidate (lanes, drivers, hours, ...) that meets service constraints, each candidate decided feasible or not with a stated confidence by a sequential procedure under common random numbers; write optimise.json, optimise.csv and a frontier chart.
    #[command(
        after_help = "Example:\n  bordersim optimise optimise/horgos-lanes.toml --out horgos-opt\n  bordersim optimise optimise/mmc-lanes.toml --replications 20"
    )]
    Optimise(OptimiseArgs),
}

/// `bordersim optimise`.
#[derive(Debug, Args)]
pub struct OptimiseArgs {
    /// Optimisation file (TOML): a base scenario, decision variables with unit costs, and
    /// service constraints (README, "Optimisation").
    pub optimise: PathBuf,
    /// Not taken: each next replication of a candidate depends on the ones before, so an
    /// optimisation runs on one machine.
    #[arg(long, value_name = "K/N", hide = true)]
    pub shard: Option<String>,
    /// Settings shared with `run`, `compare` and `sweep`; `--replications` replaces the
    /// budget per candidate (max_replications).
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `bordersim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML): a base scenario, factors and a design (README, "Sweeps and sensitivity").
    pub sweep: PathBuf,
    /// Run only shard K of N (1-based) of the (point, replication) runs and write
    /// DIR/sweep-shard.bin for `bordersim merge`.
    #[arg(long, value_name = "K/N", requires = "out")]
    pub shard: Option<String>,
    /// Settings shared with `run` and `compare`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `bordersim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out directories of the shards (or their sweep-shard.bin files).
    #[arg(required = true, value_name = "DIR")]
    pub shards: Vec<PathBuf>,
    /// Directory for the merged results and charts.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Replace the results already in DIR.
    #[arg(long)]
    pub force: bool,
    /// Do not draw charts into DIR/charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Print only the table, no notes.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `bordersim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Run this variant instead of the baseline.
    #[arg(long)]
    pub variant: Option<String>,
    /// Write the event log (one CSV row per step of each consignment) to FILE.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Which replications and times the event log holds.
    #[command(flatten)]
    pub trace_scope: TraceScopeArgs,
    /// Settings shared with `compare`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `bordersim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario file (TOML) with [variants.NAME] tables.
    pub scenario: PathBuf,
    /// Variants to compare with the baseline, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub variants: Option<Vec<String>>,
    /// Give each variant its own streams instead of common random numbers (for measuring
    /// what common random numbers buy; differences get wider intervals).
    #[arg(long)]
    pub independent: bool,
    /// Write an event log per variant into DIR (baseline.csv, VARIANT.csv).
    #[arg(long, value_name = "DIR")]
    pub trace: Option<PathBuf>,
    /// Which replications and times the event logs hold.
    #[command(flatten)]
    pub trace_scope: TraceScopeArgs,
    /// Settings shared with `run`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags of both `run` and `compare`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the results and charts (created if missing). Without it, only the
    /// table is printed.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Seed of every random stream (replaces the scenario's); shared by all variants.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Independent replications (per variant; replaces the scenario's).
    #[arg(long, short)]
    pub replications: Option<u32>,
    /// Horizon in days (replaces the scenario's horizon_days).
    #[arg(long)]
    pub days: Option<f64>,
    /// Worker threads for replications (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not draw charts into DIR/charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Replace the results already in DIR (otherwise a DIR holding results is refused).
    #[arg(long)]
    pub force: bool,
    /// Continue an interrupted run from DIR/checkpoint.bin (same scenario and settings).
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Print only the table, no notes.
    #[arg(long, short)]
    pub quiet: bool,
}

/// What an event log holds (with `--trace`).
#[derive(Debug, Args)]
pub struct TraceScopeArgs {
    /// Replications to log, 0-based: a list and ranges such as 0,3,5-7, or "all" (default 0).
    #[arg(long, value_name = "LIST", requires = "trace")]
    pub trace_replications: Option<String>,
    /// Log only steps at or after this time: YYYY-MM-DD[THH:MM], or days from the start.
    #[arg(long, value_name = "WHEN", requires = "trace")]
    pub trace_from: Option<String>,
    /// Log only steps before this time: YYYY-MM-DD[THH:MM], or days from the start.
    #[arg(long, value_name = "WHEN", requires = "trace")]
    pub trace_to: Option<String>,
    /// The log's format: csv (default; `run` takes parquet when FILE ends in .parquet), or
    /// parquet (the same columns, about a sixth of the bytes).
    #[arg(long, value_name = "FORMAT", requires = "trace")]
    pub trace_format: Option<TraceFormatArg>,
}

/// `--trace-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormatArg {
    /// One CSV row per step.
    Csv,
    /// Parquet columns.
    Parquet,
}

/// `bordersim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML), or a sweep file (with a [sweep] table).
    pub scenario: PathBuf,
}

/// `bordersim chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The --out directory of a run, a comparison, a sweep or a TRS report.
    pub dir: PathBuf,
}

/// `bordersim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Gate log (CSV with a `time` column, optional `mode` and `vehicles`).
    pub arrivals: PathBuf,
    /// Fit only this mode's arrivals (default: each mode of the log separately).
    #[arg(long)]
    pub mode: Option<String>,
    /// First day (or YYYY-MM-DDTHH:MM) of the observation window (default: the first
    /// arrival's midnight).
    #[arg(long)]
    pub from: Option<String>,
    /// End of the window, exclusive: a date means its midnight (default: the midnight
    /// after the last arrival).
    #[arg(long)]
    pub to: Option<String>,
    /// Calendar date (or YYYY-MM-DDTHH:MM) of minute 0, for a log of minutes (default
    /// 2025-01-01, a scenario's default start).
    #[arg(long)]
    pub start: Option<String>,
    /// Also write the TOML to this file (atomically).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `bordersim trs`.
#[derive(Debug, Args)]
pub struct TrsArgs {
    /// The trace (CSV) that `run --trace` wrote.
    pub trace: PathBuf,
    /// Measure only consignments released (departed) at or after this minute: give the
    /// run's warm-up to count those summary.json counts.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub after: f64,
    /// Directory for trs.csv and charts/trs_PORT.png/.svg (created if missing). Without it,
    /// only the table is printed.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace a TRS report already in DIR (the run's own files there are never touched).
    #[arg(long)]
    pub force: bool,
    /// Do not draw charts into DIR/charts.
    #[arg(long)]
    pub no_charts: bool,
}
