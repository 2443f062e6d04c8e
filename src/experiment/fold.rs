//! Folding replications into a summary one at a time, in replication order, with a state
//! that can be saved and resumed bit for bit.

use super::{Experiment, ReplicationOutcome, SeriesSummary};
use crate::model::{MetricKey, ModelSpec};
use crate::stats::{Estimate, Histogram, Tally};

/// The running summary of replications 0..done of one model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fold {
    /// Replications folded in so far.
    pub done: u32,
    keys: Vec<MetricKey>,
    per_rep: Vec<Vec<Option<f64>>>,
    cells: Vec<Tally>,
    ends: Vec<f64>,
    events: u64,
    tis: Vec<Histogram>,
}

/// Marks a missing value in the encoding (an all-ones NaN no computation produces).
const NONE: u64 = u64::MAX;

impl Fold {
    /// Folds in the next replication's results.
    pub fn add(&mut self, out: ReplicationOutcome) {
        if self.keys.is_empty() {
            self.keys = out.metrics.iter().map(|(k, _)| *k).collect();
        }
        if self.per_rep.is_empty() {
            self.per_rep = vec![Vec::new(); self.keys.len()];
            self.cells = vec![Tally::default(); out.values.len()];
            self.ends = out.ends.clone();
        }
        for (i, (_, v)) in out.metrics.iter().enumerate() {
            self.per_rep[i].push(*v);
        }
        for (c, v) in self.cells.iter_mut().zip(&out.values) {
            c.add(*v);
        }
        self.events += out.events;
        if self.tis.is_empty() {
            self.tis = out.time_in_system;
        } else {
            self.tis
                .iter_mut()
                .zip(&out.time_in_system)
                .for_each(|(a, b)| a.merge(b));
        }
        self.done += 1;
    }

    /// The summary of the replications folded so far. `None` before the first (a resumed
    /// fold learns its metric names from the next replication it folds in).
    pub fn finish(&self, spec: &ModelSpec, seed: u64) -> Option<Experiment> {
        if self.done == 0 || self.keys.is_empty() {
            return None;
        }
        let metrics = self
            .keys
            .iter()
            .zip(&self.per_rep)
            .map(|(k, vals)| (*k, Estimate::from_values(vals.iter().copied())))
            .collect();
        Some(Experiment {
            seed,
            replications: self.done,
            metrics,
            per_replication: self.per_rep.clone(),
            series: SeriesSummary {
                defs: crate::model::series::series_defs(spec),
                ends: self.ends.clone(),
                cells: self.cells.clone(),
            },
            events: self.events,
            time_in_system: self.tis.clone(),
        })
    }

    /// Appends the state as integers. Metric names are not saved: they follow from the model.
    pub fn encode(&self, out: &mut Vec<u64>) {
        out.extend([u64::from(self.done), self.events, self.per_rep.len() as u64]);
        for vals in &self.per_rep {
            out.push(vals.len() as u64);
            out.extend(vals.iter().map(|v| v.map_or(NONE, f64::to_bits)));
        }
        out.push(self.ends.len() as u64);
        out.extend(self.ends.iter().map(|e| e.to_bits()));
        out.push(self.cells.len() as u64);
        self.cells.iter().for_each(|c| c.encode(out));
        out.push(self.tis.len() as u64);
        self.tis.iter().for_each(|h| h.encode(out));
    }

    /// Reads back what [`Fold::encode`] wrote.
    pub fn decode(it: &mut impl Iterator<Item = u64>) -> Option<Self> {
        let done = u32::try_from(it.next()?).ok()?;
        let events = it.next()?;
        let n = it.next()?;
        let mut per_rep = Vec::new();
        for _ in 0..n {
            let len = it.next()?;
            per_rep.push(
                (0..len)
                    .map(|_| it.next().map(|w| (w != NONE).then(|| f64::from_bits(w))))
                    .collect::<Option<Vec<_>>>()?,
            );
        }
        let len = it.next()?;
        let ends = (0..len)
            .map(|_| it.next().map(f64::from_bits))
            .collect::<Option<Vec<_>>>()?;
        let len = it.next()?;
        let cells = (0..len).map(|_| Tally::decode(it)).collect::<Option<Vec<_>>>()?;
        let len = it.next()?;
        let tis = (0..len).map(|_| Histogram::decode(it)).collect::<Option<Vec<_>>>()?;
        Some(Self {
            done,
            keys: Vec::new(),
            per_rep,
            cells,
            ends,
            events,
            tis,
        })
    }
}
