//! distribution.csv: the time-in-system distribution of each mode and port, as a CDF.

use crate::experiment::Experiment;
use crate::model::ModelSpec;
use crate::stats::Histogram;
use std::io::Write;

/// Column names of distribution.csv.
pub const HEADER: &str = "port,mode,time_min,cumulative_fraction";

fn write_cdf(w: &mut dyn Write, port: &str, mode: &str, h: &Histogram) -> std::io::Result<()> {
    let n = h.count() as f64;
    if n == 0.0 {
        return Ok(());
    }
    let mut seen = h.zeros();
    writeln!(w, "{port},{mode},0,{}", seen as f64 / n)?;
    for (_, hi, c) in h.buckets() {
        seen += c;
        writeln!(w, "{port},{mode},{},{}", (hi * 1e4).round() / 1e4, seen as f64 / n)?;
    }
    Ok(())
}

/// Writes the CDF of time in system (minutes) per port and mode, and per port over all
/// modes (empty mode), from the histograms merged over replications. Each point is a
/// bucket's upper bound, so the curve is exact to within the histogram's 0.4 %.
pub fn write_distribution(w: &mut dyn Write, spec: &ModelSpec, exp: &Experiment) -> std::io::Result<()> {
    writeln!(w, "{HEADER}")?;
    for (p, port) in spec.ports.iter().enumerate() {
        let mut all = Histogram::default();
        for (f, h) in spec.flows.iter().zip(&exp.time_in_system).filter(|(f, _)| f.port == p) {
            write_cdf(w, &port.name, &spec.modes[f.mode].name, h)?;
            all.merge(h);
        }
        write_cdf(w, &port.name, "", &all)?;
    }
    Ok(())
}
