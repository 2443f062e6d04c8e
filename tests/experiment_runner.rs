//! The experiment runner through the binary: a resumed comparison interrupted again still
//! writes what it holds, and the driver pool never hides a stage of the same name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run(args: &[String]) -> Output {
    bin().args(args).output().expect("run bordersim")
}

/// Starts bordersim, sends SIGINT after `millis`, and waits for it.
fn interrupt_after(args: &[String], millis: u64) -> Output {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(millis));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    child.wait_with_output().unwrap()
}

fn json_of(p: &Path) -> Option<serde_json::Value> {
    std::fs::read(p).ok().map(|b| serde_json::from_slice(&b).unwrap())
}

/// Replications per variant that an interrupt message reports.
fn reported(stderr: &str) -> u64 {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: interrupted after"))
        .unwrap();
    let at = line.find('(').unwrap();
    line[at + 1..].split_whitespace().next().unwrap().parse().unwrap()
}

const RESULTS: [&str; 3] = ["comparison.json", "comparison.csv", "compare_timeseries.csv"];

#[test]
fn a_resumed_comparison_interrupted_again_writes_what_it_holds() {
    // One thread and five models of a few tenths of a second each, four replications.
    let args = |dir: &Path, extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "compare",
            "scenarios/horgos-reform.toml",
            "-q",
            "-r",
            "4",
            "--days",
            "150",
            "--no-charts",
            "--threads",
            "1",
            "--out",
        ]
        .map(String::from)
        .to_vec();
        a.push(dir.to_str().unwrap().into());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // The uninterrupted result first: the reference, and the run time the interrupts are
    // timed from, so the test holds on a fast machine and on a loaded one.
    let full = tmp("runner-twice-full");
    let began = std::time::Instant::now();
    let o = run(&args(&full, &[]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let whole = began.elapsed().as_millis() as f64;
    let out = tmp("runner-twice");
    let first = args(&out, &[]);
    // An interrupt after at least one replication of every model and before the end: too
    // early (nothing held, or before the handler) waits longer, too late (finished) less.
    let mut held = 0;
    let mut wait = whole * 0.5;
    for _ in 0..12 {
        let _ = std::fs::remove_dir_all(&out);
        let o = interrupt_after(&first, wait as u64);
        match o.status.code() {
            Some(0) => wait *= 0.7,
            Some(130) => {
                held = reported(&text(&o.stderr));
                if held > 0 && held < 4 {
                    break;
                }
                wait *= if held == 0 { 1.3 } else { 0.7 };
            }
            None => wait *= 1.3,
            Some(c) => panic!("exit code {c}: {}", text(&o.stderr)),
        }
    }
    assert!(
        held > 0 && held < 4,
        "no interrupt landed between the first replication and the end"
    );
    // The partial results are taken away (read, moved, lost); the checkpoint stays.
    for f in RESULTS {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    let saved = std::fs::read(out.join("checkpoint.bin")).unwrap();
    // The resumed run interrupted again, soon enough that it has not finished.
    let mut wait = (whole * 0.05).max(50.0);
    let mut again = None;
    for _ in 0..12 {
        for f in RESULTS {
            let _ = std::fs::remove_file(out.join(f));
        }
        std::fs::write(out.join("checkpoint.bin"), &saved).unwrap();
        let o = interrupt_after(&args(&out, &["--resume"]), wait as u64);
        match o.status.code() {
            Some(130) => {
                again = Some(o);
                break;
            }
            Some(0) => wait *= 0.6,
            None => wait *= 1.5,
            Some(c) => panic!("exit code {c}: {}", text(&o.stderr)),
        }
    }
    let o = again.expect("no interrupt landed while the resumed run was under way");
    let err = text(&o.stderr);
    let again = reported(&err);
    assert!(again >= held, "{err}");
    assert!(err.contains("are marked partial"), "{err}");
    // What the message says is there: the results of every replication held, marked partial.
    assert!(
        text(&o.stdout).contains(&format!("{again} replication(s) per variant")),
        "no comparison printed: {}",
        text(&o.stdout)
    );
    let j = json_of(&out.join("comparison.json")).expect("the resumed run wrote no comparison.json");
    assert_eq!(j["partial"], true);
    assert_eq!(j["replications"], again);
    for f in j["files"].as_array().unwrap() {
        assert!(out.join(f.as_str().unwrap()).exists(), "{f} listed but missing");
    }
    // And it still resumes to the uninterrupted result.
    let o = run(&args(&out, &["--resume"]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    for f in RESULTS {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(full.join(f)).unwrap(),
            "{f} differs after resume"
        );
    }
}

#[test]
fn a_stage_named_drivers_keeps_its_values_in_a_comparison() {
    // baktu.toml with its bridge stage renamed `drivers`, next to the port's driver pool.
    let src = std::fs::read_to_string("scenarios/baktu.toml").unwrap();
    let renamed = src
        .replace("[ports.baktu.stages.bridge]", "[ports.baktu.stages.drivers]")
        .replace("\"bridge\"]", "\"drivers\"]");
    assert_ne!(src, renamed);
    let dir = tmp("runner-drivers");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("drivers.toml");
    std::fs::write(&file, renamed).unwrap();
    let out = dir.join("out");
    let args: Vec<String> = [
        "compare",
        file.to_str().unwrap(),
        "-q",
        "--days",
        "5",
        "-r",
        "2",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    let o = run(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let value = |stage: &str, metric: &str| -> Vec<String> {
        csv.lines()
            .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
            .filter(|c| c[0] == "baseline" && c[2] == stage && c[4] == metric)
            .map(|c| c[5].clone())
            .collect()
    };
    for metric in ["wait_mean_min", "queue_mean", "queue_max", "in_stage_mean"] {
        let v = value("drivers", metric);
        assert_eq!(v.len(), 1, "{metric}: {v:?}");
        assert!(
            !v[0].is_empty(),
            "the stage `drivers` has no {metric} in comparison.csv"
        );
    }
    // The pool is still there, under its own label.
    let pool = value("drivers", "utilization");
    assert_eq!(pool.len(), 1);
    assert!(!pool[0].is_empty());
}
