//! The model's rules on hand-checkable cases: deterministic arrivals and clearance times,
//! so every expected number can be worked out on paper (the working is in the comments).

mod common;

use bordersim::model::Scope;
use common::*;

fn head(days: f64) -> String {
    format!(
        "[simulation]\nstart = \"2025-01-06\"\nhorizon_days = {days}\nseed = 1\nreplications = 1\nreport_interval_min = 1440\n\n[modes.car]\nkind = \"generic\"\n\n"
    )
}

fn one(exp: &bordersim::experiment::Experiment, scope: Scope, name: &'static str) -> f64 {
    values(exp, scope, name)[0]
}

#[test]
fn a_consignment_in_service_when_its_lane_closes_finishes_in_overtime() {
    // One lane open 08:00-09:00 each day. A arrives 08:50 and is served 08:50-09:20 (20 min
    // of overtime). B arrives 08:55, finds the lane busy, then closed, and waits until 08:00
    // the next day: 23 h 05 min = 1385 min. Lane time: 60 + 20 (overtime) + 60 = 140 min,
    // of which 60 busy.
    let src = head(2.0)
        + r#"[ports.p.stages.lane]
kind = "servers"
schedule = [ { days = "all", from = "08:00", to = "09:00", servers = 1 } ]
clearance = { dist = "constant", value = 30 }

[ports.p.flows.car]
times_min = [530, 535]
route = ["lane"]
"#;
    let exp = run(&parse(&src));
    let s = Scope::Stage(0);
    assert_eq!(one(&exp, s, "served"), 2.0);
    assert_eq!(one(&exp, s, "wait_max_min"), 1385.0);
    assert_eq!(one(&exp, s, "wait_mean_min"), 1385.0 / 2.0);
    assert!((one(&exp, s, "utilization") - 60.0 / 140.0).abs() < 1e-12);
    assert!((one(&exp, s, "servers_open_mean") - 120.0 / 2880.0).abs() < 1e-12);
    assert_eq!(one(&exp, Scope::Port, "time_in_system_max_min"), 1385.0 + 30.0);
}

#[test]
fn a_full_stage_blocks_upstream_and_a_full_entrance_turns_away() {
    // Arrivals every 10 min into A (10 min) then B (30 min, room for 1). From the second
    // consignment on, each finishes A and waits 20 min blocked in A for B to empty.
    // Completions at 40, 70, ..., 1420 within one day: 47.
    let src = head(1.0)
        + r#"[ports.p.stages.a]
kind = "servers"
servers = 1
clearance = { dist = "constant", value = 10 }

[ports.p.stages.b]
kind = "servers"
servers = 1
capacity = 1
clearance = { dist = "constant", value = 30 }

[ports.p.flows.car]
every_min = 10
route = ["a", "b"]
"#;
    let exp = run(&parse(&src));
    assert_eq!(one(&exp, Scope::Port, "completed"), 47.0);
    assert_eq!(one(&exp, Scope::Stage(1), "wait_max_min"), 20.0);
    assert!(one(&exp, Scope::Stage(1), "blocked") >= 46.0);
    assert_eq!(one(&exp, Scope::Port, "turned_away"), 0.0);
    assert!(
        one(&exp, Scope::Stage(0), "utilization") > 0.99,
        "blocked time holds lane A"
    );

    // Entrance with room for 1 and 15-min service, arrivals every 10 min over 1000 min:
    // arrivals at 0, 10, ..., 990 (100: a run covers [0, horizon)); every second one finds it full.
    let src = head(1000.0 / 1440.0)
        + r#"[ports.p.stages.gate]
kind = "servers"
servers = 1
capacity = 1
clearance = { dist = "constant", value = 15 }

[ports.p.flows.car]
every_min = 10
route = ["gate"]
"#;
    let exp = run(&parse(&src));
    assert_eq!(one(&exp, Scope::Port, "arrivals"), 100.0);
    assert_eq!(one(&exp, Scope::Port, "turned_away"), 50.0);
    assert_eq!(one(&exp, Scope::Stage(0), "turned_away"), 50.0);
}

#[test]
fn priority_classes_are_served_first_and_fifo_within_a_class() {
    // One lane, 10 min each. Low-priority trucks at 0, 1, 2; a high-priority one at 1.5.
    // Order: low@0 (0-10), high@1.5 (10-20, wait 8.5), low@1 (20-30, wait 19), low@2 (30-40, wait 28).
    let src = r#"[simulation]
horizon_days = 1
replications = 1

[modes.low]
kind = "generic"

[modes.high]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 1
discipline = "priority"
clearance = { dist = "constant", value = 10 }

[ports.p.flows.low]
times_min = [0, 1, 2]
priority = 1
route = ["lane"]

[ports.p.flows.high]
times_min = [1.5]
priority = 0
route = ["lane"]
"#;
    let sc = parse(src);
    let high = sc.spec.modes.iter().position(|m| m.name == "high").unwrap();
    let low = sc.spec.modes.iter().position(|m| m.name == "low").unwrap();
    let exp = run(&sc);
    assert_eq!(one(&exp, Scope::StageMode(0, high), "wait_mean_min"), 8.5);
    assert!((one(&exp, Scope::StageMode(0, low), "wait_mean_min") - (0.0 + 19.0 + 28.0) / 3.0).abs() < 1e-9);
    // Without priority, plain FIFO: high waits 10 - 1.5 + 10 = 18.5.
    let exp = run(&parse(&src.replace("discipline = \"priority\"\n", "")));
    assert_eq!(one(&exp, Scope::StageMode(0, high), "wait_mean_min"), 18.5);
}

#[test]
fn drivers_are_held_until_the_return_trip_ends() {
    // One driver; 10 min to the transit lot, 20 back. Cars at 0, 5, 10, each 5 min at the
    // exit. Car 0 leaves at 5, driver back at 35; car 1 waits 5 -> 35, leaves at 40, driver
    // back at 70; car 2 waits 10 -> 70. Driver waits: 0, 30, 60.
    let src = r#"[simulation]
horizon_days = 1
replications = 1

[modes.car]
kind = "self_driving"

[ports.p.stages.pickup]
kind = "driver"

[ports.p.stages.exit]
kind = "dwell"
clearance = { dist = "constant", value = 5 }

[ports.p.drivers]
count = 1
to_transit_lot = { dist = "constant", value = 10 }
return_trip = { dist = "constant", value = 20 }

[ports.p.flows.car]
times_min = [0, 5, 10]
route = ["pickup", "exit"]
"#;
    let exp = run(&parse(src));
    assert_eq!(one(&exp, Scope::Stage(0), "wait_mean_min"), 30.0);
    assert_eq!(one(&exp, Scope::Stage(0), "wait_max_min"), 60.0);
    assert_eq!(one(&exp, Scope::Port, "time_in_system_max_min"), 65.0);
    // Busy 0-105 (three trips of 35) out of 1440 minutes.
    assert!((one(&exp, Scope::Pool(0), "utilization") - 105.0 / 1440.0).abs() < 1e-12);
    assert_eq!(one(&exp, Scope::Pool(0), "trips"), 3.0);
}

#[test]
fn day_of_week_profile_with_a_zero_keeps_that_day_empty() {
    // Start Monday 2025-01-06; no arrivals on Sundays. Daily rows: rows 6 and 13 are Sundays.
    let src = head(14.0)
        + r#"[ports.p.stages.lane]
kind = "servers"
servers = 50
clearance = { dist = "constant", value = 1 }

[ports.p.flows.car]
rate = { per_day = 100 }
day_of_week = [1, 1, 1, 1, 1, 1, 0]
route = ["lane"]
"#;
    let sc = parse(&src);
    let exp = run(&sc);
    let s = &exp.series;
    let col = s.defs.iter().position(|d| d.metric == "arrivals").unwrap();
    let daily: Vec<f64> = (0..s.ends.len())
        .map(|r| s.cells[r * s.defs.len() + col].mean().unwrap())
        .collect();
    assert_eq!(daily.len(), 14);
    assert_eq!(daily[6], 0.0);
    assert_eq!(daily[13], 0.0);
    // Other days: mean rate 100/day spread over 6 days -> 116.7 a day.
    let weekdays: f64 = daily
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 != 6)
        .map(|(_, v)| v)
        .sum::<f64>()
        / 12.0;
    assert!((weekdays - 116.7).abs() < 4.0 * (116.7f64 / 12.0).sqrt(), "{weekdays}");
}

#[test]
fn optional_and_alternative_route_steps_follow_their_probabilities() {
    let src = head(200.0)
        + r#"[ports.p.stages.a]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.p.stages.x]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.p.stages.y]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.p.stages.z]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.p.flows.car]
rate = { per_hour = 10 }
route = [{ stage = "a", probability = 0.08 }, { choose = [{ stage = "x", probability = 0.25 }, { stage = "y", probability = 0.75 }] }, "z"]
"#;
    let sc = parse(&src);
    let idx = |n: &str| sc.spec.stages.iter().position(|s| s.name == n).unwrap();
    let exp = run(&sc);
    let n = one(&exp, Scope::Port, "arrivals");
    for (stage, p) in [("a", 0.08), ("x", 0.25), ("y", 0.75), ("z", 1.0)] {
        let got = one(&exp, Scope::Stage(idx(stage)), "entered") / n;
        let se = (p * (1.0 - p) / n).sqrt().max(1e-9);
        assert!((got - p).abs() <= 4.0 * se, "{stage}: {got} vs {p}");
    }
}

#[test]
fn a_driver_pool_serves_its_stages_first_come_first_served() {
    // Two self-driving modes wait for the same two drivers at two different stages, with
    // the same rates: the longest-waiting car gets the next driver, so both stages see the
    // same waits (an M/M/2 queue at load 0.9 overall: Wq = 42.6 min).
    let src = r#"[simulation]
horizon_days = 200
warmup_days = 2
replications = 8

[modes.a]
kind = "self_driving"

[modes.b]
kind = "self_driving"

[ports.p.stages.pick_a]
kind = "driver"

[ports.p.stages.pick_b]
kind = "driver"

[ports.p.drivers]
count = 2
to_transit_lot = { dist = "constant", value = 0 }
return_trip = { dist = "exponential", mean = 10 }

[ports.p.flows.a]
rate = { per_minute = 0.09 }
route = ["pick_a"]

[ports.p.flows.b]
rate = { per_minute = 0.09 }
route = ["pick_b"]
"#;
    let sc = parse(src);
    let exp = run(&sc);
    let a = values(&exp, Scope::Stage(0), "wait_mean_min");
    let b = values(&exp, Scope::Stage(1), "wait_mean_min");
    let diff: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    assert!(
        z_score(&diff, 0.0) < 4.0,
        "stage waits differ: {:?} vs {:?}",
        mean_se(&a),
        mean_se(&b)
    );
    let all: Vec<f64> = a.iter().zip(&b).map(|(x, y)| (x + y) / 2.0).collect();
    let expected = erlang_c(0.18, 0.1, 2).wq;
    assert!(
        z_score(&all, expected) < 4.0,
        "pooled wait {:?} vs M/M/2 {expected}",
        mean_se(&all)
    );
}

#[test]
fn consignments_still_waiting_at_the_end_are_counted() {
    // One 10-minute lane, a truck every 5 minutes for 100 minutes: 20 arrive, and the rest
    // still wait when the run ends.
    let src = head(100.0 / 1440.0)
        + r#"[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = { dist = "constant", value = 10 }

[ports.p.flows.car]
every_min = 5
route = ["lane"]
"#;
    let exp = run(&parse(&src));
    // Arrivals at 0, 5, ..., 95 (20); service starts at 0, 10, ..., 100 (11: events at
    // the horizon still run), so 9 wait at the end.
    assert_eq!(one(&exp, Scope::Stage(0), "queue_at_end"), 9.0);
    assert_eq!(one(&exp, Scope::Stage(0), "served"), 11.0);
}
