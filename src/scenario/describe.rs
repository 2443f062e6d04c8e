//! `bordersim check`: the resolved model in plain words, so a planner can see what the
//! file actually says before running it.

use super::Scenario;
use crate::model::{ArrivalSpec, ModeKind, RouteStep, SplitRule, StageKind};
use std::fmt::Write;

fn minutes(m: f64) -> String {
    if m >= 1440.0 {
        format!("{:.1} days", m / 1440.0)
    } else if m >= 120.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{m:.1} min")
    }
}

/// A multi-line description of the scenario.
pub fn describe(sc: &Scenario) -> String {
    let s = &sc.spec;
    let mut o = String::new();
    let _ = writeln!(o, "Scenario: {} ({})", s.name, sc.path.display());
    if let Some(d) = &sc.description {
        let _ = writeln!(o, "  {d}");
    }
    let _ = writeln!(
        o,
        "Runs {} replication(s) of {} days from {}, discarding the first {} days; seed {}; one time-series row every {}.",
        sc.replications,
        s.horizon / 1440.0,
        s.start.format(0.0),
        s.warmup / 1440.0,
        sc.seed,
        minutes(s.report_interval)
    );
    if sc.variant != super::BASELINE {
        let _ = writeln!(
            o,
            "Variant {}: {}",
            sc.variant,
            sc.variant_description.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(o, "Clearance policy: {}.", sc.policy_text);
    let _ = writeln!(o, "Modes:");
    for m in &s.modes {
        let what = match m.kind {
            ModeKind::CageTruck => format!(
                "car carrier, {:.2} vehicles per consignment on average",
                m.vehicles.mean()
            ),
            ModeKind::SelfDriving => "one vehicle driven by a hired driver".into(),
            ModeKind::Generic => format!("{:.2} vehicle(s) per consignment", m.vehicles.mean()),
        };
        let _ = writeln!(o, "  {} ({}): {what}", m.name, m.kind.as_str());
    }
    for (pi, p) in s.ports.iter().enumerate() {
        let _ = writeln!(o, "Port {}:", p.name);
        for (si, st) in s.stages.iter().enumerate().filter(|(_, st)| st.port == pi) {
            let kind = match st.kind {
                StageKind::Servers if st.timeline.weekly.is_constant() => {
                    format!("{} server(s) around the clock", st.timeline.weekly.max())
                }
                StageKind::Servers => format!(
                    "servers on a weekly schedule: {} at most, {:.2} on average",
                    st.timeline.weekly.max(),
                    st.timeline.weekly.mean()
                ),
                StageKind::Dwell => "dwell, no server limit".into(),
                StageKind::Driver { pool } => format!("waits for one of {} drivers", s.pools[pool].size),
            };
            let cap = match st.capacity {
                Some(c) => format!("; room for {c}"),
                None => String::new(),
            };
            let disc = if st.priority { "; priority classes" } else { "" };
            let quota = match st.timeline.daily_cap {
                u32::MAX => String::new(),
                c => format!("; at most {c} clearances start per calendar day"),
            };
            let _ = writeln!(o, "  stage {}: {kind}{cap}{quota}{disc}", st.name);
            if st.timeline.reserved > 0 {
                let _ = writeln!(o, "    {} lane(s) reserved for the green channel", st.timeline.reserved);
            }
            for p in &st.timeline.periods {
                let _ = writeln!(o, "    {}", period_text(&s.start, p));
            }
            if !matches!(st.kind, StageKind::Driver { .. }) {
                for (mi, m) in s.modes.iter().enumerate() {
                    let passes = s.flows.iter().any(|f| {
                        f.port == pi && f.mode == mi && f.route.iter().any(|step| step.stages().any(|x| x == si))
                    });
                    if !passes {
                        continue;
                    }
                    if let Some(t) = &sc.clearance_text[si][mi] {
                        let mean = sc.distributions.dist(si, mi).mean();
                        let _ = writeln!(o, "    clearance for {}: {t} min (mean {})", m.name, minutes(mean));
                    }
                }
            }
        }
        for (fi, f) in s.flows.iter().enumerate().filter(|(_, f)| f.port == pi) {
            let m = &s.modes[f.mode];
            let arr = match &f.arrivals {
                ArrivalSpec::Shared(d) => {
                    let dm = &s.demands[*d];
                    let share = dm.split.iter().find(|x| x.0 == fi).map_or(0.0, |x| x.1);
                    let (what, rule) = match dm.rule {
                        SplitRule::Shares => ("", "at random by share"),
                        SplitRule::Balance => (
                            "weight ",
                            "to the port with the fewest consignments inside per share, ties by share",
                        ),
                    };
                    format!(
                        "{what}{:.1} % of shared demand `{}` ({}; {rule})",
                        share * 100.0,
                        dm.name,
                        arrivals_text(&dm.arrivals, m.vehicles.mean())
                    )
                }
                a => arrivals_text(a, m.vehicles.mean()),
            };
            let route: Vec<String> = f
                .route
                .iter()
                .map(|step| match step {
                    RouteStep::Always(i) => s.stages[*i].name.clone(),
                    RouteStep::Maybe(i, p) => format!("{} ({:.0}%)", s.stages[*i].name, p * 100.0),
                    RouteStep::Choose(v) => {
                        let mut prev = 0.0;
                        let parts: Vec<String> = v
                            .iter()
                            .map(|(i, c)| {
                                let p = c - prev;
                                prev = *c;
                                format!("{} {:.0}%", s.stages[*i].name, p * 100.0)
                            })
                            .collect();
                        format!("one of [{}]", parts.join(" | "))
                    }
                })
                .collect();
            let _ = writeln!(o, "  flow {}: {arr}; priority class {}", m.name, f.class);
            let _ = writeln!(o, "    route: {}", route.join(" -> "));
        }
        if let Some(pool) = p.pool {
            let d = &s.pools[pool];
            let _ = writeln!(
                o,
                "  drivers: {}, each away {} to the transit lot plus {} back (means)",
                d.size,
                minutes(d.to_transit_lot.mean()),
                minutes(d.return_trip.mean())
            );
        }
    }
    o
}

/// One line on an arrival process.
fn arrivals_text(a: &ArrivalSpec, vehicles: f64) -> String {
    match a {
        ArrivalSpec::Poisson(p) => format!(
            "Poisson, {:.1} consignments/day on average ({:.1} vehicles/day)",
            p.rate * 1440.0,
            p.rate * 1440.0 * vehicles
        ),
        ArrivalSpec::Fixed { every, first } => format!("one every {} from {}", minutes(*every), minutes(*first)),
        ArrivalSpec::List(v) => format!("{} listed arrivals", v.len()),
        ArrivalSpec::Observed(o) => o.note.clone(),
        ArrivalSpec::Shared(_) => "from a shared demand".to_string(),
    }
}

/// One dated period of a stage's timeline in words.
fn period_text(start: &crate::date::StartInstant, p: &crate::model::Period) -> String {
    let mut what = Vec::new();
    if let Some(n) = p.set.servers {
        what.push(format!("{n} server(s) open"));
    }
    if let Some(n) = p.set.reserved {
        what.push(format!("{n} lane(s) reserved for the green channel"));
    }
    match p.set.daily_cap {
        Some(u32::MAX) => what.push("no daily quota".into()),
        Some(n) => what.push(format!("at most {n} clearances start per calendar day")),
        None => {}
    }
    let until = if p.to.is_finite() {
        format!(" until {}", start.format(p.to))
    } else {
        String::new()
    };
    format!("from {}{until}: {}", start.format(p.from), what.join(", "))
}
