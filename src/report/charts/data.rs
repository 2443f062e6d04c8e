//! What each chart shows, prepared from the saved output files (timeseries.csv,
//! summary.json, distribution.csv, comparison.json, compare_timeseries.csv) so that
//! `bordersim chart DIR` draws exactly what `run` and `compare` drew. No drawing here.
//!
//! Those files may have been edited or damaged since they were written, so every value a
//! chart uses is checked on the way in: header, field count, finite non-negative numbers,
//! times that move forward within a series, fractions within [0, 1], and names that match
//! the JSON file beside them. A bad row is refused with its line and field
//! ([`Problem`]), never drawn.

use crate::engine::StartInstant;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

/// Longest line read from a results CSV; the files bordersim writes stay far below it.
pub const MAX_LINE: usize = 64 * 1024;

/// Longest port, stage, mode, variant or metric name accepted in a results file: longer
/// than any scenario allows, short enough to keep titles and file names sane.
pub const MAX_NAME: usize = 256;

/// Longest scenario name accepted from summary.json or comparison.json (it only titles charts).
pub const MAX_TITLE: usize = 1024;

/// Slack for values that were rounded to six decimals when written.
const ROUNDING: f64 = 1e-6;

/// What is wrong in a results file and where: the 1-based line of a CSV file, or none for a
/// JSON file (whose message names the field instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line, for CSV files.
    pub line: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
}

fn at(line: usize, message: String) -> Problem {
    Problem {
        line: Some(line),
        message,
    }
}

fn json_problem(message: String) -> Problem {
    Problem { line: None, message }
}

/// A value from the file, shortened and with control characters escaped, for a message.
fn shown(s: &str) -> String {
    let mut o: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().count() > 40 {
        o.push('…');
    }
    format!("`{o}`")
}

/// Calls `f` with each line (without its line break) and its 1-based number, refusing
/// lines longer than [`MAX_LINE`] and text that is not UTF-8, so a damaged file is never
/// read whole into memory.
fn for_each_line(mut r: impl BufRead, mut f: impl FnMut(usize, &str) -> Result<(), Problem>) -> Result<usize, Problem> {
    let mut buf = Vec::with_capacity(256);
    let mut n = 0;
    loop {
        buf.clear();
        let got = std::io::Read::take(&mut r, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| at(n + 1, format!("cannot read: {e}")))?;
        if got == 0 {
            return Ok(n);
        }
        n += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        } else if got > MAX_LINE {
            return Err(at(n, format!("line longer than {MAX_LINE} bytes")));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| at(n, "not UTF-8 text".into()))?;
        f(n, line)?;
    }
}

/// A required number field: finite and at least `min`.
fn number(line: usize, field: &str, s: &str, min: f64) -> Result<f64, Problem> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= min => Ok(v),
        Ok(v) if v.is_finite() => Err(at(
            line,
            format!("field {field}: must be at least {}, got {}", min.max(0.0), shown(s)),
        )),
        _ => Err(at(
            line,
            format!("field {field}: must be a finite number, got {}", shown(s)),
        )),
    }
}

/// An optional number field: empty (no value, drawn as a gap) or finite and not negative
/// beyond rounding. `NaN` stands for "empty" in the parsed series.
fn level(line: usize, field: &str, s: &str) -> Result<f64, Problem> {
    if s.is_empty() {
        return Ok(f64::NAN);
    }
    number(line, field, s, -ROUNDING).map(|v| v.max(0.0))
}

/// A name field: letters, digits, `_` and `-` only (what scenario names allow), at most
/// [`MAX_NAME`] characters; empty only where `empty_ok`.
fn name(line: usize, field: &str, s: &str, empty_ok: bool) -> Result<(), Problem> {
    let ok = (empty_ok || !s.is_empty())
        && s.chars().count() <= MAX_NAME
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(at(
            line,
            format!(
                "field {field}: must be a name of letters, digits, '_' and '-' (at most {MAX_NAME}){}, got {}",
                if empty_ok { " or empty" } else { "" },
                shown(s)
            ),
        ))
    }
}

/// Checks the min <= mean <= max order of a row (each rounded to six decimals when written).
fn ordered(line: usize, mean: f64, lo: f64, hi: f64) -> Result<(), Problem> {
    let slack = |a: f64, b: f64| ROUNDING * a.abs().max(b.abs()).max(1.0);
    let bad = |what: &str| at(line, format!("fields min, mean, max: {what}"));
    if lo.is_finite() && hi.is_finite() && lo > hi + slack(lo, hi) {
        return Err(bad("min is larger than max"));
    }
    if mean.is_finite() && lo.is_finite() && mean < lo - slack(mean, lo) {
        return Err(bad("mean is below min"));
    }
    if mean.is_finite() && hi.is_finite() && mean > hi + slack(mean, hi) {
        return Err(bad("mean is above max"));
    }
    Ok(())
}

/// Checks that a row's interval follows the previous row of its series: it starts at or
/// after that row's end and ends later.
fn follows(line: usize, s: &Series, start: f64) -> Result<(), Problem> {
    match s.x.last() {
        Some(&prev) if start < prev => Err(at(
            line,
            format!(
                "field interval_start_min: {start} is before the end of this series' previous interval ({prev}): rows of a series must move forward in time"
            ),
        )),
        _ => Ok(()),
    }
}

/// Ports of a run, with their stages and modes, as summary.json names them.
pub type PortNames = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

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

/// The first line of a CSV file must be its header exactly.
fn expect_header(line: &str, header: &str) -> Result<(), Problem> {
    if line == header {
        Ok(())
    } else {
        Err(at(1, format!("unexpected header {}: expected {header}", shown(line))))
    }
}

/// Parses and checks timeseries.csv (the format [`crate::report::csv::write_timeseries`]
/// writes): its ports, stages and modes must be those of `ports` (from summary.json), and
/// no row may count more replications than `replications`.
pub fn parse_timeseries(r: impl BufRead, ports: &PortNames, replications: u64) -> Result<Timeseries, Problem> {
    let mut t = Timeseries::default();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, crate::report::csv::HEADER);
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
        use crate::model::registry::{SeriesLevel, SeriesMetric};
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
        follows(n, s, start)?;
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
            return expect_header(line, crate::report::distribution::HEADER);
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

/// The JSON value at a dotted `path` below `v` (`None` where a step is missing).
fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// A required string field, at most `max` characters and free of control characters.
fn text<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a str, Problem> {
    let s = get(v, path)
        .and_then(Value::as_str)
        .ok_or_else(|| json_problem(format!("field {path}: must be a string")))?;
    if s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(json_problem(format!(
            "field {path}: must be at most {max} characters without control characters, got {}",
            shown(s)
        )));
    }
    Ok(s)
}

/// A JSON name (see [`name`]) at `path`.
fn json_name(s: &str, path: &str, empty_ok: bool) -> Result<(), Problem> {
    name(0, path, s, empty_ok).map_err(|p| json_problem(p.message))
}

/// An optional number, named `label` in messages: absent or null gives `None`; otherwise
/// it must be finite and at least `min`.
fn opt_number(x: Option<&Value>, label: &str, min: f64) -> Result<Option<f64>, Problem> {
    match x {
        None | Some(Value::Null) => Ok(None),
        Some(x) => match x.as_f64() {
            Some(f) if f.is_finite() && f >= min => Ok(Some(f)),
            _ => Err(json_problem(format!(
                "field {label}: must be a finite number{}, got {}",
                if min == 0.0 { " of at least 0" } else { "" },
                shown(&x.to_string())
            ))),
        },
    }
}

/// The keys of the object at `path` (none when absent), each checked as a name.
fn keys(v: &Value, path: &str) -> Result<BTreeSet<String>, Problem> {
    match get(v, path) {
        None | Some(Value::Null) => Ok(BTreeSet::new()),
        Some(Value::Object(m)) => m
            .keys()
            .map(|k| json_name(k, &format!("{path}.{k}"), false).map(|_| k.clone()))
            .collect(),
        Some(_) => Err(json_problem(format!("field {path}: must be an object"))),
    }
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
    /// Replications the results hold.
    pub replications: u64,
    /// Ports, with their stages and modes: the only names the CSV files may use.
    pub ports: PortNames,
    /// Per port: (p50, p95) of time in system over all modes, minutes.
    pub quantiles: BTreeMap<String, (f64, f64)>,
    /// Per port: driver pool size.
    pub drivers: BTreeMap<String, f64>,
}

fn parse_json(text: &str) -> Result<Value, Problem> {
    let v: Value = serde_json::from_str(text).map_err(|e| Problem {
        line: Some(e.line()),
        message: format!("not valid JSON: {e}"),
    })?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(json_problem("must hold a JSON object".into()))
    }
}

/// Reads and checks what the charts need from summary.json.
pub fn parse_summary(json: &str) -> Result<RunInfo, Problem> {
    let v = parse_json(json)?;
    let name = text(&v, "scenario.name", MAX_TITLE)?.to_string();
    let variant = text(&v, "scenario.variant", MAX_NAME)?;
    json_name(variant, "scenario.variant", false)?;
    let start = StartInstant::parse(text(&v, "scenario.start", 64)?)
        .map_err(|e| json_problem(format!("field scenario.start: {e}")))?;
    let replications = get(&v, "scenario.replications")
        .and_then(Value::as_u64)
        .ok_or_else(|| json_problem("field scenario.replications: must be a whole number".into()))?;
    let mut ports = PortNames::new();
    let mut quantiles = BTreeMap::new();
    let mut drivers = BTreeMap::new();
    for port in keys(&v, "ports")? {
        // Port names hold no '.', so the dotted paths below are unambiguous.
        let at = |rest: &str| format!("ports.{port}.{rest}");
        let stages = keys(&v, &at("stages"))?;
        let modes = keys(&v, &at("modes"))?;
        let num = |rest: &str| opt_number(get(&v, &at(rest)), &at(rest), 0.0);
        let q = |m: &str| num(&format!("totals.{m}.mean")).map(|x| x.unwrap_or(f64::NAN));
        quantiles.insert(
            port.clone(),
            (q("time_in_system_p50_min")?, q("time_in_system_p95_min")?),
        );
        if let Some(d) = num("drivers.drivers.mean")? {
            drivers.insert(port.clone(), d);
        }
        ports.insert(port, (stages, modes));
    }
    if ports.is_empty() {
        return Err(json_problem("field ports: must name at least one port".into()));
    }
    Ok(RunInfo {
        name,
        variant: variant.to_string(),
        start,
        replications,
        ports,
        quantiles,
        drivers,
    })
}

/// A mean with its 95 % half-width (0 when the file gives none).
pub type Interval = (f64, f64);

/// One row of comparison.json, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// Variant name, one of the file's variants.
    pub variant: String,
    /// Port name.
    pub port: String,
    /// Stage name or empty.
    pub stage: String,
    /// Mode name or empty.
    pub mode: String,
    /// Metric name.
    pub metric: String,
    /// The variant's value.
    pub value: Option<Interval>,
    /// The paired difference from the baseline.
    pub diff: Option<Interval>,
    /// Whether the difference's interval excludes zero.
    pub significant: bool,
}

/// What the comparison charts need from comparison.json.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareInfo {
    /// Scenario name.
    pub name: String,
    /// Calendar start, when recorded.
    pub start: Option<StartInstant>,
    /// Variant names, baseline first.
    pub variants: Vec<String>,
    /// Ports in row order.
    pub ports: Vec<String>,
    /// Every row.
    pub rows: Vec<CompareRow>,
}

/// Reads and checks comparison.json: names, variants every row refers to, finite values,
/// non-negative half-widths, utilizations within [0, 1].
pub fn parse_comparison(text_in: &str) -> Result<CompareInfo, Problem> {
    let v = parse_json(text_in)?;
    let name = text(&v, "name", MAX_TITLE)?.to_string();
    let start = match get(&v, "start") {
        None | Some(Value::Null) => None,
        Some(_) => {
            Some(StartInstant::parse(text(&v, "start", 64)?).map_err(|e| json_problem(format!("field start: {e}")))?)
        }
    };
    let list = |key: &str| match get(&v, key) {
        Some(Value::Array(a)) => Ok(a),
        _ => Err(json_problem(format!("field {key}: must be an array"))),
    };
    let mut variants = Vec::new();
    for (i, x) in list("variants")?.iter().enumerate() {
        let path = format!("variants[{i}].name");
        let n = x
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| json_problem(format!("field {path}: must be a string")))?;
        json_name(n, &path, false)?;
        if variants.iter().any(|v| v == n) {
            return Err(json_problem(format!(
                "field {path}: variant {} is listed twice",
                shown(n)
            )));
        }
        variants.push(n.to_string());
    }
    if variants.is_empty() {
        return Err(json_problem("field variants: must name at least one variant".into()));
    }
    let mut rows = Vec::new();
    let mut ports: Vec<String> = Vec::new();
    for (i, r) in list("rows")?.iter().enumerate() {
        let path = |k: &str| format!("rows[{i}].{k}");
        let field = |k: &str, empty_ok: bool| -> Result<String, Problem> {
            let s = r
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| json_problem(format!("field {}: must be a string", path(k))))?;
            json_name(s, &path(k), empty_ok)?;
            Ok(s.to_string())
        };
        let variant = field("variant", false)?;
        if !variants.contains(&variant) {
            return Err(json_problem(format!(
                "field {}: {} is not one of the file's variants",
                path("variant"),
                shown(&variant)
            )));
        }
        let metric = field("metric", false)?;
        let fraction = metric == "utilization";
        let estimate = |k: &str, diff: bool| -> Result<Option<Interval>, Problem> {
            match r.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(e @ Value::Object(_)) => {
                    let mean_at = path(&format!("{k}.mean"));
                    let mean = opt_number(e.get("mean"), &mean_at, f64::NEG_INFINITY)?
                        .ok_or_else(|| json_problem(format!("field {mean_at}: must be a finite number")))?;
                    let ci = opt_number(e.get("ci95"), &path(&format!("{k}.ci95")), 0.0)?.unwrap_or(0.0);
                    let (lo, hi) = match (diff, fraction) {
                        (false, true) => (0.0, 1.0),
                        (false, false) => (-ROUNDING, f64::INFINITY),
                        (true, true) => (-1.0, 1.0),
                        (true, false) => (f64::NEG_INFINITY, f64::INFINITY),
                    };
                    if mean < lo || mean > hi {
                        return Err(json_problem(format!(
                            "field {}: {mean} is outside {lo}..{hi}",
                            path(&format!("{k}.mean"))
                        )));
                    }
                    Ok(Some((mean, ci)))
                }
                Some(_) => Err(json_problem(format!("field {}: must be an object or null", path(k)))),
            }
        };
        let significant = match r.get("significant") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(json_problem(format!(
                    "field {}: must be true, false or null",
                    path("significant")
                )));
            }
        };
        let row = CompareRow {
            port: field("port", false)?,
            stage: field("stage", true)?,
            mode: field("mode", true)?,
            value: estimate("value", false)?,
            diff: estimate("diff", true)?,
            variant,
            metric,
            significant,
        };
        if !ports.contains(&row.port) {
            ports.push(row.port.clone());
        }
        rows.push(row);
    }
    Ok(CompareInfo {
        name,
        start,
        variants,
        ports,
        rows,
    })
}

/// Parses and checks compare_timeseries.csv against the variants and ports of
/// comparison.json; returns the queue series by (port, stage, variant).
pub fn parse_compare_series(
    r: impl BufRead,
    info: &CompareInfo,
) -> Result<BTreeMap<(String, String, String), Series>, Problem> {
    let header = crate::report::compare::SERIES_HEADER;
    let mut all: BTreeMap<(String, String, String, String), Series> = BTreeMap::new();
    let rows = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, header);
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 9 {
            return Err(at(n, format!("expected 9 fields, found {}", f.len())));
        }
        name(n, "variant", f[0], false)?;
        if !info.variants.iter().any(|v| v == f[0]) {
            return Err(at(
                n,
                format!("field variant: {} is not a variant of comparison.json", shown(f[0])),
            ));
        }
        let start = number(n, "interval_start_min", f[1], 0.0)?;
        let end = number(n, "interval_end_min", f[2], 0.0)?;
        if end <= start {
            return Err(at(
                n,
                format!("field interval_end_min: {end} is not after interval_start_min {start}"),
            ));
        }
        name(n, "port", f[3], false)?;
        if !info.ports.iter().any(|p| p == f[3]) {
            return Err(at(
                n,
                format!("field port: {} is not a port of comparison.json", shown(f[3])),
            ));
        }
        name(n, "stage", f[4], true)?;
        match f[5] {
            "queue" if !f[4].is_empty() => {}
            "in_system" if f[4].is_empty() => {}
            "queue" | "in_system" => {
                return Err(at(
                    n,
                    format!("field stage: {} does not fit metric {}", shown(f[4]), f[5]),
                ));
            }
            m => return Err(at(n, format!("field metric: unknown metric {}", shown(m)))),
        }
        let mean = level(n, "mean", f[6])?;
        let (lo, hi) = (level(n, "min", f[7])?, level(n, "max", f[8])?);
        ordered(n, mean, lo, hi)?;
        let s = all
            .entry((f[3].to_string(), f[4].to_string(), f[0].to_string(), f[5].to_string()))
            .or_default();
        follows(n, s, start)?;
        s.x.push(end);
        s.mean.push(mean);
        s.lo.push(lo);
        s.hi.push(hi);
        Ok(())
    })?;
    if rows == 0 {
        return Err(at(1, "the file is empty: expected a header line".into()));
    }
    Ok(all
        .into_iter()
        .filter(|(k, _)| k.3 == "queue")
        .map(|((p, s, v, _), mut series)| {
            // The comparison chart draws the mean only.
            series.lo.clear();
            series.hi.clear();
            ((p, s, v), series)
        })
        .collect())
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

    fn names() -> PortNames {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        PortNames::from([("p".to_string(), (set(&["lane"]), set(&["car"])))])
    }

    fn parse_timeseries(text: &str) -> Result<Timeseries, Problem> {
        super::parse_timeseries(text.as_bytes(), &names(), 4)
    }

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
    fn distribution_fractions_stay_within_zero_and_one() {
        let head = crate::report::distribution::HEADER;
        let ok = format!("{head}\np,car,0,0\np,car,5,0.5\np,car,9,1\np,,9,1\n");
        assert_eq!(parse_distribution(ok.as_bytes(), &names()).unwrap().len(), 2);
        let p = parse_distribution(ok.replace(",9,1", ",9,1.01").as_bytes(), &names()).unwrap_err();
        assert_eq!(p.line, Some(4));
        let p = parse_distribution(ok.replace(",5,0.5", ",5,-0.5").as_bytes(), &names()).unwrap_err();
        assert_eq!(p.line, Some(3));
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
