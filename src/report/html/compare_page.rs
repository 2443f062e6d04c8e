//! A comparison's page: the variants, the paired differences from the baseline in a table
//! and in a plain sentence per variant, difference charts, each variant's queues over time,
//! and the per-stage differences.

use super::load::CompareData;
use super::page::{Section, document, figure};
use super::run_page::{links, provenance};
use super::svg::{DiffRow, Line, LineChart, XAxis, diff_chart, legend, line_chart};
use super::tables::{Cell, estimate_of, table};
use super::{esc, num, signed, warnings};
use crate::report::compare_read::CompareRow;
use serde_json::Value;

/// Port-level metrics shown, with their names in words and decimals.
const METRICS: [(&str, &str, usize); 6] = [
    ("time_in_system_mean_min", "mean time in system (min)", 1),
    ("time_in_system_p95_min", "p95 time in system (min)", 1),
    ("consignments_per_day", "consignments/day", 1),
    ("vehicles_per_day", "vehicles/day", 1),
    ("in_system_mean", "mean in the port", 1),
    ("turned_away", "turned away", 0),
];

fn row<'a>(rows: &'a [CompareRow], v: &str, port: &str, stage: &str, metric: &str) -> Option<(usize, &'a CompareRow)> {
    rows.iter()
        .enumerate()
        .find(|(_, r)| r.variant == v && r.port == port && r.stage == stage && r.mode.is_empty() && r.metric == metric)
}

/// "one_hour cuts mean time in system by 300 ± 0.3 min; throughput is unchanged (+0.1 ± 2
/// consignments/day)."
pub fn sentence(rows: &[CompareRow], variant: &str, port: &str) -> String {
    let t =
        row(rows, variant, port, "", "time_in_system_mean_min").and_then(|(_, r)| r.diff.map(|d| (d, r.significant)));
    let q = row(rows, variant, port, "", "consignments_per_day").and_then(|(_, r)| r.diff.map(|d| (d, r.significant)));
    let mut parts = Vec::new();
    if let Some(((m, c), sig)) = t {
        parts.push(if !sig {
            format!(
                "leaves mean time in system unchanged within the noise ({} ± {} min)",
                signed(m),
                num(c)
            )
        } else if m < 0.0 {
            format!("cuts mean time in system by {} ± {} min", num(-m), num(c))
        } else {
            format!("raises mean time in system by {} ± {} min", num(m), num(c))
        });
    }
    if let Some(((m, c), sig)) = q {
        parts.push(if !sig {
            format!("throughput is unchanged ({} ± {} consignments/day)", signed(m), num(c))
        } else if m < 0.0 {
            format!("throughput falls by {} ± {} consignments/day", num(-m), num(c))
        } else {
            format!("throughput rises by {} ± {} consignments/day", num(m), num(c))
        });
    }
    if parts.is_empty() {
        return format!("{variant}: no paired difference at {port}.");
    }
    format!("{variant} {} at {port}.", parts.join("; "))
}

fn diff_cell(r: &CompareRow, i: usize, digits: usize) -> Cell {
    match r.diff {
        None => Cell::text("\u{2013}"),
        Some((m, c)) => Cell {
            text: format!(
                "{} ± {}{}",
                signed(m),
                crate::report::number::fixed(c, digits.max(1), false),
                if r.significant { " *" } else { "" }
            ),
            value: Some(m),
            key: Some(format!("rows.{i}.diff")),
        },
    }
}

fn sig_cell(r: &CompareRow) -> Cell {
    Cell::text(match (r.diff.is_some(), r.significant) {
        (false, _) => "\u{2013}",
        (true, true) => "yes *",
        (true, false) => "no",
    })
}

/// The page of the comparison in `d`, linking `files`.
pub fn page(d: &CompareData, files: &[String]) -> String {
    let doc = &d.doc;
    let info = &d.info;
    let s = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
    let raw = |k: &str| {
        doc.get(k)
            .map(|v| esc(v.to_string().trim_matches('"')))
            .unwrap_or_default()
    };
    let vdesc: Vec<(String, String)> = doc["variants"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| {
                    (
                        v["name"].as_str().unwrap_or("").to_string(),
                        v["description"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut intro = format!(
        r#"<p>A comparison of {} variants of <code>{}</code> against the baseline, by bordersim. Differences are paired (each replication of a variant against the same replication of the baseline{}), with 95 % confidence intervals; a difference marked * (and "yes") has an interval that excludes zero.</p><ul class="variants">"#,
        info.variants.len().saturating_sub(1),
        esc(s("file")),
        if doc["common_random_numbers"].as_bool().unwrap_or(false) {
            ", on common random numbers"
        } else {
            ""
        }
    );
    for (n, desc) in &vdesc {
        intro.push_str(&format!("<li><strong>{}</strong>: {}</li>", esc(n), esc(desc)));
    }
    intro.push_str("</ul>");
    let done = doc["replications"].as_u64().unwrap_or(0);
    let mut warn = warnings::common(
        doc["partial"].as_bool().unwrap_or(false),
        done,
        doc["replications_requested"].as_u64().unwrap_or(done),
    );
    if !doc["common_random_numbers"].as_bool().unwrap_or(true) {
        warn.push("The variants ran on independent random streams (--independent): the differences are noisier than with common random numbers.".into());
    }
    let cmd = s("command");
    let mut sections = vec![
        Section {
            id: "warnings",
            title: "Warnings".into(),
            body: warnings::html(&warn),
        },
        Section {
            id: "run",
            title: "What was run".into(),
            body: provenance(&[
                (
                    "Command",
                    if cmd.is_empty() {
                        "not recorded".into()
                    } else {
                        format!(
                            "<code>{}</code> (OUT stands for the output directory; flags that do not change the results are left out)",
                            esc(cmd)
                        )
                    },
                ),
                ("Scenario file", format!("<code>{}</code>", esc(s("file")))),
                (
                    "SHA-256 of the scenario file",
                    format!("<code class=\"hash\">{}</code>", esc(s("file_sha256"))),
                ),
                ("bordersim version", esc(s("bordersim_version"))),
                ("Seed", raw("seed")),
                (
                    "Replications",
                    format!(
                        "{} of {} asked for (per variant)",
                        raw("replications"),
                        raw("replications_requested")
                    ),
                ),
                ("Start", esc(&s("start").replace('T', " "))),
                ("Common random numbers", raw("common_random_numbers")),
            ]),
        },
    ];
    let rows_json = doc["rows"].as_array().cloned().unwrap_or_default();
    let mut head_html = String::new();
    let mut chart_html = String::new();
    let mut stage_html = String::new();
    let mut data_blocks = Vec::new();
    let variants: Vec<&String> = info.variants.iter().skip(1).collect();
    for port in &info.ports {
        head_html.push_str(&format!("<h3>{}</h3><ul class=\"sentences\">", esc(port)));
        for v in &variants {
            head_html.push_str(&format!("<li>{}</li>", esc(&sentence(&info.rows, v, port))));
        }
        head_html.push_str("</ul>");
        let mut rows = Vec::new();
        for (metric, words, dg) in METRICS {
            for v in &info.variants {
                let Some((i, r)) = row(&info.rows, v, port, "", metric) else {
                    continue;
                };
                rows.push(vec![
                    Cell::text(format!("{words}: {v}")),
                    estimate_of(
                        rows_json.get(i).and_then(|r| r.get("value")),
                        &format!("rows.{i}.value"),
                        dg,
                    ),
                    diff_cell(r, i, dg),
                    sig_cell(r),
                ]);
            }
        }
        head_html.push_str(&table(
            &format!("headline-{port}"),
            &format!("{port}: each variant's value and its paired difference from the baseline"),
            &["metric: variant", "value", "difference from baseline", "significant"],
            &rows,
        ));
        for (metric, words, _) in &METRICS[..3] {
            let drows: Vec<DiffRow> = variants
                .iter()
                .filter_map(|v| row(&info.rows, v, port, "", metric))
                .filter_map(|(_, r)| {
                    r.diff.map(|(m, c)| DiffRow {
                        label: r.variant.clone(),
                        mean: m,
                        ci: c,
                        significant: r.significant,
                    })
                })
                .collect();
            if drows.is_empty() {
                continue;
            }
            let id = format!("diff-{port}-{metric}");
            let title = format!("Change in {words} at {port}, by variant");
            chart_html.push_str(&figure(
                &title,
                &format!(r#"<div class="plot">{}</div>"#, diff_chart(&id, &title, words, &drows)),
                "",
                "Each bar is a variant's paired difference from the baseline; the whisker is its 95 % interval. A filled bar marked \"* significant\" has an interval that excludes zero; an open bar marked \"not significant\" does not, so the change could be noise.",
            ));
        }
        // Each variant's queue at the stages where the most waited.
        let mut stages: Vec<(f64, &String)> = d
            .series
            .series
            .iter()
            .filter(|((p, _, _, metric), _)| p == port && metric == "queue")
            .map(|((_, st, _, _), s)| (s.max_mean, st))
            .collect();
        stages.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let mut seen: Vec<&String> = Vec::new();
        for (mx, st) in stages {
            if mx > 0.0 && !seen.contains(&st) && seen.len() < 3 {
                seen.push(st);
            }
        }
        for st in seen {
            let mut lines = Vec::new();
            let mut x = Vec::new();
            for v in &info.variants {
                let key = (port.clone(), st.clone(), v.clone(), "queue".to_string());
                if let Some(s) = d.series.series.get(&key) {
                    let ds = d.series.down(&key, s.shape.group(super::MAX_POINTS)).expect("planned");
                    if x.is_empty() {
                        x = ds.x.clone();
                    }
                    lines.push(Line {
                        label: v.clone(),
                        y: ds.mean.clone(),
                    });
                }
            }
            let Some(start) = info.start else { continue };
            let c = LineChart {
                id: format!("cq-{port}-{st}"),
                title: format!("Queue at {port} / {st}, by variant"),
                y_label: "waiting (consignments)".into(),
                x,
                axis: XAxis::Date(start),
                lines,
            };
            let (svg, json) = line_chart(&c);
            data_blocks.push((format!("{}-data", c.id), json));
            chart_html.push_str(&figure(
                &c.title,
                &format!(r#"<div class="plot" data-chart="{}">{svg}<div class="readout" aria-live="polite"></div></div>"#, esc(&c.id)),
                &legend(&c),
                "Consignments waiting at this stage, mean over replications, one line per variant (downsampled for the page; compare_timeseries.csv has every interval). Click a legend entry to hide a variant; hover to read the values.",
            ));
        }
        let mut rows = Vec::new();
        for (i, r) in info.rows.iter().enumerate() {
            if r.port != *port || r.stage.is_empty() || r.variant == info.variants[0] {
                continue;
            }
            if !matches!(r.metric.as_str(), "wait_mean_min" | "queue_mean" | "utilization") {
                continue;
            }
            let dg = if r.metric == "utilization" { 3 } else { 2 };
            rows.push(vec![
                Cell::text(format!("{} / {}: {}", r.stage, r.metric, r.variant)),
                estimate_of(
                    rows_json.get(i).and_then(|r| r.get("value")),
                    &format!("rows.{i}.value"),
                    dg,
                ),
                diff_cell(r, i, dg),
                sig_cell(r),
            ]);
        }
        stage_html.push_str(&format!("<h3>{}</h3>", esc(port)));
        stage_html.push_str(&table(
            &format!("stages-{port}"),
            &format!(
                "{port}: per-stage wait, queue and utilization of each variant, with the difference from the baseline"
            ),
            &[
                "stage / metric: variant",
                "value",
                "difference from baseline",
                "significant",
            ],
            &rows,
        ));
    }
    sections.push(Section {
        id: "headline",
        title: "Differences from the baseline".into(),
        body: head_html,
    });
    sections.push(Section {
        id: "charts",
        title: "Charts".into(),
        body: chart_html,
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
    document(&info.name, &intro, &sections, &data_blocks)
}
