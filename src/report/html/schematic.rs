//! The port at a chosen time: its stages in route order, each with its queue, busy and open
//! lanes (or consignments inside, for a dwell stage), and the drivers away. Drawn as plain
//! SVG at the busiest step (so it reads without scripts); the script moves it with a slider
//! over the embedded steps.

use super::load::RunData;
use super::svg::json_text;
use super::{esc, num};
use crate::report::csv::Series;
use std::fmt::Write;

const PER_ROW: usize = 5;
const BOX_W: f64 = 168.0;
const BOX_H: f64 = 92.0;
const GAP: f64 = 24.0;

fn values(s: Option<&Series>) -> Option<Vec<f64>> {
    s.map(|s| s.mean.clone())
}

fn list(v: &Option<Vec<f64>>) -> String {
    match v {
        None => "null".into(),
        Some(v) => format!("[{}]", v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(",")),
    }
}

fn at(v: &Option<Vec<f64>>, k: usize) -> String {
    v.as_ref()
        .and_then(|v| v.get(k))
        .map(|x| format!("{x:.1}"))
        .unwrap_or_else(|| "\u{2013}".into())
}

/// The schematic's HTML (figure with slider) and its data block, for `port`; `None` when
/// the port has no stage series. The second value is the step span in words.
pub fn schematic(d: &RunData, port: &str, id: &str) -> Option<(String, String, String)> {
    let stages = d.order.get(port)?;
    let first = d.ts.get(port, stages.first()?, "", "queue")?.shape;
    let group = first.group(super::MAX_STEPS);
    let span = crate::report::charts::averaging(group, first.interval());
    let x = d.ts.grouped(port, stages.first()?, "", "queue", group)?.x.clone();
    let values = |stage: &str, metric: &str| values(d.ts.grouped(port, stage, "", metric, group));
    struct St {
        name: String,
        queue: Option<Vec<f64>>,
        busy: Option<Vec<f64>>,
        open: Option<Vec<f64>>,
        inside: Option<Vec<f64>>,
    }
    let st: Vec<St> = stages
        .iter()
        .map(|s| St {
            name: s.clone(),
            queue: values(s, "queue"),
            busy: values(s, "busy"),
            open: values(s, "servers_open"),
            inside: values(s, "in_stage"),
        })
        .collect();
    let drivers = values("", "drivers_busy");
    let total: Vec<f64> = (0..x.len())
        .map(|k| st.iter().filter_map(|s| s.queue.as_ref().and_then(|q| q.get(k))).sum())
        .collect();
    let peak = total
        .iter()
        .enumerate()
        .fold((0, f64::MIN), |b, (k, v)| if *v > b.1 { (k, *v) } else { b })
        .0;
    let boxes = st.len() + usize::from(drivers.is_some());
    let rows = boxes.div_ceil(PER_ROW);
    let w = PER_ROW as f64 * (BOX_W + GAP);
    let h = rows as f64 * (BOX_H + GAP) + 4.0;
    let clock = d.info.start.format(x.get(peak).copied().unwrap_or(0.0));
    let mut s = format!(
        r##"<figure class="fig schematic" id="{id}"><h3>{} in route order</h3><p class="when">Shown: interval ending <output class="t">{}</output>{}</p><svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">Stages of {} in route order with queue, lanes busy and open, and drivers away at the chosen time</title><defs><marker id="{id}-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="#555"/></marker></defs>"##,
        esc(port),
        esc(&clock.replace('T', " ")),
        if group > 1 { esc(&span) } else { String::new() },
        esc(port)
    );
    for k in 0..boxes {
        let (r, c) = (k / PER_ROW, k % PER_ROW);
        let (bx, by) = (c as f64 * (BOX_W + GAP) + 2.0, r as f64 * (BOX_H + GAP) + 2.0);
        if k + 1 < st.len() {
            if c + 1 < PER_ROW {
                let _ = write!(
                    s,
                    r##"<line class="flow" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" marker-end="url(#{id}-arrow)"/>"##,
                    bx + BOX_W,
                    by + BOX_H / 2.0,
                    bx + BOX_W + GAP - 2.0,
                    by + BOX_H / 2.0
                );
            } else {
                // Down, back to the first column, down into the next row.
                let mid = by + BOX_H + GAP / 2.0;
                let _ = write!(
                    s,
                    r##"<path class="flow" fill="none" d="M{:.1} {:.1}V{mid:.1}H{:.1}V{:.1}" marker-end="url(#{id}-arrow)"/>"##,
                    bx + BOX_W / 2.0,
                    by + BOX_H,
                    2.0 + BOX_W / 2.0,
                    by + BOX_H + GAP - 2.0
                );
            }
        }
        if k < st.len() {
            let t = &st[k];
            let lanes = match (&t.busy, &t.open) {
                (Some(_), Some(_)) => format!(
                    r#"<tspan class="busy">{}</tspan> busy of <tspan class="open">{}</tspan> open"#,
                    at(&t.busy, peak),
                    at(&t.open, peak)
                ),
                _ => format!(
                    r#"<tspan class="inside">{}</tspan> inside (dwell)"#,
                    at(&t.inside, peak)
                ),
            };
            let qmax = t
                .queue
                .as_ref()
                .map(|q| q.iter().copied().fold(0.0, f64::max))
                .unwrap_or(0.0);
            let qv = t.queue.as_ref().and_then(|q| q.get(peak)).copied().unwrap_or(0.0);
            let bar = if qmax > 0.0 {
                (qv / qmax * (BOX_W - 16.0)).max(0.0)
            } else {
                0.0
            };
            let _ = write!(
                s,
                r#"<g class="stage" data-s="{k}" data-qmax="{}"><rect class="box" x="{bx:.1}" y="{by:.1}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text class="name" x="{:.1}" y="{:.1}">{}</text><text x="{:.1}" y="{:.1}">queue <tspan class="queue">{}</tspan></text><rect class="qbar" x="{:.1}" y="{:.1}" width="{bar:.1}" height="8"/><text x="{:.1}" y="{:.1}">{lanes}</text></g>"#,
                num(qmax),
                bx + 8.0,
                by + 20.0,
                esc(&t.name),
                bx + 8.0,
                by + 42.0,
                at(&t.queue, peak),
                bx + 8.0,
                by + 50.0,
                bx + 8.0,
                by + 78.0
            );
        } else {
            let pool = d.info.drivers.get(port).copied();
            let _ = write!(
                s,
                r#"<g class="stage drivers"><rect class="box" x="{bx:.1}" y="{by:.1}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text class="name" x="{:.1}" y="{:.1}">drivers</text><text x="{:.1}" y="{:.1}"><tspan class="away">{}</tspan> away</text><text x="{:.1}" y="{:.1}">of {} in the pool</text></g>"#,
                bx + 8.0,
                by + 20.0,
                bx + 8.0,
                by + 46.0,
                at(&drivers, peak),
                bx + 8.0,
                by + 70.0,
                pool.map(num).unwrap_or_else(|| "\u{2013}".into())
            );
        }
    }
    let _ = write!(
        s,
        r#"</svg><div class="slider"><label for="{id}-range">Time</label><input type="range" id="{id}-range" min="0" max="{}" value="{peak}" step="1" aria-describedby="{id}-help"><button type="button" class="play" aria-pressed="false">Play</button></div><figcaption id="{id}-help">Each box is a stage, in the order the route passes them (trucks and cars take different branches of the list). It shows the consignments waiting (and a bar against that stage's largest queue in the run), the lanes busy and open, or for a waiting area how many are inside; the last box counts drivers away with trucks. Values are means over replications{}. The page opens at the busiest time (the largest total queue); drag the slider (or press Play) to watch a peak or a closure build up and drain. With scripts off the busiest time is shown.</figcaption></figure>"#,
        x.len().saturating_sub(1),
        if group > 1 {
            format!(", {}", span.trim().trim_matches(|c| c == '(' || c == ')'))
        } else {
            String::new()
        }
    );
    let mut j = format!(
        r#"{{"start":"{}","x":[{}],"peak":{peak},"drivers":{},"stages":["#,
        json_text(&d.info.start.format(0.0)),
        x.iter().map(|v| num(*v)).collect::<Vec<_>>().join(","),
        list(&drivers)
    );
    let parts: Vec<String> = st
        .iter()
        .map(|t| {
            format!(
                r#"{{"name":"{}","queue":{},"busy":{},"open":{},"inside":{}}}"#,
                json_text(&t.name),
                list(&t.queue),
                list(&t.busy),
                list(&t.open),
                list(&t.inside)
            )
        })
        .collect();
    j.push_str(&parts.join(","));
    j.push_str("]}");
    Some((s, j, span))
}
