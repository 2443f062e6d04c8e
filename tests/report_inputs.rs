//! The report layer against hostile or odd inputs: `bordersim chart` on edited result
//! files, significant differences printed so they read as non-zero, and every printed line
//! fitting a 100-column terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const SCENARIO: &str = r#"[simulation]
name = "chart inputs"
horizon_days = 3
replications = 2
report_interval_min = 360

[modes.car]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 2
clearance = { dist = "exponential", mean = 5 }

[ports.p.flows.car]
rate = { per_hour = 20 }
route = ["lane"]

[variants.more]
description = "a third lane"
set = { "ports.p.stages.lane.servers" = 3 }
"#;

fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_inputs")
}

fn bordersim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap()
}

/// A run directory and a comparison directory, made once, without charts.
fn fixtures() -> &'static (PathBuf, PathBuf) {
    static F: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    F.get_or_init(|| {
        let base = root().join("fixtures");
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let file = base.join("s.toml");
        std::fs::write(&file, SCENARIO).unwrap();
        let (run, cmp) = (base.join("run"), base.join("cmp"));
        for (cmd, dir) in [("run", &run), ("compare", &cmp)] {
            let o = bordersim(&[
                cmd,
                file.to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
                "--no-charts",
                "-q",
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        (run, cmp)
    })
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A copy of the run (or comparison) fixture named `name`, with `edit` applied to `file`.
fn edited(name: &str, compare: bool, file: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let (run, cmp) = fixtures();
    let dir = root().join(name);
    copy_dir(if compare { cmp } else { run }, &dir);
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, edit(text)).unwrap();
    dir
}

/// Replaces field `col` (0-based) of line `line` (1-based) of a CSV text.
fn set_field(text: &str, line: usize, col: usize, value: &str) -> String {
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        if i + 1 == line {
            let mut f: Vec<&str> = l.split(',').collect();
            f[col] = value;
            out.push_str(&f.join(","));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}

/// `chart DIR` must fail with exit 2, one line on stderr containing `want`, and draw nothing
/// (no charts directory, no temporary file).
fn refused(dir: &Path, want: &str) {
    let o = bordersim(&["chart", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{dir:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(want), "expected {want:?} in: {err}");
    assert!(!dir.join("charts").exists(), "charts were drawn: {err}");
    for e in std::fs::read_dir(dir).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.contains(".tmp-"), "left {n}");
    }
}

#[test]
fn the_unedited_fixtures_chart_fine() {
    let (run, cmp) = fixtures();
    for (i, d) in [run, cmp].into_iter().enumerate() {
        let dir = root().join(format!("ok-{i}"));
        copy_dir(d, &dir);
        let o = bordersim(&["chart", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(dir.join("charts").read_dir().unwrap().count() > 0);
    }
}

#[test]
fn bad_numbers_in_timeseries_are_refused_with_file_line_and_field() {
    let ts = "timeseries.csv";
    let cases: [(&str, usize, usize, &str, &str); 9] = [
        (
            "ts-nan-end",
            17,
            1,
            "NaN",
            "timeseries.csv:17: field interval_end_min: must be a finite number, got `NaN`",
        ),
        (
            "ts-inf-mean",
            5,
            7,
            "inf",
            "timeseries.csv:5: field mean: must be a finite number, got `inf`",
        ),
        (
            "ts-neg-start",
            3,
            0,
            "-360",
            "timeseries.csv:3: field interval_start_min: must be at least 0",
        ),
        (
            "ts-neg-mean",
            4,
            7,
            "-2",
            "timeseries.csv:4: field mean: must be at least 0",
        ),
        (
            "ts-word",
            6,
            9,
            "lots",
            "timeseries.csv:6: field min: must be a finite number, got `lots`",
        ),
        ("ts-ci", 6, 8, "-1", "timeseries.csv:6: field ci95: must be at least 0"),
        (
            "ts-reps",
            6,
            11,
            "1000",
            "timeseries.csv:6: field replications: 1000 is more than the 2",
        ),
        (
            "ts-port",
            6,
            3,
            "q",
            "timeseries.csv:6: field port: `q` is not a port of summary.json",
        ),
        (
            "ts-metric",
            6,
            6,
            "queues",
            "timeseries.csv:6: field metric: unknown metric `queues`",
        ),
    ];
    for (name, line, col, value, want) in cases {
        let dir = edited(name, false, ts, |t| set_field(&t, line, col, value));
        refused(&dir, want);
    }
    // Path characters in a name would put chart files outside charts/.
    let dir = edited("ts-slash", false, ts, |t| set_field(&t, 6, 3, "../x"));
    refused(&dir, "timeseries.csv:6: field port: must be a name of letters");
    // A stage where the metric needs none.
    let dir = edited("ts-scope", false, ts, |t| t.replacen(",p,,car,", ",p,lane,car,", 1));
    refused(&dir, "field stage: `lane` does not fit metric");
}

#[test]
fn timeseries_rows_must_move_forward_and_fit_the_header() {
    let ts = "timeseries.csv";
    // Swap two interval blocks: the second block's times run backwards.
    let dir = edited("ts-backwards", false, ts, |t| {
        let lines: Vec<&str> = t.lines().collect();
        let per = lines[1..].iter().take_while(|l| l.starts_with("0,360,")).count();
        let mut v: Vec<&str> = vec![lines[0]];
        v.extend(&lines[1 + per..1 + 2 * per]);
        v.extend(&lines[1..1 + per]);
        v.extend(&lines[1 + 2 * per..]);
        v.join("\n") + "\n"
    });
    refused(&dir, "must move forward in time");
    let dir = edited("ts-empty-interval", false, ts, |t| set_field(&t, 2, 1, "0"));
    refused(
        &dir,
        "timeseries.csv:2: field interval_end_min: 0 is not after interval_start_min 0",
    );
    let dir = edited("ts-fields", false, ts, |t| t.replacen("\n0,360,", "\n0,360,extra,", 1));
    refused(&dir, "timeseries.csv:2: expected 12 fields, found 13");
    let dir = edited("ts-header", false, ts, |t| t.replacen("mean,", "average,", 1));
    refused(&dir, "timeseries.csv:1: unexpected header");
    let dir = edited("ts-order", false, ts, |t| set_field(&t, 3, 9, "99"));
    refused(&dir, "timeseries.csv:3: fields min, mean, max: min is larger than max");
    let dir = edited("ts-nul", false, ts, |t| t.replacen(",p,", ",p\u{1b}[2J,", 1));
    refused(&dir, "field port: must be a name");
    let dir = edited("ts-zero", false, ts, |_| String::new());
    refused(&dir, "timeseries.csv:1: the file is empty");
    let dir = edited("ts-long", false, ts, |t| t + &"7".repeat(70_000));
    refused(&dir, "bytes");
}

#[test]
fn bad_distribution_and_summary_are_refused() {
    let d = "distribution.csv";
    let dir = edited("dist-frac", false, d, |t| set_field(&t, 3, 3, "1.5"));
    refused(&dir, "distribution.csv:3: field cumulative_fraction: must be at most 1");
    let dir = edited("dist-nan", false, d, |t| set_field(&t, 3, 2, "nan"));
    refused(
        &dir,
        "distribution.csv:3: field time_min: must be a finite number, got `nan`",
    );
    let dir = edited("dist-down", false, d, |t| set_field(&t, 4, 3, "0"));
    refused(
        &dir,
        "distribution.csv:4: field cumulative_fraction: 0 is below the previous point's",
    );
    let dir = edited("dist-mode", false, d, |t| set_field(&t, 3, 1, "truck"));
    refused(
        &dir,
        "distribution.csv:3: field mode: `truck` is not a mode of port p in summary.json",
    );
    let s = "summary.json";
    let dir = edited("sum-syntax", false, s, |t| t.replacen('{', "[", 1));
    refused(&dir, "not valid JSON");
    let dir = edited("sum-start", false, s, |t| {
        t.replacen("\"start\": \"", "\"start\": \"x", 1)
    });
    refused(&dir, "summary.json: field scenario.start:");
    let dir = edited("sum-name", false, s, |t| {
        t.replacen("\"name\": \"chart inputs\"", "\"name\": \"a\\u001b[2Jb\"", 1)
    });
    refused(
        &dir,
        "summary.json: field scenario.name: must be at most 1024 characters without control characters",
    );
    let dir = edited("sum-p95", false, s, |t| {
        let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
        v["ports"]["p"]["totals"]["time_in_system_p95_min"]["mean"] = serde_json::json!(-4.0);
        v.to_string()
    });
    refused(
        &dir,
        "summary.json: field ports.p.totals.time_in_system_p95_min.mean: must be a finite number of at least 0",
    );
}

#[test]
fn bad_comparison_files_are_refused() {
    let j = "comparison.json";
    let edit_json = |name: &str, f: fn(&mut serde_json::Value)| {
        edited(name, true, j, |t| {
            let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
            f(&mut v);
            v.to_string()
        })
    };
    let dir = edit_json("cmp-variant", |v| v["rows"][3]["variant"] = "nobody".into());
    refused(
        &dir,
        "comparison.json: field rows[3].variant: `nobody` is not one of the file's variants",
    );
    let dir = edit_json("cmp-util", |v| {
        let rows = v["rows"].as_array_mut().unwrap();
        let r = rows.iter_mut().find(|r| r["metric"] == "utilization").unwrap();
        r["value"]["mean"] = 1.5.into();
    });
    refused(&dir, "value.mean: 1.5 is outside 0..1");
    let dir = edit_json("cmp-ci", |v| v["rows"][0]["value"]["ci95"] = (-1.0).into());
    refused(&dir, "field rows[0].value.ci95: must be a finite number of at least 0");
    let dir = edit_json("cmp-rows", |v| v["rows"] = "none".into());
    refused(&dir, "comparison.json: field rows: must be an array");
    let c = "compare_timeseries.csv";
    let dir = edited("cmpts-end", true, c, |t| set_field(&t, 2, 2, "1000000000000e400"));
    refused(
        &dir,
        "compare_timeseries.csv:2: field interval_end_min: must be a finite number",
    );
    let dir = edited("cmpts-variant", true, c, |t| set_field(&t, 2, 0, "other"));
    refused(
        &dir,
        "compare_timeseries.csv:2: field variant: `other` is not a variant of comparison.json",
    );
    let dir = edited("cmpts-neg", true, c, |t| set_field(&t, 2, 6, "-3"));
    refused(&dir, "compare_timeseries.csv:2: field mean: must be at least 0");
}

#[test]
fn non_regular_files_are_refused_before_reading() {
    // A directory where timeseries.csv should be.
    let dir = edited("nonreg-dir", false, "summary.json", |t| t);
    std::fs::remove_file(dir.join("timeseries.csv")).unwrap();
    std::fs::create_dir(dir.join("timeseries.csv")).unwrap();
    refused(&dir, "timeseries.csv: not a regular file");
    // A FIFO with no writer would block a reader forever.
    let dir = edited("nonreg-fifo", false, "summary.json", |t| t);
    std::fs::remove_file(dir.join("distribution.csv")).unwrap();
    let fifo = dir.join("distribution.csv");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        refused(&dir, "distribution.csv: not a regular file");
    }
    // Larger than chart reads (a sparse file: no disk is used).
    let dir = edited("too-large", false, "summary.json", |t| t);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("timeseries.csv"))
        .unwrap();
    f.set_len((2 << 30) + 1).unwrap();
    refused(
        &dir,
        "timeseries.csv: 2147483649 bytes, more than the 2048 MiB chart reads",
    );
    std::fs::remove_file(dir.join("timeseries.csv")).unwrap();
    // A device.
    #[cfg(unix)]
    {
        let dir = edited("nonreg-dev", false, "summary.json", |t| t);
        std::fs::remove_file(dir.join("summary.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("summary.json")).unwrap();
        refused(&dir, "summary.json: not a regular file");
    }
}

/// True when `token` (a printed number, maybe signed or scientific) has only zero digits.
fn reads_as_zero(token: &str) -> bool {
    let mantissa = token.split('e').next().unwrap();
    mantissa.chars().filter(char::is_ascii_digit).all(|c| c == '0')
}

/// Every "mean ± ci *" cell of a printed table: (mean, ci, flagged).
fn cells(text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find(" ± ") {
            let mean = rest[..i].split([' ', ':']).next_back().unwrap_or("").to_string();
            let after = &rest[i + " ± ".len()..];
            let ci: String = after.chars().take_while(|c| !c.is_whitespace()).collect();
            let flagged = after[ci.len()..].starts_with(" *");
            out.push((mean, ci, flagged));
            rest = after;
        }
    }
    out
}

#[test]
fn flagged_differences_read_as_non_zero_and_there_is_no_negative_zero() {
    // At 20 days and 3 replications, several of Horgos' variants move some metrics by
    // less than 0.05 (a few hundredths of utilization, a tenth of a consignment in a
    // stage) with a narrow interval: significant, and printed as 0.0 before.
    let o = bordersim(&[
        "compare",
        "scenarios/horgos-2025.toml",
        "--days",
        "20",
        "--replications",
        "3",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let all = cells(&text);
    let flagged: Vec<_> = all.iter().filter(|c| c.2).collect();
    assert!(flagged.len() > 20, "{text}");
    for (mean, ci, _) in &flagged {
        assert!(
            !reads_as_zero(mean),
            "a significant difference printed as {mean} ± {ci}:\n{text}"
        );
    }
    for (mean, ci, _) in &all {
        for t in [mean, ci] {
            assert!(
                !(t.starts_with('-') && reads_as_zero(t)),
                "negative zero {t} in:\n{text}"
            );
        }
    }
}

#[test]
fn comparison_csv_keeps_full_precision_and_no_negative_zero() {
    let dir = root().join("csv-precision");
    let _ = std::fs::remove_dir_all(&dir);
    let o = bordersim(&[
        "compare",
        "scenarios/horgos-2025.toml",
        "--days",
        "20",
        "--replications",
        "3",
        "--quiet",
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("comparison.json")).unwrap()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let mut tiny = 0;
    for (line, row) in csv.lines().skip(1).zip(rows) {
        let f: Vec<&str> = line.split(',').collect();
        for v in &f[5..9] {
            assert!(*v != "-0", "{line}");
        }
        if let Some(d) = row["diff"]["mean"].as_f64() {
            // The CSV carries the value at full precision (serde_json's own parser may be
            // off in the last bit).
            let csv_value = f[7].parse::<f64>().unwrap();
            assert!((csv_value - d).abs() <= 1e-14 * d.abs(), "{line}");
            if f[9] == "true" && d.abs() < 0.05 {
                tiny += 1;
                assert_ne!(d, 0.0);
            }
        }
    }
    assert!(tiny > 0, "the scenario should give tiny significant differences");
}

/// Every bundled scenario, as `(file, days)`: short runs, but past the reform's May switch.
fn bundled() -> Vec<(PathBuf, &'static str)> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 6);
    v.into_iter()
        .map(|p| {
            // Scenarios with dated events need a horizon that holds them.
            let days = if p.ends_with("horgos-reform.toml") {
                "130"
            } else if p.ends_with("nur-zholy-2025.toml") {
                "50"
            } else {
                "20"
            };
            (p, days)
        })
        .collect()
}

fn narrow(what: &str, o: Output) {
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    for line in text.lines() {
        let n = line.chars().count();
        assert!(n <= 100, "{what}: a line of {n} characters:\n{line}");
    }
}

#[test]
fn run_and_compare_print_at_most_100_columns_for_every_bundled_scenario() {
    for (file, days) in bundled() {
        let f = file.to_str().unwrap();
        for cmd in ["run", "compare"] {
            let o = bordersim(&[cmd, f, "--days", days, "--replications", "3"]);
            narrow(&format!("{cmd} {f}"), o);
        }
    }
}

#[test]
fn long_names_degrade_gracefully_within_100_columns() {
    // Names of 64 characters for the port, a stage, a mode and a variant, and a long
    // description and scenario name.
    let long = |c: char| std::iter::repeat_n(c, 60).collect::<String>();
    let (port, stage, mode, variant) = (
        format!("p{}xyz", long('p')),
        format!("s{}xyz", long('s')),
        format!("m{}xyz", long('m')),
        format!("v{}xyz", long('v')),
    );
    let src = format!(
        r#"[simulation]
name = "{}"
horizon_days = 3
replications = 2

[modes.{mode}]
kind = "generic"

[ports.{port}.stages.{stage}]
kind = "servers"
servers = 2
clearance = {{ dist = "exponential", mean = 5 }}

[ports.{port}.flows.{mode}]
rate = {{ per_hour = 20 }}
route = ["{stage}"]

[variants.{variant}]
description = "{}"
set = {{ "ports.{port}.stages.{stage}.servers" = 3 }}
"#,
        "a scenario with a long name ".repeat(4),
        "a description of the variant ".repeat(6),
    );
    let dir = root().join("long-names");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.toml");
    std::fs::write(&file, src).unwrap();
    let f = file.to_str().unwrap();
    for cmd in ["run", "compare"] {
        let o = bordersim(&[cmd, f]);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        // The full names are still printed somewhere.
        let names = if cmd == "run" {
            vec![&port, &stage]
        } else {
            vec![&port, &variant]
        };
        for name in names {
            assert!(text.contains(name.as_str()), "{cmd}: {name} missing:\n{text}");
        }
        narrow(&format!("{cmd} long names"), o);
    }
}
