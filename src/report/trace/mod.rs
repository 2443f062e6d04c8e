//! The per-consignment event log (`run --trace FILE`, `compare --trace DIR`): which
//! replications and which time window are logged, the files, and the rows (CSV, or
//! Parquet columns).

mod books;
mod disk;
mod files;
mod line;
mod names;
mod packed;
mod parquet;
mod rows;
mod steps;
mod writer;

pub use disk::Disk;
pub use files::{FileTracer, TraceFormat, TraceOptions};
pub use names::{Activity, Names};
pub use parquet::Dictionaries;
pub use rows::{Direct, HEADER, Rows, Sink};
pub use steps::{Format, Held, Steps};
pub use writer::{Layout, TraceWriter, Written};
