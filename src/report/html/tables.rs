//! HTML tables: header cells with `scope`, the shown text rounded, the full value in
//! `data-value` (what the sort uses and what the browser test compares with the JSON) and
//! the JSON path it came from in `data-key`.

use super::esc;
use crate::report::number::fixed;
use serde_json::Value;
use std::fmt::Write;

/// One cell.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Text shown.
    pub text: String,
    /// The value behind it (sorting, tests).
    pub value: Option<f64>,
    /// Where in the describing JSON the value is (`ports.horgos.totals.arrivals`).
    pub key: Option<String>,
}

impl Cell {
    /// A text-only cell.
    pub fn text(t: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            ..Cell::default()
        }
    }
}

/// `mean ± ci95` with `digits` decimals from the estimate object at `path` of `doc`
/// (dotted), or "–" when it is missing or null.
pub fn estimate(doc: &Value, path: &str, digits: usize) -> Cell {
    let node = path.split('.').try_fold(doc, |v, k| v.get(k));
    estimate_of(node, path, digits)
}

/// [`estimate`] of an estimate object already found.
pub fn estimate_of(node: Option<&Value>, path: &str, digits: usize) -> Cell {
    let mean = node.and_then(|n| n.get("mean")).and_then(Value::as_f64);
    let ci = node.and_then(|n| n.get("ci95")).and_then(Value::as_f64);
    match mean {
        None => Cell {
            text: "\u{2013}".into(),
            value: None,
            key: Some(path.to_string()),
        },
        Some(m) => Cell {
            text: match ci {
                // No break between ± and the half-width: a cell too narrow for one line
                // (print at A4) wraps before the ±, not after it.
                Some(c) => format!("{} ±\u{a0}{}", fixed(m, digits, false), fixed(c, digits, false)),
                None => fixed(m, digits, false),
            },
            value: Some(m),
            key: Some(path.to_string()),
        },
    }
}

/// A sortable table: `head` column titles (the first column's cells are row headers).
pub fn table(id: &str, caption: &str, head: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut s = format!(
        r#"<div class="scroll"><table class="sortable" id="{}"><caption>{}</caption><thead><tr>"#,
        esc(id),
        esc(caption)
    );
    for (i, h) in head.iter().enumerate() {
        let _ = write!(
            s,
            r#"<th scope="col"{}>{}</th>"#,
            if i == 0 { "" } else { r#" class="num""# },
            esc(h)
        );
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows {
        s.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let tag = if i == 0 {
                r#"th scope="row""#
            } else {
                r#"td class="num""#
            };
            let mut attrs = String::new();
            if let Some(v) = c.value {
                let _ = write!(attrs, r#" data-value="{v}""#);
            }
            if let Some(k) = &c.key {
                let _ = write!(attrs, r#" data-key="{}""#, esc(k));
            }
            let end = if i == 0 { "th" } else { "td" };
            let _ = write!(s, "<{tag}{attrs}>{}</{end}>", esc(&c.text));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}
