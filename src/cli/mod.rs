//! The command line: arguments are turned into a ready-to-use configuration (every file
//! read and validated) before any simulation starts, then the command runs.

pub mod args;
mod config;
mod progress;

pub use args::{Cli, Command};
pub use config::{CompareConfig, RunConfig};

use crate::error::Error;
use crate::experiment::run_replications;
use crate::report;
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
    let result = match cli.command {
        Command::Run(a) => RunConfig::from_args(&a).and_then(|c| run_command(&c)),
        Command::Compare(a) => CompareConfig::from_args(&a).and_then(|c| compare_command(&c)),
        Command::Chart(a) => report::charts::draw_dir(&a.dir).map(|files| {
            for f in files {
                println!("wrote {}", f.display());
            }
        }),
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

/// `bordersim run` with a resolved configuration.
pub fn run_command(cfg: &RunConfig) -> Result<(), Error> {
    let sc = &cfg.scenario;
    let started = std::time::Instant::now();
    let bar = progress::Progress::new(u64::from(sc.replications), cfg.quiet);
    let exp = with_threads(cfg.threads, || {
        run_replications(&sc.spec, &sc.policy, sc.seed, sc.replications, |n| {
            bar.set(u64::from(n))
        })
    })??;
    bar.finish();
    let elapsed = started.elapsed();
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", report::table::summary_table(&sc.spec, &exp));
    if let Some(dir) = &cfg.out {
        let info = report::json::RunInfo {
            file: sc.path.display().to_string(),
            description: sc.variant_description.clone(),
            variant: sc.variant.clone(),
        };
        let mut written = report::write_run(dir, &sc.spec, &exp, &info)?;
        if cfg.charts {
            written.extend(report::charts::draw_dir(dir)?);
        }
        if !cfg.quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    if !cfg.quiet {
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

/// `bordersim compare` with a resolved configuration.
pub fn compare_command(cfg: &CompareConfig) -> Result<(), Error> {
    let refs: Vec<&crate::scenario::Scenario> = cfg.scenarios.iter().collect();
    let total = u64::from(cfg.replications) * refs.len() as u64;
    let bar = progress::Progress::new(total, cfg.quiet);
    let c = with_threads(cfg.threads, || {
        crate::experiment::compare_with_progress(&refs, cfg.replications, cfg.seed, cfg.independent, |n| bar.set(n))
    })??;
    bar.finish();
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", report::compare::table(&c));
    if let Some(dir) = &cfg.out {
        let file = cfg.scenarios[0].path.display().to_string();
        let mut written = report::write_comparison(dir, &c, &file)?;
        if cfg.charts {
            written.extend(report::charts::draw_dir(dir)?);
        }
        if !cfg.quiet {
            let _ = writeln!(out);
            for p in written {
                let _ = writeln!(out, "wrote {}", p.display());
            }
        }
    }
    Ok(())
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
