//! Policies and variants: the reform switch, common random numbers, and bad variants.

mod common;

use bordersim::experiment::compare;
use bordersim::model::Scope;
use bordersim::scenario::{Overrides, load_set, parse_set};
use common::*;
use std::path::Path;
use std::process::Command;

const REFORM: &str = r#"[simulation]
start = "2025-05-01"
horizon_days = 2
replications = 1

[modes.truck]
kind = "generic"

[ports.p.stages.processing]
kind = "dwell"
clearance = { dist = "constant", value = 360 }

[ports.p.flows.truck]
times_min = [599, 599.999, 600, 601]
route = ["processing"]

[policy]
type = "reform"
at = "2025-05-01T10:00"
after = { type = "scaled", factor = 0.16666666666666666, stages = ["processing"] }
"#;

#[test]
fn a_reform_switches_exactly_at_its_time() {
    // Processing starts on arrival. Trucks starting at 599 and 599.999 minutes (before
    // 10:00) keep 6 h even though they finish after the switch; those at 600 and 601 get 1 h.
    let sc = parse(REFORM);
    let exp = run(&sc);
    let tis = |name| values(&exp, Scope::Port, name)[0];
    assert_eq!(tis("completed"), 4.0);
    assert!((tis("time_in_system_max_min") - 360.0).abs() < 1e-9);
    assert!((tis("time_in_system_mean_min") - (360.0 * 2.0 + 60.0 * 2.0) / 4.0).abs() < 1e-9);
    let p50 = tis("time_in_system_p50_min");
    assert!((p50 - 60.0).abs() < 0.5, "two of four took 1 h: median {p50}");
}

#[test]
fn common_random_numbers_narrow_the_interval_of_the_difference() {
    // Baktu's green channel against its baseline, 10 replications each: the paired
    // difference in mean time in system varies far less with common random numbers.
    let set = load_set(Path::new("scenarios/baktu.toml"), Overrides::default()).unwrap();
    let green = set.get("green_channel").unwrap();
    let pair = [&set.baseline, green];
    let diff_var = |independent: bool| {
        let c = compare(&pair, 10, 11, independent).unwrap();
        let row = c
            .rows
            .iter()
            .find(|r| {
                r.variant == "green_channel"
                    && r.stage.is_empty()
                    && r.mode.is_empty()
                    && r.metric == "time_in_system_mean_min"
            })
            .unwrap();
        let se = row.diff.unwrap().se.unwrap();
        se * se
    };
    let (crn, indep) = (diff_var(false), diff_var(true));
    let reduction = 1.0 - crn / indep;
    eprintln!(
        "variance of the difference: CRN {crn:.4}, independent {indep:.4}, reduction {:.0}%",
        reduction * 100.0
    );
    assert!(
        crn < indep / 4.0,
        "common random numbers should cut the variance at least 4-fold: {crn} vs {indep}"
    );
}

#[test]
fn variant_overrides_reach_the_model() {
    let set = load_set(Path::new("scenarios/horgos-reform.toml"), Overrides::default()).unwrap();
    let drivers = |name: &str| set.get(name).unwrap().spec.pools[0].size;
    assert_eq!(drivers("baseline"), 2000);
    assert_eq!(drivers("more_drivers"), 3000);
    let lanes = set.get("daytime").unwrap();
    let st = lanes.spec.stages.iter().find(|s| s.name == "export_lanes").unwrap();
    assert_eq!(
        st.timeline.weekly.at(7 * 60),
        0,
        "closed at 07:00 in the daytime variant"
    );
    assert_eq!(st.timeline.weekly.at(9 * 60), 8);
    assert_eq!(
        set.names(),
        vec!["baseline", "daytime", "more_drivers", "one_hour", "reform_may"]
    );
}

#[test]
fn inspection_rate_changes_the_share_sent_to_inspection() {
    let src = REFORM.replace("[policy]\ntype = \"reform\"", "[variants.inspect]\npolicy = { type = \"inspection_rate\", stage = \"check\", rates = { truck = 0.5 } }\n\n[unused]\ntype = \"reform\"");
    // The replacement above leaves an unknown [unused] table: the schema must reject it.
    assert!(parse_set(&src, Path::new("x.toml"), Overrides::default()).is_err());
    let src = r#"[simulation]
horizon_days = 50
replications = 2

[modes.truck]
kind = "generic"

[ports.p.stages.check]
kind = "dwell"
clearance = { dist = "constant", value = 5 }

[ports.p.stages.exit]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.p.flows.truck]
rate = { per_hour = 6 }
route = [{ stage = "check", probability = 0.1 }, "exit"]

[variants.inspect]
policy = { type = "inspection_rate", stage = "check", rates = { truck = 0.5 } }
"#;
    let set = parse_set(src, Path::new("x.toml"), Overrides::default()).unwrap();
    let c = compare(&[&set.baseline, set.get("inspect").unwrap()], 2, 3, false).unwrap();
    let entered = |variant: &str| {
        c.rows
            .iter()
            .find(|r| r.variant == variant && r.stage == "check" && r.metric == "in_stage_mean")
            .and_then(|r| r.value)
            .unwrap()
            .mean
    };
    // Mean number in the 5-minute check = rate x share x 5 min: 0.1/min x share x 5.
    assert!((entered("baseline") - 0.05).abs() < 0.01, "{}", entered("baseline"));
    assert!((entered("inspect") - 0.25).abs() < 0.02, "{}", entered("inspect"));
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn write(name: &str, text: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn compare_writes_csv_and_json_with_differences() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-out");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, err) = cli(&[
        "compare",
        "scenarios/baktu.toml",
        "--replications",
        "4",
        "--days",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(stdout.contains("Δ green_channel"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), bordersim::report::compare::CSV_HEADER);
    let rows: Vec<&str> = lines.collect();
    let row = rows
        .iter()
        .find(|l| l.starts_with("longer_hours,baktu,inspection,,wait_mean_min,"))
        .unwrap();
    let f: Vec<&str> = row.split(',').collect();
    let diff: f64 = f[7].parse().unwrap();
    assert!(diff < 0.0, "longer hours must cut the inspection wait: {row}");
    assert_eq!(f[9], "true");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["common_random_numbers"], true);
    assert_eq!(json["variants"][0]["name"], "baseline");
    assert!(json["rows"].as_array().unwrap().len() == rows.len());
}

#[test]
fn bad_variants_are_located_errors() {
    let (code, _, err) = cli(&["compare", "scenarios/baktu.toml", "--variants", "green_chanel"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "unknown variant `green_chanel`; scenarios/baktu.toml defines: baseline, green_channel, green_lane, longer_hours, no_predeclaration"
        ),
        "{err}"
    );

    let base = std::fs::read_to_string("scenarios/mmc.toml").unwrap();
    // The appended `set` or `policy` line: after a blank line and the variant's header.
    let line = base.lines().count() + 3;
    let f = write(
        "bad-key.toml",
        &(base.clone() + "\n[variants.more]\nset = { \"ports.textbook.stages.lanes.servres\" = 5 }\n"),
    );
    let (code, _, err) = cli(&["compare", &f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&format!("bad-key.toml:{line}:9: variants.more.set.ports.textbook.stages.lanes.servres: variant `more` after its overrides: unknown field `servres`")), "{err}");

    let f = write(
        "bad-table.toml",
        &(base.clone() + "\n[variants.more]\nset = { \"ports.textbook.stages.xray.servers\" = 5 }\n"),
    );
    let (code, _, err) = cli(&["compare", &f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the scenario has no table `ports.textbook.stages.xray` to override"),
        "{err}"
    );

    let f = write(
        "bad-date.toml",
        &(base.clone()
            + "\n[variants.late]\npolicy = { type = \"reform\", at = \"2026-01-01\", after = { type = \"scaled\", factor = 0.5 } }\n"),
    );
    let (code, _, err) = cli(&["compare", &f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&format!("bad-date.toml:{line}:29:")), "{err}");
    assert!(
        err.contains(
            "variants.late.policy.at: 2026-01-01 is outside the simulated period (2025-01-01T00:00 to 2026-01-01T00:00)"
        ),
        "{err}"
    );

    let f = write(
        "bad-value.toml",
        &(base + "\n[variants.none]\nset = { \"ports.textbook.stages.lanes.servers\" = 0 }\n"),
    );
    let (code, _, err) = cli(&["compare", &f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("variants.none.set.ports.textbook.stages.lanes.servers: variant `none`: ports.textbook.stages.lanes.servers: the stage never opens"), "{err}");
}

fn reserved(share: f64) -> bordersim::experiment::Experiment {
    // Two lanes, one reserved for the green channel; a truck every 6 minutes, 10 minutes each.
    let src = format!(
        r#"[simulation]
horizon_days = 1
replications = 1

[modes.truck]
kind = "generic"

[ports.p.stages.lanes]
kind = "servers"
servers = 2
clearance = {{ dist = "constant", value = 10 }}

[ports.p.flows.truck]
every_min = 6
route = ["lanes"]

[policy]
type = "green_channel"
share = {share}
factor = 1.0
reserved_lanes = {{ lanes = 1 }}
"#
    );
    run(&parse(&src))
}

#[test]
fn reserved_lanes_serve_only_the_green_channel() {
    // Nobody green: only the general lane works, so half the lanes stand idle and the
    // queue grows by one truck every 15 minutes (10 arrive per hour, 6 leave).
    let none = reserved(1e-12);
    let util = values(&none, Scope::Stage(0), "utilization")[0];
    assert!((util - 0.5).abs() < 1e-3, "{util}");
    assert_eq!(values(&none, Scope::Port, "completed")[0], 144.0);
    // Everybody green: both lanes serve, nobody waits (a truck every 6 min, two 10-min lanes).
    let all = reserved(1.0);
    assert_eq!(values(&all, Scope::Stage(0), "wait_max_min")[0], 0.0);
    let util = values(&all, Scope::Stage(0), "utilization")[0];
    assert!((util - 10.0 / 12.0).abs() < 0.01, "{util}");
}

#[test]
fn the_bundled_green_lane_variant_reserves_one_inspection_lane() {
    let src = std::fs::read_to_string("scenarios/baktu.toml").unwrap();
    let set = parse_set(&src, Path::new("baktu.toml"), Overrides::default()).unwrap();
    let lane = set.get("green_lane").expect("bundled variant");
    let insp = lane.spec.stages.iter().position(|s| s.name == "inspection").unwrap();
    assert_eq!(lane.spec.stages[insp].timeline.reserved, 1);
    assert!((lane.spec.green_share - 0.5).abs() < 1e-12);
}
