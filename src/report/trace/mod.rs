//! The per-consignment event log (`run --trace FILE`, `compare --trace DIR`): which
//! replications and which time window are logged, the files, and the CSV rows.

mod books;
mod disk;
mod files;
mod line;
mod names;
mod rows;
mod writer;

pub use disk::Disk;
pub use files::{FileTracer, TraceOptions};
pub use names::{Activity, Names};
pub use rows::{Direct, HEADER, Rows, Sink};
pub use writer::TraceWriter;
