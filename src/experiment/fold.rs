//! Folding replications into a summary one at a time, in replication order, with a state
//! that can be saved and resumed bit for bit.

use super::{Experiment, ReplicationOutcome, SeriesSummary};
use crate::model::{MetricKey, ModelSpec};
use crate::stats::{Estimate, Histogram, Tally};

/// The running summary of replications 0..done of one model. Serialisable so a checkpoint
/// saves its exact state (every float bit for bit) and resumes to the same final result.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fold {
    /// Replications folded in so far.
    pub done: u32,
    /// Metric names are not saved: they follow from the model and are learnt again from the
    /// next replication folded in.
    #[serde(skip)]
    keys: Vec<MetricKey>,
    per_rep: Vec<Vec<Option<f64>>>,
    cells: Vec<Tally>,
    ends: Vec<f64>,
    events: u64,
    tis: Vec<Histogram>,
}

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

    /// Checks that a fold read back from a checkpoint can be the summary of `done`
    /// replications of `spec` (which yields `metrics` scalar results per replication) out
    /// of `replications` asked for: counts within range, every per-replication list `done`
    /// long, every value finite, the series rows those of the model. Returns what is wrong,
    /// so a damaged checkpoint is refused instead of trusted.
    pub fn validate(&self, spec: &ModelSpec, metrics: usize, replications: u32) -> Result<(), String> {
        if self.done > replications {
            return Err(format!(
                "it holds {} replications but {replications} were asked for",
                self.done
            ));
        }
        if self.done == 0 {
            let empty = self.per_rep.is_empty() && self.cells.is_empty() && self.ends.is_empty() && self.tis.is_empty();
            if !empty || self.events != 0 {
                return Err("it holds results but no replication".into());
            }
            return Ok(());
        }
        let done = self.done as usize;
        if self.per_rep.len() != metrics {
            return Err(format!(
                "it holds {} metrics where the model has {metrics}",
                self.per_rep.len()
            ));
        }
        if let Some(v) = self.per_rep.iter().find(|v| v.len() != done) {
            return Err(format!("a metric holds {} values for {done} replications", v.len()));
        }
        // None is a metric not observed in a replication; every observed value is finite.
        if self.per_rep.iter().flatten().flatten().any(|x| !x.is_finite()) {
            return Err("a metric value is not finite".into());
        }
        let rows_ok = self
            .ends
            .iter()
            .all(|e| e.is_finite() && *e > 0.0 && *e <= spec.horizon)
            && self.ends.windows(2).all(|w| w[0] < w[1])
            && self.ends.last() == Some(&spec.horizon);
        if !rows_ok {
            return Err(format!(
                "its time-series interval ends are not increasing times up to the horizon ({} min)",
                spec.horizon
            ));
        }
        let series = crate::model::series::series_defs(spec).len();
        if self.cells.len() != self.ends.len() * series {
            return Err(format!(
                "it holds {} time-series cells for {} rows of {series} series",
                self.cells.len(),
                self.ends.len()
            ));
        }
        for c in &self.cells {
            c.validate()?;
            if c.count() != u64::from(self.done) {
                return Err(format!(
                    "a time-series cell holds {} replications instead of {done}",
                    c.count()
                ));
            }
        }
        if self.tis.len() != spec.flows.len() {
            return Err(format!(
                "it holds {} time-in-system histograms for {} flows",
                self.tis.len(),
                spec.flows.len()
            ));
        }
        self.tis.iter().try_for_each(Histogram::validate)
    }
}
