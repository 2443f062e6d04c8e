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
    /// Redraw the charts of a run, a comparison or a TRS report from its saved files, without simulating.
    #[command(
        after_help = "Example:\n  bordersim run scenarios/horgos-2025.toml --out out --no-charts\n  bordersim chart out"
    )]
    Chart(ChartArgs),
    /// Time Release Study report of a trace: each segment's mean, median, p95 and share of the release time, per port and mode.
    #[command(after_help = "Example:\n  bordersim trs out/trace.csv --after 10080 --out out")]
    Trs(TrsArgs),
    /// Validate a scenario and print the resolved model in plain words.
    #[command(after_help = "Example:\n  bordersim check scenarios/horgos-2025.toml")]
    Check(CheckArgs),
}

/// `bordersim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Run this variant instead of the baseline.
    #[arg(long)]
    pub variant: Option<String>,
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

/// `bordersim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
}

/// `bordersim chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The --out directory of a run, a comparison or a TRS report.
    pub dir: PathBuf,
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
