//! `changes = [...]` on a stage: dated periods of capacity (a holiday closure, a quota cut
//! from a date), turned into periods of the stage's timeline.

use super::keys::{Invalid, KeyPath};
use super::limits;
use super::simulation::Settings;
use crate::date::StartInstant;
use crate::model::{ModelSpec, Period, Setting, StageKind};
use crate::scenario::format::{ChangeSection, PortSection};
use std::collections::BTreeMap;

/// Adds every stage's dated changes to `spec`, whose stages were built in file order.
pub(super) fn build(
    ports: &BTreeMap<String, PortSection>,
    settings: &Settings,
    spec: &mut ModelSpec,
) -> Result<(), Invalid> {
    for (pname, port) in ports {
        for (sname, section) in &port.stages {
            let path = KeyPath::root("ports").child(pname).child("stages").child(sname);
            let Some(s) = spec
                .stages
                .iter()
                .position(|st| st.name == *sname && spec.ports[st.port].name == *pname)
            else {
                continue;
            };
            for (i, c) in section.changes.iter().enumerate() {
                let period = change(
                    c,
                    &path.child("changes").child(&i.to_string()),
                    settings,
                    spec.stages[s].kind,
                )?;
                spec.stages[s].timeline.periods.push(period);
            }
        }
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

fn change(c: &ChangeSection, path: &KeyPath, settings: &Settings, kind: StageKind) -> Result<Period, Invalid> {
    let from = minute(&c.from, &path.child("from"), settings)?;
    let to = match &c.to {
        None => f64::INFINITY,
        Some(t) => {
            let tp = path.child("to");
            // A change may run past the end of the run; it still ends where it says.
            let to = settings
                .start
                .minutes_until(&StartInstant::parse(t).map_err(|e| tp.invalid(e))?);
            if to <= from {
                return Err(tp.invalid(format!("must be after `from` ({})", c.from)));
            }
            to
        }
    };
    if c.servers.is_none() && c.daily_cap.is_none() {
        return Err(path.invalid("a change sets `servers` or `daily_cap` (or both)"));
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
    Ok(Period {
        from,
        to,
        set: Setting {
            servers: c.servers,
            reserved: None,
            daily_cap: c.daily_cap,
        },
    })
}
