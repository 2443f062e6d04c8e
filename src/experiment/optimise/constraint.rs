//! A service constraint: a metric at a port, stage or mode, with a bound and a tolerance,
//! found among the metrics every candidate yields.

use crate::experiment::sweep::Named;
use serde::{Deserialize, Serialize};

/// Which side of the bound is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Bound {
    /// The metric's expected value must be at most this.
    AtMost(f64),
    /// The metric's expected value must be at least this.
    AtLeast(f64),
}

impl Bound {
    /// The bound's number.
    pub fn value(self) -> f64 {
        match self {
            Bound::AtMost(q) | Bound::AtLeast(q) => q,
        }
    }

    /// +1 when smaller is better, -1 when larger is: the procedure works on `sign * value`
    /// against `sign * bound`, always as an upper bound.
    pub fn sign(self) -> f64 {
        match self {
            Bound::AtMost(_) => 1.0,
            Bound::AtLeast(_) => -1.0,
        }
    }

    /// `<=` or `>=`, for tables.
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::AtMost(_) => "<=",
            Bound::AtLeast(_) => ">=",
        }
    }
}

/// One checked `[[constraints]]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// Metric name, as in summary.json.
    pub metric: String,
    /// Port name; `None` when the scenario has one port.
    pub port: Option<String>,
    /// Stage name (or `drivers` for the driver pool).
    pub stage: Option<String>,
    /// Mode name.
    pub mode: Option<String>,
    /// The bound.
    pub bound: Bound,
    /// Indifference zone: within this of the bound either decision is acceptable.
    pub tolerance: f64,
    /// Its dotted key in the file (`constraints.0`), for errors.
    pub key: String,
}

impl Constraint {
    /// A short label: `horgos.time_in_system_p95_min <= 240`.
    pub fn label(&self, ports: usize) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if ports > 1 || self.port.is_some() {
            parts.extend(self.port.as_deref());
        }
        parts.extend(self.stage.as_deref());
        parts.extend(self.mode.as_deref());
        parts.push(&self.metric);
        format!("{} {} {}", parts.join("."), self.bound.symbol(), self.bound.value())
    }

    /// The index in `metrics` of this constraint's metric, or why there is none. `ports` are
    /// the scenario's port names.
    pub fn find(&self, metrics: &[Named], ports: &[String]) -> Result<usize, String> {
        let port = match (&self.port, ports) {
            (Some(p), _) if !ports.contains(p) => {
                return Err(format!(
                    "the scenario has no port `{p}`; its ports are {}",
                    ports.join(", ")
                ));
            }
            (Some(p), _) => p.clone(),
            (None, [only]) => only.clone(),
            (None, _) => {
                return Err(format!(
                    "the scenario has several ports: give `port` (one of {})",
                    ports.join(", ")
                ));
            }
        };
        let stage = self.stage.clone().unwrap_or_default();
        let mode = self.mode.clone().unwrap_or_default();
        if let Some(i) = metrics
            .iter()
            .position(|n| n.port == port && n.stage == stage && n.mode == mode && n.metric == self.metric)
        {
            return Ok(i);
        }
        let at: Vec<String> = metrics
            .iter()
            .filter(|n| n.port == port && n.metric == self.metric)
            .map(|n| match (n.stage.as_str(), n.mode.as_str()) {
                ("", "") => "the port".to_string(),
                ("", m) => format!("mode = \"{m}\""),
                (s, "") => format!("stage = \"{s}\""),
                (s, m) => format!("stage = \"{s}\", mode = \"{m}\""),
            })
            .take(8)
            .collect();
        Err(if at.is_empty() {
            format!(
                "port `{port}` does not report `{}` (a within_T_min metric needs the scenario's [service] target T)",
                self.metric
            )
        } else {
            format!("port `{port}` reports `{}` only for: {}", self.metric, at.join("; "))
        })
    }
}
