//! `[ports.P.stages.NAME]`: what a stage does, its lanes over time, its limits and its
//! clearance times.

use super::keys::{Invalid, KeyPath, join};
use super::modes::Modes;
use super::schedule;
use crate::model::{AfterRepair, Breakdowns, Schedule, StageKind, StageSpec, Timeline};
use crate::random::Dist;
use crate::scenario::dist::build_dist;
use crate::scenario::format::{BreakdownSection, Discipline, DistSpec, RepairRule, StageKindName, StageSection};

/// A checked stage and its clearance times.
#[derive(Debug, Clone)]
pub(super) struct Stage {
    /// The stage.
    pub spec: StageSpec,
    /// Its clearance times.
    pub clearance: StageClearance,
}

/// One stage's clearance times: what the baseline's distribution policy draws from.
#[derive(Debug, Clone)]
pub(super) struct StageClearance {
    /// `clearance`, for every mode without its own (a driver stage takes no time).
    pub default: Option<Dist>,
    /// `clearance_by_mode`, by mode index.
    pub by_mode: Vec<Option<Dist>>,
    /// The distribution as written per mode, for `check`.
    pub text: Vec<Option<String>>,
}

/// Checks stage `name` of port `port` (at `path`); `pool` is the port's driver pool.
pub(super) fn build(
    s: &StageSection,
    path: &KeyPath,
    name: &str,
    port: usize,
    pool: Option<usize>,
    modes: &Modes,
) -> Result<Stage, Invalid> {
    let kind = stage_kind(s, path, pool)?;
    let schedule = weekly(s, path, kind)?;
    check_limits(s, path, kind)?;
    let priority = match &s.discipline {
        None | Some(Discipline::Fifo) => false,
        Some(Discipline::Priority) => true,
        Some(Discipline::Unknown(other)) => {
            return Err(path
                .child("discipline")
                .invalid(format!("unknown discipline `{other}`: allowed are `fifo`, `priority`")));
        }
    };
    let clearance = clearance(s, path, kind, modes)?;
    let spec = StageSpec {
        name: name.to_string(),
        port,
        kind,
        timeline: Timeline {
            daily_cap: s.daily_cap.unwrap_or(u32::MAX),
            room: s.capacity.unwrap_or(u32::MAX),
            ..Timeline::weekly(schedule)
        },
        capacity: s.capacity,
        priority,
        patience: s
            .patience
            .as_ref()
            .map(|d| build_dist(d, &path.child("patience")))
            .transpose()?,
        breakdowns: breakdowns(s, path, kind)?,
        // Resolved once every port is known (diversion.rs).
        divert: None,
    };
    Ok(Stage { spec, clearance })
}

fn stage_kind(s: &StageSection, path: &KeyPath, pool: Option<usize>) -> Result<StageKind, Invalid> {
    Ok(match &s.kind {
        StageKindName::Servers => StageKind::Servers,
        StageKindName::Dwell => StageKind::Dwell,
        StageKindName::Driver => match pool {
            Some(pool) => StageKind::Driver { pool },
            None => {
                return Err(path.child("kind").invalid(
                    "a `driver` stage needs the port's driver pool: add [ports.NAME.drivers] with count, to_transit_lot and return_trip",
                ));
            }
        },
        StageKindName::Unknown(other) => {
            return Err(path.child("kind").invalid(format!(
                "unknown stage kind `{other}`: allowed are `servers`, `dwell`, `driver`"
            )));
        }
    })
}

/// The refusal of `key` on a stage of kind `what`.
/// `breakdowns`, for server stages only (a dwell or driver stage has no lanes to fail).
fn breakdowns(s: &StageSection, path: &KeyPath, kind: StageKind) -> Result<Option<Breakdowns>, Invalid> {
    let Some(b): Option<&BreakdownSection> = s.breakdowns.as_ref() else {
        return Ok(None);
    };
    match kind {
        StageKind::Servers => {}
        StageKind::Dwell => return Err(not_for(path, "breakdowns", "dwell")),
        StageKind::Driver { .. } => return Err(not_for(path, "breakdowns", "driver")),
    }
    let p = path.child("breakdowns");
    let between = build_dist(&b.between, &p.child("between"))?;
    if between.mean() <= 0.0 {
        return Err(p
            .child("between")
            .invalid("the working time between failures must have a mean above 0".to_string()));
    }
    let rule = match &b.rule {
        None | Some(RepairRule::Resume) => AfterRepair::Resume,
        Some(RepairRule::Restart) => AfterRepair::Restart,
        Some(RepairRule::Unknown(other)) => {
            return Err(p
                .child("rule")
                .invalid(format!("unknown rule `{other}`: allowed are `resume`, `restart`")));
        }
    };
    Ok(Some(Breakdowns {
        between,
        repair: build_dist(&b.repair, &p.child("repair"))?,
        rule,
    }))
}

fn not_for(path: &KeyPath, key: &str, what: &str) -> Invalid {
    path.child(key)
        .invalid(format!("`{key}` is not allowed on a {what} stage"))
}

/// The weekly schedule: lanes for a `servers` stage, none (and no lane keys) for the others.
fn weekly(s: &StageSection, path: &KeyPath, kind: StageKind) -> Result<Schedule, Invalid> {
    if kind == StageKind::Servers {
        return schedule::servers(s, path);
    }
    if s.servers.is_some() {
        return Err(not_for(path, "servers", s.kind.as_str()));
    }
    if !s.schedule.is_empty() {
        return Err(not_for(path, "schedule", s.kind.as_str()));
    }
    Ok(Schedule::constant(0))
}

/// `capacity` and `daily_cap`: at least 1 when given, and no daily quota for drivers.
fn check_limits(s: &StageSection, path: &KeyPath, kind: StageKind) -> Result<(), Invalid> {
    if let Some(c) = s.capacity
        && c == 0
    {
        return Err(path
            .child("capacity")
            .invalid("must be at least 1 (leave it out for unlimited room)"));
    }
    match (s.daily_cap, kind) {
        (Some(_), StageKind::Driver { .. }) => Err(not_for(path, "daily_cap", "driver")),
        (Some(0), _) => Err(path
            .child("daily_cap")
            .invalid("must be at least 1 (leave it out for no daily quota)")),
        _ => Ok(()),
    }
}

/// `clearance` and `clearance_by_mode`; a driver stage takes none (and no time).
fn clearance(s: &StageSection, path: &KeyPath, kind: StageKind, modes: &Modes) -> Result<StageClearance, Invalid> {
    let n_modes = modes.specs.len();
    let is_driver = matches!(kind, StageKind::Driver { .. });
    let mut text = vec![None; n_modes];
    let default = match (is_driver, &s.clearance) {
        (true, Some(_)) => return Err(not_for(path, "clearance", "driver")),
        (true, None) => Some(Dist::Constant(0.0)),
        (false, None) => None,
        (false, Some(d)) => {
            let dd = build_dist(d, &path.child("clearance"))?;
            text.iter_mut().for_each(|t| *t = Some(d.to_string()));
            Some(dd)
        }
    };
    if is_driver && !s.clearance_by_mode.is_empty() {
        return Err(not_for(path, "clearance_by_mode", "driver"));
    }
    let mut by_mode = vec![None; n_modes];
    for (m, d) in &s.clearance_by_mode {
        let mp = path.child("clearance_by_mode").child(m);
        let Some(&mi) = modes.index.get(m) else {
            return Err(mp.invalid(format!(
                "`{m}` is not a defined mode; defined are {}",
                join(modes.index.keys())
            )));
        };
        by_mode[mi] = Some(build_dist(d, &mp)?);
        text[mi] = Some(DistSpec::to_string(d));
    }
    Ok(StageClearance { default, by_mode, text })
}
