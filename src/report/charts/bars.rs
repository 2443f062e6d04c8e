//! Bar panels of the comparison charts: where the variant names go so that they never run
//! into each other, and the bars with their 95 % error bars (a whisker with caps).
//!
//! The names are measured with the bundled font. Under vertical bars they stand level when
//! every name fits the width of its bar's slot, else they are wrapped after `_` and `-` into
//! at most [`MAX_LINES`] lines. When even that does not fit, every panel of the chart turns
//! to horizontal bars with the names down the side, level, shortened in the middle when
//! wider than [`SIDE_SHARE`] of the panel, smaller and then thinned out when there are more
//! bars than lines of text fit.

use super::draw::{BarPanel, Res, err, number};
use super::style::{FONT, colour, text_size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Size of the variant names and axis numbers (plotters size: about 12 px per em).
const LABEL_SIZE: f64 = 14.0;
/// Smallest size names shrink to down the side of crowded horizontal bars.
const LABEL_MIN_SIZE: f64 = 9.0;
/// Least room between two names side by side, pixels.
const GAP: f64 = 8.0;
/// Most lines a wrapped name takes under its bar.
pub const MAX_LINES: usize = 3;
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
pub const SIDE_SHARE: f64 = 0.4;

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
pub fn names_under(p: &BarPanel, panel_width: f64) -> Option<Vec<Vec<String>>> {
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
            for ((p, a), n) in panels.iter().zip(areas).zip(&names) {
                vertical(a, p, n, rows)?;
            }
        }
        None => {
            for (p, a) in panels.iter().zip(areas) {
                horizontal(a, p)?;
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

/// One panel of vertical bars, `names` (as lines) under them in a label area of `rows` lines.
fn vertical<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &BarPanel,
    names: &[Vec<String>],
    rows: usize,
) -> Res {
    let n = p.bars.len().max(1);
    let (y0, y1) = bar_range(p);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, (FONT, 18))
        .margin(MARGIN)
        .x_label_area_size((2.0 * PAD + rows as f64 * LABEL_SIZE).ceil() as u32)
        .y_label_area_size(VALUE_AREA)
        .build_cartesian_2d(0f64..n as f64, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&|y| number(*y, y1 - y0))
        .y_desc(&p.y_label)
        .label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    if y0 < 0.0 {
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (n as f64, 0.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
    }
    let base = area.get_base_pixel();
    let px = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - base.0, b - base.1)
    };
    // Caps half as wide as a bar, at most 10 pixels.
    let cap = (f64::from(px(0.3, y0).0 - px(0.0, y0).0) / 2.0).min(CAP_MAX);
    for (i, b) in p.bars.iter().enumerate() {
        let x = i as f64;
        let fill = if b.strong {
            colour(i).filled()
        } else {
            colour(i).mix(0.45).filled()
        };
        chart
            .plotting_area()
            .draw(&Rectangle::new([(x + 0.2, 0.0), (x + 0.8, b.mean)], fill))
            .map_err(err)?;
        let at = |v: f64, dx: f64| {
            let (a, b) = px(x + 0.5, v);
            (a + dx.round() as i32, b)
        };
        whiskers(area, at, b.lo, b.hi, cap)?;
    }
    let style = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, lines) in names.iter().enumerate() {
        let (x, y) = px(i as f64 + 0.5, y0);
        path(area, vec![(x, y), (x, y + 4)], BLACK.stroke_width(1))?;
        for (k, l) in lines.iter().enumerate() {
            let top = y + (PAD + k as f64 * LABEL_SIZE).round() as i32;
            area.draw(&Text::new(l.clone(), (x, top), style.clone())).map_err(err)?;
        }
    }
    Ok(())
}

/// One panel of horizontal bars, the first bar at the top, names down the left side.
fn horizontal<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &BarPanel) -> Res {
    let n = p.bars.len().max(1);
    let (x0, x1) = bar_range(p);
    let widest = p.bars.iter().map(|b| width(&b.label, LABEL_SIZE)).fold(0.0, f64::max);
    let column = widest.min(SIDE_SHARE * f64::from(area.dim_in_pixel().0));
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, (FONT, 18))
        .margin(MARGIN)
        .x_label_area_size(VALUE_AREA_SIDE)
        .y_label_area_size((column + 2.0 * PAD).ceil() as u32)
        .build_cartesian_2d(x0..x1, 0f64..n as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(5)
        .x_label_formatter(&|x| number(*x, x1 - x0))
        .x_desc(&p.y_label)
        .label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    if x0 < 0.0 {
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
    }
    let base = area.get_base_pixel();
    let px = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - base.0, b - base.1)
    };
    // Bar i sits in the band [n - 1 - i, n - i]; caps half as high as a bar, at most 10 pixels.
    let slot = f64::from(px(x0, 0.0).1 - px(x0, n as f64).1) / n as f64;
    let cap = (slot * 0.3 / 2.0).min(CAP_MAX);
    for (i, b) in p.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let fill = if b.strong {
            colour(i).filled()
        } else {
            colour(i).mix(0.45).filled()
        };
        chart
            .plotting_area()
            .draw(&Rectangle::new([(0.0, y + 0.2), (b.mean, y + 0.8)], fill))
            .map_err(err)?;
        let at = |v: f64, dy: f64| {
            let (a, b) = px(v, y + 0.5);
            (a, b + dy.round() as i32)
        };
        whiskers(area, at, b.lo, b.hi, cap)?;
    }
    // Names as large as the bars leave room for, and only every `every`-th when even the
    // smallest size does not fit each bar.
    let size = (slot - 2.0).clamp(LABEL_MIN_SIZE, LABEL_SIZE);
    let every = ((size + 2.0) / slot).ceil().max(1.0) as usize;
    let style = TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, b) in p.bars.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let (x, y) = px(x0, (n - 1 - i) as f64 + 0.5);
        let name = fit(&b.label, column, size);
        area.draw(&Text::new(name, (x - PAD as i32, y), style.clone()))
            .map_err(err)?;
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
