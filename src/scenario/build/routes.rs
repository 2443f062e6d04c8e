//! A flow's `route`: stage names, optional stages and choices, resolved to stage indices
//! and checked against the stages and the mode.

use super::keys::{Invalid, KeyPath, join, shown};
use crate::model::{MAX_ROUTE, ModeKind, ModeSpec, RouteStep, StageKind, StageSpec};
use crate::scenario::format::{Branch, RouteStepSection};
use std::collections::BTreeMap;

/// The stages a route can name: one port's, by name, and every stage built so far.
#[derive(Debug, Clone, Copy)]
pub(super) struct PortStages<'a> {
    /// The port's stage names and their indices into `all`.
    pub index: &'a BTreeMap<String, usize>,
    /// Every stage built so far.
    pub all: &'a [StageSpec],
}

impl PortStages<'_> {
    /// The index of stage `name`, named at `p`.
    fn find(&self, name: &str, p: &KeyPath) -> Result<usize, Invalid> {
        self.index.get(name).copied().ok_or_else(|| {
            p.invalid(format!(
                "unknown stage `{name}`; this port's stages are {}",
                join(self.index.keys())
            ))
        })
    }

    fn is_driver(&self, s: usize) -> bool {
        matches!(self.all[s].kind, StageKind::Driver { .. })
    }
}

/// The route of a flow of `mode` written at `path` (the flow's path).
pub(super) fn build(
    route: &[RouteStepSection],
    path: &KeyPath,
    mode: &ModeSpec,
    stages: &PortStages<'_>,
) -> Result<Vec<RouteStep>, Invalid> {
    let rp = path.child("route");
    if route.is_empty() {
        return Err(rp.invalid("the route is empty: list the stages in order, e.g. route = [\"gate\", \"inspection\"]"));
    }
    let mut out = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for (i, step) in route.iter().enumerate() {
        let sp = rp.child(&i.to_string());
        let parsed = step_of(step, &sp, stages)?;
        for s in parsed.stages() {
            let name = &stages.all[s].name;
            if seen.contains(&s) {
                return Err(sp.invalid(format!("stage `{name}` appears twice in the route")));
            }
            seen.push(s);
            if stages.is_driver(s) && mode.kind != ModeKind::SelfDriving {
                return Err(sp.invalid(format!(
                    "`{name}` is a driver stage, but mode `{}` is {}: only self_driving vehicles take a driver",
                    mode.name,
                    mode.kind.as_str()
                )));
            }
        }
        out.push(parsed);
    }
    check_whole(&out, &seen, &rp, mode, stages)?;
    Ok(out)
}

fn prob(p: f64, at: &KeyPath) -> Result<f64, Invalid> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(at.invalid(format!("a probability must be between 0 and 1, got {}", shown(p))))
    }
}

/// One step of the route, written at `sp`.
fn step_of(step: &RouteStepSection, sp: &KeyPath, stages: &PortStages<'_>) -> Result<RouteStep, Invalid> {
    let t = match step {
        RouteStepSection::Stage(name) => return Ok(RouteStep::Always(stages.find(name, sp)?)),
        RouteStepSection::Step(t) => t,
    };
    match (&t.stage, t.probability, &t.choose) {
        (Some(name), Some(p), None) => Ok(RouteStep::Maybe(
            stages.find(name, &sp.child("stage"))?,
            prob(p, &sp.child("probability"))?,
        )),
        (Some(name), None, None) => Ok(RouteStep::Always(stages.find(name, &sp.child("stage"))?)),
        (None, None, Some(branches)) if !branches.is_empty() => choose(branches, sp, stages),
        _ => Err(sp.invalid(
            "use { stage = \"NAME\", probability = P } or { choose = [{ stage = \"A\", probability = P }, ...] }",
        )),
    }
}

/// A choice between `branches`, with cumulative probabilities that must end at 1.
fn choose(branches: &[Branch], sp: &KeyPath, stages: &PortStages<'_>) -> Result<RouteStep, Invalid> {
    let mut acc = 0.0;
    let mut out = Vec::new();
    for (j, b) in branches.iter().enumerate() {
        let bp = sp.child("choose").child(&j.to_string());
        acc += prob(b.probability, &bp.child("probability"))?;
        out.push((stages.find(&b.stage, &bp.child("stage"))?, acc));
    }
    if (acc - 1.0).abs() > 1e-9 {
        return Err(sp
            .child("choose")
            .invalid(format!("branch probabilities must add up to 1, they add up to {acc}")));
    }
    Ok(RouteStep::Choose(out))
}

/// Rules on the whole route (at `rp`), whose stages are `seen`: its length, at most one
/// driver stage, and for a self-driving mode a driver stage every vehicle passes.
fn check_whole(
    route: &[RouteStep],
    seen: &[usize],
    rp: &KeyPath,
    mode: &ModeSpec,
    stages: &PortStages<'_>,
) -> Result<(), Invalid> {
    if seen.len() > MAX_ROUTE {
        return Err(rp.invalid(format!(
            "a route may name at most {MAX_ROUTE} stages, this one names {}",
            seen.len()
        )));
    }
    let drivers = seen.iter().filter(|&&s| stages.is_driver(s)).count();
    if drivers > 1 {
        return Err(rp.invalid(format!(
            "a route may take a driver only once, this one names {drivers} driver stages"
        )));
    }
    if mode.kind == ModeKind::SelfDriving {
        let always_driver = route
            .iter()
            .any(|s| matches!(s, RouteStep::Always(i) if stages.is_driver(*i)));
        if !always_driver {
            return Err(rp.invalid(
                "a self_driving route needs a `driver` stage that every vehicle passes (not optional), where it takes a driver",
            ));
        }
    }
    Ok(())
}
