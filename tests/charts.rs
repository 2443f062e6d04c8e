//! Charts: written by run and compare, readable files at the stated size, redrawn
//! identically by `bordersim chart`, and showing what the CSV says.

use bordersim::report::charts::draw::{Chart, TimePanel};
use bordersim::report::charts::{compare_charts, run_charts};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bordersim(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn check_images(dir: &Path) {
    for f in files(dir) {
        let p = dir.join(&f);
        if f.ends_with(".png") {
            let img = image::open(&p).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!((img.width(), img.height()), (1280, 720), "{f}");
        } else if f.ends_with(".svg") {
            let text = std::fs::read_to_string(&p).unwrap();
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg", "{f}");
            assert!(doc.descendants().any(|n| n.has_tag_name("text")), "{f}: no text");
        } else {
            panic!("unexpected file {f}");
        }
    }
}

fn panels_not_empty(charts: &[(String, Chart)]) {
    for (name, c) in charts {
        match c {
            Chart::Time { panels, .. } => {
                assert!(!panels.is_empty(), "{name}: no panel");
                for TimePanel { lines, title, .. } in panels {
                    assert!(
                        lines.iter().any(|l| !l.points.is_empty()),
                        "{name}: empty panel {title}"
                    );
                }
            }
            Chart::Cdf { lines, .. } => assert!(lines.iter().all(|l| l.points.len() > 2), "{name}"),
            Chart::Bars { panels, .. } => assert!(panels.iter().all(|p| !p.bars.is_empty()), "{name}"),
            Chart::Stacked { bars, .. } => assert!(bars.iter().all(|b| !b.pieces.is_empty()), "{name}"),
            Chart::Xy { panels, .. } => assert!(panels.iter().all(|p| !p.points.is_empty()), "{name}"),
            Chart::Heat { heat, .. } => assert!(heat.cells.iter().flatten().any(Option::is_some), "{name}"),
            Chart::Tornado { bars, .. } => assert!(!bars.is_empty(), "{name}"),
            Chart::Frontier { frontier, .. } => assert!(!frontier.points.is_empty(), "{name}"),
        }
    }
}

#[test]
fn run_draws_every_chart_and_chart_redraws_them_identically() {
    let out = fresh("charts-horgos");
    bordersim(&[
        "run",
        "scenarios/horgos-2024.toml",
        "-q",
        "--days",
        "30",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let charts = out.join("charts");
    let names = files(&charts);
    for want in [
        "queue_horgos",
        "utilization_horgos",
        "throughput_horgos",
        "time_in_system_horgos",
        "drivers_horgos",
    ] {
        assert!(
            names.contains(&format!("{want}.png")) && names.contains(&format!("{want}.svg")),
            "{want} missing: {names:?}"
        );
    }
    check_images(&charts);
    panels_not_empty(&run_charts(&out).unwrap());
    let before: Vec<Vec<u8>> = names.iter().map(|f| std::fs::read(charts.join(f)).unwrap()).collect();
    let page = std::fs::read(out.join("report.html")).unwrap();
    std::fs::remove_dir_all(&charts).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    bordersim(&["chart", out.to_str().unwrap()]);
    let after: Vec<Vec<u8>> = names.iter().map(|f| std::fs::read(charts.join(f)).unwrap()).collect();
    assert_eq!(before, after, "chart did not redraw the same files");
    assert!(
        std::fs::read(out.join("report.html")).unwrap() == page,
        "chart did not rewrite the same report.html"
    );
}

#[test]
fn no_charts_skips_them_and_a_single_stage_scenario_charts_fine() {
    let out = fresh("charts-none");
    bordersim(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "--days",
        "5",
        "--replications",
        "2",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!out.join("charts").exists());
    bordersim(&["chart", out.to_str().unwrap()]);
    let names = files(&out.join("charts"));
    assert!(names.contains(&"queue_textbook.png".to_string()), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("drivers")),
        "no driver pool, no driver chart"
    );
    check_images(&out.join("charts"));
    panels_not_empty(&run_charts(&out).unwrap());
}

#[test]
fn compare_draws_its_charts() {
    let out = fresh("charts-compare");
    bordersim(&[
        "compare",
        "scenarios/baktu.toml",
        "-q",
        "--days",
        "20",
        "--replications",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let names = files(&out.join("charts"));
    for want in ["compare_baktu", "compare_difference_baktu", "compare_queue_baktu"] {
        assert!(names.contains(&format!("{want}.png")), "{want} missing: {names:?}");
    }
    check_images(&out.join("charts"));
    let charts = compare_charts(&out).unwrap();
    panels_not_empty(&charts);
    // The bars show the comparison's numbers.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["variant"] == "longer_hours"
                && r["stage"] == ""
                && r["mode"] == ""
                && r["metric"] == "time_in_system_mean_min"
        })
        .unwrap();
    let Chart::Bars { panels, .. } = &charts.iter().find(|(n, _)| n == "compare_baktu").unwrap().1 else {
        panic!()
    };
    let bar = panels[1].bars.iter().find(|b| b.label == "longer_hours").unwrap();
    assert_eq!(bar.mean, row["value"]["mean"].as_f64().unwrap());
    assert!((bar.hi - bar.mean - row["value"]["ci95"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn queue_and_daily_throughput_charts_show_the_csv() {
    let out = fresh("charts-data");
    bordersim(&[
        "run",
        "scenarios/baktu.toml",
        "-q",
        "--days",
        "20",
        "--replications",
        "3",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let charts = run_charts(&out).unwrap();
    let time = |name: &str| match &charts.iter().find(|(n, _)| n == name).unwrap().1 {
        Chart::Time { panels, .. } => panels.clone(),
        _ => panic!("{name} is not a time chart"),
    };
    // Queue at inspection: 480 hourly rows, drawn as they are (no averaging needed).
    let queue = time("queue_baktu");
    let panel = queue.iter().find(|p| p.title.starts_with("inspection")).unwrap();
    let want: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r[4] == "inspection" && r[6] == "queue")
        .map(|r| (r[1].parse().unwrap(), r[7].parse().unwrap()))
        .collect();
    assert_eq!(want.len(), 480);
    assert_eq!(panel.lines[0].points, want);
    let band_hi: Vec<f64> = rows
        .iter()
        .filter(|r| r[4] == "inspection" && r[6] == "queue")
        .map(|r| r[10].parse().unwrap())
        .collect();
    assert_eq!(panel.lines[0].band.iter().map(|b| b.2).collect::<Vec<_>>(), band_hi);
    // Inspection is closed at night: shaded periods are the rows with no lane open.
    let closed = rows
        .iter()
        .filter(|r| r[4] == "inspection" && r[6] == "servers_open" && r[7] == "0")
        .count();
    let shaded: f64 = panel.shade.iter().map(|(a, b)| b - a).sum();
    assert_eq!(shaded, closed as f64 * 60.0);
    // Vehicles per day for self-driving: sums of the hourly counts per calendar day.
    let thr = time("throughput_baktu");
    let line = thr[0].lines.iter().find(|l| l.label == "self_driving").unwrap();
    let mut daily = vec![0.0; 20];
    for r in rows
        .iter()
        .filter(|r| r[5] == "self_driving" && r[6] == "completed_vehicles")
    {
        let start: f64 = r[0].parse().unwrap();
        daily[(start / 1440.0) as usize] += r[7].parse::<f64>().unwrap();
    }
    let drawn: Vec<f64> = line.points.iter().map(|p| p.1).collect();
    assert_eq!(drawn.len(), 20);
    for (a, b) in drawn.iter().zip(&daily) {
        assert!((a - b).abs() < 1e-6, "{drawn:?} vs {daily:?}");
    }
}

#[test]
fn chart_on_a_directory_without_results_is_a_usage_error() {
    let d = fresh("charts-empty");
    std::fs::create_dir_all(&d).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["chart", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no summary.json, comparison.json or sweep.json here"));
}

#[test]
fn dated_events_and_waits_by_hour_get_their_charts_and_edited_events_are_refused() {
    let dir = fresh("charts-events");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.toml");
    std::fs::write(
        &file,
        r#"[simulation]
start = "2025-01-06"
horizon_days = 3
replications = 2

[service]
by_hour = true

[modes.car]
kind = "generic"

[modes.truck]
kind = "generic"

[ports.p]
closures = [{ from = "2025-01-07T08:00", to = "2025-01-07T12:00" }]

[ports.p.stages.lane]
kind = "servers"
servers = 2
clearance = { dist = "exponential", mean = 5 }

[ports.p.flows.car]
rate = { per_hour = 10 }
route = ["lane"]
batches = [{ at = "2025-01-08T06:00", consignments = 40 }]

[ports.p.flows.truck]
rate = { per_hour = 4 }
route = ["lane"]
"#,
    )
    .unwrap();
    let out = dir.join("out");
    bordersim(&["run", file.to_str().unwrap(), "-q", "--out", out.to_str().unwrap()]);
    let names = files(&out.join("charts"));
    for want in [
        "backlog_p.png",
        "backlog_p.svg",
        "hour_of_day_p.png",
        "hour_of_day_p.svg",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    check_images(&out.join("charts"));
    let charts = run_charts(&out).unwrap();
    panels_not_empty(&charts);
    // The backlog chart marks both events (the closure and the batch) at their minutes.
    let Some((_, Chart::Time { panels, .. })) = charts.iter().find(|(n, _)| n == "backlog_p") else {
        panic!("no backlog chart");
    };
    let marks: Vec<f64> = panels[0].events.iter().map(|e| e.0).collect();
    assert_eq!(marks, vec![1440.0 + 480.0, 2.0 * 1440.0 + 360.0]);
    // One wait panel per mode, 24 bars each.
    let Some((_, Chart::Bars { panels, .. })) = charts.iter().find(|(n, _)| n == "hour_of_day_p") else {
        panic!("no hour-of-day chart");
    };
    assert_eq!(panels.len(), 2);
    assert!(panels.iter().all(|p| p.bars.len() == 24));
    // An event naming a port the run does not have is refused before anything is drawn.
    let summary = out.join("summary.json");
    let text = std::fs::read_to_string(&summary).unwrap();
    std::fs::write(&summary, text.replacen("\"port\": \"p\"", "\"port\": \"elsewhere\"", 1)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["chart", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("field events.0.port: must name a port of the run"),
        "{err}"
    );
}
