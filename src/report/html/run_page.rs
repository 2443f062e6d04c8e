//! A run's page: what was run, warnings, the headline and per-stage tables with their
//! intervals, the port schematic and the charts, and links to the files beside it.

use super::load::RunData;
use super::page::{Section, document, figure};
use super::svg::{Line, LineChart, XAxis, legend, line_chart};
use super::tables::{Cell, estimate, table};
use super::{esc, warnings};
use crate::report::charts::{averaging, data};
use crate::report::csv::Series;
use serde_json::Value;

/// (column title, metric, decimals) of the headline table, per mode and for the port.
const HEADLINE: [(&str, &str, usize); 6] = [
    ("consignments/day", "consignments_per_day", 1),
    ("vehicles/day", "vehicles_per_day", 1),
    ("mean time in system (min)", "time_in_system_mean_min", 1),
    ("p95 time in system (min)", "time_in_system_p95_min", 1),
    ("turned away", "turned_away", 0),
    ("share turned away", "turned_away_fraction", 4),
];

/// (column title, metric, decimals) of the per-stage table.
const STAGE: [(&str, &str, usize); 8] = [
    ("lanes open", "servers_open_mean", 1),
    ("utilization", "utilization", 3),
    ("mean wait (min)", "wait_mean_min", 1),
    ("p95 wait (min)", "wait_p95_min", 1),
    ("P(wait)", "p_wait", 3),
    ("mean queue", "queue_mean", 2),
    ("max queue", "queue_max", 0),
    ("mean inside", "in_stage_mean", 2),
];

fn text<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// The "what was run" list, shared with the comparison page.
pub fn provenance(rows: &[(&str, String)]) -> String {
    let mut s = String::from(r#"<dl class="facts">"#);
    for (k, v) in rows {
        s.push_str(&format!("<dt>{}</dt><dd>{v}</dd>", esc(k)));
    }
    s.push_str("</dl>");
    s
}

/// Links to the data files beside the page.
pub fn links(files: &[String]) -> String {
    let mut s = String::from(
        r#"<p>Everything on this page is drawn from these files, which sit beside it (the links work while the page is in its output directory):</p><ul class="files">"#,
    );
    for f in files {
        s.push_str(&format!(r#"<li><a href="{}">{}</a></li>"#, esc(f), esc(f)));
    }
    s.push_str("</ul>");
    s
}

/// Lines sharing one x (all series of a port share the report intervals).
fn chart(
    id: String,
    title: String,
    y: &str,
    start: crate::date::StartInstant,
    lines: Vec<(String, Series)>,
) -> Option<LineChart> {
    let x = lines.first()?.1.x.clone();
    Some(LineChart {
        id,
        title,
        y_label: y.into(),
        x,
        axis: XAxis::Date(start),
        lines: lines.into_iter().map(|(label, s)| Line { label, y: s.mean }).collect(),
    })
}

/// The CDF lines of a port on one grid of `n` points (step interpolation of each mode's
/// saved points).
fn cdf_chart(d: &RunData, port: &str, id: String) -> Option<LineChart> {
    let curves: Vec<(&String, &Vec<(f64, f64)>)> = d
        .cdf
        .iter()
        .filter(|((p, _), v)| p == port && !v.is_empty())
        .map(|((_, m), v)| (m, v))
        .collect();
    let hi = curves
        .iter()
        .filter_map(|(_, v)| v.last().map(|p| p.0))
        .fold(0.0, f64::max);
    if curves.is_empty() || hi <= 0.0 {
        return None;
    }
    let n = 200;
    let x: Vec<f64> = (0..=n).map(|k| hi * k as f64 / n as f64).collect();
    let lines = curves
        .iter()
        .map(|(m, v)| {
            let mut j = 0;
            let y = x
                .iter()
                .map(|t| {
                    while j + 1 < v.len() && v[j + 1].0 <= *t {
                        j += 1;
                    }
                    if v[j].0 <= *t { v[j].1 } else { 0.0 }
                })
                .collect();
            Line {
                label: if m.is_empty() { "all modes".into() } else { (*m).clone() },
                y,
            }
        })
        .collect();
    Some(LineChart {
        id,
        title: format!("Time in system at {port}: share of consignments done within a time"),
        y_label: "share done".into(),
        x,
        axis: XAxis::Minutes,
        lines,
    })
}

/// The page of the run in `d`, linking `files`.
pub fn page(d: &RunData, files: &[String]) -> String {
    let doc = &d.doc;
    let sc = &doc["scenario"];
    let name = text(sc, "name");
    let mut intro = String::new();
    if !text(sc, "description").is_empty() {
        intro.push_str(&format!(r#"<p class="desc">{}</p>"#, esc(text(sc, "description"))));
    }
    let variant = text(sc, "variant");
    intro.push_str(&format!(
        r#"<p>Simulated with bordersim from <code>{}</code>{}. Values are means over replications with 95 % confidence intervals (mean ± half-width); times in minutes.</p>"#,
        esc(text(sc, "file")),
        if variant != crate::scenario::BASELINE { format!(", variant <code>{}</code>", esc(variant)) } else { String::new() }
    ));
    let mut sections = Vec::new();
    sections.push(Section {
        id: "warnings",
        title: "Warnings".into(),
        body: warnings::html(&warnings::run(d)),
    });
    let num = |k: &str| {
        sc.get(k)
            .map(|v| esc(v.to_string().trim_matches('"')))
            .unwrap_or_default()
    };
    let cmd = text(sc, "command");
    sections.push(Section {
        id: "run",
        title: "What was run".into(),
        body: provenance(&[
            ("Command", if cmd.is_empty() { "not recorded".into() } else { format!("<code>{}</code> (OUT stands for the output directory; flags that do not change the results are left out)", esc(cmd)) }),
            ("Scenario file", format!("<code>{}</code>", esc(text(sc, "file")))),
            ("SHA-256 of the scenario file", format!("<code class=\"hash\">{}</code>", esc(text(sc, "file_sha256")))),
            ("bordersim version", esc(text(doc, "bordersim_version"))),
            ("Seed", num("seed")),
            ("Replications", format!("{} of {} asked for", num("replications"), num("replications_requested"))),
            ("Start", esc(&text(sc, "start").replace('T', " "))),
            ("Horizon", format!("{} days", num("horizon_days"))),
            ("Warm-up (discarded)", format!("{} days", num("warmup_days"))),
            ("Report interval", format!("{} min", num("report_interval_min"))),
            ("Intervals", esc(text(sc, "confidence"))),
        ]),
    });
    let mut head_html = String::new();
    let mut stage_html = String::new();
    let mut port_html = String::new();
    let mut chart_html = String::new();
    let mut data_blocks = Vec::new();
    let mut spans = Vec::new();
    for (port, (stages, modes)) in &d.info.ports {
        let mut rows = Vec::new();
        for m in modes.iter().map(Some).chain([None]) {
            let base = match m {
                Some(m) => format!("ports.{port}.modes.{m}"),
                None => format!("ports.{port}.totals"),
            };
            let mut row = vec![Cell::text(m.cloned().unwrap_or_else(|| "all modes".into()))];
            row.extend(
                HEADLINE
                    .iter()
                    .map(|(_, k, dg)| estimate(doc, &format!("{base}.{k}"), *dg)),
            );
            rows.push(row);
        }
        let head: Vec<&str> = std::iter::once("mode").chain(HEADLINE.iter().map(|h| h.0)).collect();
        head_html.push_str(&format!("<h3>{}</h3>", esc(port)));
        head_html.push_str(&table(
            &format!("headline-{port}"),
            &format!("{port}: flows by mode, mean ± 95 % half-width over replications"),
            &head,
            &rows,
        ));
        let order: Vec<&String> = d
            .order
            .get(port)
            .map(|o| o.iter().filter(|s| stages.contains(*s)).collect())
            .unwrap_or_default();
        let rows: Vec<Vec<Cell>> = order
            .iter()
            .map(|st| {
                let mut row = vec![Cell::text(st.as_str())];
                row.extend(
                    STAGE
                        .iter()
                        .map(|(_, k, dg)| estimate(doc, &format!("ports.{port}.stages.{st}.{k}"), *dg)),
                );
                row
            })
            .collect();
        let head: Vec<&str> = std::iter::once("stage").chain(STAGE.iter().map(|h| h.0)).collect();
        stage_html.push_str(&format!("<h3>{}</h3>", esc(port)));
        stage_html.push_str(&table(
            &format!("stages-{port}"),
            &format!("{port}: stages in route order (sort by any column; dwell stages have no lanes)"),
            &head,
            &rows,
        ));
        if let Some((h, j, _)) = super::schematic::schematic(d, port, &format!("port-{port}")) {
            port_html.push_str(&h);
            data_blocks.push((format!("port-{port}-data"), j));
        }
        // Charts.
        let start = d.info.start;
        let mut charts: Vec<(LineChart, String)> = Vec::new();
        let queued: Vec<(String, Series)> = order
            .iter()
            .filter_map(|s| {
                d.ts.get(port, s, "", "queue")
                    .filter(|q| q.max > 0.0)
                    .map(|q| ((*s).clone(), q.shape))
            })
            .map(|(s, q)| {
                let g = q.group(super::MAX_POINTS);
                spans.push(averaging(g, q.interval()));
                let q = d.ts.grouped(port, &s, "", "queue", g).expect("planned").clone();
                (s, q)
            })
            .collect();
        if let Some(c) = chart(
            format!("queue-{port}"),
            format!("Queue length by stage at {port}"),
            "waiting (consignments)",
            start,
            queued,
        ) {
            charts.push((c, "Consignments waiting at each stage where a queue formed, mean over replications. Read across for peaks and how fast they drain; a line that only climbs means the stage cannot keep up.".into()));
        }
        let util: Vec<(String, Series)> = order
            .iter()
            .filter_map(
                |s| match (d.ts.get(port, s, "", "busy"), d.ts.get(port, s, "", "servers_open")) {
                    (Some(b), Some(_)) => {
                        let u = d.ts.utilization(port, s, b.shape.group(super::MAX_POINTS));
                        Some(((*s).clone(), u.expect("planned").clone()))
                    }
                    _ => None,
                },
            )
            .collect();
        if let Some(c) = chart(
            format!("util-{port}"),
            format!("Lane utilization by stage at {port}"),
            "busy / open lanes",
            start,
            util,
        ) {
            charts.push((c, "Share of open lanes that are busy (1 = every open lane serving). Near 1 for long spells a stage is the bottleneck; gaps are times with no lane open.".into()));
        }
        let thr: Vec<(String, Series)> = modes
            .iter()
            .filter_map(|m| d.ts.get(port, "", m, "completed").map(|c| (m.clone(), c)))
            .map(|(m, c)| {
                let pts = &c.per_day;
                let s = Series {
                    x: pts.iter().map(|p| p.0).collect(),
                    mean: pts.iter().map(|p| p.1).collect(),
                    ..Series::default()
                };
                let (s, _) = data::downsample(
                    &Series {
                        lo: s.mean.clone(),
                        hi: s.mean.clone(),
                        ..s
                    },
                    data::group_size(pts.len(), 1440.0, super::MAX_POINTS),
                );
                (m, s)
            })
            .collect();
        if let Some(c) = chart(
            format!("thr-{port}"),
            format!("Throughput by mode at {port}"),
            "consignments per day",
            start,
            thr,
        ) {
            charts.push((c, "Consignments that finished, as a rate per day, by mode. Compare with demand: a dip that is not made up later is work turned away or still queued at the end.".into()));
        }
        let mut occ = Vec::new();
        let down = |metric: &str| {
            d.ts.get(port, "", "", metric).map(|s| {
                let g = s.shape.group(super::MAX_POINTS);
                d.ts.grouped(port, "", "", metric, g).expect("planned").clone()
            })
        };
        if let Some(s) = down("in_system") {
            occ.push(("in the port".to_string(), s));
        }
        if let Some(s) = down("drivers_busy") {
            occ.push(("drivers away".to_string(), s));
        }
        if let Some(c) = chart(
            format!("occ-{port}"),
            format!("Consignments in the port and drivers away at {port}"),
            "count",
            start,
            occ,
        ) {
            charts.push((c, "How many consignments are inside the port, and how many drivers are away with trucks, mean over replications. A rising floor means work is piling up.".into()));
        }
        if let Some(c) = cdf_chart(d, port, format!("cdf-{port}")) {
            charts.push((c, "For each time on the x axis, the share of consignments that went through the port within it (pooled over replications). Read the p95 where a line crosses 0.95; a line further right is slower.".into()));
        }
        for (c, caption) in charts {
            let (svg, json) = line_chart(&c);
            data_blocks.push((format!("{}-data", c.id), json));
            chart_html.push_str(&figure(
                &c.title,
                &format!(
                    r#"<div class="plot" data-chart="{}">{svg}<div class="readout" aria-live="polite"></div></div>"#,
                    esc(&c.id)
                ),
                &legend(&c),
                &caption,
            ));
        }
    }
    let span = spans.iter().find(|s| !s.is_empty()).cloned().unwrap_or_default();
    sections.push(Section {
        id: "headline",
        title: "Headline results".into(),
        body: head_html,
    });
    sections.push(Section {
        id: "port",
        title: "The port over time".into(),
        body: port_html,
    });
    sections.push(Section {
        id: "charts",
        title: "Charts".into(),
        body: format!(
            r#"<p class="note">The charts are drawn from timeseries.csv and distribution.csv{}. Click a legend entry to hide or show a line; move the pointer over a chart to read its values.</p>{chart_html}"#,
            if span.is_empty() { String::new() } else { format!(", downsampled for the page to {}: the full series are in the files", span.trim().trim_matches(|c| c == '(' || c == ')')) }
        ),
    });
    sections.push(Section {
        id: "stages",
        title: "Per stage".into(),
        body: stage_html,
    });
    sections.push(Section {
        id: "files",
        title: "Data files".into(),
        body: links(files),
    });
    document(name, &intro, &sections, &data_blocks)
}
