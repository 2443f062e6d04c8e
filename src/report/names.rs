//! Names of ports, stages and modes for a metric or series, from the model spec.

use crate::model::{ModelSpec, Scope};

/// (stage, mode) names of a scope; empty strings where not applicable.
pub fn scope_names(spec: &ModelSpec, scope: Scope) -> (&str, &str) {
    match scope {
        Scope::Port | Scope::Pool(_) => ("", ""),
        Scope::Flow(m) => ("", &spec.modes[m].name),
        Scope::Stage(s) => (&spec.stages[s].name, ""),
        Scope::StageMode(s, m) => (&spec.stages[s].name, &spec.modes[m].name),
    }
}
