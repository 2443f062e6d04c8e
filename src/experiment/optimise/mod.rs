//! The capacity optimiser: the cheapest candidate (lanes, drivers, hours, ...) that meets
//! service constraints, decided with a stated confidence by a sequential feasibility check
//! under common random numbers.
//!
//! One job per file: `file` reads the optimisation file, `constraint` finds each
//! constraint's metric, `feasibility` is the statistical procedure, `search` builds the
//! candidate space and decides candidates in cost order, `outcome` sums it up.

pub mod constraint;
pub mod feasibility;
pub mod file;
pub mod outcome;
pub mod search;

pub use constraint::{Bound, Constraint};
pub use file::{OptimiseDef, load};
pub use outcome::{Outcome, summarise};
pub use search::{Decision, Estimate, Examined, Space, build, run};
