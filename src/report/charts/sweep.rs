//! The charts of a sweep: each headline metric against each factor (point means with
//! their 95 % intervals, a band where every point has its own factor value), a heat map of
//! the metric over the first two factors, and a tornado of the factors' standardised
//! regression coefficients with their bootstrap intervals.

use super::style::{FONT, Res, colour, err, number};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One panel: a metric against one factor.
#[derive(Debug, Clone, PartialEq)]
pub struct XyPanel {
    /// The factor's name (x axis).
    pub x_label: String,
    /// The metric's name (y axis).
    pub y_label: String,
    /// (factor value, mean, ci95 half-width) per point.
    pub points: Vec<(f64, f64, f64)>,
    /// Join the points into a line with a 95 % band: only when nothing else varies between
    /// them (a one-factor sweep); otherwise each point stands alone with its error bar.
    pub connect: bool,
}

/// A heat map: cells of a grid over two factors, each the mean of the points inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Heat {
    /// The x factor.
    pub x_label: String,
    /// The y factor.
    pub y_label: String,
    /// The metric.
    pub value_label: String,
    /// Cell edges along x.
    pub x_edges: Vec<f64>,
    /// Cell edges along y.
    pub y_edges: Vec<f64>,
    /// `cells[iy][ix]`: the mean of the point means in the cell, `None` when empty.
    pub cells: Vec<Vec<Option<f64>>>,
}

/// One bar of a tornado: a factor's coefficient and its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// Factor name.
    pub label: String,
    /// The coefficient.
    pub value: f64,
    /// Interval low end.
    pub lo: f64,
    /// Interval high end.
    pub hi: f64,
}

fn span(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let pad = ((hi - lo) * 0.06).max(1e-9 + lo.abs() * 1e-6);
    (lo - pad, hi + pad)
}

/// Panels of a metric against each factor, side by side (up to three across).
pub fn draw_xy<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panels: &[XyPanel]) -> Res {
    let cols = panels.len().clamp(1, 3);
    let rows = panels.len().div_ceil(cols).max(1);
    for (p, a) in panels.iter().zip(area.split_evenly((rows, cols))) {
        xy_panel(&a, p)?;
    }
    Ok(())
}

fn xy_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &XyPanel) -> Res {
    let xs = p.points.iter().map(|q| q.0);
    let (x0, x1) = span(
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    let lo = p.points.iter().map(|q| q.1 - q.2).fold(f64::INFINITY, f64::min);
    let hi = p.points.iter().map(|q| q.1 + q.2).fold(f64::NEG_INFINITY, f64::max);
    let (y0, y1) = span(lo, hi);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&p.x_label)
        .y_desc(&p.y_label)
        .x_label_formatter(&|x| number(*x, x1 - x0))
        .y_label_formatter(&|y| number(*y, y1 - y0))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let blue = colour(0);
    let mut sorted = p.points.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let distinct = sorted.windows(2).all(|w| w[0].0 < w[1].0);
    if p.connect && distinct && sorted.len() > 1 {
        // One point per factor value: a line with its 95 % band.
        let band: Vec<(f64, f64)> = sorted
            .iter()
            .map(|q| (q.0, q.1 + q.2))
            .chain(sorted.iter().rev().map(|q| (q.0, q.1 - q.2)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.2).filled())))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(sorted.iter().map(|q| (q.0, q.1)), blue.stroke_width(2)))
            .map_err(err)?;
    } else {
        chart
            .draw_series(
                sorted
                    .iter()
                    .map(|q| PathElement::new(vec![(q.0, q.1 - q.2), (q.0, q.1 + q.2)], blue.mix(0.5).stroke_width(1))),
            )
            .map_err(err)?;
    }
    chart
        .draw_series(sorted.iter().map(|q| Circle::new((q.0, q.1), 3, blue.filled())))
        .map_err(err)?;
    Ok(())
}

/// The heat map, with its colour scale written below.
pub fn draw_heat<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heat) -> Res {
    let vals: Vec<f64> = h.cells.iter().flatten().flatten().copied().collect();
    let (vmin, vmax) = (
        vals.iter().copied().fold(f64::INFINITY, f64::min),
        vals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let (area, legend) = area.split_vertically(area.dim_in_pixel().1 - 40);
    let (x0, x1) = (h.x_edges[0], *h.x_edges.last().unwrap_or(&1.0));
    let (y0, y1) = (h.y_edges[0], *h.y_edges.last().unwrap_or(&1.0));
    let mut chart = ChartBuilder::on(&area)
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&h.x_label)
        .y_desc(&h.y_label)
        .x_label_formatter(&|x| number(*x, x1 - x0))
        .y_label_formatter(&|y| number(*y, y1 - y0))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .disable_mesh()
        .draw()
        .map_err(err)?;
    let shade = |v: f64| {
        let t = if vmax > vmin { (v - vmin) / (vmax - vmin) } else { 0.5 };
        // Light yellow to dark blue (viridis-like ends), readable in grey.
        let lerp = |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
        RGBColor(lerp(253, 33), lerp(231, 49), lerp(37, 140))
    };
    for (iy, row) in h.cells.iter().enumerate() {
        for (ix, c) in row.iter().enumerate() {
            if let Some(v) = c {
                let r = Rectangle::new(
                    [(h.x_edges[ix], h.y_edges[iy]), (h.x_edges[ix + 1], h.y_edges[iy + 1])],
                    shade(*v).filled(),
                );
                chart.draw_series(std::iter::once(r)).map_err(err)?;
            }
        }
    }
    let text = format!(
        "{}: light = {} ... dark = {} (mean over the points in each cell; blank: no point)",
        h.value_label,
        number(vmin, vmax - vmin),
        number(vmax, vmax - vmin)
    );
    legend
        .draw(&Text::new(text, (80, 10), (FONT, 15).into_font()))
        .map_err(err)?;
    Ok(())
}

/// The tornado: one horizontal bar per factor, largest |coefficient| on top, with its
/// interval as a whisker.
pub fn draw_tornado<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, x_label: &str, bars: &[TornadoBar]) -> Res {
    let n = bars.len().max(1);
    let reach = bars
        .iter()
        .flat_map(|b| [b.value.abs(), b.lo.abs(), b.hi.abs()])
        .filter(|v| v.is_finite())
        .fold(0.1, f64::max)
        * 1.1;
    let longest = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4);
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size((longest as u32 * 9).clamp(60, 420))
        .build_cartesian_2d(-reach..reach, -0.5f64..n as f64 - 0.5)
        .map_err(err)?;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .x_desc(x_label)
        .x_label_formatter(&|x| number(if x.abs() < 1e-9 { 0.0 } else { *x }, 2.0 * reach))
        .y_labels(n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            // Top row first: bar i is drawn at n - 1 - i.
            labels.get(n - 1 - i as usize).cloned().unwrap_or_default()
        })
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for (i, b) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let c = if b.value >= 0.0 { colour(3) } else { colour(0) };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.3), (b.value, y + 0.3)],
                c.filled(),
            )))
            .map_err(err)?;
        if b.lo.is_finite() && b.hi.is_finite() {
            let w = BLACK.stroke_width(2);
            chart
                .draw_series([
                    PathElement::new(vec![(b.lo, y), (b.hi, y)], w),
                    PathElement::new(vec![(b.lo, y - 0.12), (b.lo, y + 0.12)], w),
                    PathElement::new(vec![(b.hi, y - 0.12), (b.hi, y + 0.12)], w),
                ])
                .map_err(err)?;
        }
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))
        .map_err(err)?;
    Ok(())
}
