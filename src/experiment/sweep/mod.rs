//! Sweeps: a base scenario run at many design points (factorial, Latin hypercube or a
//! design file), every point with the same replication streams (common random numbers),
//! with a sensitivity ranking for Latin hypercubes, and shards that split the (point,
//! replication) work across machines and merge back to the same bytes.
//!
//! One job per file: `file` reads the sweep file, `design` chooses the points, `plan`
//! turns them into checked scenarios, `run` runs pairs, `shard` saves and merges them,
//! `results` summarises, `sensitivity` ranks.

pub mod design;
pub mod file;
pub mod plan;
pub mod results;
pub mod run;
pub mod sensitivity;
pub mod shard;

pub use file::{SweepDef, load};
pub use plan::{Named, Plan, Sweep, build};
pub use results::{SweepResult, summarise};
pub use run::{Shard, Values, run};
pub use shard::{ShardFile, merge};
