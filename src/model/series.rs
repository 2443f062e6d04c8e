//! Time series: one row per report interval of every level and count worth charting.

use super::spec::{FlowSpec, ModelSpec, PortSpec, StageKind, StageSpec};
use super::state::View;

/// How a series turns cumulative meters into an interval value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// Time-average of a level over the interval.
    Mean,
    /// Count of events in the interval.
    Count,
}

/// What one series measures. Indices refer to the model spec.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesDef {
    /// Port index.
    pub port: usize,
    /// Stage index, for stage series.
    pub stage: Option<usize>,
    /// Mode index, for flow series.
    pub mode: Option<usize>,
    /// Metric name as written to timeseries.csv.
    pub metric: &'static str,
    /// Mean level or count.
    pub kind: SeriesKind,
}

/// The series layout of a model: which series exist, in a fixed order.
pub fn series_defs(spec: &ModelSpec) -> Vec<SeriesDef> {
    let mut defs = Vec::new();
    let mean = |port, stage, metric| SeriesDef {
        port,
        stage,
        mode: None,
        metric,
        kind: SeriesKind::Mean,
    };
    for port in 0..spec.ports.len() {
        defs.push(mean(port, None, "in_system"));
        for (i, s) in spec.stages.iter().enumerate().filter(|(_, s)| s.port == port) {
            defs.push(mean(port, Some(i), "queue"));
            defs.push(mean(port, Some(i), "in_stage"));
            if s.kind == StageKind::Servers {
                defs.push(mean(port, Some(i), "busy"));
                defs.push(mean(port, Some(i), "servers_open"));
            }
        }
        for f in spec.flows.iter().filter(|f| f.port == port) {
            for metric in ["arrivals", "completed", "completed_vehicles", "turned_away"] {
                defs.push(SeriesDef {
                    port,
                    stage: None,
                    mode: Some(f.mode),
                    metric,
                    kind: SeriesKind::Count,
                });
            }
        }
        if spec.ports[port].pool.is_some() {
            defs.push(mean(port, None, "drivers_busy"));
        }
    }
    defs
}

/// The number of series [`series_defs`] will produce, from the parts of a model, so the
/// scenario layer can bound memory before building anything.
pub fn series_defs_count(ports: &[PortSpec], stages: &[StageSpec], flows: &[FlowSpec]) -> usize {
    let stage_series: usize = stages
        .iter()
        .map(|s| if s.kind == StageKind::Servers { 4 } else { 2 })
        .sum();
    ports.len() + ports.iter().filter(|p| p.pool.is_some()).count() + stage_series + 4 * flows.len()
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
fn meter(sim: View<'_>, d: &SeriesDef, t: f64) -> f64 {
    match (d.stage, d.mode) {
        (Some(s), _) => {
            let st = &sim.stages[s];
            match d.metric {
                "queue" => st.queue_tw.area_at(t),
                "in_stage" => st.occupancy_tw.area_at(t),
                "busy" => st.busy_tw.area_at(t),
                _ => st.open_tw.area_at(t),
            }
        }
        (None, Some(mode)) => {
            let f = sim
                .spec
                .flows
                .iter()
                .position(|f| f.port == d.port && f.mode == mode)
                .expect("flow of a series");
            let fs = &sim.flows[f];
            (match d.metric {
                "arrivals" => fs.total_arrived,
                "completed" => fs.total_completed,
                "completed_vehicles" => fs.total_completed_vehicles,
                _ => fs.total_turned_away,
            }) as f64
        }
        (None, None) => match d.metric {
            "in_system" => sim.ports[d.port].in_system.area_at(t),
            _ => {
                let pool = sim.spec.ports[d.port].pool.expect("pool of a series");
                sim.pools[pool].busy_tw.area_at(t)
            }
        },
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
