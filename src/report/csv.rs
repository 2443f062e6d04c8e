//! timeseries.csv: one row per report interval and series, in long (tidy) form.

use crate::experiment::SeriesSummary;
use crate::model::ModelSpec;
use std::fmt::Write;

/// Column names of timeseries.csv.
pub const HEADER: &str =
    "interval_start_min,interval_end_min,interval_end,port,stage,mode,metric,mean,ci95,min,max,replications";

fn num(o: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        // Six significant decimals: enough for queue means, and byte-stable.
        let _ = write!(o, "{}", (v * 1e6).round() / 1e6);
    }
}

/// The whole file as text. Names in the model are restricted to `[A-Za-z0-9_-]`, so no
/// field needs quoting.
pub fn timeseries(spec: &ModelSpec, s: &SeriesSummary) -> String {
    let n = s.defs.len();
    let mut o = String::with_capacity(64 * n * s.ends.len() + HEADER.len() + 1);
    o.push_str(HEADER);
    o.push('\n');
    let mut start = 0.0;
    for (row, &end) in s.ends.iter().enumerate() {
        let stamp = spec.start.format(end);
        for (i, d) in s.defs.iter().enumerate() {
            let cell = &s.cells[row * n + i];
            let stage = d.stage.map_or("", |x| spec.stages[x].name.as_str());
            let mode = d.mode.map_or("", |x| spec.modes[x].name.as_str());
            let _ = write!(
                o,
                "{start},{end},{stamp},{},{stage},{mode},{},",
                spec.ports[d.port].name, d.metric
            );
            num(&mut o, cell.mean());
            o.push(',');
            let ci = cell
                .sd()
                .map(|sd| sd / (cell.count() as f64).sqrt() * crate::stats::t975(cell.count() - 1));
            num(&mut o, ci);
            o.push(',');
            num(&mut o, cell.min());
            o.push(',');
            num(&mut o, cell.max());
            let _ = writeln!(o, ",{}", cell.count());
        }
        start = end;
    }
    o
}
