//! Series folded as they are read, so that charts and the page never hold a whole
//! timeseries.csv or compare_timeseries.csv in memory: a 10-year hourly run has millions
//! of rows, but a chart draws a few hundred points per line.
//!
//! A reader streams its file twice. The first pass ([`Scan`]) only learns each series'
//! [`Shape`] (rows and first interval), from which every group size follows
//! ([`data::group_size`]). A [`Plan`] made from the shapes names what to keep; the second
//! pass ([`Fold`]) checks every row as before and folds the planned series into averages of
//! groups, closed periods, counts per day and sums as the rows go by. The sums are taken in
//! row order, as [`data::downsample`] takes them, so what is drawn is what a reader that held
//! every row drew.

use super::charts::data::{self, ClosedPeriods, Downsampler, PerDay};
use super::check::Problem;
use super::csv::Series;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::BufRead;

/// How many rows a series has and where its first two intervals end: all a group size
/// depends on, known after the first pass.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Rows of the series.
    pub len: usize,
    ends: [f64; 2],
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            len: 0,
            ends: [f64::NAN; 2],
        }
    }
}

impl PartialEq for Shape {
    /// Same rows and bit-identical first ends (two readings of one file agree exactly).
    fn eq(&self, o: &Shape) -> bool {
        self.len == o.len && self.ends.iter().zip(&o.ends).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Shape {
    /// Counts a row ending at `end` (only the first two ends are kept).
    pub fn push(&mut self, end: f64) {
        if let Some(e) = self.ends.get_mut(self.len) {
            *e = end;
        }
        self.len += 1;
    }

    /// Minutes between the first two interval ends (the first end when there is one row):
    /// the report interval, which averaging spans are named from.
    pub fn interval(&self) -> f64 {
        match self.len {
            0 => 60.0,
            1 => self.ends[0],
            _ => self.ends[1] - self.ends[0],
        }
    }

    /// The group size that draws this series in at most `max_points` points.
    pub fn group(&self, max_points: usize) -> usize {
        data::group_size(self.len, self.interval(), max_points)
    }
}

/// What to keep of which series, decided from the shapes before the rows are read; a
/// series not named here is checked and counted, and nothing more is kept of it.
#[derive(Debug, Clone)]
pub struct Plan<K> {
    down: BTreeSet<(K, usize)>,
    ratio: BTreeSet<(K, K, usize)>,
    closed: BTreeSet<K>,
    per_day: BTreeSet<K>,
    head: BTreeMap<K, usize>,
}

impl<K> Default for Plan<K> {
    fn default() -> Self {
        Plan {
            down: BTreeSet::new(),
            ratio: BTreeSet::new(),
            closed: BTreeSet::new(),
            per_day: BTreeSet::new(),
            head: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone> Plan<K> {
    /// Keep `key` averaged in groups of `group` rows (mean, lowest and highest).
    pub fn down(&mut self, key: &K, group: usize) {
        self.down.insert((key.clone(), group.max(1)));
    }

    /// Keep busy over open lanes ([`data::busy_share`]) row by row for `busy` and `open`,
    /// averaged in groups of `group`.
    pub fn ratio(&mut self, busy: &K, open: &K, group: usize) {
        self.ratio.insert((busy.clone(), open.clone(), group.max(1)));
    }

    /// Keep the stretches when `key` (open servers) was 0.
    pub fn closed(&mut self, key: &K) {
        self.closed.insert(key.clone());
    }

    /// Keep `key` (counts per interval) as counts per day.
    pub fn per_day(&mut self, key: &K) {
        self.per_day.insert(key.clone());
    }

    /// Keep the sum of the means of the first `rows` rows of `key`, and of all its rows.
    pub fn head(&mut self, key: &K, rows: usize) {
        self.head.insert(key.clone(), rows);
    }
}

/// What was kept of one series, whatever the plan.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// Rows and first interval.
    pub shape: Shape,
    /// Largest mean or highest-replication value, at least 0 (whether a queue formed).
    pub max: f64,
    /// Largest mean, at least 0.
    pub max_mean: f64,
    /// Stretches with no server open, merged (when planned).
    pub closed: Vec<(f64, f64)>,
    /// (day start in minutes, count per day) (when planned).
    pub per_day: Vec<(f64, f64)>,
    /// Sums of the means of the planned first rows and of all rows (when planned).
    pub head: Option<(f64, f64)>,
}

/// A file's series after the second pass: every series with what is always kept of it,
/// and the planned reductions.
#[derive(Debug, Clone)]
pub struct Reduced<K> {
    /// Every series in the file.
    pub series: BTreeMap<K, Kept>,
    down: BTreeMap<(K, usize), Series>,
    ratio: BTreeMap<(K, usize), Series>,
}

impl<K: Ord + Clone> Reduced<K> {
    /// The series `key` averaged in groups of `group`, if it was planned and is in the file.
    pub fn down(&self, key: &K, group: usize) -> Option<&Series> {
        self.down.get(&(key.clone(), group.max(1)))
    }

    /// Busy over open lanes of the series `busy`, averaged in groups of `group`, if planned.
    pub fn ratio(&self, busy: &K, group: usize) -> Option<&Series> {
        self.ratio.get(&(busy.clone(), group.max(1)))
    }

    /// Shapes of every series.
    pub fn shapes(&self) -> BTreeMap<K, Shape> {
        self.series.iter().map(|(k, v)| (k.clone(), v.shape)).collect()
    }
}

/// The first pass: each series' shape, from the series' name fields and the end of its
/// first two rows. It checks nothing (the second pass checks every row and reports the
/// first bad one), so a row it cannot read is just counted.
pub struct Scan<K> {
    index: HashMap<String, usize>,
    keys: Vec<K>,
    shapes: Vec<Shape>,
}

impl<K> Default for Scan<K> {
    fn default() -> Self {
        Scan {
            index: HashMap::new(),
            keys: Vec::new(),
            shapes: Vec::new(),
        }
    }
}

impl<K: Ord> Scan<K> {
    /// Counts a row of the series written `id` in the file (`key` names it on its first
    /// row; `end` reads the row's interval end, asked for the first two rows only).
    pub fn row(&mut self, id: &str, key: impl FnOnce() -> K, end: impl FnOnce() -> f64) {
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => {
                self.index.insert(id.to_string(), self.keys.len());
                self.keys.push(key());
                self.shapes.push(Shape::default());
                self.keys.len() - 1
            }
        };
        let s = &mut self.shapes[i];
        if s.len < 2 {
            s.push(end());
        } else {
            s.len += 1;
        }
    }

    /// The shapes by series.
    pub fn finish(self) -> BTreeMap<K, Shape> {
        self.keys.into_iter().zip(self.shapes).collect()
    }
}

/// One series during the second pass.
struct State {
    kept: Kept,
    last: Option<f64>,
    downs: Vec<Downsampler>,
    closed: Option<ClosedPeriods>,
    per_day: Option<PerDay>,
    /// (rows to sum, rows seen, sum of those, sum of all).
    head: Option<(usize, usize, f64, f64)>,
    /// Ratio pairs this series feeds, and whether as the busy side.
    roles: Vec<(usize, bool)>,
}

/// Busy and open rows waiting for their partner (they come in the same interval block in
/// a file bordersim wrote, so the queues stay short).
struct Pair {
    busy: VecDeque<(f64, f64)>,
    open: VecDeque<f64>,
    down: Downsampler,
}

/// The second pass: takes the checked rows of each series and folds them as planned.
pub struct Fold<K> {
    plan: Plan<K>,
    index: HashMap<String, usize>,
    keys: Vec<K>,
    states: Vec<State>,
    pairs: Vec<((K, usize), Pair)>,
}

impl<K: Ord + Clone> Fold<K> {
    /// A fold keeping what `plan` names.
    pub fn new(plan: Plan<K>) -> Self {
        let pairs = plan
            .ratio
            .iter()
            .map(|(busy, _, g)| {
                (
                    (busy.clone(), *g),
                    Pair {
                        busy: VecDeque::new(),
                        open: VecDeque::new(),
                        down: Downsampler::new(*g, false),
                    },
                )
            })
            .collect();
        Fold {
            plan,
            index: HashMap::new(),
            keys: Vec::new(),
            states: Vec::new(),
            pairs,
        }
    }

    /// The series written `id` in the file (`key` names it when it is new).
    pub fn series(&mut self, id: &str, key: impl FnOnce() -> K) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let key = key();
        let p = &self.plan;
        let downs = p
            .down
            .range((key.clone(), 0)..=(key.clone(), usize::MAX))
            .map(|(_, g)| Downsampler::new(*g, true))
            .collect();
        let roles = p
            .ratio
            .iter()
            .enumerate()
            .flat_map(|(n, (b, o, _))| [(n, *b == key, true), (n, *o == key, false)])
            .filter(|r| r.1)
            .map(|(n, _, busy)| (n, busy))
            .collect();
        self.states.push(State {
            kept: Kept::default(),
            last: None,
            downs,
            closed: p.closed.contains(&key).then(ClosedPeriods::default),
            per_day: p.per_day.contains(&key).then(PerDay::default),
            head: p.head.get(&key).map(|&k| (k, 0, -0.0, -0.0)),
            roles,
        });
        self.keys.push(key);
        self.index.insert(id.to_string(), self.keys.len() - 1);
        self.keys.len() - 1
    }

    /// End of the last row of series `i`.
    pub fn last_end(&self, i: usize) -> Option<f64> {
        self.states[i].last
    }

    /// A checked row of series `i`: interval `start..end`, mean and lowest and highest
    /// replication (`NaN` for none).
    pub fn push(&mut self, i: usize, start: f64, end: f64, mean: f64, lo: f64, hi: f64) {
        let s = &mut self.states[i];
        s.kept.shape.push(end);
        s.last = Some(end);
        // Order does not matter to a maximum; NaN (a gap) is passed over.
        s.kept.max = s.kept.max.max(hi).max(mean);
        s.kept.max_mean = s.kept.max_mean.max(mean);
        for d in &mut s.downs {
            d.push(end, mean, lo, hi);
        }
        if let Some(c) = &mut s.closed {
            c.push(start, end, mean);
        }
        if let Some(d) = &mut s.per_day {
            d.push(start, end, mean);
        }
        if let Some((k, seen, first, all)) = &mut s.head {
            // Summed in row order from -0.0, as `Iterator::sum` does.
            if *seen < *k {
                *first += mean;
            }
            *seen += 1;
            *all += mean;
        }
        for &(n, busy) in &s.roles {
            let p = &mut self.pairs[n].1;
            if busy {
                p.busy.push_back((end, mean));
            } else {
                p.open.push_back(mean);
            }
            while !p.busy.is_empty() && !p.open.is_empty() {
                let ((x, b), o) = (
                    p.busy.pop_front().unwrap_or_default(),
                    p.open.pop_front().unwrap_or_default(),
                );
                p.down.push(x, data::busy_share(b, o), f64::NAN, f64::NAN);
            }
        }
    }

    /// Everything kept.
    pub fn finish(self) -> Reduced<K> {
        let mut out = Reduced {
            series: BTreeMap::new(),
            down: BTreeMap::new(),
            ratio: self.pairs.into_iter().map(|(k, p)| (k, p.down.finish())).collect(),
        };
        for (key, s) in self.keys.into_iter().zip(self.states) {
            let mut kept = s.kept;
            for d in s.downs {
                let g = d.group();
                out.down.insert((key.clone(), g), d.finish());
            }
            kept.closed = s.closed.map(ClosedPeriods::finish).unwrap_or_default();
            kept.per_day = s.per_day.map(PerDay::finish).unwrap_or_default();
            kept.head = s.head.map(|(_, _, first, all)| (first, all));
            out.series.insert(key, kept);
        }
        out
    }
}

/// Reads a file in the two passes: `scan` learns the shapes from one reading, `plan` says
/// what to keep, `fold` checks and folds a second reading. Refused when the two readings
/// disagree (the file changed in between), since the plan would not fit.
pub fn two_passes<K: Ord + Clone, R: BufRead>(
    open: &mut dyn FnMut() -> Result<R, Problem>,
    scan: impl FnOnce(R) -> BTreeMap<K, Shape>,
    plan: impl FnOnce(&BTreeMap<K, Shape>) -> Plan<K>,
    fold: impl FnOnce(R, Plan<K>) -> Result<Reduced<K>, Problem>,
) -> Result<Reduced<K>, Problem> {
    let shapes = scan(open()?);
    let out = fold(open()?, plan(&shapes))?;
    if out.shapes() != shapes {
        return Err(Problem {
            line: None,
            message: "the file changed while it was being read: draw the charts again once it is written".into(),
        });
    }
    Ok(out)
}

/// The part of `line` from the start of field `first` to the end of field `last` (both
/// slices of `line`): the series' name fields as written, a key that needs no allocation.
pub fn span<'a>(line: &'a str, first: &str, last: &str) -> &'a str {
    let base = line.as_ptr() as usize;
    let a = first.as_ptr() as usize - base;
    let b = last.as_ptr() as usize - base + last.len();
    &line[a..b]
}

/// The first `N` fields of a CSV line (empty past its end), and how many fields it has in
/// all; no allocation per row.
pub fn fields<const N: usize>(line: &str) -> ([&str; N], usize) {
    let mut f = [""; N];
    let mut n = 0;
    for (i, part) in line.split(',').enumerate() {
        if let Some(slot) = f.get_mut(i) {
            *slot = part;
        }
        n += 1;
    }
    (f, n)
}
