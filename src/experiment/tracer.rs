//! Which replications an onlooker watches: the runner asks a [`Tracer`] for an observer
//! before each (model, replication) pair and hands it back when the pair is done, so an
//! event log can be written while replications run in parallel, without the runner
//! knowing what a log looks like.

use crate::error::Error;
use crate::model::{Observer, Silent};

/// Hands out observers for the pairs it wants to watch.
pub trait Tracer: Sync {
    /// The observer of one watched replication.
    type Sink: Observer;
    /// An observer for replication `rep` of model `model`, or `None` to run it unwatched
    /// (at full speed: the silent observer compiles to nothing).
    fn sink(&self, model: usize, rep: u64) -> Result<Option<Self::Sink>, Error>;
    /// The replication has finished: the observer is done (flush it, check it).
    fn done(&self, model: usize, rep: u64, sink: Self::Sink) -> Result<(), Error>;
}

/// Watches nothing: ordinary runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    type Sink = Silent;

    fn sink(&self, _: usize, _: u64) -> Result<Option<Silent>, Error> {
        Ok(None)
    }

    fn done(&self, _: usize, _: u64, _: Silent) -> Result<(), Error> {
        Ok(())
    }
}
