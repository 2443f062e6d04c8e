//! The event log (`run --trace`, `compare --trace`), checked through the real binary: every
//! consignment's rows are in time order and follow its route, lanes and drivers are never
//! held twice, the waits and times in system recomputed from the log equal summary.json's
//! exactly, and logging changes no result.

use bordersim::stats::Tally;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run bordersim")
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bordersim-trace-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A port with every kind of step: a yard with room for 3 (arrivals are held at the road,
/// carriers finishing upstream are blocked), a driver stage with 4 drivers, a lane with a
/// patience that diverts to a second port, and a second lane whose line gives up.
const RICH: &str = include_str!("data/every-step.toml");

/// One row of the log.
#[derive(Debug, Clone)]
struct Row {
    case: String,
    rep: u64,
    port: String,
    mode: String,
    vehicles: u32,
    stage: String,
    event: String,
    activity: String,
    lane: Option<u32>,
    driver: Option<u32>,
    t: f64,
    timestamp: String,
}

const HEADER: &str =
    "case_id,replication,consignment,port,mode,vehicles,stage,event,activity,lane,driver,time_min,timestamp";

fn read_log(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 13, "{l}");
            let opt = |s: &str| (!s.is_empty()).then(|| s.parse().unwrap());
            assert_eq!(f[0], format!("{}-{}", f[1], f[2]), "case id of {l}");
            let expect_activity = if f[6].is_empty() {
                f[7].to_string()
            } else {
                format!("{} {}", f[6], f[7])
            };
            assert_eq!(f[8], expect_activity, "activity of {l}");
            Row {
                case: f[0].into(),
                rep: f[1].parse().unwrap(),
                port: f[3].into(),
                mode: f[4].into(),
                vehicles: f[5].parse().unwrap(),
                stage: f[6].into(),
                event: f[7].into(),
                activity: f[8].into(),
                lane: opt(f[9]),
                driver: opt(f[10]),
                t: f[11].parse().unwrap(),
                timestamp: f[12].into(),
            }
        })
        .collect()
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn mean(v: &Value) -> f64 {
    v["mean"].as_f64().unwrap_or_else(|| panic!("no mean in {v}"))
}

/// Each consignment's rows are in time order and follow the steps of a stage visit
/// (entered, started, finished, [blocked, unblocked], left) along a route of the port's
/// stages; lanes and drivers are held by one consignment at a time and never exceed the
/// stage's lanes or the pool.
fn check_histories(rows: &[Row], lanes_max: &HashMap<&str, u32>, drivers_max: u32) {
    let mut by_case: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by_case.entry(&r.case).or_default().push(r);
    }
    for (case, h) in &by_case {
        assert_eq!(h[0].event, "arrived", "{case} starts with {:?}", h[0]);
        for w in h.windows(2) {
            assert!(w[1].t >= w[0].t, "{case}: time goes back: {:?} then {:?}", w[0], w[1]);
        }
        let mut state = "out";
        let mut stage = "";
        for r in &h[1..] {
            let next = match (state, r.event.as_str()) {
                ("out" | "left", "entered") => {
                    stage = &r.stage;
                    "entered"
                }
                ("out" | "left", "departed") | ("out", "arrived") => "out",
                ("out" | "left", "turned_away") => "gone",
                ("entered", "started") => "started",
                ("entered", "abandoned") => "gone",
                ("entered", "diverted") => "out",
                ("started", "finished") => "finished",
                ("finished", "blocked") => "blocked",
                ("blocked", "unblocked") => "finished",
                ("finished", "left") => "left",
                other => panic!("{case}: {other:?} out of order in {h:#?}"),
            };
            if !r.stage.is_empty() && r.event != "turned_away" {
                assert_eq!(r.stage, stage, "{case}: {:?} at another stage than it entered", r);
            }
            state = next;
        }
    }
    // Lanes: one holder at a time, numbered within the stage's lanes.
    let mut held: HashMap<(u64, String, u32), String> = HashMap::new();
    let mut drivers: HashMap<(u64, String, u32), String> = HashMap::new();
    let mut driver_of: HashMap<String, u32> = HashMap::new();
    for r in rows {
        if let Some(l) = r.lane {
            let max = lanes_max[format!("{}.{}", r.port, r.stage).as_str()];
            assert!(l >= 1 && l <= max, "lane {l} of {max}: {r:?}");
            let key = (r.rep, format!("{}.{}", r.port, r.stage), l);
            match r.event.as_str() {
                "started" => assert!(held.insert(key, r.case.clone()).is_none(), "lane taken twice: {r:?}"),
                "left" => assert_eq!(held.remove(&key).as_ref(), Some(&r.case), "{r:?}"),
                _ => assert_eq!(held.get(&key), Some(&r.case), "{r:?}"),
            }
        }
        if let Some(d) = r.driver {
            assert!(d >= 1 && d <= drivers_max, "driver {d} of {drivers_max}: {r:?}");
            if r.event == "started" {
                let prev = drivers.insert((r.rep, r.port.clone(), d), r.case.clone());
                // A driver is free again only after the trip back; then another car takes it.
                assert!(
                    prev.as_ref()
                        .is_none_or(|p| driver_of.get(p) != Some(&d) || *p == r.case),
                    "driver {d} taken while {prev:?} still holds it: {r:?}"
                );
                driver_of.insert(r.case.clone(), d);
            } else {
                assert_eq!(driver_of.get(&r.case), Some(&d), "{r:?}");
            }
            if matches!(r.event.as_str(), "departed" | "abandoned" | "diverted") {
                driver_of.remove(&r.case);
            }
        }
    }
}

#[test]
fn every_consignment_follows_its_route_and_holds_one_lane_and_driver_at_a_time() {
    let d = tmp("rich");
    let sc = d.join("rich.toml");
    std::fs::write(&sc, RICH).unwrap();
    let log = d.join("trace.csv");
    let out = d.join("out");
    let args = [
        "run",
        sc.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-charts",
        "-q",
        "--trace",
        log.to_str().unwrap(),
        "--trace-replications",
        "all",
    ];
    ok(&args);
    let rows = read_log(&log);
    let lanes: HashMap<&str, u32> = [
        ("a.road", 3),
        ("a.yard", 3),
        ("a.exit", 2),
        ("a.check", 1),
        ("b.lane", 1),
    ]
    .into();
    check_histories(&rows, &lanes, 4);
    // Every kind of step happens in this scenario.
    for e in [
        "arrived",
        "entered",
        "started",
        "finished",
        "blocked",
        "unblocked",
        "left",
        "departed",
        "abandoned",
        "diverted",
    ] {
        assert!(rows.iter().any(|r| r.event == e), "no {e} row");
    }
    // Rows by replication, then time; the date-time column says the same time.
    for w in rows.windows(2) {
        assert!((w[1].rep, w[1].t) >= (w[0].rep, w[0].t), "{:?} then {:?}", w[0], w[1]);
    }
    assert_eq!(rows.last().unwrap().rep, 2);
    let first = &rows[0];
    let ms = (first.t * 60_000.0).round() as i64;
    let want = format!(
        "2025-03-03T{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    );
    assert_eq!(first.timestamp, want);
    // A diverted car arrives at b under the same case id.
    let diverted: Vec<&str> = rows
        .iter()
        .filter(|r| r.event == "diverted")
        .map(|r| r.case.as_str())
        .collect();
    assert!(diverted.iter().any(|c| {
        rows.iter()
            .any(|r| r.case == *c && r.port == "b" && r.event == "arrived")
    }));
    // Trucks carry 6 or 8 cars, on every row of their case.
    assert!(
        rows.iter()
            .filter(|r| r.mode == "truck")
            .all(|r| r.vehicles == 6 || r.vehicles == 8)
    );
    // Drivers only on self-driven cars, from pick-up on.
    assert!(rows.iter().filter(|r| r.driver.is_some()).all(|r| r.mode == "car"));
    assert!(rows.iter().any(|r| r.driver.is_some() && r.event == "departed"));
    assert!(rows.iter().any(|r| r.activity == "pickup started"));
}

/// Replays the measurements the summary makes, from the log of a one-replication run:
/// times in system of departures after the warm-up per port and mode, and waits (from
/// ready, blocking included) of clearances started after it per stage and mode.
/// Times in system by (port, mode), waits by (port, stage, mode).
type Recomputed = (
    BTreeMap<(String, String), Tally>,
    BTreeMap<(String, String, String), Tally>,
);

fn recompute(rows: &[Row], warmup: f64) -> Recomputed {
    let mut tis: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut waits: BTreeMap<(String, String, String), Tally> = BTreeMap::new();
    let mut arrived: HashMap<&str, f64> = HashMap::new();
    let mut ready: HashMap<&str, f64> = HashMap::new();
    for r in rows {
        match r.event.as_str() {
            "arrived" => {
                arrived.insert(&r.case, r.t);
                ready.insert(&r.case, r.t);
            }
            "finished" => {
                ready.insert(&r.case, r.t);
            }
            "started" if r.t >= warmup => {
                let w = r.t - ready[r.case.as_str()];
                waits
                    .entry((r.port.clone(), r.stage.clone(), r.mode.clone()))
                    .or_default()
                    .add(w);
            }
            "departed" if r.t >= warmup => {
                tis.entry((r.port.clone(), r.mode.clone()))
                    .or_default()
                    .add(r.t - arrived[r.case.as_str()]);
            }
            _ => {}
        }
    }
    (tis, waits)
}

fn check_against_summary(name: &str, scenario: &str, days: &str, warmup_days: f64) {
    let d = tmp(&format!("exact-{name}"));
    let log = d.join("trace.csv");
    let out = d.join("out");
    let sc = if scenario.starts_with('[') {
        let p = d.join("s.toml");
        std::fs::write(&p, scenario).unwrap();
        p
    } else {
        PathBuf::from(scenario)
    };
    ok(&[
        "run",
        sc.to_str().unwrap(),
        "-r",
        "1",
        "--days",
        days,
        "--out",
        out.to_str().unwrap(),
        "--no-charts",
        "-q",
        "--trace",
        log.to_str().unwrap(),
    ]);
    let rows = read_log(&log);
    let s = summary(&out);
    let (tis, waits) = recompute(&rows, warmup_days * 1440.0);
    assert!(!tis.is_empty() && !waits.is_empty());
    for ((port, mode), t) in &tis {
        let m = &s["ports"][port]["modes"][mode];
        assert_eq!(
            t.mean().unwrap(),
            mean(&m["time_in_system_mean_min"]),
            "{port} {mode} time in system"
        );
        assert_eq!(t.count() as f64, mean(&m["completed"]), "{port} {mode} completed");
        assert_eq!(
            t.max().unwrap(),
            mean(&m["time_in_system_max_min"]),
            "{port} {mode} max"
        );
    }
    // Per stage: the modes' waits merged in mode order, as the summary merges them.
    let mut stages: BTreeMap<(String, String), Vec<(String, Tally)>> = BTreeMap::new();
    for ((port, stage, mode), w) in &waits {
        stages
            .entry((port.clone(), stage.clone()))
            .or_default()
            .push((mode.clone(), *w));
    }
    for ((port, stage), by_mode) in &stages {
        let st = &s["ports"][port]["stages"][stage];
        let mut all = Tally::default();
        for (mode, w) in by_mode {
            all.merge(w);
            assert_eq!(
                w.mean().unwrap(),
                mean(&st["by_mode"][mode]["wait_mean_min"]),
                "{port}.{stage} {mode} wait"
            );
        }
        assert_eq!(all.count() as f64, mean(&st["served"]), "{port}.{stage} served");
        assert_eq!(all.mean().unwrap(), mean(&st["wait_mean_min"]), "{port}.{stage} wait");
    }
}

#[test]
fn waits_and_times_in_system_from_the_log_equal_the_summary_exactly() {
    check_against_summary("horgos", "scenarios/horgos-2025.toml", "30", 0.0);
    check_against_summary("rich", RICH, "6", 1.0);
}

#[test]
fn logging_changes_no_result_and_any_thread_count_writes_the_same_log() {
    let d = tmp("same");
    let (plain, traced) = (d.join("plain"), d.join("traced"));
    let base = [
        "run",
        "scenarios/baktu.toml",
        "-r",
        "3",
        "--days",
        "20",
        "--no-charts",
        "-q",
        "--out",
    ];
    let mut a = base.to_vec();
    a.push(plain.to_str().unwrap());
    ok(&a);
    let mut logs = Vec::new();
    for threads in ["1", "2"] {
        let log = d.join(format!("log-{threads}.csv"));
        let mut b = base.to_vec();
        b.extend([
            traced.to_str().unwrap(),
            "--force",
            "--threads",
            threads,
            "--trace",
            log.to_str().unwrap(),
            "--trace-replications",
            "0-2",
        ]);
        ok(&b);
        for f in ["summary.json", "timeseries.csv", "distribution.csv"] {
            let strip = |p: PathBuf| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.contains("\"elapsed") && !l.contains("events_per_s"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(plain.join(f)), strip(traced.join(f)), "{f} changed by --trace");
        }
        logs.push(std::fs::read(&log).unwrap());
    }
    assert_eq!(logs[0], logs[1], "the log depends on the thread count");
    // Replication 1 alone is the middle part of the log of all three.
    let one = d.join("one.csv");
    let mut c = base.to_vec();
    c.extend([
        traced.to_str().unwrap(),
        "--force",
        "--trace",
        one.to_str().unwrap(),
        "--trace-replications",
        "1",
    ]);
    ok(&c);
    let one = std::fs::read_to_string(&one).unwrap();
    let all = String::from_utf8(logs[0].clone()).unwrap();
    let middle: Vec<&str> = all
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("1"))
        .collect();
    assert_eq!(one.lines().skip(1).collect::<Vec<_>>(), middle);
    // No part files are left beside the logs.
    let left: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_window_keeps_only_its_rows() {
    let d = tmp("window");
    let (log, full) = (d.join("w.csv"), d.join("full.csv"));
    let args = [
        "run",
        "scenarios/baktu.toml",
        "-r",
        "1",
        "--days",
        "10",
        "-q",
        "--trace",
    ];
    let mut a = args.to_vec();
    a.extend([
        log.to_str().unwrap(),
        "--trace-from",
        "2",
        "--trace-to",
        "2023-01-04T12:00",
    ]);
    ok(&a);
    let mut b = args.to_vec();
    b.push(full.to_str().unwrap());
    ok(&b);
    let start = bordersim::date::StartInstant::parse("2023-01-01").unwrap();
    let to = start.minutes_until(&bordersim::date::StartInstant::parse("2023-01-04T12:00").unwrap());
    let text = std::fs::read_to_string(&full).unwrap();
    let inside: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| {
            let t: f64 = l.split(',').nth(11).unwrap().parse().unwrap();
            (2880.0..to).contains(&t)
        })
        .collect();
    let windowed = std::fs::read_to_string(&log).unwrap();
    assert!(inside.len() > 100 && inside.len() + 1 < text.lines().count());
    assert_eq!(windowed.lines().skip(1).collect::<Vec<_>>(), inside);
}

#[test]
fn compare_writes_one_log_per_variant() {
    let d = tmp("compare");
    let dir = d.join("logs");
    let o = ok(&[
        "compare",
        "scenarios/mmc.toml",
        "-r",
        "2",
        "--days",
        "3",
        "--trace",
        dir.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("baseline.csv (event log"), "{text}");
    let base = read_log(&dir.join("baseline.csv"));
    let five = read_log(&dir.join("five_lanes.csv"));
    // Common random numbers: the same arrivals, the fifth lane used only in the variant.
    let arrivals = |rows: &[Row]| {
        rows.iter()
            .filter(|r| r.event == "arrived")
            .map(|r| r.t)
            .collect::<Vec<_>>()
    };
    assert_eq!(arrivals(&base), arrivals(&five));
    assert!(base.iter().all(|r| r.lane.is_none_or(|l| l <= 4)));
    assert!(five.iter().any(|r| r.lane == Some(5)));
}

#[test]
fn bad_trace_flags_are_refused_before_anything_runs() {
    let d = tmp("errors");
    let log = d.join("t.csv");
    let l = log.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--trace-replications", "3"],
            "--trace-replications: replication 3 does not exist: the run has 3 (0-2, 0-based)",
        ),
        (vec!["--trace-replications", "1-x"], "is not a replication number"),
        (
            vec!["--trace-from", "yesterday"],
            "--trace-from: 'yesterday' is neither a date",
        ),
        (vec!["--trace-from", "2022-12-01"], "before the scenario's start"),
        (
            vec!["--trace-from", "5", "--trace-to", "4"],
            "--trace-from must come before --trace-to",
        ),
    ];
    for (extra, msg) in cases {
        let mut a = vec![
            "run",
            "scenarios/baktu.toml",
            "-r",
            "3",
            "--days",
            "5",
            "-q",
            "--trace",
            l,
        ];
        a.extend(extra.iter());
        let o = run(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {err}");
        assert!(err.contains(msg), "{a:?}: {err}");
        assert!(!log.exists());
    }
    // An existing file is replaced only with --force; a directory never.
    std::fs::write(&log, "mine").unwrap();
    let o = run(&[
        "run",
        "scenarios/baktu.toml",
        "-r",
        "1",
        "--days",
        "5",
        "-q",
        "--trace",
        l,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("add --force to replace it"));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "mine");
    let o = run(&[
        "run",
        "scenarios/baktu.toml",
        "-r",
        "1",
        "--days",
        "5",
        "-q",
        "--trace",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Without --trace the scope flags mean nothing: refused by the parser.
    let o = run(&["run", "scenarios/baktu.toml", "--trace-replications", "1"]);
    assert_eq!(o.status.code(), Some(2));
    // Not with --resume.
    let out = d.join("out");
    let o = run(&[
        "run",
        "scenarios/baktu.toml",
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--trace",
        d.join("x.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--trace cannot be used with --resume"));
}
