//! The summary table printed after a run.

use crate::experiment::Experiment;
use crate::model::{MetricKey, ModelSpec, Scope, StageKind};
use std::fmt::Write;

fn cell(exp: &Experiment, port: usize, scope: Scope, name: &'static str, digits: usize) -> String {
    match exp.get(&MetricKey { port, scope, name }) {
        None => "-".into(),
        Some(e) => match e.ci95 {
            Some(ci) => format!("{:.*} ± {:.*}", digits, e.mean, digits, ci),
            None => format!("{:.*}", digits, e.mean),
        },
    }
}

/// Lays out rows as aligned columns, the first row as a header.
pub fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut o = String::new();
    for (i, r) in rows.iter().enumerate() {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = width[c] - s.chars().count();
                if c == 0 {
                    format!("{s}{}", " ".repeat(pad))
                } else {
                    format!("{}{s}", " ".repeat(pad))
                }
            })
            .collect();
        let _ = writeln!(o, "  {}", line.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(
                o,
                "  {}",
                "-".repeat(width.iter().sum::<usize>() + 2 * cols.saturating_sub(1))
            );
        }
    }
    o
}

/// A readable summary: per port, the flows and then the stages, each value as
/// mean ± 95 % CI half-width over replications.
pub fn summary_table(spec: &ModelSpec, exp: &Experiment) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} replication(s) x {} days (first {} days discarded), seed {}. Values: mean ± 95% CI half-width; times in minutes.",
        spec.name,
        exp.replications,
        spec.horizon / 1440.0,
        spec.warmup / 1440.0,
        exp.seed
    );
    for (p, port) in spec.ports.iter().enumerate() {
        let _ = writeln!(o, "\nPort {}", port.name);
        let mut rows = vec![vec![
            "mode".to_string(),
            "consignments/day".into(),
            "vehicles/day".into(),
            "time in system".into(),
            "p95".into(),
            "turned away".into(),
        ]];
        let mut flow_row = |label: String, scope: Scope| {
            rows.push(vec![
                label,
                cell(exp, p, scope, "consignments_per_day", 1),
                cell(exp, p, scope, "vehicles_per_day", 1),
                cell(exp, p, scope, "time_in_system_mean_min", 1),
                cell(exp, p, scope, "time_in_system_p95_min", 1),
                cell(exp, p, scope, "turned_away", 0),
            ]);
        };
        for f in spec.flows.iter().filter(|f| f.port == p) {
            flow_row(spec.modes[f.mode].name.clone(), Scope::Flow(f.mode));
        }
        flow_row("all modes".into(), Scope::Port);
        o.push_str(&render(&rows));
        let mut rows = vec![vec![
            "stage".to_string(),
            "servers".into(),
            "utilization".into(),
            "wait".into(),
            "wait p95".into(),
            "P(wait)".into(),
            "queue".into(),
            "max queue".into(),
            "in stage".into(),
            "blocked".into(),
        ]];
        for (s, st) in spec.stages.iter().enumerate().filter(|(_, st)| st.port == p) {
            let scope = Scope::Stage(s);
            let servers = match st.kind {
                StageKind::Servers => cell(exp, p, scope, "servers_open_mean", 1),
                StageKind::Dwell => "dwell".into(),
                StageKind::Driver { pool } => format!("{} drivers", spec.pools[pool].size),
            };
            let util = match st.kind {
                StageKind::Servers => cell(exp, p, scope, "utilization", 3),
                StageKind::Driver { pool } => cell(exp, p, Scope::Pool(pool), "utilization", 3),
                StageKind::Dwell => "-".into(),
            };
            rows.push(vec![
                st.name.clone(),
                servers,
                util,
                cell(exp, p, scope, "wait_mean_min", 1),
                cell(exp, p, scope, "wait_p95_min", 1),
                cell(exp, p, scope, "p_wait", 3),
                cell(exp, p, scope, "queue_mean", 2),
                cell(exp, p, scope, "queue_max", 0),
                cell(exp, p, scope, "in_stage_mean", 2),
                cell(exp, p, scope, "blocked", 0),
            ]);
        }
        o.push('\n');
        o.push_str(&render(&rows));
    }
    o
}
