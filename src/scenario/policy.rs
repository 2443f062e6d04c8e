//! Turning a `PolicySpec` into a `BuiltinPolicy` (and, for `inspection_rate`, into new route
//! probabilities).

use super::build::{Invalid, KeyPath};
use super::format::PolicySpec;
use crate::date::StartInstant;
use crate::model::{ModelSpec, Period, RouteChange, RouteStep, Setting, StageKind, Timeline};
use crate::policy::{BuiltinPolicy, DistributionPolicy, StageSet};
use std::fmt::Write;

/// Finds a stage by "stage" (unique across ports) or "port.stage".
/// The stages a policy's stage name can mean: `PORT.stage`, or `stage` at any port.
fn stages_named(model: &ModelSpec, name: &str) -> Vec<usize> {
    match name.split_once('.') {
        Some((port, stage)) => (0..model.stages.len())
            .filter(|&i| model.stages[i].name == stage && model.ports[model.stages[i].port].name == port)
            .collect(),
        None => (0..model.stages.len())
            .filter(|&i| model.stages[i].name == name)
            .collect(),
    }
}

fn stage_index(model: &ModelSpec, name: &str, path: &KeyPath) -> Result<usize, Invalid> {
    let found = stages_named(model, name);
    match found.as_slice() {
        [i] => Ok(*i),
        [] => {
            let known: Vec<String> = model
                .stages
                .iter()
                .map(|s| format!("`{}.{}`", model.ports[s.port].name, s.name))
                .collect();
            Err(path.invalid(format!("unknown stage `{name}`; stages are {}", known.join(", "))))
        }
        _ => Err(path.invalid(format!(
            "stage name `{name}` is used by several ports: write it as \"PORT.{name}\""
        ))),
    }
}

fn stage_set(model: &ModelSpec, names: &Option<Vec<String>>, path: &KeyPath) -> Result<StageSet, Invalid> {
    match names {
        None => Ok(StageSet::all(model.stages.len())),
        Some(v) if v.is_empty() => Err(path.invalid("the list of stages is empty: omit it to mean every stage")),
        Some(v) => {
            let idx = v
                .iter()
                .enumerate()
                .map(|(i, n)| stage_index(model, n, &path.child(&i.to_string())))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(StageSet::of(model.stages.len(), &idx))
        }
    }
}

fn mode_index(model: &ModelSpec, name: &str, path: &KeyPath) -> Result<usize, Invalid> {
    model.modes.iter().position(|m| m.name == name).ok_or_else(|| {
        let known: Vec<String> = model.modes.iter().map(|m| format!("`{}`", m.name)).collect();
        path.invalid(format!("unknown mode `{name}`; modes are {}", known.join(", ")))
    })
}

/// Largest multiplier a policy may apply to clearance times. With the distributions' means
/// bounded (see [`super::dist::MAX_MEAN`]) and policies nested at most [`MAX_DEPTH`] deep,
/// every clearance time stays a finite number; anything this far from 1 is a typo.
pub const MAX_FACTOR: f64 = 1000.0;

/// Smallest multiplier: a clearance a million times faster is a typo too.
pub const MIN_FACTOR: f64 = 1e-6;

/// Deepest nesting of policies (`of`, `before`, `after`), documented in README. TOML
/// itself stops at about 80 levels; a readable policy needs a handful.
pub const MAX_DEPTH: usize = 16;

fn factor(v: f64, path: &KeyPath) -> Result<f64, Invalid> {
    if v.is_finite() && (MIN_FACTOR..=MAX_FACTOR).contains(&v) {
        Ok(v)
    } else {
        Err(path.invalid(format!(
            "must be a number from {MIN_FACTOR:e} to {MAX_FACTOR}, got {}",
            super::build::shown(v)
        )))
    }
}

/// The policies `spec` modifies directly, with the key that holds each.
fn children(spec: &PolicySpec) -> Vec<(&'static str, &PolicySpec)> {
    fn of(o: &Option<Box<PolicySpec>>) -> Option<(&'static str, &PolicySpec)> {
        o.as_deref().map(|p| ("of", p))
    }
    match spec {
        PolicySpec::Distribution {} => vec![],
        PolicySpec::Scaled { of: o, .. }
        | PolicySpec::GreenChannel { of: o, .. }
        | PolicySpec::InspectionRate { of: o, .. }
        | PolicySpec::QueueResponsive { of: o, .. } => of(o).into_iter().collect(),
        PolicySpec::Reform { before, after, .. } => before
            .as_deref()
            .map(|p| ("before", p))
            .into_iter()
            .chain([("after", &**after)])
            .collect(),
    }
}

/// Refuses policies nested more than [`MAX_DEPTH`] levels deep, pointing at the first one
/// too deep.
pub fn check_depth(spec: &PolicySpec, path: &KeyPath) -> Result<(), Invalid> {
    fn walk(spec: &PolicySpec, path: &KeyPath, level: usize) -> Result<(), Invalid> {
        if level > MAX_DEPTH {
            return Err(path.invalid(format!(
                "policies nest at most {MAX_DEPTH} levels deep (`of`, `before`, `after`); this one is level {level}"
            )));
        }
        children(spec)
            .into_iter()
            .try_for_each(|(key, p)| walk(p, &path.child(key), level + 1))
    }
    walk(spec, path, 1)
}

/// The period `[from, to)` in which a policy is in force: the whole run at the top, and the
/// part before or after the switch inside a `reform`. A policy that changes the model (lanes
/// reserved, inspection rates) changes it for this period only, as dated changes, so a
/// reform's `after` cannot act from day 0.
#[derive(Debug, Clone, Copy)]
struct Window {
    from: f64,
    to: f64,
}

impl Window {
    const WHOLE: Window = Window {
        from: 0.0,
        to: f64::INFINITY,
    };

    fn is_whole(self) -> bool {
        self.from <= 0.0 && self.to == f64::INFINITY
    }

    fn is_empty(self) -> bool {
        self.from >= self.to
    }

    /// The part before (`false`) or from (`true`) minute `at`.
    fn split(self, at: f64, after: bool) -> Window {
        if after {
            Window {
                from: self.from.max(at),
                to: self.to,
            }
        } else {
            Window {
                from: self.from,
                to: self.to.min(at),
            }
        }
    }
}

fn inner(
    of: &Option<Box<PolicySpec>>,
    path: &KeyPath,
    model: &mut ModelSpec,
    base: &DistributionPolicy,
    window: Window,
) -> Result<Box<BuiltinPolicy>, Invalid> {
    Ok(Box::new(match of {
        None => BuiltinPolicy::Distribution(base.clone()),
        Some(p) => build_in(p, path, model, base, window)?,
    }))
}

/// Wraps the scenario's policy in the policies of its dated changes: each holds at its
/// stage for clearances starting in its period, the later change winning where two
/// overlap. A policy that changes the model (reserved lanes, inspection rates) changes it
/// for that period only, as inside a `reform`.
pub fn with_dated_changes(
    mut policy: BuiltinPolicy,
    mut text: String,
    changes: &[super::build::PolicyChange],
    model: &mut ModelSpec,
    base: &DistributionPolicy,
) -> Result<(BuiltinPolicy, String), Invalid> {
    for c in changes {
        check_depth(&c.policy, &c.path)?;
        let during = build_in(&c.policy, &c.path, model, base, Window { from: c.from, to: c.to })?;
        let st = &model.stages[c.stage];
        let to = if c.to.is_finite() {
            format!(" to {}", model.start.format(c.to))
        } else {
            String::new()
        };
        text = format!(
            "{text}; at {}.{} from {}{to}: {}",
            model.ports[st.port].name,
            st.name,
            model.start.format(c.from),
            describe_policy(&c.policy, model)
        );
        policy = BuiltinPolicy::During {
            stage: c.stage,
            from: c.from,
            to: c.to,
            during: Box::new(during),
            inner: Box::new(policy),
        };
    }
    Ok((policy, text))
}

/// Validates `spec` (found at `path`) against the model and builds it. An
/// `inspection_rate` policy rewrites the probabilities of optional route steps in `model`.
pub fn build_policy(
    spec: &PolicySpec,
    path: &KeyPath,
    model: &mut ModelSpec,
    base: &DistributionPolicy,
) -> Result<BuiltinPolicy, Invalid> {
    build_in(spec, path, model, base, Window::WHOLE)
}

/// [`build_policy`] for a policy in force during `window` only.
fn build_in(
    spec: &PolicySpec,
    path: &KeyPath,
    model: &mut ModelSpec,
    base: &DistributionPolicy,
    window: Window,
) -> Result<BuiltinPolicy, Invalid> {
    Ok(match spec {
        PolicySpec::Distribution {} => BuiltinPolicy::Distribution(base.clone()),
        PolicySpec::Scaled {
            factor: f,
            stages,
            modes,
            of,
        } => {
            let f = factor(*f, &path.child("factor"))?;
            let stages = stage_set(model, stages, &path.child("stages"))?;
            let modes = match modes {
                None => vec![],
                Some(names) => {
                    let mut v = vec![false; model.modes.len()];
                    for (i, n) in names.iter().enumerate() {
                        v[mode_index(model, n, &path.child("modes").child(&i.to_string()))?] = true;
                    }
                    v
                }
            };
            BuiltinPolicy::Scaled {
                factor: f,
                stages,
                modes,
                inner: inner(of, &path.child("of"), model, base, window)?,
            }
        }
        PolicySpec::Reform { at, before, after } => {
            let ap = path.child("at");
            let when = StartInstant::parse(at).map_err(|e| ap.invalid(e))?;
            let minutes = model.start.minutes_until(&when);
            if !(minutes > 0.0 && minutes < model.horizon) {
                return Err(ap.invalid(format!(
                    "{at} is outside the simulated period ({} to {}): the switch must fall strictly inside it",
                    model.start.format(0.0),
                    model.start.format(model.horizon)
                )));
            }
            BuiltinPolicy::Reform {
                at: minutes,
                before: inner(before, &path.child("before"), model, base, window.split(minutes, false))?,
                after: Box::new(build_in(
                    after,
                    &path.child("after"),
                    model,
                    base,
                    window.split(minutes, true),
                )?),
            }
        }
        PolicySpec::GreenChannel {
            share,
            factor: f,
            stages,
            reserved_lanes,
            of,
        } => {
            if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                return Err(path
                    .child("share")
                    .invalid(format!("must be between 0 and 1, got {share}")));
            }
            for (name, n) in reserved_lanes.iter().flatten() {
                let rp = path.child("reserved_lanes").child(name);
                let s = stage_index(model, name, &rp)?;
                let st = &model.stages[s];
                if st.kind != StageKind::Servers {
                    return Err(rp.invalid(format!("`{name}` is not a `servers` stage: only lanes can be reserved")));
                }
                if *share <= 0.0 {
                    return Err(path
                        .child("share")
                        .invalid("must be above 0 when lanes are reserved for the green channel"));
                }
                if *n == 0 || *n >= st.timeline.max_servers() {
                    return Err(rp.invalid(format!(
                        "must be at least 1 and less than the stage's most open servers ({}): one lane stays general, got {n}",
                        st.timeline.max_servers()
                    )));
                }
                if model.green_share > 0.0 && model.green_share != *share {
                    return Err(rp.invalid("only one green channel (one share) can reserve lanes"));
                }
                reserve(&mut model.stages[s].timeline, *n, window);
                model.green_share = *share;
            }
            BuiltinPolicy::GreenChannel {
                share: *share,
                factor: factor(*f, &path.child("factor"))?,
                stages: stage_set(model, stages, &path.child("stages"))?,
                inner: inner(of, &path.child("of"), model, base, window)?,
            }
        }
        PolicySpec::QueueResponsive {
            per_waiting,
            min_factor,
            max_factor,
            stages,
            of,
        } => {
            if !per_waiting.is_finite() {
                return Err(path.child("per_waiting").invalid("must be a finite number"));
            }
            let lo = factor(min_factor.unwrap_or(0.5), &path.child("min_factor"))?;
            let hi = factor(max_factor.unwrap_or(1.5), &path.child("max_factor"))?;
            if lo > hi {
                return Err(path
                    .child("min_factor")
                    .invalid(format!("must not exceed max_factor ({hi}), got {lo}")));
            }
            BuiltinPolicy::QueueResponsive {
                per_waiting: *per_waiting,
                min_factor: lo,
                max_factor: hi,
                stages: stage_set(model, stages, &path.child("stages"))?,
                inner: inner(of, &path.child("of"), model, base, window)?,
            }
        }
        PolicySpec::InspectionRate { stage, rates, of } => {
            let s = stage_index(model, stage, &path.child("stage"))?;
            for (mode_name, p) in rates {
                let rp = path.child("rates").child(mode_name);
                let m = mode_index(model, mode_name, &rp)?;
                if !(p.is_finite() && (0.0..=1.0).contains(p)) {
                    return Err(rp.invalid(format!("a probability must be between 0 and 1, got {p}")));
                }
                if !set_inspection_rate(model, s, m, *p, window) {
                    return Err(rp.invalid(format!(
                        "mode `{mode_name}` has no optional step {{ stage = \"{stage}\", probability = ... }} in its route to change"
                    )));
                }
            }
            *inner(of, &path.child("of"), model, base, window)?
        }
    })
}

/// Reserves `n` lanes on a stage for the green channel during `window`.
fn reserve(timeline: &mut Timeline, n: u32, window: Window) {
    if window.is_whole() {
        timeline.reserved = n;
    } else if !window.is_empty() {
        timeline.periods.push(Period {
            from: window.from,
            to: window.to,
            set: Setting {
                reserved: Some(n),
                ..Setting::default()
            },
        });
    }
}

/// Sets the probability of the optional route step to stage `s` for mode `m` during
/// `window`: in the model itself for the whole run, or as dated route changes that set it at
/// the window's start and put back the value in force before at its end. Returns false when
/// no route of that mode has such a step.
fn set_inspection_rate(model: &mut ModelSpec, s: usize, m: usize, p: f64, window: Window) -> bool {
    let port = model.stages[s].port;
    let mut changed = false;
    let mut dated = Vec::new();
    for (fi, f) in model.flows.iter_mut().enumerate() {
        if f.mode != m || f.port != port {
            continue;
        }
        for (step, rs) in f.route.iter_mut().enumerate() {
            let RouteStep::Maybe(x, prob) = rs else { continue };
            if *x != s {
                continue;
            }
            changed = true;
            if window.is_whole() {
                *prob = p;
            } else if !window.is_empty() {
                let change = |at, probability| RouteChange {
                    at,
                    flow: fi,
                    step,
                    probability,
                };
                dated.push(change(window.from, p));
                if window.to.is_finite() {
                    dated.push(change(window.to, *prob));
                }
            }
        }
    }
    model.route_changes.extend(dated);
    changed
}

fn stages_text(model: &ModelSpec, stages: &Option<Vec<String>>) -> String {
    match stages {
        None => "every stage".into(),
        Some(v) => {
            let parts: Vec<String> = v
                .iter()
                .map(|n| {
                    // Validation has made the name mean exactly one stage.
                    let kind = stages_named(model, n)
                        .first()
                        .map(|&i| match model.stages[i].kind {
                            StageKind::Dwell => "a dwell: changes time in system and occupancy, not capacity",
                            StageKind::Servers => "lanes: changes capacity",
                            StageKind::Driver { .. } => "a driver queue",
                        })
                        .unwrap_or("");
                    format!("{n} ({kind})")
                })
                .collect();
            parts.join(", ")
        }
    }
}

/// The policy in plain words, saying for each stage whether it is a dwell (the policy changes
/// time in system and yard occupancy) or lanes (it changes capacity).
pub fn describe_policy(spec: &PolicySpec, model: &ModelSpec) -> String {
    let mut o = String::new();
    let of = |o: &mut String, p: &Option<Box<PolicySpec>>| {
        if let Some(p) = p {
            let _ = write!(o, ", applied to [{}]", describe_policy(p, model));
        }
    };
    match spec {
        PolicySpec::Distribution {} => o.push_str("the stages' clearance distributions"),
        PolicySpec::Scaled {
            factor,
            stages,
            modes,
            of: inner,
        } => {
            let _ = write!(o, "clearance times x{factor:.4} at {}", stages_text(model, stages));
            if let Some(m) = modes {
                let _ = write!(o, " for {}", m.join(", "));
            }
            of(&mut o, inner);
        }
        PolicySpec::Reform { at, before, after } => {
            let b = before
                .as_ref()
                .map_or("the stages' clearance distributions".to_string(), |p| {
                    describe_policy(p, model)
                });
            let _ = write!(o, "until {at}: {b}; from {at}: {}", describe_policy(after, model));
        }
        PolicySpec::GreenChannel {
            share,
            factor,
            stages,
            reserved_lanes,
            of: inner,
        } => {
            let _ = write!(
                o,
                "green channel: {:.0}% of consignments cleared x{factor:.4} at {}",
                share * 100.0,
                stages_text(model, stages)
            );
            for (s, n) in reserved_lanes.iter().flatten() {
                let _ = write!(o, "; {n} lane(s) of {s} reserved for them");
            }
            of(&mut o, inner);
        }
        PolicySpec::InspectionRate {
            stage,
            rates,
            of: inner,
        } => {
            let r: Vec<String> = rates.iter().map(|(m, p)| format!("{m} {:.1}%", p * 100.0)).collect();
            let _ = write!(o, "inspection rate at {stage}: {}", r.join(", "));
            of(&mut o, inner);
        }
        PolicySpec::QueueResponsive {
            per_waiting,
            min_factor,
            max_factor,
            stages,
            of: inner,
        } => {
            let _ = write!(
                o,
                "queue-responsive officers at {}: time x(1 {:+} per consignment waiting), within x{}..x{}",
                stages_text(model, stages),
                per_waiting,
                min_factor.unwrap_or(0.5),
                max_factor.unwrap_or(1.5)
            );
            of(&mut o, inner);
        }
    }
    o
}
