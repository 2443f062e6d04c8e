//! A `reform` whose `before` or `after` policy changes the model (lanes reserved for the
//! green channel, inspection rates) changes it only for its own period (issue 18). These
//! failed before the policy builder turned such settings into dated changes: reserved lanes
//! acted from day 0, and when `before` and `after` both set an inspection rate the last one
//! built held for the whole run.

mod common;

use bordersim::model::Scope;
use common::*;

/// 2 lanes, a constant 10-minute clearance and a truck every 6 minutes, for 10 days, with
/// `policy` as the baseline's. Without reserved lanes nobody waits: the lanes take a truck
/// each in turn and are free again 2 minutes before it is their turn.
fn two_lanes(policy: &str) -> String {
    format!(
        r#"policy = {policy}

[simulation]
start = "2025-01-06"
horizon_days = 10
seed = 1
replications = 1
report_interval_min = 1440

[modes.truck]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 2
clearance = {{ dist = "constant", value = 10 }}

[ports.p.stages.inspection]
kind = "dwell"
clearance = {{ dist = "constant", value = 1 }}

[ports.p.flows.truck]
every_min = 6
route = ["lane", {{ stage = "inspection", probability = 0.5 }}]
"#
    )
}

fn lane(policy: &str, name: &'static str) -> f64 {
    let exp = run(&parse(&two_lanes(policy)));
    values(&exp, Scope::Stage(0), name)[0]
}

// A share so small that no truck is green: a reserved lane then simply stands idle, leaving
// one general lane for a truck every 6 minutes that takes 10.
const RESERVE_ONE: &str = r#"{ type = "green_channel", share = 1e-9, factor = 1, reserved_lanes = { lane = 1 } }"#;

#[test]
fn lanes_reserved_after_a_reform_are_reserved_only_from_its_date() {
    let after = format!(r#"{{ type = "reform", at = "2025-01-11", after = {RESERVE_ONE} }}"#);
    // Days 0-5: two lanes keep up, 1,200 trucks start at once. Days 5-10: one general lane
    // starts one every 10 minutes, 720 more, and every one of them has waited (the truck
    // arriving at the switch finds the general lane busy until minute 7204).
    let served = lane(&after, "served");
    let p_wait = lane(&after, "p_wait");
    assert!((served - 1920.0).abs() <= 1.0, "served {served}, expected 1,200 + 720");
    assert!(
        (p_wait - 720.0 / 1920.0).abs() < 1e-3,
        "P(wait) {p_wait}, expected 720/1920"
    );
    // Reserved all along: one lane for all ten days, and almost everyone waits.
    assert!((lane(RESERVE_ONE, "served") - 1440.0).abs() <= 1.0);
    assert!(lane(RESERVE_ONE, "p_wait") > 0.99);
    assert_eq!(lane(r#"{ type = "distribution" }"#, "p_wait"), 0.0);
}

#[test]
fn lanes_reserved_before_a_reform_are_released_at_its_date() {
    let before = format!(
        r#"{{ type = "reform", at = "2025-01-11", before = {RESERVE_ONE}, after = {{ type = "distribution" }} }}"#
    );
    // One general lane for five days (720 starts, at minutes 0, 10, ..., 7190), then both
    // lanes busy all the time with the line built up: two starts at each of minutes 7200,
    // 7210, ..., 14400 (the horizon's own minute is simulated), 1,442. Reserved all along it
    // would be 1,441 in all.
    let served = lane(&before, "served");
    assert_eq!(served, 2162.0, "expected 720 + 1,442");
}

#[test]
fn inspection_rates_before_and_after_a_reform_each_hold_in_their_own_period() {
    let rate = |p: f64| format!(r#"{{ type = "inspection_rate", stage = "inspection", rates = {{ truck = {p} }} }}"#);
    let policy = format!(
        r#"{{ type = "reform", at = "2025-01-11", before = {}, after = {} }}"#,
        rate(0.0),
        rate(1.0)
    );
    let exp = run(&parse(&two_lanes(&policy)));
    let inspected = values(&exp, Scope::Stage(1), "served")[0];
    let arrived = values(&exp, Scope::Port, "arrivals")[0];
    // None inspected in the first five days, all in the last five.
    assert!(
        (inspected - arrived / 2.0).abs() <= 2.0,
        "inspected {inspected} of {arrived}: rate 0 until day 5, then 1"
    );
    // The other way round gives the same count: the order the branches are built in no
    // longer decides which rate holds.
    let reversed = format!(
        r#"{{ type = "reform", at = "2025-01-11", before = {}, after = {} }}"#,
        rate(1.0),
        rate(0.0)
    );
    let exp = run(&parse(&two_lanes(&reversed)));
    let inspected_rev = values(&exp, Scope::Stage(1), "served")[0];
    assert!(
        (inspected_rev - arrived / 2.0).abs() <= 2.0,
        "reversed: {inspected_rev}"
    );
}

#[test]
fn check_describes_the_dated_reserved_lanes() {
    let after = format!(r#"{{ type = "reform", at = "2025-01-11", after = {RESERVE_ONE} }}"#);
    let sc = parse(&two_lanes(&after));
    let periods = &sc.spec.stages[0].timeline.periods;
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0].from, 5.0 * 1440.0);
    assert_eq!(periods[0].set.reserved, Some(1));
    assert_eq!(
        sc.spec.stages[0].timeline.reserved, 0,
        "nothing reserved before the date"
    );
}
