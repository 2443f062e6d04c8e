//! `bordersim sweep` and `bordersim merge` as a user runs them: the files written, byte
//! identity across thread counts and shard splits, and the refusals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep").join(name);
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
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!e.contains("panicked"), "{e}");
    e
}

/// A sweep file over M/M/4 (scenarios/mmc.toml) in `dir`, with `design` as its [design].
fn sweep_file(dir: &Path, design: &str) -> String {
    let scenario = std::fs::canonicalize("scenarios/mmc.toml").unwrap();
    let text = format!(
        r#"[sweep]
scenario = "{}"
description = "lanes and load of M/M/c"

[design]
{design}

[[factors]]
name = "lanes"
key = "ports.textbook.stages.lanes.servers"
values = [4, 5, 6]

[[factors]]
name = "clearance_mean"
key = "ports.textbook.stages.lanes.clearance.mean"
range = {{ min = 3.0, max = 3.8{steps} }}
"#,
        scenario.display(),
        steps = if design.contains("factorial") {
            ", steps = 2"
        } else {
            ""
        }
    );
    let p = dir.join("sweep.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Every file under `dir` (charts included) with its bytes.
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

const SETTINGS: [&str; 5] = ["--days", "3", "--replications", "2", "-q"];

fn sweep(file: &str, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["sweep", file, "--out", out.to_str().unwrap()];
    args.extend(SETTINGS);
    args.extend(extra);
    ok(&args)
}

#[test]
fn a_factorial_sweep_writes_its_set_the_same_at_any_thread_count() {
    let d = tmp("factorial");
    let file = sweep_file(&d, "kind = \"factorial\"");
    let (one, two) = (d.join("one"), d.join("two"));
    let printed = sweep(&file, &one, &["--threads", "1"]);
    sweep(&file, &two, &["--threads", "2"]);
    assert!(
        printed.contains("factorial design, 6 points × 2 replications"),
        "{printed}"
    );
    let a = files(&one);
    assert_eq!(a, files(&two), "thread count changed the results");
    let csv = String::from_utf8(a["sweep.csv"].clone()).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("point,lanes,clearance_mean,port,stage,mode,metric,mean,ci95,se,n")
    );
    assert!(csv.contains("\n5,6,3.8,textbook,,,time_in_system_mean_min,"), "{csv}");
    let rows_per_point = csv.lines().filter(|l| l.starts_with("0,")).count();
    assert_eq!(csv.lines().count(), 1 + 6 * rows_per_point);
    let json: serde_json::Value = serde_json::from_slice(&a["sweep.json"]).unwrap();
    assert_eq!(json["design"], "factorial");
    assert_eq!(json["points"].as_array().unwrap().len(), 6);
    // Every file on disk is listed, and only those.
    let mut listed: Vec<String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.push("sweep.json".into());
    listed.sort();
    assert_eq!(listed, a.keys().cloned().collect::<Vec<_>>());
    assert!(a.contains_key("charts/sweep_textbook_time_in_system_mean_min.png"));
    assert!(a.contains_key("charts/heatmap_textbook_time_in_system_mean_min.svg"));
    assert!(!a.contains_key("sensitivity.csv"), "a factorial is not ranked");
    // Common random numbers: the points share replication streams, so arrivals (which the
    // factors do not touch) are the same at every point.
    let arrivals: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",textbook,,,arrivals,"))
        .map(|l| l.split(',').nth(7).unwrap())
        .collect();
    assert_eq!(arrivals.len(), 6);
    assert!(arrivals.iter().all(|a| *a == arrivals[0]), "{arrivals:?}");
    // A second sweep into the same directory is refused without --force, then replaces it.
    let e = refused(&["sweep", &file, "--out", one.to_str().unwrap(), "-q"]);
    assert!(e.contains("already holds results"), "{e}");
    sweep(&file, &one, &["--force"]);
    // `chart DIR` redraws the same charts from sweep.json.
    std::fs::remove_dir_all(one.join("charts")).unwrap();
    ok(&["chart", one.to_str().unwrap()]);
    assert_eq!(files(&one), a);
}

#[test]
fn shards_merged_in_any_order_equal_one_machine() {
    let d = tmp("shards");
    let file = sweep_file(&d, "kind = \"latin_hypercube\"\npoints = 8\nseed = 11");
    let whole = d.join("whole");
    let printed = sweep(&file, &whole, &["--threads", "2"]);
    assert!(
        printed.contains("Sensitivity of textbook time_in_system_mean_min"),
        "{printed}"
    );
    let want = files(&whole);
    assert!(want.contains_key("sensitivity.csv"));
    assert!(want.contains_key("charts/tornado_textbook_time_in_system_mean_min.png"));
    for (n, order) in [(3u32, vec![2usize, 0, 1]), (2, vec![1, 0])] {
        let dirs: Vec<PathBuf> = (1..=n).map(|k| d.join(format!("shard-{k}-of-{n}"))).collect();
        for (k, dir) in dirs.iter().enumerate() {
            let shard = format!("{}/{n}", k + 1);
            let threads = (k + 1).to_string();
            sweep(&file, dir, &["--shard", &shard, "--threads", &threads]);
        }
        let merged = d.join(format!("merged-{n}"));
        let mut args = vec!["merge".to_string()];
        args.extend(order.iter().map(|i| dirs[*i].to_str().unwrap().to_string()));
        args.extend(["--out".into(), merged.to_str().unwrap().into(), "-q".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&refs);
        assert_eq!(files(&merged), want, "{n} shards merged in order {order:?}");
    }
    // Refusals: a missing shard, the same shard twice, a shard of another seed.
    let s = |k: u32| d.join(format!("shard-{k}-of-3")).to_str().unwrap().to_string();
    let out = d.join("refused");
    let o = out.to_str().unwrap();
    let e = refused(&["merge", &s(1), &s(3), "--out", o]);
    assert!(e.contains("shard 2/3 is missing"), "{e}");
    let e = refused(&["merge", &s(1), &s(2), &s(2), &s(3), "--out", o]);
    assert!(e.contains("shard 2/3 is given twice"), "{e}");
    let other = d.join("other-seed");
    sweep(&file, &other, &["--shard", "2/3", "--seed", "5"]);
    let e = refused(&["merge", &s(1), other.to_str().unwrap(), &s(3), "--out", o]);
    assert!(
        e.contains("is a shard of another sweep") && e.contains("seed 5 vs 42"),
        "{e}"
    );
    let e = refused(&["merge", &s(1), d.join("shard-2-of-2").to_str().unwrap(), "--out", o]);
    assert!(e.contains("were cut differently"), "{e}");
    let e = refused(&["merge", &s(1), &s(2), &s(3), "--out", &s(2), "--force"]);
    assert!(e.contains("holds the shard"), "{e}");
    assert!(Path::new(&s(2)).join("sweep-shard.bin").exists(), "the shard is kept");
    let e = refused(&["merge", whole.to_str().unwrap(), "--out", o]);
    assert!(e.contains("holds no sweep-shard.bin"), "{e}");
    assert!(!out.join("sweep.json").exists());
}

#[test]
fn a_design_file_is_brought_in_and_bad_points_are_refused_before_anything_runs() {
    let d = tmp("design-file");
    std::fs::write(d.join("design.csv"), "clearance_mean,lanes\n3.0,4\n3.5,6\n").unwrap();
    let file = sweep_file(&d, "kind = \"file\"\nfile = \"design.csv\"");
    let out = d.join("out");
    let printed = sweep(&file, &out, &["--no-charts"]);
    assert!(printed.contains("file design, 2 points"), "{printed}");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.contains("\n1,6,3.5,textbook,"), "{csv}");
    assert!(!out.join("charts").exists());
    // No lanes: the scenario refuses the point, named with its values and the key.
    std::fs::write(d.join("design.csv"), "clearance_mean,lanes\n3.0,4\n3.5,0\n").unwrap();
    let bad = d.join("bad");
    let e = refused(&["sweep", &file, "--out", bad.to_str().unwrap(), "-q"]);
    assert!(e.contains("design point 1 (lanes = 0, clearance_mean = 3.5)"), "{e}");
    assert!(e.contains("ports.textbook.stages.lanes.servers"), "{e}");
    assert!(!bad.exists(), "nothing is written for a refused sweep");
    std::fs::write(d.join("design.csv"), "clearance_mean,lanes\n3.0,x\n").unwrap();
    let e = refused(&["sweep", &file, "-q"]);
    assert!(
        e.contains("design.csv:2:5: `x` for `lanes` is not a finite number"),
        "{e}"
    );
    // --resume needs a checkpoint of this sweep.
    std::fs::write(d.join("design.csv"), "clearance_mean,lanes\n3.0,4\n3.5,6\n").unwrap();
    // `check` validates every point and estimates the work.
    let printed = ok(&["check", &file]);
    assert!(
        printed.contains("2 design points, every one valid; 20 replications each: 40 runs."),
        "{printed}"
    );
    assert!(
        printed.contains("factor lanes: sets ports.textbook.stages.lanes.servers; 4 to 6"),
        "{printed}"
    );
    let e = refused(&["sweep", &file, "--out", out.to_str().unwrap(), "--resume", "-q"]);
    assert!(e.contains("no sweep checkpoint"), "{e}");
    let e = refused(&["sweep", &file, "--shard", "4/3", "--out", out.to_str().unwrap()]);
    assert!(e.contains("--shard: `4/3` is not K/N"), "{e}");
}

/// A checkpoint holding part of the runs (made from a complete one with the library, as an
/// interrupted sweep leaves it) resumes to the bytes of an uninterrupted sweep; one of
/// other settings is refused.
#[test]
fn a_resumed_sweep_equals_an_uninterrupted_one() {
    use bordersim::experiment::sweep::shard;
    let d = tmp("resume");
    let file = sweep_file(&d, "kind = \"latin_hypercube\"\npoints = 5\nseed = 2");
    let whole = d.join("whole");
    sweep(&file, &whole, &[]);
    // The whole sweep as one shard, cut to every other run: a checkpoint.
    let part = d.join("part");
    sweep(&file, &part, &["--shard", "1/1"]);
    let mut f = shard::read(&part.join("sweep-shard.bin")).unwrap();
    assert_eq!(f.values.len(), 10);
    f.values.retain(|(p, _)| p % 2 == 0);
    let ckpt = part.join("sweep-checkpoint.bin");
    std::fs::write(&ckpt, shard::encode(&f).unwrap()).unwrap();
    std::fs::remove_file(part.join("sweep-shard.bin")).unwrap();
    // Other settings: refused, and the checkpoint is left as it was.
    let e = refused(&[
        "sweep",
        &file,
        "--out",
        part.to_str().unwrap(),
        "--resume",
        "--seed",
        "9",
        "-q",
    ]);
    assert!(e.contains("was saved for another sweep file"), "{e}");
    sweep(&file, &part, &["--resume", "--threads", "2"]);
    assert!(!ckpt.exists(), "a finished sweep removes its checkpoint");
    assert_eq!(files(&part), files(&whole));
}
