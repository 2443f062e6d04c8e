//! distribution.csv: the time-in-system distribution of each mode and port, as a CDF;
//! written by `run`, read back and checked by `chart DIR`.

use super::check::{Problem, at, expect_header, for_each_line, name, number, shown};
use super::json_read::PortNames;
use crate::experiment::Experiment;
use crate::model::ModelSpec;
use crate::stats::Histogram;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

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

/// One point of a CDF: time in system (minutes), fraction of consignments at or below it.
pub type CdfPoint = (f64, f64);

/// Parses and checks distribution.csv: ports and modes of `ports` (mode "" is the port
/// total), times finite, not negative and not decreasing, fractions within [0, 1] and not
/// decreasing. CDF points by (port, mode).
pub fn parse_distribution(
    r: impl BufRead,
    ports: &PortNames,
) -> Result<BTreeMap<(String, String), Vec<CdfPoint>>, Problem> {
    let mut out: BTreeMap<(String, String), Vec<CdfPoint>> = BTreeMap::new();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, HEADER);
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 4 {
            return Err(at(n, format!("expected 4 fields, found {}", f.len())));
        }
        name(n, "port", f[0], false)?;
        name(n, "mode", f[1], true)?;
        let Some((_, modes)) = ports.get(f[0]) else {
            return Err(at(
                n,
                format!("field port: {} is not a port of summary.json", shown(f[0])),
            ));
        };
        if !f[1].is_empty() && !modes.contains(f[1]) {
            return Err(at(
                n,
                format!(
                    "field mode: {} is not a mode of port {} in summary.json",
                    shown(f[1]),
                    f[0]
                ),
            ));
        }
        let time = number(n, "time_min", f[2], 0.0)?;
        let frac = number(n, "cumulative_fraction", f[3], 0.0)?;
        if frac > 1.0 {
            return Err(at(
                n,
                format!("field cumulative_fraction: must be at most 1, got {}", shown(f[3])),
            ));
        }
        let pts = out.entry((f[0].into(), f[1].into())).or_default();
        if let Some(&(t0, c0)) = pts.last() {
            if time < t0 {
                return Err(at(
                    n,
                    format!(
                        "field time_min: {time} is below the previous point's {t0}: a CDF's times must not decrease"
                    ),
                ));
            }
            if frac < c0 {
                return Err(at(
                    n,
                    format!(
                        "field cumulative_fraction: {frac} is below the previous point's {c0}: a CDF must not decrease"
                    ),
                ));
            }
        }
        pts.push((time, frac));
        Ok(())
    })?;
    if rows == 0 {
        return Err(at(1, "the file is empty: expected a header line".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::tests::sample::names;

    #[test]
    fn distribution_fractions_stay_within_zero_and_one() {
        let head = HEADER;
        let ok = format!("{head}\np,car,0,0\np,car,5,0.5\np,car,9,1\np,,9,1\n");
        assert_eq!(parse_distribution(ok.as_bytes(), &names()).unwrap().len(), 2);
        let p = parse_distribution(ok.replace(",9,1", ",9,1.01").as_bytes(), &names()).unwrap_err();
        assert_eq!(p.line, Some(4));
        let p = parse_distribution(ok.replace(",5,0.5", ",5,-0.5").as_bytes(), &names()).unwrap_err();
        assert_eq!(p.line, Some(3));
    }
}
