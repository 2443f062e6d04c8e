//! Command-line arguments (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Discrete-event simulation of customs clearance at land border ports.
#[derive(Debug, Parser)]
#[command(name = "bordersim", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  bordersim run scenarios/horgos.toml --out out\n  bordersim check scenarios/baktu.toml"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario, print a summary table and write summary.json and timeseries.csv.
    #[command(after_help = "Example:\n  bordersim run scenarios/horgos.toml --out out --replications 20 --seed 7")]
    Run(RunArgs),
    /// Validate a scenario and print the resolved model in plain words.
    #[command(after_help = "Example:\n  bordersim check scenarios/horgos.toml")]
    Check(CheckArgs),
}

/// `bordersim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Directory for summary.json and timeseries.csv (created if missing; the two files are
    /// replaced). Without it, only the table is printed.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Seed of every random stream (replaces the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of independent replications (replaces the scenario's).
    #[arg(long, short)]
    pub replications: Option<u32>,
    /// Horizon in days (replaces the scenario's horizon_days).
    #[arg(long)]
    pub days: Option<f64>,
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
