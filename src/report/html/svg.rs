//! Inline SVG charts drawn from the saved series: plain SVG that reads without scripts
//! (axes, gridlines, dashed as well as coloured lines), with the plotted numbers beside it
//! in a JSON block for the page's hover readout and series toggles.

use super::{esc, num};
use crate::date::StartInstant;
use std::fmt::Write;

/// The Okabe-Ito palette (as the PNG/SVG charts use): distinguishable with the common
/// colour-vision deficiencies.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#B8A800",
];

/// Dash patterns, so that lines differ by more than colour.
const DASH: [&str; 4] = ["", "7 3", "2 2", "9 3 2 3"];

const W: f64 = 960.0;
const H: f64 = 300.0;
const ML: f64 = 70.0;
const MR: f64 = 16.0;
const MT: f64 = 12.0;
const MB: f64 = 36.0;

/// One line: a value per x (NaN leaves a gap).
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Values, one per x.
    pub y: Vec<f64>,
}

/// What the x axis counts.
#[derive(Debug, Clone, Copy)]
pub enum XAxis {
    /// Minutes from the run's start, labelled with dates.
    Date(StartInstant),
    /// Minutes, labelled as hours (time in system).
    Minutes,
}

/// A line chart over a shared x.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Element id (unique in the page).
    pub id: String,
    /// Title, also the chart's accessible name.
    pub title: String,
    /// Unit of the values.
    pub y_label: String,
    /// x values (minutes).
    pub x: Vec<f64>,
    /// How x is labelled.
    pub axis: XAxis,
    /// The lines.
    pub lines: Vec<Line>,
}

/// Tick positions for [lo, hi]: about `n` round steps.
fn ticks(lo: f64, hi: f64, n: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / n;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    // From the round step at or below `lo` to the one at or above `hi`, so the data stay
    // inside the frame.
    let mut t = (lo / step + 1e-9).floor() * step;
    let mut out = Vec::new();
    loop {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        if t >= hi - step * 1e-9 {
            break;
        }
        t += step;
    }
    out
}

/// Day ticks for a date axis: steps people read (a day, a week, four weeks, a quarter).
fn day_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let days = (hi - lo) / 1440.0;
    let step = [1.0, 2.0, 7.0, 14.0, 28.0, 56.0, 91.0, 182.0, 364.0]
        .into_iter()
        .find(|s| days / s <= 8.0)
        .unwrap_or(364.0)
        * 1440.0;
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + 1e-6 {
        out.push(t);
        t += step;
    }
    out
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "29 Jan" (and the year on the first tick) for minute `t` of a run.
pub fn date_label(start: &StartInstant, t: f64, year: bool) -> String {
    let s = start.format(t);
    let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or(m);
    let d = d.trim_start_matches('0');
    if year {
        format!("{d} {month} {y}")
    } else {
        format!("{d} {month}")
    }
}

/// A y-axis label: short, with thousands as k.
fn y_text(v: f64) -> String {
    if v.abs() >= 10_000.0 {
        format!("{}k", num(v / 1000.0))
    } else {
        num(v)
    }
}

/// The chart's SVG and its data block (JSON for the script).
pub fn line_chart(c: &LineChart) -> (String, String) {
    let (x0, x1) = match (c.x.first(), c.x.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        (Some(a), _) => (*a, a + 1.0),
        _ => (0.0, 1.0),
    };
    let ymax = c
        .lines
        .iter()
        .flat_map(|l| l.y.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ymin = c
        .lines
        .iter()
        .flat_map(|l| l.y.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let yt = ticks(ymin, if ymax > ymin { ymax } else { ymin + 1.0 }, 5.0);
    let (y0, y1) = (
        yt.first().copied().unwrap_or(0.0).min(ymin),
        yt.last().copied().unwrap_or(1.0).max(ymax),
    );
    let px = |x: f64| ML + (x - x0) / (x1 - x0) * (W - ML - MR);
    let py = |y: f64| H - MB - (y - y0) / (y1 - y0).max(1e-12) * (H - MT - MB);
    let id = esc(&c.id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title" data-x0="{}" data-x1="{}" data-px0="{ML}" data-px1="{}" preserveAspectRatio="xMidYMid meet"><title id="{id}-title">{}</title>"#,
        num(x0),
        num(x1),
        W - MR,
        esc(&c.title)
    );
    s.push_str(r#"<g class="grid">"#);
    for t in &yt {
        let y = py(*t);
        let _ = write!(
            s,
            r#"<line x1="{ML}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - MR,
            ML - 6.0,
            y + 4.0,
            y_text(*t)
        );
    }
    let xt = match c.axis {
        XAxis::Date(_) => day_ticks(x0, x1),
        XAxis::Minutes => ticks(x0, x1, 8.0),
    };
    for (k, t) in xt.iter().enumerate() {
        let x = px(*t);
        let label = match &c.axis {
            XAxis::Date(start) => date_label(start, *t, k == 0),
            XAxis::Minutes => format!("{} h", num(t / 60.0)),
        };
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{MT}" y2="{}"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            H - MB,
            H - MB + 16.0,
            esc(&label)
        );
    }
    let _ = write!(
        s,
        r#"</g><text class="ylabel" x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">{}</text>"#,
        (H - MB + MT) / 2.0,
        (H - MB + MT) / 2.0,
        esc(&c.y_label)
    );
    let _ = write!(
        s,
        r#"<rect class="frame" x="{ML}" y="{MT}" width="{}" height="{}"/>"#,
        W - ML - MR,
        H - MT - MB
    );
    for (i, l) in c.lines.iter().enumerate() {
        let mut d = String::new();
        let mut pen = false;
        for (x, y) in c.x.iter().zip(&l.y) {
            if y.is_finite() {
                let _ = write!(d, "{}{:.1} {:.1}", if pen { "L" } else { "M" }, px(*x), py(*y));
                pen = true;
            } else {
                pen = false;
            }
        }
        let dash = DASH[(i / 2) % DASH.len()];
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = write!(
            s,
            r#"<g class="series" data-i="{i}"><path d="{d}" stroke="{}"{dash}/></g>"#,
            PALETTE[i % PALETTE.len()]
        );
    }
    let _ = write!(
        s,
        r#"<line class="cursor" x1="0" x2="0" y1="{MT}" y2="{}" visibility="hidden"/></svg>"#,
        H - MB
    );
    // The numbers drawn, for the readout.
    let mut j = String::from("{\"x\":[");
    j.push_str(&c.x.iter().map(|v| num(*v)).collect::<Vec<_>>().join(","));
    let _ = write!(
        j,
        "],\"axis\":\"{}\",\"start\":\"{}\",\"unit\":\"{}\",\"lines\":[",
        match c.axis {
            XAxis::Date(_) => "date",
            XAxis::Minutes => "minutes",
        },
        match &c.axis {
            XAxis::Date(st) => st.format(0.0),
            XAxis::Minutes => String::new(),
        },
        json_text(&c.y_label)
    );
    let lines: Vec<String> = c
        .lines
        .iter()
        .map(|l| {
            let ys: Vec<String> =
                l.y.iter()
                    .map(|v| if v.is_finite() { num(*v) } else { "null".into() })
                    .collect();
            format!("{{\"label\":\"{}\",\"y\":[{}]}}", json_text(&l.label), ys.join(","))
        })
        .collect();
    j.push_str(&lines.join(","));
    j.push_str("]}");
    (s, j)
}

/// `s` as the inside of a JSON string that is also safe inside a `<script>` element.
pub fn json_text(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    q[1..q.len() - 1]
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The legend of a line chart: a toggle button per line (plain labels when scripts are off).
pub fn legend(c: &LineChart) -> String {
    let mut s = format!(r#"<ul class="legend" data-chart="{}">"#, esc(&c.id));
    for (i, l) in c.lines.iter().enumerate() {
        let dash = DASH[(i / 2) % DASH.len()];
        let _ = write!(
            s,
            r#"<li><button type="button" data-i="{i}" aria-pressed="true"><svg class="key" viewBox="0 0 28 8" aria-hidden="true"><line x1="0" x2="28" y1="4" y2="4" stroke="{}" stroke-dasharray="{dash}"/></svg>{}</button></li>"#,
            PALETTE[i % PALETTE.len()],
            esc(&l.label)
        );
    }
    s.push_str("</ul>");
    s
}

/// One row of a difference chart: label, paired difference, its half-width, significance.
#[derive(Debug, Clone)]
pub struct DiffRow {
    /// Variant (and what is measured).
    pub label: String,
    /// Mean difference from the baseline.
    pub mean: f64,
    /// 95 % half-width (0 when none).
    pub ci: f64,
    /// The interval excludes zero.
    pub significant: bool,
}

/// A horizontal bar chart of paired differences with their intervals; a significant
/// difference is marked with a filled bar *and* the word, not by colour alone.
pub fn diff_chart(id: &str, title: &str, unit: &str, rows: &[DiffRow]) -> String {
    let row_h = 34.0;
    let h = MT + MB + row_h * rows.len().max(1) as f64;
    let (lab_w, note_w) = (220.0, 190.0);
    let lo = rows.iter().map(|r| r.mean - r.ci).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| r.mean + r.ci).fold(0.0, f64::max);
    let (lo, hi) = if hi - lo < 1e-12 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let t = ticks(lo, hi, 6.0);
    let (v0, v1) = (
        t.first().copied().unwrap_or(lo).min(lo),
        t.last().copied().unwrap_or(hi).max(hi),
    );
    let px = |v: f64| lab_w + (v - v0) / (v1 - v0) * (W - lab_w - note_w);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart diff" id="{}" viewBox="0 0 {W} {h}" role="img" aria-labelledby="{}-title"><title id="{}-title">{}</title><g class="grid">"#,
        esc(id),
        esc(id),
        esc(id),
        esc(title)
    );
    for v in &t {
        let x = px(*v);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{MT}" y2="{}"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            h - MB,
            h - MB + 16.0,
            y_text(*v)
        );
    }
    let _ = write!(
        s,
        r#"</g><text class="ylabel" x="{}" y="{}" text-anchor="middle">{}</text>"#,
        (lab_w + W - note_w) / 2.0,
        h - 4.0,
        esc(&format!("difference from the baseline ({unit})"))
    );
    let z = px(0.0);
    for (i, r) in rows.iter().enumerate() {
        let y = MT + row_h * i as f64;
        let (a, b) = (px(r.mean.min(0.0)), px(r.mean.max(0.0)));
        let fill = if r.significant { PALETTE[0] } else { "none" };
        let _ = write!(
            s,
            r#"<g class="series" data-i="{i}"><text x="{}" y="{:.1}" text-anchor="end">{}</text><rect x="{a:.1}" y="{:.1}" width="{:.1}" height="18" fill="{fill}" stroke="{}"/><line class="whisker" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text x="{}" y="{:.1}">{}</text></g>"#,
            lab_w - 8.0,
            y + 21.0,
            esc(&r.label),
            y + 8.0,
            (b - a).max(1.0),
            PALETTE[0],
            px(r.mean - r.ci),
            px(r.mean + r.ci),
            y + 17.0,
            y + 17.0,
            W - note_w + 8.0,
            y + 21.0,
            esc(&format!(
                "{} ± {}{}",
                super::signed(r.mean),
                num(r.ci),
                if r.significant {
                    " * significant"
                } else {
                    " (not significant)"
                }
            ))
        );
    }
    let _ = write!(
        s,
        r#"<line class="zero" x1="{z:.1}" x2="{z:.1}" y1="{MT}" y2="{}"/></svg>"#,
        h - MB
    );
    s
}

/// A metric against one factor: each point's mean (a square) with its 95 % interval (a
/// vertical whisker); `connect` joins the means in factor order (a one-factor sweep).
#[derive(Debug, Clone)]
pub struct PointChart {
    /// Element id (unique in the page).
    pub id: String,
    /// Title, also the chart's accessible name.
    pub title: String,
    /// The factor (x axis).
    pub x_label: String,
    /// The metric (y axis).
    pub y_label: String,
    /// (factor value, mean, 95 % half-width or 0) per point.
    pub points: Vec<(f64, f64, f64)>,
    /// Join the means with a line.
    pub connect: bool,
}

/// The SVG of a [`PointChart`].
pub fn point_chart(c: &PointChart) -> String {
    let h = H + 14.0;
    let xs = c.points.iter().map(|p| p.0);
    let (mut x0, mut x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    if !x0.is_finite() || !x1.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if x1 - x0 < 1e-12 {
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
    }
    let pad = (x1 - x0) * 0.05;
    let (x0, x1) = (x0 - pad, x1 + pad);
    let lo = c.points.iter().map(|p| p.1 - p.2).fold(f64::INFINITY, f64::min);
    let hi = c.points.iter().map(|p| p.1 + p.2).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let (lo, hi) = if hi - lo < 1e-12 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let yt = ticks(lo, hi, 5.0);
    let (y0, y1) = (
        yt.first().copied().unwrap_or(lo).min(lo),
        yt.last().copied().unwrap_or(hi).max(hi),
    );
    let mb = MB + 14.0;
    let px = |x: f64| ML + (x - x0) / (x1 - x0) * (W - ML - MR);
    let py = |y: f64| h - mb - (y - y0) / (y1 - y0).max(1e-12) * (h - MT - mb);
    let id = esc(&c.id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart points" id="{id}" viewBox="0 0 {W} {h}" role="img" aria-labelledby="{id}-title" preserveAspectRatio="xMidYMid meet"><title id="{id}-title">{}</title><g class="grid">"#,
        esc(&c.title)
    );
    for t in &yt {
        let y = py(*t);
        let _ = write!(
            s,
            r#"<line x1="{ML}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - MR,
            ML - 6.0,
            y + 4.0,
            y_text(*t)
        );
    }
    for t in ticks(x0 + pad, x1 - pad, 8.0)
        .into_iter()
        .filter(|t| *t >= x0 && *t <= x1)
    {
        let x = px(t);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{MT}" y2="{}"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            h - mb,
            h - mb + 16.0,
            y_text(t)
        );
    }
    let _ = write!(
        s,
        r#"</g><text class="ylabel" x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">{}</text><text class="xlabel" x="{}" y="{}" text-anchor="middle">{}</text><rect class="frame" x="{ML}" y="{MT}" width="{}" height="{}"/>"#,
        (h - mb + MT) / 2.0,
        (h - mb + MT) / 2.0,
        esc(&c.y_label),
        (ML + W - MR) / 2.0,
        h - 8.0,
        esc(&c.x_label),
        W - ML - MR,
        h - MT - mb
    );
    let mut sorted = c.points.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    if c.connect && sorted.len() > 1 {
        let d: String = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, px(p.0), py(p.1)))
            .collect();
        let _ = write!(s, r#"<path class="join" d="{d}" stroke="{}" fill="none"/>"#, PALETTE[0]);
    }
    for (i, p) in sorted.iter().enumerate() {
        let (x, y) = (px(p.0), py(p.1));
        let _ = write!(
            s,
            r#"<g class="series" data-i="{i}"><title>{}: {}, mean {} ± {}</title><path class="whisker" d="M{x:.1} {:.1}L{x:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="{}"/><rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{}"/></g>"#,
            esc(&c.x_label),
            num(p.0),
            num(p.1),
            num(p.2),
            py(p.1 + p.2),
            py(p.1 - p.2),
            x - 4.0,
            py(p.1 + p.2),
            x + 4.0,
            py(p.1 + p.2),
            x - 4.0,
            py(p.1 - p.2),
            x + 4.0,
            py(p.1 - p.2),
            PALETTE[0],
            x - 3.5,
            y - 3.5,
            PALETTE[0]
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0, 5.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0, 0.9, 5.0).last(), Some(&1.0));
        assert_eq!(day_ticks(0.0, 1440.0 * 30.0).len(), 5);
    }

    #[test]
    fn a_chart_draws_every_line_with_gaps_left_open() {
        let c = LineChart {
            id: "c".into(),
            title: "t <&>".into(),
            y_label: "u".into(),
            x: vec![60.0, 120.0, 180.0],
            axis: XAxis::Minutes,
            lines: vec![
                Line {
                    label: "a".into(),
                    y: vec![1.0, f64::NAN, 3.0],
                },
                Line {
                    label: "b".into(),
                    y: vec![0.0, 1.0, 2.0],
                },
            ],
        };
        let (svg, data) = line_chart(&c);
        assert!(svg.contains("t &lt;&amp;&gt;"));
        assert_eq!(svg.matches("class=\"series\"").count(), 2);
        assert!(svg.contains(r#"<path d="M70.0 "#), "{svg}");
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(v["lines"][0]["y"][1], serde_json::Value::Null);
    }
}
