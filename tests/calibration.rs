//! The bundled scenarios against the published aggregates they are calibrated to
//! (scenarios/README.md gives each figure's source). Each check states its tolerance; a
//! year's total also has to sit inside it with its replication confidence interval.

mod common;

use bordersim::experiment::Experiment;
use bordersim::model::{ModelSpec, Scope};
use bordersim::scenario::load;
use common::*;
use std::path::Path;

/// Vehicles completed per replication at `port`, all modes.
fn vehicles(exp: &Experiment, spec: &ModelSpec, port: usize) -> Vec<f64> {
    let mut total = vec![0.0; exp.replications as usize];
    for f in spec.flows.iter().filter(|f| f.port == port) {
        let v = values_at(exp, port, Scope::Flow(f.mode), "completed_vehicles");
        total.iter_mut().zip(v).for_each(|(t, x)| *t += x);
    }
    total
}

/// Mean vehicles completed at `port` (modes named in `modes`, all when empty) from the start
/// of the run to `until` minutes, summed from the time series.
fn vehicles_until(exp: &Experiment, spec: &ModelSpec, port: usize, modes: &[&str], from: f64, until: f64) -> f64 {
    let s = &exp.series;
    let n = s.defs.len();
    let mut total = 0.0;
    for (row, &end) in s.ends.iter().enumerate() {
        if end <= from || end > until {
            continue;
        }
        for (i, d) in s.defs.iter().enumerate() {
            let mode_ok = d
                .mode
                .is_some_and(|m| modes.is_empty() || modes.contains(&spec.modes[m].name.as_str()));
            if d.port == port && d.metric == "completed_vehicles" && mode_ok {
                total += s.cells[row * n + i].mean().unwrap_or(0.0);
            }
        }
    }
    total
}

/// Minutes from 1 January to the start of `day` (1-based day of the year).
fn day(d: f64) -> f64 {
    (d - 1.0) * 1440.0
}

/// Asserts `value` within `tol` (relative) of `target`, and says so.
fn near(what: &str, value: f64, target: f64, tol: f64) {
    let rel = (value - target) / target;
    eprintln!("{what}: {value:.0} against {target:.0} ({:+.2} %)", rel * 100.0);
    assert!(
        rel.abs() <= tol,
        "{what}: {value:.0} is {:.2} % from {target:.0}",
        rel * 100.0
    );
}

/// A year's total: the mean and its 95 % interval both within `tol` of `target`.
fn total_near(what: &str, per_rep: &[f64], target: f64, tol: f64) {
    let (m, se) = mean_se(per_rep);
    near(what, m, target, tol);
    let ci = 2.26 * se; // t(0.975, 9) for 10 replications
    assert!(
        (m - ci - target).abs() / target <= tol && (m + ci - target).abs() / target <= tol,
        "{what}: the interval {m:.0} ± {ci:.0} leaves the {:.0} % band",
        tol * 100.0
    );
}

#[test]
fn horgos_2024_exports_421_000_vehicles() {
    let sc = load(Path::new("scenarios/horgos-2024.toml")).unwrap();
    assert_eq!(sc.replications, 10);
    let exp = run(&sc);
    // People's Daily, 2025-06-14: about 421,000 vehicles in 2024. Tolerance 3 %.
    total_near("Horgos 2024 vehicles", &vehicles(&exp, &sc.spec, 0), 421_000.0, 0.03);
    // Derived Jan-Mar 2024 (75,000 / 1.137 = 65,963): tolerance 5 % (two rounded figures).
    near(
        "Horgos Jan-Mar 2024",
        vehicles_until(&exp, &sc.spec, 0, &[], 0.0, day(92.0)),
        65_963.0,
        0.05,
    );
}

#[test]
fn horgos_2025_exports_450_000_vehicles_over_1_000_a_day_and_500_commercial_a_day() {
    let sc = load(Path::new("scenarios/horgos-2025.toml")).unwrap();
    let exp = run(&sc);
    let spec = &sc.spec;
    let year = vehicles(&exp, spec, 0);
    // People's Daily, 2026-01-21: about 450,000 in 2025, "more than 1,000 ... each day".
    total_near("Horgos 2025 vehicles", &year, 450_000.0, 0.03);
    assert!(year.iter().all(|v| v / 365.0 > 1_000.0), "{year:?}");
    // Within the year: Jan-Mar 75,000 and Jan-Apr 106,000 (5 %: rounded press figures);
    // "300,000+" by 24 October (at least 300,000, at most 3 % over).
    let until = |d: f64| vehicles_until(&exp, spec, 0, &[], 0.0, day(d));
    near("Horgos Jan-Mar 2025", until(91.0), 75_000.0, 0.05);
    near("Horgos Jan-Apr 2025", until(121.0), 106_000.0, 0.05);
    let by_oct_24 = until(298.0);
    assert!(
        (300_000.0..=309_000.0).contains(&by_oct_24),
        "by 24 Oct: {by_oct_24:.0}"
    );
    // ">500 commercial vehicles ... exported daily" (People's Daily, 2025-05-29): May and June
    // average within 5 % of 500 a day.
    let commercial = vehicles_until(&exp, spec, 0, &["commercial"], day(121.0), day(182.0)) / 61.0;
    near(
        "Horgos commercial vehicles per day, May-June 2025",
        commercial,
        500.0,
        0.05,
    );
}

#[test]
fn baktu_clears_in_about_half_an_hour() {
    let sc = load(Path::new("scenarios/baktu.toml")).unwrap();
    let exp = run(&sc);
    // "within half an hour" (Xinhua, 2023-02-09): declaration plus inspection, queue
    // included, average 30 minutes within 5 minutes. Every consignment passes both stages.
    let stay = |name: &str| {
        let s = sc.spec.stages.iter().position(|s| s.name == name).unwrap();
        values_at(&exp, 0, Scope::Stage(s), "stay_mean_min")
    };
    let (d, i) = (stay("declaration"), stay("inspection"));
    let clearance: Vec<f64> = d.iter().zip(&i).map(|(a, b)| a + b).collect();
    let (m, se) = mean_se(&clearance);
    eprintln!("Baktu clearance: {m:.1} ± {:.1} min", 2.26 * se);
    assert!(
        (m - 30.0).abs() + 2.26 * se <= 5.0,
        "clearance {m:.1} ± {:.1} min",
        2.26 * se
    );
}

#[test]
fn two_ports_keep_each_ports_calibrated_volume_under_the_shared_split() {
    let sc = load(Path::new("scenarios/two-ports.toml")).unwrap();
    let exp = run(&sc);
    let port = |name: &str| sc.spec.ports.iter().position(|p| p.name == name).unwrap();
    let (h, b) = (port("horgos"), port("baktu"));
    let horgos = mean_se(&vehicles(&exp, &sc.spec, h)).0;
    near("Horgos 2025 vehicles in two-ports", horgos, 450_000.0, 0.03);
    // baktu.toml's assumed 5 carriers (7 cars each on average) and 40 cars a day over the
    // year: 12,775 + 14,600.
    let baktu = mean_se(&vehicles(&exp, &sc.spec, b)).0;
    near("Baktu vehicles in two-ports", baktu, 27_375.0, 0.05);
}

#[test]
fn the_reform_case_study_starts_from_the_calibrated_2025_port() {
    let table = |f: &str| -> toml::Table { toml::from_str(&std::fs::read_to_string(f).unwrap()).unwrap() };
    let (cal, reform) = (
        table("scenarios/horgos-2025.toml"),
        table("scenarios/horgos-reform.toml"),
    );
    for key in ["modes", "ports"] {
        assert_eq!(
            cal[key], reform[key],
            "[{key}] differs between horgos-2025 and horgos-reform"
        );
    }
    for key in ["start", "horizon_days", "warmup_days", "seed", "replications"] {
        assert_eq!(cal["simulation"][key], reform["simulation"][key], "simulation.{key}");
    }
}

#[test]
fn every_bundled_scenario_is_valid_and_has_a_parameter_table() {
    let table = std::fs::read_to_string("scenarios/README.md").unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        n += 1;
        let name = path.file_name().unwrap().to_str().unwrap();
        bordersim::scenario::load_set(&path, Default::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            table.contains(&format!("## {name}")),
            "scenarios/README.md has no section for {name}"
        );
    }
    assert!(n >= 6, "only {n} bundled scenarios found");
}

#[test]
fn every_bundled_scenario_runs_and_compares_from_the_command_line() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundled");
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        for command in ["run", "compare"] {
            let out = tmp.join(format!("{name}-{command}"));
            // 130 days: past the reform date of horgos-reform.toml (1 May).
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_bordersim"))
                .args([command, path.to_str().unwrap(), "-q", "--no-charts", "--force"])
                .args(["--days", "130", "--replications", "2", "--out", out.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{command} {name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let file = if command == "run" {
                "summary.json"
            } else {
                "comparison.csv"
            };
            assert!(out.join(file).is_file(), "{command} {name}: no {file}");
        }
    }
}
