//! Upper limits that keep a typo from asking for more than a machine can give. Checked
//! before anything is allocated.

/// Longest horizon, days (100 years).
pub const HORIZON_DAYS: f64 = 36_500.0;
/// Most replications.
pub const REPLICATIONS: u32 = 10_000;
/// Most time-series rows per replication.
pub const REPORT_ROWS: f64 = 1_000_000.0;
/// Most servers at a stage.
pub const SERVERS: u32 = 100_000;
/// Most drivers in a pool.
pub const DRIVERS: u32 = 10_000_000;
/// Most expected arrivals per replication, all flows together.
pub const ARRIVALS: f64 = 2e9;
/// Most time-series cells (rows times series) per replication: each costs 8 bytes per
/// running replication and 40 bytes in the summary over replications.
pub const SERIES_CELLS: f64 = 5e6;
