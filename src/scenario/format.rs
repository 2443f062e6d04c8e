//! The scenario file as written by a planner: serde structures mirroring the TOML.
//!
//! Unknown keys are rejected (`deny_unknown_fields`) so a misspelt key is an error, not a
//! silently ignored setting. All durations are minutes; rates say their unit in the key.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Run settings.
    pub simulation: SimulationSection,
    /// Export modes by name.
    #[serde(default)]
    pub modes: BTreeMap<String, ModeSection>,
    /// Ports by name.
    #[serde(default)]
    pub ports: BTreeMap<String, PortSection>,
    /// Demand streams shared between ports, by name.
    #[serde(default)]
    pub demand: BTreeMap<String, DemandSection>,
    /// The clearance policy of the baseline (default: the stages' distributions).
    pub policy: Option<PolicySpec>,
    /// Service-level targets and the hour-of-day breakdown.
    pub service: Option<ServiceSection>,
    /// Unit costs, so a variant reports its cost beside its waits.
    pub costs: Option<CostsSection>,
    /// Named variants: overrides on the baseline, compared by `bordersim compare`.
    #[serde(default)]
    pub variants: BTreeMap<String, VariantSection>,
}

/// `[service]`: what a planner promises (time-in-system targets) and whether waits are
/// broken down by the hour of day of arrival.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    /// Time-in-system targets, minutes: the share within each is reported.
    #[serde(default)]
    pub targets_min: Vec<f64>,
    /// Report waits and time in system by hour of day of arrival.
    #[serde(default)]
    pub by_hour: bool,
}

/// `[costs]`: unit costs of what a port spends (lanes open, drivers hired) and of what
/// its users lose (vehicle-hours waiting and inside the port), in one currency.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsSection {
    /// Per lane-hour open at `servers` stages.
    #[serde(default)]
    pub lane_hour: f64,
    /// Per driver-hour of a port's pool (hired for the whole run).
    #[serde(default)]
    pub driver_hour: f64,
    /// Per vehicle-hour waiting in lines.
    #[serde(default)]
    pub vehicle_hour_waiting: f64,
    /// Per vehicle-hour inside the port (waiting, cleared or parked).
    #[serde(default)]
    pub vehicle_hour_in_port: f64,
}

/// `[variants.NAME]`: a policy and/or key overrides on the baseline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSection {
    /// Carried into outputs.
    pub description: Option<String>,
    /// Replaces the baseline's policy.
    pub policy: Option<PolicySpec>,
    /// Dotted key paths of the baseline and their new values.
    #[serde(default)]
    pub set: toml::Table,
}

/// A clearance policy by name: `{ type = "scaled", factor = 0.5, stages = ["declaration"] }`.
/// Policies nest: `of` (or `before`/`after`) names the policy they modify, by default the
/// stages' distributions.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PolicySpec {
    /// The stages' own distributions.
    Distribution {},
    /// Times of `of` multiplied by `factor`.
    Scaled {
        /// Multiplier.
        factor: f64,
        /// Stage names ("stage" or "port.stage"); all stages when omitted.
        stages: Option<Vec<String>>,
        /// Mode names; all modes when omitted.
        modes: Option<Vec<String>>,
        /// The policy modified.
        of: Option<Box<PolicySpec>>,
    },
    /// `before` until `at`, `after` from then on.
    Reform {
        /// Date and time of the switch, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM".
        at: String,
        /// Policy before the switch (default: distributions).
        before: Option<Box<PolicySpec>>,
        /// Policy from the switch on.
        after: Box<PolicySpec>,
    },
    /// A share of consignments cleared `factor` times as long.
    GreenChannel {
        /// Share of consignments, 0-1.
        share: f64,
        /// Multiplier for them.
        factor: f64,
        /// Stage names; all stages when omitted.
        stages: Option<Vec<String>>,
        /// Servers reserved for green consignments, per stage name.
        reserved_lanes: Option<BTreeMap<String, u32>>,
        /// The policy modified.
        of: Option<Box<PolicySpec>>,
    },
    /// Probability of being sent to an optional (inspection) stage, per mode.
    InspectionRate {
        /// The optional stage.
        stage: String,
        /// New probability per mode name.
        rates: BTreeMap<String, f64>,
        /// The clearance-time policy.
        of: Option<Box<PolicySpec>>,
    },
    /// Faster (or slower) officers as the queue grows, within bounds.
    QueueResponsive {
        /// Multiplier change per consignment waiting.
        per_waiting: f64,
        /// Lowest multiplier.
        min_factor: Option<f64>,
        /// Highest multiplier.
        max_factor: Option<f64>,
        /// Stage names; all stages when omitted.
        stages: Option<Vec<String>>,
        /// The policy modified.
        of: Option<Box<PolicySpec>>,
    },
}

/// `[simulation]`: horizon, warm-up, seed, replications.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSection {
    /// Scenario title for outputs.
    pub name: Option<String>,
    /// Free text carried into outputs.
    pub description: Option<String>,
    /// Calendar start, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM".
    pub start: Option<String>,
    /// Length of each replication, days.
    pub horizon_days: f64,
    /// Discarded start-up period, days.
    #[serde(default)]
    pub warmup_days: f64,
    /// Seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Independent replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Width of one time-series row, minutes.
    #[serde(default = "default_interval")]
    pub report_interval_min: f64,
}

fn default_seed() -> u64 {
    1
}
fn default_replications() -> u32 {
    10
}
fn default_interval() -> f64 {
    60.0
}

/// `[modes.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeSection {
    /// "cage_truck", "self_driving" or "generic".
    pub kind: ModeKindName,
    /// Vehicles per consignment (cage trucks).
    pub vehicles: Option<DistSpec>,
    /// Length on the road of one consignment (a truck, a carrier, a car), metres.
    pub length_m: Option<f64>,
    /// Gap to the next one in a queue, metres.
    pub gap_m: Option<f64>,
    /// Free text.
    pub description: Option<String>,
}

/// Declares an enum of the words a key allows, deserialized from a string. A word not on
/// the list is kept as written in `Unknown`, so that validation refuses it at its key path
/// with the allowed words (a serde error could only give a line and column), and a value
/// that is not a string gets serde's own message, as for any string key.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        #[serde(from = "String")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A word that is not allowed, as written.
            Unknown(String),
        }

        impl From<String> for $name {
            fn from(word: String) -> Self {
                match word.as_str() {
                    $($word => Self::$variant,)+
                    _ => Self::Unknown(word),
                }
            }
        }

        impl $name {
            /// The word as written in the file.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $word,)+
                    Self::Unknown(word) => word,
                }
            }
        }
    };
}

words! {
    /// `kind` of a mode.
    ModeKindName {
        /// A car carrier with several vehicles.
        CageTruck = "cage_truck",
        /// One vehicle that takes a hired driver.
        SelfDriving = "self_driving",
        /// A plain customer.
        Generic = "generic",
    }
}

words! {
    /// `kind` of a stage.
    StageKindName {
        /// A pool of servers with a queue.
        Servers = "servers",
        /// A delay with no server limit.
        Dwell = "dwell",
        /// Waiting for a driver from the port's pool.
        Driver = "driver",
    }
}

words! {
    /// `discipline` of a stage's queue.
    Discipline {
        /// First come, first served.
        Fifo = "fifo",
        /// Lower priority class first, FIFO within a class.
        Priority = "priority",
    }
}

words! {
    /// `rule` of a stage's breakdowns: what the clearance under way does after the repair.
    RepairRule {
        /// Goes on with the time it had left.
        Resume = "resume",
        /// Starts again from the beginning.
        Restart = "restart",
    }
}

words! {
    /// `choice` of a shared demand: how each arrival's port is picked.
    Choice {
        /// At random by share.
        Shares = "shares",
        /// To the less loaded port, per share.
        Balance = "balance",
    }
}

words! {
    /// `replay` of observed arrivals: how a gate log is replayed.
    ReplayName {
        /// Every replication replays exactly the logged arrivals.
        Exact = "exact",
        /// Each simulated day replays one observed day drawn at random (a bootstrap).
        Days = "days",
    }
}

words! {
    /// `match` of a day-by-day replay: which observed days a simulated day may draw.
    MatchName {
        /// Any observed day.
        Any = "any",
        /// Only observed days of the same weekday.
        Weekday = "weekday",
    }
}

/// `observed = { file = "data/gate-log.csv", replay = "exact" }`: arrivals from a gate
/// log (scenario/gate_log) instead of a rate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedSection {
    /// The CSV file, relative to the scenario file's directory.
    pub file: String,
    /// `exact` (the default) or `days`.
    pub replay: Option<ReplayName>,
    /// For `days`: `any` (the default) or `weekday`.
    #[serde(rename = "match")]
    pub matching: Option<MatchName>,
}

/// `[ports.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSection {
    /// Free text.
    pub description: Option<String>,
    /// Stages by name.
    #[serde(default)]
    pub stages: BTreeMap<String, StageSection>,
    /// Arrival flows by mode name.
    #[serde(default)]
    pub flows: BTreeMap<String, FlowSection>,
    /// The hired-driver pool for self-driving exports.
    pub drivers: Option<DriversSection>,
    /// Dated closures of the whole port.
    #[serde(default)]
    pub closures: Vec<ClosureSection>,
}

/// `{ from, to }`: every stage of the port starts no clearance in this period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureSection {
    /// First instant closed.
    pub from: String,
    /// First instant open again (optional: closed to the end).
    pub to: Option<String>,
}

/// `divert = { to, travel }`: where consignments whose patience runs out go instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DivertSection {
    /// Port they go to.
    pub to: String,
    /// Driving time to it, minutes.
    pub travel: DistSpec,
}

/// `[ports.P.stages.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSection {
    /// "servers", "dwell" or "driver".
    pub kind: StageKindName,
    /// Servers open when no schedule window applies.
    pub servers: Option<u32>,
    /// Weekly windows overriding `servers`.
    #[serde(default)]
    pub schedule: Vec<WindowSection>,
    /// Most consignments in the stage, queue included.
    pub capacity: Option<u32>,
    /// Most consignments starting clearance per calendar day (an e-queue's daily quota);
    /// the rest wait for the next midnight.
    pub daily_cap: Option<u32>,
    /// "fifo" (default) or "priority".
    pub discipline: Option<Discipline>,
    /// Clearance (or dwell) time, minutes.
    pub clearance: Option<DistSpec>,
    /// Per-mode clearance times overriding `clearance`.
    #[serde(default)]
    pub clearance_by_mode: BTreeMap<String, DistSpec>,
    /// Dated changes of capacity: a holiday closure, a quota cut from a date.
    #[serde(default)]
    pub changes: Vec<ChangeSection>,
    /// How long a consignment waits in the line before giving up, minutes.
    pub patience: Option<DistSpec>,
    /// Where those whose patience runs out go instead of leaving.
    pub divert: Option<DivertSection>,
    /// Lane failures and repairs (server stages).
    pub breakdowns: Option<BreakdownSection>,
    /// Free text.
    pub description: Option<String>,
}

/// `breakdowns = { between = {..}, repair = {..}, rule = "resume" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakdownSection {
    /// Working minutes of a lane between failures.
    pub between: DistSpec,
    /// Minutes to repair a failed lane.
    pub repair: DistSpec,
    /// "resume" (default) or "restart".
    pub rule: Option<RepairRule>,
}

/// A dated change: `{ from = "2025-11-13", to = "2025-11-25", daily_cap = 650 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSection {
    /// First instant, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM".
    pub from: String,
    /// First instant after it; without it the change holds to the end of the run.
    pub to: Option<String>,
    /// Servers open during it, replacing the weekly schedule (0 closes the lanes).
    pub servers: Option<u32>,
    /// Daily quota during it.
    pub daily_cap: Option<u32>,
    /// Room in the stage during it.
    pub capacity: Option<u32>,
    /// Clearance at this stage during it, instead of the scenario's policy.
    pub policy: Option<PolicySpec>,
}

/// One schedule window: `{ days = "mon-fri", from = "08:00", to = "20:00", servers = 10 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSection {
    /// "all", "mon-fri", "sat", or a list of day names.
    #[serde(default = "all_days")]
    pub days: Days,
    /// Start "HH:MM".
    pub from: String,
    /// End "HH:MM" (may be "24:00"; earlier than `from` wraps past midnight).
    pub to: String,
    /// Servers open in the window.
    pub servers: u32,
}

fn all_days() -> Days {
    Days::One("all".into())
}

/// A day range or a list of days.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a day range like \"mon-fri\" or \"all\", or a list like [\"sat\", \"sun\"]"
)]
pub enum Days {
    /// "all", "mon-fri", "sat".
    One(String),
    /// ["sat", "sun"].
    List(Vec<String>),
}

/// `[demand.NAME]`: consignments of one mode whose port is picked on arrival, so that two
/// ports can share one market and a change at one port can move traffic to the other.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSection {
    /// Free text.
    pub description: Option<String>,
    /// Mode of every consignment.
    pub mode: String,
    /// Poisson arrival rate of the whole demand.
    pub rate: Option<RateSection>,
    /// Arrivals from a gate log instead of a rate.
    pub observed: Option<ObservedSection>,
    /// 24 relative factors, normalised to mean 1.
    pub hour_of_day: Option<Vec<f64>>,
    /// 7 relative factors, Monday first.
    pub day_of_week: Option<Vec<f64>>,
    /// 12 relative factors, January first.
    pub month_of_year: Option<Vec<f64>>,
    /// Share per port name, adding up to 1.
    pub split: BTreeMap<String, f64>,
    /// "shares" (default: at random by share) or "balance" (to the less loaded port).
    pub choice: Option<Choice>,
    /// Dated arrival multipliers of the whole demand.
    #[serde(default)]
    pub surges: Vec<SurgeSection>,
}

/// A dated arrival multiplier: `{ from = "2025-11-01", to = "2025-11-08", factor = 1.5 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeSection {
    /// First instant, on the hour.
    pub from: String,
    /// First instant after it, on the hour.
    pub to: String,
    /// Multiplier of the rate the profiles give (0 or more).
    pub factor: f64,
}

/// A batch: `{ at = "2025-11-20T06:00", consignments = 300 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSection {
    /// When they arrive.
    pub at: String,
    /// How many consignments arrive together.
    pub consignments: u32,
}

/// `[ports.P.flows.MODE]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSection {
    /// Name of the shared demand that feeds this flow, instead of arrivals of its own.
    pub demand: Option<String>,
    /// Poisson arrival rate.
    pub rate: Option<RateSection>,
    /// Fixed interval between arrivals, minutes.
    pub every_min: Option<f64>,
    /// First fixed-interval arrival, minutes.
    pub first_at_min: Option<f64>,
    /// Explicit arrival times, minutes from the start.
    pub times_min: Option<Vec<f64>>,
    /// Arrivals from a gate log.
    pub observed: Option<ObservedSection>,
    /// 24 relative factors, normalised to mean 1.
    pub hour_of_day: Option<Vec<f64>>,
    /// 7 relative factors, Monday first.
    pub day_of_week: Option<Vec<f64>>,
    /// 12 relative factors, January first.
    pub month_of_year: Option<Vec<f64>>,
    /// Dated arrival multipliers (Poisson arrivals only).
    #[serde(default)]
    pub surges: Vec<SurgeSection>,
    /// One-off batches of arrivals.
    #[serde(default)]
    pub batches: Vec<BatchSection>,
    /// Priority class, 0 served first where a stage uses priority.
    #[serde(default)]
    pub priority: u8,
    /// Stages in order.
    pub route: Vec<RouteStepSection>,
}

/// `rate = { per_hour = 40 }`: exactly one key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateSection {
    /// Consignments per minute (textbook queues).
    pub per_minute: Option<f64>,
    /// Consignments per hour.
    pub per_hour: Option<f64>,
    /// Consignments per day.
    pub per_day: Option<f64>,
    /// Vehicles per year (divided by the mean vehicles per consignment).
    pub vehicles_per_year: Option<f64>,
}

/// A route step: a stage name, or a table for optional and alternative stages.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a stage name, { stage = \"NAME\", probability = P }, or { choose = [{ stage = \"A\", probability = P }, ...] }"
)]
pub enum RouteStepSection {
    /// Always visit.
    Stage(String),
    /// Optional or alternative.
    Step(StepTable),
}

impl RouteStepSection {
    /// Every stage name the step mentions, in the order written.
    pub fn stage_names(&self) -> Vec<&String> {
        match self {
            RouteStepSection::Stage(s) => vec![s],
            RouteStepSection::Step(t) => t
                .stage
                .iter()
                .chain(t.choose.iter().flatten().map(|b| &b.stage))
                .collect(),
        }
    }
}

/// The table form of a route step.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepTable {
    /// Stage visited with `probability`.
    pub stage: Option<String>,
    /// Probability of the visit.
    pub probability: Option<f64>,
    /// Alternatives, one of which is visited.
    pub choose: Option<Vec<Branch>>,
}

/// One alternative of a `choose` step.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Stage name.
    pub stage: String,
    /// Probability of this branch.
    pub probability: f64,
}

/// `[ports.P.drivers]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriversSection {
    /// Drivers in the pool.
    pub count: u32,
    /// Minutes from leaving the port to handing over at the transit lot.
    pub to_transit_lot: DistSpec,
    /// Minutes for the driver to come back.
    pub return_trip: DistSpec,
}

/// A distribution: `{ dist = "exponential", mean = 20 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// `value`.
    Constant {
        /// The value.
        value: f64,
    },
    /// `mean`.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// `min`, `max`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `min`, `mode`, `max`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// `mean`, `sd`, truncated at zero.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
    },
    /// `mean`, `cv`.
    Lognormal {
        /// Mean.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
    },
    /// `shape`, `scale`.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale theta.
        scale: f64,
    },
    /// `shape`, `scale`.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale lambda.
        scale: f64,
    },
    /// `k`, `mean`.
    Erlang {
        /// Number of phases.
        k: u32,
        /// Overall mean.
        mean: f64,
    },
    /// `values`, optional `weights`.
    Empirical {
        /// Possible values.
        values: Vec<f64>,
        /// Relative weights (equal if omitted).
        weights: Option<Vec<f64>>,
    },
}
