//! A stage's daily quota (`daily_cap`): at most N clearances start per calendar day, the
//! rest wait for midnight. Deterministic cases worked out on paper.

mod common;

use bordersim::model::Scope;
use common::*;

fn scenario(start: &str, days: f64, cap: u32) -> String {
    format!(
        r#"[simulation]
start = "{start}"
horizon_days = {days}
replications = 1

[modes.truck]
kind = "generic"

[ports.p.stages.entry]
kind = "dwell"
daily_cap = {cap}
clearance = {{ dist = "constant", value = 5 }}

[ports.p.flows.truck]
every_min = 10
route = ["entry"]
"#
    )
}

#[test]
fn the_quota_sets_daily_throughput_and_the_backlog_waits_for_midnight() {
    // 144 arrivals a day, 100 may start a day: 300 in 3 days, the other 132 still wait.
    // Day 1: arrivals 0..990 start at once; from 1000 on they wait for midnight.
    let exp = run(&parse(&scenario("2025-01-06", 3.0, 100)));
    let s = Scope::Stage(0);
    assert_eq!(values(&exp, s, "served")[0], 300.0);
    assert_eq!(values(&exp, Scope::Port, "completed")[0], 300.0);
    assert_eq!(values(&exp, s, "queue_at_end")[0], 132.0);
    assert_eq!(values(&exp, s, "capped_days_fraction")[0], 1.0);
    // The first to wait arrived at 1000 and started at 1440.
    assert!(values(&exp, s, "wait_max_min")[0] >= 440.0);
}

#[test]
fn the_quota_resets_at_calendar_midnight_not_every_24_hours_of_run_time() {
    // Start at noon: 10 starts before midnight (t = 720), 10 more after it; the run ends at
    // noon the next day.
    let exp = run(&parse(&scenario("2025-01-06T12:00", 1.0, 10)));
    assert_eq!(values(&exp, Scope::Stage(0), "served")[0], 20.0);
}

#[test]
fn a_quota_that_is_never_reached_changes_nothing() {
    let capped = run(&parse(&scenario("2025-01-06", 3.0, 1000)));
    let s = Scope::Stage(0);
    assert_eq!(values(&capped, s, "served")[0], 432.0);
    assert_eq!(values(&capped, s, "wait_max_min")[0], 0.0);
    assert_eq!(values(&capped, s, "capped_days_fraction")[0], 0.0);
}

fn warmed(start: &str, days: f64, warm: f64, cap: u32) -> String {
    scenario(start, days, cap).replace("replications = 1", &format!("replications = 1\nwarmup_days = {warm}"))
}

#[test]
fn capped_days_count_calendar_days_partial_ones_included() {
    // Noon to noon touches two calendar days; the quota runs out on both.
    let exp = run(&parse(&scenario("2025-01-06T12:00", 1.0, 10)));
    assert_eq!(values(&exp, Scope::Stage(0), "capped_days_fraction")[0], 1.0);
    // The quota of day 3 runs out at 01:30, before the warm-up ends at 12:00: the one day
    // measured was still capped.
    let exp = run(&parse(&warmed("2025-01-06", 3.0, 2.5, 10)));
    assert_eq!(values(&exp, Scope::Stage(0), "served")[0], 0.0);
    assert_eq!(values(&exp, Scope::Stage(0), "capped_days_fraction")[0], 1.0);
    // A quota of 100 runs out at 16:30 each day: from 12:00 on day 2, days 2 and 3 count.
    let exp = run(&parse(&warmed("2025-01-06", 3.0, 1.5, 100)));
    assert_eq!(values(&exp, Scope::Stage(0), "capped_days_fraction")[0], 1.0);
    // 144 arrivals a day never use up a quota of 145.
    let exp = run(&parse(&warmed("2025-01-06", 3.0, 1.5, 145)));
    assert_eq!(values(&exp, Scope::Stage(0), "capped_days_fraction")[0], 0.0);
}
