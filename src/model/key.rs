//! The name of a result: which port, what inside it, and the metric. A leaf module, so the
//! metric registry, the measuring code and the experiment layer can all name results
//! without importing each other.

/// What a metric belongs to. Indices refer to the model spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// A whole port, all modes together.
    Port,
    /// One mode at a port (mode index).
    Flow(usize),
    /// One stage, all modes together (stage index).
    Stage(usize),
    /// One stage, one mode (stage index, mode index).
    StageMode(usize, usize),
    /// The port's driver pool (pool index).
    Pool(usize),
}

/// The name of one result: a port, a scope inside it and a metric name with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricKey {
    /// Port index.
    pub port: usize,
    /// What inside the port.
    pub scope: Scope,
    /// Metric name, e.g. `wait_mean_min`.
    pub name: &'static str,
}
