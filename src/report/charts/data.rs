//! What each chart shows, prepared from the saved output files (timeseries.csv,
//! summary.json, distribution.csv, comparison.json, compare_timeseries.csv) so that
//! `bordersim chart DIR` draws exactly what `run` and `compare` drew. No drawing here.

use crate::engine::StartInstant;
use std::collections::BTreeMap;

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

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// Parses timeseries.csv (the format [`crate::report::csv::write_timeseries`] writes).
pub fn parse_timeseries(text: &str) -> Result<Timeseries, String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("timeseries.csv is empty")?;
    if header != crate::report::csv::HEADER {
        return Err(format!("timeseries.csv has an unexpected header: {header}"));
    }
    let mut t = Timeseries::default();
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 12 {
            return Err(format!(
                "timeseries.csv line {}: expected 12 fields, found {}",
                i + 2,
                f.len()
            ));
        }
        let (start, end) = (num(f[0]), num(f[1]));
        let key = (f[3].to_string(), f[4].to_string(), f[5].to_string(), f[6].to_string());
        let s = t.series.entry(key).or_default();
        s.x.push(end);
        s.mean.push(num(f[7]));
        s.lo.push(num(f[9]));
        s.hi.push(num(f[10]));
        t.starts.insert(end.to_bits(), start);
    }
    Ok(t)
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

/// How many consecutive rows of `interval` minutes to average so that `n` rows make at
/// most `max_points` points, rounded up to a span people read easily (hours, a day, a week).
pub fn group_size(n: usize, interval: f64, max_points: usize) -> usize {
    let need = n.div_ceil(max_points.max(1)).max(1);
    if need == 1 || interval.is_nan() || interval <= 0.0 {
        return need;
    }
    const NICE: [f64; 12] = [
        60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0, 10080.0, 20160.0, 43200.0, 129600.0, 525600.0,
    ];
    NICE.iter()
        .map(|span| (span / interval).round() as usize)
        .find(|&g| g >= need)
        .unwrap_or(need)
}

/// Averages consecutive rows in groups of `group` (mean, lowest and highest each averaged,
/// ignoring gaps), so a year of hourly rows reads as daily averages instead of a solid
/// smear. Returns the series and the group size.
pub fn downsample(s: &Series, group: usize) -> (Series, usize) {
    let n = s.x.len();
    let group = group.max(1);
    if group == 1 {
        return (s.clone(), 1);
    }
    let avg = |v: &[f64]| {
        let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if finite.is_empty() {
            f64::NAN
        } else {
            finite.iter().sum::<f64>() / finite.len() as f64
        }
    };
    let mut out = Series::default();
    for start in (0..n).step_by(group) {
        let end = (start + group).min(n);
        out.x.push(s.x[end - 1]);
        out.mean.push(avg(&s.mean[start..end]));
        if !s.lo.is_empty() {
            out.lo.push(avg(&s.lo[start..end]));
            out.hi.push(avg(&s.hi[start..end]));
        }
    }
    (out, group)
}

/// Stretches of time when a stage had no server open (mean open servers 0 over the
/// interval), merged, for shading.
pub fn closed_periods(open: &Series, starts: &BTreeMap<u64, f64>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, &end) in open.x.iter().enumerate() {
        if open.mean[i] == 0.0 {
            let start = starts.get(&end.to_bits()).copied().unwrap_or(end);
            match out.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => out.push((start, end)),
            }
        }
    }
    out
}

/// Utilization over time: mean busy servers over mean open servers per interval; `NaN`
/// (a gap) where no server was open.
pub fn utilization(busy: &Series, open: &Series) -> Series {
    let ratio = |b: f64, o: f64| if o > 0.0 { (b / o).min(1.0) } else { f64::NAN };
    Series {
        x: busy.x.clone(),
        mean: busy.mean.iter().zip(&open.mean).map(|(b, o)| ratio(*b, *o)).collect(),
        lo: Vec::new(),
        hi: Vec::new(),
    }
}

/// Counts per interval turned into counts per day: intervals up to a day long are summed
/// into calendar days from the start; longer intervals are scaled to a daily rate. Returns
/// (day start in minutes, per day).
pub fn per_day(counts: &Series, starts: &BTreeMap<u64, f64>) -> Vec<(f64, f64)> {
    let mut days: BTreeMap<i64, f64> = BTreeMap::new();
    let mut long: Vec<(f64, f64)> = Vec::new();
    for (i, &end) in counts.x.iter().enumerate() {
        let start = starts.get(&end.to_bits()).copied().unwrap_or(0.0);
        let len = end - start;
        if len > 1440.0 + 1e-9 {
            long.push((start, counts.mean[i] * 1440.0 / len));
        } else {
            *days.entry((start / 1440.0).floor() as i64).or_default() += counts.mean[i];
        }
    }
    let mut out: Vec<(f64, f64)> = days.into_iter().map(|(d, v)| (d as f64 * 1440.0, v)).collect();
    out.extend(long);
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// One point of a CDF: time in system (minutes), fraction of consignments at or below it.
pub type CdfPoint = (f64, f64);

/// distribution.csv, parsed: CDF points by (port, mode); mode "" is the port total.
pub fn parse_distribution(text: &str) -> Result<BTreeMap<(String, String), Vec<CdfPoint>>, String> {
    let mut out: BTreeMap<(String, String), Vec<CdfPoint>> = BTreeMap::new();
    let mut lines = text.lines();
    if lines.next() != Some(crate::report::distribution::HEADER) {
        return Err("distribution.csv has an unexpected header".into());
    }
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 4 {
            return Err(format!("distribution.csv line {}: expected 4 fields", i + 2));
        }
        out.entry((f[0].into(), f[1].into()))
            .or_default()
            .push((num(f[2]), num(f[3])));
    }
    Ok(out)
}

/// The scenario facts charts need from summary.json.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Scenario name.
    pub name: String,
    /// Variant run.
    pub variant: String,
    /// Calendar start.
    pub start: StartInstant,
    /// Per port: (p50, p95) of time in system over all modes, minutes.
    pub quantiles: BTreeMap<String, (f64, f64)>,
    /// Per port: driver pool size.
    pub drivers: BTreeMap<String, f64>,
}

/// Reads what the charts need from summary.json.
pub fn parse_summary(text: &str) -> Result<RunInfo, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("summary.json: {e}"))?;
    let sc = &v["scenario"];
    let start =
        StartInstant::parse(sc["start"].as_str().unwrap_or("2025-01-01")).map_err(|e| format!("summary.json: {e}"))?;
    let mut quantiles = BTreeMap::new();
    let mut drivers = BTreeMap::new();
    if let Some(ports) = v["ports"].as_object() {
        for (name, p) in ports {
            let q = |m: &str| p["totals"][m]["mean"].as_f64().unwrap_or(f64::NAN);
            quantiles.insert(name.clone(), (q("time_in_system_p50_min"), q("time_in_system_p95_min")));
            if let Some(d) = p["drivers"]["drivers"]["mean"].as_f64() {
                drivers.insert(name.clone(), d);
            }
        }
    }
    Ok(RunInfo {
        name: sc["name"].as_str().unwrap_or("scenario").to_string(),
        variant: sc["variant"].as_str().unwrap_or("baseline").to_string(),
        start,
        quantiles,
        drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str =
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

    #[test]
    fn daily_throughput_sums_intervals_into_days() {
        let t = parse_timeseries(CSV).unwrap();
        let done = t.get("p", "", "car", "completed").unwrap();
        assert_eq!(per_day(done, &t.starts), vec![(0.0, 40.0), (1440.0, 5.0)]);
    }

    #[test]
    fn downsampling_averages_groups() {
        let s = Series {
            x: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            mean: vec![1.0, 3.0, f64::NAN, 5.0, 7.0],
            lo: vec![0.0; 5],
            hi: vec![2.0; 5],
        };
        let (d, g) = downsample(&s, 2);
        assert_eq!(g, 2);
        assert_eq!(d.x, vec![2.0, 4.0, 5.0]);
        assert_eq!(d.mean, vec![2.0, 5.0, 7.0]);
        assert_eq!(d.hi, vec![2.0, 2.0, 2.0]);
        assert_eq!(downsample(&s, 1).0.x, s.x);
        // A year of hourly rows in at most 600 points: daily averages.
        assert_eq!(group_size(8760, 60.0, 600), 24);
        assert_eq!(group_size(500, 60.0, 600), 1);
        // Ten years of hourly rows: weekly averages.
        assert_eq!(group_size(87600, 60.0, 600), 168);
    }

    #[test]
    fn closed_periods_and_utilization_gaps() {
        let t = parse_timeseries(CSV).unwrap();
        let open = t.get("p", "lane", "", "servers_open").unwrap();
        assert_eq!(closed_periods(open, &t.starts), vec![(0.0, 720.0), (1440.0, 2160.0)]);
        let busy = Series {
            x: open.x.clone(),
            mean: vec![0.0, 1.0, 0.0],
            ..Series::default()
        };
        let u = utilization(&busy, open);
        assert!(u.mean[0].is_nan() && u.mean[2].is_nan());
        assert_eq!(u.mean[1], 0.5);
    }
}
