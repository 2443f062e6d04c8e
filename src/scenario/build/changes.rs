//! `changes = [...]` on a stage and `closures = [...]` on a port: dated periods of capacity
//! (a holiday closure, a quota cut from a date, a smaller yard, slower clearance), turned
//! into periods of the stages' timelines, dated policies and marks whose backlog is
//! followed.

use super::keys::{Invalid, KeyPath};
use super::limits;
use super::simulation::Settings;
use crate::date::StartInstant;
use crate::model::backlog::Mark;
use crate::model::{ModelSpec, Period, Setting, StageKind};
use crate::scenario::format::{ChangeSection, ClosureSection, PolicySpec, PortSection};
use std::collections::BTreeMap;

/// A change that sets a stage's clearance through a policy for its period; the policy is
/// built with the scenario's own (scenario/policy.rs).
#[derive(Debug, Clone)]
pub struct PolicyChange {
    /// Stage index.
    pub stage: usize,
    /// First minute.
    pub from: f64,
    /// First minute after it.
    pub to: f64,
    /// The policy as written, and where.
    pub policy: PolicySpec,
    /// Key of the policy.
    pub path: KeyPath,
}

/// Adds every stage's dated changes and every port's closures to `spec`, whose stages were
/// built in file order; returns the changes that set a policy.
pub(super) fn build(
    ports: &BTreeMap<String, PortSection>,
    settings: &Settings,
    spec: &mut ModelSpec,
) -> Result<Vec<PolicyChange>, Invalid> {
    let mut policies = Vec::new();
    for (pname, port) in ports {
        for (sname, section) in &port.stages {
            let path = KeyPath::root("ports").child(pname).child("stages").child(sname);
            let Some(s) = stage_named(spec, pname, sname) else {
                continue;
            };
            for (i, c) in section.changes.iter().enumerate() {
                let cp = path.child("changes").child(&i.to_string());
                let period = change(c, &cp, settings, spec.stages[s].kind)?;
                if let Some(p) = &c.policy {
                    policies.push(PolicyChange {
                        stage: s,
                        from: period.from,
                        to: period.to,
                        policy: p.clone(),
                        path: cp.child("policy"),
                    });
                }
                spec.stages[s].timeline.periods.push(period);
            }
            marks_of_stage(spec, s, &section.changes, &format!("{pname}.{sname}"));
        }
        closures(spec, pname, &port.closures, settings)?;
    }
    Ok(policies)
}

/// The index of stage `sname` of port `pname` in `spec`, built in file order.
pub(super) fn stage_named(spec: &ModelSpec, pname: &str, sname: &str) -> Option<usize> {
    spec.stages
        .iter()
        .position(|st| st.name == sname && spec.ports[st.port].name == pname)
}

/// One mark per dated change of stage `s`. A change ends where it says, or where a later
/// change of the same stage that sets one of the same things starts.
fn marks_of_stage(spec: &mut ModelSpec, s: usize, written: &[ChangeSection], name: &str) {
    let periods = &spec.stages[s].timeline.periods;
    let sets = |p: &Period, c: &ChangeSection| {
        [
            p.set.servers.is_some(),
            p.set.daily_cap.is_some(),
            p.set.capacity.is_some(),
            c.policy.is_some(),
        ]
    };
    let n = written.len();
    let first = periods.len() - n;
    let mut marks = Vec::new();
    for (i, c) in written.iter().enumerate() {
        let p = &periods[first + i];
        let mine = sets(p, c);
        let replaced = (0..n)
            .filter(|&j| j != i)
            .filter(|&j| periods[first + j].from > p.from && periods[first + j].from < p.to)
            .filter(|&j| {
                let theirs = sets(&periods[first + j], &written[j]);
                mine.iter().zip(theirs).any(|(a, b)| *a && b)
            })
            .map(|j| periods[first + j].from)
            .fold(p.to, f64::min);
        marks.push(Mark {
            label: format!("{name}: {}", describe(c)),
            port: spec.stages[s].port,
            from: p.from,
            end: replaced,
        });
    }
    spec.marks.extend(marks);
}

/// A change in words: "daily_cap 650 from 2025-11-13".
fn describe(c: &ChangeSection) -> String {
    let mut what = Vec::new();
    if let Some(n) = c.servers {
        what.push(format!("servers {n}"));
    }
    if let Some(n) = c.daily_cap {
        what.push(format!("daily_cap {n}"));
    }
    if let Some(n) = c.capacity {
        what.push(format!("capacity {n}"));
    }
    if c.policy.is_some() {
        what.push("policy".to_string());
    }
    let to = c.to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default();
    format!("{} from {}{to}", what.join(", "), c.from)
}

/// A port's closures: every stage of the port starts nothing in each period.
fn closures(spec: &mut ModelSpec, pname: &str, list: &[ClosureSection], settings: &Settings) -> Result<(), Invalid> {
    let Some(port) = spec.ports.iter().position(|p| p.name == pname) else {
        return Ok(());
    };
    for (i, c) in list.iter().enumerate() {
        let path = KeyPath::root("ports")
            .child(pname)
            .child("closures")
            .child(&i.to_string());
        let (from, to) = period(&c.from, c.to.as_deref(), &path, settings)?;
        for st in spec.stages.iter_mut().filter(|st| st.port == port) {
            st.timeline.periods.push(Period {
                from,
                to,
                set: Setting {
                    closed: true,
                    ..Setting::default()
                },
            });
        }
        let until = c.to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default();
        spec.marks.push(Mark {
            label: format!("{pname}: closed from {}{until}", c.from),
            port,
            from,
            end: to,
        });
    }
    Ok(())
}

/// Minutes from the start of the run to the instant written at `path`, which must fall in
/// the simulated period.
pub(super) fn minute(text: &str, path: &KeyPath, settings: &Settings) -> Result<f64, Invalid> {
    let start = settings.start;
    let t = start.minutes_until(&StartInstant::parse(text).map_err(|e| path.invalid(e))?);
    if !(0.0..settings.horizon).contains(&t) {
        return Err(path.invalid(format!(
            "{text} is outside the simulated period ({} to {})",
            start.format(0.0),
            start.format(settings.horizon)
        )));
    }
    Ok(t)
}

/// `[from, to)` in minutes: `from` inside the run, `to` (optional: for ever) after it.
fn period(from: &str, to: Option<&str>, path: &KeyPath, settings: &Settings) -> Result<(f64, f64), Invalid> {
    let f = minute(from, &path.child("from"), settings)?;
    let t = match to {
        None => f64::INFINITY,
        Some(t) => {
            let tp = path.child("to");
            // A period may run past the end of the run; it still ends where it says.
            let to = settings
                .start
                .minutes_until(&StartInstant::parse(t).map_err(|e| tp.invalid(e))?);
            if to <= f {
                return Err(tp.invalid(format!("must be after `from` ({from})")));
            }
            to
        }
    };
    Ok((f, t))
}

fn change(c: &ChangeSection, path: &KeyPath, settings: &Settings, kind: StageKind) -> Result<Period, Invalid> {
    let (from, to) = period(&c.from, c.to.as_deref(), path, settings)?;
    if c.servers.is_none() && c.daily_cap.is_none() && c.capacity.is_none() && c.policy.is_none() {
        return Err(path.invalid("a change sets `servers`, `daily_cap`, `capacity` or `policy` (or several)"));
    }
    if let Some(n) = c.servers {
        if kind != StageKind::Servers {
            return Err(path
                .child("servers")
                .invalid("only a `servers` stage has lanes to change"));
        }
        if n > limits::SERVERS {
            return Err(path
                .child("servers")
                .invalid(format!("must be at most {}, got {n}", limits::SERVERS)));
        }
    }
    if let Some(q) = c.daily_cap {
        if matches!(kind, StageKind::Driver { .. }) {
            return Err(path.child("daily_cap").invalid("a `driver` stage has no daily quota"));
        }
        if q == 0 {
            return Err(path
                .child("daily_cap")
                .invalid("must be at least 1 (close the lanes with `servers = 0` instead)"));
        }
    }
    if c.capacity == Some(0) {
        return Err(path
            .child("capacity")
            .invalid("must be at least 1 (close the port with `closures` instead)"));
    }
    if c.policy.is_some() && matches!(kind, StageKind::Driver { .. }) {
        return Err(path
            .child("policy")
            .invalid("a `driver` stage takes no clearance time for a policy to change"));
    }
    Ok(Period {
        from,
        to,
        set: Setting {
            servers: c.servers,
            reserved: None,
            daily_cap: c.daily_cap,
            capacity: c.capacity,
            closed: false,
        },
    })
}
