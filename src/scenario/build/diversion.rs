//! `divert = { to, travel }` on a stage: where consignments whose patience runs out go,
//! resolved once every port and flow is known.

use super::changes::stage_named;
use super::keys::{Invalid, KeyPath};
use crate::model::{Divert, ModelSpec};
use crate::scenario::dist::build_dist;
use crate::scenario::format::PortSection;
use std::collections::BTreeMap;

/// Resolves every stage's `divert`.
pub(super) fn build(ports: &BTreeMap<String, PortSection>, spec: &mut ModelSpec) -> Result<(), Invalid> {
    for (pname, port) in ports {
        for (sname, section) in &port.stages {
            let Some(d) = &section.divert else { continue };
            let path = KeyPath::root("ports")
                .child(pname)
                .child("stages")
                .child(sname)
                .child("divert");
            let Some(s) = stage_named(spec, pname, sname) else {
                continue;
            };
            if section.patience.is_none() {
                return Err(
                    path.invalid("a diversion sends on those whose patience runs out: give the stage a `patience` too")
                );
            }
            let names: Vec<&str> = spec.ports.iter().map(|p| p.name.as_str()).collect();
            let tp = path.child("to");
            let Some(target) = names.iter().position(|n| *n == d.to) else {
                return Err(tp.invalid(format!("unknown port `{}`; ports are {}", d.to, names.join(", "))));
            };
            if target == spec.stages[s].port {
                return Err(tp.invalid("a consignment diverts to another port, not back to this one"));
            }
            let flows = flows_at(spec, s, target, &tp, &d.to)?;
            let travel = build_dist(&d.travel, &path.child("travel"))?;
            spec.stages[s].divert = Some(Divert {
                port: target,
                flows,
                travel,
            });
        }
    }
    Ok(())
}

/// The target port's flow of each mode whose consignments can reach stage `s`; every such
/// mode needs one, since a diverted consignment arrives as that flow's.
fn flows_at(
    spec: &ModelSpec,
    s: usize,
    target: usize,
    path: &KeyPath,
    name: &str,
) -> Result<Vec<Option<usize>>, Invalid> {
    let mut out = vec![None; spec.modes.len()];
    for f in spec
        .flows
        .iter()
        .filter(|f| f.route.iter().any(|step| step.stages().any(|x| x == s)))
    {
        let there = spec.flows.iter().position(|g| g.port == target && g.mode == f.mode);
        match there {
            Some(g) => out[f.mode] = Some(g),
            None => {
                return Err(path.invalid(format!(
                    "port `{name}` has no flow of mode `{}`, which reaches this stage: a diverted consignment arrives there as that flow's",
                    spec.modes[f.mode].name
                )));
            }
        }
    }
    Ok(out)
}
