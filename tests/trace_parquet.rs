//! The event log as Parquet (`--trace-format parquet`), read back by pyarrow, Arrow's
//! reference reader: the same rows as the CSV log, cell for cell and time for time, for one
//! replication, several joined, a time window, an empty window and a comparison; and
//! logging as Parquet changes no result.
//!
//! pyarrow is found through `BORDERSIM_PYTHON` (a Python with pyarrow; .ci/run makes one),
//! else `python3`. Without it these tests are skipped with a message, except under CI,
//! where they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
}

fn ok(args: &[&str]) -> Output {
    let o = bin().args(args).output().expect("run bordersim");
    assert!(
        o.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bordersim-parquet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A Python that imports pyarrow, or `None` (and the test is skipped) outside CI.
fn python() -> Option<String> {
    let candidates = std::env::var("BORDERSIM_PYTHON")
        .ok()
        .into_iter()
        .chain(["python3".to_string()]);
    for py in candidates {
        let found = Command::new(&py)
            .args(["-c", "import pyarrow"])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(py);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but no Python with pyarrow was found (set BORDERSIM_PYTHON)"
    );
    eprintln!("skipped: no Python with pyarrow (set BORDERSIM_PYTHON)");
    None
}

/// pyarrow reads `parquet` and finds exactly `csv`'s rows; returns the checker's report.
fn same_rows(py: &str, parquet: &Path, csv: &Path) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/parquet_matches_csv.py");
    let o = Command::new(py)
        .arg(script)
        .arg(parquet)
        .arg(csv)
        .output()
        .expect("run python");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{} against {}: {out}{}",
        parquet.display(),
        csv.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn scenario(dir: &Path) -> String {
    let sc = dir.join("every-step.toml");
    std::fs::write(&sc, include_str!("data/every-step.toml")).unwrap();
    sc.to_string_lossy().into_owned()
}

/// Runs `extra` twice, logging to `log.csv` and to `log.parquet`; returns both paths.
fn both(dir: &Path, sc: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let (csv, pq) = (dir.join("log.csv"), dir.join("log.parquet"));
    for (log, out) in [(&csv, "out-csv"), (&pq, "out-parquet")] {
        let out = dir.join(out);
        let mut args = vec![
            "run",
            sc,
            "--no-charts",
            "-q",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(["--trace", log.to_str().unwrap()]);
        args.extend(extra);
        ok(&args);
    }
    (csv, pq)
}

#[test]
fn one_replication_holds_the_csv_rows_and_starts_and_ends_as_parquet() {
    let dir = tmp("one");
    let sc = scenario(&dir);
    let (csv, pq) = both(&dir, &sc, &[]);
    let bytes = std::fs::read(&pq).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
    let footer = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
    assert!(footer > 100 && footer + 12 < bytes.len(), "footer of {footer} bytes");
    // Far smaller than the CSV: strings are dictionary indices, times delta-encoded.
    let csv_len = std::fs::metadata(&csv).unwrap().len() as f64;
    assert!(
        (bytes.len() as f64) < csv_len / 2.5,
        "{} against {csv_len}",
        bytes.len()
    );
    let Some(py) = python() else { return };
    let report = same_rows(&py, &pq, &csv);
    assert!(report.contains("rows match"), "{report}");
    // The check can fail: a log of another seed differs in its first rows.
    let other = dir.join("other.csv");
    let out = dir.join("out-other");
    ok(&[
        "run",
        &sc,
        "--no-charts",
        "-q",
        "--seed",
        "12",
        "--out",
        out.to_str().unwrap(),
        "--trace",
        other.to_str().unwrap(),
    ]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/parquet_matches_csv.py");
    let o = Command::new(&py).arg(script).arg(&pq).arg(&other).output().unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success() && said.contains("parquet"), "{said}");
}

#[test]
fn replications_joined_in_order_a_window_and_an_empty_window() {
    let Some(py) = python() else { return };
    let dir = tmp("joined");
    let sc = scenario(&dir);
    let (csv, pq) = both(&dir, &sc, &["--trace-replications", "all", "--threads", "2"]);
    same_rows(&py, &pq, &csv);
    let (csv, pq) = both(
        &dir,
        &sc,
        &[
            "--trace-replications",
            "0,2",
            "--trace-from",
            "1.5",
            "--trace-to",
            "2025-03-06T12:00",
        ],
    );
    same_rows(&py, &pq, &csv);
    // A window after the end of the run: no rows, but a file any reader opens.
    let (csv, pq) = both(&dir, &sc, &["--trace-from", "100"]);
    let report = same_rows(&py, &pq, &csv);
    assert!(report.starts_with("0 rows match in 0 row groups"), "{report}");
}

#[test]
fn many_row_groups_and_the_flag_over_the_extension() {
    // Horgos for 60 days: over a million rows, so several row groups, drivers and lanes in
    // the hundreds. The flag makes a log called .log Parquet.
    let Some(py) = python() else { return };
    let dir = tmp("groups");
    let sc = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/horgos-2025.toml");
    let csv = dir.join("log.csv");
    let pq = dir.join("horgos.log");
    let common = ["run", sc, "--no-charts", "-q", "-r", "1", "--days", "60", "--force"];
    let out = dir.join("a");
    ok(&[
        &common[..],
        &["--out", out.to_str().unwrap(), "--trace", csv.to_str().unwrap()],
    ]
    .concat());
    let out = dir.join("b");
    let pq_args = [
        "--out",
        out.to_str().unwrap(),
        "--trace",
        pq.to_str().unwrap(),
        "--trace-format",
        "parquet",
    ];
    ok(&[&common[..], &pq_args].concat());
    let report = same_rows(&py, &pq, &csv);
    let groups: usize = report
        .split_whitespace()
        .nth(4)
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    assert!(groups >= 3, "{report}");
}

#[test]
fn a_comparison_logs_each_variant_as_parquet() {
    let Some(py) = python() else { return };
    let dir = tmp("compare");
    let sc = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mmc.toml");
    for (format, logs) in [("csv", "csv"), ("parquet", "pq")] {
        let out = dir.join(format!("out-{format}"));
        let logs = dir.join(logs);
        ok(&[
            "compare",
            sc,
            "--no-charts",
            "-q",
            "-r",
            "2",
            "--days",
            "3",
            "--out",
            out.to_str().unwrap(),
            "--trace",
            logs.to_str().unwrap(),
            "--trace-format",
            format,
        ]);
    }
    for variant in ["baseline", "five_lanes"] {
        let pq = dir.join("pq").join(format!("{variant}.parquet"));
        let csv = dir.join("csv").join(format!("{variant}.csv"));
        same_rows(&py, &pq, &csv);
    }
}

#[test]
fn logging_as_parquet_changes_no_result() {
    let dir = tmp("same");
    let sc = scenario(&dir);
    let plain = dir.join("plain");
    ok(&["run", &sc, "--no-charts", "-q", "--out", plain.to_str().unwrap()]);
    let logged = dir.join("logged");
    let log = dir.join("log.parquet");
    let args = [
        "--out",
        logged.to_str().unwrap(),
        "--trace",
        log.to_str().unwrap(),
        "--trace-replications",
        "all",
    ];
    ok(&[&["run", &sc, "--no-charts", "-q"][..], &args].concat());
    for file in ["summary.json", "timeseries.csv"] {
        let a = std::fs::read(plain.join(file)).unwrap();
        let b = std::fs::read(logged.join(file)).unwrap();
        assert!(a == b, "{file} differs when logged as Parquet");
    }
}
