//! The resolved configurations of `bordersim run` and `compare`.

use super::args::{CommonArgs, CompareArgs, RunArgs};
use crate::error::Error;
use crate::scenario::{Overrides, Scenario, Which, load_which};
use std::path::PathBuf;

/// Everything `run` needs, checked: the validated scenario with command-line overrides
/// applied, and where to write.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The scenario, overrides applied.
    pub scenario: Scenario,
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
    fn from_args(c: &CommonArgs) -> Result<Self, Error> {
        Ok(Self {
            out: c.out.clone(),
            threads: check_threads(c.threads)?,
            charts: !c.no_charts,
            resume: c.resume,
            quiet: c.quiet,
        })
    }
}

fn overrides(c: &CommonArgs) -> Overrides {
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

fn check_out(out: &Option<PathBuf>) -> Result<(), Error> {
    match out {
        Some(dir) if dir.exists() && !dir.is_dir() => Err(Error::Usage(format!(
            "--out: {} exists and is not a directory",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// Files and folders bordersim writes into an output directory.
const RESULTS: [&str; 7] = [
    "summary.json",
    "timeseries.csv",
    "distribution.csv",
    "comparison.json",
    "comparison.csv",
    "compare_timeseries.csv",
    "charts",
];

/// Makes sure results can be written to `out` before any simulation starts, so an hour of
/// work is not lost to a typo in a path, and that earlier results there are not silently
/// mixed with new ones: they are refused, or with `force` removed. Called after the
/// scenario is validated: a bad scenario leaves nothing behind.
fn probe_out(out: &Option<PathBuf>, force: bool, resume: bool) -> Result<(), Error> {
    let Some(dir) = out else { return Ok(()) };
    // Resuming continues the results there: nothing is removed before the checkpoint is
    // read and checked, so a refused resume leaves the directory as it was.
    let present: Vec<&str> = RESULTS.iter().copied().filter(|f| dir.join(f).exists()).collect();
    if !present.is_empty() && !resume {
        if !force {
            return Err(Error::Usage(format!(
                "--out: {} already holds results ({}): choose another directory, or add --force to replace them",
                dir.display(),
                present.join(", ")
            )));
        }
        for f in present {
            let p = dir.join(f);
            let removed = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            removed.map_err(|e| Error::Usage(format!("--force: cannot remove {}: {e}", p.display())))?;
        }
    }
    let fail = |e: std::io::Error| Error::Usage(format!("--out: cannot write to {}: {e}", dir.display()));
    let existed = dir.exists();
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".bordersim-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    if !existed {
        // Leave no trace until there are results to write.
        let _ = std::fs::remove_dir(dir);
    }
    Ok(())
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
        probe_out(&c.out, c.force, c.resume)?;
        Ok(Self { scenario, output })
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
        Ok(Self {
            replications: set.baseline.replications,
            seed: set.baseline.seed,
            scenarios,
            independent: a.independent,
            output,
        })
    }
}
