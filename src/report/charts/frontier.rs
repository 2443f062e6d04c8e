//! The optimiser's chart: each candidate examined at its cost against its estimate of the
//! binding constraint (95 % interval), coloured by decision, with the bound and the feasible
//! frontier (the best estimate reached at each cost or less).

use super::style::{FONT, Res, colour, err, number};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One candidate on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// Its cost.
    pub cost: f64,
    /// Its estimate of the binding constraint's metric.
    pub mean: f64,
    /// The 95 % interval (equal to the mean when there is none).
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// 0 feasible, 1 infeasible or overloaded, 2 undecided.
    pub class: usize,
    /// Marked as the chosen candidate.
    pub chosen: bool,
}

/// What the chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontier {
    /// Y axis: the binding constraint's metric.
    pub y_label: String,
    /// The bound.
    pub bound: f64,
    /// True when smaller is better (a `max` bound).
    pub upper: bool,
    /// The candidates.
    pub points: Vec<FrontierPoint>,
}

const CLASSES: [(&str, usize); 3] = [("feasible", 2), ("infeasible", 3), ("undecided", 6)];

/// Draws the frontier chart.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Frontier) -> Res {
    let pts = &f.points;
    let (mut x0, mut x1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.cost), b.max(p.cost))
    });
    let (mut y0, mut y1) = pts
        .iter()
        .fold((f.bound, f.bound), |(a, b), p| (a.min(p.lo), b.max(p.hi)));
    if !(x0.is_finite() && x1.is_finite()) {
        (x0, x1) = (0.0, 1.0);
    }
    let pad = |lo: f64, hi: f64| ((hi - lo) * 0.06).max(1e-9 + lo.abs() * 0.02);
    let (px, py) = (pad(x0, x1), pad(y0, y1));
    (x0, x1, y0, y1) = (x0 - px, x1 + px, y0 - py, y1 + py);
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("cost")
        .y_desc(&f.y_label)
        .x_label_formatter(&|x| number(*x, x1 - x0))
        .y_label_formatter(&|y| number(*y, y1 - y0))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let black = colour(6);
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x0, f.bound), (x1, f.bound)],
            black.mix(0.6).stroke_width(1),
        )))
        .map_err(err)?
        .label(format!("bound {}", f.bound))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], black.mix(0.6).stroke_width(1)));
    // The frontier: the best estimate among candidates costing this much or less.
    let mut by_cost: Vec<&FrontierPoint> = pts.iter().collect();
    by_cost.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    let mut best: Option<f64> = None;
    let mut stairs: Vec<(f64, f64)> = Vec::new();
    for p in by_cost {
        let better = best.is_none_or(|b| if f.upper { p.mean < b } else { p.mean > b });
        if better {
            if let Some(b) = best {
                stairs.push((p.cost, b));
            }
            best = Some(p.mean);
            stairs.push((p.cost, p.mean));
        }
    }
    if let (Some(b), Some(last)) = (best, stairs.last().copied()) {
        stairs.push((x1.max(last.0), b));
    }
    let blue = colour(0);
    chart
        .draw_series(std::iter::once(PathElement::new(stairs, blue.stroke_width(2))))
        .map_err(err)?
        .label("frontier: best estimate at this cost or less")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], blue.stroke_width(2)));
    chart
        .draw_series(pts.iter().map(|p| {
            PathElement::new(
                vec![(p.cost, p.lo), (p.cost, p.hi)],
                colour(CLASSES[p.class].1).mix(0.6),
            )
        }))
        .map_err(err)?;
    for (class, (name, c)) in CLASSES.iter().enumerate() {
        let col = colour(*c);
        let these: Vec<&FrontierPoint> = pts.iter().filter(|p| p.class == class).collect();
        if these.is_empty() {
            continue;
        }
        chart
            .draw_series(these.iter().map(|p| Circle::new((p.cost, p.mean), 5, col.filled())))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, col.filled()));
    }
    chart
        .draw_series(
            pts.iter()
                .filter(|p| p.chosen)
                .map(|p| Circle::new((p.cost, p.mean), 10, black.stroke_width(2))),
        )
        .map_err(err)?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(black.mix(0.3))
        .label_font((FONT, 13))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    Ok(())
}
