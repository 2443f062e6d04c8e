//! `[demand.NAME]`: streams of one mode shared between ports, each arrival's port picked
//! on arrival, and the flows they feed pointed at them.

use super::arrivals;
use super::keys::{Invalid, KeyPath, check_name, join, shown};
use super::modes::Modes;
use super::ports::{Fed, Ports};
use crate::model::{ArrivalSpec, DemandSpec, SplitRule};
use crate::scenario::format::{Choice, DemandSection};
use std::collections::BTreeMap;

/// Resolves every demand and points the flows they feed at them.
pub(super) fn build(
    demand: &BTreeMap<String, DemandSection>,
    modes: &Modes,
    ports: &mut Ports,
) -> Result<Vec<DemandSpec>, Invalid> {
    for fed in &ports.fed {
        check_fed(fed, demand, modes, ports)?;
    }
    let mut demands = Vec::new();
    for (dname, d) in demand {
        let spec = one(dname, d, modes, ports)?;
        for &(fi, _) in &spec.split {
            ports.flows[fi].arrivals = ArrivalSpec::Shared(demands.len());
        }
        demands.push(spec);
    }
    for fed in &ports.fed {
        if matches!(ports.flows[fed.flow].arrivals, ArrivalSpec::Shared(usize::MAX)) {
            return Err(fed.path.child("demand").invalid(format!(
                "demand `{}` does not list port `{}` in its split",
                fed.demand, ports.ports[ports.flows[fed.flow].port].name
            )));
        }
    }
    Ok(demands)
}

/// The demand a flow names exists and is of the flow's mode.
fn check_fed(fed: &Fed, demand: &BTreeMap<String, DemandSection>, modes: &Modes, ports: &Ports) -> Result<(), Invalid> {
    let (dname, dp) = (&fed.demand, fed.path.child("demand"));
    let Some(d) = demand.get(dname) else {
        return Err(dp.invalid(format!(
            "`{dname}` is not a defined demand; defined are {}",
            if demand.is_empty() {
                "none (add a [demand.NAME] table)".to_string()
            } else {
                join(demand.keys())
            }
        )));
    };
    let fmode = &modes.specs[ports.flows[fed.flow].mode].name;
    if d.mode != *fmode && modes.index.contains_key(&d.mode) {
        return Err(dp.invalid(format!(
            "demand `{dname}` is of mode `{}`, this flow is mode `{fmode}`",
            d.mode
        )));
    }
    Ok(())
}

/// Demand `dname`, with its split resolved to flows.
fn one(dname: &str, d: &DemandSection, modes: &Modes, ports: &Ports) -> Result<DemandSpec, Invalid> {
    let dp = KeyPath::root("demand").child(dname);
    check_name(&dp, dname)?;
    let Some(&mode) = modes.index.get(&d.mode) else {
        return Err(dp.child("mode").invalid(format!(
            "`{}` is not a defined mode; defined are {}",
            d.mode,
            join(modes.index.keys())
        )));
    };
    let profiles = [&d.hour_of_day, &d.day_of_week, &d.month_of_year];
    let arrivals = match (&d.rate, &d.observed) {
        (Some(rate), None) => ArrivalSpec::Poisson(arrivals::poisson(rate, profiles, &dp, &modes.specs[mode])?),
        // Resolved once the calendar is known (build/observed.rs).
        (None, Some(_)) if profiles.iter().all(|p| p.is_none()) => ArrivalSpec::List(Vec::new()),
        (None, Some(_)) => {
            return Err(dp.invalid(
                "hour_of_day, day_of_week and month_of_year only apply to a Poisson demand (`rate`), not to a gate log",
            ));
        }
        _ => {
            return Err(dp.invalid(
                "give exactly one arrival process: `rate = { per_hour = ... }` (Poisson) or `observed = { file = \"log.csv\", replay = \"exact\" }` (a gate log)",
            ));
        }
    };
    let rule = match &d.choice {
        None | Some(Choice::Shares) => SplitRule::Shares,
        Some(Choice::Balance) => SplitRule::Balance,
        Some(Choice::Unknown(other)) => {
            return Err(dp.child("choice").invalid(format!(
                "unknown choice `{other}`: allowed are `shares` (at random by share) and `balance` (to the port with fewer of this demand's consignments inside, per share)"
            )));
        }
    };
    Ok(DemandSpec {
        name: dname.to_string(),
        mode,
        arrivals,
        split: split(dname, d, &dp, mode, modes, ports)?,
        rule,
    })
}

/// The flows demand `dname` (of `mode`, at `dp`) feeds and their shares, adding up to 1.
fn split(
    dname: &str,
    d: &DemandSection,
    dp: &KeyPath,
    mode: usize,
    modes: &Modes,
    ports: &Ports,
) -> Result<Vec<(usize, f64)>, Invalid> {
    if d.split.is_empty() {
        return Err(dp
            .child("split")
            .invalid("name at least one port and its share, e.g. split = { horgos = 0.9, baktu = 0.1 }"));
    }
    let mname = &modes.specs[mode].name;
    let mut split = Vec::new();
    let mut total = 0.0;
    for (pname, &share) in &d.split {
        let sp = dp.child("split").child(pname);
        let Some(pi) = ports.ports.iter().position(|p| p.name == *pname) else {
            return Err(sp.invalid(format!(
                "`{pname}` is not a defined port; defined are {}",
                join(ports.ports.iter().map(|p| &p.name))
            )));
        };
        if !(share.is_finite() && share > 0.0 && share <= 1.0) {
            return Err(sp.invalid(format!(
                "a share must be more than 0 and at most 1, got {}",
                shown(share)
            )));
        }
        let fi = fed_flow(dname, pname, mname, &sp, pi, mode, ports)?;
        total += share;
        split.push((fi, share));
    }
    if (total - 1.0).abs() > 1e-9 {
        return Err(dp
            .child("split")
            .invalid(format!("shares must add up to 1, they add up to {total}")));
    }
    Ok(split)
}

/// The flow of `mode` at port `pi` (`pname`), which must be fed by demand `dname`.
fn fed_flow(
    dname: &str,
    pname: &str,
    mname: &str,
    sp: &KeyPath,
    pi: usize,
    mode: usize,
    ports: &Ports,
) -> Result<usize, Invalid> {
    let hint = format!("add [ports.{pname}.flows.{mname}] with demand = \"{dname}\" and its route");
    let Some(fi) = ports.flows.iter().position(|f| f.port == pi && f.mode == mode) else {
        return Err(sp.invalid(format!("port `{pname}` has no flow of mode `{mname}`: {hint}")));
    };
    if let Some(other) = ports.fed.iter().find(|f| f.flow == fi && f.demand != dname) {
        return Err(sp.invalid(format!(
            "[ports.{pname}.flows.{mname}] is fed by demand `{}`: a flow takes one demand",
            other.demand
        )));
    }
    if !ports.fed.iter().any(|f| f.flow == fi && f.demand == dname) {
        return Err(sp.invalid(format!(
            "[ports.{pname}.flows.{mname}] has arrivals of its own: give it demand = \"{dname}\" instead"
        )));
    }
    Ok(fi)
}
