//! Surges and batches: a one-off batch drained by one lane, worked by hand, and a dated
//! surge whose extra arrivals match the rate it sets (and not one 5 % off).

mod common;

use bordersim::model::Scope;
use common::*;

/// One lane, constant 2-minute clearance, no arrivals of its own but `extra`.
fn lane(extra: &str, days: u32) -> String {
    format!(
        r#"[simulation]
start = "2025-11-01"
horizon_days = {days}
seed = 5
replications = 4
report_interval_min = 60

[modes.car]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "constant", value = 2 }}

[ports.p.flows.car]
{extra}
route = ["lane"]
"#
    )
}

#[test]
fn a_batch_of_thirty_drains_as_worked_by_hand() {
    // 30 cars at 06:00 on day 1, one lane of 2 minutes: the k-th (from 0) waits 2k minutes,
    // so the mean wait is 2 x 14.5 = 29, the longest 58, the queue peaks at 29, and the
    // line holds 29, 28, ... for 2 minutes each: its time-average over the day is
    // 2 x (29 + 28 + ... + 1) / 1440 = 870 / 1440.
    let sc = parse(&lane(
        "times_min = [2000]\nbatches = [{ at = \"2025-11-01T06:00\", consignments = 30 }]",
        2,
    ));
    let exp = run(&sc);
    let s = Scope::Stage(0);
    let one = |name| values(&exp, s, name)[0];
    assert_eq!(one("served"), 31.0);
    // 30 of the batch wait 29 on average; the lone arrival on day 2 finds the lane free.
    assert!((one("wait_mean_min") - 29.0 * 30.0 / 31.0).abs() < 1e-9);
    assert_eq!(one("wait_max_min"), 58.0);
    assert_eq!(one("queue_max"), 29.0);
    assert!(
        (one("queue_mean") - 2.0 * 435.0 / 2880.0).abs() < 1e-9,
        "{}",
        one("queue_mean")
    );
    // Every replication is the same: nothing random here.
    assert!(values(&exp, s, "wait_mean_min").windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn a_surge_adds_the_arrivals_its_factor_asks_for() {
    // 10 an hour for 60 days, three times as many for the week from 10 November.
    let surge = |factor: f64| {
        lane(
            &format!(
                "rate = {{ per_hour = 10 }}\nsurges = [{{ from = \"2025-11-10\", to = \"2025-11-17\", factor = {factor} }}]"
            ),
            60,
        )
        .replace("replications = 4", "replications = 12")
    };
    let exp = run(&parse(&surge(3.0)));
    let arrivals = values(&exp, Scope::Port, "arrivals");
    // Warm-up is none here: every arrival of the 60 days counts.
    let expected = |factor: f64| 10.0 * 24.0 * (53.0 + 7.0 * factor);
    let z = z_score(&arrivals, expected(3.0));
    assert!(z < 4.0, "{z:.1} SE from the rate the surge asks for");
    // A model whose surge was 5 % stronger would be caught.
    let z = z_score(&arrivals, expected(3.15));
    assert!(z > 4.0, "a 5 % stronger surge is only {z:.1} SE away");
}
