//! `observed = { file = ..., replay = ... }` on a flow or a shared demand: its gate log's
//! rows placed on the scenario's calendar, for an exact replay or a day-by-day bootstrap.

use super::keys::{Invalid, KeyPath, join};
use super::simulation::Settings;
use crate::model::{ArrivalSpec, ModelSpec, ObservedDay, ObservedSpec, Replay};
use crate::scenario::format::{MatchName, ObservedSection, ReplayName, ScenarioFile};
use crate::scenario::gate_log::{GateLog, GateRow};
use crate::scenario::logs::{Logs, observed_keys};
use std::sync::Arc;

/// Most calendar days a day-by-day log may span: a century.
pub const MAX_DAYS: i64 = 36_525;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Puts every flow's and demand's gate log in place of the stand-in its arrivals got.
pub(super) fn build(
    file: &ScenarioFile,
    settings: &Settings,
    logs: &Logs,
    spec: &mut ModelSpec,
) -> Result<(), Invalid> {
    for (kp, o) in observed_keys(file) {
        let segs = &kp.0;
        let (target, mode) = if segs[0] == "ports" {
            let Some(fi) = spec
                .flows
                .iter()
                .position(|f| spec.ports[f.port].name == segs[1] && spec.modes[f.mode].name == segs[3])
            else {
                continue;
            };
            (&mut spec.flows[fi].arrivals, segs[3].clone())
        } else {
            let Some(di) = spec.demands.iter().position(|d| d.name == segs[1]) else {
                continue;
            };
            let mode = spec.modes[spec.demands[di].mode].name.clone();
            (&mut spec.demands[di].arrivals, mode)
        };
        let Some(log) = logs.get(&o.file) else {
            return Err(kp
                .child("file")
                .invalid("the gate log was not read (a bug: please report it)"));
        };
        *target = ArrivalSpec::Observed(Arc::new(resolve(o, &kp, log, &mode, settings)?));
    }
    Ok(())
}

/// One `observed` key (at `kp`) for mode `mode`.
fn resolve(
    o: &ObservedSection,
    kp: &KeyPath,
    log: &GateLog,
    mode: &str,
    settings: &Settings,
) -> Result<ObservedSpec, Invalid> {
    let replay = replay(o, kp)?;
    let rows: Vec<&GateRow> = log
        .rows
        .iter()
        .filter(|r| r.mode.as_deref().is_none_or(|m| m == mode))
        .collect();
    if rows.is_empty() {
        return Err(kp.child("file").invalid(format!(
            "{} has no rows of mode `{mode}`; the modes it names are {}",
            o.file,
            join(log.modes())
        )));
    }
    let vehicles = if log.has_vehicles {
        let mean = rows.iter().map(|r| f64::from(r.vehicles.unwrap_or(1))).sum::<f64>() / rows.len() as f64;
        format!("vehicles from the file, {mean:.2} per consignment on average")
    } else {
        format!("vehicles drawn as mode `{mode}` says")
    };
    let what = if log.has_mode {
        format!("the {} rows of mode `{mode}` in gate log {}", rows.len(), o.file)
    } else {
        format!("the {} rows of gate log {}", rows.len(), o.file)
    };
    let mut spec = match replay {
        Replay::Exact => exact(&rows, kp, log, settings, &what)?,
        Replay::Days { weekday } => days(&rows, kp, log, settings, weekday, &what)?,
    };
    spec.note = format!("{}; {vehicles}", spec.note);
    if log.has_vehicles {
        spec.vehicles = match replay {
            Replay::Exact => rows
                .iter()
                .filter(|r| in_run(r, settings))
                .map(|r| r.vehicles.unwrap_or(1))
                .collect(),
            Replay::Days { .. } => rows.iter().map(|r| r.vehicles.unwrap_or(1)).collect(),
        };
    }
    Ok(spec)
}

/// `replay` and `match` as written.
fn replay(o: &ObservedSection, kp: &KeyPath) -> Result<Replay, Invalid> {
    let weekday = match &o.matching {
        None | Some(MatchName::Any) => false,
        Some(MatchName::Weekday) => true,
        Some(MatchName::Unknown(w)) => {
            return Err(kp.child("match").invalid(format!(
                "unknown match `{w}`: allowed are `any` (a simulated day may replay any observed day) and `weekday` (only observed days of its weekday)"
            )));
        }
    };
    match &o.replay {
        None | Some(ReplayName::Exact) if o.matching.is_some() => {
            Err(kp.child("match").invalid("only applies with replay = \"days\""))
        }
        None | Some(ReplayName::Exact) => Ok(Replay::Exact),
        Some(ReplayName::Days) => Ok(Replay::Days { weekday }),
        Some(ReplayName::Unknown(w)) => Err(kp.child("replay").invalid(format!(
            "unknown replay `{w}`: allowed are `exact` (every replication replays the log as it is) and `days` (each simulated day replays one observed day drawn at random)"
        ))),
    }
}

fn in_run(r: &GateRow, settings: &Settings) -> bool {
    let t = r.time.minutes_from(&settings.start);
    (0.0..settings.horizon).contains(&t)
}

/// Exact replay: the rows inside [start, horizon), on the simulation clock.
fn exact(
    rows: &[&GateRow],
    kp: &KeyPath,
    log: &GateLog,
    settings: &Settings,
    what: &str,
) -> Result<ObservedSpec, Invalid> {
    let clock: Vec<f64> = rows.iter().map(|r| r.time.minutes_from(&settings.start)).collect();
    let before = clock.iter().filter(|&&t| t < 0.0).count();
    let after = clock.iter().filter(|&&t| t >= settings.horizon).count();
    let times: Vec<f64> = clock
        .into_iter()
        .filter(|t| (0.0..settings.horizon).contains(t))
        .collect();
    if times.is_empty() {
        let end = settings.start.format(settings.horizon);
        return Err(kp.child("file").invalid(format!(
            "none of {what} falls within the run ({} to {end}); the log runs from {} to {}: set simulation.start and horizon_days to cover it",
            settings.start.format(0.0),
            log.rows[0].time,
            log.rows[log.rows.len() - 1].time
        )));
    }
    Ok(ObservedSpec {
        replay: Replay::Exact,
        note: format!(
            "replays {what} exactly: {} arrivals used, {before} before the start and {after} at or after the end skipped",
            times.len()
        ),
        times,
        vehicles: Vec::new(),
        days: Vec::new(),
        by_weekday: Default::default(),
    })
}

/// Day-by-day bootstrap: every calendar day from the log's first row to its last (whatever
/// its mode), each with the minute of day of its rows of this mode; days without a row are
/// days with no arrivals.
fn days(
    rows: &[&GateRow],
    kp: &KeyPath,
    log: &GateLog,
    settings: &Settings,
    weekday: bool,
    what: &str,
) -> Result<ObservedSpec, Invalid> {
    let start = &settings.start;
    let origin = (start.day * 1440 + i64::from(start.minute)) as f64;
    let abs = |r: &GateRow| origin + r.time.minutes_from(start);
    let day_of = |r: &GateRow| (abs(r) / 1440.0).floor() as i64;
    let (first, last) = (day_of(&log.rows[0]), day_of(&log.rows[log.rows.len() - 1]));
    if last - first >= MAX_DAYS {
        return Err(kp.child("file").invalid(format!(
            "the log spans {} days, more than the {MAX_DAYS} a day-by-day replay takes",
            last - first + 1
        )));
    }
    let mut times = Vec::with_capacity(rows.len());
    let mut days = Vec::new();
    let mut by_weekday: [Vec<u32>; 7] = Default::default();
    let mut i = 0;
    for d in first..=last {
        let from = times.len();
        while i < rows.len() && day_of(rows[i]) == d {
            times.push(abs(rows[i]) - (d * 1440) as f64);
            i += 1;
        }
        let wd = (d + 3).rem_euclid(7) as u8;
        by_weekday[usize::from(wd)].push(days.len() as u32);
        days.push(ObservedDay {
            from,
            to: times.len(),
            weekday: wd,
        });
    }
    if weekday && let Some(w) = by_weekday.iter().position(|v| v.is_empty()) {
        return Err(kp.child("match").invalid(format!(
            "the log has no {} among its {} observed day{}: matching weekdays needs at least one observed day of every weekday (a log of a week or more)",
            WEEKDAYS[w],
            days.len(),
            if days.len() == 1 { "" } else { "s" }
        )));
    }
    let counts: Vec<usize> = days.iter().map(|d| d.to - d.from).collect();
    let mean = times.len() as f64 / days.len() as f64;
    let day_text = |d: i64| crate::date::StartInstant { day: d, minute: 0 }.format(0.0)[..10].to_string();
    let note = format!(
        "replays {what} day by day: each simulated day is one of its {} observed days ({} to {}){}, drawn at random with replacement ({mean:.1} consignments a day on average, {} to {})",
        days.len(),
        day_text(first),
        day_text(last),
        if weekday { " of the same weekday" } else { "" },
        counts.iter().min().unwrap_or(&0),
        counts.iter().max().unwrap_or(&0)
    );
    Ok(ObservedSpec {
        replay: Replay::Days { weekday },
        times,
        vehicles: Vec::new(),
        days,
        by_weekday,
        note,
    })
}
