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

/// Writes the file to `w`, row by row. Names in the model are restricted to
/// `[A-Za-z0-9_-]`, so no field needs quoting.
pub fn write_timeseries(w: &mut dyn std::io::Write, spec: &ModelSpec, s: &SeriesSummary) -> std::io::Result<()> {
    let n = s.defs.len();
    writeln!(w, "{HEADER}")?;
    let mut start = 0.0;
    let mut line = String::with_capacity(256);
    for (row, &end) in s.ends.iter().enumerate() {
        let stamp = spec.start.format(end);
        for (i, d) in s.defs.iter().enumerate() {
            line.clear();
            let cell = &s.cells[row * n + i];
            let stage = d.stage.map_or("", |x| spec.stages[x].name.as_str());
            let mode = d.mode.map_or("", |x| spec.modes[x].name.as_str());
            let _ = write!(
                line,
                "{start},{end},{stamp},{},{stage},{mode},{},",
                spec.ports[d.port].name, d.metric
            );
            num(&mut line, cell.mean());
            line.push(',');
            let ci = cell
                .sd()
                .map(|sd| sd / (cell.count() as f64).sqrt() * crate::stats::t975(cell.count() - 1));
            num(&mut line, ci);
            line.push(',');
            num(&mut line, cell.min());
            line.push(',');
            num(&mut line, cell.max());
            let _ = writeln!(line, ",{}", cell.count());
            w.write_all(line.as_bytes())?;
        }
        start = end;
    }
    Ok(())
}
