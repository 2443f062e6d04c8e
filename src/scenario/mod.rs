//! Scenario files: reading TOML, validating it, and turning it into a model.
//!
//! Every error names the file and the line and column of the offending key (or its key
//! path when it has no place in the file, such as a missing key).

pub mod build;
pub mod describe;
pub mod dist;
pub mod format;
pub mod locate;
pub mod policy;
pub mod variants;

pub use build::{Built, Invalid, KeyPath};

use crate::error::Error;
use crate::model::ModelSpec;
use crate::policy::{BuiltinPolicy, DistributionPolicy};
use std::path::{Path, PathBuf};

/// Name of the unmodified scenario among its variants.
pub const BASELINE: &str = "baseline";

/// A validated scenario (the baseline or one variant), ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it came from.
    pub path: PathBuf,
    /// `baseline` or the variant's name.
    pub variant: String,
    /// The variant's description (the scenario's for the baseline).
    pub variant_description: Option<String>,
    /// The model.
    pub spec: ModelSpec,
    /// The clearance policy.
    pub policy: BuiltinPolicy,
    /// The stages' clearance distributions (what `distribution` policies draw from).
    pub distributions: DistributionPolicy,
    /// The policy in plain words, for `check`.
    pub policy_text: String,
    /// The variant's overrides as `key = value` text (empty for the baseline).
    pub overrides: Vec<String>,
    /// Clearance distributions as written, `[stage][mode]`, for `check`.
    pub clearance_text: Vec<Vec<Option<String>>>,
    /// Seed from the file.
    pub seed: u64,
    /// Replications from the file.
    pub replications: u32,
    /// Free-text description from the file.
    pub description: Option<String>,
}

/// Largest scenario file read, bytes: a scenario is a page of settings, not a data set.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Command-line settings that replace the file's values before validation, so they are
/// checked by the same rules.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    /// Replaces `simulation.seed`.
    pub seed: Option<u64>,
    /// Replaces `simulation.replications`.
    pub replications: Option<u32>,
    /// Replaces `simulation.horizon_days`.
    pub horizon_days: Option<f64>,
}

/// The baseline and every variant of a scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioSet {
    /// The scenario as written.
    pub baseline: Scenario,
    /// The variants that were asked for, in the order asked (name order for all).
    pub variants: Vec<Scenario>,
    /// Every variant the file defines, built or not.
    pub defined: Vec<String>,
}

/// Which variants to validate and build along with the baseline. Only those: a variant
/// nobody runs (say, a reform dated after a shortened horizon) does not stop a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// Every variant in the file.
    All,
    /// These, by name (an unknown name is an error).
    Only(&'a [String]),
}

impl ScenarioSet {
    /// The baseline or a variant by name.
    pub fn get(&self, name: &str) -> Option<&Scenario> {
        std::iter::once(&self.baseline)
            .chain(&self.variants)
            .find(|s| s.variant == name)
    }

    /// All names the file defines, baseline first.
    pub fn names(&self) -> Vec<&str> {
        std::iter::once(BASELINE)
            .chain(self.defined.iter().map(String::as_str))
            .collect()
    }
}

/// Reads and validates the scenario at `path` (its baseline).
pub fn load(path: &Path) -> Result<Scenario, Error> {
    load_with(path, Overrides::default())
}

/// Reads the scenario at `path`, applies `overrides`, and validates the baseline.
pub fn load_with(path: &Path, overrides: Overrides) -> Result<Scenario, Error> {
    load_set(path, overrides).map(|s| s.baseline)
}

/// Reads the scenario at `path`, applies `overrides`, and validates the baseline and every
/// variant.
pub fn load_set(path: &Path, overrides: Overrides) -> Result<ScenarioSet, Error> {
    load_which(path, overrides, Which::All)
}

/// Reads the scenario at `path`, applies `overrides`, and validates the baseline and the
/// variants in `which`.
pub fn load_which(path: &Path, overrides: Overrides, which: Which<'_>) -> Result<ScenarioSet, Error> {
    let read_err = |reason: String| Error::Read {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_err(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(read_err("it is a directory; give a .toml scenario file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(read_err(format!(
            "the file is {} bytes, more than the {MAX_FILE_BYTES} allowed",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| read_err(io_reason(&e)))?;
    let src = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let off = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..off]).unwrap_or("");
            let (line, column) = locate::line_col(valid, off);
            return Err(Error::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: "the file is not valid UTF-8 text; save it as UTF-8".into(),
            });
        }
    };
    parse_which(&src, path, overrides, which)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Validates scenario text `src` (its baseline); `path` is only used in messages.
pub fn parse_str(src: &str, path: &Path) -> Result<Scenario, Error> {
    parse_set(src, path, Overrides::default()).map(|s| s.baseline)
}

/// Validates scenario text `src`, baseline and variants, after applying `overrides`.
pub fn parse_set(src: &str, path: &Path, overrides: Overrides) -> Result<ScenarioSet, Error> {
    parse_which(src, path, overrides, Which::All)
}

/// Validates scenario text `src`, the baseline and the variants in `which`, after applying
/// `overrides`.
pub fn parse_which(src: &str, path: &Path, overrides: Overrides, which: Which<'_>) -> Result<ScenarioSet, Error> {
    if src.trim().is_empty() {
        return Err(Error::Syntax {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message:
                "the scenario is empty: it needs at least [simulation] with horizon_days, [modes.NAME] and [ports.NAME]"
                    .into(),
        });
    }
    let mut file: format::ScenarioFile = toml::from_str(src).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| locate::line_col(src, s.start));
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().replace('\n', " "),
        }
    })?;
    apply(&mut file, overrides);
    let baseline = finish(&file, path, BASELINE, file.simulation.description.clone())
        .map_err(|inv| located(src, path, inv, overrides))?;
    let defined: Vec<String> = file.variants.keys().cloned().collect();
    let chosen: Vec<&String> = match which {
        Which::All => file.variants.keys().collect(),
        Which::Only(names) => {
            let mut v: Vec<&String> = Vec::new();
            for n in names.iter().filter(|n| n.as_str() != BASELINE) {
                if !file.variants.contains_key(n) {
                    let known: Vec<&str> = std::iter::once(BASELINE)
                        .chain(defined.iter().map(String::as_str))
                        .collect();
                    return Err(Error::Usage(format!(
                        "unknown variant `{n}`; {} defines: {}",
                        path.display(),
                        known.join(", ")
                    )));
                }
                if !v.contains(&n) {
                    v.push(n);
                }
            }
            v
        }
    };
    let mut variants = Vec::new();
    for name in chosen {
        let v = &file.variants[name];
        if name == BASELINE {
            let inv = KeyPath::root("variants")
                .child(name)
                .invalid("the name `baseline` is kept for the scenario as written: pick another");
            return Err(located(src, path, inv, overrides));
        }
        let vp = KeyPath::root("variants").child(name);
        build::check_name(&vp, name).map_err(|inv| located(src, path, inv, overrides))?;
        let mut vfile = variants::apply_set(src, &file, name, v).map_err(|inv| located(src, path, inv, overrides))?;
        apply(&mut vfile, overrides);
        vfile.policy = v.policy.clone().or(vfile.policy);
        let mut sc = finish(&vfile, path, name, v.description.clone())
            .map_err(|inv| variants::blame(inv, name, v))
            .map_err(|inv| located(src, path, inv, overrides))?;
        sc.overrides = v.set.iter().map(|(k, val)| format!("{k} = {val}")).collect();
        variants.push(sc);
    }
    Ok(ScenarioSet {
        baseline,
        variants,
        defined,
    })
}

/// Applies command-line overrides to a parsed file.
fn apply(file: &mut format::ScenarioFile, o: Overrides) {
    if let Some(v) = o.seed {
        file.simulation.seed = v;
    }
    if let Some(v) = o.replications {
        file.simulation.replications = v;
    }
    if let Some(v) = o.horizon_days {
        file.simulation.horizon_days = v;
    }
}

/// Builds one runnable scenario (baseline or variant) from a file.
fn finish(
    file: &format::ScenarioFile,
    path: &Path,
    variant: &str,
    description: Option<String>,
) -> Result<Scenario, Invalid> {
    let built = build::build(file)?;
    let mut spec = built.spec;
    let (policy, policy_text) = match &file.policy {
        None => (
            BuiltinPolicy::Distribution(built.policy.clone()),
            "the stages' clearance distributions".to_string(),
        ),
        Some(p) => {
            let pp = if variant == BASELINE {
                KeyPath::root("policy")
            } else {
                KeyPath::root("variants").child(variant).child("policy")
            };
            let pol = policy::build_policy(p, &pp, &mut spec, &built.policy)?;
            (pol, policy::describe_policy(p, &spec))
        }
    };
    Ok(Scenario {
        path: path.to_path_buf(),
        variant: variant.to_string(),
        variant_description: description,
        spec,
        policy,
        distributions: built.policy,
        policy_text,
        overrides: Vec::new(),
        clearance_text: built.clearance_text,
        seed: built.seed,
        replications: built.replications,
        description: built.description,
    })
}

/// Turns a validation failure into an error, against the command-line flag when the value
/// came from one.
fn located(src: &str, path: &Path, inv: Invalid, overrides: Overrides) -> Error {
    let flag = |key: &str| match key {
        "seed" => overrides.seed.map(|_| "--seed"),
        "replications" => overrides.replications.map(|_| "--replications"),
        "horizon_days" => overrides.horizon_days.map(|_| "--days"),
        _ => None,
    };
    match inv.path.0.as_slice() {
        [sim, key] if sim == "simulation" => match (flag(key), overrides.horizon_days) {
            (Some(f), _) => Error::Usage(format!("{f}: {}", inv.message)),
            // The file's warm-up or report interval no longer fits the new horizon.
            (None, Some(days)) if key == "warmup_days" || key == "report_interval_min" => Error::Usage(format!(
                "--days {days} does not fit the scenario: {}",
                invalid(src, path, inv)
            )),
            (None, _) => invalid(src, path, inv),
        },
        _ => invalid(src, path, inv),
    }
}

/// Locates a validation failure in the source and turns it into an [`Error`].
pub fn invalid(src: &str, path: &Path, inv: Invalid) -> Error {
    let location = locate::locate_nearest(src, &inv.path.0).map_or(String::new(), |(l, c)| format!("{l}:{c}:"));
    Error::Invalid {
        path: path.to_path_buf(),
        location,
        key: inv
            .path
            .0
            .iter()
            .map(|seg| {
                // A name that could not be typed as a bare key (it failed validation) is
                // quoted, so a newline in it cannot split the message.
                if seg.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
                    seg.clone()
                } else {
                    format!("{seg:?}")
                }
            })
            .collect::<Vec<_>>()
            .join("."),
        message: inv.message,
    }
}
