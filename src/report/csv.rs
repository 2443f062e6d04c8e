//! timeseries.csv: one row per report interval and series, in long (tidy) form; written
//! by `run`, read back and checked by `chart DIR`.

use super::check::{Problem, at, expect_header, follows, for_each_line, level, name, number, ordered, shown};
use super::json_read::PortNames;
use super::reduce::{self, Fold, Kept, Plan, Reduced, Scan, Shape, fields};
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

/// timeseries.csv as charts and the page keep it: every series' shape and largest value,
/// and the reductions their plan asked for (never the rows).
pub type Timeseries = Reduced<SeriesKey>;

fn key(port: &str, stage: &str, mode: &str, metric: &str) -> SeriesKey {
    (port.into(), stage.into(), mode.into(), metric.into())
}

/// Reads and checks timeseries.csv (the format [`write_timeseries`] writes) in two
/// streaming passes, keeping only what `plan` asks for given every series' shape: its
/// ports, stages and modes must be those of `ports` (from summary.json), and no row may
/// count more replications than `replications`. `open` opens the file afresh for a pass.
pub fn read_timeseries<R: BufRead>(
    open: &mut dyn FnMut() -> Result<R, Problem>,
    ports: &PortNames,
    replications: u64,
    plan: impl FnOnce(&BTreeMap<SeriesKey, Shape>) -> Plan<SeriesKey>,
) -> Result<Timeseries, Problem> {
    reduce::two_passes(open, scan_timeseries, plan, |r, plan| {
        fold_timeseries(r, ports, replications, plan)
    })
}

/// The first pass: shapes only, nothing checked.
fn scan_timeseries(r: impl BufRead) -> BTreeMap<SeriesKey, Shape> {
    let mut scan = Scan::default();
    // A line it cannot read ends the pass; the second pass refuses it with its line.
    let _ = for_each_line(r, |n, line| {
        let (f, count) = fields::<12>(line);
        if n > 1 && count == 12 {
            scan.row(
                reduce::span(line, f[3], f[6]),
                || key(f[3], f[4], f[5], f[6]),
                || f[1].parse().unwrap_or(f64::NAN),
            );
        }
        Ok(())
    });
    scan.finish()
}

/// The second pass: every row checked (the checks and messages of the reader that held
/// every row), the planned series folded.
fn fold_timeseries(
    r: impl BufRead,
    ports: &PortNames,
    replications: u64,
    plan: Plan<SeriesKey>,
) -> Result<Timeseries, Problem> {
    let mut fold = Fold::new(plan);
    // Interval start of each interval end seen: one entry per report interval, not per row.
    let mut starts: BTreeMap<u64, f64> = BTreeMap::new();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, HEADER);
        }
        let (f, count) = fields::<12>(line);
        if count != 12 {
            return Err(at(n, format!("expected 12 fields, found {count}")));
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
        match starts.get(&end.to_bits()) {
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
        let i = fold.series(reduce::span(line, f[3], f[6]), || key(f[3], f[4], f[5], metric));
        follows(n, fold.last_end(i), start)?;
        fold.push(i, start, end, mean, lo, hi);
        starts.insert(end.to_bits(), start);
        Ok(())
    })?;
    match rows {
        0 => Err(at(1, "the file is empty: expected a header line".into())),
        1 => Err(at(1, "no rows after the header".into())),
        _ => Ok(fold.finish()),
    }
}

impl Timeseries {
    /// What is always kept of the series with these names, if any.
    pub fn get(&self, port: &str, stage: &str, mode: &str, metric: &str) -> Option<&Kept> {
        self.series.get(&key(port, stage, mode, metric))
    }

    /// The series with these names averaged in groups of `group`, if planned.
    pub fn grouped(&self, port: &str, stage: &str, mode: &str, metric: &str, group: usize) -> Option<&Series> {
        self.down(&key(port, stage, mode, metric), group)
    }

    /// Utilization of a stage (busy over open lanes) averaged in groups of `group`, if
    /// planned.
    pub fn utilization(&self, port: &str, stage: &str, group: usize) -> Option<&Series> {
        self.ratio(&key(port, stage, "", "busy"), group)
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

        /// [`CSV`] (or an edit of it) read, keeping every series row by row (groups of 1),
        /// its closed periods and its counts per day.
        pub fn parse_timeseries(text: &str) -> Result<Timeseries, Problem> {
            read_timeseries(&mut || Ok(text.as_bytes()), &names(), 4, |shapes| {
                let mut p = Plan::default();
                for k in shapes.keys() {
                    p.down(k, 1);
                    p.closed(k);
                    p.per_day(k);
                }
                p
            })
        }
    }

    use crate::report::charts::data;
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
        assert!(t.grouped("p", "lane", "", "queue", 1).unwrap().mean[0].is_nan());
        // A file that ends before its header, or after it.
        assert_eq!(
            parse_timeseries("").unwrap_err(),
            at(1, "the file is empty: expected a header line".into())
        );
        assert_eq!(
            parse_timeseries(&format!("{HEADER}\n")).unwrap_err().message,
            "no rows after the header"
        );
    }

    #[test]
    fn series_follow_the_csv() {
        let t = parse_timeseries(CSV).unwrap();
        let q = t.grouped("p", "lane", "", "queue", 1).unwrap();
        assert_eq!(q.x, vec![720.0, 1440.0, 2160.0]);
        assert_eq!(q.mean, vec![2.0, 4.0, 1.0]);
        assert_eq!((q.lo.clone(), q.hi.clone()), (vec![1.0, 3.0, 0.0], vec![3.0, 5.0, 2.0]));
        assert_eq!(t.ports(), vec!["p"]);
        assert_eq!(t.stages_with("p", "queue"), vec!["lane"]);
        assert_eq!(t.modes("p"), vec!["car"]);
    }

    /// `rows` hourly intervals of a port with one stage: queue, busy and open lanes, and a
    /// flow's completions, with values that do not average to round numbers.
    fn hourly(rows: usize) -> String {
        let mut o = format!("{HEADER}\n");
        for i in 0..rows {
            let (a, b) = (i * 60, (i + 1) * 60);
            let q = (i * 7919 % 1000) as f64 / 7.0;
            let open = if i % 24 < 6 { 0 } else { 2 };
            let busy = (i % 3) as f64 * 0.37;
            let mut row = |metric: &str, stage: &str, mode: &str, mean: f64, lo: f64, hi: f64| {
                o.push_str(&format!("{a},{b},t,p,{stage},{mode},{metric},"));
                num(&mut o, Some(mean));
                o.push_str(",0,");
                num(&mut o, Some(lo));
                o.push(',');
                num(&mut o, Some(hi));
                o.push_str(",4\n");
            };
            row("queue", "lane", "", q, q * 0.5, q * 1.5);
            row("busy", "lane", "", busy, busy, busy);
            row("servers_open", "lane", "", open as f64, open as f64, open as f64);
            row(
                "completed",
                "",
                "car",
                (i % 11) as f64,
                (i % 11) as f64,
                (i % 11) as f64,
            );
        }
        o
    }

    /// The series of `text` with every row, parsed directly (what the reader used to hold).
    fn whole(text: &str, metric: &str) -> Series {
        let mut s = Series::default();
        for line in text.lines().skip(1).filter(|l| l.split(',').nth(6) == Some(metric)) {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap_or(f64::NAN)).collect();
            s.x.push(f[1]);
            s.mean.push(f[7]);
            s.lo.push(f[9]);
            s.hi.push(f[10]);
        }
        s
    }

    fn same(a: &Series, b: &Series) -> bool {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        bits(&a.x) == bits(&b.x)
            && bits(&a.mean) == bits(&b.mean)
            && bits(&a.lo) == bits(&b.lo)
            && bits(&a.hi) == bits(&b.hi)
    }

    #[test]
    fn the_reader_keeps_the_points_drawn_not_the_rows() {
        // Ten years of hourly rows.
        let rows = 87_600;
        let text = hourly(rows);
        let t = read_timeseries(&mut || Ok(text.as_bytes()), &sample::names(), 4, |shapes| {
            let mut p = Plan::default();
            for (k, s) in shapes {
                p.down(k, s.group(600));
                if k.3 == "busy" {
                    let open = (k.0.clone(), k.1.clone(), String::new(), "servers_open".to_string());
                    p.ratio(k, &open, s.group(600));
                }
            }
            p
        })
        .unwrap();
        let queue = t.get("p", "lane", "", "queue").unwrap();
        assert_eq!(queue.shape.len, rows);
        assert_eq!(queue.shape.interval(), 60.0);
        let g = queue.shape.group(600);
        assert_eq!(g, 168, "weekly averages");
        for (k, kept) in &t.series {
            let kept_points = t.down(k, kept.shape.group(600)).unwrap().x.len();
            assert!(kept_points <= 600, "{k:?} keeps {kept_points} points of {rows} rows");
        }
        // The same points, to the bit, as averaging the whole series.
        let full = whole(&text, "queue");
        assert_eq!(full.x.len(), rows);
        assert!(same(
            t.grouped("p", "lane", "", "queue", g).unwrap(),
            &data::downsample(&full, g).0
        ));
        assert_eq!(queue.max, full.max());
        // Utilization, folded as busy and open rows pair up, is the ratio of the whole series
        // averaged.
        let (busy, open) = (whole(&text, "busy"), whole(&text, "servers_open"));
        let ratio = Series {
            x: busy.x.clone(),
            mean: busy
                .mean
                .iter()
                .zip(&open.mean)
                .map(|(b, o)| data::busy_share(*b, *o))
                .collect(),
            ..Series::default()
        };
        assert!(same(
            t.utilization("p", "lane", g).unwrap(),
            &data::downsample(&ratio, g).0
        ));
    }

    #[test]
    fn a_file_that_changes_between_the_passes_is_refused() {
        let (a, b) = (hourly(30), hourly(31));
        let mut reads = 0;
        let mut open = || {
            reads += 1;
            Ok(if reads == 1 { a.as_bytes() } else { b.as_bytes() })
        };
        let p = read_timeseries(&mut open, &sample::names(), 4, |_| Plan::default()).unwrap_err();
        assert!(p.message.contains("changed while it was being read"), "{p:?}");
    }
}
