//! Dated changes of a stage's capacity (`changes = [...]`): a closure and a quota cut, worked
//! out by hand, and the located errors. The first disruption mechanism built on the capacity
//! timeline: a weekly boundary inside a closure must not reopen the lanes.

mod common;

use bordersim::model::Scope;
use common::*;

/// 2 lanes (3 from 12:00 to 13:00 every day), a constant 10-minute clearance and a truck
/// every 6 minutes, for 3 days from Monday 2025-01-06, with `changes` on the lanes.
fn lanes(changes: &str) -> String {
    format!(
        r#"[simulation]
start = "2025-01-06"
horizon_days = 3
seed = 1
replications = 1
report_interval_min = 1440

[modes.truck]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 2
schedule = [{{ days = "all", from = "12:00", to = "13:00", servers = 3 }}]
clearance = {{ dist = "constant", value = 10 }}
changes = [{changes}]

[ports.p.flows.truck]
every_min = 6
route = ["lane"]
"#
    )
}

fn lane(changes: &str, name: &'static str) -> f64 {
    values(&run(&parse(&lanes(changes))), Scope::Stage(0), name)[0]
}

#[test]
fn a_closed_day_stays_closed_through_its_weekly_boundaries() {
    let closed = r#"{ from = "2025-01-07", to = "2025-01-08", servers = 0 }"#;
    // Day 0: all 240 trucks start at once. Day 1: closed, including the 12:00-13:00 window
    // (the two trucks in service at midnight finish). Day 2: a backlog of 240, so both lanes
    // start one every 10 minutes from 00:00 to the horizon (145 each, the horizon's own
    // minute included) and the third lane six more between 12:00 and 13:00.
    assert_eq!(lane(closed, "served"), 240.0 + 290.0 + 6.0);
    // Lanes open on average: (2 x 1440 + 60) twice, over 3 days.
    let open = lane(closed, "servers_open_mean");
    assert!((open - 2.0 * 2940.0 / 4320.0).abs() < 1e-9, "servers open {open}");
    assert_eq!(lane("", "served"), 720.0, "without the closure nobody waits");
}

#[test]
fn a_quota_from_a_date_holds_for_its_period_only() {
    let cut = r#"{ from = "2025-01-07", to = "2025-01-08", daily_cap = 100 }"#;
    // 240 on day 0, 100 on day 1, then both lanes busy all of day 2 with the backlog.
    assert_eq!(lane(cut, "served"), 240.0 + 100.0 + 290.0 + 6.0);
    let capped = lane(cut, "capped_days_fraction");
    assert!(
        (capped - 1.0 / 3.0).abs() < 1e-12,
        "capped on one day of three, got {capped}"
    );
}

#[test]
fn dated_changes_are_checked_where_they_are_written() {
    let cases = [
        (
            r#"{ from = "2026-01-07", servers = 0 }"#,
            "ports.p.stages.lane.changes.0.from: 2026-01-07 is outside the simulated period",
        ),
        (
            r#"{ from = "2025-01-07", to = "2025-01-07", servers = 0 }"#,
            "ports.p.stages.lane.changes.0.to: must be after `from`",
        ),
        (
            r#"{ from = "2025-01-07" }"#,
            "changes.0: a change sets `servers`, `daily_cap`, `capacity` or `policy` (or several)",
        ),
        (
            r#"{ from = "2025-01-06", servers = 1 }, { from = "2025-01-07", daily_cap = 0 }"#,
            "ports.p.stages.lane.changes.1.daily_cap: must be at least 1",
        ),
        (
            r#"{ from = "2025-13-07", servers = 1 }"#,
            "changes.0.from: `2025-13-07` is not a valid calendar date",
        ),
        (r#"{ from = "2025-01-07", lanes = 1 }"#, "unknown field `lanes`"),
    ];
    for (changes, want) in cases {
        let src = lanes(changes);
        let err = bordersim::scenario::parse_str(&src, std::path::Path::new("t.toml"))
            .err()
            .unwrap_or_else(|| panic!("accepted {changes}"))
            .to_string();
        assert!(err.contains(want), "{changes}: {err}");
    }
}

#[test]
fn a_quota_change_at_midnight_serves_the_new_day_only() {
    // A yard whose quota is 2 a day, 5 from the second midnight; 10 trucks at 00:10 on day 1.
    // Day 1 starts 2, day 2 starts 5: 7 in two days. (When the change ran before the
    // midnight reset it first topped up the old day to 5, then gave the new day 5: 10.)
    let src = r#"[simulation]
start = "2025-01-06"
horizon_days = 2
seed = 1
replications = 1
report_interval_min = 1440

[modes.truck]
kind = "generic"

[ports.p.stages.yard]
kind = "dwell"
daily_cap = 2
clearance = { dist = "constant", value = 10 }
changes = [{ from = "2025-01-07", daily_cap = 5 }]

[ports.p.flows.truck]
times_min = [2000]
batches = [{ at = "2025-01-06T00:10", consignments = 10 }]
route = ["yard"]
"#;
    let exp = run(&parse(src));
    assert_eq!(values(&exp, Scope::Stage(0), "served")[0], 7.0);
}

/// One lane, constant 10-minute clearance, a truck every `every` minutes for one day from
/// Monday 2025-01-06, with `stage` lines added to the lane.
fn one_lane(every: u32, stage: &str) -> String {
    format!(
        r#"[simulation]
start = "2025-01-06"
horizon_days = 1
seed = 1
replications = 1

[modes.truck]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "constant", value = 10 }}
{stage}

[ports.p.flows.truck]
every_min = {every}
route = ["lane"]
"#
    )
}

#[test]
fn room_that_grows_takes_more_and_room_that_shrinks_sends_nobody_out() {
    // A truck a minute at one 10-minute lane; the lane is always busy, so one leaves every
    // 10 minutes (at 10, 20, ..., 1430: 143) and the arrival of that minute takes its place.
    // Room 3, then 6 from 01:00: 3 at first, 5 more at 10..50; at 60 the room grows (before
    // the departure and the arrival of 60) and 60..63 come in: 4; then one per departure
    // from 70 to 1430 (137). Admitted 149 of 1440.
    let grow = one_lane(
        1,
        "capacity = 3\nchanges = [{ from = \"2025-01-06T01:00\", capacity = 6 }]",
    );
    let exp = run(&parse(&grow));
    assert_eq!(values(&exp, Scope::Port, "turned_away")[0], 1440.0 - 149.0);
    assert_eq!(values(&exp, Scope::Stage(0), "in_stage_max")[0], 6.0);
    // Room 6, then 2 from 01:00: 6 at first and 5 more at 10..50 (11). At 60 nobody is sent
    // out: six inside, one leaves at each of 60, 70, 80, 90, and only at 100 are there
    // fewer than 2, so the arrival of 100 comes in; then one per departure from 110 to
    // 1430 (133). Admitted 11 + 1 + 133 = 145.
    let shrink = one_lane(
        1,
        "capacity = 6\nchanges = [{ from = \"2025-01-06T01:00\", capacity = 2 }]",
    );
    let exp = run(&parse(&shrink));
    assert_eq!(values(&exp, Scope::Port, "turned_away")[0], 1440.0 - 145.0);
}

#[test]
fn a_dated_policy_changes_the_stage_s_clearance_for_its_period_only() {
    // A truck every 30 minutes, 10-minute clearance, twice as long for clearances starting
    // from 01:00 to 02:00 (the trucks of 60 and 90): 46 stay 10 minutes, 2 stay 20.
    let src = one_lane(
        30,
        "changes = [{ from = \"2025-01-06T01:00\", to = \"2025-01-06T02:00\", policy = { type = \"scaled\", factor = 2 } }]",
    );
    let sc = parse(&src);
    let exp = run(&sc);
    let mean = values(&exp, Scope::Port, "time_in_system_mean_min")[0];
    assert!((mean - (46.0 * 10.0 + 2.0 * 20.0) / 48.0).abs() < 1e-12, "{mean}");
    assert_eq!(values(&exp, Scope::Port, "time_in_system_max_min")[0], 20.0);
    // It wraps whatever the scenario's own policy is, and says so in `check`.
    assert!(
        sc.policy_text
            .contains("at p.lane from 2025-01-06T01:00 to 2025-01-06T02:00"),
        "{}",
        sc.policy_text
    );
}

#[test]
fn a_closed_port_starts_nothing_at_any_stage_and_drains_after() {
    // A dwell of 30 minutes before a 5-minute lane. Closed 10:00-12:00: the 12 trucks of
    // 10:00-11:50 wait at the dwell (the first stage) and all start it at 12:00. The three
    // in the dwell at 10:00 (arrived 09:30, 09:40, 09:50) finish it and wait for the lane;
    // the one of 09:30 finishes at 10:00 itself, after the closure (simultaneous events:
    // capacity changes before completions), so it waits the whole 120 minutes.
    let src = one_lane(10, "").replace(
        "[ports.p.stages.lane]",
        "[ports.p]\nclosures = [{ from = \"2025-01-06T10:00\", to = \"2025-01-06T12:00\" }]\n\n[ports.p.stages.papers]\nkind = \"dwell\"\nclearance = { dist = \"constant\", value = 30 }\n\n[ports.p.stages.lane]",
    ).replace("route = [\"lane\"]", "route = [\"papers\", \"lane\"]").replace("value = 10 }", "value = 5 }");
    let exp = run(&parse(&src));
    assert_eq!(values(&exp, Scope::Stage(0), "queue_max")[0], 12.0);
    assert_eq!(values(&exp, Scope::Stage(0), "wait_max_min")[0], 120.0);
    assert_eq!(values(&exp, Scope::Stage(1), "wait_max_min")[0], 120.0);
    // The closure is a dated event whose backlog is followed: 3 inside when it starts; at
    // 12:00, 12 in the dwell, 3 at the lane and the truck of 12:00: 16.
    let [before, peak, after, _] = bordersim::model::backlog::names(0);
    assert_eq!(values(&exp, Scope::Port, before)[0], 3.0);
    assert_eq!(values(&exp, Scope::Port, peak)[0], 16.0);
    assert_eq!(values(&exp, Scope::Port, after)[0], 120.0);
}
