//! `bordersim trs` as a user runs it, on the hand-written trace tests/data/trs_trace.csv
//! (its figures are worked out by hand in src/report/trs/tests.rs): the table printed,
//! trs.csv exactly, the charts, and the --out rules.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TRACE: &str = "tests/data/trs_trace.csv";

fn trs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .arg("trs")
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// trs.csv of the hand-written trace, worked out by hand: cars at alpha released after
/// 22, 20 (blocked 8 after the gate, no inspection) and 16 minutes; trucks after 17 (7
/// waiting for a driver) and 10; cars at beta after 6 (diverted there) and 8.
const CSV: &str = "\
port,mode,segment,kind,stage,released,visits,mean_min,median_min,p95_min,share
alpha,car,waiting for gate,wait,gate,3,3,2.666667,3,5,0.137931
alpha,car,gate,service,gate,3,3,6.666667,6,10,0.344828
alpha,car,blocked after gate,blocked,gate,3,1,2.666667,0,8,0.137931
alpha,car,waiting for inspection,wait,inspection,3,2,0.666667,0,2,0.034483
alpha,car,inspection,service,inspection,3,2,4.666667,6,8,0.241379
alpha,car,waiting for exit,wait,exit,3,3,0,0,0,0
alpha,car,exit,service,exit,3,3,2,2,3,0.103448
alpha,car,Total release time,total,,3,3,19.333333,20,22,1
alpha,truck,waiting for gate,wait,gate,2,2,0,0,0,0
alpha,truck,gate,service,gate,2,2,6,6,6,0.444444
alpha,truck,waiting for a driver at drivers,driver_wait,drivers,2,2,3.5,0,7,0.259259
alpha,truck,waiting for exit,wait,exit,2,2,0,0,0,0
alpha,truck,exit,service,exit,2,2,4,4,4,0.296296
alpha,truck,Total release time,total,,2,2,13.5,10,17,1
beta,car,waiting for gate,wait,gate,2,2,2.5,1,4,0.357143
beta,car,gate,service,gate,2,2,4.5,4,5,0.642857
beta,car,Total release time,total,,2,2,7,6,8,1
";

#[test]
fn the_report_is_printed_and_written_with_its_charts() {
    let out = tmp("trs-out");
    let o = trs(&[TRACE, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    for want in [
        "Time Release Study of tests/data/trs_trace.csv: 2 replication(s), consignments released (departed)",
        "Port alpha",
        "  segment                          car mean  median   p95    share",
        "  blocked after gate                    2.7     0.0   8.0   13.8 %",
        "  Total release time                     13.5    10.0  17.0  100.0 %",
        "  truck: 2 released; 2 turned away, 0 gave up waiting, 0 diverted to another port, 0 still inside",
        "Port beta",
        "  waiting for gate         2.5     1.0  4.0   35.7 %",
        "wrote ",
    ] {
        assert!(stdout.contains(want), "{want:?} not in\n{stdout}");
    }
    assert_eq!(std::fs::read_to_string(out.join("trs.csv")).unwrap(), CSV);
    for port in ["alpha", "beta"] {
        let png = out.join("charts").join(format!("trs_{port}.png"));
        assert!(std::fs::metadata(&png).unwrap().len() > 0);
        let img = image::open(&png).unwrap();
        assert_eq!((img.width(), img.height()), (1280, 720));
        let svg = std::fs::read_to_string(out.join("charts").join(format!("trs_{port}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.iter().any(|t| t.contains("Time Release Study at")), "{texts:?}");
    }
    // The same trace gives the same bytes.
    let again = tmp("trs-out-again");
    assert!(trs(&[TRACE, "--out", again.to_str().unwrap()]).status.success());
    for f in ["trs.csv", "charts/trs_alpha.png", "charts/trs_alpha.svg"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn after_and_no_charts() {
    let out = tmp("trs-after");
    let o = trs(&[TRACE, "--after", "20", "--no-charts", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.join("charts").exists());
    let csv = std::fs::read_to_string(out.join("trs.csv")).unwrap();
    // Cars departed at 22 and 25 (after 22 and 20 minutes); trucks only the one at 30.
    assert!(
        csv.contains("\nalpha,car,Total release time,total,,2,2,21,20,22,1\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\nalpha,truck,Total release time,total,,1,1,10,10,10,1\n"),
        "{csv}"
    );
    // Without --out only the table.
    let o = trs(&[TRACE, "--after", "20"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("at or after minute 20"));
    assert!(!text(&o.stdout).contains("wrote"));
}

#[test]
fn out_refuses_an_earlier_report_but_leaves_a_runs_files_alone() {
    let out = tmp("trs-force");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("summary.json"), b"{\"run\": true}").unwrap();
    std::fs::write(out.join("trace.csv"), std::fs::read(TRACE).unwrap()).unwrap();
    let trace = out.join("trace.csv");
    // A run's directory takes the report beside its files.
    let o = trs(&[trace.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // A second report is refused without --force...
    let o = trs(&[trace.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("already holds results (trs.csv, charts/ (4 charts))"), "{e}");
    // ...and with it replaces the report only.
    let o = trs(&[
        trace.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.join("charts").exists());
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), b"{\"run\": true}");
    assert_eq!(std::fs::read_to_string(out.join("trs.csv")).unwrap(), CSV);
}

#[test]
fn chart_redraws_the_trs_charts_from_trs_csv_identically() {
    let out = tmp("trs-chart");
    assert!(trs(&[TRACE, "--out", out.to_str().unwrap()]).status.success());
    let charts = out.join("charts");
    let before: Vec<Vec<u8>> = ["trs_alpha.png", "trs_alpha.svg", "trs_beta.svg"]
        .iter()
        .map(|f| std::fs::read(charts.join(f)).unwrap())
        .collect();
    std::fs::remove_dir_all(&charts).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["chart", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    for (f, b) in ["trs_alpha.png", "trs_alpha.svg", "trs_beta.svg"].iter().zip(&before) {
        assert_eq!(&std::fs::read(charts.join(f)).unwrap(), b, "{f}");
    }
    // A damaged trs.csv is refused with its line, nothing drawn.
    let csv = std::fs::read_to_string(out.join("trs.csv")).unwrap();
    std::fs::write(out.join("trs.csv"), csv.replace(",0.344828\n", ",3.44828\n")).unwrap();
    std::fs::remove_dir_all(&charts).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["chart", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("trs.csv:3: field share: must be at most 1, got `3.44828`"),
        "{e}"
    );
    assert!(!charts.exists());
}
