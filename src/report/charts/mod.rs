//! Charts for papers and briefings: PNG and SVG, 1280x720, drawn from the saved output
//! files so `bordersim chart DIR` redraws exactly what `run` and `compare` drew.
//!
//! `data` prepares what each chart shows (tested on its own), `draw` draws it, `style`
//! holds the palette and the bundled font.

pub mod bars;
pub mod data;
pub mod draw;
pub mod frontier;
pub mod stacked;
pub mod style;
pub mod sweep;

use super::csv::{Series, SeriesKey};
use super::exporter;
use super::reduce::{Kept, Plan, Shape};
use super::{check, compare_read, distribution, json_read};
use crate::error::Error;
use bars::{Bar, BarPanel};
use draw::{Chart, Line, TimePanel};
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Most panels stacked in one file; more stages go to further files.
const PANELS_PER_FILE: usize = 3;

/// Most points drawn per line: about one per two pixels of a 1280-pixel-wide chart.
const MAX_POINTS: usize = 600;

/// Most points per line where several lines share a panel, so they stay apart.
const MAX_POINTS_SHARED: usize = 200;

pub use super::exporter::{CHART_KINDS, is_chart_file};

/// "" when rows are drawn as they are, else what each point averages.
pub(crate) fn averaging(group: usize, interval_min: f64) -> String {
    if group <= 1 {
        return String::new();
    }
    let span = group as f64 * interval_min;
    let what = if (span - 1440.0).abs() < 1e-6 {
        "daily averages".to_string()
    } else if (span - 10080.0).abs() < 1e-6 {
        "weekly averages".to_string()
    } else if span >= 1440.0 {
        format!("averages over {:.1} days", span / 1440.0)
    } else {
        format!("averages over {:.0} h", span / 60.0)
    };
    format!(" ({what})")
}

/// Largest CSV file `chart` reads (timeseries.csv, distribution.csv,
/// compare_timeseries.csv): 2 GiB, about a century of hourly rows for a large port. The
/// files are read line by line and the series folded into what is drawn as they are read
/// (see `reduce`), so memory follows the points drawn, not the file.
pub const MAX_CSV_BYTES: u64 = 2 << 30;

/// Largest JSON file `chart` reads (summary.json, comparison.json): 64 MiB, far above what
/// hundreds of variants write. JSON files are read whole.
pub const MAX_JSON_BYTES: u64 = 64 << 20;

fn results_error(path: &Path, p: check::Problem) -> Error {
    Error::Results {
        path: path.to_path_buf(),
        location: p.line.map(|l| format!(":{l}")).unwrap_or_default(),
        message: p.message,
    }
}

/// Opens `dir/name` for reading after checking, before reading a byte, that it is a
/// regular file (a FIFO or device would block or never end) of at most `limit` bytes.
fn open(dir: &Path, name: &str, limit: u64) -> Result<(PathBuf, std::io::Take<std::fs::File>), Error> {
    use std::io::Read;
    let p = dir.join(name);
    let bad = |message: String| Error::Results {
        path: p.clone(),
        location: String::new(),
        message,
    };
    let check = |m: std::fs::Metadata| {
        if !m.is_file() {
            Err(bad(
                "not a regular file: chart reads only the files run and compare write".into(),
            ))
        } else if m.len() > limit {
            Err(bad(format!(
                "{} bytes, more than the {} MiB chart reads (README, Charts)",
                m.len(),
                limit >> 20
            )))
        } else {
            Ok(())
        }
    };
    check(std::fs::metadata(&p).map_err(|e| bad(format!("cannot read: {e}")))?)?;
    let f = std::fs::File::open(&p).map_err(|e| bad(format!("cannot read: {e}")))?;
    // The same checks on the opened file, in case it was replaced in between.
    check(f.metadata().map_err(|e| bad(format!("cannot read: {e}")))?)?;
    Ok((p, f.take(limit)))
}

/// A CSV results file, checked by `parse`.
pub(crate) fn read_csv<T>(
    dir: &Path,
    name: &str,
    parse: impl FnOnce(std::io::BufReader<std::io::Take<std::fs::File>>) -> Result<T, check::Problem>,
) -> Result<T, Error> {
    let (p, r) = open(dir, name, MAX_CSV_BYTES)?;
    parse(std::io::BufReader::with_capacity(1 << 16, r)).map_err(|e| results_error(&p, e))
}

/// A CSV results file read in several passes: `parse` gets a function that opens it afresh
/// (with the checks of [`open`]) for each pass, so no pass has to keep the rows.
pub(crate) fn read_csv_passes<T>(
    dir: &Path,
    name: &str,
    parse: impl FnOnce(&mut dyn FnMut() -> Result<CsvReader, check::Problem>) -> Result<T, check::Problem>,
) -> Result<T, Error> {
    let mut reopen = || match open(dir, name, MAX_CSV_BYTES) {
        Ok((_, r)) => Ok(std::io::BufReader::with_capacity(1 << 16, r)),
        // Back to the same error below (open's errors name the file and no line).
        Err(e) => Err(check::Problem {
            line: None,
            message: match e {
                Error::Results { message, .. } => message,
                other => other.to_string(),
            },
        }),
    };
    parse(&mut reopen).map_err(|e| results_error(&dir.join(name), e))
}

/// A results CSV file opened for reading.
pub(crate) type CsvReader = std::io::BufReader<std::io::Take<std::fs::File>>;

/// What the charts keep of timeseries.csv, given its series' shapes: each line averaged
/// as it is drawn, closed periods and counts per day.
fn run_plan(shapes: &BTreeMap<SeriesKey, Shape>) -> Plan<SeriesKey> {
    let mut p = Plan::default();
    for (k, s) in shapes {
        match k.3.as_str() {
            "queue" | "drivers_busy" | "in_system" => p.down(k, s.group(MAX_POINTS)),
            "servers_open" => p.closed(k),
            "busy" => {
                let open = (k.0.clone(), k.1.clone(), String::new(), "servers_open".to_string());
                if shapes.contains_key(&open) {
                    p.ratio(k, &open, s.group(MAX_POINTS));
                }
            }
            "completed" | "completed_vehicles" => p.per_day(k),
            _ => {}
        }
    }
    p
}

/// A JSON results file, checked by `parse`.
pub(crate) fn read_json<T>(
    dir: &Path,
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, check::Problem>,
) -> Result<T, Error> {
    use std::io::Read;
    let (p, mut r) = open(dir, name, MAX_JSON_BYTES)?;
    let mut text = String::new();
    r.read_to_string(&mut text).map_err(|e| Error::Results {
        path: p.clone(),
        location: String::new(),
        message: format!("cannot read: {e}"),
    })?;
    parse(&text).map_err(|e| results_error(&p, e))
}

fn bad(dir: &Path, msg: String) -> Error {
    Error::Usage(format!("{}: {msg}", dir.display()))
}

/// Writes `chart` as NAME.png and NAME.svg in `dir`, each through a temporary file that is
/// renamed into place only when both are drawn, and removed on any failure.
pub fn save(dir: &Path, name: &str, chart: &Chart) -> Result<Vec<PathBuf>, Error> {
    style::register_font();
    let out = |p: &Path, e: String| Error::Output {
        path: p.to_path_buf(),
        reason: e,
    };
    let png = dir.join(format!("{name}.png"));
    let svg = dir.join(format!("{name}.svg"));
    // Registered, so an error or a second Ctrl-C removes them.
    let png_tmp = super::atomic::Temp::new(dir.join(format!(".{name}.tmp-{}.png", std::process::id())));
    let svg_tmp = super::atomic::Temp::new(dir.join(format!(".{name}.tmp-{}.svg", std::process::id())));
    let (tmp_png, tmp_svg) = (png_tmp.path(), svg_tmp.path());
    {
        let root = BitMapBackend::new(tmp_png, style::SIZE).into_drawing_area();
        draw::render(&root, chart).map_err(|e| out(&png, e))?;
    }
    {
        let root = SVGBackend::new(tmp_svg, style::SIZE).into_drawing_area();
        draw::render(&root, chart).map_err(|e| out(&svg, e))?;
    }
    for (tmp, dest) in [(tmp_png, &png), (tmp_svg, &svg)] {
        if !tmp.is_file() {
            return Err(out(dest, "the chart was not written".into()));
        }
        std::fs::rename(tmp, dest).map_err(|e| out(dest, e.to_string()))?;
    }
    Ok(vec![png, svg])
}

fn line(label: &str, s: &Series, band: bool) -> Line {
    Line {
        label: label.to_string(),
        points: s.x.iter().copied().zip(s.mean.iter().copied()).collect(),
        band: if band {
            s.x.iter()
                .zip(s.lo.iter().zip(&s.hi))
                .map(|(x, (l, h))| (*x, *l, *h))
                .collect()
        } else {
            Vec::new()
        },
    }
}

fn file_name(kind: &str, port: &str, part: usize, parts: usize) -> String {
    if parts > 1 {
        format!("{kind}_{port}_{}", part + 1)
    } else {
        format!("{kind}_{port}")
    }
}

/// Every chart of a run, from DIR/summary.json, DIR/timeseries.csv and
/// DIR/distribution.csv, prepared but not drawn: (file name, chart).
pub fn run_charts(dir: &Path) -> Result<Vec<(String, Chart)>, Error> {
    let info = read_json(dir, exporter::SUMMARY, json_read::parse_summary)?;
    let ts = read_csv_passes(dir, exporter::TIMESERIES, |open| {
        super::csv::read_timeseries(open, &info.ports, info.replications, run_plan)
    })?;
    let dist = read_csv(dir, exporter::DISTRIBUTION, |r| {
        distribution::parse_distribution(r, &info.ports)
    })?;
    let who = if info.variant == crate::scenario::BASELINE {
        info.name.clone()
    } else {
        format!("{} ({})", info.name, info.variant)
    };
    let mut out = Vec::new();
    for port in ts.ports() {
        let closed = |stage: &str| {
            ts.get(&port, stage, "", "servers_open")
                .map(|o| o.closed.clone())
                .unwrap_or_default()
        };
        // Queue length over time, one panel per stage where a queue formed.
        let stages = ts.stages_with(&port, "queue");
        let mut queued: Vec<&String> = stages
            .iter()
            .filter(|s| ts.get(&port, s, "", "queue").is_some_and(|q| q.max > 0.0))
            .collect();
        let none_queued = queued.is_empty();
        if none_queued {
            queued = stages.iter().take(1).collect();
        }
        let chunks: Vec<_> = queued.chunks(PANELS_PER_FILE).collect();
        for (k, chunk) in chunks.iter().enumerate() {
            let panels = chunk
                .iter()
                .map(|s| {
                    let raw = ts.get(&port, s, "", "queue").expect("listed stage").shape;
                    let group = raw.group(MAX_POINTS);
                    let q = ts.grouped(&port, s, "", "queue", group).expect("planned");
                    TimePanel {
                        title: if none_queued {
                            format!("{s} (no queue formed at any stage of {port})")
                        } else {
                            format!(
                                "{s}: mean over replications, band = lowest to highest replication{}",
                                averaging(group, raw.interval())
                            )
                        },
                        y_label: "waiting (consignments)".into(),
                        lines: vec![line(s, q, true)],
                        shade: closed(s),
                        ..TimePanel::default()
                    }
                })
                .collect();
            out.push((
                file_name("queue", &port, k, chunks.len()),
                Chart::Time {
                    title: format!("{who}: queue length at {port}"),
                    start: info.start,
                    panels,
                },
            ));
        }
        // Utilization over time per server stage.
        let servers: Vec<String> = ts
            .stages_with(&port, "busy")
            .into_iter()
            .filter(|s| ts.get(&port, s, "", "servers_open").is_some())
            .collect();
        let chunks: Vec<_> = servers.chunks(PANELS_PER_FILE).collect();
        for (k, chunk) in chunks.iter().enumerate() {
            let panels = chunk
                .iter()
                .map(|s| {
                    let busy = ts.get(&port, s, "", "busy").expect("listed").shape;
                    let group = busy.group(MAX_POINTS);
                    let u = ts.utilization(&port, s, group).expect("planned");
                    TimePanel {
                        title: format!(
                            "{s}: busy lanes / open lanes, mean over replications{}",
                            averaging(group, busy.interval())
                        ),
                        y_label: "utilization".into(),
                        lines: vec![line(s, u, false)],
                        shade: closed(s),
                        y_max: Some(1.05),
                        ..TimePanel::default()
                    }
                })
                .collect();
            out.push((
                file_name("utilization", &port, k, chunks.len()),
                Chart::Time {
                    title: format!("{who}: lane utilization at {port}"),
                    start: info.start,
                    panels,
                },
            ));
        }
        // Throughput per day, per mode and in total.
        let modes = ts.modes(&port);
        let daily = |metric: &str| -> Vec<Line> {
            let mut lines = Vec::new();
            let mut total: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
            for m in &modes {
                if let Some(s) = ts.get(&port, "", m, metric) {
                    let pts: Vec<(f64, f64)> = s.per_day.iter().map(|&(d, v)| (d + 720.0, v)).collect();
                    for &(x, v) in &pts {
                        total.entry(x.to_bits()).or_insert((x, 0.0)).1 += v;
                    }
                    lines.push(Line {
                        label: m.clone(),
                        points: pts,
                        band: Vec::new(),
                    });
                }
            }
            if modes.len() > 1 {
                lines.push(Line {
                    label: "all modes".into(),
                    points: total.into_values().collect(),
                    band: Vec::new(),
                });
            }
            lines
        };
        out.push((
            format!("throughput_{port}"),
            Chart::Time {
                title: format!("{who}: throughput per day at {port} (mean over replications)"),
                start: info.start,
                panels: vec![
                    TimePanel {
                        title: "vehicles cleared per day".into(),
                        y_label: "vehicles / day".into(),
                        lines: daily("completed_vehicles"),
                        ..TimePanel::default()
                    },
                    TimePanel {
                        title: "consignments cleared per day (a cage truck is one consignment)".into(),
                        y_label: "consignments / day".into(),
                        lines: daily("completed"),
                        ..TimePanel::default()
                    },
                ],
            },
        ));
        // Time in system distribution.
        let mut cdf_lines: Vec<Line> = modes
            .iter()
            .filter_map(|m| dist.get(&(port.clone(), m.clone())).map(|pts| (m, pts)))
            .map(|(m, pts)| Line {
                label: m.clone(),
                points: pts.clone(),
                band: Vec::new(),
            })
            .collect();
        if modes.len() > 1
            && let Some(pts) = dist.get(&(port.clone(), String::new()))
        {
            cdf_lines.push(Line {
                label: "all modes".into(),
                points: pts.clone(),
                band: Vec::new(),
            });
        }
        if !cdf_lines.is_empty() {
            let (p50, p95) = info.quantiles.get(&port).copied().unwrap_or((f64::NAN, f64::NAN));
            let marks = [(p50, "p50"), (p95, "p95")]
                .into_iter()
                .filter(|(v, _)| v.is_finite())
                .map(|(v, n)| (v, format!(" {n} {v:.0} min")))
                .collect();
            out.push((
                format!("time_in_system_{port}"),
                Chart::Cdf {
                    title: format!("{who}: time in system at {port} (all replications)"),
                    x_label: "time from arrival to leaving the last stage (minutes)".into(),
                    lines: cdf_lines,
                    marks,
                },
            ));
        }
        out.extend(backlog_chart(&info, &ts, &port, &who));
        out.extend(hour_chart(&info, &port, &who));
        // Drivers in use.
        if let Some(raw) = ts.get(&port, "", "", "drivers_busy") {
            let raw = raw.shape;
            let group = raw.group(MAX_POINTS);
            let d = ts.grouped(&port, "", "", "drivers_busy", group).expect("planned");
            out.push((
                format!("drivers_{port}"),
                Chart::Time {
                    title: format!("{who}: hired drivers away on trips at {port}"),
                    start: info.start,
                    panels: vec![TimePanel {
                        title: format!(
                            "mean over replications, band = lowest to highest replication{}",
                            averaging(group, raw.interval())
                        ),
                        y_label: "drivers busy".into(),
                        lines: vec![line("drivers busy", d, true)],
                        reference: info.drivers.get(&port).map(|n| (*n, format!("pool of {n:.0}"))),
                        ..TimePanel::default()
                    }],
                },
            ));
        }
    }
    Ok(out)
}

/// The port's consignments inside over time with each dated event marked, where the run
/// has dated events at the port.
fn backlog_chart(
    info: &json_read::RunInfo,
    ts: &super::csv::Timeseries,
    port: &str,
    who: &str,
) -> Option<(String, Chart)> {
    let events: Vec<(f64, String)> = info
        .events
        .iter()
        .filter(|e| e.0 == port)
        .map(|e| (e.2, format!(" {}", e.1)))
        .collect();
    if events.is_empty() {
        return None;
    }
    let raw = ts.get(port, "", "", "in_system")?.shape;
    let group = raw.group(MAX_POINTS);
    let d = ts.grouped(port, "", "", "in_system", group).expect("planned");
    Some((
        format!("backlog_{port}"),
        Chart::Time {
            title: format!("{who}: backlog at {port} and the dated events"),
            start: info.start,
            panels: vec![TimePanel {
                title: format!(
                    "consignments in the port, mean over replications, band = lowest to highest replication{}",
                    averaging(group, raw.interval())
                ),
                y_label: "in the port (consignments)".into(),
                lines: vec![line("in the port", d, true)],
                events,
                ..TimePanel::default()
            }],
        },
    ))
}

/// Mean wait by hour of day of arrival, one panel per mode, where the run measured it.
fn hour_chart(info: &json_read::RunInfo, port: &str, who: &str) -> Vec<(String, Chart)> {
    let panels: Vec<BarPanel> = info
        .by_hour
        .iter()
        .filter(|((p, _), _)| p == port)
        .map(|((_, mode), hours)| BarPanel {
            title: format!("{mode}: mean total wait by hour of arrival (95% CI over replications)"),
            y_label: "minutes".into(),
            bars: hours
                .iter()
                .enumerate()
                .filter(|(_, (m, _))| m.is_finite())
                .map(|(h, &(mean, ci))| Bar {
                    label: format!("{h:02}"),
                    mean,
                    lo: (mean - ci).max(0.0),
                    hi: mean + ci,
                    strong: true,
                })
                .collect(),
        })
        .collect();
    let chunks: Vec<_> = panels.chunks(PANELS_PER_FILE).collect();
    chunks
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                file_name("hour_of_day", port, k, chunks.len()),
                Chart::Bars {
                    title: format!("{who}: waits by hour of day of arrival at {port}"),
                    panels: c.to_vec(),
                },
            )
        })
        .collect()
}

/// Every chart of a comparison, from DIR/comparison.json and DIR/compare_timeseries.csv.
pub fn compare_charts(dir: &Path) -> Result<Vec<(String, Chart)>, Error> {
    let info = read_json(dir, exporter::COMPARISON_JSON, compare_read::parse_comparison)?;
    let all_queues = read_csv_passes(dir, exporter::COMPARE_TIMESERIES, |open| {
        compare_read::read_compare_series(open, &info, |shapes| {
            compare_read::plan_queues(shapes, MAX_POINTS_SHARED)
        })
    })?;
    let (name, variants) = (&info.name, &info.variants);
    let mut out = Vec::new();
    let start = info.start.unwrap_or_default();
    for port in &info.ports {
        let find = |variant: &str, metric: &str| {
            info.rows.iter().find(|r| {
                r.variant == variant && &r.port == port && r.stage.is_empty() && r.mode.is_empty() && r.metric == metric
            })
        };
        let panel = |metric: &str, title: &str, unit: &str, diff: bool| BarPanel {
            title: title.into(),
            y_label: unit.into(),
            bars: variants
                .iter()
                .filter(|v| !diff || v.as_str() != crate::scenario::BASELINE)
                .filter_map(|v| {
                    let r = find(v, metric)?;
                    let (mean, ci) = if diff { r.diff } else { r.value }?;
                    Some(Bar {
                        label: v.clone(),
                        mean,
                        lo: mean - ci,
                        hi: mean + ci,
                        strong: !diff || r.significant,
                    })
                })
                .collect(),
        };
        let metrics = [
            ("vehicles_per_day", "vehicles cleared per day", "vehicles / day"),
            ("time_in_system_mean_min", "mean time in system", "minutes"),
            ("time_in_system_p95_min", "95th percentile time in system", "minutes"),
        ];
        out.push((
            format!("compare_{port}"),
            Chart::Bars {
                title: format!("{name}: variants at {port} (mean, 95% CI over replications)"),
                panels: metrics.iter().map(|(m, t, u)| panel(m, t, u, false)).collect(),
            },
        ));
        if variants.len() > 1 {
            out.push((
                format!("compare_difference_{port}"),
                Chart::Bars {
                    title: format!("{name}: Δ from baseline at {port} (paired 95% CI; pale = not significant)"),
                    panels: metrics
                        .iter()
                        .map(|(m, t, u)| panel(m, &format!("Δ {t}"), &format!("Δ {u}"), true))
                        .collect(),
                },
            ));
        }
        // Queue over time: one line per variant, for the stages with the longest queues.
        let queues: BTreeMap<(String, String), (&compare_read::CompareKey, &Kept)> = all_queues
            .series
            .iter()
            .filter(|((p, _, _, metric), _)| p == port && metric == "queue")
            .map(|(k @ (_, stage, variant, _), s)| ((stage.clone(), variant.clone()), (k, s)))
            .collect();
        let mut stages: Vec<(String, f64)> = Vec::new();
        for ((stage, _), (_, s)) in &queues {
            let m = s.max_mean;
            match stages.iter_mut().find(|(n, _)| n == stage) {
                Some(e) => e.1 = e.1.max(m),
                None => stages.push((stage.clone(), m)),
            }
        }
        stages.retain(|s| s.1 > 0.0);
        stages.sort_by(|a, b| b.1.total_cmp(&a.1));
        stages.truncate(PANELS_PER_FILE);
        if !stages.is_empty() {
            let panels = stages
                .iter()
                .map(|(stage, _)| {
                    let mut note = String::new();
                    let lines = variants
                        .iter()
                        .filter_map(|v| {
                            queues.get(&(stage.clone(), v.clone())).map(|(k, s)| {
                                let g = s.shape.group(MAX_POINTS_SHARED);
                                note = averaging(g, s.shape.interval());
                                line(v, all_queues.down(k, g).expect("planned"), false)
                            })
                        })
                        .collect();
                    TimePanel {
                        title: format!("{stage}: queue, one line per variant, mean over replications{note}"),
                        y_label: "waiting (consignments)".into(),
                        lines,
                        ..TimePanel::default()
                    }
                })
                .collect();
            out.push((
                format!("compare_queue_{port}"),
                Chart::Time {
                    title: format!("{name}: queue length by variant at {port}"),
                    start,
                    panels,
                },
            ));
        }
    }
    Ok(out)
}

/// The Time Release Study charts, from DIR/trs.csv, prepared but not drawn.
pub fn trs_charts(dir: &Path) -> Result<Vec<(String, Chart)>, Error> {
    let ports = read_csv(dir, exporter::TRS_CSV, super::trs::read::parse)?;
    Ok(super::trs::chart::charts(&ports))
}

/// Draws every chart whose data files are in `dir` into `dir/charts/`: run charts when
/// summary.json is there, comparison charts when comparison.json is, TRS charts when
/// trs.csv is. Returns the files.
pub fn draw_dir(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut charts = Vec::new();
    if dir.join(exporter::RUN.describing).exists() {
        charts.extend(run_charts(dir)?);
    }
    if dir.join(exporter::COMPARE.describing).exists() {
        charts.extend(compare_charts(dir)?);
    }
    if dir.join(exporter::TRS_CSV).exists() {
        charts.extend(trs_charts(dir)?);
    }
    if dir.join(exporter::SWEEP_JSON).exists() {
        let j = super::sweep::read_json(dir)?;
        let mut written = super::sweep::draw_charts(dir, &j)?;
        if charts.is_empty() {
            return Ok(written);
        }
        let out = dir.join(exporter::CHARTS);
        for (name, chart) in &charts {
            written.extend(save(&out, name, chart)?);
        }
        return Ok(written);
    }
    if charts.is_empty() {
        return Err(bad(
            dir,
            "no summary.json, comparison.json or sweep.json here (nor a trs.csv): give the --out directory of a run, a comparison, a sweep or a TRS report".into(),
        ));
    }
    let out = dir.join(exporter::CHARTS);
    super::atomic::ensure_dir(&out)?;
    let mut written = Vec::new();
    for (name, chart) in &charts {
        written.extend(save(&out, name, chart)?);
    }
    Ok(written)
}
