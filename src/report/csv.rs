//! timeseries.csv: one row per report interval and series, in long (tidy) form; written
//! by `run`, read back and checked by `chart DIR`.

use super::check::{Problem, at, expect_header, follows, for_each_line, level, name, number, ordered, shown};
use super::json_read::PortNames;
use crate::experiment::SeriesSummary;
use crate::model::ModelSpec;
use crate::model::registry::{SeriesLevel, SeriesMetric};
use std::collections::BTreeMap;
use std::io::BufRead;

/// Column names of timeseries.csv.
pub const HEADER: &str =
    "interval_start_min,interval_end_min,interval_end,port,stage,mode,metric,mean,ci95,min,max,replications";

/// A series value in a CSV file: rounded to six decimals (enough for queue means, and
/// byte-stable), nothing for no value. timeseries.csv and compare_timeseries.csv use it.
pub fn num(o: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        super::decimal::push_micro(o, v);
    }
}

/// Writes the file to `w`, row by row. Names in the model are restricted to
/// `[A-Za-z0-9_-]`, so no field needs quoting. The interval's columns are written once per
/// interval and each series' labels once per file: this file has a row per hour and series.
pub fn write_timeseries(w: &mut dyn std::io::Write, spec: &ModelSpec, s: &SeriesSummary) -> std::io::Result<()> {
    let n = s.defs.len();
    writeln!(w, "{HEADER}")?;
    let labels: Vec<String> = s
        .defs
        .iter()
        .map(|d| {
            let stage = d.stage.map_or("", |x| spec.stages[x].name.as_str());
            let mode = d.mode.map_or("", |x| spec.modes[x].name.as_str());
            format!("{},{stage},{mode},{},", spec.ports[d.port].name, d.metric)
        })
        .collect();
    let mut start = 0.0;
    let mut interval = String::with_capacity(64);
    let mut block = String::with_capacity(256 * n.max(1));
    for (row, &end) in s.ends.iter().enumerate() {
        interval.clear();
        super::decimal::push_f64(&mut interval, start);
        interval.push(',');
        super::decimal::push_f64(&mut interval, end);
        interval.push(',');
        interval.push_str(&spec.start.format(end));
        interval.push(',');
        block.clear();
        for (cell, label) in s.cells[row * n..(row + 1) * n].iter().zip(&labels) {
            block.push_str(&interval);
            block.push_str(label);
            num(&mut block, cell.mean());
            block.push(',');
            num(&mut block, crate::stats::interval(cell).map(|(_, ci)| ci));
            block.push(',');
            num(&mut block, cell.min());
            block.push(',');
            num(&mut block, cell.max());
            block.push(',');
            super::decimal::push_u64(&mut block, cell.count());
            block.push('\n');
        }
        w.write_all(block.as_bytes())?;
        start = end;
    }
    Ok(())
}

/// One line over time: interval end times (minutes) with the mean over replications and
/// the lowest and highest replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Interval end, minutes from the start.
    pub x: Vec<f64>,
    /// Mean over replications.
    pub mean: Vec<f64>,
    /// Lowest replication.
    pub lo: Vec<f64>,
    /// Highest replication.
    pub hi: Vec<f64>,
}

impl Series {
    /// Largest value of the band (or the mean when there is no band).
    pub fn max(&self) -> f64 {
        self.hi.iter().chain(&self.mean).copied().fold(0.0, f64::max)
    }
}

/// (port, stage, mode, metric) of a time-series row.
pub type SeriesKey = (String, String, String, String);

/// timeseries.csv, parsed: every series with its rows, and interval starts.
#[derive(Debug, Clone, Default)]
pub struct Timeseries {
    /// Series by key.
    pub series: BTreeMap<SeriesKey, Series>,
    /// Interval start of each row's end time, for counts turned into rates.
    pub starts: BTreeMap<u64, f64>,
}

/// Parses and checks timeseries.csv (the format [`write_timeseries`]
/// writes): its ports, stages and modes must be those of `ports` (from summary.json), and
/// no row may count more replications than `replications`.
pub fn parse_timeseries(r: impl BufRead, ports: &PortNames, replications: u64) -> Result<Timeseries, Problem> {
    let mut t = Timeseries::default();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, HEADER);
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 12 {
            return Err(at(n, format!("expected 12 fields, found {}", f.len())));
        }
        let start = number(n, "interval_start_min", f[0], 0.0)?;
        let end = number(n, "interval_end_min", f[1], 0.0)?;
        if end <= start {
            return Err(at(
                n,
                format!("field interval_end_min: {end} is not after interval_start_min {start}"),
            ));
        }
        name(n, "port", f[3], false)?;
        name(n, "stage", f[4], true)?;
        name(n, "mode", f[5], true)?;
        let Some((stages, modes)) = ports.get(f[3]) else {
            return Err(at(
                n,
                format!("field port: {} is not a port of summary.json", shown(f[3])),
            ));
        };
        let metric = f[6];
        // What a series belongs to comes from the registry: a stage's, a flow's, the port's.
        let (stage_ok, mode_ok) = match SeriesMetric::from_name(metric).map(SeriesMetric::level) {
            Some(SeriesLevel::Stage | SeriesLevel::Lanes) => (stages.contains(f[4]), f[5].is_empty()),
            Some(SeriesLevel::Flow) => (f[4].is_empty(), modes.contains(f[5])),
            Some(SeriesLevel::Port | SeriesLevel::Pool) => (f[4].is_empty(), f[5].is_empty()),
            None => return Err(at(n, format!("field metric: unknown metric {}", shown(metric)))),
        };
        if !stage_ok {
            return Err(at(
                n,
                format!(
                    "field stage: {} does not fit metric {metric} at port {} in summary.json",
                    shown(f[4]),
                    f[3]
                ),
            ));
        }
        if !mode_ok {
            return Err(at(
                n,
                format!(
                    "field mode: {} does not fit metric {metric} at port {} in summary.json",
                    shown(f[5]),
                    f[3]
                ),
            ));
        }
        let mean = level(n, "mean", f[7])?;
        if !f[8].is_empty() {
            number(n, "ci95", f[8], 0.0)?;
        }
        let (lo, hi) = (level(n, "min", f[9])?, level(n, "max", f[10])?);
        ordered(n, mean, lo, hi)?;
        match f[11].parse::<u64>() {
            Ok(k) if k <= replications => {}
            Ok(k) => {
                return Err(at(
                    n,
                    format!("field replications: {k} is more than the {replications} replications of summary.json"),
                ));
            }
            Err(_) => {
                return Err(at(
                    n,
                    format!("field replications: must be a whole number, got {}", shown(f[11])),
                ));
            }
        }
        match t.starts.get(&end.to_bits()) {
            Some(&s) if s != start => {
                return Err(at(
                    n,
                    format!(
                        "field interval_start_min: the interval ending at {end} starts at {start} here but at {s} on an earlier row"
                    ),
                ));
            }
            _ => {}
        }
        let key = (f[3].to_string(), f[4].to_string(), f[5].to_string(), metric.to_string());
        let s = t.series.entry(key).or_default();
        follows(n, s.x.last().copied(), start)?;
        s.x.push(end);
        s.mean.push(mean);
        s.lo.push(lo);
        s.hi.push(hi);
        t.starts.insert(end.to_bits(), start);
        Ok(())
    })?;
    match rows {
        0 => Err(at(1, "the file is empty: expected a header line".into())),
        1 => Err(at(1, "no rows after the header".into())),
        _ => Ok(t),
    }
}

impl Timeseries {
    /// The series with these names, if any.
    pub fn get(&self, port: &str, stage: &str, mode: &str, metric: &str) -> Option<&Series> {
        self.series
            .get(&(port.into(), stage.into(), mode.into(), metric.into()))
    }

    /// Port names, in file order of first appearance (sorted).
    pub fn ports(&self) -> Vec<String> {
        let mut v: Vec<String> = self.series.keys().map(|k| k.0.clone()).collect();
        v.dedup();
        v
    }

    /// Stages of a port that have `metric`, in name order.
    pub fn stages_with(&self, port: &str, metric: &str) -> Vec<String> {
        self.series
            .keys()
            .filter(|k| k.0 == port && !k.1.is_empty() && k.3 == metric)
            .map(|k| k.1.clone())
            .collect()
    }

    /// Modes of a port with flow counts.
    pub fn modes(&self, port: &str) -> Vec<String> {
        self.series
            .keys()
            .filter(|k| k.0 == port && !k.2.is_empty() && k.3 == "completed")
            .map(|k| k.2.clone())
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Test input shared with the chart preparation tests.
    pub(crate) mod sample {
        use super::*;

        /// A small timeseries.csv: one port, one stage closed in the first and last interval.
        pub const CSV: &str =
            "interval_start_min,interval_end_min,interval_end,port,stage,mode,metric,mean,ci95,min,max,replications
0,720,2025-01-01T12:00,p,lane,,queue,2,0.5,1,3,4
0,720,2025-01-01T12:00,p,lane,,servers_open,0,0,0,0,4
0,720,2025-01-01T12:00,p,,car,completed,10,,10,10,4
720,1440,2025-01-02T00:00,p,lane,,queue,4,0.5,3,5,4
720,1440,2025-01-02T00:00,p,lane,,servers_open,2,0,2,2,4
720,1440,2025-01-02T00:00,p,,car,completed,30,,30,30,4
1440,2160,2025-01-02T12:00,p,lane,,queue,1,0.5,0,2,4
1440,2160,2025-01-02T12:00,p,lane,,servers_open,0,0,0,0,4
1440,2160,2025-01-02T12:00,p,,car,completed,5,,5,5,4
";

        /// The names summary.json gives for [`CSV`].
        pub fn names() -> PortNames {
            let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
            PortNames::from([("p".to_string(), (set(&["lane"]), set(&["car"])))])
        }

        /// [`CSV`] (or an edit of it) parsed.
        pub fn parse_timeseries(text: &str) -> Result<Timeseries, Problem> {
            super::super::parse_timeseries(text.as_bytes(), &names(), 4)
        }
    }

    use sample::{CSV, parse_timeseries};

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let bad = |from: &str, to: &str| parse_timeseries(&CSV.replacen(from, to, 1)).unwrap_err();
        let p = bad(
            "720,1440,2025-01-02T00:00,p,lane,,queue,4",
            "720,inf,2025-01-02T00:00,p,lane,,queue,4",
        );
        assert_eq!(p.line, Some(5));
        assert!(
            p.message
                .starts_with("field interval_end_min: must be a finite number, got `inf`"),
            "{p:?}"
        );
        let p = bad(",queue,2,", ",queue,NaN,");
        assert_eq!(
            (p.line, p.message.as_str()),
            (Some(2), "field mean: must be a finite number, got `NaN`")
        );
        let p = bad(
            "0,720,2025-01-01T12:00,p,lane,,queue",
            "-5,720,2025-01-01T12:00,p,lane,,queue",
        );
        assert_eq!(p.line, Some(2));
        // Times must move forward within a series.
        let p = bad(
            "1440,2160,2025-01-02T12:00,p,lane,,queue",
            "0,720,2025-01-02T12:00,p,lane,,queue",
        );
        assert_eq!(p.line, Some(8));
        assert!(p.message.contains("move forward"), "{p:?}");
        // Names must be the summary's.
        let p = bad(",p,lane,,queue,2,", ",p,gate,,queue,2,");
        assert!(p.message.starts_with("field stage: `gate` does not fit"), "{p:?}");
        // Empty values are gaps, not errors.
        let t = parse_timeseries(&CSV.replacen(",queue,2,0.5,1,3,", ",queue,,,,,", 1)).unwrap();
        assert!(t.get("p", "lane", "", "queue").unwrap().mean[0].is_nan());
    }

    #[test]
    fn series_follow_the_csv() {
        let t = parse_timeseries(CSV).unwrap();
        let q = t.get("p", "lane", "", "queue").unwrap();
        assert_eq!(q.x, vec![720.0, 1440.0, 2160.0]);
        assert_eq!(q.mean, vec![2.0, 4.0, 1.0]);
        assert_eq!((q.lo.clone(), q.hi.clone()), (vec![1.0, 3.0, 0.0], vec![3.0, 5.0, 2.0]));
        assert_eq!(t.ports(), vec!["p"]);
        assert_eq!(t.stages_with("p", "queue"), vec!["lane"]);
        assert_eq!(t.modes("p"), vec!["car"]);
    }
}
