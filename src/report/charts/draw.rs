//! Drawing prepared charts with plotters, on any backend (PNG and SVG).

use super::bars::BarPanel;
use super::style::{FONT, Res, colour, err, number};
use crate::date::StartInstant;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One line of a panel, with an optional band (x, low, high) around it.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// Legend text.
    pub label: String,
    /// (x, y) points; `NaN` y leaves a gap.
    pub points: Vec<(f64, f64)>,
    /// Spread between replications.
    pub band: Vec<(f64, f64, f64)>,
}

/// One panel of a chart whose x axis is simulation time.
#[derive(Debug, Clone, Default)]
pub struct TimePanel {
    /// Panel title.
    pub title: String,
    /// Y axis label with its unit.
    pub y_label: String,
    /// Lines.
    pub lines: Vec<Line>,
    /// Periods to shade (minutes): closed hours.
    pub shade: Vec<(f64, f64)>,
    /// A horizontal reference line and its legend text (e.g. the pool size).
    pub reference: Option<(f64, String)>,
    /// Fixed y range top (e.g. 1 for utilization); otherwise from the data.
    pub y_max: Option<f64>,
    /// Instants to mark with a vertical line and a short label (dated events).
    pub events: Vec<(f64, String)>,
}

/// Everything one chart file shows.
#[derive(Debug, Clone)]
pub enum Chart {
    /// Stacked panels over calendar time.
    Time {
        /// Chart title.
        title: String,
        /// Calendar start for date labels.
        start: StartInstant,
        /// Panels, top to bottom.
        panels: Vec<TimePanel>,
    },
    /// Cumulative distributions with marked quantiles.
    Cdf {
        /// Chart title.
        title: String,
        /// X axis label with unit.
        x_label: String,
        /// One line per mode.
        lines: Vec<Line>,
        /// Vertical marks (x, text), e.g. p50 and p95.
        marks: Vec<(f64, String)>,
    },
    /// Side-by-side bar panels with error bars (see [`super::bars`]).
    Bars {
        /// Chart title.
        title: String,
        /// Panels, left to right.
        panels: Vec<BarPanel>,
    },
    /// Horizontal stacked bars with a legend of their pieces (see [`super::stacked`]).
    Stacked {
        /// Chart title.
        title: String,
        /// Value axis label with its unit.
        x_label: String,
        /// Names of the pieces, in stacking order; a piece's number picks its colour.
        legend: Vec<String>,
        /// Bars, top to bottom.
        bars: Vec<super::stacked::StackedBar>,
    },
    /// A metric against each factor of a sweep (see [`super::sweep`]).
    Xy {
        /// Chart title.
        title: String,
        /// One panel per factor.
        panels: Vec<super::sweep::XyPanel>,
    },
    /// A metric over two factors of a sweep.
    Heat {
        /// Chart title.
        title: String,
        /// The grid.
        heat: super::sweep::Heat,
    },
    /// The factors' effects on a metric, largest on top.
    Tornado {
        /// Chart title.
        title: String,
        /// Value axis label.
        x_label: String,
        /// Bars, top to bottom.
        bars: Vec<super::sweep::TornadoBar>,
    },
    /// The optimiser's candidates by cost against the binding constraint.
    Frontier {
        /// Chart title.
        title: String,
        /// What it shows.
        frontier: super::frontier::Frontier,
    },
}

/// Draws `chart` on `root`.
pub fn render<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> Res {
    super::style::register_font();
    root.fill(&WHITE).map_err(err)?;
    match chart {
        Chart::Time { title, start, panels } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            let n = panels.len().max(1);
            for (panel, a) in panels.iter().zip(area.split_evenly((n, 1))) {
                time_panel(&a, panel, start, n)?;
            }
        }
        Chart::Cdf {
            title,
            x_label,
            lines,
            marks,
        } => cdf(root, title, x_label, lines, marks)?,
        Chart::Bars { title, panels } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            let areas = area.split_evenly((1, panels.len().max(1)));
            super::bars::draw_panels(&areas, panels)?;
        }
        Chart::Stacked {
            title,
            x_label,
            legend,
            bars,
        } => super::stacked::draw(root, title, x_label, legend, bars)?,
        Chart::Xy { title, panels } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            super::sweep::draw_xy(&area, panels)?;
        }
        Chart::Heat { title, heat } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            super::sweep::draw_heat(&area, heat)?;
        }
        Chart::Tornado { title, x_label, bars } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            super::sweep::draw_tornado(&area, x_label, bars)?;
        }
        Chart::Frontier { title, frontier } => {
            let area = root.titled(title, (FONT, title_size(title))).map_err(err)?;
            super::frontier::draw(&area, frontier)?;
        }
    }
    root.present().map_err(err)
}

/// A title font size that fits `text` across the chart.
pub(super) fn title_size(text: &str) -> u32 {
    let fit = (f64::from(super::style::SIZE.0) - 40.0) / (0.56 * text.chars().count() as f64);
    fit.clamp(14.0, 26.0) as u32
}

/// Date labels: days for long spans, hours for short ones.
fn date_label(start: &StartInstant, span: f64, x: f64) -> String {
    let s = start.format(x);
    if span > 3.0 * 1440.0 {
        s[..10].to_string()
    } else {
        s[5..16].replace('T', " ")
    }
}

fn time_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &TimePanel, start: &StartInstant, n: usize) -> Res {
    let x_max = p
        .lines
        .iter()
        .flat_map(|l| l.points.last().map(|q| q.0))
        .fold(1.0, f64::max);
    let data_max = p
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|q| q.1).chain(l.band.iter().map(|b| b.2)))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(p.reference.as_ref().map_or(0.0, |r| r.0));
    let y_max = p.y_max.unwrap_or(if data_max > 0.0 { data_max * 1.1 } else { 1.0 });
    let label_size = if n > 2 { 14 } else { 16 };
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, (FONT, 18))
        .margin(8)
        .x_label_area_size(if n > 2 { 28 } else { 36 })
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)
        .map_err(err)?;
    let span = x_max;
    let fmt = |x: &f64| date_label(start, span, *x);
    let yfmt = |y: &f64| number(*y, y_max);
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(if n > 2 { 4 } else { 6 })
        .x_label_formatter(&fmt)
        .y_label_formatter(&yfmt)
        .x_desc("date")
        .y_desc(&p.y_label)
        .label_style((FONT, label_size))
        .axis_desc_style((FONT, label_size))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    if !p.shade.is_empty() {
        chart
            .draw_series(
                p.shade
                    .iter()
                    .map(|&(a, b)| Rectangle::new([(a, 0.0), (b, y_max)], RGBColor(200, 200, 200).mix(0.45).filled())),
            )
            .map_err(err)?
            .label("no lane open")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], RGBColor(200, 200, 200).filled()));
    }
    for (i, l) in p.lines.iter().enumerate() {
        let c = colour(i);
        if !l.band.is_empty() {
            let mut poly: Vec<(f64, f64)> = l.band.iter().map(|b| (b.0, b.2)).collect();
            poly.extend(l.band.iter().rev().map(|b| (b.0, b.1)));
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
                .map_err(err)?;
        }
        // Split at gaps (NaN) so closed periods leave a hole instead of a false line.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for &(x, y) in &l.points {
            if y.is_finite() {
                segments.last_mut().expect("non-empty").push((x, y));
            } else if !segments.last().expect("non-empty").is_empty() {
                segments.push(Vec::new());
            }
        }
        let style = ShapeStyle::from(&c).stroke_width(2);
        let mut first = true;
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            let drawn = chart.draw_series(LineSeries::new(seg, style)).map_err(err)?;
            if first {
                drawn
                    .label(&l.label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
                first = false;
            }
        }
    }
    if !p.events.is_empty() {
        let style = ShapeStyle::from(&RGBColor(150, 40, 40)).stroke_width(1);
        for (i, (x, text)) in p.events.iter().enumerate() {
            let drawn = chart
                .draw_series(DashedLineSeries::new(vec![(*x, 0.0), (*x, y_max)], 5, 4, style))
                .map_err(err)?;
            if i == 0 {
                drawn
                    .label("dated event (number as in the table)")
                    .legend(move |(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], style));
            }
            chart
                .draw_series(std::iter::once(Text::new(
                    text.clone(),
                    (*x, y_max * (0.97 - 0.06 * (i % 4) as f64)),
                    (FONT, 14).into_font().color(&RGBColor(150, 40, 40)),
                )))
                .map_err(err)?;
        }
    }
    if let Some((v, text)) = &p.reference {
        let style = ShapeStyle::from(&BLACK).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, *v), (x_max, *v)], 6, 4, style))
            .map_err(err)?
            .label(text)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 14))
        .draw()
        .map_err(err)
}

fn cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    lines: &[Line],
    marks: &[(f64, String)],
) -> Res {
    // Up to the largest mark plus a margin (the far tail would squeeze the body).
    let x_max = marks.iter().map(|m| m.0).fold(0.0, f64::max).max(1e-9) * 1.6;
    let x_max = if x_max.is_finite() && x_max > 0.0 { x_max } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, title_size(title)))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..x_max, 0f64..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .x_label_formatter(&|x| number(*x, x_max))
        .y_desc("share of consignments at or below")
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 16))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for (i, l) in lines.iter().enumerate() {
        let style = ShapeStyle::from(&colour(i)).stroke_width(2);
        // A step function: the share reaches each point at its time.
        let mut pts = Vec::with_capacity(l.points.len() * 2);
        let mut prev = 0.0;
        for &(x, y) in l.points.iter().filter(|p| p.0 <= x_max) {
            pts.push((x, prev));
            pts.push((x, y));
            prev = y;
        }
        pts.push((x_max, prev));
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(err)?
            .label(&l.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    for (x, text) in marks {
        let style = ShapeStyle::from(&BLACK).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(vec![(*x, 0.0), (*x, 1.0)], 6, 4, style))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                text.clone(),
                (*x, 0.06),
                (FONT, 16).into_font(),
            )))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 16))
        .draw()
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_numbers_have_enough_decimals() {
        assert_eq!(number(600.0, 700.0), "600");
        assert_eq!(number(2.5, 5.0), "2.5");
        assert_eq!(number(-0.01, 0.05), "-0.010");
        assert_eq!(number(0.75, 1.05), "0.75");
        assert!(title_size(&"x".repeat(200)) < 26);
        assert_eq!(title_size("short"), 26);
    }
}
