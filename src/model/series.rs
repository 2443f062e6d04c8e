//! Time series: one row per report interval of every level and count worth charting.

use super::spec::{FlowSpec, ModelSpec, PortSpec, StageSpec};
use super::state::View;

pub use super::registry::{SeriesKind, SeriesMetric};
use super::registry::{SeriesLevel, series_at, stage_series};

/// What one series measures. Indices refer to the model spec.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesDef {
    /// Port index.
    pub port: usize,
    /// Stage index, for stage series.
    pub stage: Option<usize>,
    /// Mode index, for flow series.
    pub mode: Option<usize>,
    /// Which series (its name as written to timeseries.csv is `metric.name()`).
    pub metric: SeriesMetric,
    /// Mean level or count.
    pub kind: SeriesKind,
}

/// The series layout of a model: which series exist, in a fixed order (per port: the port's,
/// each stage's, each flow's, the pool's), generated from [`super::registry::SERIES`].
pub fn series_defs(spec: &ModelSpec) -> Vec<SeriesDef> {
    let mut defs = Vec::new();
    let def = |port, stage, mode, metric: SeriesMetric| SeriesDef {
        port,
        stage,
        mode,
        metric,
        kind: metric.kind(),
    };
    for port in 0..spec.ports.len() {
        defs.extend(series_at(SeriesLevel::Port).map(|m| def(port, None, None, m)));
        for (i, s) in spec.stages.iter().enumerate().filter(|(_, s)| s.port == port) {
            defs.extend(stage_series(s.kind).map(|m| def(port, Some(i), None, m)));
        }
        for f in spec.flows.iter().filter(|f| f.port == port) {
            defs.extend(series_at(SeriesLevel::Flow).map(|m| def(port, None, Some(f.mode), m)));
        }
        if spec.ports[port].pool.is_some() {
            defs.extend(series_at(SeriesLevel::Pool).map(|m| def(port, None, None, m)));
        }
    }
    defs
}

/// The number of series [`series_defs`] will produce, from the parts of a model, so the
/// scenario layer can bound memory before building anything.
pub fn series_defs_count(ports: &[PortSpec], stages: &[StageSpec], flows: &[FlowSpec]) -> usize {
    let n = |level| series_at(level).count();
    let stage_series: usize = stages.iter().map(|s| stage_series(s.kind).count()).sum();
    ports.len() * n(SeriesLevel::Port)
        + ports.iter().filter(|p| p.pool.is_some()).count() * n(SeriesLevel::Pool)
        + stage_series
        + n(SeriesLevel::Flow) * flows.len()
}

/// Collects time-series rows during a run into one preallocated buffer.
#[derive(Debug, Clone, Default)]
pub struct SeriesRecorder {
    defs: Vec<SeriesDef>,
    prev: Vec<f64>,
    cur: Vec<f64>,
    last_t: f64,
    /// Interval end times.
    pub ends: Vec<f64>,
    /// Row-major values: `values[row * defs.len() + series]`.
    pub values: Vec<f64>,
}

impl SeriesRecorder {
    /// An empty recorder with room for every row of the run.
    pub fn new(spec: &ModelSpec) -> Self {
        let defs = series_defs(spec);
        let rows = (spec.horizon / spec.report_interval).ceil() as usize + 1;
        let n = defs.len();
        Self {
            prev: vec![0.0; n],
            cur: vec![0.0; n],
            last_t: 0.0,
            ends: Vec::with_capacity(rows),
            values: Vec::with_capacity(rows * n),
            defs,
        }
    }

    /// The series layout.
    pub fn defs(&self) -> &[SeriesDef] {
        &self.defs
    }

    /// Closes the interval ending at `now`.
    pub fn record(&mut self, sim: View<'_>, now: f64) {
        if now <= self.last_t {
            return;
        }
        for (i, d) in self.defs.iter().enumerate() {
            self.cur[i] = meter(sim, d, now);
        }
        let dt = now - self.last_t;
        for i in 0..self.defs.len() {
            let diff = self.cur[i] - self.prev[i];
            self.values.push(match self.defs[i].kind {
                SeriesKind::Mean => diff / dt,
                SeriesKind::Count => diff,
            });
        }
        std::mem::swap(&mut self.prev, &mut self.cur);
        self.ends.push(now);
        self.last_t = now;
    }
}

/// The cumulative quantity behind a series at time `t`: an area or a count since time zero.
/// One arm per series, no catch-all: a new [`SeriesMetric`] does not compile without its own.
fn meter(sim: View<'_>, d: &SeriesDef, t: f64) -> f64 {
    let stage = || &sim.stages[d.stage.expect("stage of a stage series")];
    let flow = || {
        let mode = d.mode.expect("mode of a flow series");
        let f = sim
            .spec
            .flows
            .iter()
            .position(|f| f.port == d.port && f.mode == mode)
            .expect("flow of a series");
        &sim.flows[f]
    };
    match d.metric {
        SeriesMetric::InSystem => sim.ports[d.port].in_system.area_at(t),
        SeriesMetric::Queue => stage().queue_tw.area_at(t),
        SeriesMetric::InStage => stage().occupancy_tw.area_at(t),
        SeriesMetric::Busy => stage().busy_tw.area_at(t),
        SeriesMetric::ServersOpen => stage().open_tw.area_at(t),
        SeriesMetric::Arrivals => flow().total_arrived as f64,
        SeriesMetric::Completed => flow().total_completed as f64,
        SeriesMetric::CompletedVehicles => flow().total_completed_vehicles as f64,
        SeriesMetric::TurnedAway => flow().total_turned_away as f64,
        SeriesMetric::DriversBusy => {
            let pool = sim.spec.ports[d.port].pool.expect("pool of a series");
            sim.pools[pool].busy_tw.area_at(t)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_count_matches_the_layout() {
        let sc = crate::scenario::load(std::path::Path::new("scenarios/horgos-2024.toml")).unwrap();
        let s = &sc.spec;
        assert_eq!(
            super::series_defs_count(&s.ports, &s.stages, &s.flows),
            super::series_defs(s).len()
        );
    }
}
