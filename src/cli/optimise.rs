//! `bordersim optimise`: the optimisation file and every candidate checked before any work,
//! then the candidates decided in cost order, then the outputs.

use super::args::OptimiseArgs;
use super::{interrupt, with_threads};
use crate::error::Error;
use crate::experiment::optimise::{self, Space};
use crate::report;
use std::io::Write;

/// Everything `optimise` needs, checked: the candidate space with every scenario built.
#[derive(Debug, Clone)]
pub struct OptimiseConfig {
    /// The space.
    pub space: Space,
    /// Where and how to write.
    pub output: super::Output,
    /// Replace results in `--out`.
    pub force: bool,
}

impl OptimiseConfig {
    /// Reads the optimisation file and the scenario, applies the command-line settings,
    /// builds and checks every candidate and constraint, and checks `--out`.
    pub fn from_args(a: &OptimiseArgs) -> Result<Self, Error> {
        let c = &a.common;
        if a.shard.is_some() {
            return Err(Error::Usage(
                "optimise takes no --shard: each next replication of a candidate depends on the ones before, so an optimisation runs on one machine (README, \"Optimisation\")".into(),
            ));
        }
        if c.resume {
            return Err(Error::Usage(
                "optimise takes no --resume: an interrupted optimisation is run again (its decisions are the same for the same seed)".into(),
            ));
        }
        super::config::check_out(&c.out)?;
        let mut def = optimise::load(&a.optimise)?;
        if let Some(r) = c.replications {
            if r < def.first {
                return Err(Error::Usage(format!(
                    "--replications {r}: the budget per candidate must be at least first_replications ({})",
                    def.first
                )));
            }
            def.budget = r;
        }
        let mut overrides = super::config::overrides(c);
        overrides.replications = None;
        let space = optimise::build(&def, overrides)?;
        let output = super::Output::from_args(c)?;
        super::config::probe_out(&c.out, c.force, false)?;
        Ok(Self {
            space,
            output,
            force: c.force,
        })
    }
}

/// `bordersim optimise` with a resolved configuration.
pub fn optimise_command(cfg: &OptimiseConfig) -> Result<(), Error> {
    let space = &cfg.space;
    let quiet = cfg.output.quiet;
    let started = std::time::Instant::now();
    let stop = &interrupt::INTERRUPTED;
    let examined = with_threads(cfg.output.threads, || optimise::run(space, |_, _| {}, stop))??;
    let Some(examined) = examined else {
        return Err(Error::SweepInterrupted {
            done: 0,
            requested: space.costs.len() as u64,
            saved: "; an optimisation keeps nothing: run it again (it decides the same for the same seed)".into(),
        });
    };
    let outcome = optimise::summarise(space, examined);
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", report::optimise::table(space, &outcome));
    if let Some(dir) = &cfg.output.out {
        let written = report::optimise::write(dir, space, &outcome, cfg.output.charts)?;
        if !quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    if !quiet {
        let _ = writeln!(
            out,
            "{} replications in {:.1} s",
            outcome.replications,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
