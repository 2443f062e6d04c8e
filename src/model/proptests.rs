//! Property tests: random valid scenarios, run with a full trace, checked against the
//! engine's invariants.

use super::observer::{Recorder, Trace};
use super::sim::Simulation;
use super::spec::{RouteStep, StageKind};
use crate::model::Scope;
use proptest::prelude::*;
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// One random stage: (kind 0 servers / 1 dwell, servers, capacity, priority, schedule?, mean,
/// daily cap, mean patience, breakdowns as (mean working time between failures, mean repair,
/// restart?)).
type StageGen = (
    u8,
    u32,
    Option<u32>,
    bool,
    bool,
    f64,
    Option<u32>,
    Option<f64>,
    Option<(f64, f64, bool)>,
);

/// A stage's dated change (room, clearance factor) from 12:00 on day 1 to day 2, and
/// whether its line diverts to port q (when it has a patience).
type StageExtra = (Option<(u32, f64)>, bool);

/// Scenario-wide options: a closure of port p on day 1 10:00-14:00, service targets,
/// waits by hour, vehicle lengths, costs.
type Extras = (bool, bool, bool, bool, bool);

/// One random flow: (rate per hour, priority class, route as (stage, optional probability),
/// a surge factor from 06:00 to 18:00 on the first day and a batch at 08:00).
type FlowGen = (f64, u8, Vec<(usize, Option<f64>)>, Option<(f64, u32)>);

fn scenario_text(
    stages: &[StageGen],
    flows: &[FlowGen],
    (extra, x): (&[StageExtra], Extras),
    days: f64,
    warm: f64,
    interval: f64,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[simulation]\nstart = \"2025-01-06\"\nhorizon_days = {days}\nwarmup_days = {warm}\nreplications = 1\nreport_interval_min = {interval}\n"
    );
    let (closure, targets, by_hour, length, costs) = x;
    if targets || by_hour {
        let t = if targets { "[30, 120, 600]" } else { "[]" };
        let _ = writeln!(s, "[service]\ntargets_min = {t}\nby_hour = {by_hour}\n");
    }
    if costs {
        let _ = writeln!(
            s,
            "[costs]\nlane_hour = 40\nvehicle_hour_waiting = 7\nvehicle_hour_in_port = 1\n"
        );
    }
    for (i, _) in flows.iter().enumerate() {
        let _ = writeln!(s, "[modes.m{i}]\nkind = \"generic\"");
        if length {
            let _ = writeln!(s, "length_m = {}\ngap_m = 2", 4 + 8 * i);
        }
        s.push('\n');
    }
    if closure {
        let _ = writeln!(
            s,
            "[ports.p]\nclosures = [{{ from = \"2025-01-06T10:00\", to = \"2025-01-06T14:00\" }}]\n"
        );
    }
    for (i, (kind, servers, cap, prio, sched, mean, daily, patience, breakdowns)) in stages.iter().enumerate() {
        let _ = writeln!(s, "[ports.p.stages.s{i}]");
        if *kind == 0 {
            let _ = writeln!(s, "kind = \"servers\"\nservers = {servers}");
            if *sched {
                let _ = writeln!(
                    s,
                    "schedule = [{{ days = \"all\", from = \"08:00\", to = \"20:00\", servers = {} }}]",
                    servers + 2
                );
            }
            if *prio {
                let _ = writeln!(s, "discipline = \"priority\"");
            }
            if let Some((between, repair, restart)) = breakdowns {
                let rule = if *restart { "restart" } else { "resume" };
                let _ = writeln!(
                    s,
                    "breakdowns = {{ between = {{ dist = \"exponential\", mean = {between} }}, repair = {{ dist = \"exponential\", mean = {repair} }}, rule = \"{rule}\" }}"
                );
            }
        } else {
            let _ = writeln!(s, "kind = \"dwell\"");
        }
        if let Some(c) = cap {
            let _ = writeln!(s, "capacity = {c}");
        }
        if let Some(d) = daily {
            let _ = writeln!(s, "daily_cap = {d}");
        }
        if let Some(p) = patience {
            let _ = writeln!(s, "patience = {{ dist = \"exponential\", mean = {p} }}");
            if extra[i].1 {
                let _ = writeln!(
                    s,
                    "divert = {{ to = \"q\", travel = {{ dist = \"exponential\", mean = 30 }} }}"
                );
            }
        }
        if let Some((room, factor)) = extra[i].0 {
            let _ = writeln!(
                s,
                "changes = [{{ from = \"2025-01-06T12:00\", to = \"2025-01-07\", capacity = {room}, policy = {{ type = \"scaled\", factor = {factor} }} }}]"
            );
        }
        let _ = writeln!(s, "clearance = {{ dist = \"exponential\", mean = {mean} }}\n");
    }
    for (i, (rate, class, route, surge)) in flows.iter().enumerate() {
        let steps: Vec<String> = route
            .iter()
            .map(|(st, p)| match p {
                None => format!("\"s{st}\""),
                Some(p) => format!("{{ stage = \"s{st}\", probability = {p} }}"),
            })
            .collect();
        let _ = writeln!(
            s,
            "[ports.p.flows.m{i}]\nrate = {{ per_hour = {rate} }}\npriority = {class}\nroute = [{}]",
            steps.join(", ")
        );
        if let Some((factor, batch)) = surge {
            let _ = writeln!(
                s,
                "surges = [{{ from = \"2025-01-06T06:00\", to = \"2025-01-06T18:00\", factor = {factor} }}]\nbatches = [{{ at = \"2025-01-06T08:00\", consignments = {batch} }}]"
            );
        }
        s.push('\n');
    }
    // The port diverted lines drive to: one lane, a trickle of each mode of its own.
    if stages.iter().zip(extra).any(|(st, e)| st.7.is_some() && e.1) {
        let _ = writeln!(
            s,
            "[ports.q.stages.lane]\nkind = \"servers\"\nservers = 2\ncapacity = 20\nclearance = {{ dist = \"exponential\", mean = 5 }}\n"
        );
        for i in 0..flows.len() {
            let _ = writeln!(
                s,
                "[ports.q.flows.m{i}]\nrate = {{ per_hour = 1 }}\nroute = [\"lane\"]\n"
            );
        }
    }
    s
}

fn scenarios() -> impl Strategy<Value = String> {
    let stage = (
        0u8..2,
        1u32..4,
        proptest::option::weighted(0.3, 1u32..6),
        any::<bool>(),
        proptest::bool::weighted(0.3),
        1.0f64..40.0,
        proptest::option::weighted(0.2, 5u32..80),
        proptest::option::weighted(0.25, 1.0f64..60.0),
        // Restart needs lanes that rarely fail during one clearance (at most 40 minutes on
        // average here), or a clearance may never finish.
        proptest::option::weighted(0.25, (100.0f64..2000.0, 1.0f64..60.0, any::<bool>())),
    );
    let extra = (
        proptest::option::weighted(0.2, (1u32..6, 0.5f64..3.0)),
        proptest::bool::weighted(0.5),
    );
    let extras = (
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
    );
    (
        proptest::collection::vec((stage, extra), 1..5),
        extras,
        1.0f64..4.0,
        0.0f64..0.5,
        prop_oneof![Just(60.0), Just(180.0), Just(1440.0)],
    )
        .prop_flat_map(|(stages, extras, days, warm, interval)| {
            let (stages, extra): (Vec<StageGen>, Vec<StageExtra>) = stages.into_iter().unzip();
            let n = stages.len();
            // A route: a non-empty ordered subset of the stages, some steps optional.
            let route = proptest::collection::vec((any::<bool>(), proptest::option::weighted(0.3, 0.05f64..0.95)), n)
                .prop_map(move |picks| {
                    let mut r: Vec<(usize, Option<f64>)> = picks
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.0)
                        .map(|(i, p)| (i, p.1))
                        .collect();
                    if r.is_empty() {
                        r.push((0, None));
                    }
                    r
                });
            let flow = (
                1.0f64..30.0,
                0u8..3,
                route,
                proptest::option::weighted(0.3, (0.0f64..5.0, 1u32..50)),
            );
            proptest::collection::vec(flow, 1..4)
                .prop_map(move |flows| scenario_text(&stages, &flows, (&extra, extras), days, warm * days, interval))
        })
}

fn check(src: &str, seed: u64) -> Result<(), TestCaseError> {
    let sc = crate::scenario::parse_str(src, Path::new("generated.toml"))
        .map_err(|e| TestCaseError::fail(format!("{e}\n{src}")))?;
    let spec = &sc.spec;
    let mut sim = Simulation::observed(spec, sc.policy.clone(), seed, 0, Recorder::default());
    sim.run();
    let trace = sim.observer().0.clone();
    let time = |e: &Trace| match *e {
        Trace::Arrive { t, .. }
        | Trace::TurnedAway { t, .. }
        | Trace::Enter { t, .. }
        | Trace::Start { t, .. }
        | Trace::Finish { t, .. }
        | Trace::Blocked { t, .. }
        | Trace::Unblocked { t, .. }
        | Trace::Leave { t, .. }
        | Trace::Depart { t, .. }
        | Trace::Abandon { t, .. }
        | Trace::Divert { t, .. }
        | Trace::DriverAway { t, .. }
        | Trace::DriverBack { t, .. }
        | Trace::Report { t, .. } => t,
    };
    // The clock never goes back.
    for w in trace.windows(2) {
        prop_assert!(
            time(&w[1]) >= time(&w[0]),
            "clock went back: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    // Each consignment: arrives first, then visits stages in route order, each as enter,
    // start, leave; never leaves before it arrives.
    // A diverted consignment starts a new life at the port it drives to: (serial, life).
    let mut history: HashMap<(u64, u32), Vec<Trace>> = HashMap::new();
    let mut flow_of: HashMap<(u64, u32), usize> = HashMap::new();
    let mut lives: HashMap<u64, u32> = HashMap::new();
    for e in &trace {
        let serial = match *e {
            Trace::Arrive { serial, flow, .. } => {
                flow_of.insert((serial, *lives.entry(serial).or_default()), flow);
                serial
            }
            Trace::TurnedAway { serial, .. }
            | Trace::Enter { serial, .. }
            | Trace::Start { serial, .. }
            | Trace::Finish { serial, .. }
            | Trace::Blocked { serial, .. }
            | Trace::Unblocked { serial, .. }
            | Trace::Leave { serial, .. }
            | Trace::Depart { serial, .. }
            | Trace::Abandon { serial, .. }
            | Trace::Divert { serial, .. } => serial,
            Trace::Report { .. } | Trace::DriverAway { .. } | Trace::DriverBack { .. } => continue,
        };
        let life = *lives.entry(serial).or_default();
        history.entry((serial, life)).or_default().push(*e);
        if matches!(e, Trace::Divert { .. }) {
            *lives.entry(serial).or_default() += 1;
        }
    }
    for (key, h) in &history {
        let serial = &key.0;
        prop_assert!(matches!(h[0], Trace::Arrive { .. }), "{serial}: first event {:?}", h[0]);
        let flow = &spec.flows[flow_of[key]];
        let route: Vec<usize> = flow
            .route
            .iter()
            .map(|st| match st {
                RouteStep::Always(s) | RouteStep::Maybe(s, _) => *s,
                RouteStep::Choose(v) => v[0].0,
            })
            .collect();
        let mut visited = Vec::new();
        let mut expect = 0; // 0 enter, 1 start, 2 finish, 3 leave
        let mut blocked = false;
        for e in &h[1..] {
            match *e {
                Trace::Enter { stage, .. } => {
                    prop_assert_eq!(expect, 0, "{}: enter out of order {:?}", serial, h);
                    visited.push(stage);
                    expect = 1;
                }
                Trace::Start { stage, .. } => {
                    prop_assert!(
                        expect == 1 && visited.last() == Some(&stage),
                        "{}: start out of order {:?}",
                        serial,
                        h
                    );
                    expect = 2;
                }
                Trace::Finish { stage, .. } => {
                    prop_assert!(
                        expect == 2 && visited.last() == Some(&stage),
                        "{}: finish out of order {:?}",
                        serial,
                        h
                    );
                    expect = 3;
                }
                // Blocked only once finished, unblocked only once blocked, at the same stage.
                Trace::Blocked { stage, .. } | Trace::Unblocked { stage, .. } => {
                    let now_blocked = matches!(e, Trace::Blocked { .. });
                    prop_assert!(
                        expect == 3 && visited.last() == Some(&stage) && blocked != now_blocked,
                        "{}: blocked or unblocked out of order {:?}",
                        serial,
                        h
                    );
                    blocked = now_blocked;
                }
                Trace::Leave { stage, .. } => {
                    prop_assert!(
                        expect == 3 && !blocked && visited.last() == Some(&stage),
                        "{}: leave out of order {:?}",
                        serial,
                        h
                    );
                    expect = 0;
                }
                Trace::Depart { .. } | Trace::TurnedAway { .. } => {
                    prop_assert_eq!(expect, 0, "{}: left mid-stage {:?}", serial, h)
                }
                // Giving up happens in the line only: entered, not started, and it is the end.
                Trace::Abandon { stage, .. } => {
                    prop_assert!(
                        expect == 1 && visited.last() == Some(&stage) && spec.stages[stage].patience.is_some(),
                        "{}: gave up outside a line with patience {:?}",
                        serial,
                        h
                    );
                    prop_assert!(
                        matches!(h.last(), Some(Trace::Abandon { .. })),
                        "{}: went on after giving up",
                        serial
                    );
                }
                // Diverting too: from the line, and the end of its life at this port.
                Trace::Divert { stage, .. } => {
                    prop_assert!(
                        expect == 1 && visited.last() == Some(&stage) && spec.stages[stage].divert.is_some(),
                        "{}: diverted outside a line with a diversion {:?}",
                        serial,
                        h
                    );
                    prop_assert!(
                        matches!(h.last(), Some(Trace::Divert { .. })),
                        "{}: went on at the same port after diverting",
                        serial
                    );
                }
                _ => {}
            }
        }
        // Stages in route order, skipping only optional steps.
        let mut it = route.iter().zip(&flow.route);
        for s in &visited {
            loop {
                let Some((r, step)) = it.next() else {
                    return Err(TestCaseError::fail(format!(
                        "{serial}: visited {visited:?} not along route {route:?}"
                    )));
                };
                if r == s {
                    break;
                }
                prop_assert!(
                    matches!(step, RouteStep::Maybe(..)),
                    "{serial}: skipped a mandatory stage {r} in {visited:?}"
                );
            }
        }
        if matches!(h.last(), Some(Trace::Depart { .. })) {
            for (_, step) in it {
                prop_assert!(
                    matches!(step, RouteStep::Maybe(..)),
                    "{serial}: departed before a mandatory stage"
                );
            }
        }
    }
    // FIFO within a priority class at every stage (no reserved lanes here), among those
    // that did not give up.
    let gave_up: std::collections::HashSet<(u64, usize)> = trace
        .iter()
        .filter_map(|e| match *e {
            Trace::Abandon { serial, stage, .. } | Trace::Divert { serial, stage, .. } => Some((serial, stage)),
            _ => None,
        })
        .collect();
    let mut queued: HashMap<(usize, u8), Vec<u64>> = HashMap::new();
    let mut started: HashMap<(usize, u8), Vec<u64>> = HashMap::new();
    let mut class_of: HashMap<(u64, usize), u8> = HashMap::new();
    for e in &trace {
        match *e {
            Trace::Enter {
                serial, stage, class, ..
            } => {
                let c = if spec.stages[stage].priority { class } else { 0 };
                class_of.insert((serial, stage), c);
                if !gave_up.contains(&(serial, stage)) {
                    queued.entry((stage, c)).or_default().push(serial);
                }
            }
            Trace::Start { serial, stage, .. } => {
                let c = class_of[&(serial, stage)];
                started.entry((stage, c)).or_default().push(serial);
            }
            _ => {}
        }
    }
    for (k, s) in &started {
        prop_assert_eq!(
            &queued[k][..s.len()],
            &s[..],
            "FIFO broken at stage {} class {}",
            k.0,
            k.1
        );
    }
    // Conservation at every report: arrived = completed + inside + turned away.
    let (mut arrived, mut gone) = (0usize, 0usize);
    for e in &trace {
        match *e {
            Trace::Arrive { .. } => arrived += 1,
            Trace::Depart { .. } | Trace::TurnedAway { .. } | Trace::Abandon { .. } | Trace::Divert { .. } => gone += 1,
            Trace::Report { inside, .. } => prop_assert_eq!(arrived, gone + inside, "conservation broken at a report"),
            _ => {}
        }
    }
    // Utilizations and probabilities stay in [0, 1].
    for (k, v) in sim.metrics() {
        if let (Some(v), true) = (
            v,
            matches!(
                k.name,
                "utilization" | "p_wait" | "turned_away_fraction" | "abandoned_fraction" | "repair_share"
            ),
        ) {
            prop_assert!((0.0..=1.0 + 1e-9).contains(&v), "{:?} = {v}", k);
        }
        if let (Scope::Stage(s), "utilization") = (k.scope, k.name) {
            prop_assert!(spec.stages[s].kind == StageKind::Servers);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold_on_random_scenarios(src in scenarios(), seed in 0u64..1000) {
        check(&src, seed)?;
    }
}
