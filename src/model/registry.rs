//! The metric registry: one table of every scalar metric and one of every time series, from
//! which the printed tables, the comparison, the display precision, the time-series layout and the chart
//! reader's checks are generated. Adding a metric is a line here plus the code that measures
//! it (metrics.rs for a scalar, the meter in series.rs for a series).

use super::key::Scope;
use super::spec::StageKind;

/// What a metric belongs to, without indices: the kind of a [`Scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// A whole port.
    Port,
    /// One mode at a port.
    Flow,
    /// One stage, all modes.
    Stage,
    /// One stage, one mode.
    StageMode,
    /// A port's driver pool.
    Pool,
}

impl Level {
    /// The level of a scope.
    pub fn of(scope: Scope) -> Self {
        match scope {
            Scope::Port => Level::Port,
            Scope::Flow(_) => Level::Flow,
            Scope::Stage(_) => Level::Stage,
            Scope::StageMode(..) => Level::StageMode,
            Scope::Pool(_) => Level::Pool,
        }
    }
}

/// How one replication's value of a metric is formed from what happened after the warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// A count of events.
    Count,
    /// A count per day or per minute of the measured window.
    Rate,
    /// The time-average of a level.
    TimeMean,
    /// The mean over consignments.
    Mean,
    /// A quantile over consignments.
    Quantile,
    /// The largest value seen.
    Max,
    /// A share, between 0 and 1.
    Fraction,
    /// A setting of the model, or the state at the end of the run.
    State,
}

/// One scalar metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    /// Name in summary.json, comparison.csv and the code.
    pub name: &'static str,
    /// Unit, in words.
    pub unit: &'static str,
    /// Where it is measured.
    pub levels: &'static [Level],
    /// How a replication's value is formed.
    pub aggregation: Aggregation,
    /// Decimals shown in the comparison table.
    pub digits: usize,
    /// The levels at which `compare` reports it (in this table's order), if any.
    pub compare: &'static [Level],
}

use Aggregation as A;
use Level as L;

const fn def(
    name: &'static str,
    unit: &'static str,
    levels: &'static [Level],
    aggregation: Aggregation,
    digits: usize,
    compare: &'static [Level],
) -> MetricDef {
    MetricDef {
        name,
        unit,
        levels,
        aggregation,
        digits,
        compare,
    }
}

const PF: &[Level] = &[L::Port, L::Flow];
const PFS: &[Level] = &[L::Port, L::Flow, L::Stage];
const S: &[Level] = &[L::Stage];
const SM: &[Level] = &[L::Stage, L::StageMode];
const SP: &[Level] = &[L::Stage, L::Pool];
const P: &[Level] = &[L::Port];
const F: &[Level] = &[L::Flow];
const POOL: &[Level] = &[L::Pool];
const NO: &[Level] = &[];

/// Every scalar metric. The compared ones come first, in the order `compare` lists them.
pub const METRICS: &[MetricDef] = &[
    def("vehicles_per_day", "vehicles per day", PF, A::Rate, 1, PF),
    def("consignments_per_day", "consignments per day", PF, A::Rate, 1, P),
    def("time_in_system_mean_min", "minutes", PF, A::Mean, 1, PF),
    def("time_in_system_p95_min", "minutes", PF, A::Quantile, 1, PF),
    def("in_system_mean", "consignments", P, A::TimeMean, 1, P),
    def("turned_away", "consignments", PFS, A::Count, 0, P),
    def("abandoned", "consignments", PFS, A::Count, 0, P),
    def("abandoned_fraction", "fraction", PF, A::Fraction, 3, PF),
    def("wait_mean_min", "minutes", SM, A::Mean, 1, S),
    def("queue_mean", "consignments", S, A::TimeMean, 1, S),
    def("queue_max", "consignments", S, A::Max, 0, S),
    def("in_stage_mean", "consignments", S, A::TimeMean, 1, S),
    def("utilization", "fraction", SP, A::Fraction, 3, SP),
    def("arrivals", "consignments", PF, A::Count, 1, NO),
    def("arrival_vehicles", "vehicles", F, A::Count, 1, NO),
    def("completed", "consignments", PF, A::Count, 1, NO),
    def("completed_vehicles", "vehicles", F, A::Count, 1, NO),
    def("turned_away_vehicles", "vehicles", F, A::Count, 1, NO),
    def("turned_away_fraction", "fraction", PF, A::Fraction, 1, NO),
    def("admitted_per_min", "consignments per minute", P, A::Rate, 1, NO),
    def("in_system_max", "consignments", P, A::Max, 1, NO),
    def("time_in_system_p50_min", "minutes", PF, A::Quantile, 1, NO),
    def("time_in_system_p90_min", "minutes", PF, A::Quantile, 1, NO),
    def("time_in_system_p99_min", "minutes", PF, A::Quantile, 1, NO),
    def("time_in_system_max_min", "minutes", PF, A::Max, 1, NO),
    def("run_arrived", "consignments", F, A::State, 1, NO),
    def("run_completed", "consignments", F, A::State, 1, NO),
    def("run_inside_at_end", "consignments", F, A::State, 1, NO),
    def("run_turned_away", "consignments", F, A::State, 1, NO),
    def("run_abandoned", "consignments", F, A::State, 1, NO),
    def("abandoned_vehicles", "vehicles", F, A::Count, 1, NO),
    def("abandon_wait_mean_min", "minutes", S, A::Mean, 1, NO),
    def("lane_failures", "failures", S, A::Count, 0, S),
    def("repair_share", "fraction", S, A::Fraction, 3, NO),
    def("served", "consignments", SM, A::Count, 1, NO),
    def("p_wait", "fraction", SM, A::Fraction, 1, NO),
    def("wait_p50_min", "minutes", S, A::Quantile, 1, NO),
    def("wait_p90_min", "minutes", S, A::Quantile, 1, NO),
    def("wait_p95_min", "minutes", SM, A::Quantile, 1, NO),
    def("wait_p99_min", "minutes", S, A::Quantile, 1, NO),
    def("wait_max_min", "minutes", S, A::Max, 1, NO),
    def("entered", "consignments", S, A::Count, 1, NO),
    def("queue_at_end", "consignments", S, A::State, 1, NO),
    def("in_stage_max", "consignments", S, A::Max, 1, NO),
    def("stay_mean_min", "minutes", S, A::Mean, 1, NO),
    def("blocked", "consignments", S, A::Count, 1, NO),
    def("capped_days_fraction", "fraction", S, A::Fraction, 1, NO),
    def("busy_mean", "lanes", S, A::TimeMean, 1, NO),
    def("servers_open_mean", "lanes", S, A::TimeMean, 1, NO),
    def("drivers", "drivers", POOL, A::State, 1, NO),
    def("drivers_busy_mean", "drivers", POOL, A::TimeMean, 1, NO),
    def("drivers_busy_max", "drivers", POOL, A::Max, 1, NO),
    def("trips", "trips", POOL, A::Count, 1, NO),
    def("diverted", "consignments", PFS, A::Count, 0, P),
    def("diverted_fraction", "fraction", PF, A::Fraction, 3, PF),
    def("diverted_vehicles", "vehicles", F, A::Count, 1, NO),
    def("diverted_in", "consignments", PF, A::Count, 0, P),
    def("divert_wait_mean_min", "minutes", S, A::Mean, 1, NO),
    def("run_diverted", "consignments", F, A::State, 1, NO),
    def("queue_km_mean", "km", P, A::TimeMean, 2, P),
    def("queue_km_max", "km", P, A::Max, 2, P),
    def("lane_hours", "lane-hours", P, A::Count, 1, NO),
    def("driver_hours", "driver-hours", P, A::Count, 1, NO),
    def("vehicle_hours_waiting", "vehicle-hours", P, A::Count, 1, NO),
    def("vehicle_hours_in_port", "vehicle-hours", P, A::Count, 1, NO),
    def("cost_total", "cost", P, A::Count, 0, NO),
    def("cost_per_day", "cost per day", P, A::Rate, 0, P),
];

/// Metrics whose names a scenario makes: one per time-in-system target (`within_240_min`),
/// per hour of day (`by_hour_07_wait_mean_min`) and per dated event (`event_2_backlog_peak`),
/// each family with one definition. `name` shows the pattern.
pub const FAMILIES: &[MetricDef] = &[
    def("within_T_min", "fraction", PF, A::Fraction, 3, PF),
    def("within_T_min_vehicles", "fraction", PF, A::Fraction, 3, P),
    def("by_hour_HH_wait_mean_min", "minutes", F, A::Mean, 1, F),
    def("by_hour_HH_time_in_system_mean_min", "minutes", F, A::Mean, 1, NO),
    def("event_K_backlog_before", "consignments", P, A::State, 0, P),
    def("event_K_backlog_peak", "consignments", P, A::Max, 0, P),
    def("event_K_peak_after_min", "minutes", P, A::State, 0, NO),
    def("event_K_recovery_min", "minutes", P, A::State, 0, P),
];

/// The family of a made name: the pattern's fixed prefix and suffix around a number.
fn family(name: &str) -> Option<&'static MetricDef> {
    FAMILIES.iter().find(|d| {
        let (prefix, rest) = d
            .name
            .split_once(|c: char| c.is_ascii_uppercase())
            .unwrap_or((d.name, ""));
        let suffix = rest.trim_start_matches(|c: char| c.is_ascii_uppercase());
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .is_some_and(|mid| !mid.is_empty() && mid.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    })
}

/// The metrics `compare` reports at `level` for models `specs`: the fixed ones, then those
/// their service targets and dated events make.
pub fn compared_in(specs: &[&super::spec::ModelSpec], level: Level) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = compared(level).collect();
    let mut add = |name: &'static str| {
        if metric(name).is_some_and(|d| d.compare.contains(&level)) && !out.contains(&name) {
            out.push(name);
        }
    };
    for spec in specs {
        for &t in &spec.service.targets {
            add(super::service::within_name(t, false));
            add(super::service::within_name(t, true));
        }
    }
    if specs.iter().any(|s| s.service.by_hour) {
        (0..24).for_each(|h| add(super::service::hour_names(h).0));
    }
    let events = specs.iter().map(|s| s.marks.len()).max().unwrap_or(0);
    for k in 0..events {
        super::backlog::names(k).into_iter().for_each(&mut add);
    }
    out
}

/// The definition of the metric `name`.
pub fn metric(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|d| d.name == name).or_else(|| family(name))
}

/// The metrics `compare` reports at `level`, in order.
pub fn compared(level: Level) -> impl Iterator<Item = &'static str> {
    METRICS
        .iter()
        .filter(move |d| d.compare.contains(&level))
        .map(|d| d.name)
}

/// Decimals the comparison table shows for `name` (1 for a name it does not know).
pub fn digits(name: &str) -> usize {
    metric(name).map_or(1, |d| d.digits)
}

/// A column of a printed table: the metric, its title and the decimals shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Metric name (a [`METRICS`] row).
    pub metric: &'static str,
    /// Column title.
    pub title: &'static str,
    /// Decimals shown.
    pub digits: usize,
    /// Shown only where the metric is measured (abandonment, where a line has a patience),
    /// so tables of scenarios without the mechanism keep their layout.
    pub optional: bool,
}

const fn col(metric: &'static str, title: &'static str, digits: usize) -> Column {
    Column {
        metric,
        title,
        digits,
        optional: false,
    }
}

const fn col_if(metric: &'static str, title: &'static str, digits: usize) -> Column {
    Column {
        optional: true,
        ..col(metric, title, digits)
    }
}

/// The flow table of `run`'s summary (one row per mode and one for the port), in order.
pub const FLOW_TABLE: &[Column] = &[
    col("consignments_per_day", "consignments/day", 1),
    col("vehicles_per_day", "vehicles/day", 1),
    col("time_in_system_mean_min", "time in system", 1),
    col("time_in_system_p95_min", "p95", 1),
    col("turned_away", "turned away", 0),
    col_if("abandoned_fraction", "share gave up", 3),
    col_if("diverted_fraction", "share diverted", 3),
];

/// The stage table of `run`'s summary after its servers and utilization columns (which
/// depend on the stage's kind), in order.
pub const STAGE_TABLE: &[Column] = &[
    col("wait_mean_min", "wait", 1),
    col("wait_p95_min", "wait p95", 1),
    col("p_wait", "P(wait)", 3),
    col("queue_mean", "queue", 2),
    col("queue_max", "max queue", 0),
    col("in_stage_mean", "in stage", 2),
    col("blocked", "blocked", 0),
    col_if("lane_failures", "lane failures", 0),
    col_if("abandoned", "gave up", 0),
    col_if("abandon_wait_mean_min", "waited before giving up", 1),
    col_if("diverted", "diverted", 0),
];

/// The port-level columns of `compare`'s headline, in order.
pub const HEADLINE: &[Column] = &[
    col("vehicles_per_day", "vehicles/day", 1),
    col("time_in_system_mean_min", "time in system (min)", 1),
    col("time_in_system_p95_min", "p95 (min)", 1),
    col("in_system_mean", "in port", 1),
];

/// How a series turns cumulative meters into an interval value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// Time-average of a level over the interval.
    Mean,
    /// Count of events in the interval.
    Count,
}

/// Where a series is kept: a port, each stage, each lane stage, each flow, the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesLevel {
    /// A whole port.
    Port,
    /// Every stage.
    Stage,
    /// Stages with lanes only.
    Lanes,
    /// Every flow (port and mode).
    Flow,
    /// The port's driver pool.
    Pool,
}

/// Every time series, typed: the meter that measures one is a `match` over this enum with
/// no catch-all arm, so a new series cannot silently report another quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesMetric {
    /// Consignments inside the port.
    InSystem,
    /// Consignments waiting at a stage.
    Queue,
    /// Consignments at a stage, waiting or served.
    InStage,
    /// Lanes busy.
    Busy,
    /// Lanes open.
    ServersOpen,
    /// Consignments arrived.
    Arrivals,
    /// Consignments cleared.
    Completed,
    /// Vehicles cleared.
    CompletedVehicles,
    /// Consignments turned away.
    TurnedAway,
    /// Drivers away on trips.
    DriversBusy,
}

/// One time series: name in timeseries.csv, where it is kept, how an interval is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesInfo {
    /// Which.
    pub id: SeriesMetric,
    /// Name in timeseries.csv.
    pub name: &'static str,
    /// Where it is kept.
    pub level: SeriesLevel,
    /// Mean level or count.
    pub kind: SeriesKind,
}

const fn series(id: SeriesMetric, name: &'static str, level: SeriesLevel, kind: SeriesKind) -> SeriesInfo {
    SeriesInfo { id, name, level, kind }
}

/// Every series, in the order of timeseries.csv within its level.
pub const SERIES: [SeriesInfo; 10] = [
    series(SeriesMetric::InSystem, "in_system", SeriesLevel::Port, SeriesKind::Mean),
    series(SeriesMetric::Queue, "queue", SeriesLevel::Stage, SeriesKind::Mean),
    series(SeriesMetric::InStage, "in_stage", SeriesLevel::Stage, SeriesKind::Mean),
    series(SeriesMetric::Busy, "busy", SeriesLevel::Lanes, SeriesKind::Mean),
    series(
        SeriesMetric::ServersOpen,
        "servers_open",
        SeriesLevel::Lanes,
        SeriesKind::Mean,
    ),
    series(SeriesMetric::Arrivals, "arrivals", SeriesLevel::Flow, SeriesKind::Count),
    series(
        SeriesMetric::Completed,
        "completed",
        SeriesLevel::Flow,
        SeriesKind::Count,
    ),
    series(
        SeriesMetric::CompletedVehicles,
        "completed_vehicles",
        SeriesLevel::Flow,
        SeriesKind::Count,
    ),
    series(
        SeriesMetric::TurnedAway,
        "turned_away",
        SeriesLevel::Flow,
        SeriesKind::Count,
    ),
    series(
        SeriesMetric::DriversBusy,
        "drivers_busy",
        SeriesLevel::Pool,
        SeriesKind::Mean,
    ),
];

impl SeriesMetric {
    /// Its row of [`SERIES`].
    pub fn info(self) -> &'static SeriesInfo {
        SERIES.iter().find(|s| s.id == self).unwrap_or(&SERIES[0])
    }

    /// Name in timeseries.csv.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Mean level or count.
    pub fn kind(self) -> SeriesKind {
        self.info().kind
    }

    /// The series of timeseries.csv named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        SERIES.iter().find(|s| s.name == name).map(|s| s.id)
    }

    /// Where the series is kept.
    pub fn level(self) -> SeriesLevel {
        self.info().level
    }
}

impl std::fmt::Display for SeriesMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// So `def.metric == "queue"` reads as it did when series were named by strings.
impl PartialEq<&str> for SeriesMetric {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// The series kept at `level`, in order.
pub fn series_at(level: SeriesLevel) -> impl Iterator<Item = SeriesMetric> {
    SERIES.iter().filter(move |s| s.level == level).map(|s| s.id)
}

/// The series kept for one stage of `kind`.
pub fn stage_series(kind: StageKind) -> impl Iterator<Item = SeriesMetric> {
    let lanes = kind == StageKind::Servers;
    series_at(SeriesLevel::Stage).chain(series_at(SeriesLevel::Lanes).filter(move |_| lanes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_a_model_yields_is_registered_at_its_level() {
        for f in [
            "baktu",
            "horgos-2024",
            "horgos-2025",
            "horgos-reform",
            "mmc",
            "nur-zholy-2025",
            "two-ports",
        ] {
            let set =
                crate::scenario::load_set(std::path::Path::new(&format!("scenarios/{f}.toml")), Default::default())
                    .unwrap();
            for sc in std::iter::once(&set.baseline).chain(&set.variants) {
                for k in crate::experiment::metric_keys(&sc.spec, sc.policy.clone()) {
                    let d = metric(k.name).unwrap_or_else(|| panic!("{f}: {} is not registered", k.name));
                    assert!(
                        d.levels.contains(&Level::of(k.scope)),
                        "{f}: {} at {:?}",
                        k.name,
                        k.scope
                    );
                }
            }
        }
    }

    #[test]
    fn every_table_column_is_a_metric_of_its_table() {
        let has = |c: &Column, level: Level| metric(c.metric).is_some_and(|d| d.levels.contains(&level));
        assert!(FLOW_TABLE.iter().all(|c| has(c, Level::Port) && has(c, Level::Flow)));
        assert!(STAGE_TABLE.iter().all(|c| has(c, Level::Stage)));
        // The headline shows baseline values and differences, so only compared metrics.
        assert!(
            HEADLINE
                .iter()
                .all(|c| metric(c.metric).is_some_and(|d| d.compare.contains(&Level::Port)))
        );
    }

    #[test]
    fn made_names_find_their_family() {
        assert_eq!(metric("within_240_min").map(|d| d.name), Some("within_T_min"));
        assert_eq!(
            metric("within_90.5_min_vehicles").map(|d| d.name),
            Some("within_T_min_vehicles")
        );
        assert_eq!(
            metric("by_hour_07_wait_mean_min").map(|d| d.name),
            Some("by_hour_HH_wait_mean_min")
        );
        assert_eq!(
            metric("event_12_recovery_min").map(|d| d.name),
            Some("event_K_recovery_min")
        );
        assert!(metric("within__min").is_none());
        assert!(metric("within_x_min").is_none());
        assert!(metric("event_1_backlog").is_none());
    }

    #[test]
    fn names_are_unique_and_every_series_has_its_row() {
        for (i, d) in METRICS.iter().enumerate() {
            assert!(METRICS[..i].iter().all(|e| e.name != d.name), "{} twice", d.name);
            assert!(d.compare.iter().all(|l| d.levels.contains(l)), "{}", d.name);
        }
        for s in SERIES {
            assert_eq!(s.id.info(), &s);
            assert_eq!(SeriesMetric::from_name(s.name), Some(s.id));
        }
    }
}
