//! Horizontal stacked bars: one bar per category (a mode), its pieces (segments) in a
//! shared order and colour, each piece labelled with its value where the label fits
//! inside it, the bar's total at its end, the categories down the left side and a legend
//! of the pieces below the plot. Every text is measured with the bundled font and placed
//! where no other text is.

use super::bars::fit;
use super::style::{FONT, Res, colour, err, number, text_size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBar {
    /// Category name, down the side.
    pub label: String,
    /// Pieces from left to right: (legend entry, value).
    pub pieces: Vec<(usize, f64)>,
}

/// Size of names, numbers and the legend (plotters size).
const LABEL_SIZE: f64 = 14.0;
/// Smallest size category names shrink to beside crowded bars.
const LABEL_MIN_SIZE: f64 = 9.0;
/// Margin around the plot and the legend, pixels.
const MARGIN: u32 = 12;
/// Height of the value axis's label area (numbers and the axis title).
const VALUE_AREA: u32 = 48;
/// Room between a text and what it labels, pixels.
const PAD: f64 = 6.0;
/// Least room between a piece's label and the piece's ends, pixels.
const INNER: f64 = 4.0;
/// Widest share of the chart the category names may take.
const SIDE_SHARE: f64 = 0.3;
/// Legend: swatch width, gap after it, gap between columns, line height (pixels).
const SWATCH: f64 = 18.0;
const SWATCH_GAP: f64 = 6.0;
const COLUMN_GAP: f64 = 24.0;
const LINE: f64 = 22.0;

fn width(text: &str) -> f64 {
    text_size(text, LABEL_SIZE).0
}

/// Text colour that reads on palette colour `i`: white on the dark ones.
fn ink(i: usize) -> &'static RGBColor {
    match i % super::style::PALETTE.len() {
        0 | 3 | 6 => &WHITE,
        _ => &BLACK,
    }
}

/// The legend's entries (shortened to fit one column) and its columns and rows for an
/// area `w` pixels wide.
fn legend_layout(legend: &[String], w: f64) -> (Vec<String>, usize, usize, f64) {
    let room = w - 2.0 * f64::from(MARGIN) - SWATCH - SWATCH_GAP;
    let names: Vec<String> = legend.iter().map(|l| fit(l, room, LABEL_SIZE)).collect();
    let widest = names.iter().map(|n| width(n)).fold(0.0, f64::max);
    let item = SWATCH + SWATCH_GAP + widest + COLUMN_GAP;
    let cols = (((w - 2.0 * f64::from(MARGIN) + COLUMN_GAP) / item).floor() as usize).clamp(1, legend.len().max(1));
    let rows = legend.len().div_ceil(cols);
    (names, cols, rows, item)
}

/// The axis end: past the longest bar by enough for its total's label to fit after it
/// in a plot `plot_w` pixels wide.
fn axis_end(bars: &[StackedBar], totals: &[String], plot_w: f64) -> f64 {
    let mut end: f64 = 0.0;
    for (b, t) in bars.iter().zip(totals) {
        let total: f64 = b.pieces.iter().map(|p| p.1).sum();
        let room = (plot_w - 2.0 * PAD - width(t)).max(plot_w * 0.2);
        end = end.max(total * plot_w / room).max(total * 1.02);
    }
    if end > 0.0 && end.is_finite() { end } else { 1.0 }
}

/// Where the plot's values go in pixels of the plot's area: minutes along, bars down.
struct Frame {
    /// Pixel of minute 0.
    x0: f64,
    /// Pixels per minute.
    per_min: f64,
    /// Pixel row of each bar's middle.
    rows: Vec<i32>,
    /// Pixels per bar slot.
    slot: f64,
}

impl Frame {
    fn x(&self, v: f64) -> i32 {
        (self.x0 + v * self.per_min).round() as i32
    }
}

/// Draws the chart on `root`: title, bars, legend.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    legend: &[String],
    bars: &[StackedBar],
) -> Res {
    let area = root
        .titled(title, (FONT, super::draw::title_size(title)))
        .map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (names, cols, rows, item) = legend_layout(legend, f64::from(w));
    let legend_h = (rows as f64 * LINE + 2.0 * PAD).ceil() as u32;
    let (plot_area, legend_area) = area.split_vertically(h.saturating_sub(legend_h));
    let n = bars.len().max(1);
    let column = bars.iter().map(|b| width(&b.label)).fold(0.0, f64::max);
    let column = column.min(SIDE_SHARE * f64::from(w));
    let side = (column + 2.0 * PAD).ceil() as u32;
    let plot_w = f64::from(w) - f64::from(2 * MARGIN + side);
    let totals: Vec<String> = bars
        .iter()
        .map(|b| format!("{:.1} min", b.pieces.iter().map(|p| p.1).sum::<f64>()))
        .collect();
    let x_max = axis_end(bars, &totals, plot_w);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(MARGIN)
        .x_label_area_size(VALUE_AREA)
        .y_label_area_size(side)
        .build_cartesian_2d(0f64..x_max, 0f64..n as f64)
        .map_err(err)?;
    let fmt = |v: &f64| number(*v, x_max);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&fmt)
        .x_desc(x_label)
        .label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let base = plot_area.get_base_pixel();
    let px = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - base.0, b - base.1)
    };
    let (origin, end) = (px(0.0, 0.0), px(x_max, n as f64));
    let frame = Frame {
        x0: f64::from(origin.0),
        per_min: f64::from(end.0 - origin.0) / x_max,
        rows: (0..n).map(|i| px(0.0, n as f64 - i as f64 - 0.5).1).collect(),
        slot: f64::from((origin.1 - end.1).abs()) / n as f64,
    };
    for (i, b) in bars.iter().enumerate() {
        draw_bar(&plot_area, &frame, i, b, &totals[i])?;
    }
    draw_names(&plot_area, &frame, bars, column)?;
    legend_draw(&legend_area, &names, cols, item)
}

/// Bar `i`: its pieces, each labelled with its value where the label fits inside, and
/// its total after its end.
fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Frame,
    i: usize,
    b: &StackedBar,
    total: &str,
) -> Res {
    let y = f.rows[i];
    let half = (0.3 * f.slot).round() as i32;
    let mut x0 = 0.0;
    for &(k, v) in &b.pieces {
        let x1 = x0 + v;
        let (l, r) = (f.x(x0), f.x(x1));
        area.draw(&Rectangle::new([(l, y - half), (r, y + half)], colour(k).filled()))
            .map_err(err)?;
        let text = format!("{v:.1}");
        let (tw, th) = text_size(&text, LABEL_SIZE);
        if tw + 2.0 * INNER <= f64::from(r - l) && th + 2.0 <= f64::from(2 * half) {
            let style = TextStyle::from((FONT, LABEL_SIZE).into_font())
                .color(ink(k))
                .pos(Pos::new(HPos::Center, VPos::Center));
            area.draw(&Text::new(text, ((l + r) / 2, y), style)).map_err(err)?;
        }
        x0 = x1;
    }
    let style = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new(total.to_string(), (f.x(x0) + PAD as i32, y), style))
        .map_err(err)
}

/// Category names down the side, as large as the bars leave room for, thinned out when
/// even the smallest size does not fit each bar.
fn draw_names<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Frame, bars: &[StackedBar], column: f64) -> Res {
    let size = (f.slot - 2.0).clamp(LABEL_MIN_SIZE, LABEL_SIZE);
    let every = ((size + 2.0) / f.slot).ceil().max(1.0) as usize;
    let style = TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, b) in bars.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let name = fit(&b.label, column, size);
        let at = (f.x(0.0) - PAD as i32, f.rows[i]);
        area.draw(&Text::new(name, at, style.clone())).map_err(err)?;
    }
    Ok(())
}

/// The legend: a swatch and a name per piece, row by row.
fn legend_draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, names: &[String], cols: usize, item: f64) -> Res {
    let style = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, name) in names.iter().enumerate() {
        let x = f64::from(MARGIN) + (k % cols) as f64 * item;
        let y = PAD + (k / cols) as f64 * LINE;
        let mid = (y + LINE / 2.0).round() as i32;
        let (x, sw) = (x.round() as i32, SWATCH as i32);
        area.draw(&Rectangle::new([(x, mid - 6), (x + sw, mid + 6)], colour(k).filled()))
            .map_err(err)?;
        let at = (x + sw + SWATCH_GAP as i32, mid);
        area.draw(&Text::new(name.clone(), at, style.clone())).map_err(err)?;
    }
    Ok(())
}
