//! The TRS chart of each port: a stacked bar per mode of its segment means, so the
//! segments that make up the release time read at a glance (trs_PORT.png and .svg).

use super::PortReport;
use crate::report::charts::draw::Chart;
use crate::report::charts::stacked::StackedBar;

/// The chart of one port (its modes with a release), or `None` when it had none.
pub fn port_chart(p: &PortReport) -> Option<Chart> {
    let rows = p.rows();
    let bars: Vec<StackedBar> = p
        .modes
        .iter()
        .filter(|m| m.released > 0)
        .map(|m| StackedBar {
            label: format!("{} ({} released)", m.name, m.released),
            pieces: m
                .segments
                .iter()
                .filter_map(|s| {
                    let k = rows.iter().position(|(k, st, _)| *k == s.kind && *st == s.stage)?;
                    Some((k, s.figures.mean))
                })
                .collect(),
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    Some(Chart::Stacked {
        title: format!("Time Release Study at {}: mean release time by segment", p.name),
        x_label: "minutes from arrival to release (segment means, stacked)".into(),
        legend: rows.into_iter().map(|(_, _, name)| name).collect(),
        bars,
    })
}

/// Every port's chart: (file name without extension, chart).
pub fn charts(ports: &[PortReport]) -> Vec<(String, Chart)> {
    ports
        .iter()
        .filter_map(|p| port_chart(p).map(|c| (format!("trs_{}", p.name), c)))
        .collect()
}
