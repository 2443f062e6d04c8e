//! `bordersim optimise` as a user runs it: the cheapest candidate it chooses against Erlang C
//! and against a brute-force sweep, the candidates it cannot decide, the refusals, and byte
//! identity across thread counts.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("optimise").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .expect("run bordersim")
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn refused(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!e.contains("panicked"), "{e}");
    e
}

/// An M/M/c scenario (as scenarios/mmc.toml): `per_hour` Poisson arrivals, exponential
/// clearance of mean `mean` minutes at stage `lanes` of port `textbook`, written to
/// `dir/mmc.toml`.
fn mmc_scenario(dir: &Path, per_hour: f64, mean: f64, days: f64, warmup: f64) {
    let text = format!(
        r#"[simulation]
name = "M/M/c, {per_hour} an hour, clearance {mean} min"
horizon_days = {days}
warmup_days = {warmup}
seed = 42
replications = 10
report_interval_min = 1440

[modes.car]
kind = "generic"

[ports.textbook.stages.lanes]
kind = "servers"
servers = 4
clearance = {{ dist = "exponential", mean = {mean} }}

[ports.textbook.flows.car]
rate = {{ per_hour = {per_hour} }}
route = ["lanes"]
"#
    );
    std::fs::write(dir.join("mmc.toml"), text).unwrap();
}

/// One `[[constraints]]` table at stage `lanes`.
#[derive(Clone, Copy)]
struct Bound {
    metric: &'static str,
    /// `max` or `min`.
    side: &'static str,
    q: f64,
    tol: f64,
}

impl Bound {
    fn toml(&self) -> String {
        format!(
            "[[constraints]]\nmetric = \"{}\"\nstage = \"lanes\"\n{} = {}\ntolerance = {}\n\n",
            self.metric, self.side, self.q, self.tol
        )
    }

    fn met(&self, v: f64) -> bool {
        if self.side == "max" { v <= self.q } else { v >= self.q }
    }
}

/// An optimisation file over the lanes of `dir/mmc.toml`, written to `dir/opt.toml`.
fn mmc_opt(dir: &Path, settings: &str, lanes: &[u32], bounds: &[Bound]) -> String {
    let values: Vec<String> = lanes.iter().map(u32::to_string).collect();
    let mut text = format!(
        "[optimise]\nscenario = \"mmc.toml\"\n{settings}\n\n[[variables]]\nname = \"lanes\"\nkey = \"ports.textbook.stages.lanes.servers\"\nvalues = [{}]\nunit_cost = 1\n\n",
        values.join(", ")
    );
    for b in bounds {
        text.push_str(&b.toml());
    }
    let p = dir.join("opt.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Runs `optimise FILE --out OUT` with `extra`; returns stdout and optimise.json.
fn optimise(file: &str, out: &Path, extra: &[&str]) -> (String, Value) {
    let mut args = vec!["optimise", file, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let printed = ok(&args);
    let json = serde_json::from_slice(&std::fs::read(out.join("optimise.json")).unwrap()).unwrap();
    (printed, json)
}

fn examined(json: &Value) -> &Vec<Value> {
    json["examined"].as_array().unwrap()
}

/// The chosen candidate's variable values, if any.
fn chosen(json: &Value) -> Option<Vec<f64>> {
    let i = json["chosen"].as_u64()? as usize;
    Some(values(&examined(json)[i]))
}

fn values(e: &Value) -> Vec<f64> {
    e["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn decision(e: &Value) -> &str {
    e["decision"].as_str().unwrap()
}

fn reps(e: &Value) -> u64 {
    e["replications"].as_u64().unwrap()
}

/// The examined candidate with `lanes` (the only variable).
fn with_lanes(json: &Value, lanes: u32) -> &Value {
    examined(json)
        .iter()
        .find(|e| values(e) == [f64::from(lanes)])
        .unwrap_or_else(|| panic!("lanes = {lanes} not examined: {json:#}"))
}

/// Erlang C's value of a lanes-stage metric of M/M/c.
fn erlang(metric: &str, per_hour: f64, mean: f64, c: u32) -> f64 {
    let m = common::erlang_c(per_hour / 60.0, 1.0 / mean, c);
    match metric {
        "wait_mean_min" => m.wq,
        "p_wait" => m.p_wait,
        "utilization" => m.rho,
        _ => unreachable!("{metric}"),
    }
}

/// An M/M/c optimisation over `lanes` with `bounds`: the candidate chosen is the one Erlang C
/// says, and every candidate examined is decided as Erlang C says.
fn mmc_case(name: &str, per_hour: f64, mean: f64, days: f64, lanes: &[u32], bounds: &[Bound], all: bool) {
    // Erlang C's answer, with every bound at least 2.5 tolerances from every candidate's
    // true value (so warm-up and finite-horizon bias do not decide the test).
    let truth = |c: u32| {
        bounds.iter().all(|b| {
            let v = erlang(b.metric, per_hour, mean, c);
            assert!(
                (v - b.q).abs() >= 2.5 * b.tol,
                "{name}: c = {c}: {} = {v} is too close to {} for a test",
                b.metric,
                b.q
            );
            b.met(v)
        })
    };
    let want = *lanes.iter().find(|&&c| truth(c)).expect("some candidate feasible");
    let d = tmp(name);
    mmc_scenario(&d, per_hour, mean, days, 1.0);
    let search = if all { "all" } else { "cheapest_first" };
    let settings = format!("first_replications = 5\nmax_replications = 40\nsearch = \"{search}\"");
    let file = mmc_opt(&d, &settings, lanes, bounds);
    let (printed, json) = optimise(&file, &d.join("out"), &["--no-charts", "-q"]);
    assert_eq!(chosen(&json), Some(vec![f64::from(want)]), "{name}: {printed}");
    assert_eq!(json["search"], search);
    let ex = examined(&json);
    if all {
        assert_eq!(
            ex.len(),
            lanes.len(),
            "{name}: search = \"all\" decides every candidate"
        );
    } else {
        // Cheapest first: every candidate up to the answer, in cost order, then it stops.
        let k = lanes.iter().position(|&c| c == want).unwrap();
        let seen: Vec<Vec<f64>> = ex.iter().map(values).collect();
        let expected: Vec<Vec<f64>> = lanes[..=k].iter().map(|&c| vec![f64::from(c)]).collect();
        assert_eq!(seen, expected, "{name}: {printed}");
    }
    for e in ex {
        let c = values(e)[0] as u32;
        let right = if truth(c) { "feasible" } else { "infeasible" };
        assert_eq!(decision(e), right, "{name}: lanes = {c}: {printed}");
    }
    assert!(
        printed.contains(&format!(
            "Chosen: candidate {}",
            lanes.iter().position(|&c| c == want).unwrap()
        )) && printed.contains("Every cheaper candidate was declared infeasible"),
        "{name}: {printed}"
    );
    eprintln!(
        "{name}: lanes {want}, {} replications: {:?}",
        json["replications"],
        ex.iter().map(|e| (values(e)[0], reps(e))).collect::<Vec<_>>()
    );
}

const WQ: &str = "wait_mean_min";

#[test]
fn mmc_at_load_0_9_takes_the_lanes_erlang_c_says_cheapest_first() {
    // 60 an hour, 3.6 min: Wq 7.09, 1.06, 0.29, 0.09, 0.03 and P(wait) 0.79, 0.41, 0.20,
    // 0.09, 0.03 for 4..8 lanes. Wq <= 0.6 needs 6 lanes, P(wait) <= 0.5 only 5: 6.
    let bounds = [
        Bound {
            metric: WQ,
            side: "max",
            q: 0.6,
            tol: 0.1,
        },
        Bound {
            metric: "p_wait",
            side: "max",
            q: 0.5,
            tol: 0.03,
        },
    ];
    mmc_case("load-0.9", 60.0, 3.6, 20.0, &[4, 5, 6, 7, 8], &bounds, false);
}

#[test]
fn mmc_with_the_wait_probability_binding_takes_the_lanes_erlang_c_says_deciding_all() {
    // 30 an hour, 5 min: P(wait) 0.70, 0.32, 0.13, 0.05 and Wq 7.02, 1.07, 0.26, 0.07 for
    // 3..6 lanes. P(wait) <= 0.2 needs 5 lanes, Wq <= 3 only 4: 5.
    let bounds = [
        Bound {
            metric: "p_wait",
            side: "max",
            q: 0.2,
            tol: 0.02,
        },
        Bound {
            metric: WQ,
            side: "max",
            q: 3.0,
            tol: 0.3,
        },
    ];
    mmc_case("p-wait-binding", 30.0, 5.0, 40.0, &[3, 4, 5, 6], &bounds, true);
}

#[test]
fn mmc_with_a_lower_bound_on_utilization_takes_the_one_candidate_meeting_both() {
    // 120 an hour, 2.5 min: Wq 1.47, 0.41, 0.14, 0.05 for 6..9 lanes, utilization 0.83,
    // 0.71, 0.625, 0.56. Wq <= 0.25 needs 8 lanes; utilization >= 0.59 allows at most 8.
    let bounds = [
        Bound {
            metric: WQ,
            side: "max",
            q: 0.25,
            tol: 0.04,
        },
        Bound {
            metric: "utilization",
            side: "min",
            q: 0.59,
            tol: 0.01,
        },
    ];
    mmc_case("utilization-min", 120.0, 2.5, 10.0, &[6, 7, 8, 9], &bounds, true);
}

#[test]
fn mmc_at_light_load_takes_the_lanes_erlang_c_says() {
    // 15 an hour, 6 min: Wq 7.71, 0.95, 0.18 and P(wait) 0.64, 0.24, 0.07 for 2..4 lanes.
    // Wq <= 2 needs 3 lanes, P(wait) <= 0.15 needs 4.
    let bounds = [
        Bound {
            metric: WQ,
            side: "max",
            q: 2.0,
            tol: 0.2,
        },
        Bound {
            metric: "p_wait",
            side: "max",
            q: 0.15,
            tol: 0.02,
        },
    ];
    mmc_case("light-load", 15.0, 6.0, 60.0, &[2, 3, 4], &bounds, false);
}

/// Wq of M/M/5 at 60 an hour, 3.6 min is 1.055 (Erlang C): a bound of 1.07 with tolerance
/// 0.02 sits within one tolerance of it; M/M/6 (0.29) is far inside and M/M/4 (7.09) far
/// outside. A replication of 20 days has a standard deviation of about 0.09 min, so the
/// check cannot end on the first stage unless its mean lands five or more standard errors
/// off. (With `first_replications = 5` and a tolerance of 0.03 around a bound of 1.08 it
/// does end there for seed 42: the first five replications are 3 standard errors high and
/// their variance a fifth of the true one. Inside the tolerance either decision is right,
/// so that is no error; ten first-stage replications estimate the variance better.)
const CLOSE: Bound = Bound {
    metric: WQ,
    side: "max",
    q: 1.07,
    tol: 0.02,
};

/// The first stage of the close cases.
const FIRST: &str = "first_replications = 10";

#[test]
fn a_candidate_close_to_its_bound_needs_more_replications_than_a_clear_one() {
    let c5 = erlang(WQ, 60.0, 3.6, 5);
    assert!((c5 - CLOSE.q).abs() < CLOSE.tol, "{c5}");
    let d = tmp("close");
    mmc_scenario(&d, 60.0, 3.6, 20.0, 1.0);
    let file = mmc_opt(
        &d,
        &format!("{FIRST}\nmax_replications = 40\nsearch = \"all\""),
        &[5, 6],
        &[CLOSE],
    );
    let (printed, json) = optimise(&file, &d.join("out"), &["--no-charts"]);
    let (close, clear) = (with_lanes(&json, 5), with_lanes(&json, 6));
    assert_eq!(decision(clear), "feasible", "{printed}");
    assert!(
        reps(close) > 10,
        "decided on the first-stage replications alone: {printed}"
    );
    assert!(decision(close) == "undecided" || reps(close) > reps(clear), "{printed}");
    if decision(close) == "undecided" {
        assert_eq!(reps(close), 40, "{printed}");
        assert_eq!(
            close["note"], "the budget of 40 replications ran out first",
            "{close:#}"
        );
        // The cheaper candidate may be feasible: the statement says so.
        assert_eq!(json["cheaper_undecided"], 1);
        assert!(
            printed.contains("Chosen: candidate 1 (lanes = 6), cost 6")
                && printed.contains("1 cheaper candidate(s) stayed undecided at the budget of 40 replications"),
            "{printed}"
        );
    }
    // optimise.csv: a row per candidate examined, in cost order.
    let csv = std::fs::read_to_string(d.join("out").join("optimise.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "order,candidate,lanes,cost,decision,replications,c0_mean,c0_ci_low,c0_ci_high,c0_verdict,c0_decided_at,chosen"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with(&format!("0,0,5,5,{},{},", decision(close), reps(close))),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("1,1,6,6,feasible,") && lines[2].ends_with(",met,10,1"),
        "{csv}"
    );
    assert!(printed.contains("wrote "), "{printed}");
}

#[test]
fn a_candidate_a_few_tolerances_inside_is_decided_by_the_sequential_check() {
    // M/M/5's Wq (1.055) is 3.7 tolerances inside a bound of 1.13 (tolerance 0.02): too
    // close for the first-stage screen with ten noisy replications, far enough for the
    // triangle to end before the budget, declaring it met.
    let bound = Bound { q: 1.13, ..CLOSE };
    assert!(bound.q - erlang(WQ, 60.0, 3.6, 5) > 3.5 * bound.tol);
    let d = tmp("sequential");
    mmc_scenario(&d, 60.0, 3.6, 20.0, 1.0);
    let file = mmc_opt(
        &d,
        &format!("{FIRST}\nmax_replications = 60\nsearch = \"all\""),
        &[5, 6],
        &[bound],
    );
    let (printed, json) = optimise(&file, &d.join("out"), &["--no-charts", "-q"]);
    let (inside, far) = (with_lanes(&json, 5), with_lanes(&json, 6));
    assert_eq!((decision(inside), decision(far)), ("feasible", "feasible"), "{printed}");
    assert_eq!(reps(far), 10, "far inside: decided on the first stage: {printed}");
    assert!(reps(inside) > 10 && reps(inside) < 60, "{printed}");
    let est = &inside["estimates"][0];
    assert_eq!(est["verdict"], "met");
    assert_eq!(est["decided_at"].as_u64(), Some(reps(inside)));
    // It ended no later than the triangle's end, h² S² / eps².
    assert!(reps(inside) <= est["needs"].as_u64().unwrap(), "{est}");
    assert_eq!(chosen(&json), Some(vec![5.0]));
    assert!(
        printed.contains(&format!("declared feasible after {} replications", reps(inside))),
        "{printed}"
    );
}

#[test]
fn a_budget_of_the_first_stage_leaves_a_close_candidate_undecided_and_none_chosen() {
    let d = tmp("budget");
    mmc_scenario(&d, 60.0, 3.6, 20.0, 1.0);
    let file = mmc_opt(&d, &format!("{FIRST}\nmax_replications = 40"), &[4, 5], &[CLOSE]);
    // -r replaces max_replications: 10, the first stage alone.
    let (printed, json) = optimise(&file, &d.join("out"), &["-r", "10", "--no-charts", "-q"]);
    assert_eq!(json["max_replications"], 10);
    let close = with_lanes(&json, 5);
    assert_eq!(decision(close), "undecided", "{printed}");
    assert_eq!(reps(close), 10);
    assert_eq!(close["note"], "the budget of 10 replications ran out first");
    assert_ne!(decision(with_lanes(&json, 4)), "feasible", "{printed}");
    assert_eq!(json["chosen"], Value::Null);
    // The nearest is the close candidate (about one tolerance off, against 300 for lanes = 4).
    let nearest = json["nearest"].as_u64().unwrap() as usize;
    assert_eq!(values(&examined(&json)[nearest]), [5.0]);
    let head =
        "No candidate was declared feasible (2 of 2 examined). Nearest: candidate 1 (lanes = 5), cost 5, undecided.";
    assert!(json["statement"].as_str().unwrap().starts_with(head), "{json:#}");
    assert!(printed.contains(head), "{printed}");
}

/// A port of self-driving cars: a driver from a pool of `drivers.count` at `pickup`, then
/// exponential clearance at `lanes`; the driver is away 60 minutes on average after.
const DRIVERS: &str = r#"[simulation]
name = "lanes and drivers"
horizon_days = 10
warmup_days = 1
seed = 11
replications = 10
report_interval_min = 1440

[modes.self_driving]
kind = "self_driving"

[ports.p.stages.pickup]
kind = "driver"

[ports.p.stages.lanes]
kind = "servers"
servers = 4
clearance = { dist = "exponential", mean = 5 }

[ports.p.drivers]
count = 40
to_transit_lot = { dist = "exponential", mean = 20 }
return_trip = { dist = "exponential", mean = 40 }

[ports.p.flows.self_driving]
rate = { per_hour = 30 }
route = ["pickup", "lanes"]
"#;

const VARIABLES: &str = r#"
[[variables]]
name = "lanes"
key = "ports.p.stages.lanes.servers"
values = [3, 4, 5]

[[variables]]
name = "drivers"
key = "ports.p.drivers.count"
values = [38, 42, 48]
"#;

#[test]
fn lanes_and_drivers_the_cheapest_feasible_pair_of_a_brute_force_sweep() {
    let (lane_cost, driver_cost, bound, tol) = (10.0, 1.0, 7.5, 0.3);
    let d = tmp("drivers");
    std::fs::write(d.join("port.toml"), DRIVERS).unwrap();
    // Brute force: every pair with 40 replications (the same stream sets).
    let sweep = d.join("sweep.toml");
    std::fs::write(
        &sweep,
        format!(
            "[sweep]\nscenario = \"port.toml\"\n\n[design]\nkind = \"factorial\"\n{}",
            VARIABLES.replace("[[variables]]", "[[factors]]")
        ),
    )
    .unwrap();
    let brute = d.join("brute");
    ok(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        brute.to_str().unwrap(),
        "-r",
        "40",
        "--no-charts",
        "-q",
    ]);
    let csv = std::fs::read_to_string(brute.join("sweep.csv")).unwrap();
    // point, lanes, drivers, port, stage, mode, metric, mean, ci95, se, n
    let mut pairs: Vec<(f64, usize, [f64; 2], f64, f64)> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[3] == "p" && r[4].is_empty() && r[5].is_empty() && r[6] == "time_in_system_mean_min")
        .map(|r| {
            let v = |i: usize| r[i].parse::<f64>().unwrap();
            assert_eq!(v(10), 40.0);
            let cost = lane_cost * v(1) + driver_cost * v(2);
            (cost, r[0].parse().unwrap(), [v(1), v(2)], v(7), v(8))
        })
        .collect();
    assert_eq!(pairs.len(), 9);
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let k = pairs.iter().position(|p| p.3 <= bound).expect("a feasible pair");
    let want = pairs[k].2;
    // Every pair up to the answer is clearly on its side of the bound.
    for p in &pairs[..=k] {
        assert!(
            (p.3 - bound).abs() > tol + p.4,
            "pair {:?}: {} ± {} is too close to {bound} for a test",
            p.2,
            p.3,
            p.4
        );
    }
    // The answer needs both variables: the cheaper pairs fail with fewer lanes or drivers.
    assert!(pairs[..k].iter().any(|p| p.2[0] < want[0]), "{pairs:?}");
    assert!(pairs[..k].iter().any(|p| p.2[1] < want[1]), "{pairs:?}");

    let opt = d.join("opt.toml");
    let text = format!(
        "[optimise]\nscenario = \"port.toml\"\nfirst_replications = 10\nmax_replications = 40\n{}\n[[constraints]]\nmetric = \"time_in_system_mean_min\"\nport = \"p\"\nmax = {bound}\ntolerance = {tol}\n",
        VARIABLES
            .replace(
                "values = [3, 4, 5]",
                &format!("values = [3, 4, 5]\nunit_cost = {lane_cost}")
            )
            .replace(
                "values = [38, 42, 48]",
                &format!("values = [38, 42, 48]\nunit_cost = {driver_cost}")
            )
    );
    std::fs::write(&opt, text).unwrap();
    let (printed, json) = optimise(opt.to_str().unwrap(), &d.join("out"), &["-q"]);
    assert_eq!(chosen(&json), Some(want.to_vec()), "brute force {pairs:?}\n{printed}");
    let ex = examined(&json);
    assert_eq!(ex.len(), k + 1, "{printed}");
    for (e, p) in ex.iter().zip(&pairs) {
        assert_eq!(values(e), p.2);
        assert_eq!(e["cost"].as_f64().unwrap(), p.0);
    }
    assert!(ex[..k].iter().all(|e| decision(e) == "infeasible"), "{printed}");
    assert!(
        printed.contains("Every cheaper candidate was declared infeasible"),
        "{printed}"
    );
    assert!(d.join("out/charts/frontier_p.svg").exists());
    eprintln!(
        "drivers: {want:?}, {} replications: {:?}",
        json["replications"],
        ex.iter().map(|e| (values(e), reps(e))).collect::<Vec<_>>()
    );
}

#[test]
fn bad_files_and_settings_are_refused_where_they_are_wrong() {
    let d = tmp("refused");
    mmc_scenario(&d, 60.0, 3.6, 2.0, 0.5);
    let good = "[optimise]\nscenario = \"mmc.toml\"\n\n[[variables]]\nname = \"lanes\"\nkey = \"ports.textbook.stages.lanes.servers\"\nvalues = [4, 5, 6]\nunit_cost = 1\n\n[[constraints]]\nmetric = \"wait_mean_min\"\nstage = \"lanes\"\nmax = 2\n";
    let file = d.join("opt.toml");
    let f = file.to_str().unwrap();
    let out = d.join("out");
    let o = out.to_str().unwrap();
    let try_file = |text: &str, extra: &[&str]| {
        std::fs::write(&file, text).unwrap();
        let mut args = vec!["optimise", f, "--out", o, "-q"];
        args.extend(extra);
        refused(&args)
    };
    let at = |line: u32, key: &str| format!("{f}:{line}:1: {key}: ");
    // An unknown metric.
    let e = try_file(&good.replace("wait_mean_min", "wait_avg"), &[]);
    assert!(
        e.contains(&format!("{}`wait_avg` is not a metric", at(11, "constraints.0.metric"))),
        "{e}"
    );
    // A key the scenario lacks.
    let e = try_file(&good.replace("stages.lanes.servers", "stages.gate.servers"), &[]);
    assert!(
        e.contains(&format!(
            "{}the scenario has no `ports.textbook.stages.gate`",
            at(6, "variables.0.key")
        )),
        "{e}"
    );
    // An empty candidate space: no values, or no variables.
    let e = try_file(&good.replace("[4, 5, 6]", "[]"), &[]);
    assert!(
        e.contains(&format!("{}a non-empty list", at(7, "variables.0.values"))),
        "{e}"
    );
    let no_vars = good.replace(
        &good[good.find("[[variables]]").unwrap()..good.find("[[constraints]]").unwrap()],
        "",
    );
    let e = try_file(&no_vars, &[]);
    assert!(
        e.contains(": variables: an optimisation needs at least one [[variables]] table"),
        "{e}"
    );
    // Bounds of the wrong sign or out of a fraction's range.
    let e = try_file(&good.replace("max = 2", "max = -2"), &[]);
    assert!(
        e.contains(&format!(
            "{}`wait_mean_min` is never negative",
            at(13, "constraints.0.max")
        )),
        "{e}"
    );
    let e = try_file(
        &good.replace("wait_mean_min", "p_wait").replace("max = 2", "max = 1.5"),
        &[],
    );
    assert!(
        e.contains(&format!(
            "{}`p_wait` is a fraction between 0 and 1",
            at(13, "constraints.0.max")
        )),
        "{e}"
    );
    // A metric the scenario does not report there: a stage metric without its stage, a stage
    // or a port it does not have.
    let e = try_file(&good.replace("stage = \"lanes\"\n", ""), &[]);
    assert!(
        e.contains(&format!(
            "{}port `textbook` reports `wait_mean_min` only for: stage = \"lanes\"",
            at(10, "constraints.0")
        )),
        "{e}"
    );
    let e = try_file(&good.replace("stage = \"lanes\"", "stage = \"gate\""), &[]);
    assert!(
        e.contains(&at(10, "constraints.0")) && e.contains("only for: stage = \"lanes\""),
        "{e}"
    );
    let e = try_file(&good.replace("stage = \"lanes\"", "port = \"nowhere\""), &[]);
    assert!(
        e.contains(&format!(
            "{}the scenario has no port `nowhere`",
            at(10, "constraints.0")
        )),
        "{e}"
    );
    // Settings: no --shard, no --resume, a budget of at least the first stage.
    let e = try_file(good, &["--shard", "1/2"]);
    assert!(e.contains("optimise takes no --shard"), "{e}");
    let e = try_file(good, &["--resume"]);
    assert!(e.contains("optimise takes no --resume"), "{e}");
    let e = try_file(good, &["-r", "3"]);
    assert!(
        e.contains("--replications 3: the budget per candidate must be at least first_replications (5)"),
        "{e}"
    );
    let e = try_file(
        &good.replace("[optimise]", "[optimise]\nfirst_replications = 8\nmax_replications = 6"),
        &[],
    );
    assert!(
        e.contains("optimise.max_replications: at least first_replications (8), got 6"),
        "{e}"
    );
    assert!(!out.exists(), "nothing is written for a refused optimisation");
    // The good file runs.
    std::fs::write(&file, good).unwrap();
    ok(&["optimise", f, "--out", o, "-q", "--no-charts"]);
    assert!(out.join("optimise.json").exists());
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            for (k, v) in files(&e.path()) {
                out.insert(format!("{name}/{k}"), v);
            }
        } else {
            out.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn the_same_optimisation_writes_the_same_bytes_at_any_thread_count() {
    let d = tmp("threads");
    mmc_scenario(&d, 60.0, 3.6, 10.0, 1.0);
    // The close candidate goes on one replication at a time with one thread, two at a time
    // with two: the replications after a decision are dropped.
    let file = mmc_opt(
        &d,
        "first_replications = 5\nmax_replications = 25\nsearch = \"all\"",
        &[4, 5, 6],
        &[CLOSE],
    );
    let (one, two) = (d.join("one"), d.join("two"));
    let (_, json) = optimise(&file, &one, &["--threads", "1", "-q"]);
    optimise(&file, &two, &["--threads", "2", "-q"]);
    assert!(
        examined(&json).iter().any(|e| reps(e) > 5),
        "some candidate goes past the first stage: {json:#}"
    );
    let (a, b) = (files(&one), files(&two));
    assert!(
        a.contains_key("optimise.json") && a.contains_key("optimise.csv"),
        "{:?}",
        a.keys()
    );
    assert_eq!(a["optimise.json"], b["optimise.json"], "optimise.json");
    assert_eq!(a["optimise.csv"], b["optimise.csv"], "optimise.csv");
    assert_eq!(a, b, "thread count changed the results");
}
