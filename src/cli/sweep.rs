//! `bordersim sweep` and `bordersim merge`: the sweep file and every design point checked
//! before any work, then the runs (all, or one shard's), then the outputs.

use super::args::{MergeArgs, SweepArgs};
use super::{interrupt, progress, with_threads};
use crate::error::Error;
use crate::experiment::sweep::{self, Shard, Sweep, Values, shard};
use crate::report;
use crate::report::exporter::{SWEEP_CHECKPOINT, SWEEP_SHARD};
use std::io::Write;
use std::path::PathBuf;

/// Everything `sweep` needs, checked: the sweep with every point's scenario built.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    /// The sweep.
    pub sweep: Sweep,
    /// Which share of the runs.
    pub shard: Shard,
    /// Write a shard file for `merge` (`--shard` given, even 1/1) instead of the results.
    pub write_shard: bool,
    /// Where and how to write.
    pub output: super::Output,
    /// Replace results in `--out`.
    pub force: bool,
}

impl SweepConfig {
    /// Reads the sweep file and the scenario, applies the command-line settings, builds and
    /// checks every design point, and checks `--out`.
    pub fn from_args(a: &SweepArgs) -> Result<Self, Error> {
        let c = &a.common;
        super::config::check_out(&c.out)?;
        let shard = match &a.shard {
            Some(t) => Shard::parse(t).map_err(Error::Usage)?,
            None => Shard::WHOLE,
        };
        let def = sweep::load(&a.sweep)?;
        let sweep = sweep::build(&def, super::config::overrides(c))?;
        let output = super::Output::from_args(c)?;
        super::config::probe_out(&c.out, c.force, c.resume)?;
        Ok(Self {
            sweep,
            shard,
            write_shard: a.shard.is_some(),
            output,
            force: c.force,
        })
    }
}

/// The checkpoint to resume, checked to be of this sweep and shard.
fn resumed(cfg: &SweepConfig) -> Result<Values, Error> {
    let (Some(dir), true) = (&cfg.output.out, cfg.output.resume) else {
        return Ok(Values::new());
    };
    let path = dir.join(SWEEP_CHECKPOINT);
    if !path.exists() {
        return Err(Error::Usage(format!(
            "--resume: no sweep checkpoint in {} ({} is missing)",
            dir.display(),
            path.display()
        )));
    }
    let f = shard::read(&path).map_err(|e| Error::Usage(format!("--resume: {e}")))?;
    if f.plan.hash != cfg.sweep.plan.hash || f.plan != cfg.sweep.plan || f.shard != cfg.shard {
        return Err(Error::Usage(format!(
            "--resume: {} was saved for another sweep file, design, shard or settings (seed, replications, days)",
            path.display()
        )));
    }
    Ok(f.values.into_iter().collect())
}

/// `bordersim sweep` with a resolved configuration.
pub fn sweep_command(cfg: &SweepConfig) -> Result<(), Error> {
    let plan = &cfg.sweep.plan;
    let done = resumed(cfg)?;
    let total = cfg.shard.share(plan.pairs());
    let bar = progress::Progress::runs(total, cfg.output.quiet);
    bar.set(done.len() as u64);
    let stop = &interrupt::INTERRUPTED;
    let result = with_threads(cfg.output.threads, || {
        sweep::run(&cfg.sweep, cfg.shard, done, |n| bar.set(n), stop)
    })?;
    bar.finish();
    let (values, complete) = result?;
    if !complete {
        return Err(save_interrupted(cfg, &values, total)?);
    }
    if cfg.write_shard {
        return write_shard(cfg, &values);
    }
    let r = sweep::summarise(plan.clone(), &values)?;
    finish(&r, &cfg.output.out, cfg.output.charts, cfg.output.quiet)?;
    if let Some(dir) = &cfg.output.out {
        let _ = std::fs::remove_file(dir.join(SWEEP_CHECKPOINT));
    }
    Ok(())
}

/// After Ctrl-C: the finished runs saved as the checkpoint (with `--out`), and the error
/// that says where.
fn save_interrupted(cfg: &SweepConfig, values: &Values, total: u64) -> Result<Error, Error> {
    let saved = match &cfg.output.out {
        Some(dir) => {
            let path = dir.join(SWEEP_CHECKPOINT);
            report::atomic::ensure_dir(dir)?;
            shard::save(&path, &cfg.sweep.plan, cfg.shard, values)?;
            format!(
                "; the finished runs are in {}; continue with the same command and --resume",
                path.display()
            )
        }
        None => "; without --out nothing was saved".into(),
    };
    Ok(Error::SweepInterrupted {
        done: values.len() as u64,
        requested: total,
        saved,
    })
}

/// `--shard K/N`: the shard file for `merge`, in place of the results.
fn write_shard(cfg: &SweepConfig, values: &Values) -> Result<(), Error> {
    let plan = &cfg.sweep.plan;
    let dir = cfg
        .output
        .out
        .as_ref()
        .ok_or_else(|| Error::Usage("--shard needs --out".into()))?;
    report::atomic::ensure_dir(dir)?;
    let path = dir.join(SWEEP_SHARD);
    shard::save(&path, plan, cfg.shard, values)?;
    let _ = std::fs::remove_file(dir.join(SWEEP_CHECKPOINT));
    if !cfg.output.quiet {
        let _ = writeln!(
            std::io::stdout().lock(),
            "wrote {} (shard {}/{}: {} of {} runs; sweep {:016x}); combine all shards with `bordersim merge`",
            path.display(),
            cfg.shard.k,
            cfg.shard.n,
            values.len(),
            plan.pairs(),
            plan.hash
        );
    }
    Ok(())
}

/// Prints the tables and writes the set.
fn finish(r: &sweep::SweepResult, dir: &Option<PathBuf>, charts: bool, quiet: bool) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    let j = report::sweep::json(r);
    let _ = write!(out, "{}", report::sweep::table(&j));
    if let Some(dir) = dir {
        let written = report::sweep::write(dir, r, charts)?;
        if !quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    Ok(())
}

/// `bordersim merge`: every shard read and checked (none may be in `--out`), then `--out`
/// prepared, then the results written as one machine would have.
pub fn merge_command(a: &MergeArgs) -> Result<(), Error> {
    super::config::check_out(&Some(a.out.clone()))?;
    let out = std::fs::canonicalize(&a.out).ok();
    let mut files = Vec::with_capacity(a.shards.len());
    for p in &a.shards {
        let path = if p.is_dir() { p.join(SWEEP_SHARD) } else { p.clone() };
        let folder = path.parent().and_then(|f| std::fs::canonicalize(f).ok());
        if out.is_some() && folder == out {
            return Err(Error::Usage(format!(
                "merge: --out {} holds the shard {}: write the merged results to another directory",
                a.out.display(),
                path.display()
            )));
        }
        if !path.exists() {
            return Err(Error::Usage(format!(
                "merge: {} holds no {SWEEP_SHARD}: give the --out directories of `sweep --shard K/N`",
                p.display()
            )));
        }
        let f = shard::read(&path)?;
        files.push((path, f));
    }
    let (plan, values) = shard::merge(files)?;
    // Every shard read and checked before `--out` is touched.
    report::outdir::prepare(&a.out, a.force, false)?;
    let r = sweep::summarise(plan, &values)?;
    finish(&r, &Some(a.out.clone()), !a.no_charts, a.quiet)
}

/// `bordersim check SWEEP.toml`: builds and checks every design point, then prints the
/// sweep and an estimate of its work (points × replications × the measured time of one
/// replication of the first point).
pub fn check_command(path: &std::path::Path) -> Result<(), Error> {
    let def = sweep::load(path)?;
    let sw = sweep::build(&def, Default::default())?;
    let p = &sw.plan;
    let mut out = std::io::stdout().lock();
    let seed = p.design_seed.map_or(String::new(), |s| format!(", design seed {s}"));
    let _ = writeln!(
        out,
        "Sweep {} of {} ({}): {} design{seed}",
        p.sweep_file, p.scenario_file, p.name, p.design
    );
    for (f, info) in def.factors.iter().zip(&p.factors) {
        let values: Vec<f64> = p
            .points
            .iter()
            .map(|v| v[p.factors.iter().position(|g| g == info).unwrap_or(0)])
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let r = |v: f64| (v * 1000.0).round() / 1000.0;
        let _ = writeln!(
            out,
            "  factor {}: sets {}; {} to {} over the points",
            f.name,
            info.keys.join(", "),
            r(lo),
            r(hi)
        );
    }
    let started = std::time::Instant::now();
    let sc = &sw.scenarios[0];
    crate::experiment::run_replication(&sc.spec, sc.policy.clone(), p.seed, 0)?;
    let one = started.elapsed().as_secs_f64();
    let runs = p.pairs();
    let threads = rayon::current_num_threads().max(1);
    let _ = writeln!(
        out,
        "{} design points, every one valid; {} replications each: {runs} runs.",
        p.points.len(),
        p.replications
    );
    let _ = writeln!(
        out,
        "One replication of point 0 took {one:.2} s here: about {:.0} s of work, {:.0} s on {threads} threads.",
        one * runs as f64,
        one * runs as f64 / threads as f64
    );
    let _ = writeln!(out, "OK: the sweep is valid.");
    Ok(())
}
