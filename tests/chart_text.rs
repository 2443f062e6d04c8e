//! Chart text never runs into other text: every `<text>` of the bar charts' SVG is given the
//! box the bundled font needs for it, and no two boxes overlap. Runs the horgos-reform
//! comparison (five variants, whose labels once ran into each other) and draws bar charts
//! with many and long variant names through the same drawing code.

use bordersim::report::charts::bars::{Bar, BarPanel};
use bordersim::report::charts::draw::{Chart, render};
use bordersim::report::charts::style::{SIZE, text_size};
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use std::path::Path;
use std::process::Command;

/// A text's box in pixels: left, top, right, bottom.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    l: f64,
    t: f64,
    r: f64,
    b: f64,
}

/// The plotters SVG backend writes `font-size` as the plotters size divided by this.
const SVG_FONT_SCALE: f64 = 1.24;

/// Every text of an SVG chart with its box (rotations of 90° steps applied).
/// The box is the advance width the bundled font gives the text (as the PNG draws it;
/// SVG viewers draw it a little narrower) by one em from ascender to descender.
fn text_boxes(svg: &str) -> Vec<(String, Box2)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text = n.text().unwrap_or("").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let num = |a: &str| n.attribute(a).map_or(0.0, |v| v.parse::<f64>().unwrap());
        let (x, y, em) = (num("x"), num("y"), num("font-size"));
        let w = text_size(&text, em * SVG_FONT_SCALE).0;
        let (l, r) = match n.attribute("text-anchor").unwrap_or("start") {
            "middle" => (x - w / 2.0, x + w / 2.0),
            "end" => (x - w, x),
            _ => (x, x + w),
        };
        // Ink from 0.76 em above the baseline to 0.24 em below it.
        let baseline = match n.attribute("dy") {
            Some("0.76em") => y + 0.76 * em,
            Some("0.5ex") => y + 0.25 * em,
            Some("-0.5ex") => y - 0.25 * em,
            Some(d) => panic!("unknown dy {d}"),
            None => y,
        };
        let (t, b) = (baseline - 0.76 * em, baseline + 0.24 * em);
        let mut bx = Box2 { l, t, r, b };
        if let Some(tr) = n.attribute("transform") {
            let inner = tr.strip_prefix("rotate(").and_then(|s| s.strip_suffix(')')).unwrap();
            let v: Vec<f64> = inner.split(',').map(|s| s.trim().parse().unwrap()).collect();
            let (a, cx, cy) = (v[0].to_radians(), v[1], v[2]);
            let rot = |px: f64, py: f64| {
                let (dx, dy) = (px - cx, py - cy);
                (cx + dx * a.cos() - dy * a.sin(), cy + dx * a.sin() + dy * a.cos())
            };
            let pts = [rot(l, t), rot(r, t), rot(l, b), rot(r, b)];
            bx = Box2 {
                l: pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
                r: pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
                t: pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
                b: pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
            };
        }
        out.push((text, bx));
    }
    out
}

/// Least gap between two texts side by side, pixels: about a word space, so that two labels
/// never read as one ("more_driversone_hour").
const GAP_X: f64 = 4.0;

/// Least gap between two texts one above the other, pixels.
const GAP_Y: f64 = 1.0;

/// Panics naming the first two texts closer than [`GAP_X`] side by side and [`GAP_Y`] one
/// above the other, or a text that leaves the chart.
fn no_text_overlaps(name: &str, svg: &str) {
    let boxes = text_boxes(svg);
    assert!(!boxes.is_empty(), "{name}: no text");
    let (w, h) = (f64::from(SIZE.0), f64::from(SIZE.1));
    for (text, b) in &boxes {
        assert!(
            b.l >= -1.0 && b.t >= -1.0 && b.r <= w + 1.0 && b.b <= h + 1.0,
            "{name}: {text:?} leaves the chart: {b:?}"
        );
    }
    for (i, (ta, a)) in boxes.iter().enumerate() {
        for (tb, b) in &boxes[i + 1..] {
            let dx = a.r.min(b.r) - a.l.max(b.l);
            let dy = a.b.min(b.b) - a.t.max(b.t);
            assert!(
                dx <= -GAP_X || dy <= -GAP_Y,
                "{name}: {ta:?} {a:?} overlaps {tb:?} {b:?}"
            );
        }
    }
}

fn svg_of(chart: &Chart) -> String {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, SIZE).into_drawing_area();
        render(&root, chart).unwrap();
    }
    s
}

fn bars(labels: &[String], diff: bool) -> Chart {
    let panel = |title: &str| BarPanel {
        title: title.into(),
        y_label: "minutes".into(),
        bars: labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mean = if diff {
                    (i as f64 - 2.0) * 37.5
                } else {
                    100.0 + 13.0 * i as f64
                };
                Bar {
                    label: l.clone(),
                    mean,
                    lo: mean - 5.0,
                    hi: mean + 5.0,
                    strong: i % 2 == 0,
                }
            })
            .collect(),
    };
    Chart::Bars {
        title: "variants (mean, 95% CI over replications)".into(),
        panels: vec![
            panel("vehicles cleared per day"),
            panel("mean time in system"),
            panel("95th percentile time in system"),
        ],
    }
}

#[test]
fn horgos_reform_bar_labels_do_not_run_into_each_other() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chart-text-horgos-reform");
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args([
            "compare",
            "scenarios/horgos-reform.toml",
            "-q",
            "-r",
            "2",
            "--days",
            "200",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["compare_horgos.svg", "compare_difference_horgos.svg"] {
        no_text_overlaps(name, &std::fs::read_to_string(out.join("charts").join(name)).unwrap());
    }
}

#[test]
fn bar_labels_fit_whatever_the_number_and_length_of_names() {
    let words = ["baseline", "more_drivers", "one_hour", "reform_may", "daytime"];
    for n in [1, 2, 3, 4, 5, 6, 8, 12, 20, 40, 80] {
        for long in [0, 1, 3] {
            let labels: Vec<String> = (0..n)
                .map(|i| {
                    let w = words[i % words.len()];
                    match long {
                        0 => format!("{w}{i}"),
                        1 => format!("{w}_with_extra_lanes_{i}"),
                        _ => format!("{w}_{}_{i}", "and_a_much_longer_name".repeat(4)),
                    }
                })
                .collect();
            for diff in [false, true] {
                let name = format!("{n} bars, length {long}, diff {diff}");
                no_text_overlaps(&name, &svg_of(&bars(&labels, diff)));
            }
        }
    }
}

#[test]
fn trs_chart_labels_do_not_run_into_each_other() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chart-text-trs");
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["trs", "tests/data/trs_trace.csv", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["trs_alpha.svg", "trs_beta.svg"] {
        no_text_overlaps(name, &std::fs::read_to_string(out.join("charts").join(name)).unwrap());
    }
}

#[test]
fn stacked_bar_labels_fit_whatever_the_number_of_modes_and_segments() {
    use bordersim::report::charts::stacked::StackedBar;
    for modes in [1, 2, 3, 5, 8, 20] {
        for segments in [1, 3, 8, 14, 30] {
            for long in [false, true] {
                let legend: Vec<String> = (0..segments)
                    .map(|k| {
                        if long {
                            format!("waiting for a driver at export_lanes_with_a_long_name_{k}")
                        } else {
                            format!("gate {k}")
                        }
                    })
                    .collect();
                let bars = (0..modes)
                    .map(|m| StackedBar {
                        label: if long {
                            format!("self_driving_export_truck_{m} (123456 released)")
                        } else {
                            format!("car{m}")
                        },
                        // Wide and narrow pieces side by side, and zeros.
                        pieces: (0..segments)
                            .map(|k| (k, [30.0, 0.4, 0.0, 7.5, 120.0][(k + m) % 5]))
                            .collect(),
                    })
                    .collect();
                let chart = Chart::Stacked {
                    title: "Time Release Study at horgos: mean release time by segment".into(),
                    x_label: "minutes from arrival to release (segment means, stacked)".into(),
                    legend,
                    bars,
                };
                no_text_overlaps(
                    &format!("{modes} modes, {segments} segments, long {long}"),
                    &svg_of(&chart),
                );
            }
        }
    }
}
