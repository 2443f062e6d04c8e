//! README's walk-through from a gate log to a TRS table, run as a user would: `fit` on the
//! bundled synthetic gate log still prints the rates and profiles pasted into
//! scenarios/gate-log-fitted.toml; a run with `--out DIR --trace DIR/trace.csv` on a fresh
//! DIR writes the log beside the results; `trs` on it writes the TRS table there; and the
//! fitted scenario and the replayed log agree on the mean time in system.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bordersim(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .expect("run bordersim");
    assert!(
        out.status.success(),
        "bordersim {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fresh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("walkthrough").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

/// The rate and profiles of each flow of a TOML document, in `ports.P.flows.F` tables.
fn flows(doc: &toml::Table, port: &str) -> Vec<(String, toml::Value, toml::Value, toml::Value)> {
    let flows = doc["ports"][port]["flows"].as_table().expect("flows");
    let mut out: Vec<_> = flows
        .iter()
        .map(|(name, f)| {
            (
                name.clone(),
                f["rate"].clone(),
                f["hour_of_day"].clone(),
                f["day_of_week"].clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn the_fitted_scenario_holds_what_fit_prints() {
    let dir = fresh("fit");
    std::fs::create_dir_all(&dir).unwrap();
    let fitted = dir.join("fitted.toml");
    bordersim(&[
        "fit",
        "scenarios/data/gate-log-synthetic.csv",
        "--out",
        fitted.to_str().unwrap(),
    ]);
    let printed: toml::Table = std::fs::read_to_string(&fitted).unwrap().parse().unwrap();
    let shipped: toml::Table = std::fs::read_to_string("scenarios/gate-log-fitted.toml")
        .unwrap()
        .parse()
        .unwrap();
    let (printed, shipped) = (flows(&printed, "PORT"), flows(&shipped, "baktu"));
    assert_eq!(printed.len(), 2);
    assert_eq!(
        printed, shipped,
        "re-paste `bordersim fit` output into scenarios/gate-log-fitted.toml"
    );
}

fn mean_time_in_system(summary: &Path) -> (f64, f64) {
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    let m = &json["ports"]["baktu"]["totals"]["time_in_system_mean_min"];
    (m["mean"].as_f64().unwrap(), m["ci95"].as_f64().unwrap())
}

#[test]
fn log_to_trace_to_trs_in_one_directory() {
    let replay = fresh("replay");
    let r = replay.to_str().unwrap();
    let trace = format!("{r}/trace.csv");
    bordersim(&[
        "run",
        "scenarios/gate-log-replay.toml",
        "--out",
        r,
        "--trace",
        &trace,
        "-q",
        "--no-charts",
    ]);
    assert!(replay.join("summary.json").is_file() && Path::new(&trace).is_file());
    let out = bordersim(&["trs", &trace, "--out", r, "--no-charts"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("Port baktu") && table.contains("waiting for inspection"),
        "{table}"
    );
    let csv = std::fs::read_to_string(replay.join("trs.csv")).unwrap();
    let total = csv
        .lines()
        .find(|l| l.starts_with("baktu,self_driving,Total release time,total,"))
        .expect("the self_driving total row");
    let released: u64 = total.split(',').nth(5).unwrap().parse().unwrap();
    // 1128 logged self-driving cars, a few still inside at the end of the four weeks.
    assert!((1100..=1128).contains(&released), "{total}");

    let fitted = fresh("fitted");
    let f = fitted.to_str().unwrap();
    bordersim(&["run", "scenarios/gate-log-fitted.toml", "--out", f, "-q", "--no-charts"]);
    let (a, ha) = mean_time_in_system(&replay.join("summary.json"));
    let (b, hb) = mean_time_in_system(&fitted.join("summary.json"));
    // Independent runs: the difference of the means within the two half-widths combined.
    assert!(
        (a - b).abs() <= (ha * ha + hb * hb).sqrt(),
        "replayed {a} ± {ha} against fitted {b} ± {hb}"
    );
}
