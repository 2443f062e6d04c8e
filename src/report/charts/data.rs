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
    let group = group.max(1);
    if group == 1 {
        return (s.clone(), 1);
    }
    let band = !s.lo.is_empty();
    let mut d = Downsampler::new(group, band);
    for (i, (&x, &mean)) in s.x.iter().zip(&s.mean).enumerate() {
        let (lo, hi) = if band { (s.lo[i], s.hi[i]) } else { (f64::NAN, f64::NAN) };
        d.push(x, mean, lo, hi);
    }
    (d.finish(), group)
}

/// The mean of the finite values pushed since the last take, summed in order from -0.0 as
/// `Iterator::sum` sums (so a group averaged row by row equals one averaged whole).
#[derive(Debug, Clone, Copy)]
struct Mean {
    sum: f64,
    n: usize,
}

impl Mean {
    const EMPTY: Mean = Mean { sum: -0.0, n: 0 };

    fn push(&mut self, v: f64) {
        if v.is_finite() {
            self.sum += v;
            self.n += 1;
        }
    }

    fn take(&mut self) -> f64 {
        let v = if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        };
        *self = Mean::EMPTY;
        v
    }
}

/// [`downsample`] row by row: a reader keeps the group being filled and the points made,
/// never the rows.
#[derive(Debug, Clone)]
pub struct Downsampler {
    group: usize,
    band: bool,
    out: Series,
    rows: usize,
    x: f64,
    sums: [Mean; 3],
}

impl Downsampler {
    /// Averages of `group` rows; of the band (lowest and highest) too when `band`.
    pub fn new(group: usize, band: bool) -> Self {
        Downsampler {
            group: group.max(1),
            band,
            out: Series::default(),
            rows: 0,
            x: f64::NAN,
            sums: [Mean::EMPTY; 3],
        }
    }

    /// The group size.
    pub fn group(&self) -> usize {
        self.group
    }

    /// The next row: interval end, mean, lowest and highest.
    pub fn push(&mut self, x: f64, mean: f64, lo: f64, hi: f64) {
        if self.group == 1 {
            // Rows drawn as they are.
            self.out.x.push(x);
            self.out.mean.push(mean);
            if self.band {
                self.out.lo.push(lo);
                self.out.hi.push(hi);
            }
            return;
        }
        self.x = x;
        self.sums[0].push(mean);
        self.sums[1].push(lo);
        self.sums[2].push(hi);
        self.rows += 1;
        if self.rows == self.group {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.out.x.push(self.x);
        self.out.mean.push(self.sums[0].take());
        let (lo, hi) = (self.sums[1].take(), self.sums[2].take());
        if self.band {
            self.out.lo.push(lo);
            self.out.hi.push(hi);
        }
        self.rows = 0;
    }

    /// The points, the last group possibly short.
    pub fn finish(mut self) -> Series {
        if self.rows > 0 {
            self.flush();
        }
        self.out
    }
}

/// Stretches of time when a stage had no server open (mean open servers 0 over the
/// interval), merged, for shading; fed row by row.
#[derive(Debug, Clone, Default)]
pub struct ClosedPeriods(Vec<(f64, f64)>);

impl ClosedPeriods {
    /// The next row of open servers: interval `start..end` and its mean.
    pub fn push(&mut self, start: f64, end: f64, open: f64) {
        if open == 0.0 {
            match self.0.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => self.0.push((start, end)),
            }
        }
    }

    /// The stretches, in time order.
    pub fn finish(self) -> Vec<(f64, f64)> {
        self.0
    }
}

/// Utilization of an interval: mean busy servers over mean open servers, at most 1; `NaN`
/// (a gap) where no server was open.
pub fn busy_share(busy: f64, open: f64) -> f64 {
    if open > 0.0 { (busy / open).min(1.0) } else { f64::NAN }
}

/// Counts per interval turned into counts per day, fed row by row: intervals up to a day
/// long are summed into calendar days from the start; longer intervals are scaled to a
/// daily rate.
#[derive(Debug, Clone, Default)]
pub struct PerDay {
    days: BTreeMap<i64, f64>,
    long: Vec<(f64, f64)>,
}

impl PerDay {
    /// The next row: interval `start..end` and its count.
    pub fn push(&mut self, start: f64, end: f64, count: f64) {
        let len = end - start;
        if len > 1440.0 + 1e-9 {
            self.long.push((start, count * 1440.0 / len));
        } else {
            *self.days.entry((start / 1440.0).floor() as i64).or_default() += count;
        }
    }

    /// (day start in minutes, per day), in time order.
    pub fn finish(self) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = self.days.into_iter().map(|(d, v)| (d as f64 * 1440.0, v)).collect();
        out.extend(self.long);
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::tests::sample::{CSV, parse_timeseries};

    #[test]
    fn daily_throughput_sums_intervals_into_days() {
        let t = parse_timeseries(CSV).unwrap();
        let done = t.get("p", "", "car", "completed").unwrap();
        assert_eq!(done.per_day, vec![(0.0, 40.0), (1440.0, 5.0)]);
        // Intervals longer than a day are scaled to a daily rate.
        let mut d = PerDay::default();
        d.push(0.0, 2880.0, 10.0);
        d.push(2880.0, 3600.0, 3.0);
        assert_eq!(d.finish(), vec![(0.0, 5.0), (2880.0, 3.0)]);
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
        assert_eq!(open.closed, vec![(0.0, 720.0), (1440.0, 2160.0)]);
        assert!(busy_share(0.0, 0.0).is_nan());
        assert_eq!(busy_share(1.0, 2.0), 0.5);
        assert_eq!(busy_share(3.0, 2.0), 1.0);
    }

    #[test]
    fn downsampling_row_by_row_is_downsampling_whole() {
        let s = Series {
            x: (1..=7).map(f64::from).collect(),
            mean: vec![0.1, 0.2, f64::NAN, 0.3, -0.0, 0.7, 0.9],
            lo: vec![0.0, 0.1, 0.1, f64::NAN, 0.0, 0.5, 0.8],
            hi: vec![0.2, 0.3, 0.3, 0.4, 0.0, 0.9, 1.0],
        };
        for g in 2..=8 {
            let mut d = Downsampler::new(g, true);
            for i in 0..s.x.len() {
                d.push(s.x[i], s.mean[i], s.lo[i], s.hi[i]);
            }
            let (a, b) = (d.finish(), downsample(&s, g).0);
            // Each group averaged as `Iterator::sum` sums a whole group: the same bits.
            let whole = |v: &[f64]| -> Vec<u64> {
                v.chunks(g)
                    .map(|c| {
                        let part: Vec<f64> = c.iter().copied().filter(|x| x.is_finite()).collect();
                        (part.iter().sum::<f64>() / part.len() as f64).to_bits()
                    })
                    .collect()
            };
            let bits = |v: &[f64]| -> Vec<u64> { v.iter().map(|x| x.to_bits()).collect() };
            assert_eq!(a.x, b.x);
            for (got, src) in [(&a.mean, &s.mean), (&a.lo, &s.lo), (&a.hi, &s.hi)] {
                assert_eq!(bits(got), whole(src));
            }
            for (got, src) in [(&b.mean, &s.mean), (&b.lo, &s.lo), (&b.hi, &s.hi)] {
                assert_eq!(bits(got), whole(src));
            }
        }
    }
}
