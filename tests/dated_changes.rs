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
            "changes.0: a change sets `servers` or `daily_cap`",
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
