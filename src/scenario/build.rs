//! Validation: from the parsed file to a ready-to-run [`ModelSpec`], with every problem
//! reported at its key path.

use super::dist::build_dist;
use super::format::{Days, DistSpec, FlowSection, RateSection, RouteStepSection, ScenarioFile, StageSection};
use crate::engine::StartInstant;
use crate::engine::date::parse_hhmm;
use crate::model::{
    ArrivalSpec, DemandSpec, DriverPoolSpec, FlowSpec, MAX_ROUTE, ModeKind, ModeSpec, ModelSpec, PoissonSpec, PortSpec,
    RouteStep, Schedule, SplitRule, StageKind, StageSpec, Timeline,
};
use crate::policy::DistributionPolicy;
use crate::random::Dist;
use std::collections::BTreeMap;

/// Upper limits that keep a typo from asking for more than a machine can give. Checked
/// before anything is allocated.
pub mod limits {
    /// Longest horizon, days (100 years).
    pub const HORIZON_DAYS: f64 = 36_500.0;
    /// Most replications.
    pub const REPLICATIONS: u32 = 10_000;
    /// Most time-series rows per replication.
    pub const REPORT_ROWS: f64 = 1_000_000.0;
    /// Most servers at a stage.
    pub const SERVERS: u32 = 100_000;
    /// Most drivers in a pool.
    pub const DRIVERS: u32 = 10_000_000;
    /// Most expected arrivals per replication, all flows together.
    pub const ARRIVALS: f64 = 2e9;
    /// Most time-series cells (rows times series) per replication: each costs 8 bytes per
    /// running replication and 40 bytes in the summary over replications.
    pub const SERIES_CELLS: f64 = 5e6;
}

/// A dotted key path into the scenario file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<String>);

impl KeyPath {
    /// The path from the top of the file.
    pub fn root(first: &str) -> Self {
        Self(vec![first.to_string()])
    }

    /// The path one level down.
    pub fn child(&self, seg: &str) -> Self {
        let mut v = self.0.clone();
        v.push(seg.to_string());
        Self(v)
    }

    /// An error at this path.
    pub fn invalid(&self, message: impl Into<String>) -> Invalid {
        Invalid {
            path: self.clone(),
            message: message.into(),
        }
    }
}

/// A validation failure: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Key path of the offending value.
    pub path: KeyPath,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// The output of validation: the model and what the baseline policy needs.
#[derive(Debug, Clone)]
pub struct Built {
    /// The model.
    pub spec: ModelSpec,
    /// Clearance times per stage and mode.
    pub policy: DistributionPolicy,
    /// `clearance_text[stage][mode]`: the distribution as written, for `check`.
    pub clearance_text: Vec<Vec<Option<String>>>,
    /// Seed from the file.
    pub seed: u64,
    /// Replications from the file.
    pub replications: u32,
    /// Description from the file.
    pub description: Option<String>,
}

fn join(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number for a message: as written for everyday magnitudes, in scientific notation for
/// the extremes, so that `1e308` is not printed as 309 digits.
pub fn shown(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Checks that a name can go into CSV columns and key paths.
pub fn check_name(path: &KeyPath, name: &str) -> Result<(), Invalid> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(path.invalid(format!(
            "{name:?} is not a usable name: use 1-64 letters, digits, `_` or `-` (names go into CSV columns)"
        )))
    }
}

/// Most vehicles one consignment may hold: a long car train, not a typo.
const MAX_VEHICLES: f64 = 1000.0;

/// The vehicles-per-consignment distribution. A carrier holds whole cars, at least one, so
/// only `constant` and `empirical` tables of whole numbers from 1 to 1000 are allowed: every
/// draw is then exactly a count, and `vehicles_per_year` is divided by the mean of exactly
/// the distribution that is drawn (no rounding in between that would shift it).
fn vehicle_count(d: &DistSpec, path: &KeyPath) -> Result<Dist, Invalid> {
    let whole = |p: KeyPath, v: f64| {
        if v.fract() == 0.0 && (1.0..=MAX_VEHICLES).contains(&v) {
            Ok(())
        } else {
            Err(p.invalid(format!(
                "a consignment holds whole vehicles: must be a whole number from 1 to {MAX_VEHICLES}, got {}",
                shown(v)
            )))
        }
    };
    match d {
        DistSpec::Constant { value } => whole(path.child("value"), *value)?,
        DistSpec::Empirical { values, .. } => {
            for (i, v) in values.iter().enumerate() {
                whole(path.child("values").child(&i.to_string()), *v)?;
            }
        }
        other => {
            return Err(path.invalid(format!(
                "vehicles per consignment are whole numbers: use {{ dist = \"constant\", value = N }} or \
                 {{ dist = \"empirical\", values = [...] }} with whole numbers from 1 to {MAX_VEHICLES}, not `{}`",
                other.name()
            )));
        }
    }
    build_dist(d, path)
}

/// Validates the parsed file and resolves it into a model.
pub fn build(file: &ScenarioFile) -> Result<Built, Invalid> {
    let sim = &file.simulation;
    let sp = KeyPath::root("simulation");
    let start = match &sim.start {
        None => StartInstant::default(),
        Some(s) => StartInstant::parse(s).map_err(|e| sp.child("start").invalid(e))?,
    };
    if !(sim.horizon_days.is_finite() && sim.horizon_days > 0.0 && sim.horizon_days <= limits::HORIZON_DAYS) {
        return Err(sp.child("horizon_days").invalid(format!(
            "must be more than 0 and at most {} days, got {}",
            limits::HORIZON_DAYS,
            shown(sim.horizon_days)
        )));
    }
    if !(sim.warmup_days.is_finite() && sim.warmup_days >= 0.0 && sim.warmup_days < sim.horizon_days) {
        return Err(sp.child("warmup_days").invalid(format!(
            "must be 0 or more and less than horizon_days ({}), got {}",
            shown(sim.horizon_days),
            shown(sim.warmup_days)
        )));
    }
    if !(1..=limits::REPLICATIONS).contains(&sim.replications) {
        return Err(sp.child("replications").invalid(format!(
            "must be between 1 and {}, got {}",
            limits::REPLICATIONS,
            sim.replications
        )));
    }
    let horizon = sim.horizon_days * 1440.0;
    let interval = sim.report_interval_min;
    if !(interval.is_finite() && interval > 0.0 && horizon / interval <= limits::REPORT_ROWS) {
        return Err(sp.child("report_interval_min").invalid(format!(
            "must be more than 0 and give at most {} rows over the horizon, got {interval}",
            limits::REPORT_ROWS
        )));
    }

    // Modes.
    let mut modes = Vec::new();
    let mut mode_index = BTreeMap::new();
    for (name, m) in &file.modes {
        let mp = KeyPath::root("modes").child(name);
        check_name(&mp, name)?;
        let kind = match m.kind.as_str() {
            "cage_truck" => ModeKind::CageTruck,
            "self_driving" => ModeKind::SelfDriving,
            "generic" => ModeKind::Generic,
            other => {
                return Err(mp.child("kind").invalid(format!(
                    "unknown mode kind `{other}`: allowed are `cage_truck`, `self_driving`, `generic`"
                )));
            }
        };
        let vehicles = match (&m.vehicles, kind) {
            (None, ModeKind::CageTruck) => {
                return Err(mp
                    .child("vehicles")
                    .invalid("a cage_truck mode needs `vehicles`, e.g. { dist = \"empirical\", values = [6, 7, 8] }"));
            }
            (Some(_), ModeKind::SelfDriving) => {
                return Err(mp
                    .child("vehicles")
                    .invalid("a self_driving consignment is one vehicle: remove `vehicles`"));
            }
            (None, _) => Dist::Constant(1.0),
            (Some(d), _) => vehicle_count(d, &mp.child("vehicles"))?,
        };
        mode_index.insert(name.clone(), modes.len());
        modes.push(ModeSpec {
            name: name.clone(),
            kind,
            vehicles,
        });
    }

    if file.ports.is_empty() {
        return Err(KeyPath::root("ports").invalid("define at least one port, e.g. [ports.horgos]"));
    }

    let mut ports = Vec::new();
    let mut stages: Vec<StageSpec> = Vec::new();
    let mut flows = Vec::new();
    let mut pools = Vec::new();
    let mut default_dist: Vec<Option<Dist>> = Vec::new();
    let mut mode_dist: Vec<Vec<Option<Dist>>> = Vec::new();
    let mut clearance_text = Vec::new();
    let mut expected_arrivals = 0.0;
    let mut busiest = (0.0, KeyPath::root("ports"));
    let mut fed: Vec<(usize, String, KeyPath)> = Vec::new();

    for (pi, (pname, port)) in file.ports.iter().enumerate() {
        let pp = KeyPath::root("ports").child(pname);
        check_name(&pp, pname)?;
        if port.stages.is_empty() {
            return Err(pp.child("stages").invalid("a port needs at least one stage"));
        }
        if port.flows.is_empty() {
            return Err(pp
                .child("flows")
                .invalid("a port needs at least one flow, e.g. [ports.NAME.flows.MODE]"));
        }
        // Stage order: first appearance along the routes, then any unused stage.
        let mut order: Vec<&String> = Vec::new();
        for f in port.flows.values() {
            for step in &f.route {
                let names: Vec<&String> = match step {
                    RouteStepSection::Stage(s) => vec![s],
                    RouteStepSection::Step(t) => t
                        .stage
                        .iter()
                        .chain(t.choose.iter().flatten().map(|b| &b.stage))
                        .collect(),
                };
                for n in names {
                    if port.stages.contains_key(n) && !order.contains(&n) {
                        order.push(n);
                    }
                }
            }
        }
        for n in port.stages.keys() {
            if !order.contains(&n) {
                order.push(n);
            }
        }
        let pool = match &port.drivers {
            None => None,
            Some(d) => {
                let dp = pp.child("drivers");
                if !(1..=limits::DRIVERS).contains(&d.count) {
                    return Err(dp.child("count").invalid(format!(
                        "must be between 1 and {}, got {}",
                        limits::DRIVERS,
                        d.count
                    )));
                }
                pools.push(DriverPoolSpec {
                    port: pi,
                    size: d.count,
                    to_transit_lot: build_dist(&d.to_transit_lot, &dp.child("to_transit_lot"))?,
                    return_trip: build_dist(&d.return_trip, &dp.child("return_trip"))?,
                });
                Some(pools.len() - 1)
            }
        };
        let mut stage_index = BTreeMap::new();
        for name in order {
            let s = &port.stages[name];
            let stp = pp.child("stages").child(name);
            check_name(&stp, name)?;
            let (spec, dflt, by_mode, text) = build_stage(s, &stp, name, pi, pool, &mode_index, modes.len())?;
            stage_index.insert(name.clone(), stages.len());
            stages.push(spec);
            default_dist.push(dflt);
            mode_dist.push(by_mode);
            clearance_text.push(text);
        }
        for (mname, f) in &port.flows {
            let fp = pp.child("flows").child(mname);
            let Some(&mode) = mode_index.get(mname) else {
                return Err(fp.invalid(format!(
                    "`{mname}` is not a defined mode: flows are named after a mode, defined are {}",
                    if modes.is_empty() {
                        "none (add a [modes.NAME] table)".to_string()
                    } else {
                        join(mode_index.keys())
                    }
                )));
            };
            let flow = build_flow(f, &fp, pi, mode, &modes[mode], &stage_index, &stages)?;
            for step in &flow.route {
                for s in step.stages() {
                    if default_dist[s].is_none() && mode_dist[s][mode].is_none() {
                        return Err(pp.child("stages").child(&stages[s].name).child("clearance").invalid(format!(
                            "missing: mode `{mname}` passes this stage, so give `clearance` (minutes), e.g. {{ dist = \"exponential\", mean = 20 }}, or clearance_by_mode.{mname}"
                        )));
                    }
                }
            }
            let n = arrival_bound(&flow.arrivals, horizon);
            expected_arrivals += n;
            if n > busiest.0 {
                busiest = (n, fp.clone());
            }
            if let Some(d) = &f.demand {
                fed.push((flows.len(), d.clone(), fp.clone()));
            }
            flows.push(flow);
        }
        ports.push(PortSpec {
            name: pname.clone(),
            pool,
        });
    }
    let demands = build_demands(file, &modes, &mode_index, &ports, &mut flows, &fed)?;
    for d in &demands {
        let n = arrival_bound(&d.arrivals, horizon);
        expected_arrivals += n;
        if n > busiest.0 {
            busiest = (n, KeyPath::root("demand").child(&d.name));
        }
    }
    if expected_arrivals > limits::ARRIVALS {
        return Err(busiest.1.invalid(format!(
            "the flows would generate about {expected_arrivals:.3e} arrivals (or thinning candidates) per replication, more than the limit of {:.0e}: shorten horizon_days or lower the rates",
            limits::ARRIVALS
        )));
    }
    let rows = (horizon / interval).ceil() + 1.0;
    let series = crate::model::series::series_defs_count(&ports, &stages, &flows) as f64;
    if rows * series > limits::SERIES_CELLS {
        return Err(sp.child("report_interval_min").invalid(format!(
            "{rows:.0} rows of {series:.0} series is {:.2e} time-series cells, more than the {:.0e} allowed: use a longer report interval (e.g. {:.0} minutes)",
            rows * series,
            limits::SERIES_CELLS,
            (interval * rows * series / limits::SERIES_CELLS).ceil()
        )));
    }
    let spec = ModelSpec {
        name: sim.name.clone().unwrap_or_else(|| "unnamed scenario".into()),
        start,
        horizon,
        warmup: sim.warmup_days * 1440.0,
        report_interval: interval,
        ports,
        modes,
        stages,
        flows,
        pools,
        demands,
        green_share: 0.0,
        route_changes: Vec::new(),
    };
    Ok(Built {
        spec,
        policy: DistributionPolicy::new(
            default_dist
                .into_iter()
                .map(|d| d.unwrap_or(Dist::Constant(0.0)))
                .collect(),
            mode_dist,
        ),
        clearance_text,
        seed: sim.seed,
        replications: sim.replications,
        description: sim.description.clone(),
    })
}

/// Resolves `[demand.*]` and points the flows they feed (`fed`: flow index, demand name,
/// flow path) at them.
fn build_demands(
    file: &ScenarioFile,
    modes: &[ModeSpec],
    mode_index: &BTreeMap<String, usize>,
    ports: &[PortSpec],
    flows: &mut [FlowSpec],
    fed: &[(usize, String, KeyPath)],
) -> Result<Vec<DemandSpec>, Invalid> {
    for (fi, dname, fp) in fed {
        let dp = fp.child("demand");
        let Some(d) = file.demand.get(dname) else {
            return Err(dp.invalid(format!(
                "`{dname}` is not a defined demand; defined are {}",
                if file.demand.is_empty() {
                    "none (add a [demand.NAME] table)".to_string()
                } else {
                    join(file.demand.keys())
                }
            )));
        };
        let fmode = &modes[flows[*fi].mode].name;
        if d.mode != *fmode && mode_index.contains_key(&d.mode) {
            return Err(dp.invalid(format!(
                "demand `{dname}` is of mode `{}`, this flow is mode `{fmode}`",
                d.mode
            )));
        }
    }
    let mut demands = Vec::new();
    for (dname, d) in &file.demand {
        let dp = KeyPath::root("demand").child(dname);
        check_name(&dp, dname)?;
        let Some(&mode) = mode_index.get(&d.mode) else {
            return Err(dp.child("mode").invalid(format!(
                "`{}` is not a defined mode; defined are {}",
                d.mode,
                join(mode_index.keys())
            )));
        };
        let mname = &modes[mode].name;
        let arrivals = poisson(
            &d.rate,
            [&d.hour_of_day, &d.day_of_week, &d.month_of_year],
            &dp,
            &modes[mode],
        )?;
        let rule = match d.choice.as_deref() {
            None | Some("shares") => SplitRule::Shares,
            Some("balance") => SplitRule::Balance,
            Some(other) => {
                return Err(dp.child("choice").invalid(format!(
                    "unknown choice `{other}`: allowed are `shares` (at random by share) and `balance` (to the port with fewer of this demand's consignments inside, per share)"
                )));
            }
        };
        if d.split.is_empty() {
            return Err(dp
                .child("split")
                .invalid("name at least one port and its share, e.g. split = { horgos = 0.9, baktu = 0.1 }"));
        }
        let mut split = Vec::new();
        let mut total = 0.0;
        for (pname, &share) in &d.split {
            let sp = dp.child("split").child(pname);
            let Some(pi) = ports.iter().position(|p| p.name == *pname) else {
                return Err(sp.invalid(format!(
                    "`{pname}` is not a defined port; defined are {}",
                    join(ports.iter().map(|p| &p.name))
                )));
            };
            if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                return Err(sp.invalid(format!(
                    "a share must be more than 0 and at most 1, got {}",
                    shown(share)
                )));
            }
            let hint = format!("add [ports.{pname}.flows.{mname}] with demand = \"{dname}\" and its route");
            let Some(fi) = flows.iter().position(|f| f.port == pi && f.mode == mode) else {
                return Err(sp.invalid(format!("port `{pname}` has no flow of mode `{mname}`: {hint}")));
            };
            if let Some((_, other, _)) = fed.iter().find(|(f, n, _)| *f == fi && n != dname) {
                return Err(sp.invalid(format!(
                    "[ports.{pname}.flows.{mname}] is fed by demand `{other}`: a flow takes one demand"
                )));
            }
            if !fed.iter().any(|(f, n, _)| *f == fi && n == dname) {
                return Err(sp.invalid(format!(
                    "[ports.{pname}.flows.{mname}] has arrivals of its own: give it demand = \"{dname}\" instead"
                )));
            }
            total += share;
            split.push((fi, share));
        }
        if (total - 1.0).abs() > 1e-9 {
            return Err(dp
                .child("split")
                .invalid(format!("shares must add up to 1, they add up to {total}")));
        }
        for &(fi, _) in &split {
            flows[fi].arrivals = ArrivalSpec::Shared(demands.len());
        }
        demands.push(DemandSpec {
            name: dname.clone(),
            mode,
            arrivals,
            split,
            rule,
        });
    }
    for (fi, dname, fp) in fed {
        if matches!(flows[*fi].arrivals, ArrivalSpec::Shared(usize::MAX)) {
            return Err(fp.child("demand").invalid(format!(
                "demand `{dname}` does not list port `{}` in its split",
                ports[flows[*fi].port].name
            )));
        }
    }
    Ok(demands)
}

/// Arrivals (for Poisson flows: thinning candidates, which a peaked profile multiplies by
/// its largest factors) one replication will generate: the work a flow asks for, used to
/// bound scenarios before running them.
pub fn arrival_bound(a: &ArrivalSpec, horizon: f64) -> f64 {
    match a {
        ArrivalSpec::Poisson(p) => p.peak_rate() * horizon,
        ArrivalSpec::Fixed { every, .. } => horizon / every,
        ArrivalSpec::List(v) => v.len() as f64,
        ArrivalSpec::Shared(_) => 0.0,
    }
}

type StageParts = (StageSpec, Option<Dist>, Vec<Option<Dist>>, Vec<Option<String>>);

fn build_stage(
    s: &StageSection,
    path: &KeyPath,
    name: &str,
    port: usize,
    pool: Option<usize>,
    mode_index: &BTreeMap<String, usize>,
    n_modes: usize,
) -> Result<StageParts, Invalid> {
    let kind = match s.kind.as_str() {
        "servers" => StageKind::Servers,
        "dwell" => StageKind::Dwell,
        "driver" => match pool {
            Some(pool) => StageKind::Driver { pool },
            None => {
                return Err(path.child("kind").invalid(
                    "a `driver` stage needs the port's driver pool: add [ports.NAME.drivers] with count, to_transit_lot and return_trip",
                ));
            }
        },
        other => {
            return Err(path.child("kind").invalid(format!(
                "unknown stage kind `{other}`: allowed are `servers`, `dwell`, `driver`"
            )));
        }
    };
    let not_for = |key: &str, what: &str| {
        path.child(key)
            .invalid(format!("`{key}` is not allowed on a {what} stage"))
    };
    let schedule = match kind {
        StageKind::Servers => {
            if s.servers.is_none() && s.schedule.is_empty() {
                return Err(path
                    .child("servers")
                    .invalid("a `servers` stage needs `servers` (lanes open around the clock) or a `schedule`"));
            }
            let base = s.servers.unwrap_or(0);
            if base > limits::SERVERS {
                return Err(path
                    .child("servers")
                    .invalid(format!("must be at most {}, got {base}", limits::SERVERS)));
            }
            let mut windows = Vec::new();
            for (i, w) in s.schedule.iter().enumerate() {
                let wp = path.child("schedule").child(&i.to_string());
                if w.servers > limits::SERVERS {
                    return Err(wp
                        .child("servers")
                        .invalid(format!("must be at most {}", limits::SERVERS)));
                }
                let from = parse_hhmm(&w.from).filter(|&m| m < 1440).ok_or_else(|| {
                    wp.child("from")
                        .invalid(format!("`{}` is not a time: use \"HH:MM\" from 00:00 to 23:59", w.from))
                })?;
                let to = parse_hhmm(&w.to).ok_or_else(|| {
                    wp.child("to")
                        .invalid(format!("`{}` is not a time: use \"HH:MM\" from 00:00 to 24:00", w.to))
                })?;
                if to == from {
                    return Err(wp
                        .child("to")
                        .invalid("must differ from `from` (use 00:00 to 24:00 for a whole day)"));
                }
                let len = if to > from { to - from } else { to + 1440 - from };
                for d in parse_days(&w.days).map_err(|e| wp.child("days").invalid(e))? {
                    windows.push((d * 1440 + from, d * 1440 + from + len, w.servers));
                }
            }
            let sched = Schedule::from_windows(base, &windows);
            if sched.max() == 0 {
                return Err(path
                    .child("servers")
                    .invalid("the stage never opens: at least one server must be open at some time"));
            }
            sched
        }
        _ => {
            if s.servers.is_some() {
                return Err(not_for("servers", &s.kind));
            }
            if !s.schedule.is_empty() {
                return Err(not_for("schedule", &s.kind));
            }
            Schedule::constant(0)
        }
    };
    if let Some(c) = s.capacity
        && c == 0
    {
        return Err(path
            .child("capacity")
            .invalid("must be at least 1 (leave it out for unlimited room)"));
    }
    match (s.daily_cap, kind) {
        (Some(_), StageKind::Driver { .. }) => return Err(not_for("daily_cap", "driver")),
        (Some(0), _) => {
            return Err(path
                .child("daily_cap")
                .invalid("must be at least 1 (leave it out for no daily quota)"));
        }
        _ => {}
    }
    let priority = match s.discipline.as_deref() {
        None | Some("fifo") => false,
        Some("priority") => true,
        Some(other) => {
            return Err(path
                .child("discipline")
                .invalid(format!("unknown discipline `{other}`: allowed are `fifo`, `priority`")));
        }
    };
    let mut by_mode = vec![None; n_modes];
    let mut text = vec![None; n_modes];
    let dflt = match (kind, &s.clearance) {
        (StageKind::Driver { .. }, Some(_)) => return Err(not_for("clearance", "driver")),
        (StageKind::Driver { .. }, None) => Some(Dist::Constant(0.0)),
        (_, None) => None,
        (_, Some(d)) => {
            let dd = build_dist(d, &path.child("clearance"))?;
            text.iter_mut().for_each(|t| *t = Some(d.to_string()));
            Some(dd)
        }
    };
    if matches!(kind, StageKind::Driver { .. }) && !s.clearance_by_mode.is_empty() {
        return Err(not_for("clearance_by_mode", "driver"));
    }
    for (m, d) in &s.clearance_by_mode {
        let mp = path.child("clearance_by_mode").child(m);
        let Some(&mi) = mode_index.get(m) else {
            return Err(mp.invalid(format!(
                "`{m}` is not a defined mode; defined are {}",
                join(mode_index.keys())
            )));
        };
        by_mode[mi] = Some(build_dist(d, &mp)?);
        text[mi] = Some(DistSpec::to_string(d));
    }
    Ok((
        StageSpec {
            name: name.to_string(),
            port,
            kind,
            timeline: Timeline {
                daily_cap: s.daily_cap.unwrap_or(u32::MAX),
                ..Timeline::weekly(schedule)
            },
            capacity: s.capacity,
            priority,
        },
        dflt,
        by_mode,
        text,
    ))
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Days of week (Monday = 0) named by a window's `days`.
fn parse_days(days: &Days) -> Result<Vec<u32>, String> {
    let allowed =
        "allowed are `all`, `weekdays`, `weekend`, a day (`mon` … `sun`), a range like `mon-fri`, or a list of days";
    let day = |s: &str| {
        DAY_NAMES
            .iter()
            .position(|d| *d == s.to_ascii_lowercase())
            .map(|d| d as u32)
            .ok_or_else(|| format!("`{s}` is not a day: {allowed}"))
    };
    let one = |s: &str| -> Result<Vec<u32>, String> {
        match s {
            "all" => Ok((0..7).collect()),
            "weekdays" => Ok((0..5).collect()),
            "weekend" => Ok(vec![5, 6]),
            _ => match s.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    Ok((0..7)
                        .map(|i| (a + i) % 7)
                        .take(((b + 7 - a) % 7 + 1) as usize)
                        .collect())
                }
                None => Ok(vec![day(s)?]),
            },
        }
    };
    match days {
        Days::One(s) => one(s),
        Days::List(list) if list.is_empty() => Err(format!("the list of days is empty: {allowed}")),
        Days::List(list) => {
            let mut out = Vec::new();
            for s in list {
                out.extend(one(s)?);
            }
            Ok(out)
        }
    }
}

/// Days of each month in a common year: month factors are averaged over days, not months,
/// so that `vehicles_per_year` with any month profile still gives that many a year.
const MONTH_DAYS: [f64; 12] = [31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0];

/// Relative factors scaled to a mean of 1, each factor weighted by `weights` (equal when
/// `None`).
fn profile<const N: usize>(
    v: &Option<Vec<f64>>,
    path: &KeyPath,
    what: &str,
    weights: Option<&[f64; N]>,
) -> Result<[f64; N], Invalid> {
    let Some(v) = v else { return Ok([1.0; N]) };
    if v.len() != N {
        return Err(path.invalid(format!("needs exactly {N} factors ({what}), got {}", v.len())));
    }
    if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
        return Err(path
            .child(&i.to_string())
            .invalid(format!("factors must be finite and 0 or more, got {}", shown(*x))));
    }
    // Scale by the largest factor first so that huge factors cannot overflow the sum.
    let max = v.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 {
        return Err(path.invalid("factors must not all be zero"));
    }
    let mean = match weights {
        None => v.iter().map(|x| x / max).sum::<f64>() / N as f64,
        Some(w) => v.iter().zip(w).map(|(x, w)| x / max * w).sum::<f64>() / w.iter().sum::<f64>(),
    };
    let mut out = [0.0; N];
    for (o, x) in out.iter_mut().zip(v) {
        *o = x / max / mean;
    }
    Ok(out)
}

fn build_flow(
    f: &FlowSection,
    path: &KeyPath,
    port: usize,
    mode: usize,
    mode_spec: &ModeSpec,
    stage_index: &BTreeMap<String, usize>,
    stages: &[StageSpec],
) -> Result<FlowSpec, Invalid> {
    let given = [f.rate.is_some(), f.every_min.is_some(), f.times_min.is_some()];
    let profiles_given = f.hour_of_day.is_some() || f.day_of_week.is_some() || f.month_of_year.is_some();
    let arrivals = if f.demand.is_some() {
        if given.iter().any(|g| *g) || profiles_given || f.first_at_min.is_some() {
            return Err(path.child("demand").invalid(
                "a flow fed by a shared demand has no arrivals of its own: remove `rate`, `every_min`, `times_min`, `first_at_min` and the profiles (they belong in [demand.NAME])",
            ));
        }
        // Resolved to the demand's index once every port is built.
        ArrivalSpec::Shared(usize::MAX)
    } else {
        own_arrivals(f, path, mode_spec, given, profiles_given)?
    };
    build_route(f, path, port, mode, mode_spec, stage_index, stages, arrivals)
}

/// A Poisson arrival process from a rate and its profiles.
fn poisson(
    r: &RateSection,
    profiles: [&Option<Vec<f64>>; 3],
    path: &KeyPath,
    mode_spec: &ModeSpec,
) -> Result<ArrivalSpec, Invalid> {
    let rp = path.child("rate");
    let per_min = match (r.per_minute, r.per_hour, r.per_day, r.vehicles_per_year) {
        (Some(m), None, None, None) => (m, "per_minute", m),
        (None, Some(h), None, None) => (h, "per_hour", h / 60.0),
        (None, None, Some(d), None) => (d, "per_day", d / 1440.0),
        (None, None, None, Some(y)) => (y, "vehicles_per_year", y / mode_spec.vehicles.mean() / (365.0 * 1440.0)),
        _ => {
            return Err(rp.invalid("give exactly one of `per_minute`, `per_hour`, `per_day`, `vehicles_per_year`"));
        }
    };
    let (raw, key, rate) = per_min;
    if !(raw.is_finite() && raw > 0.0) {
        return Err(rp
            .child(key)
            .invalid(format!("must be a positive number, got {}", shown(raw))));
    }
    Ok(ArrivalSpec::Poisson(PoissonSpec {
        rate,
        hour: profile::<24>(
            profiles[0],
            &path.child("hour_of_day"),
            "one per hour, 00-01 first",
            None,
        )?,
        weekday: profile::<7>(
            profiles[1],
            &path.child("day_of_week"),
            "one per day, Monday first",
            None,
        )?,
        month: profile::<12>(
            profiles[2],
            &path.child("month_of_year"),
            "one per month, January first",
            Some(&MONTH_DAYS),
        )?,
    }))
}

/// The arrival process a flow defines itself.
fn own_arrivals(
    f: &FlowSection,
    path: &KeyPath,
    mode_spec: &ModeSpec,
    given: [bool; 3],
    profiles_given: bool,
) -> Result<ArrivalSpec, Invalid> {
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(path.invalid(
            "give exactly one arrival process: `rate = { per_hour = ... }` (Poisson), `every_min` (fixed interval) or `times_min` (a list)",
        ));
    }
    let arrivals = if let Some(r) = &f.rate {
        poisson(r, [&f.hour_of_day, &f.day_of_week, &f.month_of_year], path, mode_spec)?
    } else if profiles_given {
        return Err(path.invalid("hour_of_day, day_of_week and month_of_year only apply to Poisson arrivals (`rate`)"));
    } else if let Some(every) = f.every_min {
        if !(every.is_finite() && every > 0.0) {
            return Err(path
                .child("every_min")
                .invalid(format!("must be a positive number of minutes, got {}", shown(every))));
        }
        let first = f.first_at_min.unwrap_or(0.0);
        if !(first.is_finite() && first >= 0.0) {
            return Err(path
                .child("first_at_min")
                .invalid(format!("must be 0 or more minutes, got {}", shown(first))));
        }
        ArrivalSpec::Fixed { every, first }
    } else {
        let times = f.times_min.clone().unwrap_or_default();
        if times.is_empty() {
            return Err(path
                .child("times_min")
                .invalid("the list is empty: give at least one arrival time"));
        }
        for (i, w) in times.windows(2).enumerate() {
            if w[1] < w[0] {
                return Err(path
                    .child("times_min")
                    .child(&(i + 1).to_string())
                    .invalid("times must be in increasing order"));
            }
        }
        if let Some((i, t)) = times.iter().enumerate().find(|(_, t)| !(t.is_finite() && **t >= 0.0)) {
            return Err(path
                .child("times_min")
                .child(&i.to_string())
                .invalid(format!("must be 0 or more minutes, got {}", shown(*t))));
        }
        ArrivalSpec::List(times)
    };
    if f.first_at_min.is_some() && f.every_min.is_none() {
        return Err(path.child("first_at_min").invalid("only applies with `every_min`"));
    }
    Ok(arrivals)
}

/// The flow with its route resolved and checked.
#[allow(clippy::too_many_arguments)]
fn build_route(
    f: &FlowSection,
    path: &KeyPath,
    port: usize,
    mode: usize,
    mode_spec: &ModeSpec,
    stage_index: &BTreeMap<String, usize>,
    stages: &[StageSpec],
    arrivals: ArrivalSpec,
) -> Result<FlowSpec, Invalid> {
    let rp = path.child("route");
    if f.route.is_empty() {
        return Err(rp.invalid("the route is empty: list the stages in order, e.g. route = [\"gate\", \"inspection\"]"));
    }
    let known = || join(stage_index.keys());
    let stage = |name: &str, p: &KeyPath| {
        stage_index
            .get(name)
            .copied()
            .ok_or_else(|| p.invalid(format!("unknown stage `{name}`; this port's stages are {}", known())))
    };
    let prob = |p: f64, at: &KeyPath| {
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            Ok(p)
        } else {
            Err(at.invalid(format!("a probability must be between 0 and 1, got {}", shown(p))))
        }
    };
    let mut route = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for (i, step) in f.route.iter().enumerate() {
        let sp = rp.child(&i.to_string());
        let parsed = match step {
            RouteStepSection::Stage(name) => RouteStep::Always(stage(name, &sp)?),
            RouteStepSection::Step(t) => match (&t.stage, t.probability, &t.choose) {
                (Some(name), Some(p), None) => {
                    RouteStep::Maybe(stage(name, &sp.child("stage"))?, prob(p, &sp.child("probability"))?)
                }
                (Some(name), None, None) => RouteStep::Always(stage(name, &sp.child("stage"))?),
                (None, None, Some(branches)) if !branches.is_empty() => {
                    let mut acc = 0.0;
                    let mut out = Vec::new();
                    for (j, b) in branches.iter().enumerate() {
                        let bp = sp.child("choose").child(&j.to_string());
                        acc += prob(b.probability, &bp.child("probability"))?;
                        out.push((stage(&b.stage, &bp.child("stage"))?, acc));
                    }
                    if (acc - 1.0).abs() > 1e-9 {
                        return Err(sp
                            .child("choose")
                            .invalid(format!("branch probabilities must add up to 1, they add up to {acc}")));
                    }
                    RouteStep::Choose(out)
                }
                _ => {
                    return Err(sp.invalid(
                        "use { stage = \"NAME\", probability = P } or { choose = [{ stage = \"A\", probability = P }, ...] }",
                    ));
                }
            },
        };
        let stages_here: Vec<usize> = match &parsed {
            RouteStep::Always(s) | RouteStep::Maybe(s, _) => vec![*s],
            RouteStep::Choose(v) => v.iter().map(|x| x.0).collect(),
        };
        for s in stages_here {
            if seen.contains(&s) {
                return Err(sp.invalid(format!("stage `{}` appears twice in the route", stages[s].name)));
            }
            seen.push(s);
            if matches!(stages[s].kind, StageKind::Driver { .. }) && mode_spec.kind != ModeKind::SelfDriving {
                return Err(sp.invalid(format!(
                    "`{}` is a driver stage, but mode `{}` is {}: only self_driving vehicles take a driver",
                    stages[s].name,
                    mode_spec.name,
                    mode_spec.kind.as_str()
                )));
            }
        }
        route.push(parsed);
    }
    if seen.len() > MAX_ROUTE {
        return Err(rp.invalid(format!(
            "a route may name at most {MAX_ROUTE} stages, this one names {}",
            seen.len()
        )));
    }
    let drivers = seen
        .iter()
        .filter(|&&s| matches!(stages[s].kind, StageKind::Driver { .. }))
        .count();
    if drivers > 1 {
        return Err(rp.invalid(format!(
            "a route may take a driver only once, this one names {drivers} driver stages"
        )));
    }
    if mode_spec.kind == ModeKind::SelfDriving {
        let always_driver = route
            .iter()
            .any(|s| matches!(s, RouteStep::Always(i) if matches!(stages[*i].kind, StageKind::Driver { .. })));
        if !always_driver {
            return Err(rp.invalid(
                "a self_driving route needs a `driver` stage that every vehicle passes (not optional), where it takes a driver",
            ));
        }
    }
    Ok(FlowSpec {
        port,
        mode,
        arrivals,
        class: f.priority,
        route,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_factors_average_one_over_the_days_of_a_year() {
        // A December three times as busy: its 31 days weigh more than February's 28.
        let mut v = vec![1.0; 12];
        v[11] = 3.0;
        let f = profile::<12>(&Some(v), &KeyPath::root("m"), "months", Some(&MONTH_DAYS)).unwrap();
        let per_year: f64 = f.iter().zip(MONTH_DAYS).map(|(f, d)| f * d).sum();
        assert!((per_year - 365.0).abs() < 1e-9, "{per_year}");
        assert!((f[11] / f[0] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn day_ranges() {
        assert_eq!(parse_days(&Days::One("mon-fri".into())).unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(parse_days(&Days::One("sat-mon".into())).unwrap(), vec![5, 6, 0]);
        assert_eq!(
            parse_days(&Days::List(vec!["sun".into(), "Wed".into()])).unwrap(),
            vec![6, 2]
        );
        assert!(parse_days(&Days::One("funday".into())).is_err());
    }
}
