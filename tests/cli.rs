//! The binary as a user runs it: commands, files written, exit codes, reproducibility.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run bordersim")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_writes_summary_and_timeseries_and_prints_a_table() {
    let out = tmp("cli-run");
    let o = run(&[
        "run",
        "scenarios/baktu.toml",
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "3",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("Port baktu"), "{stdout}");
    assert!(stdout.contains("inspection"), "{stdout}");
    assert!(stdout.contains("±"), "{stdout}");

    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"]["replications"], 3);
    let insp = &summary["ports"]["baktu"]["stages"]["inspection"];
    let util = insp["utilization"]["mean"].as_f64().unwrap();
    assert!(util > 0.0 && util < 1.0, "{util}");
    assert!(insp["wait_mean_min"]["ci95"].as_f64().unwrap() > 0.0);
    assert!(
        summary["ports"]["baktu"]["modes"]["cage_truck"]["vehicles_per_day"]["mean"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(
        summary["ports"]["baktu"]["drivers"]["utilization"]["mean"]
            .as_f64()
            .is_some()
    );

    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "interval_start_min,interval_end_min,interval_end,port,stage,mode,metric,mean,ci95,min,max,replications"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 12));
    // Hourly rows over 120 days, for every series.
    let queue_rows = rows.iter().filter(|r| r[4] == "inspection" && r[6] == "queue").count();
    assert_eq!(queue_rows, 120 * 24);
    assert_eq!(rows[0][2], "2023-01-01T01:00");
    // Daily arrivals in the CSV add up to the arrivals in the summary (warm-up included in the CSV).
    let arrivals: f64 = rows
        .iter()
        .filter(|r| r[5] == "self_driving" && r[6] == "arrivals")
        .map(|r| r[7].parse::<f64>().unwrap())
        .sum();
    let run_arrived = summary["ports"]["baktu"]["modes"]["self_driving"]["run_arrived"]["mean"]
        .as_f64()
        .unwrap();
    assert!(
        (arrivals - run_arrived).abs() < 1e-6 * run_arrived,
        "{arrivals} vs {run_arrived}"
    );
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (tmp("cli-seed-a"), tmp("cli-seed-b"), tmp("cli-seed-c"));
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let o = run(&[
            "run",
            "scenarios/baktu.toml",
            "-q",
            "--days",
            "20",
            "--seed",
            seed,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    for f in ["summary.json", "timeseries.csv"] {
        let (fa, fb, fc) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            std::fs::read(c.join(f)).unwrap(),
        );
        assert_eq!(fa, fb, "{f} differs between two runs with the same seed");
        assert_ne!(fa, fc, "{f} is the same for seeds 5 and 6");
    }
}

#[test]
fn check_describes_the_model() {
    let o = run(&["check", "scenarios/horgos-2024.toml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    for want in [
        "Port horgos",
        "stage export_lanes",
        "route: approach -> supervision_yard -> inspection (8%) -> export_lanes -> kz_truck_entry",
        "at most 1000 clearances start per calendar day",
        "drivers: 1000",
        "OK",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn help_shows_examples_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["check", "--help"],
        vec!["fit", "--help"],
        vec!["sweep", "--help"],
        vec!["merge", "--help"],
    ] {
        let o = run(&args);
        assert!(o.status.success());
        assert!(text(&o.stdout).contains("Example"), "{args:?}");
    }
}

#[test]
fn usage_errors_exit_with_code_2() {
    let o = run(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["run", "scenarios/mmc.toml", "--replications", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--replications"), "{}", text(&o.stderr));
    let o = run(&["run", "scenarios/mmc.toml", "--days", "1"]);
    assert_eq!(o.status.code(), Some(2), "warm-up of 2 days exceeds 1 day");
    assert!(text(&o.stderr).contains("--days"), "{}", text(&o.stderr));
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let dirs: Vec<PathBuf> = ["threads-1", "threads-default", "threads-3"]
        .iter()
        .map(|d| tmp(d))
        .collect();
    for (dir, threads) in dirs.iter().zip([Some("1"), None, Some("3")]) {
        let mut args = vec![
            "run",
            "scenarios/baktu.toml",
            "-q",
            "--days",
            "20",
            "--replications",
            "7",
            "--out",
            dir.to_str().unwrap(),
        ];
        if let Some(t) = threads {
            args.extend(["--threads", t]);
        }
        let o = run(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let mut args = vec![
            "compare",
            "scenarios/baktu.toml",
            "-q",
            "--days",
            "10",
            "--replications",
            "5",
            "--out",
        ];
        let cmp = dir.join("cmp");
        args.push(cmp.to_str().unwrap());
        if let Some(t) = threads {
            args.extend(["--threads", t]);
        }
        let o = run(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    for f in [
        "summary.json",
        "timeseries.csv",
        "cmp/comparison.csv",
        "cmp/comparison.json",
    ] {
        let first = std::fs::read(dirs[0].join(f)).unwrap();
        for d in &dirs[1..] {
            assert_eq!(
                first,
                std::fs::read(d.join(f)).unwrap(),
                "{f} differs between {:?} and {:?}",
                dirs[0],
                d
            );
        }
    }
    let o = run(&["run", "scenarios/baktu.toml", "--threads", "0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_output_directory_with_results_is_refused_unless_forced() {
    let out = tmp("cli-force");
    let dir = out.to_str().unwrap();
    let o = run(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "--days",
        "5",
        "--replications",
        "2",
        "--no-charts",
        "--out",
        dir,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let first = std::fs::read(out.join("summary.json")).unwrap();
    let o = run(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "--days",
        "5",
        "--replications",
        "3",
        "--no-charts",
        "--out",
        dir,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("already holds results (summary.json, timeseries.csv, distribution.csv)"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read(out.join("summary.json")).unwrap(),
        first,
        "refused run changed the results"
    );
    // --force replaces them, and stale files of another kind of run go too.
    std::fs::create_dir_all(out.join("charts")).unwrap();
    std::fs::write(out.join("charts/queue_old.png"), b"stale").unwrap();
    let o = run(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "--days",
        "5",
        "--replications",
        "3",
        "--no-charts",
        "--force",
        "--out",
        dir,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_ne!(std::fs::read(out.join("summary.json")).unwrap(), first);
    assert!(!out.join("charts").exists());
    // Other files in the directory are left alone.
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    let o = run(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "--days",
        "5",
        "--force",
        "--no-charts",
        "--out",
        dir,
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
}

fn interrupt_after(args: &[&str], millis: u64, signal: &str) -> std::process::Output {
    let child = bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(millis));
    let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
    child.wait_with_output().unwrap()
}

#[test]
fn an_interrupted_then_resumed_comparison_equals_an_uninterrupted_one() {
    let (cut, full) = (tmp("cli-resume-cut"), tmp("cli-resume-full"));
    let args = |dir: &PathBuf| {
        vec![
            "compare",
            "scenarios/baktu.toml",
            "-q",
            "--replications",
            "400",
            "--no-charts",
            "--out",
        ]
        .into_iter()
        .map(String::from)
        .chain([dir.to_str().unwrap().to_string()])
        .collect::<Vec<String>>()
    };
    let a: Vec<String> = args(&cut);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = interrupt_after(&a, 1500, "-INT");
    assert_eq!(
        o.status.code(),
        Some(130),
        "the comparison finished before the interrupt: {}",
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(err.contains("interrupted after") && err.contains("--resume"), "{err}");
    let partial: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cut.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(partial["partial"], true);
    assert!(partial["replications"].as_u64().unwrap() < 400);
    let mut resumed = a.clone();
    resumed.push("--resume");
    let o = run(&resumed);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!cut.join("checkpoint.bin").exists(), "checkpoint left after completion");
    let b: Vec<String> = args(&full);
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    assert!(run(&b).status.success());
    for f in ["comparison.csv", "comparison.json", "compare_timeseries.csv"] {
        assert_eq!(
            std::fs::read(cut.join(f)).unwrap(),
            std::fs::read(full.join(f)).unwrap(),
            "{f} differs after resume"
        );
    }
    // A checkpoint only resumes the experiment it belongs to.
    let o = run(&[
        "compare",
        "scenarios/baktu.toml",
        "--replications",
        "400",
        "--seed",
        "9",
        "--out",
        cut.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn killing_a_run_leaves_complete_files_or_none() {
    for (i, millis) in [150u64, 400, 700].into_iter().enumerate() {
        let out = tmp(&format!("cli-kill-{i}"));
        interrupt_after(
            &[
                "run",
                "scenarios/horgos-2024.toml",
                "-q",
                "--replications",
                "2",
                "--out",
                out.to_str().unwrap(),
            ],
            millis,
            "-KILL",
        );
        if let Ok(bytes) = std::fs::read(out.join("summary.json")) {
            serde_json::from_slice::<serde_json::Value>(&bytes).expect("summary.json is complete");
        }
        if let Ok(csv) = std::fs::read_to_string(out.join("timeseries.csv")) {
            let last = csv.lines().last().unwrap();
            assert_eq!(last.split(',').count(), 12, "timeseries.csv ends mid-row");
        }
    }
}
