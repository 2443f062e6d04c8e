//! Bar panels of the comparison charts: where the variant names go so that they never run
//! into each other, and the bars with their 95 % error bars (a whisker with caps).
//!
//! The names are measured with the bundled font. Under vertical bars they stand level when
//! every name fits the width of its bar's slot, else they are wrapped after `_` and `-` into
//! at most [`MAX_LINES`] lines. When even that does not fit, every panel of the chart turns
//! to horizontal bars with the names down the side, level, shortened in the middle when
//! wider than [`SIDE_SHARE`] of the panel, smaller and then thinned out when there are more
//! bars than lines of text fit.

use super::style::{FONT, Res, colour, err, number, text_size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A bar with its confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Category (variant) name.
    pub label: String,
    /// Mean.
    pub mean: f64,
    /// 95 % interval, low end.
    pub lo: f64,
    /// 95 % interval, high end.
    pub hi: f64,
    /// Drawn highlighted (significant difference).
    pub strong: bool,
}

/// One panel of bars.
#[derive(Debug, Clone, Default)]
pub struct BarPanel {
    /// Panel title.
    pub title: String,
    /// Y axis label with its unit.
    pub y_label: String,
    /// Bars, left to right.
    pub bars: Vec<Bar>,
}

/// Size of the variant names and axis numbers (plotters size: about 12 px per em).
const LABEL_SIZE: f64 = 14.0;
/// Smallest size names shrink to down the side of crowded horizontal bars.
const LABEL_MIN_SIZE: f64 = 9.0;
/// Least room between two names side by side, pixels.
const GAP: f64 = 8.0;
/// Most lines a wrapped name takes under its bar.
const MAX_LINES: usize = 3;
/// Margin around each panel, pixels.
const MARGIN: u32 = 10;
/// Width of the value axis's label area beside vertical bars (numbers and the unit).
const VALUE_AREA: u32 = 70;
/// Height of the value axis's label area under horizontal bars.
const VALUE_AREA_SIDE: u32 = 40;
/// Room between an axis and its names, pixels.
const PAD: f64 = 6.0;
/// Half the length of an error bar's cap at most, pixels.
const CAP_MAX: f64 = 10.0;
/// Widest share of a panel the names down the side may take.
const SIDE_SHARE: f64 = 0.4;

fn width(text: &str, size: f64) -> f64 {
    text_size(text, size).0
}

/// `label` broken after `_` and `-` into the fewest lines (greedily) no wider than `room`
/// pixels at `size`, at most [`MAX_LINES`]; `None` when it cannot be.
pub fn wrap(label: &str, room: f64, size: f64) -> Option<Vec<String>> {
    if width(label, size) <= room {
        return Some(vec![label.to_string()]);
    }
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in label.chars() {
        piece.push(c);
        if c == '_' || c == '-' {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for p in pieces {
        let joined = format!("{line}{p}");
        if line.is_empty() || width(&joined, size) <= room {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, p));
        }
    }
    lines.push(line);
    (lines.len() <= MAX_LINES && lines.iter().all(|l| width(l, size) <= room)).then_some(lines)
}

/// `label` shortened in the middle ("reform_…_hours") until it is at most `room` pixels wide.
pub fn fit(label: &str, room: f64, size: f64) -> String {
    let n = label.chars().count();
    (1..=n)
        .rev()
        .map(|k| crate::report::table::shorten_middle(label, k))
        .find(|s| width(s, size) <= room)
        .unwrap_or_default()
}

/// The names of a vertical-bar panel `panel_width` pixels wide, each as its lines, or `None`
/// when some name does not fit under its bar even wrapped.
fn names_under(p: &BarPanel, panel_width: f64) -> Option<Vec<Vec<String>>> {
    let plot = panel_width - f64::from(2 * MARGIN + VALUE_AREA);
    let room = plot / p.bars.len().max(1) as f64 - GAP;
    p.bars.iter().map(|b| wrap(&b.label, room, LABEL_SIZE)).collect()
}

/// Draws the bar panels of one chart side by side on `areas`: vertical bars when every
/// name fits under its bar (level or wrapped) in every panel, else horizontal bars.
pub fn draw_panels<DB: DrawingBackend>(areas: &[DrawingArea<DB, Shift>], panels: &[BarPanel]) -> Res {
    let under: Option<Vec<Vec<Vec<String>>>> = panels
        .iter()
        .zip(areas)
        .map(|(p, a)| names_under(p, f64::from(a.dim_in_pixel().0)))
        .collect();
    match under {
        Some(names) => {
            // The same label area in every panel, so their axes line up.
            let rows = names.iter().flatten().map(Vec::len).max().unwrap_or(1);
            for ((p, a), lines) in panels.iter().zip(areas).zip(&names) {
                panel(a, p, Names::Under { lines, rows })?;
            }
        }
        None => {
            for (p, a) in panels.iter().zip(areas) {
                panel(a, p, Names::Side)?;
            }
        }
    }
    Ok(())
}

/// The value range of a bar panel, zero included, padded by a tenth.
fn bar_range(p: &BarPanel) -> (f64, f64) {
    let lo = p.bars.iter().map(|b| b.lo.min(b.mean)).fold(0.0, f64::min);
    let hi = p.bars.iter().map(|b| b.hi.max(b.mean)).fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.1).max(1e-9);
    (
        if lo < 0.0 { lo - pad } else { 0.0 },
        if hi > 0.0 { hi + pad } else { pad },
    )
}

/// A path in pixels of `area`.
fn path<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pts: Vec<(i32, i32)>, style: ShapeStyle) -> Res {
    area.draw(&PathElement::new(pts, style)).map_err(err)
}

/// Black whiskers with caps: the 95 % interval from `lo` to `hi` (nothing when it has no
/// width, as with one replication).
fn whiskers<DB: DrawingBackend, F: Fn(f64, f64) -> (i32, i32)>(
    area: &DrawingArea<DB, Shift>,
    at: F,
    lo: f64,
    hi: f64,
    cap: f64,
) -> Res {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return Ok(());
    }
    let style = BLACK.stroke_width(2);
    path(area, vec![at(lo, 0.0), at(hi, 0.0)], style)?;
    for end in [lo, hi] {
        path(area, vec![at(end, -cap), at(end, cap)], style)?;
    }
    Ok(())
}

/// Where a panel's names go: under vertical bars (as lines, in a label area of `rows`
/// lines), or down the side of horizontal bars.
enum Names<'a> {
    Under { lines: &'a [Vec<String>], rows: usize },
    Side,
}

/// One panel of bars: vertical with the names under them, or horizontal (the first bar at
/// the top) with the names down the left side.
fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &BarPanel, names: Names) -> Res {
    let n = p.bars.len().max(1);
    let (v0, v1) = bar_range(p);
    let vertical = matches!(names, Names::Under { .. });
    // (category, value) to (x, y): bar i sits in the band [i, i + 1] across (vertical) or
    // [n - 1 - i, n - i] down (horizontal).
    let xy = |cat: f64, v: f64| if vertical { (cat, v) } else { (v, n as f64 - cat) };
    let column = p.bars.iter().map(|b| width(&b.label, LABEL_SIZE)).fold(0.0, f64::max);
    let column = column.min(SIDE_SHARE * f64::from(area.dim_in_pixel().0));
    let (label_area, value_area) = match names {
        Names::Under { rows, .. } => ((2.0 * PAD + rows as f64 * LABEL_SIZE).ceil() as u32, VALUE_AREA),
        Names::Side => ((column + 2.0 * PAD).ceil() as u32, VALUE_AREA_SIDE),
    };
    let (cats, vals) = (0f64..n as f64, v0..v1);
    let mut builder = ChartBuilder::on(area);
    builder.caption(&p.title, (FONT, 18)).margin(MARGIN);
    let mut chart = if vertical {
        builder
            .x_label_area_size(label_area)
            .y_label_area_size(value_area)
            .build_cartesian_2d(cats, vals)
    } else {
        builder
            .x_label_area_size(value_area)
            .y_label_area_size(label_area)
            .build_cartesian_2d(vals, cats)
    }
    .map_err(err)?;
    let fmt = |v: &f64| number(*v, v1 - v0);
    let mut mesh = chart.configure_mesh();
    if vertical {
        mesh.disable_x_mesh()
            .x_labels(0)
            .y_label_formatter(&fmt)
            .y_desc(&p.y_label);
    } else {
        mesh.disable_y_mesh()
            .y_labels(0)
            .x_labels(5)
            .x_label_formatter(&fmt)
            .x_desc(&p.y_label);
    }
    mesh.label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    if v0 < 0.0 {
        chart
            .draw_series(LineSeries::new(
                vec![xy(0.0, 0.0), xy(n as f64, 0.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
    }
    let base = area.get_base_pixel();
    let px = |cat: f64, v: f64| {
        let (a, b) = chart.backend_coord(&xy(cat, v));
        (a - base.0, b - base.1)
    };
    // One category's width in pixels; caps half as wide as a bar, at most CAP_MAX.
    let (a, b) = (px(0.0, v0), px(1.0, v0));
    let slot = f64::from((b.0 - a.0).abs() + (b.1 - a.1).abs());
    let cap = (slot * 0.3 / 2.0).min(CAP_MAX);
    for (i, b) in p.bars.iter().enumerate() {
        let c = i as f64;
        let fill = if b.strong {
            colour(i).filled()
        } else {
            colour(i).mix(0.45).filled()
        };
        chart
            .plotting_area()
            .draw(&Rectangle::new([xy(c + 0.2, 0.0), xy(c + 0.8, b.mean)], fill))
            .map_err(err)?;
        let at = |v: f64, d: f64| {
            let (x, y) = px(c + 0.5, v);
            let d = d.round() as i32;
            if vertical { (x + d, y) } else { (x, y + d) }
        };
        whiskers(area, at, b.lo, b.hi, cap)?;
    }
    match names {
        Names::Under { lines, .. } => {
            let style = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
            for (i, name) in lines.iter().enumerate() {
                let (x, y) = px(i as f64 + 0.5, v0);
                path(area, vec![(x, y), (x, y + 4)], BLACK.stroke_width(1))?;
                for (k, l) in name.iter().enumerate() {
                    let top = y + (PAD + k as f64 * LABEL_SIZE).round() as i32;
                    area.draw(&Text::new(l.clone(), (x, top), style.clone())).map_err(err)?;
                }
            }
        }
        Names::Side => {
            // As large as the bars leave room for, and only every `every`-th name when even
            // the smallest size does not fit each bar.
            let size = (slot - 2.0).clamp(LABEL_MIN_SIZE, LABEL_SIZE);
            let every = ((size + 2.0) / slot).ceil().max(1.0) as usize;
            let style = TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
            for (i, b) in p.bars.iter().enumerate().filter(|(i, _)| i % every == 0) {
                let (x, y) = px(i as f64 + 0.5, v0);
                let name = fit(&b.label, column, size);
                area.draw(&Text::new(name, (x - PAD as i32, y), style.clone()))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_wrap_after_separators_and_shorten_in_the_middle() {
        let w = width("more_drivers", LABEL_SIZE);
        assert_eq!(
            wrap("more_drivers", w, LABEL_SIZE),
            Some(vec!["more_drivers".to_string()])
        );
        assert_eq!(
            wrap("more_drivers", w - 1.0, LABEL_SIZE),
            Some(vec!["more_".to_string(), "drivers".to_string()])
        );
        assert_eq!(wrap("a_b_c_d", width("a_", LABEL_SIZE), LABEL_SIZE), None);
        assert_eq!(wrap("nodelimiter", 10.0, LABEL_SIZE), None);
        let short = fit("reform_may_with_longer_hours", 100.0, LABEL_SIZE);
        assert!(short.contains('…') && width(&short, LABEL_SIZE) <= 100.0, "{short}");
        assert!(short.starts_with("ref") && short.ends_with("urs"), "{short}");
    }
}
