//! The resolved configurations of `bordersim run` and `compare`.

use super::args::{CommonArgs, CompareArgs, RunArgs};
use super::trace::TraceConfig;
use crate::error::Error;
use crate::scenario::{Overrides, Scenario, Which, load_which};
use std::path::PathBuf;

/// Everything `run` needs, checked: the validated scenario with command-line overrides
/// applied, and where to write.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The scenario, overrides applied.
    pub scenario: Scenario,
    /// The event log, if asked for.
    pub trace: Option<TraceConfig>,
    /// Where and how to write.
    pub output: Output,
}

/// Output and execution settings shared by `run` and `compare`, checked.
#[derive(Debug, Clone)]
pub struct Output {
    /// Output directory, if any.
    pub out: Option<PathBuf>,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// Draw charts with the files.
    pub charts: bool,
    /// Continue from a checkpoint.
    pub resume: bool,
    /// Suppress notes and the progress bar.
    pub quiet: bool,
}

impl Output {
    pub(super) fn from_args(c: &CommonArgs) -> Result<Self, Error> {
        Ok(Self {
            out: c.out.clone(),
            threads: check_threads(c.threads)?,
            charts: !c.no_charts,
            resume: c.resume,
            quiet: c.quiet,
        })
    }
}

pub(super) fn overrides(c: &CommonArgs) -> Overrides {
    Overrides {
        seed: c.seed,
        replications: c.replications,
        horizon_days: c.days,
    }
}

fn check_threads(t: Option<usize>) -> Result<Option<usize>, Error> {
    match t {
        Some(0) => Err(Error::Usage("--threads: must be at least 1".into())),
        Some(n) if n > 1024 => Err(Error::Usage(format!("--threads: at most 1024, got {n}"))),
        other => Ok(other),
    }
}

pub(super) fn check_out(out: &Option<PathBuf>) -> Result<(), Error> {
    match out {
        Some(dir) if dir.exists() && !dir.is_dir() => Err(Error::Usage(format!(
            "--out: {} exists and is not a directory",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// Checks `--out` before any simulation starts (see [`crate::report::outdir::prepare`]).
/// Called after the scenario is validated: a bad scenario leaves nothing behind.
pub(super) fn probe_out(out: &Option<PathBuf>, force: bool, resume: bool) -> Result<(), Error> {
    match out {
        Some(dir) => crate::report::outdir::prepare(dir, force, resume),
        None => Ok(()),
    }
}

impl RunConfig {
    /// Reads and validates everything named on the command line.
    pub fn from_args(a: &RunArgs) -> Result<Self, Error> {
        let c = &a.common;
        check_out(&c.out)?;
        let names: Vec<String> = a.variant.iter().cloned().collect();
        let set = load_which(&a.scenario, overrides(c), Which::Only(&names))?;
        let scenario = set.variants.first().cloned().unwrap_or(set.baseline);
        let output = Output::from_args(c)?;
        let trace = super::trace::for_run(&a.trace, &a.trace_scope, &scenario, c.force, c.resume)?;
        probe_out(&c.out, c.force, c.resume)?;
        Ok(Self {
            scenario,
            trace,
            output,
        })
    }
}

/// Everything `compare` needs, checked.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// The baseline first, then the chosen variants.
    pub scenarios: Vec<Scenario>,
    /// Replications per variant.
    pub replications: u32,
    /// Seed shared by the variants.
    pub seed: u64,
    /// Independent streams instead of common random numbers.
    pub independent: bool,
    /// The event logs, if asked for.
    pub trace: Option<TraceConfig>,
    /// Where and how to write.
    pub output: Output,
}

impl CompareConfig {
    /// Reads and validates the scenario, its variants and the selection.
    pub fn from_args(a: &CompareArgs) -> Result<Self, Error> {
        let c = &a.common;
        check_out(&c.out)?;
        let which = match &a.variants {
            Some(names) => Which::Only(names),
            None => Which::All,
        };
        let set = load_which(&a.scenario, overrides(c), which)?;
        if set.defined.is_empty() {
            return Err(Error::Usage(format!(
                "{} defines no variants to compare: add [variants.NAME] tables (see README, \"Policies and variants\")",
                a.scenario.display()
            )));
        }
        let output = Output::from_args(c)?;
        probe_out(&c.out, c.force, c.resume)?;
        let mut scenarios = vec![set.baseline.clone()];
        scenarios.extend(set.variants.iter().cloned());
        let trace = super::trace::for_compare(&a.trace, &a.trace_scope, &scenarios, c.force, c.resume)?;
        Ok(Self {
            trace,
            replications: set.baseline.replications,
            seed: set.baseline.seed,
            scenarios,
            independent: a.independent,
            output,
        })
    }
}
