//! The gate logs a scenario names (`observed = { file = ... }`), read once and shared by
//! the baseline and every variant: a variant cannot name another file (`set` takes numbers).

use super::build::{Invalid, KeyPath};
use super::format::{ObservedSection, ScenarioFile};
use super::gate_log::{self, GateLog};
use crate::error::Error;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Every gate log the file names, by `file` as written.
#[derive(Debug, Clone, Default)]
pub struct Logs(BTreeMap<String, Arc<GateLog>>);

impl Logs {
    /// The log `file` (as written in the scenario) names, once loaded.
    pub fn get(&self, file: &str) -> Option<&GateLog> {
        self.0.get(file).map(|l| &**l)
    }
}

/// Every `observed` key in the file, with its key path, in file order (ports, then demands).
pub fn observed_keys(file: &ScenarioFile) -> Vec<(KeyPath, &ObservedSection)> {
    let flows = file.ports.iter().flat_map(|(pname, port)| {
        port.flows.iter().filter_map(move |(mname, f)| {
            let kp = KeyPath::root("ports").child(pname).child("flows").child(mname);
            f.observed.as_ref().map(|o| (kp.child("observed"), o))
        })
    });
    let demands = file.demand.iter().filter_map(|(dname, d)| {
        let kp = KeyPath::root("demand").child(dname).child("observed");
        d.observed.as_ref().map(|o| (kp, o))
    });
    flows.chain(demands).collect()
}

/// Why a gate log could not be used: the file cannot be read (an error at its `file` key,
/// located by the caller, which knows whether a variant set it), or a row is bad (located
/// in the CSV).
#[derive(Debug)]
pub enum Problem {
    /// At the `observed.file` key.
    Key(Invalid),
    /// In the CSV file.
    Data(Error),
}

/// Reads every gate log `file` (at `path`) names, relative to the scenario's directory.
pub fn load(file: &ScenarioFile, path: &Path) -> Result<Logs, Problem> {
    let mut logs = Logs::default();
    logs.read_missing(file, path)?;
    Ok(logs)
}

impl Logs {
    /// Adds the gate logs `file` names that are not read yet: those a variant's `set` names.
    pub fn read_missing(&mut self, file: &ScenarioFile, path: &Path) -> Result<(), Problem> {
        let dir = path.parent().unwrap_or(Path::new(""));
        for (kp, o) in observed_keys(file) {
            if self.0.contains_key(&o.file) {
                continue;
            }
            let at = dir.join(&o.file);
            let log = gate_log::read(&at).map_err(|e| match e {
                Error::DataRead { reason, .. } => Problem::Key(
                    kp.child("file")
                        .invalid(format!("cannot read the gate log {}: {reason}", at.display())),
                ),
                other => Problem::Data(other),
            })?;
            check_modes(&log, file).map_err(Problem::Data)?;
            self.0.insert(o.file.clone(), Arc::new(log));
        }
        Ok(())
    }
}

/// Every row's mode is one of the scenario's.
fn check_modes(log: &GateLog, file: &ScenarioFile) -> Result<(), Error> {
    let Some(row) = log
        .rows
        .iter()
        .find(|r| r.mode.as_ref().is_some_and(|m| !file.modes.contains_key(m)))
    else {
        return Ok(());
    };
    let allowed: Vec<String> = file.modes.keys().map(|m| format!("`{m}`")).collect();
    Err(Error::Data {
        path: log.path.clone(),
        line: row.line,
        column: row.mode_column,
        message: format!(
            "mode `{}` is not a mode of the scenario; its modes are {}",
            row.mode.as_deref().unwrap_or(""),
            allowed.join(", ")
        ),
    })
}
