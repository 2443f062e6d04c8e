//! `--trace` and its scope flags, checked into where the event logs go and what they hold
//! before any simulation starts.

use super::args::{TraceFormatArg, TraceScopeArgs};
use crate::error::Error;
use crate::report::trace::{TraceFormat, TraceOptions};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The event logs of a run or comparison: one file per model, and what they hold.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceConfig {
    /// The log of each model, in model order.
    pub files: Vec<PathBuf>,
    /// Replications and time window.
    pub options: TraceOptions,
}

/// `0,3,5-7` or `all` into ascending distinct replications, each below `count`.
fn replications(list: Option<&str>, count: u32) -> Result<Vec<u64>, Error> {
    let bad = |m: String| Error::Usage(format!("--trace-replications: {m}"));
    let count = u64::from(count);
    let Some(list) = list else { return Ok(vec![0]) };
    if list.trim() == "all" {
        return Ok((0..count).collect());
    }
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim) {
        let num = |s: &str| {
            s.parse::<u64>().map_err(|_| {
                bad(format!(
                    "'{part}' is not a replication number or a range such as 2-5 (0-based)"
                ))
            })
        };
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => (num(part)?, num(part)?),
        };
        if a > b {
            return Err(bad(format!("the range {part} runs backwards")));
        }
        if b >= count {
            return Err(bad(format!(
                "replication {b} does not exist: the run has {count} (0-{}, 0-based)",
                count - 1
            )));
        }
        out.extend(a..=b);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// A time of the window: a date (and time) in the scenario's calendar, or days from the start.
fn when(flag: &str, text: &str, sc: &Scenario) -> Result<f64, Error> {
    if let Ok(days) = text.trim().parse::<f64>()
        && days.is_finite()
        && days >= 0.0
    {
        return Ok(days * 1440.0);
    }
    let at = crate::date::StartInstant::parse(text.trim()).map_err(|_| {
        Error::Usage(format!(
            "{flag}: '{text}' is neither a date YYYY-MM-DD[THH:MM] nor a number of days (0 or more)"
        ))
    })?;
    let t = sc.spec.start.minutes_until(&at);
    if t < 0.0 {
        return Err(Error::Usage(format!(
            "{flag}: {text} is before the scenario's start ({})",
            sc.spec.start.format(0.0)
        )));
    }
    Ok(t)
}

/// Checks a log file: not a directory, its directory a directory (created if missing, as
/// `--out` is, so that `--out out --trace out/trace.csv` works on a fresh directory), and
/// an existing file is replaced only with `--force`.
fn check_file(path: &Path, force: bool) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::Usage(format!("--trace: {} is a directory", path.display())));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--trace: the directory of {} is not a directory",
            path.display()
        )));
    }
    crate::report::atomic::ensure_dir(dir)?;
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "--trace: {} exists: choose another file, or add --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// The format `--trace-format` names, or else the one `file`'s extension suggests.
fn format(a: &TraceScopeArgs, file: Option<&Path>) -> TraceFormat {
    match a.trace_format {
        Some(TraceFormatArg::Csv) => TraceFormat::Csv,
        Some(TraceFormatArg::Parquet) => TraceFormat::Parquet,
        None if file
            .and_then(Path::extension)
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet")) =>
        {
            TraceFormat::Parquet
        }
        None => TraceFormat::Csv,
    }
}

/// The scope flags, checked against the scenario (the baseline: variants share its
/// replications and calendar), for a log at `file` (none for a directory of logs).
pub fn options(a: &TraceScopeArgs, sc: &Scenario, file: Option<&Path>) -> Result<TraceOptions, Error> {
    let reps = replications(a.trace_replications.as_deref(), sc.replications)?;
    let from = a
        .trace_from
        .as_deref()
        .map(|t| when("--trace-from", t, sc))
        .transpose()?;
    let to = a.trace_to.as_deref().map(|t| when("--trace-to", t, sc)).transpose()?;
    let (from, to) = (from.unwrap_or(0.0), to.unwrap_or(f64::INFINITY));
    if from >= to {
        return Err(Error::Usage("--trace-from must come before --trace-to".into()));
    }
    Ok(TraceOptions {
        replications: reps,
        from,
        to,
        format: format(a, file),
    })
}

/// `run --trace FILE`.
pub fn for_run(
    file: &Option<PathBuf>,
    a: &TraceScopeArgs,
    sc: &Scenario,
    force: bool,
    resume: bool,
) -> Result<Option<TraceConfig>, Error> {
    let Some(file) = file else { return Ok(None) };
    refuse_resume(resume)?;
    let options = options(a, sc, Some(file))?;
    check_file(file, force)?;
    Ok(Some(TraceConfig {
        files: vec![file.clone()],
        options,
    }))
}

/// `compare --trace DIR`: DIR/baseline.csv and DIR/VARIANT.csv, or `.parquet` (DIR is
/// created).
pub fn for_compare(
    dir: &Option<PathBuf>,
    a: &TraceScopeArgs,
    scenarios: &[Scenario],
    force: bool,
    resume: bool,
) -> Result<Option<TraceConfig>, Error> {
    let Some(dir) = dir else { return Ok(None) };
    refuse_resume(resume)?;
    let options = options(a, &scenarios[0], None)?;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--trace: {} exists and is not a directory",
            dir.display()
        )));
    }
    crate::report::atomic::ensure_dir(dir)?;
    let mut files = Vec::new();
    for sc in scenarios {
        let name = &sc.variant;
        if name.is_empty() || name.starts_with('.') || !name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c)) {
            return Err(Error::Usage(format!(
                "--trace: the variant name '{name}' cannot be a file name (use letters, digits, _ - .)"
            )));
        }
        files.push(dir.join(format!("{name}.{}", options.format.extension())));
    }
    for f in &files {
        check_file(f, force)?;
    }
    Ok(Some(TraceConfig { files, options }))
}

fn refuse_resume(resume: bool) -> Result<(), Error> {
    if resume {
        return Err(Error::Usage(
            "--trace cannot be used with --resume: the replications to log may have run before the interruption; run again without --resume (add --force)".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_lists_and_ranges() {
        assert_eq!(replications(None, 5).unwrap(), vec![0]);
        assert_eq!(replications(Some("3, 0-1,1"), 5).unwrap(), vec![0, 1, 3]);
        assert_eq!(replications(Some("all"), 3).unwrap(), vec![0, 1, 2]);
        for bad in ["5", "2-1", "x", "-1", "1-"] {
            let e = replications(Some(bad), 5).unwrap_err().to_string();
            assert!(e.starts_with("--trace-replications: "), "{bad}: {e}");
        }
        assert!(replications(Some("5"), 5).unwrap_err().to_string().contains("0-4"));
    }
}
