//! bordersim: a discrete-event simulator of customs clearance at land border ports.
//!
//! Layers, each depending only on those above it in this list:
//! `date` (calendar dates, a leaf) → `engine` (clock, calendar, run loop) → `random`,
//! `stats` (generic helpers) → `policy` (clearance times) → `model` (ports, stages,
//! consignments, drivers) → `scenario` (TOML to model) → `experiment` (replications) →
//! `report` (files, tables) → `cli`.

pub mod cli;
pub mod date;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod model;
pub mod policy;
pub mod random;
pub mod report;
pub mod scenario;
pub mod stats;

pub use error::Error;
