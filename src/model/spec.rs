//! The resolved model: every name turned into an index, every rate into minutes, ready to
//! simulate. The scenario layer builds it from TOML; a library user may build it by hand.

use super::capacity::Timeline;
use crate::date::StartInstant;
use crate::random::Dist;

/// Longest route a consignment can take, in stages. Routes are drawn at arrival and kept in
/// the consignment, so this bounds its size.
pub const MAX_ROUTE: usize = 16;

/// Everything one replication needs.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// Human-readable scenario name, carried into outputs.
    pub name: String,
    /// Calendar instant of simulation time zero.
    pub start: StartInstant,
    /// Length of a replication, minutes.
    pub horizon: f64,
    /// Statistics before this time (minutes) are discarded.
    pub warmup: f64,
    /// Width of one time-series row, minutes.
    pub report_interval: f64,
    /// Ports, in scenario order.
    pub ports: Vec<PortSpec>,
    /// Export modes.
    pub modes: Vec<ModeSpec>,
    /// Stages of every port.
    pub stages: Vec<StageSpec>,
    /// Arrival flows, one per (port, mode).
    pub flows: Vec<FlowSpec>,
    /// Driver pools, at most one per port.
    pub pools: Vec<DriverPoolSpec>,
    /// Demand streams shared between ports (their flows have `ArrivalSpec::Shared`).
    pub demands: Vec<DemandSpec>,
    /// Share of consignments in the green channel, for stages with reserved servers (0 when
    /// no stage reserves any). A consignment is green when its arrival tag is below it.
    pub green_share: f64,
    /// Route probabilities that change during the run, in the order they take effect among
    /// changes at the same minute.
    pub route_changes: Vec<RouteChange>,
    /// One-off batches of arrivals, in time order.
    pub batches: Vec<Batch>,
    /// Service-level targets, the hour-of-day breakdown and unit costs.
    pub service: super::service::ServiceSpec,
    /// Dated events whose backlog is followed (model/backlog.rs), in the order built.
    pub marks: Vec<super::backlog::Mark>,
}

impl ModelSpec {
    /// True when some mode has a length, so lines are measured in kilometres.
    pub fn measures_queue_length(&self) -> bool {
        self.modes.iter().any(|m| m.metres > 0.0)
    }
}

/// A border port.
#[derive(Debug, Clone)]
pub struct PortSpec {
    /// Name used in outputs.
    pub name: String,
    /// Its driver pool (index into `ModelSpec::pools`), if it has self-driving exports.
    pub pool: Option<usize>,
}

/// How consignments of a mode are made up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeKind {
    /// A car carrier with several vehicles, cleared as one consignment.
    CageTruck,
    /// One vehicle driven across by a hired driver from the port's pool.
    SelfDriving,
    /// Anything else: a plain customer, as in textbook queues.
    Generic,
}

impl ModeKind {
    /// The word used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            ModeKind::CageTruck => "cage_truck",
            ModeKind::SelfDriving => "self_driving",
            ModeKind::Generic => "generic",
        }
    }
}

/// An export mode.
#[derive(Debug, Clone)]
pub struct ModeSpec {
    /// Name used in outputs.
    pub name: String,
    /// What a consignment of this mode is.
    pub kind: ModeKind,
    /// Vehicles per consignment (rounded, at least 1).
    pub vehicles: Dist,
    /// Metres of road one consignment takes in a line (its length plus the gap to the
    /// next); 0 when the scenario gives no length.
    pub metres: f64,
}

/// What a stage does with a consignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    /// A pool of servers (lanes, booths, officer teams), one consignment each, with a queue.
    Servers,
    /// A delay with no server limit: document processing, waiting for release.
    Dwell,
    /// Waiting for a free driver from pool `pool`; the driver stays with the vehicle.
    Driver {
        /// Index into `ModelSpec::pools`.
        pool: usize,
    },
}

/// One clearance stage of a port.
#[derive(Debug, Clone)]
pub struct StageSpec {
    /// Name used in outputs.
    pub name: String,
    /// Index of the port it belongs to.
    pub port: usize,
    /// Servers, dwell or driver queue.
    pub kind: StageKind,
    /// Servers open over time (only for `Servers`), reserved lanes and the daily quota:
    /// the weekly schedule with its dated periods.
    pub timeline: Timeline,
    /// Most consignments in the stage (queue plus service); `None` is unlimited.
    pub capacity: Option<u32>,
    /// Serve lower priority classes first (FIFO within a class) instead of plain FIFO.
    pub priority: bool,
    /// How long a consignment waits in this stage's line before it gives up and leaves the
    /// port (see model/abandonment.rs); `None` waits for ever.
    pub patience: Option<crate::random::Dist>,
    /// Random lane failures and repairs (see model/breakdowns.rs); `None` never fails.
    pub breakdowns: Option<Breakdowns>,
    /// Where those whose patience runs out go instead of leaving (model/diversion.rs).
    pub divert: Option<Divert>,
}

/// Diversion to another port: a consignment whose patience runs out drives to `port`,
/// arriving there after `travel` minutes as an arrival of that port's flow of its mode.
#[derive(Debug, Clone)]
pub struct Divert {
    /// Target port.
    pub port: usize,
    /// The target port's flow for each mode (index = mode), where it has one.
    pub flows: Vec<Option<usize>>,
    /// Driving time, minutes.
    pub travel: Dist,
}

/// What happens to the clearance under way when its lane fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRepair {
    /// The clearance goes on with the time it had left (preemptive resume).
    Resume,
    /// The clearance starts again from the beginning, with the same work (preemptive
    /// repeat).
    Restart,
}

/// A server stage's lane failures: each lane fails after `between` minutes of work (a lane
/// wears while it clears, not while idle) and is repaired in `repair` minutes, holding its
/// consignment meanwhile.
#[derive(Debug, Clone)]
pub struct Breakdowns {
    /// Working minutes between the end of one repair and the next failure.
    pub between: crate::random::Dist,
    /// Minutes to repair.
    pub repair: crate::random::Dist,
    /// The rule for the clearance under way.
    pub rule: AfterRepair,
}

/// How arrivals of a flow are generated.
// One value per flow, built once: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ArrivalSpec {
    /// Non-homogeneous Poisson.
    Poisson(PoissonSpec),
    /// One arrival every `every` minutes, the first at `first`.
    Fixed {
        /// Interval, minutes.
        every: f64,
        /// Time of the first arrival, minutes.
        first: f64,
    },
    /// Arrivals at exactly these times (sorted, minutes).
    List(Vec<f64>),
    /// Arrivals read from a gate log (model/observed.rs), replayed exactly or day by day.
    /// Shared, so cloning the model for each variant does not copy the log.
    Observed(std::sync::Arc<super::observed::ObservedSpec>),
    /// No arrivals of its own: shared demand stream (index into `ModelSpec::demands`) sends
    /// some of its consignments here.
    Shared(usize),
}

/// A non-homogeneous Poisson process: `rate` per minute times the hour-of-day, day-of-week
/// and month-of-year factors (each normalised to a mean of 1). Declared once for the spec
/// and the generator that draws from it.
#[derive(Debug, Clone, PartialEq)]
pub struct PoissonSpec {
    /// Mean arrivals per minute.
    pub rate: f64,
    /// Factor per hour of day (24).
    pub hour: [f64; 24],
    /// Factor per day of week, Monday first (7).
    pub weekday: [f64; 7],
    /// Factor per month, January first (12).
    pub month: [f64; 12],
    /// Dated multipliers on top of the profiles (a holiday rush); each starts and ends on
    /// a calendar hour, so the rate still changes only on the hour.
    pub surges: Vec<Surge>,
}

/// A dated arrival multiplier: from `from` to `to` (minutes) the rate is `factor` times
/// what the profiles give. Where two overlap, the later one in the file wins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surge {
    /// First minute.
    pub from: f64,
    /// First minute after it.
    pub to: f64,
    /// Multiplier, 0 or more.
    pub factor: f64,
}

/// A one-off batch: `consignments` of flow `flow` arrive together at minute `at` (a train
/// unloading its cars), on top of the flow's own arrivals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    /// Flow index.
    pub flow: usize,
    /// Minute.
    pub at: f64,
    /// How many arrive.
    pub consignments: u32,
}

impl PoissonSpec {
    /// The highest rate per minute over the calendar (rate times the largest factor of
    /// each profile): the bound thinning draws candidates at.
    pub fn peak_rate(&self) -> f64 {
        let mx = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
        let surge = self.surges.iter().map(|s| s.factor).fold(1.0, f64::max);
        self.rate * mx(&self.hour) * mx(&self.weekday) * mx(&self.month) * surge
    }

    /// The surge factor in force at minute `t` (1 outside every surge).
    pub fn surge_at(&self, t: f64) -> f64 {
        self.surges
            .iter()
            .rev()
            .find(|s| s.from <= t && t < s.to)
            .map_or(1.0, |s| s.factor)
    }
}

/// One step of a route.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteStep {
    /// Always visit this stage.
    Always(usize),
    /// Visit with this probability, otherwise skip.
    Maybe(usize, f64),
    /// Visit exactly one of these stages, with cumulative probabilities ending at 1.
    Choose(Vec<(usize, f64)>),
}

impl RouteStep {
    /// Every stage this step can send a consignment to, so callers that ask "does the route
    /// pass stage s" do not each spell out the step kinds.
    pub fn stages(&self) -> impl Iterator<Item = usize> + '_ {
        let (one, many) = match self {
            RouteStep::Always(s) | RouteStep::Maybe(s, _) => (Some(*s), &[][..]),
            RouteStep::Choose(options) => (None, &options[..]),
        };
        one.into_iter().chain(many.iter().map(|&(s, _)| s))
    }

    /// The stage this step sends a consignment to, if any. Optional and choice steps take
    /// one uniform draw from `rng` each (also when the probability is 0 or 1, so routing
    /// streams stay in step between variants that change it); fixed steps take none.
    #[inline]
    pub fn pick<R: rand::Rng>(&self, rng: &mut R) -> Option<usize> {
        match self {
            RouteStep::Always(s) => Some(*s),
            RouteStep::Maybe(s, p) => (rng.random::<f64>() < *p).then_some(*s),
            RouteStep::Choose(options) => {
                let u: f64 = rng.random();
                let i = options.partition_point(|&(_, c)| c <= u).min(options.len() - 1);
                Some(options[i].0)
            }
        }
    }
}

/// A dated change of one optional route step's probability, made by a policy in force for
/// part of the run (an `inspection_rate` inside a `reform`): consignments arriving from `at`
/// on take the new probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteChange {
    /// Minute from which it holds.
    pub at: f64,
    /// Flow index.
    pub flow: usize,
    /// Index of the step in the flow's route (a `RouteStep::Maybe`).
    pub step: usize,
    /// The new probability.
    pub probability: f64,
}

/// Consignments of one mode arriving at one port.
#[derive(Debug, Clone)]
pub struct FlowSpec {
    /// Port index.
    pub port: usize,
    /// Mode index.
    pub mode: usize,
    /// Arrival process.
    pub arrivals: ArrivalSpec,
    /// Priority class (0 first) at stages that use priority.
    pub class: u8,
    /// Stages in order.
    pub route: Vec<RouteStep>,
}

/// How a shared demand stream picks the port of each arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitRule {
    /// At random, in proportion to the shares: the split a planner fixes by assumption.
    Shares,
    /// To the port where this demand's consignments inside, divided by the port's share,
    /// are fewest (ties broken by the random share draw): carriers that avoid the busier
    /// port, so a slower port loses traffic to the other.
    Balance,
}

/// One demand stream of one mode, split between ports on arrival.
#[derive(Debug, Clone)]
pub struct DemandSpec {
    /// Name used for its random streams.
    pub name: String,
    /// Mode index of every consignment.
    pub mode: usize,
    /// Arrival process of the whole demand (never `Shared`).
    pub arrivals: ArrivalSpec,
    /// Flows it feeds (flow index) and their shares, adding up to 1.
    pub split: Vec<(usize, f64)>,
    /// How each arrival's port is picked.
    pub rule: SplitRule,
}

/// The hired drivers of a port's self-driving exports.
#[derive(Debug, Clone)]
pub struct DriverPoolSpec {
    /// Port index.
    pub port: usize,
    /// Number of drivers.
    pub size: u32,
    /// Minutes from leaving the port's last stage to handing the vehicle over at the transit lot.
    pub to_transit_lot: Dist,
    /// Minutes for the driver to come back and be ready for the next vehicle.
    pub return_trip: Dist,
}
