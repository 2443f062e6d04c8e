//! The headline of a comparison: one row per variant with the few numbers a planner reads
//! first, so that a sensitivity run over many variants fits on a screen.

use super::number;
use crate::experiment::{CompareRow, Comparison};
use crate::model::registry::{Column, HEADLINE};

/// A baseline value, or (when `diff`) a variant's paired difference with its sign and
/// enough decimals that a significant one reads as non-zero.
fn cell(r: &CompareRow, digits: usize, diff: bool) -> String {
    if diff {
        number::difference(&r.diff, digits, r.significant() == Some(true), true)
    } else {
        number::estimate(&r.value, digits)
    }
}

fn star(r: &CompareRow) -> &'static str {
    if r.significant() == Some(true) { " *" } else { "  " }
}

/// Per port, a table with the baseline's values in its first row and each variant's paired
/// difference from it below; the last column names the stage whose mean wait changed most.
pub fn headline(c: &Comparison) -> String {
    let n = c.variants.len();
    let mut o = String::new();
    if n < 2 {
        return o;
    }
    let mut ports: Vec<&str> = c.rows.iter().map(|r| r.port.as_str()).collect();
    ports.dedup();
    for port in ports {
        let group = |metric: &str| {
            c.rows.chunks(n).find(|ch| {
                ch[0].port == port && ch[0].stage.is_empty() && ch[0].mode.is_empty() && ch[0].metric == metric
            })
        };
        let waits: Vec<&[CompareRow]> = c
            .rows
            .chunks(n)
            .filter(|ch| {
                ch[0].port == port
                    && !ch[0].stage.is_empty()
                    && ch[0].mode.is_empty()
                    && ch[0].metric == "wait_mean_min"
            })
            .collect();
        // A port only a variant has (one it diverts to) has no baseline to differ from:
        // its values are in the every-metric table.
        if group(HEADLINE[0].metric).is_none_or(|ch| ch[0].value.is_none()) {
            continue;
        }
        let mut rows = vec![{
            let mut h = vec!["variant".to_string()];
            h.extend(HEADLINE.iter().map(|c| c.title.to_string()));
            h.push("largest change in mean wait (min)".into());
            h
        }];
        for (i, (name, _)) in c.variants.iter().enumerate() {
            let mut line = vec![if i == 0 { name.clone() } else { format!("Δ {name}") }];
            for &Column { metric, digits: d, .. } in HEADLINE {
                line.push(match group(metric) {
                    None => "-".into(),
                    Some(ch) if i == 0 => format!("{}  ", cell(&ch[0], d, false)),
                    Some(ch) => format!("{}{}", cell(&ch[i], d, true), star(&ch[i])),
                });
            }
            // The baseline's longest wait, or the variant's largest change of one.
            let pick = |ch: &&[CompareRow]| {
                let e = if i == 0 { ch[0].value } else { ch[i].diff };
                e.map_or(0.0, |e| e.mean.abs())
            };
            line.push(match waits.iter().max_by(|a, b| pick(a).total_cmp(&pick(b))) {
                Some(ch) if pick(ch) > 0.0 => {
                    let r = &ch[i];
                    if i == 0 {
                        format!("{}: {}", r.stage, cell(r, 1, false))
                    } else {
                        format!("{}: {}{}", r.stage, cell(r, 1, true), star(r))
                    }
                }
                _ => "none".into(),
            });
            rows.push(line);
        }
        o.push('\n');
        o.push_str(&super::table::wrap(
            &format!("Headline at {port}: baseline, then each variant's paired difference (* = significant at 95%)"),
            "",
            "  ",
        ));
        o.push_str(&super::table::render(&rows));
    }
    o
}
