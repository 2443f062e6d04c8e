//! The resolved configuration of `bordersim run`.

use super::args::RunArgs;
use crate::error::Error;
use crate::scenario::{Overrides, Scenario, load_with};
use std::path::PathBuf;

/// Everything `run` needs, checked: the validated scenario with command-line overrides
/// applied, and where to write.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The scenario, overrides applied.
    pub scenario: Scenario,
    /// Output directory, if any.
    pub out: Option<PathBuf>,
    /// Suppress notes.
    pub quiet: bool,
}

impl RunConfig {
    /// Reads and validates everything named on the command line.
    pub fn from_args(a: &RunArgs) -> Result<Self, Error> {
        if let Some(dir) = &a.out
            && dir.exists()
            && !dir.is_dir()
        {
            return Err(Error::Usage(format!(
                "--out: {} exists and is not a directory",
                dir.display()
            )));
        }
        let overrides = Overrides {
            seed: a.seed,
            replications: a.replications,
            horizon_days: a.days,
        };
        Ok(Self {
            scenario: load_with(&a.scenario, overrides)?,
            out: a.out.clone(),
            quiet: a.quiet,
        })
    }
}
