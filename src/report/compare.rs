//! Comparison outputs: the printed table, comparison.csv (long form) and comparison.json.

use super::number;
use super::table::wrap;
use crate::experiment::{CompareRow, Comparison};
use serde_json::{Value, json};
use std::fmt::Write;

use crate::model::registry::digits;

fn label(r: &CompareRow) -> String {
    let what = if !r.stage.is_empty() {
        format!("{} {}", r.stage, r.metric)
    } else if !r.mode.is_empty() {
        format!("{} {}", r.mode, r.metric)
    } else {
        r.metric.to_string()
    };
    what.replace("_min", " (min)").replace('_', " ")
}

/// The table: per port, one line per metric; per variant its value and, for variants, the
/// paired difference from the baseline with `*` where the 95 % interval excludes zero.
pub fn table(c: &Comparison) -> String {
    let mut o = String::new();
    let intro = format!(
        "{} replication(s) per variant, seed {}, {}. Values: mean ± 95% CI; Δ: variant − baseline, paired by replication; * = significant at 95%.",
        c.replications,
        c.seed,
        if c.independent {
            "independent streams"
        } else {
            "common random numbers"
        }
    );
    o.push_str(&wrap(&intro, "", ""));
    for (name, desc) in &c.variants {
        o.push_str(&wrap(desc.as_deref().unwrap_or(""), &format!("  {name}: "), "      "));
    }
    o.push_str(&super::headline::headline(c));
    if c.variants.len() > 1 {
        o.push_str("\nEvery metric:\n");
    }
    let n = c.variants.len();
    let mut port = "";
    let mut rows: Vec<Vec<String>> = Vec::new();
    let flush = |o: &mut String, rows: &mut Vec<Vec<String>>| {
        if rows.len() > 1 {
            // Metric and baseline on every part; each variant's value with its Δ.
            o.push_str(&super::table::render_grouped(rows, 2, 2));
        }
        rows.clear();
    };
    for chunk in c.rows.chunks(n) {
        if chunk[0].port != port {
            flush(&mut o, &mut rows);
            port = &chunk[0].port;
            o.push('\n');
            o.push_str(&wrap(&format!("Port {port}"), "", "  "));
            let mut head = vec!["metric".to_string()];
            for (i, (name, _)) in c.variants.iter().enumerate() {
                head.push(name.clone());
                if i > 0 {
                    head.push(format!("Δ {name}"));
                }
            }
            rows.push(head);
        }
        let d = digits(chunk[0].metric);
        let mut line = vec![label(&chunk[0])];
        for (i, r) in chunk.iter().enumerate() {
            line.push(number::estimate(&r.value, d));
            if i > 0 {
                let sig = r.significant() == Some(true);
                let star = if sig { " *" } else { "  " };
                line.push(format!("{}{star}", number::difference(&r.diff, d, sig, false)));
            }
        }
        rows.push(line);
    }
    flush(&mut o, &mut rows);
    if !c.events.is_empty() {
        o.push_str("\nDated events (the rows `event K ...`):\n");
        let all = c.variants.len();
        for (k, port, label, vs) in &c.events {
            let who = if vs.len() == all {
                "every variant".to_string()
            } else {
                vs.join(", ")
            };
            o.push_str(&wrap(&format!("{k} at {port}: {label} ({who})"), "  ", "      "));
        }
    }
    o
}

/// Column names of comparison.csv.
pub const CSV_HEADER: &str =
    "variant,port,stage,mode,metric,mean,ci95,diff,diff_ci95,significant,replications,description";

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A value at full precision (the shortest text that reads back as the same f64); negative
/// zero is written as 0.
fn num(o: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let _ = write!(o, "{}", if v == 0.0 { 0.0 } else { v });
    }
}

/// comparison.csv: one row per variant and metric.
pub fn csv(c: &Comparison) -> String {
    let mut o = String::from(CSV_HEADER);
    o.push('\n');
    for r in &c.rows {
        let desc = c
            .variants
            .iter()
            .find(|(n, _)| *n == r.variant)
            .and_then(|(_, d)| d.clone())
            .unwrap_or_default();
        let _ = write!(o, "{},{},{},{},{},", r.variant, r.port, r.stage, r.mode, r.metric);
        num(&mut o, r.value.map(|e| e.mean));
        o.push(',');
        num(&mut o, r.value.and_then(|e| e.ci95));
        o.push(',');
        num(&mut o, r.diff.map(|e| e.mean));
        o.push(',');
        num(&mut o, r.diff.and_then(|e| e.ci95));
        o.push(',');
        if let Some(s) = r.significant() {
            let _ = write!(o, "{s}");
        }
        let _ = writeln!(o, ",{},{}", c.replications, quoted(&desc));
    }
    o
}

/// comparison.json: the same rows, plus the run settings.
pub fn json(c: &Comparison, file: &str, requested: u32, prov: &super::json::Provenance) -> Value {
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|r| {
            json!({
                "variant": r.variant, "port": r.port, "stage": r.stage, "mode": r.mode, "metric": r.metric,
                "value": r.value, "diff": r.diff, "significant": r.significant(),
            })
        })
        .collect();
    let variants: Vec<Value> = c
        .variants
        .iter()
        .map(|(n, d)| json!({ "name": n, "description": d }))
        .collect();
    json!({
        "bordersim_version": env!("CARGO_PKG_VERSION"),
        "name": c.name,
        "start": c.start,
        "file": file,
        "file_sha256": prov.file_sha256,
        "command": prov.command,
        "seed": c.seed,
        "replications": c.replications,
        "replications_requested": requested,
        "partial": c.replications < requested,
        "common_random_numbers": !c.independent,
        "variants": variants,
        "events": c.events.iter().map(|(k, port, label, vs)| json!({
            "id": k, "port": port, "label": label, "variants": vs,
        })).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// Column names of compare_timeseries.csv.
pub const SERIES_HEADER: &str = "variant,interval_start_min,interval_end_min,port,stage,metric,mean,min,max";

/// compare_timeseries.csv: each variant's queue and in-system series over time (mean and
/// range over replications), for the queue-over-time comparison chart.
pub fn write_series(w: &mut dyn std::io::Write, c: &Comparison) -> std::io::Result<()> {
    use super::decimal::push_f64;
    writeln!(w, "{SERIES_HEADER}")?;
    let mut line = String::with_capacity(256);
    for ((variant, _), (names, s)) in c.variants.iter().zip(&c.series) {
        let n = s.defs.len();
        let shown: Vec<(usize, String)> = s
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.metric == "queue" || d.metric == "in_system")
            .map(|(i, d)| (i, format!("{},{},{},", names[i].0, names[i].1, d.metric)))
            .collect();
        let mut start = 0.0;
        for (row, &end) in s.ends.iter().enumerate() {
            for (i, label) in &shown {
                let cell = &s.cells[row * n + i];
                line.clear();
                line.push_str(variant);
                line.push(',');
                push_f64(&mut line, start);
                line.push(',');
                push_f64(&mut line, end);
                line.push(',');
                line.push_str(label);
                super::csv::num(&mut line, cell.mean());
                line.push(',');
                super::csv::num(&mut line, cell.min());
                line.push(',');
                super::csv::num(&mut line, cell.max());
                line.push('\n');
                w.write_all(line.as_bytes())?;
            }
            start = end;
        }
    }
    Ok(())
}
