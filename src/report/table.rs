//! The summary table printed after a run.

use crate::experiment::Experiment;
use crate::model::registry::{Column, FLOW_TABLE, STAGE_TABLE};
use crate::model::{MetricKey, ModelSpec, Scope, StageKind};
use std::fmt::Write;

fn cell(exp: &Experiment, port: usize, scope: Scope, name: &'static str, digits: usize) -> String {
    super::number::estimate(&exp.get(&MetricKey { port, scope, name }).copied(), digits)
}

/// The columns of `table` shown for port `port`: optional ones only where the metric was
/// measured there.
fn columns(exp: &Experiment, port: usize, table: &'static [Column]) -> Vec<&'static Column> {
    table
        .iter()
        .filter(|c| !c.optional || exp.metrics.iter().any(|(k, _)| k.port == port && k.name == c.metric))
        .collect()
}

/// Widest line the printed tables and texts use: they fit a 100-column terminal.
pub const WIDTH: usize = 100;

/// Narrowest the first (label) column gets when a table must be narrowed; longer labels go
/// on a line of their own above their values.
const LABEL_MIN: usize = 12;

/// Widest a column title makes its column when a table must be narrowed.
const HEADER_MAX: usize = 24;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, ending in "…" when it was longer.
pub fn ellipsize(s: &str, max: usize) -> String {
    if chars(s) <= max {
        s.to_string()
    } else {
        let mut o: String = s.chars().take(max.saturating_sub(1)).collect();
        o.push('…');
        o
    }
}

/// `s` cut to `max` characters by replacing its middle with "…", so that both the start
/// and the end of a long name stay readable.
pub fn shorten_middle(s: &str, max: usize) -> String {
    let n = chars(s);
    if n <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let tail = keep / 2;
    let head = keep - tail;
    let mut o: String = s.chars().take(head).collect();
    o.push('…');
    o.extend(s.chars().skip(n - tail));
    o
}

/// Word-wraps `text` to [`WIDTH`] columns: the first line starts with `first`, the others
/// with `rest` (usually spaces, for a hanging indent). A word longer than a line is split.
pub fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut o = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    let indent = |empty: bool| if empty { 0 } else { 1 };
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            if chars(&line) + indent(empty) + chars(&word) <= WIDTH {
                if !empty {
                    line.push(' ');
                }
                line.push_str(&word);
                empty = false;
                break;
            }
            if empty {
                // Longer than a whole line: split it.
                let room = WIDTH.saturating_sub(chars(&line)).max(1);
                let head: String = word.chars().take(room).collect();
                word = word.chars().skip(room).collect();
                line.push_str(&head);
                o.push_str(&line);
                o.push('\n');
                line = rest.to_string();
                if word.is_empty() {
                    break;
                }
                continue;
            }
            o.push_str(&line);
            o.push('\n');
            line = rest.to_string();
            empty = true;
        }
    }
    if !empty || o.is_empty() {
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o
}

/// Lays out rows as aligned columns, the first row as a header, within [`WIDTH`] columns
/// (see [`render_grouped`]).
pub fn render(rows: &[Vec<String>]) -> String {
    render_grouped(rows, 1, 1)
}

/// Lays out rows as aligned columns, the first row as a header: the first column
/// left-aligned (labels), the others right-aligned (values). A table wider than [`WIDTH`]
/// is split into several tables stacked one below the other, each repeating the first
/// `sticky` columns and holding whole groups of `unit` columns (a value and its difference
/// stay together); a label too long for its column goes on a line of its own. No line is
/// wider than [`WIDTH`], whatever the names.
pub fn render_grouped(rows: &[Vec<String>], sticky: usize, unit: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    if cols == 0 {
        return String::new();
    }
    let sticky = sticky.clamp(1, cols);
    let unit = unit.max(1);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| chars(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let span = |cs: &[usize]| cs.iter().map(|&c| 2 + width[c]).sum::<usize>();
    let all: Vec<usize> = (1..cols).collect();
    if 2 + width[0] + span(&all) <= WIDTH {
        return block(rows, &all, width[0], &width);
    }
    let fixed: Vec<usize> = (1..sticky).collect();
    let units: Vec<Vec<usize>> = (sticky..cols)
        .collect::<Vec<_>>()
        .chunks(unit)
        .map(<[usize]>::to_vec)
        .collect();
    let widest = units.iter().map(|u| span(u)).max().unwrap_or(0);
    // When even one group would not fit, column titles (variant names) longer than their
    // values are shortened, in the middle.
    let shorten = 2 + LABEL_MIN + span(&fixed) + widest > WIDTH;
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            if c == 0 || !shorten {
                return width[c];
            }
            let values = rows[1..]
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| chars(s))
                .max()
                .unwrap_or(0);
            let title = rows[0].get(c).map_or(0, |s| chars(s));
            values.max(title.min(HEADER_MAX))
        })
        .collect();
    let span = |cs: &[usize]| cs.iter().map(|&c| 2 + width[c]).sum::<usize>();
    let widest = units.iter().map(|u| span(u)).max().unwrap_or(0);
    let label = width[0].min(LABEL_MIN.max(WIDTH.saturating_sub(2 + span(&fixed) + widest)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut current = fixed.clone();
    for u in &units {
        let mut with = current.clone();
        with.extend(u);
        if current.len() > fixed.len() && 2 + label + span(&with) > WIDTH {
            groups.push(std::mem::replace(&mut current, fixed.clone()));
            current.extend(u);
        } else {
            current = with;
        }
    }
    if current.len() > fixed.len() || groups.is_empty() {
        groups.push(current);
    }
    groups
        .iter()
        .map(|g| block(rows, g, label, &width))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One table of `rows` with the label column `label` wide and the data columns `cs`.
fn block(rows: &[Vec<String>], cs: &[usize], label: usize, width: &[usize]) -> String {
    let mut o = String::new();
    let cell = |r: &Vec<String>, c: usize| r.get(c).map_or("", String::as_str).to_string();
    let line = |s: String| ellipsize(s.trim_end(), WIDTH);
    for (i, r) in rows.iter().enumerate() {
        let name = cell(r, 0);
        let mut parts = Vec::with_capacity(cs.len() + 1);
        if chars(&name) > label {
            let _ = writeln!(o, "{}", line(format!("  {}", ellipsize(&name, WIDTH - 2))));
            parts.push(" ".repeat(label));
        } else {
            parts.push(format!("{name}{}", " ".repeat(label - chars(&name))));
        }
        for &c in cs {
            let s = shorten_middle(&cell(r, c), width[c]);
            parts.push(format!("{}{s}", " ".repeat(width[c].saturating_sub(chars(&s)))));
        }
        let _ = writeln!(o, "{}", line(format!("  {}", parts.join("  "))));
        if i == 0 {
            let rule = label + cs.iter().map(|&c| width[c] + 2).sum::<usize>();
            let _ = writeln!(o, "{}", line(format!("  {}", "-".repeat(rule))));
        }
    }
    o
}

/// A readable summary: per port, the flows and then the stages, each value as
/// mean ± 95 % CI half-width over replications.
pub fn summary_table(spec: &ModelSpec, exp: &Experiment) -> String {
    let mut o = String::new();
    let intro = format!(
        "{}: {} replication(s) x {} days (first {} days discarded), seed {}. Values: mean ± 95% CI half-width; times in minutes.",
        spec.name,
        exp.replications,
        spec.horizon / 1440.0,
        spec.warmup / 1440.0,
        exp.seed
    );
    o.push_str(&wrap(&intro, "", ""));
    for (p, port) in spec.ports.iter().enumerate() {
        o.push('\n');
        o.push_str(&wrap(&format!("Port {}", port.name), "", "  "));
        let (flow_cols, stage_cols) = (columns(exp, p, FLOW_TABLE), columns(exp, p, STAGE_TABLE));
        let mut rows = vec![
            std::iter::once("mode".to_string())
                .chain(flow_cols.iter().map(|c| c.title.to_string()))
                .collect::<Vec<_>>(),
        ];
        let mut flow_row = |label: String, scope: Scope| {
            let cells = flow_cols.iter().map(|c| cell(exp, p, scope, c.metric, c.digits));
            rows.push(std::iter::once(label).chain(cells).collect());
        };
        for f in spec.flows.iter().filter(|f| f.port == p) {
            flow_row(spec.modes[f.mode].name.clone(), Scope::Flow(f.mode));
        }
        flow_row("all modes".into(), Scope::Port);
        o.push_str(&render(&rows));
        let mut rows = vec![
            ["stage", "servers", "utilization"]
                .into_iter()
                .map(String::from)
                .chain(stage_cols.iter().map(|c| c.title.to_string()))
                .collect::<Vec<_>>(),
        ];
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
            let cells = stage_cols.iter().map(|c| cell(exp, p, scope, c.metric, c.digits));
            rows.push([st.name.clone(), servers, util].into_iter().chain(cells).collect());
        }
        o.push('\n');
        o.push_str(&render(&rows));
        o.push_str(&super::service_table::port_tables(spec, exp, p));
    }
    o
}
