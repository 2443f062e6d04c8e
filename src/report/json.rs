//! summary.json: every metric with its mean and 95 % confidence interval over replications.

use crate::experiment::Experiment;
use crate::model::{ModelSpec, Scope};
use serde_json::{Map, Value, json};

/// Run settings recorded with the results, so a file can be traced to its inputs.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Scenario file as given.
    pub file: String,
    /// Free-text description.
    pub description: Option<String>,
    /// `baseline` or the variant run.
    pub variant: String,
    /// Replications asked for (more than were run when the run was interrupted).
    pub requested: u32,
    /// The command and the scenario file's digest, so the report can say how to redo it.
    pub provenance: Provenance,
}

/// How a result set was made, recorded so that anyone holding the files can redo it: the
/// command line as typed (with the output directory written `OUT`, so the same command
/// gives the same bytes wherever it writes) and the SHA-256 of the scenario file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// `bordersim run scenarios/x.toml --out OUT ...`; empty when not known (library use).
    pub command: String,
    /// SHA-256 of the scenario file's bytes (what `sha256sum FILE` prints); empty when not
    /// known.
    pub file_sha256: String,
}

fn obj<'a>(parent: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let v = parent
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    match v {
        Value::Object(m) => m,
        _ => unreachable!("summary nodes are objects"),
    }
}

/// The dated events whose backlog `event_K_*` metrics follow, K from 1.
fn events(spec: &ModelSpec) -> Vec<Value> {
    spec.marks
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let to = (m.end > m.from && m.end.is_finite()).then(|| spec.start.format(m.end));
            json!({
                "id": k + 1,
                "port": spec.ports[m.port].name,
                "label": m.label,
                "from": spec.start.format(m.from),
                "to": to,
            })
        })
        .collect()
}

/// Builds the summary document. Layout:
/// `ports.PORT.totals.METRIC`, `ports.PORT.modes.MODE.METRIC`,
/// `ports.PORT.stages.STAGE.METRIC`, `ports.PORT.stages.STAGE.by_mode.MODE.METRIC`,
/// `ports.PORT.drivers.METRIC`; each METRIC is `{mean, ci95, se, min, max, n}` or null.
pub fn summary(spec: &ModelSpec, exp: &Experiment, info: &RunInfo) -> Value {
    let mut ports = Map::new();
    for (key, est) in &exp.metrics {
        let port = obj(&mut ports, &spec.ports[key.port].name);
        let node = match key.scope {
            Scope::Port => obj(port, "totals"),
            Scope::Flow(m) => obj(obj(port, "modes"), &spec.modes[m].name),
            Scope::Stage(s) => obj(obj(port, "stages"), &spec.stages[s].name),
            Scope::StageMode(s, m) => obj(
                obj(obj(obj(port, "stages"), &spec.stages[s].name), "by_mode"),
                &spec.modes[m].name,
            ),
            Scope::Pool(_) => obj(port, "drivers"),
        };
        node.insert(key.name.to_string(), json!(est));
    }
    let mut doc = json!({
        "bordersim_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "name": spec.name,
            "variant": info.variant,
            "file": info.file,
            "file_sha256": info.provenance.file_sha256,
            "command": info.provenance.command,
            "description": info.description,
            "start": spec.start.format(0.0),
            "horizon_days": spec.horizon / 1440.0,
            "warmup_days": spec.warmup / 1440.0,
            "report_interval_min": spec.report_interval,
            "seed": exp.seed,
            "replications": exp.replications,
            "replications_requested": info.requested,
            "partial": exp.replications < info.requested,
            "time_unit": "minutes",
            "confidence": "95% Student-t interval over replications: mean ± ci95",
        },
        "ports": ports,
    });
    // Only where the scenario asks for them, so other summaries keep their layout.
    if spec.service.active() {
        doc["service"] = json!({
            "targets_min": spec.service.targets,
            "by_hour": spec.service.by_hour,
            "costs": spec.service.costs.is_some(),
        });
    }
    if !spec.marks.is_empty() {
        doc["events"] = Value::Array(events(spec));
    }
    doc
}
