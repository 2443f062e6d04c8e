//! Diversion to another port when patience runs out: a deterministic case traced by hand,
//! and the Erlang-A (M/M/c+M) share of arrivals that leave, seen as arrivals at the other
//! port after the travel time.

mod common;

use bordersim::model::{Recorder, Scope, Simulation, Trace};
use common::*;

/// Port a: `servers` lanes of `clearance`, `arrivals`, patience `patience`, diverting to
/// port b (`travel` minutes away), which clears on five 1-minute lanes and has a car of
/// its own every 1000 minutes.
fn two_ports(
    servers: u32,
    clearance: &str,
    patience: &str,
    travel: &str,
    arrivals: &str,
    days: u32,
    reps: u32,
) -> String {
    format!(
        r#"[simulation]
start = "2025-01-06"
horizon_days = {days}
seed = 3
replications = {reps}

[modes.car]
kind = "generic"

[ports.a.stages.lane]
kind = "servers"
servers = {servers}
clearance = {clearance}
patience = {patience}
divert = {{ to = "b", travel = {travel} }}

[ports.a.flows.car]
{arrivals}
route = ["lane"]

[ports.b.stages.lane]
kind = "servers"
servers = 5
clearance = {{ dist = "constant", value = 1 }}

[ports.b.flows.car]
every_min = 1000
route = ["lane"]
"#
    )
}

#[test]
fn a_diverted_car_leaves_one_port_and_arrives_at_the_other_after_the_drive() {
    let src = two_ports(
        1,
        r#"{ dist = "constant", value = 10 }"#,
        r#"{ dist = "constant", value = 15 }"#,
        r#"{ dist = "constant", value = 30 }"#,
        "every_min = 4",
        1,
        1,
    );
    let sc = parse(&src);
    let mut sim = Simulation::observed(&sc.spec, sc.policy.clone(), 1, 0, Recorder::default());
    sim.run();
    // The lane serves 0 (0-10), 4 (10-20), 8 (20-30); car 12 has waited 15 at 27 and
    // drives off, reaching b at 57, where a lane is free: it leaves b at 58. It is serial
    // 4: b's own car of minute 0 arrived second.
    let of4: Vec<Trace> = sim
        .observer()
        .0
        .iter()
        .copied()
        .filter(|e| match e {
            Trace::Arrive { serial, .. }
            | Trace::Enter { serial, .. }
            | Trace::Start { serial, .. }
            | Trace::Leave { serial, .. }
            | Trace::Depart { serial, .. }
            | Trace::Divert { serial, .. }
            | Trace::Abandon { serial, .. }
            | Trace::TurnedAway { serial, .. }
            | Trace::Finish { serial, .. }
            | Trace::Blocked { serial, .. }
            | Trace::Unblocked { serial, .. }
            | Trace::DriverAway { serial, .. } => *serial == 4,
            Trace::Report { .. } | Trace::DriverBack { .. } => false,
        })
        .collect();
    let b_flow = sc
        .spec
        .flows
        .iter()
        .position(|f| sc.spec.ports[f.port].name == "b")
        .unwrap();
    let b_lane = sc
        .spec
        .stages
        .iter()
        .position(|s| sc.spec.ports[s.port].name == "b")
        .unwrap();
    assert_eq!(
        of4,
        vec![
            Trace::Arrive {
                t: 12.0,
                serial: 4,
                flow: 0,
                vehicles: 1
            },
            Trace::Enter {
                t: 12.0,
                serial: 4,
                stage: 0,
                class: 0
            },
            Trace::Divert {
                t: 27.0,
                serial: 4,
                stage: 0
            },
            Trace::Arrive {
                t: 57.0,
                serial: 4,
                flow: b_flow,
                vehicles: 1
            },
            Trace::Enter {
                t: 57.0,
                serial: 4,
                stage: b_lane,
                class: 0
            },
            Trace::Start {
                t: 57.0,
                serial: 4,
                stage: b_lane
            },
            Trace::Finish {
                t: 58.0,
                serial: 4,
                stage: b_lane
            },
            Trace::Leave {
                t: 58.0,
                serial: 4,
                stage: b_lane
            },
            Trace::Depart { t: 58.0, serial: 4 },
        ]
    );
    // Books: at a, every arrival is cleared, diverted or still inside, and none gave up
    // for good; b saw its own two cars plus every diversion that reached it before the end.
    let exp = run(&sc);
    let (a, b) = (0, 1);
    let at = |port, scope, name| values_at(&exp, port, scope, name)[0];
    let diverted = at(a, Scope::Flow(0), "run_diverted");
    assert!(diverted > 100.0, "{diverted}");
    assert_eq!(
        at(a, Scope::Flow(0), "run_arrived"),
        at(a, Scope::Flow(0), "run_completed") + diverted + at(a, Scope::Flow(0), "run_inside_at_end")
    );
    assert!(!exp.metrics.iter().any(|(k, _)| k.port == a && k.name == "abandoned"));
    // Diverted after minute 1410 are still on the road at the end (1440).
    let trace = &sim.observer().0;
    let late = trace
        .iter()
        .filter(|e| matches!(e, Trace::Divert { t, .. } if *t >= 1410.0))
        .count() as f64;
    assert_eq!(at(b, Scope::Port, "diverted_in"), diverted - late);
    assert_eq!(at(b, Scope::Port, "arrivals"), 2.0 + diverted - late);
    assert_eq!(at(b, Scope::Port, "time_in_system_max_min"), 1.0);
}

#[test]
fn the_share_diverted_is_erlang_a_and_arrives_at_the_other_port() {
    // M/M/2+M at a: lambda 0.18/min, mu 0.1, patience rate 1/20. The share leaving is
    // Erlang A's P(abandon); b sees them as arrivals at lambda P(abandon) per minute.
    let src = two_ports(
        2,
        r#"{ dist = "exponential", mean = 10 }"#,
        r#"{ dist = "exponential", mean = 20 }"#,
        r#"{ dist = "exponential", mean = 45 }"#,
        "rate = { per_minute = 0.18 }",
        40,
        20,
    );
    let exp = run(&parse(&src));
    let ea = erlang_a(0.18, 0.1, 2, 0.05);
    let share = values_at(&exp, 0, Scope::Port, "diverted_fraction");
    let z = z_score(&share, ea.p_abandon);
    assert!(
        z < 4.0,
        "P(divert) {:?} against Erlang A {} (z = {z})",
        mean_se(&share),
        ea.p_abandon
    );
    assert!(z_score(&share, ea.p_abandon * 1.05) > 4.0, "a 5 % error would pass");
    // Served waits are Erlang A's too: diversion is abandonment with somewhere to go.
    let w = values_at(&exp, 0, Scope::Stage(0), "wait_mean_min");
    assert!(
        z_score(&w, ea.wq_served) < 4.0,
        "{:?} against {}",
        mean_se(&w),
        ea.wq_served
    );
    // At b, diverted arrivals per minute of the run (those of the last drive excepted).
    let got = values_at(&exp, 1, Scope::Port, "diverted_in");
    let per_min: Vec<f64> = got.iter().map(|n| n / (40.0 * 1440.0)).collect();
    let want = 0.18 * ea.p_abandon;
    assert!(z_score(&per_min, want) < 4.0, "{:?} against {want}", mean_se(&per_min));
}
