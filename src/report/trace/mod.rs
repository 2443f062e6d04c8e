//! The per-consignment event log (`run --trace FILE`, `compare --trace DIR`): which
//! replications and which time window are logged, the files, and the CSV rows.

mod books;
mod files;
mod names;
mod rows;
mod writer;

pub use files::{FileTracer, TraceOptions};
pub use names::{Activity, Names};
pub use rows::{HEADER, Rows};
pub use writer::TraceWriter;
