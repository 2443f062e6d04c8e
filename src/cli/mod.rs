//! The command line: arguments are turned into a ready-to-use configuration (every file
//! read and validated) before any simulation starts, then the command runs.

pub mod args;
mod config;
mod fit;
mod interrupt;
mod optimise;
mod progress;
mod sweep;
mod trace;

pub use args::{Cli, Command};
pub use config::{CompareConfig, Output, RunConfig};
pub use fit::{FitConfig, fit_command};
pub use optimise::{OptimiseConfig, optimise_command};
pub use sweep::{SweepConfig, merge_command, sweep_command};
pub use trace::TraceConfig;

use crate::error::Error;
use crate::experiment::{Fold, Folds, Halt, NoTrace, run_models_traced};
use crate::report;
use crate::report::trace::FileTracer;
use std::io::Write;

/// Parses the command line. Help and version go to standard output as clap writes them;
/// a usage error is printed as one line (with a pointer to `--help`) and exits with code 2.
pub fn parse() -> Cli {
    use clap::Parser;
    match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                e.exit();
            }
            // clap's first line, plus the next one when the first only introduces a list
            // ("the following required arguments were not provided:").
            let text = e.render().to_string();
            let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut msg = lines.next().unwrap_or("error: bad arguments").to_string();
            if msg.ends_with(':')
                && let Some(next) = lines.next()
            {
                msg = format!("{msg} {next}");
            }
            eprintln!("{msg} (see 'bordersim --help')");
            std::process::exit(2);
        }
    }
}

/// Runs a parsed command line and returns the process exit code: 0 on success, 2 on bad
/// input or usage, 1 on an internal failure. Errors are printed to standard error.
pub fn run(cli: Cli) -> i32 {
    interrupt::install();
    let result = match cli.command {
        Command::Run(a) => RunConfig::from_args(&a).and_then(|c| run_command(&c)),
        Command::Compare(a) => CompareConfig::from_args(&a).and_then(|c| compare_command(&c)),
        Command::Chart(a) => report::charts::draw_dir(&a.dir)
            .and_then(|mut files| {
                files.extend(report::html::write_report(&a.dir, None)?);
                Ok(files)
            })
            .map(|files| {
                for f in files {
                    println!("wrote {}", f.display());
                }
            }),
        Command::Fit(a) => FitConfig::from_args(&a).and_then(|c| fit_command(&c)),
        Command::Trs(a) => trs_command(&a),
        Command::Sweep(a) => SweepConfig::from_args(&a).and_then(|c| sweep_command(&c)),
        Command::Merge(a) => merge_command(&a),
        Command::Optimise(a) => OptimiseConfig::from_args(&a).and_then(|c| optimise_command(&c)),
        Command::Check(a) if crate::experiment::sweep::file::is_sweep_file(&a.scenario) => {
            sweep::check_command(&a.scenario)
        }
        Command::Check(a) => crate::scenario::load_set(&a.scenario, Default::default()).map(|set| {
            print!("{}", crate::scenario::describe::describe(&set.baseline));
            for v in &set.variants {
                println!(
                    "Variant {}: {}",
                    v.variant,
                    v.variant_description.as_deref().unwrap_or("")
                );
                println!("  clearance policy: {}", v.policy_text);
                for o in &v.overrides {
                    println!("  sets {o}");
                }
            }
            println!(
                "OK: the scenario is valid ({} variant{}).",
                set.variants.len(),
                if set.variants.len() == 1 { "" } else { "s" }
            );
        }),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// `bordersim trs`: the output directory is checked first, then the trace is read (row by
/// row), the table printed and the files written.
pub fn trs_command(a: &args::TrsArgs) -> Result<(), Error> {
    if !(a.after.is_finite() && a.after >= 0.0) {
        return Err(Error::Usage(format!(
            "--after: must be a finite number of minutes, 0 or more, got {}",
            a.after
        )));
    }
    if let Some(dir) = &a.out {
        report::outdir::prepare_trs(dir, a.force)?;
    }
    let trs = report::trs::read_trs(&a.trace, a.after)?;
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", report::trs::table::table(&trs));
    if let Some(dir) = &a.out {
        let written = report::trs::write_files(&trs, dir, !a.no_charts)?;
        let _ = writeln!(out);
        for p in written {
            let _ = writeln!(out, "wrote {}", p.display());
        }
    }
    Ok(())
}

/// `bordersim run` with a resolved configuration.
pub fn run_command(cfg: &RunConfig) -> Result<(), Error> {
    let sc = &cfg.scenario;
    let started = std::time::Instant::now();
    let fp = interrupt::fingerprint("run", std::slice::from_ref(sc), sc.replications, sc.seed, false);
    let folds = match (&cfg.output.out, cfg.output.resume) {
        (Some(dir), true) => interrupt::load(dir, fp, std::slice::from_ref(sc), sc.replications)?,
        _ => Folds::new(vec![Fold::for_model(&sc.spec, sc.policy.clone())])?,
    };
    let bar = progress::Progress::new(sc.replications, 1, cfg.output.quiet);
    bar.set(u64::from(folds.done()));
    let models = [(&sc.spec, &sc.policy, sc.seed)];
    let tracer = cfg
        .trace
        .as_ref()
        .map(|t| FileTracer::new(vec![(t.files[0].clone(), &sc.spec)], t.options.clone()));
    let result = with_threads(cfg.output.threads, || {
        let (reps, progress, stop) = (sc.replications, |n| bar.set(n), &interrupt::INTERRUPTED);
        match &tracer {
            Some(t) => run_models_traced(&models, reps, folds, progress, stop, t),
            None => run_models_traced(&models, reps, folds, progress, stop, &NoTrace),
        }
    })?;
    bar.finish();
    let (folds, halted) = match result {
        Ok(f) => (f, false),
        Err(Halt::Failed(e)) => return Err(e),
        Err(Halt::Interrupted(f)) => (f, true),
    };
    // An interrupted run drops its unfinished logs with the tracer.
    let logs = match tracer.filter(|_| !halted) {
        Some(t) => t.finish()?,
        None => Vec::new(),
    };
    let elapsed = started.elapsed();
    let exp = folds.as_slice()[0].finish(&sc.spec, sc.seed);
    let mut out = std::io::stdout().lock();
    if let Some(exp) = &exp {
        let _ = write!(out, "{}", report::table::summary_table(&sc.spec, exp));
    }
    if let Some(dir) = &cfg.output.out {
        // The checkpoint first, the describing JSON last: quitting anywhere in between
        // leaves a set marked partial (or none) and a checkpoint to resume from.
        if halted {
            interrupt::save(dir, fp, &folds)?;
        }
        let mut written = Vec::new();
        if let Some(exp) = &exp {
            let info = report::json::RunInfo {
                file: sc.path.display().to_string(),
                description: sc.variant_description.clone(),
                variant: sc.variant.clone(),
                requested: sc.replications,
                provenance: provenance(&sc.path),
            };
            let opts = report::SetOptions {
                charts: cfg.output.charts && !halted,
                checkpoint: halted,
            };
            written = report::write_run(dir, &sc.spec, exp, &info, opts)?;
        }
        if !halted {
            interrupt::clear(dir);
        }
        if !cfg.output.quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    print_logs(&mut out, &logs, cfg.output.quiet);
    if halted {
        return Err(interrupted(folds.done(), sc.replications, 1, &cfg.output.out));
    }
    if !cfg.output.quiet
        && let Some(exp) = &exp
    {
        let _ = writeln!(
            out,
            "{} events in {:.3} s ({:.1} M events/s)",
            exp.events,
            elapsed.as_secs_f64(),
            exp.events as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6
        );
    }
    Ok(())
}

/// Names the event logs written.
fn print_logs(out: &mut impl Write, logs: &[(std::path::PathBuf, u64)], quiet: bool) {
    if quiet {
        return;
    }
    for (p, rows) in logs {
        let _ = writeln!(out, "wrote {} (event log, {rows} rows)", p.display());
    }
}

fn interrupted(done: u32, requested: u32, variants: u32, out: &Option<std::path::PathBuf>) -> Error {
    let saved = match out {
        Some(dir) if done > 0 => format!(
            "; the partial results in {} are marked partial; continue with the same command and --resume",
            dir.display()
        ),
        Some(_) => "; nothing finished yet; run the same command with --resume to start from the checkpoint".into(),
        None => "; without --out nothing was saved".into(),
    };
    Error::Interrupted {
        done,
        requested,
        variants,
        saved,
    }
}

/// `bordersim compare` with a resolved configuration.
pub fn compare_command(cfg: &CompareConfig) -> Result<(), Error> {
    let refs: Vec<&crate::scenario::Scenario> = cfg.scenarios.iter().collect();
    let fp = interrupt::fingerprint("compare", &cfg.scenarios, cfg.replications, cfg.seed, cfg.independent);
    let folds = match (&cfg.output.out, cfg.output.resume) {
        (Some(dir), true) => interrupt::load(dir, fp, &cfg.scenarios, cfg.replications)?,
        _ => Folds::new(
            refs.iter()
                .map(|sc| Fold::for_model(&sc.spec, sc.policy.clone()))
                .collect(),
        )?,
    };
    let bar = progress::Progress::new(cfg.replications, refs.len() as u32, cfg.output.quiet);
    let models = crate::experiment::compare_models(&refs, cfg.seed, cfg.independent);
    let tracer = cfg.trace.as_ref().map(|t| {
        let logs = t.files.iter().cloned().zip(refs.iter().map(|sc| &sc.spec)).collect();
        FileTracer::new(logs, t.options.clone())
    });
    let result = with_threads(cfg.output.threads, || {
        let (reps, progress, stop) = (cfg.replications, |n| bar.set(n), &interrupt::INTERRUPTED);
        match &tracer {
            Some(t) => run_models_traced(&models, reps, folds, progress, stop, t),
            None => run_models_traced(&models, reps, folds, progress, stop, &NoTrace),
        }
    })?;
    bar.finish();
    let (c, halted) = match result {
        Ok(folds) => (
            Some(crate::experiment::comparison_from_folds(
                &refs,
                &folds,
                cfg.seed,
                cfg.independent,
            )?),
            None,
        ),
        Err(Halt::Failed(e)) => return Err(e),
        Err(Halt::Interrupted(folds)) => {
            let partial = crate::experiment::comparison_from_folds(&refs, &folds, cfg.seed, cfg.independent).ok();
            (partial, Some(folds))
        }
    };
    let logs = match tracer.filter(|_| halted.is_none()) {
        Some(t) => t.finish()?,
        None => Vec::new(),
    };
    let mut out = std::io::stdout().lock();
    if let Some(c) = &c {
        let _ = write!(out, "{}", report::compare::table(c));
    }
    if let Some(dir) = &cfg.output.out {
        // As in `run`: checkpoint first, comparison.json last.
        if let Some(folds) = &halted {
            interrupt::save(dir, fp, folds)?;
        }
        let mut written = Vec::new();
        if let Some(c) = &c {
            let file = cfg.scenarios[0].path.display().to_string();
            let opts = report::SetOptions {
                charts: cfg.output.charts && halted.is_none(),
                checkpoint: halted.is_some(),
            };
            let prov = provenance(&cfg.scenarios[0].path);
            written = report::write_comparison(dir, c, &file, cfg.replications, &prov, opts)?;
        }
        if halted.is_none() {
            interrupt::clear(dir);
        }
        if !cfg.output.quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    print_logs(&mut out, &logs, cfg.output.quiet);
    if let Some(folds) = halted {
        return Err(interrupted(
            folds.done(),
            cfg.replications,
            refs.len() as u32,
            &cfg.output.out,
        ));
    }
    Ok(())
}

/// The command line as typed, with the value of `--out`/`-o` written `OUT` and the flags
/// that do not change the results left out (`--threads`, `--resume`, `--force`, `--quiet`,
/// `--no-charts`), so that the same results give byte-identical files, and the scenario
/// file's SHA-256.
fn provenance(scenario: &std::path::Path) -> report::json::Provenance {
    report::json::Provenance {
        command: command_line(std::env::args().skip(1)),
        file_sha256: std::fs::read(scenario)
            .map(|b| report::sha256::hex(&b))
            .unwrap_or_default(),
    }
}

/// `bordersim ARGS` as [`provenance`] records it, each argument quoted for a POSIX shell
/// where it needs it.
pub fn command_line(args: impl Iterator<Item = String>) -> String {
    let mut out = vec!["bordersim".to_string()];
    let mut skip_value = false;
    let mut next_is_out = false;
    for a in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        // Flags that change neither the results nor the files described: how many
        // threads, resuming, replacing, printing, charts, and the event log.
        const NO_EFFECT: [&str; 5] = ["--resume", "--force", "--quiet", "-q", "--no-charts"];
        const NO_EFFECT_VALUE: [&str; 5] = [
            "--threads",
            "--trace",
            "--trace-replications",
            "--trace-from",
            "--trace-to",
        ];
        if NO_EFFECT.contains(&a.as_str())
            || NO_EFFECT_VALUE
                .iter()
                .any(|f| a.strip_prefix(f).is_some_and(|rest| rest.starts_with('=')))
        {
            continue;
        }
        if NO_EFFECT_VALUE.contains(&a.as_str()) {
            skip_value = true;
            continue;
        }
        let a = if next_is_out {
            next_is_out = false;
            "OUT".to_string()
        } else if a == "--out" || a == "-o" {
            next_is_out = true;
            a
        } else if a.starts_with("--out=") {
            "--out=OUT".to_string()
        } else if a.starts_with("-o") && a.len() > 2 {
            "-oOUT".to_string()
        } else {
            a
        };
        let plain = !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
        out.push(if plain {
            a
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        });
    }
    out.join(" ")
}

/// Runs `work` on a pool of `threads` workers, or on rayon's default pool (one per core).
fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    match threads {
        None => Ok(work()),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| pool.install(work))
            .map_err(|e| Error::Usage(format!("--threads {n}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_recorded_command_hides_the_output_directory_and_flags_without_effect() {
        let args = [
            "run",
            "my file.toml",
            "--out",
            "/tmp/x",
            "-q",
            "--threads",
            "2",
            "--seed",
            "7",
            "--resume",
            "--trace",
            "log.csv",
            "--trace-replications=0-2",
            "--trace-from",
            "3",
        ];
        assert_eq!(
            super::command_line(args.iter().map(|s| s.to_string())),
            "bordersim run 'my file.toml' --out OUT --seed 7"
        );
    }
}
