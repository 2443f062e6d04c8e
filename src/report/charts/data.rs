//! What each chart shows, prepared from the series read back from the saved output files
//! (the readers live beside their writers: csv.rs, distribution.rs, json_read.rs,
//! compare_read.rs), so that `bordersim chart DIR` draws exactly what `run` and `compare`
//! drew. No reading and no drawing here.

use crate::report::csv::Series;
use std::collections::BTreeMap;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::tests::sample::{CSV, parse_timeseries};

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
