//! The rules README's "Model rules" states that a reader could otherwise only guess (issue
//! 19), each pinned on a case small enough to work out on paper.

mod common;

use bordersim::model::{MetricKey, Scope};
use common::*;

fn head(extra: &str) -> String {
    format!(
        "[simulation]\nstart = \"2025-01-06\"\nseed = 1\nreplications = 1\nreport_interval_min = 1440\n{extra}\n[modes.car]\nkind = \"generic\"\n\n"
    )
}

fn one(exp: &bordersim::experiment::Experiment, scope: Scope, name: &'static str) -> f64 {
    values(exp, scope, name)[0]
}

#[test]
fn warm_up_counts_arrivals_by_arrival_and_completions_by_departure() {
    // Warm-up ends at 1440. A arrives 1430, is served 1430-1460; B arrives 1450, waits 10
    // and is served 1460-1490. Arrivals after the warm-up: B only. Completions (and time in
    // system) after it: both, A's 30 minutes included. Waits are recorded when service
    // starts: A's (0, at 1430) is discarded, B's (10, at 1460) kept.
    let src = head("horizon_days = 2\nwarmup_days = 1\n")
        + r#"[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = { dist = "constant", value = 30 }

[ports.p.flows.car]
times_min = [1430, 1450]
route = ["lane"]
"#;
    let exp = run(&parse(&src));
    assert_eq!(one(&exp, Scope::Port, "arrivals"), 1.0);
    assert_eq!(one(&exp, Scope::Port, "completed"), 2.0);
    assert_eq!(one(&exp, Scope::Port, "time_in_system_mean_min"), 35.0);
    assert_eq!(one(&exp, Scope::Stage(0), "wait_mean_min"), 10.0);
    assert_eq!(one(&exp, Scope::Stage(0), "served"), 1.0);
}

#[test]
fn a_percentile_over_replications_is_the_mean_of_each_replications_percentile() {
    let src = head("horizon_days = 5\n").replace("replications = 1", "replications = 4")
        + r#"[ports.p.stages.lane]
kind = "servers"
servers = 2
clearance = { dist = "exponential", mean = 5 }

[ports.p.flows.car]
rate = { per_hour = 20 }
route = ["lane"]
"#;
    let exp = run(&parse(&src));
    let key = MetricKey {
        port: 0,
        scope: Scope::Port,
        name: "time_in_system_p95_min",
    };
    let i = exp.metrics.iter().position(|(k, _)| *k == key).unwrap();
    let per_rep: Vec<f64> = exp.per_replication[i].iter().map(|v| v.unwrap()).collect();
    let mean = per_rep.iter().sum::<f64>() / per_rep.len() as f64;
    let est = exp.get(&key).unwrap();
    assert!((est.mean - mean).abs() < 1e-9 * mean, "{} vs {mean}", est.mean);
    assert_eq!(est.n, 4);
    // The replications differ, so this is not a pooled quantile of one histogram.
    assert!(per_rep.iter().any(|&v| v != per_rep[0]));
}

fn schedule_at(windows: &str, day: u32, hh: u32) -> u32 {
    let src = head("horizon_days = 7\n")
        + &format!(
            "[ports.p.stages.lane]\nkind = \"servers\"\nservers = 0\nschedule = [{windows}]\nclearance = {{ dist = \"constant\", value = 1 }}\n\n[ports.p.flows.car]\nevery_min = 60\nroute = [\"lane\"]\n"
        );
    parse(&src).spec.stages[0].timeline.weekly.at(day * 1440 + hh * 60)
}

#[test]
fn hours_after_midnight_belong_to_the_next_day_and_later_windows_win_there() {
    let night = "{ days = \"mon\", from = \"22:00\", to = \"06:00\", servers = 1 }";
    let tuesday = "{ days = \"tue\", from = \"00:00\", to = \"08:00\", servers = 2 }";
    // Monday's night window runs into Tuesday 00:00-06:00 (day 1 is Tuesday).
    assert_eq!(schedule_at(night, 0, 23), 1);
    assert_eq!(schedule_at(night, 1, 3), 1);
    assert_eq!(schedule_at(night, 1, 7), 0);
    // With a Tuesday window listed after it, Tuesday's own window wins those hours ...
    assert_eq!(schedule_at(&format!("{night}, {tuesday}"), 1, 3), 2);
    // ... and listed before it, Monday's night window wins them.
    assert_eq!(schedule_at(&format!("{tuesday}, {night}"), 1, 3), 1);
    assert_eq!(schedule_at(&format!("{tuesday}, {night}"), 1, 7), 2);
    // Sunday night runs into Monday of the next week.
    let sunday = "{ days = \"sun\", from = \"22:00\", to = \"06:00\", servers = 1 }";
    assert_eq!(schedule_at(sunday, 0, 3), 1);
}

#[test]
fn queue_responsive_counts_those_still_waiting_not_the_one_starting() {
    // One lane, 10 minutes each, times x (1 + 1 x waiting). A, B, C arrive at 0, 1, 2.
    // A starts at 0 with nobody waiting: 10 min. B starts at 10 with C waiting: x2 = 20 min,
    // done at 30. C starts at 30 with nobody waiting: done at 40. Times in system 10, 29, 38.
    // (Counting the one starting would give B x3 and C done at 50.)
    let src = head("horizon_days = 1\n").replace(
        "[simulation]",
        "policy = { type = \"queue_responsive\", per_waiting = 1, min_factor = 0.5, max_factor = 5 }\n\n[simulation]",
    ) + r#"[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = { dist = "constant", value = 10 }

[ports.p.flows.car]
times_min = [0, 1, 2]
route = ["lane"]
"#;
    let exp = run(&parse(&src));
    assert_eq!(one(&exp, Scope::Port, "time_in_system_max_min"), 38.0);
    assert!((one(&exp, Scope::Port, "time_in_system_mean_min") - 77.0 / 3.0).abs() < 1e-9);
}

#[test]
fn a_green_consignment_takes_a_free_reserved_lane_before_a_general_one() {
    // Two lanes, one reserved for the green half; pairs arrive a minute apart every 100
    // minutes, 10 minutes each, so each pair finds both lanes free. If green took a reserved
    // lane first, only the second of two general consignments waits (both general: 1 pair
    // in 4, so 1 consignment in 8). If green took a general lane first, a general one after
    // a green one would wait too (1 in 4).
    let times: Vec<String> = (0..1400)
        .flat_map(|i| [i * 100, i * 100 + 1])
        .map(|t| t.to_string())
        .collect();
    let src = head("horizon_days = 98\n").replace(
        "[simulation]",
        "policy = { type = \"green_channel\", share = 0.5, factor = 1, reserved_lanes = { lane = 1 } }\n\n[simulation]",
    ) + &format!(
        "[ports.p.stages.lane]\nkind = \"servers\"\nservers = 2\nclearance = {{ dist = \"constant\", value = 10 }}\n\n[ports.p.flows.car]\ntimes_min = [{}]\nroute = [\"lane\"]\n",
        times.join(", ")
    );
    let exp = run(&parse(&src));
    let p = one(&exp, Scope::Stage(0), "p_wait");
    let pairs = one(&exp, Scope::Stage(0), "served") / 2.0;
    // Half the share of pairs of two general consignments, a binomial share of the pairs.
    let se = (0.25 * 0.75 / pairs).sqrt() / 2.0;
    assert!((p - 0.125).abs() < 4.0 * se, "P(wait) {p} vs 1/8 (se {se})");
    assert!(
        (p - 0.25).abs() > 10.0 * se,
        "P(wait) {p}: green took general lanes first"
    );
    assert!((one(&exp, Scope::Stage(0), "wait_mean_min") - 9.0 * p).abs() < 1e-9);
}

#[test]
fn a_car_blocked_at_a_driver_stage_counts_in_stage_not_in_queue() {
    // Cars at 0 and 1 take drivers at once; the lane (10 min) holds one car. B is blocked
    // at `pickup` from 1 to 10, holding its driver: in pickup's in_stage, not its queue.
    let src = head("horizon_days = 1\n").replace("kind = \"generic\"", "kind = \"self_driving\"")
        + r#"[ports.p.stages.pickup]
kind = "driver"

[ports.p.stages.lane]
kind = "servers"
servers = 1
capacity = 1
clearance = { dist = "constant", value = 10 }

[ports.p.drivers]
count = 5
to_transit_lot = { dist = "constant", value = 30 }
return_trip = { dist = "constant", value = 30 }

[ports.p.flows.car]
times_min = [0, 1]
route = ["pickup", "lane"]
"#;
    let exp = run(&parse(&src));
    let pickup = Scope::Stage(0);
    assert!((one(&exp, pickup, "in_stage_mean") - 9.0 / 1440.0).abs() < 1e-12);
    assert_eq!(one(&exp, pickup, "queue_mean"), 0.0);
    assert_eq!(one(&exp, pickup, "wait_max_min"), 0.0);
    assert_eq!(one(&exp, Scope::Stage(1), "blocked"), 1.0);
    assert_eq!(one(&exp, Scope::Stage(1), "wait_max_min"), 9.0);
}
