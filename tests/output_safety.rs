//! What bordersim leaves in an output directory when things go wrong: damaged checkpoints,
//! files in the way, interrupts and kills, directories that cannot be written.

use std::collections::BTreeMap;
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

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run bordersim")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every file under `dir` (relative path → bytes), to show that a refused command changed
/// nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap_or_default(),
                );
            }
        }
    }
    out
}

/// Starts bordersim, sends `kill SIGNAL` after each of `delays` (ms, from the previous
/// signal), and waits for it.
fn signal_after(args: &[&str], delays: &[u64], signal: &str) -> Output {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for d in delays {
        std::thread::sleep(Duration::from_millis(*d));
        let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
    }
    child.wait_with_output().unwrap()
}

fn compare_args(dir: &Path, replications: &str) -> Vec<String> {
    [
        "compare",
        "scenarios/baktu.toml",
        "-q",
        "--replications",
        replications,
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Header length of checkpoint.bin (magic, version, fingerprint, payload length, CRC-32).
const HEADER: usize = 32;

#[test]
fn damaged_checkpoints_are_refused_and_nothing_is_overwritten() {
    let out = tmp("safety-checkpoint");
    let args = compare_args(&out, "200");
    let o = signal_after(&strs(&args), &[1200], "-INT");
    assert_eq!(o.status.code(), Some(130), "not interrupted: {}", text(&o.stderr));
    let ckpt = out.join("checkpoint.bin");
    let good = std::fs::read(&ckpt).unwrap();
    let mut resume = args.clone();
    resume.push("--resume".into());

    // The replication count (the first fold's `done`, a one-byte varint after the number of
    // folds), edited and the checksum made to match again.
    let mut edited = good.clone();
    assert!(edited[HEADER + 1] < 127, "more replications than one varint byte holds");
    edited[HEADER + 1] += 1;
    let crc = crc32fast::hash(&edited[HEADER..]).to_le_bytes();
    edited[28..32].copy_from_slice(&crc);
    // A payload byte flipped, the checksum left as it was.
    let mut flipped = good.clone();
    let mid = HEADER + (good.len() - HEADER) / 2;
    flipped[mid] ^= 0x01;
    // Cut short.
    let cut = good[..good.len() - 100].to_vec();

    for (what, bytes) in [("edited count", edited), ("flipped byte", flipped), ("truncated", cut)] {
        std::fs::write(&ckpt, &bytes).unwrap();
        let before = snapshot(&out);
        let o = run(&strs(&resume));
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(&format!("{} is damaged: ", ckpt.display())),
            "{what}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{what}: {err}");
        let after = snapshot(&out);
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        assert!(changed.is_empty(), "{what}: the refused resume changed {changed:?}");
    }

    // The intact checkpoint still resumes to the uninterrupted result.
    std::fs::write(&ckpt, &good).unwrap();
    let o = run(&strs(&resume));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let full = tmp("safety-checkpoint-full");
    assert!(run(&strs(&compare_args(&full, "200"))).status.success());
    for f in ["comparison.csv", "comparison.json", "compare_timeseries.csv"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(full.join(f)).unwrap(),
            "{f} differs after resume"
        );
    }
}

fn small_run(dir: &Path, extra: &[&str]) -> Output {
    let mut a = vec![
        "run",
        "scenarios/baktu.toml",
        "-q",
        "--days",
        "5",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    run(&a)
}

#[test]
fn force_removes_only_regular_files_bordersim_wrote() {
    let out = tmp("safety-force");
    let o = small_run(&out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Every chart drawn is one --force recognises as bordersim's.
    for e in std::fs::read_dir(out.join("charts")).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(bordersim::report::charts::is_chart_file(&n), "{n} not recognised");
    }
    std::fs::write(out.join("charts/my_own_chart.png"), b"mine").unwrap();
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();

    // A directory where summary.json goes, holding the user's files.
    std::fs::remove_file(out.join("summary.json")).unwrap();
    std::fs::create_dir_all(out.join("summary.json/sub")).unwrap();
    std::fs::write(out.join("summary.json/sub/notes.txt"), b"mine").unwrap();
    for force in [true, false] {
        let before = snapshot(&out);
        let o = small_run(&out, if force { &["--force"] } else { &[] });
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!(
                "{} is not a file bordersim wrote; move it away",
                out.join("summary.json").display()
            )),
            "{err}"
        );
        assert_eq!(snapshot(&out), before, "a refused run changed files");
    }
    std::fs::remove_dir_all(out.join("summary.json")).unwrap();

    // A symlink where a result file goes: refused, and its target is never touched.
    let target = tmp("safety-force-target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("precious.csv"), b"keep").unwrap();
    std::fs::remove_file(out.join("timeseries.csv")).unwrap();
    std::os::unix::fs::symlink(target.join("precious.csv"), out.join("timeseries.csv")).unwrap();
    let o = small_run(&out, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("timeseries.csv is not a file bordersim wrote"));
    assert_eq!(std::fs::read(target.join("precious.csv")).unwrap(), b"keep");
    std::fs::remove_file(out.join("timeseries.csv")).unwrap();
    // A symlinked chart name inside charts/ too.
    std::os::unix::fs::symlink(target.join("precious.csv"), out.join("charts/queue_elsewhere.png")).unwrap();
    let o = small_run(&out, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    std::fs::remove_file(out.join("charts/queue_elsewhere.png")).unwrap();

    // --force now removes bordersim's files and keeps the user's, charts/ included.
    let o = small_run(&out, &["--force", "--no-charts"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(charts, ["my_own_chart.png"]);
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
    assert_eq!(std::fs::read(target.join("precious.csv")).unwrap(), b"keep");
    // Without the user's file, charts/ goes once it is empty.
    std::fs::remove_file(out.join("charts/my_own_chart.png")).unwrap();
    assert!(small_run(&out, &[]).status.code() == Some(2));
    let o = small_run(&out, &["--force", "--no-charts"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.join("charts").exists());
}

#[test]
fn temporary_files_left_by_killed_runs_are_removed() {
    let out = tmp("safety-temps");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    let ours = [
        ".comparison.csv.tmp-12345",
        ".summary.json.tmp-7",
        ".checkpoint.bin.tmp-99999",
        "charts/.queue_baktu.tmp-12345.png",
        "charts/.compare_difference_horgos.tmp-4.svg",
    ];
    let theirs = [
        ".notes.txt.tmp-12345",
        ".comparison.csv.tmp-12a",
        "charts/.my_chart.tmp-3.png",
    ];
    for f in ours.iter().chain(&theirs) {
        std::fs::write(out.join(f), b"x").unwrap();
    }
    // Without --force (there are no results to replace)...
    let o = small_run(&out, &["--no-charts"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for f in ours {
        assert!(!out.join(f).exists(), "{f} left behind");
    }
    for f in theirs {
        assert!(out.join(f).exists(), "{f} is not ours but was removed");
    }
    // ... and with --force.
    std::fs::write(out.join(".timeseries.csv.tmp-31337"), b"x").unwrap();
    let o = small_run(&out, &["--no-charts", "--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.join(".timeseries.csv.tmp-31337").exists());
    // The describing JSON names the files it belongs with and says it is complete.
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["scenario"]["partial"], false);
    assert_eq!(s["files"], serde_json::json!(["timeseries.csv", "distribution.csv"]));
}

#[test]
fn an_unwritable_out_directory_says_it_cannot_be_written() {
    let o = run(&["run", "scenarios/baktu.toml", "-q", "--days", "5", "--out", "/proc"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--out: cannot write to /proc: "), "{err}");
    assert!(!err.contains("No such file"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

fn no_temps(dir: &Path) {
    for p in snapshot(dir).keys() {
        assert!(!p.to_string_lossy().contains(".tmp-"), "temporary file left: {p:?}");
    }
}

fn json_of(p: &Path) -> Option<serde_json::Value> {
    std::fs::read(p)
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("describing JSON is whole"))
}

#[test]
fn a_second_ctrl_c_never_leaves_an_unmarked_partial_result() {
    let args = |dir: &Path| -> Vec<String> {
        [
            "compare",
            "scenarios/horgos-2024.toml",
            "-q",
            "--days",
            "180",
            // About 5 s on this kind of machine: the first Ctrl-C at 1.5 s lands well inside.
            "--replications",
            "32",
            "--no-charts",
            "--out",
            dir.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let mut outcomes = Vec::new();
    let mut resumed = 0;
    // The first Ctrl-C lets the batch under way finish (a few tenths of a second here), then
    // writing takes a few tenths more: these gaps land the second one before, during and
    // after the writing.
    for (i, gap) in [30u64, 250, 400, 550, 800].into_iter().enumerate() {
        let out = tmp(&format!("safety-twice-{i}"));
        let a = args(&out);
        let o = signal_after(&strs(&a), &[1500, gap], "-INT");
        assert_eq!(o.status.code(), Some(130), "gap {gap}: {}", text(&o.stderr));
        if !out.exists() {
            outcomes.push("nothing written");
            continue;
        }
        no_temps(&out);
        let ckpt = out.join("checkpoint.bin").exists();
        match json_of(&out.join("comparison.json")) {
            None => outcomes.push("no comparison.json: incomplete"),
            Some(j) if j["partial"] == true => {
                outcomes.push("marked partial");
                let files = j["files"].as_array().unwrap();
                for f in files {
                    assert!(
                        out.join(f.as_str().unwrap()).exists(),
                        "gap {gap}: {f} listed but missing"
                    );
                }
                assert!(
                    files.contains(&"checkpoint.bin".into()) && ckpt,
                    "gap {gap}: partial without checkpoint"
                );
            }
            Some(j) => {
                // Complete: every listed file is there and all replications ran.
                assert_eq!(j["replications"], 16, "gap {gap}");
                for f in j["files"].as_array().unwrap() {
                    assert!(
                        out.join(f.as_str().unwrap()).exists(),
                        "gap {gap}: {f} listed but missing"
                    );
                }
                outcomes.push("complete");
            }
        }
        if ckpt && resumed < 2 {
            resumed += 1;
            let mut r = a.clone();
            r.push("--resume".into());
            let o = run(&strs(&r));
            assert!(o.status.success(), "gap {gap}: resume failed: {}", text(&o.stderr));
            let j = json_of(&out.join("comparison.json")).unwrap();
            assert_eq!(j["partial"], false);
            no_temps(&out);
        }
    }
    eprintln!("second Ctrl-C outcomes: {outcomes:?}");
}

#[test]
fn the_interrupt_message_counts_in_the_progress_bar_unit() {
    let out = tmp("safety-unit");
    let o = signal_after(&strs(&compare_args(&out, "400")), &[1000], "-INT");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    // baktu.toml: the baseline and 4 variants; 400 replications each, 2000 runs.
    let line = err.lines().find(|l| l.starts_with("error: interrupted after")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let runs: u64 = words[3].parse().unwrap();
    assert_eq!(&words[4..7], ["of", "2000", "runs"], "{line}");
    let each: u64 = words[7].trim_start_matches('(').parse().unwrap();
    assert_eq!(runs, each * 5, "{line}");
    assert!(line.contains("of 400 replications of each of 5 variants)"), "{line}");
}
