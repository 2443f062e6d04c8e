//! Folding replications into a summary one at a time, in replication order, with a state
//! that can be saved and resumed bit for bit.

use super::{Experiment, ReplicationOutcome, SeriesSummary};
use crate::error::Error;
use crate::model::{MetricKey, ModelSpec};
use crate::policy::ClearancePolicy;
use crate::stats::{Estimate, Histogram, Tally};

/// The metric names one replication of `spec` yields, in order, found without running it
/// (the list depends on the model's layout only): a fold knows them from the start, so a
/// fold read back from a checkpoint can produce results before any new replication lands.
pub fn metric_keys<P: ClearancePolicy>(spec: &ModelSpec, policy: P) -> Vec<MetricKey> {
    crate::model::Simulation::new(spec, policy, 0, 0)
        .metrics()
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// What a checkpoint saves of a fold: everything but the metric names, which follow from the
/// model. Only [`FoldState::restore`] turns it back into a [`Fold`], checked against the
/// model and given its names, so a fold is never without them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoldState {
    done: u32,
    per_rep: Vec<Vec<Option<f64>>>,
    cells: Vec<Tally>,
    ends: Vec<f64>,
    events: u64,
    tis: Vec<Histogram>,
}

/// The running summary of replications 0..done of one model, with the model's metric names.
/// It serialises as its [`FoldState`], so a checkpoint saves its exact state (every float
/// bit for bit) and resumes to the same final result.
#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    keys: Vec<MetricKey>,
    state: FoldState,
}

impl serde::Serialize for Fold {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.state.serialize(s)
    }
}

impl Fold {
    /// An empty fold of a model whose replications yield the metrics `keys`, in order.
    pub fn new(keys: Vec<MetricKey>) -> Self {
        Self {
            keys,
            state: FoldState::default(),
        }
    }

    /// An empty fold of `spec` run with `policy`.
    pub fn for_model<P: ClearancePolicy>(spec: &ModelSpec, policy: P) -> Self {
        Self::new(metric_keys(spec, policy))
    }

    /// Replications folded in so far.
    pub fn done(&self) -> u32 {
        self.state.done
    }

    /// Folds in the next replication's results. Refuses (an internal error) a replication
    /// whose metrics are not the ones this fold was made for.
    pub fn add(&mut self, out: ReplicationOutcome) -> Result<(), Error> {
        if out.metrics.len() != self.keys.len() || out.metrics.iter().zip(&self.keys).any(|((k, _), want)| k != want) {
            return Err(Error::Internal(format!(
                "a replication yielded {} metrics that are not the {} its model describes",
                out.metrics.len(),
                self.keys.len()
            )));
        }
        let st = &mut self.state;
        if st.per_rep.is_empty() {
            st.per_rep = vec![Vec::new(); self.keys.len()];
            st.cells = vec![Tally::default(); out.values.len()];
            st.ends = out.ends.clone();
        }
        for (i, (_, v)) in out.metrics.iter().enumerate() {
            st.per_rep[i].push(*v);
        }
        for (c, v) in st.cells.iter_mut().zip(&out.values) {
            c.add(*v);
        }
        st.events += out.events;
        if st.tis.is_empty() {
            st.tis = out.time_in_system;
        } else {
            st.tis.iter_mut().zip(&out.time_in_system).for_each(|(a, b)| a.merge(b));
        }
        st.done += 1;
        Ok(())
    }

    /// The summary of the replications folded so far; `None` only before the first.
    pub fn finish(&self, spec: &ModelSpec, seed: u64) -> Option<Experiment> {
        let st = &self.state;
        if st.done == 0 {
            return None;
        }
        let metrics = self
            .keys
            .iter()
            .zip(&st.per_rep)
            .map(|(k, vals)| (*k, Estimate::from_values(vals.iter().copied())))
            .collect();
        Some(Experiment {
            seed,
            replications: st.done,
            metrics,
            per_replication: st.per_rep.clone(),
            series: SeriesSummary {
                defs: crate::model::series::series_defs(spec),
                ends: st.ends.clone(),
                cells: st.cells.clone(),
            },
            events: st.events,
            time_in_system: st.tis.clone(),
        })
    }
}

/// The folds of models run side by side, one per model, all holding the same number of
/// replications: replication k is folded into every model at once, so a paired comparison
/// never pairs unequal lists, and the next replication to run is the same for all.
#[derive(Debug, Clone, PartialEq)]
pub struct Folds(Vec<Fold>);

impl Folds {
    /// The folds, refused (an internal error) when there are none or their counts differ:
    /// running on from unequal counts would fold some replications in twice.
    pub fn new(folds: Vec<Fold>) -> Result<Self, Error> {
        let Some(first) = folds.first() else {
            return Err(Error::Internal("no model to run".into()));
        };
        if folds.iter().any(|f| f.done() != first.done()) {
            let counts: Vec<String> = folds.iter().map(|f| f.done().to_string()).collect();
            return Err(Error::Internal(format!(
                "the models hold different numbers of replications ({})",
                counts.join(", ")
            )));
        }
        Ok(Self(folds))
    }

    /// Replications folded into every model.
    pub fn done(&self) -> u32 {
        self.0[0].done()
    }

    /// The folds, in model order.
    pub fn as_slice(&self) -> &[Fold] {
        &self.0
    }

    /// Folds in replication `done()` of every model (one outcome per model, in model order).
    pub(super) fn add_row(&mut self, row: Vec<ReplicationOutcome>) -> Result<(), Error> {
        if row.len() != self.0.len() {
            return Err(Error::Internal(format!(
                "{} outcomes for {} models",
                row.len(),
                self.0.len()
            )));
        }
        self.0.iter_mut().zip(row).try_for_each(|(f, o)| f.add(o))
    }
}

impl FoldState {
    /// The fold this state saved, given the model's metric names `keys`, once checked
    /// against [`FoldState::validate`].
    pub fn restore(self, spec: &ModelSpec, keys: Vec<MetricKey>, replications: u32) -> Result<Fold, String> {
        self.validate(spec, keys.len(), replications)?;
        Ok(Fold { keys, state: self })
    }

    /// Checks that a fold state read back from a checkpoint can be the summary of `done`
    /// replications of `spec` (which yields `metrics` scalar results per replication) out
    /// of `replications` asked for: counts within range, every per-replication list `done`
    /// long, every value finite, the series rows those of the model. Returns what is wrong,
    /// so a damaged checkpoint is refused instead of trusted.
    fn validate(&self, spec: &ModelSpec, metrics: usize, replications: u32) -> Result<(), String> {
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
