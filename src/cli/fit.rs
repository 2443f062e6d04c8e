//! `bordersim fit`: the gate log read and the flags checked into a [`FitConfig`] before
//! anything is estimated, then one fit per mode over a common observation window.

use super::args::FitArgs;
use crate::date::StartInstant;
use crate::error::Error;
use crate::report::fit::{FitReport, FlowFit};
use crate::scenario::gate_log::{self, GateLog};
use crate::stats::fit::{FitError, Window, fit};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Everything `fit` needs, checked.
#[derive(Debug, Clone)]
pub struct FitConfig {
    /// The gate log, read and checked.
    pub log: GateLog,
    /// The instant its minutes count from: `--start` (or the default) for a log of
    /// minutes, the first row's midnight (or `--from`) for date-times.
    pub start: StartInstant,
    /// Whether a log of minutes was read without `--start` (noted in the output).
    pub default_start: bool,
    /// `--from` and `--to` as instants.
    pub from: Option<StartInstant>,
    /// See `from`.
    pub to: Option<StartInstant>,
    /// The one mode to fit, if chosen.
    pub mode: Option<String>,
    /// Where to write the TOML too.
    pub out: Option<PathBuf>,
}

fn instant(flag: &str, v: &Option<String>) -> Result<Option<StartInstant>, Error> {
    v.as_deref()
        .map(|s| StartInstant::parse(s).map_err(|e| Error::Usage(format!("{flag}: {e}"))))
        .transpose()
}

impl FitConfig {
    /// Checks the flags, reads the gate log and checks `--mode` against it.
    pub fn from_args(a: &FitArgs) -> Result<Self, Error> {
        let from = instant("--from", &a.from)?;
        let to = instant("--to", &a.to)?;
        let start_flag = instant("--start", &a.start)?;
        if let (Some(f), Some(t)) = (from, to)
            && f.minutes_until(&t) <= 0.0
        {
            return Err(Error::Usage(format!(
                "--to: the window must end after it starts (--from {}, --to {})",
                a.from.as_deref().unwrap_or_default(),
                a.to.as_deref().unwrap_or_default()
            )));
        }
        if let Some(out) = &a.out {
            check_out(out, &a.arrivals)?;
        }
        let log = gate_log::read(&a.arrivals)?;
        let shown = log.path.display();
        if log.civil && start_flag.is_some() {
            return Err(Error::Usage(format!(
                "--start: {shown} gives calendar date-times, which need no start; --start is for a log of minutes"
            )));
        }
        if let Some(m) = &a.mode {
            if !log.has_mode {
                return Err(Error::Usage(format!("--mode: {shown} has no `mode` column")));
            }
            let modes = log.modes();
            if !modes.contains(&m.as_str()) {
                return Err(Error::Usage(format!(
                    "--mode: `{m}` is not a mode of {shown}; its modes are {}",
                    modes.join(", ")
                )));
            }
        }
        let start = match (log.civil, start_flag) {
            (false, s) => s.unwrap_or_default(),
            (true, _) => from.unwrap_or_else(|| first_midnight(&log)),
        };
        Ok(Self {
            default_start: !log.civil && start_flag.is_none(),
            start,
            from,
            to,
            mode: a.mode.clone(),
            out: a.out.clone(),
            log,
        })
    }
}

/// The midnight of the first row's date (the log has at least one row).
fn first_midnight(log: &GateLog) -> StartInstant {
    let epoch = StartInstant { day: 0, minute: 0 };
    let first = log.rows[0].time.minutes_from(&epoch);
    StartInstant {
        day: (first / 1440.0).floor() as i64,
        minute: 0,
    }
}

/// `--out` must be a file in an existing directory, and not the gate log itself.
fn check_out(out: &std::path::Path, log: &std::path::Path) -> Result<(), Error> {
    if out.is_dir() {
        return Err(Error::Usage(format!(
            "--out: {} is a directory; name a .toml file",
            out.display()
        )));
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(p) = parent
        && !p.is_dir()
    {
        return Err(Error::Usage(format!(
            "--out: the directory {} does not exist",
            p.display()
        )));
    }
    let same = std::fs::canonicalize(out)
        .ok()
        .is_some_and(|o| std::fs::canonicalize(log).ok() == Some(o));
    if same {
        return Err(Error::Usage(format!(
            "--out: {} is the gate log itself; write the TOML to another file",
            out.display()
        )));
    }
    Ok(())
}

/// The window from the flags, each end defaulting to the arrivals' midnights.
fn window(cfg: &FitConfig, times: &[f64]) -> Result<Window, Error> {
    let around = Window::around(times, &cfg.start).ok_or_else(|| Error::Internal("a gate log without rows".into()))?;
    let w = Window {
        from: cfg.from.map_or(around.from, |f| cfg.start.minutes_until(&f)),
        to: cfg.to.map_or(around.to, |t| cfg.start.minutes_until(&t)),
    };
    if w.to <= w.from {
        return Err(Error::Usage(format!(
            "--from/--to: the window {} to {} is empty; the log runs from {} to {}",
            cfg.start.format(w.from),
            cfg.start.format(w.to),
            cfg.start.format(around.from),
            cfg.start.format(around.to)
        )));
    }
    Ok(w)
}

/// Fits every mode (or the chosen one, or the whole log) and prints the table and the
/// TOML; with `--out`, writes the TOML too.
pub fn fit_command(cfg: &FitConfig) -> Result<(), Error> {
    let times = cfg.log.minutes(&cfg.start);
    let w = window(cfg, &times)?;
    let total = times.iter().filter(|t| (w.from..w.to).contains(*t)).count();
    if total == 0 {
        return Err(no_arrivals(cfg, &times, w, ""));
    }
    let mut notes = Vec::new();
    if cfg.default_start {
        notes.push(format!(
            "{} gives minutes; they are read from {} (give --start for the log's real start)",
            cfg.log.path.display(),
            cfg.start.format(0.0)
        ));
    }
    let flows = fit_flows(cfg, &times, w, total, &mut notes)?;
    let report = FitReport {
        source: cfg.log.path.display().to_string(),
        start: cfg.start,
        window: w,
        flows,
        outside: times.len() - total,
        notes,
    };
    let toml = crate::report::fit::toml(&report);
    // The file first: a closed pipe on standard output must not lose it.
    if let Some(out) = &cfg.out {
        crate::report::atomic::write_atomic(out, toml.as_bytes())?;
    }
    let mut o = std::io::stdout().lock();
    let _ = write!(o, "{}\nTOML to paste:\n\n{toml}", crate::report::fit::table(&report));
    if let Some(out) = &cfg.out {
        let _ = writeln!(o, "\nwrote {}", out.display());
    }
    Ok(())
}

/// The error of a window without arrivals (of mode `what`), with where the log runs.
fn no_arrivals(cfg: &FitConfig, times: &[f64], w: Window, what: &str) -> Error {
    Error::Usage(format!(
        "{}: no arrival{what} falls inside the window {} to {}; the log runs from {} to {}",
        cfg.log.path.display(),
        cfg.start.format(w.from),
        cfg.start.format(w.to),
        cfg.start.format(times[0]),
        cfg.start.format(times[times.len() - 1])
    ))
}

/// One fit per mode (the chosen one, each of the log's, or the whole log without a mode
/// column) over the common window `w`; a mode without arrivals in it is noted and skipped
/// unless it was chosen.
fn fit_flows(
    cfg: &FitConfig,
    times: &[f64],
    w: Window,
    total: usize,
    notes: &mut Vec<String>,
) -> Result<Vec<FlowFit>, Error> {
    let groups: Vec<Option<String>> = match (&cfg.mode, cfg.log.has_mode) {
        (Some(m), _) => vec![Some(m.clone())],
        (None, true) => cfg.log.modes().into_iter().map(|m| Some(m.to_string())).collect(),
        (None, false) => vec![None],
    };
    let mut flows = Vec::new();
    for g in groups {
        let picked: Vec<usize> = (0..times.len())
            .filter(|&i| g.is_none() || cfg.log.rows[i].mode == g)
            .collect();
        let mine: Vec<f64> = picked.iter().map(|&i| times[i]).collect();
        let name = g.clone().unwrap_or_default();
        let f = match fit(&mine, &cfg.start, w) {
            Ok(f) => f,
            Err(FitError::NoArrivals) if cfg.mode.is_none() => {
                notes.push(format!("mode {name} has no arrival in the window: not fitted"));
                continue;
            }
            Err(FitError::NoArrivals) => return Err(no_arrivals(cfg, times, w, &format!(" of mode `{name}`"))),
            Err(e) => return Err(Error::Internal(e.to_string())),
        };
        flows.push(FlowFit {
            share: g.as_ref().map(|_| (f.arrivals + f.dropped.0, total)),
            vehicles: vehicle_counts(cfg, &picked, times, w),
            mode: g,
            fit: f,
        });
    }
    Ok(flows)
}

/// Consignments by vehicles per consignment among rows `picked` inside the window.
fn vehicle_counts(cfg: &FitConfig, picked: &[usize], times: &[f64], w: Window) -> Vec<(u32, usize)> {
    let mut counts = BTreeMap::new();
    for &i in picked.iter().filter(|&&i| (w.from..w.to).contains(&times[i])) {
        if let Some(v) = cfg.log.rows[i].vehicles {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    counts.into_iter().collect()
}
