//! Scenario files: reading TOML, validating it, and turning it into a model.
//!
//! Every error names the file and the line and column of the offending key (or its key
//! path when it has no place in the file, such as a missing key).

pub mod build;
pub mod describe;
pub mod dist;
pub mod format;
pub mod gate_log;
pub mod locate;
pub mod logs;
pub mod policy;
pub mod text;
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

/// Which variants to build, with the command-line overrides, along with the baseline. Every
/// variant is validated as the file writes it whatever this says; only those chosen must
/// also fit the overrides, so a variant nobody runs (say, a reform dated after a horizon
/// shortened with `--days`) does not stop a run.
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
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(read_err)?;
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

/// Reads a regular file of at most `max` bytes. Anything else is refused before it is read:
/// a directory, a device such as /dev/zero that never ends, a FIFO that would wait forever
/// for a writer; and a file that grows past `max` while it is read is refused too.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("it is a directory; give a file".into());
    }
    if !meta.is_file() {
        return Err("it is not a regular file (a device, FIFO or socket); give a file".into());
    }
    let too_big = |n: u64| format!("the file is {n} bytes, more than the {max} allowed");
    if meta.len() > max {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
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
    let syntax = |e: toml::de::Error| {
        let (line, column) = e.span().map_or((1, 1), |s| locate::line_col(src, s.start));
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().replace('\n', " "),
        }
    };
    let doc: toml::Table = toml::from_str(src).map_err(syntax)?;
    text::check_document(&doc).map_err(|inv| invalid(src, path, inv))?;
    let file: format::ScenarioFile = toml::from_str(src).map_err(syntax)?;
    let logs = logs::load(&file, path).map_err(|p| match p {
        logs::Problem::Key(inv) => invalid(src, path, inv),
        logs::Problem::Data(e) => e,
    })?;
    let defined: Vec<String> = file.variants.keys().cloned().collect();
    let chosen = chosen_variants(&file, path, which)?;
    // The whole file is validated as written in every command, whichever variants run and
    // whatever the command line replaces: a broken variant is refused by `run` as it is by
    // `check` and `compare`.
    let as_written = overrides == Overrides::default();
    if !as_written {
        finish(&file, &logs, path, BASELINE, None).map_err(|inv| invalid(src, path, inv))?;
    }
    for name in file.variants.keys() {
        if !as_written || !chosen.contains(name) {
            build_variant(src, path, &file, &logs, name, Overrides::default())?;
        }
    }
    let written = file.clone();
    let mut file = file;
    apply(&mut file, overrides);
    let baseline = finish(&file, &logs, path, BASELINE, file.simulation.description.clone())
        .map_err(|inv| located(src, path, inv, overrides))?;
    let variants = chosen
        .iter()
        .map(|name| build_variant(src, path, &written, &logs, name, overrides))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ScenarioSet {
        baseline,
        variants,
        defined,
    })
}

/// The variants `which` names, checked against those the file defines (in the order asked,
/// without repeats; name order for all).
fn chosen_variants(file: &format::ScenarioFile, path: &Path, which: Which<'_>) -> Result<Vec<String>, Error> {
    let Which::Only(names) = which else {
        return Ok(file.variants.keys().cloned().collect());
    };
    let mut v: Vec<String> = Vec::new();
    for n in names.iter().filter(|n| n.as_str() != BASELINE) {
        let Some((key, _)) = file.variants.get_key_value(n) else {
            let known: Vec<&str> = std::iter::once(BASELINE)
                .chain(file.variants.keys().map(String::as_str))
                .collect();
            return Err(Error::Usage(format!(
                "unknown variant `{n}`; {} defines: {}",
                path.display(),
                known.join(", ")
            )));
        };
        if !v.contains(key) {
            v.push(key.clone());
        }
    }
    Ok(v)
}

/// Builds variant `name` of `file` (as written, before command-line overrides), with
/// `overrides` applied after its own `set`.
pub(crate) fn build_variant(
    src: &str,
    path: &Path,
    file: &format::ScenarioFile,
    logs: &logs::Logs,
    name: &str,
    overrides: Overrides,
) -> Result<Scenario, Error> {
    let v = &file.variants[name];
    let vp = KeyPath::root("variants").child(name);
    if name == BASELINE {
        let inv = vp.invalid("the name `baseline` is kept for the scenario as written: pick another");
        return Err(located(src, path, inv, overrides));
    }
    build::check_name(&vp, name).map_err(|inv| located(src, path, inv, overrides))?;
    let mut vfile = variants::apply_set(src, name, v).map_err(|inv| located(src, path, inv, overrides))?;
    // A variant may name a gate log the baseline does not.
    let mut logs = logs.clone();
    logs.read_missing(&vfile, path).map_err(|p| match p {
        logs::Problem::Key(inv) => located(src, path, variants::blame(inv, name, v), overrides),
        logs::Problem::Data(e) => e,
    })?;
    apply(&mut vfile, overrides);
    vfile.policy = v.policy.clone().or(vfile.policy);
    let mut sc = finish(&vfile, &logs, path, name, v.description.clone())
        .map_err(|inv| variants::blame(inv, name, v))
        .map_err(|inv| located(src, path, inv, overrides))?;
    sc.overrides = v.set.iter().map(|(k, val)| format!("{k} = {val}")).collect();
    Ok(sc)
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
    logs: &logs::Logs,
    path: &Path,
    variant: &str,
    description: Option<String>,
) -> Result<Scenario, Invalid> {
    let built = build::build(file, logs)?;
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
            policy::check_depth(p, &pp)?;
            let pol = policy::build_policy(p, &pp, &mut spec, &built.policy)?;
            (pol, policy::describe_policy(p, &spec))
        }
    };
    let (policy, policy_text) =
        policy::with_dated_changes(policy, policy_text, &built.policy_changes, &mut spec, &built.policy)?;
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
