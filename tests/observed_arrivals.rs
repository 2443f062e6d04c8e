//! Observed arrivals (`observed = { file, replay }`): a gate log replayed exactly gives
//! exactly its arrivals, vehicles and the waits they imply, in every replication; replayed
//! day by day, replications differ, every simulated day is one observed day and the mean
//! daily count is the log's.

use bordersim::model::{Recorder, Simulation, Trace};
use bordersim::scenario::{Scenario, load};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("observed").join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One lane clearing in exactly 10 minutes; trucks replay `log.csv`, cars too when the
/// scenario says so. `flows` is the flow tables' text.
fn scenario(start: &str, flows: &str) -> String {
    format!(
        r#"[simulation]
start = "{start}"
horizon_days = 1
replications = 3
seed = 5
report_interval_min = 1440

[modes.truck]
kind = "generic"

[modes.car]
kind = "generic"
vehicles = {{ dist = "constant", value = 1 }}

[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "constant", value = 10 }}

{flows}
"#
    )
}

const FLOWS: &str = r#"[ports.p.flows.truck]
observed = { file = "log.csv", replay = "exact" }
route = ["lane"]

[ports.p.flows.car]
observed = { file = "log.csv" }
route = ["lane"]
"#;

fn bordersim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs the scenario in `d` and returns its summary.json.
fn run_summary(d: &Path) -> Value {
    let out = d.join("out");
    let o = bordersim(&[
        "run",
        d.join("s.toml").to_str().unwrap(),
        "-q",
        "--no-charts",
        "--force",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// `min`, `mean` and `max` over the replications of a summary entry.
fn spread(v: &Value) -> [f64; 3] {
    ["min", "mean", "max"].map(|k| v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}")))
}

#[test]
fn an_exact_replay_gives_the_logged_arrivals_and_hand_computed_waits_in_every_replication() {
    // Trucks at 0, 5, 5 and 30 on one 10-minute lane (a car at 50, a truck at minute 1440,
    // the horizon, is skipped): starts at 0, 10, 20, 30, so waits 0, 5, 15, 0 (mean 5) and
    // times in system 10, 15, 25, 10 (mean 15). The car arrives to a free lane at 50.
    let d = dir("exact");
    std::fs::write(
        d.join("log.csv"),
        "time,mode,vehicles,gate\n0,truck,2,A\n5,truck,3,B\n5,truck,1,A\n30,truck,4,A\n50,car,9,B\n1440,truck,1,A\n",
    )
    .unwrap();
    std::fs::write(d.join("s.toml"), scenario("2025-03-03", FLOWS)).unwrap();
    let s = run_summary(&d);
    let truck = &s["ports"]["p"]["modes"]["truck"];
    let car = &s["ports"]["p"]["modes"]["car"];
    // The same in every replication: min = mean = max.
    assert_eq!(spread(&truck["arrivals"]), [4.0; 3]);
    assert_eq!(spread(&truck["arrival_vehicles"]), [10.0; 3]);
    assert_eq!(spread(&truck["time_in_system_mean_min"]), [15.0; 3]);
    assert_eq!(spread(&car["arrivals"]), [1.0; 3]);
    // The car's 9 vehicles are the file's, not its mode's constant 1.
    assert_eq!(spread(&car["arrival_vehicles"]), [9.0; 3]);
    assert_eq!(spread(&car["time_in_system_mean_min"]), [10.0; 3]);
    let wait = &s["ports"]["p"]["stages"]["lane"]["wait_mean_min"];
    // Five waits over five consignments: (0 + 5 + 15 + 0 + 0) / 5 = 4.
    assert_eq!(spread(wait), [4.0; 3]);
    let check = bordersim(&["check", d.join("s.toml").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("replays the 5 rows of mode `truck` in gate log log.csv exactly: 4 arrivals used, 0 before the start and 1 at or after the end skipped; vehicles from the file, 2.20 per consignment on average"),
        "{text}"
    );
}

#[test]
fn date_times_are_placed_from_the_start_and_earlier_rows_skipped() {
    // Start 06:00: the 05:59 truck is before it; 06:00, 06:05 and 06:05:30 are minutes 0,
    // 5 and 5.5: waits 0, 5, 14.5, mean 19.5 / 3 = 6.5.
    let d = dir("civil");
    std::fs::write(
        d.join("log.csv"),
        "time,mode\n2025-03-03 05:59,truck\n2025-03-03T06:00,truck\n2025-03-03T06:05:00,truck\n2025-03-03T06:05:30,truck\n",
    )
    .unwrap();
    let flows = "[ports.p.flows.truck]\nobserved = { file = \"log.csv\", replay = \"exact\" }\nroute = [\"lane\"]\n";
    std::fs::write(d.join("s.toml"), scenario("2025-03-03T06:00", flows)).unwrap();
    let s = run_summary(&d);
    let truck = &s["ports"]["p"]["modes"]["truck"];
    assert_eq!(spread(&truck["arrivals"]), [3.0; 3]);
    // No vehicles column: drawn as the mode says (generic, one vehicle).
    assert_eq!(spread(&truck["arrival_vehicles"]), [3.0; 3]);
    let wait = spread(&s["ports"]["p"]["stages"]["lane"]["wait_mean_min"]);
    assert!(wait.iter().all(|w| (w - 6.5).abs() < 1e-9), "{wait:?}");
}

/// The bundled synthetic log's self-driving arrivals per calendar day, Monday 3 Nov 2025
/// first (28 days), counted here from the CSV itself.
fn observed_daily_counts() -> Vec<usize> {
    let text = std::fs::read_to_string("scenarios/data/gate-log-synthetic.csv").unwrap();
    let mut counts = vec![0usize; 28];
    for line in text.lines().filter(|l| l.starts_with("2025-")) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] == "self_driving" {
            let day: usize = f[0][8..10].parse().unwrap();
            counts[day - 3] += 1;
        }
    }
    counts
}

/// A port replaying the bundled log's self-driving cars day by day for `days` days.
fn bootstrap(matching: &str, days: u32) -> Scenario {
    let d = dir(if matching.is_empty() { "days" } else { "days-weekday" });
    let log = std::fs::canonicalize("scenarios/data/gate-log-synthetic.csv").unwrap();
    let src = format!(
        r#"[simulation]
start = "2026-01-05"
horizon_days = {days}
replications = 10
seed = 11

[modes.self_driving]
kind = "generic"

# The log's other mode: every mode a log names must be the scenario's.
[modes.cage_truck]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 4
clearance = {{ dist = "exponential", mean = 5 }}

[ports.p.flows.self_driving]
observed = {{ file = "{}", replay = "days"{matching} }}
route = ["lane"]
"#,
        log.display()
    );
    std::fs::write(d.join("s.toml"), src).unwrap();
    load(&d.join("s.toml")).unwrap()
}

/// Arrivals per simulated day of replication `rep`.
fn simulated_daily_counts(sc: &Scenario, rep: u64) -> Vec<usize> {
    let mut sim = Simulation::observed(&sc.spec, sc.policy.clone(), sc.seed, rep, Recorder::default());
    sim.run();
    let mut counts = vec![0usize; (sc.spec.horizon / 1440.0) as usize];
    for e in &sim.observer().0 {
        if let Trace::Arrive { t, .. } = e {
            counts[(t / 1440.0) as usize] += 1;
        }
    }
    counts
}

#[test]
fn a_day_by_day_replay_differs_between_replications_and_keeps_the_logs_days() {
    let observed = observed_daily_counts();
    let sc = bootstrap("", 56);
    let reps: Vec<Vec<usize>> = (0..10).map(|r| simulated_daily_counts(&sc, r)).collect();
    assert!(reps.windows(2).all(|w| w[0] != w[1]), "replications should differ");
    for day in reps.iter().flatten() {
        assert!(
            observed.contains(day),
            "{day} arrivals on a day: no observed day had that many"
        );
    }
    // 560 simulated days, each an independent draw of an observed day: their mean is the
    // log's mean within 4 standard errors (a 5 % error would be caught: 4 SE < 5 %).
    let n = observed.len() as f64;
    let mean = observed.iter().sum::<usize>() as f64 / n;
    let sd = (observed.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let draws: Vec<usize> = reps.concat();
    let got = draws.iter().sum::<usize>() as f64 / draws.len() as f64;
    let se = sd / (draws.len() as f64).sqrt();
    assert!(
        (got - mean).abs() < 4.0 * se,
        "mean {got} vs the log's {mean} (se {se})"
    );
    assert!(4.0 * se < 0.05 * mean, "the check must catch a 5 % error: se {se}");
    // Replaying again gives the same days: the draws come from the seed.
    assert_eq!(simulated_daily_counts(&sc, 3), reps[3]);
}

#[test]
fn matching_weekdays_replays_each_simulated_day_from_its_weekday() {
    let observed = observed_daily_counts();
    let sc = bootstrap(", match = \"weekday\"", 28);
    // 2026-01-05 and 2025-11-03 are both Mondays: simulated day i has observed days
    // i mod 7, i mod 7 + 7, ... to choose from.
    for rep in 0..5 {
        for (i, c) in simulated_daily_counts(&sc, rep).iter().enumerate() {
            let same: Vec<usize> = observed.iter().skip(i % 7).step_by(7).copied().collect();
            assert!(same.contains(c), "rep {rep} day {i}: {c} not among {same:?}");
        }
    }
}

#[test]
fn a_shared_demand_replays_its_log_across_ports() {
    // One log of 6 trucks split 50/50 between two ports: 6 in all in every replication.
    let d = dir("demand");
    std::fs::write(d.join("log.csv"), "time\n0\n10\n20\n30\n40\n50\n").unwrap();
    let port = |p: &str| {
        format!(
            "[ports.{p}.stages.lane]\nkind = \"servers\"\nservers = 1\nclearance = {{ dist = \"constant\", value = 1 }}\n\n[ports.{p}.flows.truck]\ndemand = \"trucks\"\nroute = [\"lane\"]\n\n"
        )
    };
    let src = format!(
        "[simulation]\nhorizon_days = 1\nreplications = 4\n\n[modes.truck]\nkind = \"generic\"\n\n[demand.trucks]\nmode = \"truck\"\nobserved = {{ file = \"log.csv\", replay = \"exact\" }}\nsplit = {{ a = 0.5, b = 0.5 }}\n\n{}{}",
        port("a"),
        port("b")
    );
    std::fs::write(d.join("s.toml"), src).unwrap();
    let sc = load(&d.join("s.toml")).unwrap();
    let exp = bordersim::experiment::run_replications(&sc.spec, &sc.policy, sc.seed, 4, |_| {}).unwrap();
    let key = |port| bordersim::model::MetricKey {
        port,
        scope: bordersim::model::Scope::Port,
        name: "arrivals",
    };
    let at = |port| {
        let i = exp.metrics.iter().position(|(k, _)| *k == key(port)).unwrap();
        exp.per_replication[i].iter().map(|v| v.unwrap()).collect::<Vec<f64>>()
    };
    let (a, b) = (at(0), at(1));
    assert!(a.iter().zip(&b).all(|(x, y)| x + y == 6.0), "{a:?} {b:?}");
    assert!(
        a.iter().any(|&x| x != a[0]),
        "the split should differ between replications: {a:?}"
    );
}

#[test]
fn the_bundled_replay_scenario_replays_the_whole_synthetic_log() {
    let sc = load(Path::new("scenarios/gate-log-replay.toml")).unwrap();
    let text = std::fs::read_to_string("scenarios/data/gate-log-synthetic.csv").unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("2025-")).collect();
    let trucks: Vec<&str> = rows.iter().copied().filter(|l| l.contains(",cage_truck,")).collect();
    let vehicles: u64 = trucks
        .iter()
        .map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .sum();
    let mut sim = Simulation::observed(&sc.spec, sc.policy.clone(), sc.seed, 0, Recorder::default());
    sim.run();
    let arrived = sim
        .observer()
        .0
        .iter()
        .filter(|e| matches!(e, Trace::Arrive { .. }))
        .count();
    assert_eq!(arrived, rows.len());
    let d = dir("bundled");
    let out = d.join("out");
    let o = bordersim(&[
        "run",
        "scenarios/gate-log-replay.toml",
        "-q",
        "--no-charts",
        "--force",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let m = &s["ports"]["baktu"]["modes"]["cage_truck"];
    assert_eq!(spread(&m["arrivals"]), [trucks.len() as f64; 3]);
    assert_eq!(spread(&m["arrival_vehicles"]), [vehicles as f64; 3]);
}
