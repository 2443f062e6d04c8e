//! Every error bordersim reports, in one place.

use std::path::PathBuf;

/// What went wrong, with enough context to fix it. Input errors (exit code 2) name the file
/// and the line and column or key; internal failures exit with code 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file could not be read.
    #[error("{path}: cannot read scenario: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// The file is not valid TOML, or a value has the wrong type or an unknown key.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The TOML is well-formed but a value is not allowed.
    #[error("{path}:{location} {key}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// `line:column:` when the key could be found in the file, else empty.
        location: String,
        /// Dotted key path, e.g. `ports.horgos.stages.gate.servers`.
        key: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A row or field of a data file the scenario names (a gate log) is not allowed. Kept
    /// apart from `Syntax` so the message points at the CSV file, not at the scenario.
    #[error("{path}:{line}:{column}: {message}")]
    Data {
        /// The data file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters) where the field starts.
        column: usize,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A data file the scenario names could not be read at all (missing, a directory, too
    /// large): there is no line to point at.
    #[error("{path}: cannot read data file: {reason}")]
    DataRead {
        /// The data file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// A command-line value is not allowed.
    #[error("{0}")]
    Usage(String),
    /// A fault in bordersim itself, not in its input: something the code relies on did not
    /// hold. Kept apart from `Usage` so that a bug is neither blamed on the user nor given
    /// the bad-input exit code.
    #[error("internal error: {0}; this is a bug in bordersim, please report it")]
    Internal(String),
    /// A replication held more consignments than memory allows: the scenario is unstable.
    #[error(
        "replication {replication}: more than {limit} consignments were inside the ports on day {day:.1}: arrivals outrun clearance capacity; check rates, lanes and opening hours (bordersim check)"
    )]
    Overloaded {
        /// 0-based replication.
        replication: u64,
        /// The limit.
        limit: usize,
        /// Simulation day it was reached.
        day: f64,
    },
    /// The clearance policy returned a time that is infinite, NaN or negative: results
    /// would be wrong, so the run stops.
    #[error(
        "replication {replication}, day {day:.1}: the clearance policy ({policy}) gave a clearance time of {value} minutes at stage {stage}; a clearance time must be a finite number of minutes, 0 or more"
    )]
    BadClearanceTime {
        /// 0-based replication.
        replication: u64,
        /// Simulation day.
        day: f64,
        /// `port.stage`.
        stage: String,
        /// The policy, in words.
        policy: String,
        /// What it returned.
        value: f64,
    },
    /// Lanes fail so often, compared with the work of a clearance, that under the restart
    /// rule it never finishes.
    #[error(
        "replication {replication}, day {day:.1}: a clearance at stage {stage} was interrupted by lane failures more than {limit} times under rule = \"restart\"; its lanes fail far more often than a clearance takes (make `between` longer, or use rule = \"resume\")"
    )]
    EndlessRepairs {
        /// 0-based replication.
        replication: u64,
        /// Simulation day.
        day: f64,
        /// `port.stage`.
        stage: String,
        /// Interruptions allowed.
        limit: u32,
    },
    /// The user pressed Ctrl-C; finished replications were kept. Counted in the progress
    /// bar's unit: replications for `run`, runs (replications × variants) for `compare`.
    #[error("interrupted after {}{saved}", progress_words(*done, *requested, *variants))]
    Interrupted {
        /// Replications finished (for every variant).
        done: u32,
        /// Replications asked for.
        requested: u32,
        /// Variants run side by side (1 for `run`).
        variants: u32,
        /// Where the partial results and checkpoint went, in words.
        saved: String,
    },
    /// The user pressed Ctrl-C during a sweep; finished runs were kept in a checkpoint.
    #[error("interrupted after {done} of {requested} runs (point × replication){saved}")]
    SweepInterrupted {
        /// Runs finished.
        done: u64,
        /// Runs of this sweep or shard.
        requested: u64,
        /// Where the checkpoint went, in words.
        saved: String,
    },
    /// A results file that `chart` reads (timeseries.csv, summary.json, ...) or a trace that
    /// `trs` reads is missing, too large, not a regular file, or holds a value that cannot
    /// have been written by bordersim: nothing is drawn or written.
    #[error("{path}{location}: {message}")]
    Results {
        /// The file.
        path: PathBuf,
        /// `:line` for a CSV row, else empty.
        location: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// Writing results failed.
    #[error("cannot write {path}: {reason}")]
    Output {
        /// The file or directory.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
}

/// "3 of 10 replications", or for several variants "15 of 50 runs (3 of 10 replications
/// of each of 5 variants)": the same unit as the progress bar.
fn progress_words(done: u32, requested: u32, variants: u32) -> String {
    if variants <= 1 {
        return format!("{done} of {requested} replications");
    }
    let (d, r, k) = (u64::from(done), u64::from(requested), u64::from(variants));
    format!(
        "{} of {} runs ({done} of {requested} replications of each of {variants} variants)",
        d * k,
        r * k
    )
}

impl Error {
    /// The process exit code for this error: 2 for bad input or usage, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Read { .. }
            | Error::Syntax { .. }
            | Error::Invalid { .. }
            | Error::Data { .. }
            | Error::DataRead { .. }
            | Error::Usage(_)
            | Error::Results { .. }
            | Error::Overloaded { .. }
            | Error::BadClearanceTime { .. }
            | Error::EndlessRepairs { .. } => 2,
            Error::Output { .. } | Error::Internal(_) => 1,
            Error::Interrupted { .. } | Error::SweepInterrupted { .. } => 130,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_is_not_a_usage_error() {
        let e = Error::Internal("a fold holds no results".into());
        assert_eq!(e.exit_code(), 1);
        assert_ne!(e.exit_code(), Error::Usage(String::new()).exit_code());
        assert_eq!(
            e.to_string(),
            "internal error: a fold holds no results; this is a bug in bordersim, please report it"
        );
    }
}
