//! Validation: from the parsed file to a ready-to-run [`ModelSpec`], with every problem
//! reported at its key path. One file per concern, each returning a named part; `build`
//! checks them in the order a planner reads the file, so the first problem reported is the
//! first one written.

mod arrivals;
mod bounds;
mod changes;
mod demand;
mod diversion;
mod flows;
mod keys;
pub mod limits;
mod modes;
mod observed;
mod ports;
mod routes;
mod schedule;
mod service;
mod simulation;
mod stages;
mod surges;

pub use bounds::arrival_bound;
pub use changes::PolicyChange;
pub use keys::{Invalid, KeyPath, check_name, shown};

use super::format::ScenarioFile;
use super::logs::Logs;
use crate::model::ModelSpec;
use crate::policy::DistributionPolicy;
use crate::random::Dist;

/// The output of validation: the model and what the baseline policy needs.
#[derive(Debug, Clone)]
pub struct Built {
    /// The model.
    pub spec: ModelSpec,
    /// Clearance times per stage and mode.
    pub policy: DistributionPolicy,
    /// `clearance_text[stage][mode]`: the distribution as written, for `check`.
    pub clearance_text: Vec<Vec<Option<String>>>,
    /// Seed from the file.
    pub seed: u64,
    /// Replications from the file.
    pub replications: u32,
    /// Description from the file.
    pub description: Option<String>,
    /// Dated changes that set a stage's clearance through a policy.
    pub policy_changes: Vec<PolicyChange>,
}

/// Validates the parsed file and resolves it into a model; `logs` holds the gate logs it
/// names (scenario/logs.rs), read beforehand because their errors are located in the CSV.
pub fn build(file: &ScenarioFile, logs: &Logs) -> Result<Built, Invalid> {
    let sim = &file.simulation;
    let settings = simulation::build(sim)?;
    let modes = modes::build(&file.modes)?;
    let mut ports = ports::build(&file.ports, &modes)?;
    let demands = demand::build(&file.demand, &modes, &mut ports)?;
    let mut spec = ModelSpec {
        name: sim.name.clone().unwrap_or_else(|| "unnamed scenario".into()),
        start: settings.start,
        horizon: settings.horizon,
        warmup: settings.warmup,
        report_interval: settings.report_interval,
        ports: ports.ports,
        modes: modes.specs,
        stages: ports.stages,
        flows: ports.flows,
        pools: ports.pools,
        demands,
        green_share: 0.0,
        route_changes: Vec::new(),
        batches: Vec::new(),
        service: service::build(file.service.as_ref(), file.costs.as_ref())?,
        marks: Vec::new(),
    };
    observed::build(file, &settings, logs, &mut spec)?;
    let policy_changes = changes::build(&file.ports, &settings, &mut spec)?;
    surges::build(file, &settings, &mut spec)?;
    diversion::build(&file.ports, &mut spec)?;
    bounds::check(&spec)?;
    let (defaults, by_mode, clearance_text) = ports
        .clearance
        .into_iter()
        .map(|c| (c.default.unwrap_or(Dist::Constant(0.0)), c.by_mode, c.text))
        .collect();
    Ok(Built {
        spec,
        policy: DistributionPolicy::new(defaults, by_mode),
        clearance_text,
        seed: sim.seed,
        replications: sim.replications,
        description: sim.description.clone(),
        policy_changes,
    })
}
