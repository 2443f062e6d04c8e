//! One replication of the clearance model on the event engine.

use super::arrivals::ArrivalGen;
use super::consignment::{Consignment, Handle, Slab};
use super::failure::{Failure, usable_clearance_time};
use super::observed::{ObservedGen, Source};
use super::observer::{Observer, Silent, Trace};
use super::series::SeriesRecorder;
use super::spec::{ArrivalSpec, MAX_ROUTE, ModelSpec, RouteStep, StageKind};
use super::state::{FlowState, PoolState, PortState, StageState, View};
use super::warmup::{self, WarmSnapshot};
use crate::engine::{self, Calendar, Prioritised, Process, Time};
use crate::policy::{ClearancePolicy, ClearanceRequest};
use crate::random::{Dist, StreamRng, stream};
use rand::Rng;

/// Most consignments the ports of one replication may hold at once (about 1 GB of state).
/// More means arrivals outrun clearance capacity for good: the run stops with an error
/// instead of eating the machine's memory.
pub const MAX_INSIDE: usize = 5_000_000;

/// Events of the clearance model. Small and `Copy` so the calendar moves plain bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Write one time-series row.
    Report,
    /// End of the warm-up: statistics restart.
    WarmupEnd,
    /// A stage's capacity may change: its weekly schedule or a dated period turns over
    /// (index of the stage).
    Capacity(u32),
    /// A route probability changes (index into `ModelSpec::route_changes`).
    Route(u32),
    /// Midnight: daily quotas start again.
    Midnight,
    /// A consignment finishes its clearance or dwell: its [`Handle`]'s slot and generation,
    /// as two fields so the event stays 8 bytes.
    Done(u32, u16),
    /// A consignment's patience at the stage at position (third field) of its route runs
    /// out: slot and generation of its [`Handle`], as for `Done`.
    Renege(u32, u16, u8),
    /// A driver of pool (index) is back and free.
    DriverFree(u32),
    /// The next consignment of a flow (index) arrives.
    Arrival(u32),
    /// The next consignment of a shared demand (index) arrives and picks its port.
    Demand(u32),
    /// A one-off batch (index into `ModelSpec::batches`) arrives.
    Batch(u32),
    /// A dated event (index into `ModelSpec::marks`) starts (`false`) or ends: its backlog
    /// is followed (model/backlog.rs).
    Mark(u32, bool),
    /// A diverted consignment (slot and generation of its [`Handle`]) reaches the port it
    /// drove to (model/diversion.rs).
    Divert(u32, u16),
    /// The next consignment of an observed source (index into the replication's observed
    /// generators, model/observed.rs) arrives.
    Observed(u32),
}

impl Prioritised for Event {
    /// Tie-break among simultaneous events: bookkeeping first, then the day's quota turning
    /// over (so a capacity change at midnight serves the new day's quota, not what was left
    /// of the old one), then lanes opening, then
    /// completions (which free servers), then arrivals, so an arrival at the exact moment a
    /// lane frees up finds it free, and a consignment whose patience runs out at the moment
    /// a lane frees is served rather than lost.
    #[inline(always)]
    fn priority(&self) -> u8 {
        match self {
            Event::Report | Event::WarmupEnd | Event::Mark(..) => 0,
            Event::Midnight => 1,
            Event::Capacity(_) | Event::Route(_) => 2,
            Event::Done(..) | Event::DriverFree(_) => 3,
            Event::Arrival(_)
            | Event::Demand(_)
            | Event::Batch(_)
            | Event::Renege(..)
            | Event::Divert(..)
            | Event::Observed(_) => 4,
        }
    }
}

impl Handle {
    /// The event that ends this consignment's clearance.
    #[inline]
    pub(super) fn done(self) -> Event {
        Event::Done(self.slot, self.generation)
    }
}

/// Random streams of one replication, one per source. `vehicles` and `tags` hold one stream
/// per flow and then one per shared demand: a demand's consignments draw from the demand's
/// streams whichever port they pick, so the draws stay in step between policies that move
/// traffic from one port to the other. Routes always come from the flow's own stream.
pub(super) struct Streams {
    arrivals: Vec<StreamRng>,
    pub(super) demand: Vec<StreamRng>,
    pub(super) split: Vec<StreamRng>,
    vehicles: Vec<StreamRng>,
    routes: Vec<StreamRng>,
    tags: Vec<StreamRng>,
    clearance: Vec<StreamRng>,
    pub(super) drivers: Vec<StreamRng>,
    /// Per stage: patience draws (model/abandonment.rs).
    pub(super) patience: Vec<StreamRng>,
    /// Per stage: lanes' working time between failures, and repair times
    /// (model/breakdowns.rs).
    pub(super) failures: Vec<StreamRng>,
    /// See `failures`.
    pub(super) repairs: Vec<StreamRng>,
    /// Per stage: driving times of diverted consignments (model/diversion.rs).
    pub(super) divert: Vec<StreamRng>,
}

impl Streams {
    fn new(spec: &ModelSpec, seed: u64, rep: u64) -> Self {
        // `:` cannot appear in a name, so a demand's streams never collide with a port's.
        let per_demand = |source: &str| -> Vec<StreamRng> {
            spec.demands
                .iter()
                .map(|d| stream(seed, rep, &format!("{source}/demand:{}", d.name)))
                .collect()
        };
        let per_flow = |source: &str| -> Vec<StreamRng> {
            let name = |f: &super::spec::FlowSpec| format!("{}/{}", spec.ports[f.port].name, spec.modes[f.mode].name);
            spec.flows
                .iter()
                .map(|f| stream(seed, rep, &format!("{source}/{}", name(f))))
                .chain(per_demand(source))
                .collect()
        };
        let per_stage = |source: &str| -> Vec<StreamRng> {
            spec.stages
                .iter()
                .map(|s| stream(seed, rep, &format!("{source}/{}/{}", spec.ports[s.port].name, s.name)))
                .collect()
        };
        Self {
            arrivals: per_flow("arrivals"),
            demand: per_demand("demand"),
            split: per_demand("split"),
            vehicles: per_flow("vehicles"),
            routes: per_flow("route"),
            tags: per_flow("tag"),
            clearance: spec
                .stages
                .iter()
                .map(|s| stream(seed, rep, &format!("clearance/{}/{}", spec.ports[s.port].name, s.name)))
                .collect(),
            patience: per_stage("patience"),
            failures: per_stage("failures"),
            repairs: per_stage("repairs"),
            divert: per_stage("divert"),
            drivers: spec
                .pools
                .iter()
                .map(|p| stream(seed, rep, &format!("drivers/{}", spec.ports[p.port].name)))
                .collect(),
        }
    }
}

/// The clearance model of every port in a scenario, for one replication, watched by `O`.
pub struct Simulation<'a, P, O = Silent> {
    pub(super) spec: &'a ModelSpec,
    policy: P,
    pub(super) streams: Streams,
    gens: Vec<ArrivalGen>,
    pub(super) demand_gens: Vec<ArrivalGen>,
    /// Flows and demands whose arrivals come from a gate log (model/observed.rs).
    pub(super) observed: Vec<ObservedGen>,
    pub(super) cons: Slab,
    /// Each flow's route with the probabilities in force now (dated route changes edit it).
    routes: Vec<Vec<RouteStep>>,
    pub(super) stages: Vec<StageState>,
    pub(super) flows: Vec<FlowState>,
    pub(super) pools: Vec<PoolState>,
    pub(super) ports: Vec<PortState>,
    /// Areas of every time-weighted level at the end of the warm-up.
    pub(super) warm: WarmSnapshot,
    /// True once the warm-up is over (from the start when there is none).
    pub(super) measuring: bool,
    series: SeriesRecorder,
    next_report: Time,
    /// Next ticket for FIFO order between a stage's green and general lines.
    pub(super) ticket: u64,
    /// Events handled, for speed measurements.
    pub events: u64,
    /// Set when the replication cannot go on (see [`Failure`]); the run then stops.
    pub failure: Option<Failure>,
    /// Arrivals so far: the next consignment's serial number.
    serial: u64,
    /// Who is watching.
    observer: O,
    /// Most consignments inside at once ([`MAX_INSIDE`]; lower in tests).
    max_inside: usize,
    /// Whether anything reads a consignment's tag (a green channel).
    draws_tags: bool,
    /// Per flow: service-level counts (model/service.rs).
    pub(super) service: Vec<super::service::FlowService>,
    /// Whether departures are recorded for service levels.
    records_service: bool,
    /// Per mark: its backlog (model/backlog.rs).
    pub(super) trackers: Vec<super::backlog::Tracker>,
    /// Whether lines are measured in metres (model/queue_length.rs).
    pub(super) km: bool,
    /// Diverted consignments on the road between ports (model/diversion.rs): in the slab,
    /// in no port.
    pub(super) travelling: usize,
}

/// One generator per flow and demand replaying a gate log, each with its own day-draw
/// stream (`observed/PORT/MODE`, `observed/demand:NAME`), so no other stream moves.
fn observed_gens(spec: &ModelSpec, seed: u64, rep: u64) -> Vec<ObservedGen> {
    let flows = spec.flows.iter().enumerate().filter_map(|(i, f)| match &f.arrivals {
        ArrivalSpec::Observed(o) => {
            let name = format!("observed/{}/{}", spec.ports[f.port].name, spec.modes[f.mode].name);
            Some(ObservedGen::new(Source::Flow(i), o.clone(), stream(seed, rep, &name)))
        }
        _ => None,
    });
    let demands = spec.demands.iter().enumerate().filter_map(|(i, d)| match &d.arrivals {
        ArrivalSpec::Observed(o) => {
            let name = format!("observed/demand:{}", d.name);
            Some(ObservedGen::new(Source::Demand(i), o.clone(), stream(seed, rep, &name)))
        }
        _ => None,
    });
    flows.chain(demands).collect()
}

impl<'a, P: ClearancePolicy> Simulation<'a, P> {
    /// A model at time zero, ready to run replication `rep` with `seed`, unobserved.
    pub fn new(spec: &'a ModelSpec, policy: P, seed: u64, rep: u64) -> Self {
        Simulation::observed(spec, policy, seed, rep, Silent)
    }
}

impl<'a, P: ClearancePolicy, O: Observer> Simulation<'a, P, O> {
    /// A model at time zero for replication `rep` with `seed`, telling `observer` what
    /// happens. Observing never changes a result.
    pub fn observed(spec: &'a ModelSpec, policy: P, seed: u64, rep: u64, observer: O) -> Self {
        let modes = spec.modes.len();
        let classes = spec.flows.iter().map(|f| usize::from(f.class) + 1).max().unwrap_or(1);
        let stages = spec
            .stages
            .iter()
            .map(|s| {
                let c = if s.priority { classes } else { 1 };
                let mut st = StageState::new(c, modes, 0, s.capacity.unwrap_or(u32::MAX));
                st.set_capacity(s.kind, s.timeline.at(&spec.start, 0.0, 0));
                (st.patience, st.breakdowns) = (s.patience.is_some(), s.breakdowns.is_some());
                st.joins = st.patience || spec.measures_queue_length();
                st
            })
            .collect();
        let mut pools: Vec<PoolState> = spec
            .pools
            .iter()
            .map(|p| PoolState {
                free: p.size,
                ..PoolState::default()
            })
            .collect();
        for (i, s) in spec.stages.iter().enumerate() {
            if let StageKind::Driver { pool } = s.kind {
                pools[pool].stages.push(i);
            }
        }
        let policy_reads_tags = policy.reads_tags();
        let mut sim = Self {
            spec,
            policy,
            streams: Streams::new(spec, seed, rep),
            gens: spec.flows.iter().map(|f| ArrivalGen::new(&f.arrivals)).collect(),
            demand_gens: spec.demands.iter().map(|d| ArrivalGen::new(&d.arrivals)).collect(),
            observed: observed_gens(spec, seed, rep),
            cons: Slab::default(),
            routes: spec.flows.iter().map(|f| f.route.clone()).collect(),
            stages,
            flows: vec![FlowState::default(); spec.flows.len()],
            pools,
            ports: vec![PortState::default(); spec.ports.len()],
            warm: WarmSnapshot::default(),
            measuring: spec.warmup <= 0.0,
            series: SeriesRecorder::new(spec),
            next_report: 0.0,
            ticket: 0,
            events: 0,
            failure: None,
            serial: 0,
            observer,
            max_inside: MAX_INSIDE,
            draws_tags: spec.green_share > 0.0 || policy_reads_tags,
            service: vec![super::service::FlowService::new(&spec.service); spec.flows.len()],
            records_service: spec.service.active(),
            trackers: vec![Default::default(); spec.marks.len()],
            km: spec.measures_queue_length(),
            travelling: 0,
        };
        for st in &mut sim.stages {
            if st.open != u32::MAX {
                st.open_tw.set(0.0, f64::from(st.open));
                st.touch_avail(0.0);
            }
        }
        sim
    }

    /// The clearance policy in words, for error messages.
    pub fn policy_name(&self) -> String {
        self.policy.name()
    }

    /// The time series recorded so far.
    pub fn series(&self) -> &SeriesRecorder {
        &self.series
    }

    /// Runs the replication to the horizon (or until [`Simulation::failure`] is set).
    /// Returns the recorded time series.
    pub fn run(&mut self) -> &SeriesRecorder {
        let spec = self.spec;
        let mut cal = Calendar::with_capacity(1024);
        for (f, g) in self.gens.iter_mut().enumerate() {
            if let Some(t) = g.next(&spec.start, 0.0, spec.horizon, &mut self.streams.arrivals[f]) {
                cal.schedule(t, Event::Arrival(f as u32));
            }
        }
        for (d, g) in self.demand_gens.iter_mut().enumerate() {
            if let Some(t) = g.next(&spec.start, 0.0, spec.horizon, &mut self.streams.demand[d]) {
                cal.schedule(t, Event::Demand(d as u32));
            }
        }
        for (i, g) in self.observed.iter_mut().enumerate() {
            if let Some(t) = g.next(&spec.start, spec.horizon) {
                cal.schedule(t, Event::Observed(i as u32));
            }
        }
        for (i, s) in spec.stages.iter().enumerate() {
            if let Some(t) = s.timeline.next_change(&spec.start, 0.0) {
                cal.schedule(t, Event::Capacity(i as u32));
            }
        }
        for (i, c) in spec.route_changes.iter().enumerate() {
            cal.schedule(c.at, Event::Route(i as u32));
        }
        for (i, b) in spec.batches.iter().enumerate() {
            cal.schedule(b.at, Event::Batch(i as u32));
        }
        if spec.stages.iter().any(|s| s.timeline.has_quota()) {
            let first = f64::from(1440 - spec.start.minute_of_week(0.0) % 1440);
            if first < spec.horizon {
                cal.schedule(first, Event::Midnight);
            }
        }
        if spec.warmup > 0.0 {
            cal.schedule(spec.warmup, Event::WarmupEnd);
        }
        self.schedule_marks(&mut cal);
        self.next_report = spec.report_interval.min(spec.horizon);
        cal.schedule(self.next_report, Event::Report);
        let (n, _) = engine::run(self, &mut cal, spec.horizon);
        self.events = n;
        &self.series
    }

    /// Draws the consignment's route at arrival, from the flow's own stream: routes differ
    /// between the ports of a shared demand, and a port's draws must not depend on how many
    /// the other port's routes take.
    #[inline(always)]
    pub(super) fn draw_route(&mut self, flow: usize) -> ([u16; MAX_ROUTE], u8) {
        let mut path = [0u16; MAX_ROUTE];
        let mut len = 0usize;
        let rng = &mut self.streams.routes[flow];
        for step in &self.routes[flow] {
            if let Some(s) = step.pick(rng) {
                path[len] = s as u16;
                len += 1;
            }
        }
        (path, len as u8)
    }

    fn on_arrival(&mut self, now: Time, flow: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        if let Some(t) = self.gens[flow].next(&spec.start, now, spec.horizon, &mut self.streams.arrivals[flow]) {
            cal.schedule(t, Event::Arrival(flow as u32));
        }
        self.admit(now, flow, flow, cal);
    }

    /// A consignment of `flow` arrives at its port, drawing its vehicles and tag from stream
    /// set `src` (see [`Streams`]) and its route from the flow's own route stream. Inlined
    /// into the arrival paths (a batch calls it out of line).
    #[inline(always)]
    pub(super) fn admit(&mut self, now: Time, flow: usize, src: usize, cal: &mut Calendar<Event>) {
        let vehicles = self.draw_vehicles(flow, src);
        self.admit_vehicles(now, flow, src, vehicles, cal);
    }

    /// Vehicles of a consignment of `flow`, drawn as its mode says from stream set `src`.
    #[inline(always)]
    pub(super) fn draw_vehicles(&mut self, flow: usize, src: usize) -> u32 {
        let spec = self.spec;
        // Whole numbers 1..=1000 by validation. A constant draws nothing from its stream.
        (match &spec.modes[spec.flows[flow].mode].vehicles {
            Dist::Constant(v) => *v,
            d => d.sample(&mut self.streams.vehicles[src]),
        }) as u32
    }

    /// [`Simulation::admit`] with the vehicles known: drawn, or read from a gate log.
    #[inline(always)]
    pub(super) fn admit_vehicles(
        &mut self,
        now: Time,
        flow: usize,
        src: usize,
        vehicles: u32,
        cal: &mut Calendar<Event>,
    ) {
        let spec = self.spec;
        let f = &spec.flows[flow];
        let (path, len) = self.draw_route(flow);
        // Only green channels read tags, and tags have their own stream: skipping the draw
        // where nothing reads it moves no other number.
        let tag: f64 = if self.draws_tags {
            self.streams.tags[src].random()
        } else {
            0.0
        };
        let measuring = self.measuring;
        let serial = self.serial;
        self.serial += 1;
        self.log(Trace::Arrive {
            t: now,
            serial,
            flow,
            vehicles,
        });
        let fs = &mut self.flows[flow];
        fs.total_arrived += 1;
        if measuring {
            fs.arrived.0 += 1;
            fs.arrived.1 += u64::from(vehicles);
        }
        if len == 0 {
            // Every stage skipped: cleared on arrival.
            fs.total_completed += 1;
            fs.total_completed_vehicles += u64::from(vehicles);
            if measuring {
                fs.completed.0 += 1;
                fs.completed.1 += u64::from(vehicles);
                fs.time_in_system.add(0.0);
                fs.tis_hist.add(0.0);
                if self.records_service {
                    self.record_service(flow, vehicles, now, 0.0, now);
                }
            }
            self.log(Trace::Depart { t: now, serial });
            return;
        }
        let first = usize::from(path[0]);
        if !self.stages[first].has_room() {
            fs.total_turned_away += 1;
            if measuring {
                fs.turned_away.0 += 1;
                fs.turned_away.1 += u64::from(vehicles);
                self.stages[first].turned_away += 1;
            }
            self.log(Trace::TurnedAway {
                t: now,
                serial,
                stage: first,
            });
            return;
        }
        if self.cons.len() >= self.max_inside {
            // Refused before it is counted in, so the counts stay those of the consignments
            // really inside.
            self.failure = Some(Failure::Overloaded { at: now });
            return;
        }
        fs.inside += 1;
        self.port_level(now, f.port, 1.0);
        let id = self.cons.insert(Consignment {
            serial,
            flow: flow as u32,
            vehicles,
            tag,
            arrived: now,
            ready: now,
            entered: now,
            path,
            len,
            pos: 0,
            class: f.class,
            has_driver: false,
            green: tag < spec.green_share,
            on_reserved: false,
            ticket: 0,
            generation: 0,
            waited: 0.0,
        });
        self.enter(now, id, first, cal);
    }

    /// A one-off batch arrives: each of its consignments as an arrival of its flow. Kept
    /// out of line so the arrival path keeps `admit` inlined.
    #[inline(never)]
    fn on_batch(&mut self, now: Time, i: usize, cal: &mut Calendar<Event>) {
        let b = self.spec.batches[i];
        for _ in 0..b.consignments {
            self.admit(now, b.flow, b.flow, cal);
        }
    }

    /// Moves the backlog of `port` by `dv` consignments, telling the trackers that follow it.
    #[inline(always)]
    pub(super) fn port_level(&mut self, now: Time, port: usize, dv: f64) {
        let p = &mut self.ports[port];
        p.in_system.add(now, dv);
        if p.tracked {
            self.on_level(now, port);
        }
    }

    /// Tells the observer (free for the silent one).
    #[inline(always)]
    pub(super) fn log(&mut self, entry: Trace) {
        self.observer.record(entry);
    }

    /// The observer, for reading what it saw after the run.
    pub fn observer(&self) -> &O {
        &self.observer
    }

    /// The observer, taken back after the run (to flush and close an event log).
    pub fn into_observer(self) -> O {
        self.observer
    }

    /// Puts consignment `id` into stage `s` (room has been checked) and serves it if it can.
    #[inline(always)]
    pub(super) fn enter(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        let (serial, class) = (self.cons[id].serial, self.cons[id].class);
        self.log(Trace::Enter {
            t: now,
            serial,
            stage: s,
            class,
        });
        let c = &mut self.cons[id];
        c.entered = now;
        let class = c.class;
        let st = &mut self.stages[s];
        st.occupancy += 1;
        st.occupancy_tw.set(now, f64::from(st.occupancy));
        if self.measuring {
            st.entered += 1;
        }
        if st.two_lines() {
            self.enter_two_lines(now, id, s, cal);
        } else if st.queue.is_empty() && self.has_free_server(s) {
            // Straight into service: the queue never holds it, not even for an instant.
            self.begin(now, id, s, cal);
        } else {
            let st = &mut self.stages[s];
            st.queue.push(id, class);
            st.queue_tw.set(now, f64::from(st.queue.len()));
            // One test for both things joining a line may start (patience, queue length).
            if st.joins {
                self.on_join(now, id, s, cal);
            }
        }
    }

    /// `id` has joined the line at stage `s`, which has a patience or measures its line in
    /// metres. Out of line: other stages never call it.
    #[inline(never)]
    fn on_join(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        if self.km {
            self.line_moved(now, id, true);
        }
        if self.stages[s].patience {
            self.start_patience(now, id, s, cal);
        }
    }

    /// True when stage `s` could start one more clearance now.
    #[inline(always)]
    pub(super) fn has_free_server(&self, s: usize) -> bool {
        match self.spec.stages[s].kind {
            StageKind::Driver { pool } => self.pools[pool].free > 0 && self.stages[s].open > 0,
            StageKind::Servers | StageKind::Dwell => {
                let st = &self.stages[s];
                st.busy < st.open && st.quota.allows()
            }
        }
    }

    /// Takes a server for `id` at `s` and starts its clearance.
    #[inline(always)]
    pub(super) fn begin(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        let serial = self.cons[id].serial;
        self.log(Trace::Start {
            t: now,
            serial,
            stage: s,
        });
        let st = &mut self.stages[s];
        st.busy += 1;
        st.quota.count_start(self.measuring);
        st.busy_tw.set(now, f64::from(st.busy));
        st.touch_avail(now);
        self.start(now, id, s, cal);
    }

    /// Starts service for as many waiting consignments as the stage has free servers (or
    /// its pool has free drivers).
    #[inline(always)]
    pub(super) fn dispatch(&mut self, now: Time, s: usize, cal: &mut Calendar<Event>) {
        if self.stages[s].two_lines() {
            return self.dispatch_reserved(now, s, cal);
        }
        while !self.stages[s].queue.is_empty() && self.has_free_server(s) {
            let st = &mut self.stages[s];
            let Some(id) = st.queue.pop() else { return };
            st.queue_tw.set(now, f64::from(st.queue.len()));
            if self.km {
                self.line_moved(now, id, false);
            }
            self.begin(now, id, s, cal);
        }
    }

    /// Begins the clearance of `id` at stage `s`.
    pub(super) fn start(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        let c = &mut self.cons[id];
        let wait = now - c.ready;
        c.waited += wait;
        let flow = &spec.flows[c.flow as usize];
        let measuring = self.measuring;
        if measuring {
            self.stages[s].waits[flow.mode].add(wait);
        }
        match spec.stages[s].kind {
            StageKind::Driver { pool } => self.take_driver(now, id, pool, cal),
            StageKind::Servers | StageKind::Dwell => {
                let st = &self.stages[s];
                let breakdowns = st.breakdowns;
                let req = ClearanceRequest {
                    stage: s,
                    mode: flow.mode,
                    port: flow.port,
                    vehicles: c.vehicles,
                    class: c.class,
                    now,
                    queue_len: st.waiting(),
                    busy: st.busy,
                    tag: c.tag,
                };
                let t = self.policy.clearance_time(&req, &mut self.streams.clearance[s]);
                if !usable_clearance_time(t) {
                    // A policy's fault (validation bounds the built-in ones): stop rather
                    // than guess a time and report numbers that look right.
                    self.failure = Some(Failure::BadClearanceTime {
                        at: now,
                        stage: s,
                        value: t,
                    });
                    return;
                }
                if breakdowns {
                    // Out of line, and it books the completion itself.
                    return self.start_with_breakdowns(now, id, s, t, cal);
                }
                cal.schedule(now + t, self.cons.handle(id).done());
            }
        }
    }

    /// `id` has cleared its last stage and leaves the port.
    pub(super) fn depart(&mut self, now: Time, id: u32, here: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        // The fields it needs, not a copy of the whole record.
        let c = &self.cons[id];
        let (fi, vehicles, arrived, entered) = (c.flow as usize, c.vehicles, c.arrived, c.entered);
        let (has_driver, on_reserved, serial, waited) = (c.has_driver, c.on_reserved, c.serial, c.waited);
        let port = spec.flows[fi].port;
        let fs = &mut self.flows[fi];
        fs.total_completed += 1;
        fs.total_completed_vehicles += u64::from(vehicles);
        fs.inside -= 1;
        if self.measuring {
            fs.completed.0 += 1;
            fs.completed.1 += u64::from(vehicles);
            fs.time_in_system.add(now - arrived);
            fs.tis_hist.add(now - arrived);
            if self.records_service {
                self.record_service(fi, vehicles, arrived, waited, now);
            }
        }
        self.port_level(now, port, -1.0);
        if has_driver {
            self.send_driver_back(now, port, serial, cal);
        }
        self.log(Trace::Leave {
            t: now,
            serial,
            stage: here,
        });
        self.log(Trace::Depart { t: now, serial });
        if self.stages[here].breakdowns {
            self.return_lane(id, here);
        }
        self.leave(now, here, entered, on_reserved, cal);
        self.cons.remove(id);
    }

    /// A stage's capacity may have changed: ask its timeline (weekly schedule, dated
    /// periods, lanes out of service) and book the next change.
    fn on_capacity(&mut self, now: Time, s: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        let tl = &spec.stages[s].timeline;
        let st = &mut self.stages[s];
        let kind = spec.stages[s].kind;
        st.set_capacity(kind, tl.at(&spec.start, now, st.down));
        if kind == StageKind::Servers {
            st.open_tw.set(now, f64::from(st.open));
            st.touch_avail(now);
        }
        if let Some(t) = tl.next_change(&spec.start, now) {
            cal.schedule(t, Event::Capacity(s as u32));
        }
        // A closing lane keeps its consignment until it is done (overtime); an opening lane
        // takes the next in line. Room that grows takes in those blocked upstream; room that
        // shrinks below the consignments inside sends nobody out, but lets nobody in until
        // they are fewer than the new room.
        self.take_blocked(now, s, cal);
        self.dispatch(now, s, cal);
    }

    /// A dated route change: consignments arriving from now on take the new probability.
    fn on_route(&mut self, i: usize) {
        let c = self.spec.route_changes[i];
        if let RouteStep::Maybe(_, p) = &mut self.routes[c.flow][c.step] {
            *p = c.probability;
        }
    }

    /// Midnight: quotas start again, and stages that had used theirs serve their queues.
    fn on_midnight(&mut self, now: Time, cal: &mut Calendar<Event>) {
        for s in 0..self.stages.len() {
            if self.spec.stages[s].timeline.has_quota() {
                self.stages[s].quota.started_today = 0;
                self.dispatch(now, s, cal);
            }
        }
        // A quota opening exactly at the horizon would start clearances nobody sees end.
        if now + 1440.0 < self.spec.horizon {
            cal.schedule(now + 1440.0, Event::Midnight);
        }
    }

    /// The warm-up is over: from now on everything is measured (see [`super::warmup`]).
    fn on_warmup_end(&mut self, now: Time) {
        self.measuring = true;
        self.warm = WarmSnapshot::take(self.view(), now);
        warmup::restart(&mut self.stages, &mut self.pools, &mut self.ports);
    }

    /// The state as the time series and snapshots read it.
    pub(super) fn view(&self) -> View<'_> {
        View {
            spec: self.spec,
            stages: &self.stages,
            flows: &self.flows,
            pools: &self.pools,
            ports: &self.ports,
        }
    }

    fn on_report(&mut self, now: Time, cal: &mut Calendar<Event>) {
        self.log(Trace::Report {
            t: now,
            inside: self.inside(),
        });
        // Spelled out rather than `self.view()`, so the recorder is borrowed apart from the
        // state it reads (taking it out and back costs 0.2 % more instructions on Horgos).
        let view = View {
            spec: self.spec,
            stages: &self.stages,
            flows: &self.flows,
            pools: &self.pools,
            ports: &self.ports,
        };
        self.series.record(view, now);
        if now < self.spec.horizon {
            self.next_report = (self.next_report + self.spec.report_interval).min(self.spec.horizon);
            cal.schedule(self.next_report, Event::Report);
        }
    }

    /// Each flow's time-in-system histogram (after the warm-up), in flow order.
    pub fn time_in_system_histograms(&self) -> Vec<crate::stats::Histogram> {
        self.flows.iter().map(|f| f.tis_hist.clone()).collect()
    }

    /// Consignments inside the ports now (not those on the road between them).
    pub fn inside(&self) -> usize {
        self.cons.len() - self.travelling
    }
}

impl<P: ClearancePolicy, O: Observer> Process for Simulation<'_, P, O> {
    type Event = Event;

    #[inline]
    fn handle(&mut self, now: Time, event: Event, cal: &mut Calendar<Event>) {
        match event {
            Event::Arrival(f) => self.on_arrival(now, f as usize, cal),
            Event::Demand(d) => self.on_demand(now, d as usize, cal),
            Event::Batch(i) => self.on_batch(now, i as usize, cal),
            Event::Done(slot, generation) => {
                if let Some(id) = self.cons.current(Handle { slot, generation }) {
                    self.advance(now, id, cal);
                }
            }
            Event::Renege(slot, generation, pos) => {
                if let Some(id) = self.cons.current(Handle { slot, generation }) {
                    self.on_renege(now, id, pos, cal);
                }
            }
            Event::DriverFree(p) => self.on_driver_free(now, p as usize, cal),
            Event::Capacity(s) => self.on_capacity(now, s as usize, cal),
            Event::Route(i) => self.on_route(i as usize),
            Event::Midnight => self.on_midnight(now, cal),
            Event::Report => self.on_report(now, cal),
            Event::Mark(i, ended) => self.on_mark(now, i as usize, ended),
            Event::Divert(slot, generation) => {
                if let Some(id) = self.cons.current(Handle { slot, generation }) {
                    self.on_divert(now, id, cal);
                }
            }
            Event::WarmupEnd => self.on_warmup_end(now),
            Event::Observed(i) => self.on_observed(now, i as usize, cal),
        }
    }

    #[inline]
    fn halted(&self) -> bool {
        self.failure.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn an_overloaded_replication_counts_only_the_consignments_inside() {
        // One lane, 10 minutes each, a truck a minute: the port fills up fast.
        let src = "[simulation]\nstart = \"2025-01-06\"\nhorizon_days = 1\nseed = 1\nreplications = 1\n\n[modes.car]\nkind = \"generic\"\n\n[ports.p.stages.lane]\nkind = \"servers\"\nservers = 1\nclearance = { dist = \"constant\", value = 10 }\n\n[ports.p.flows.car]\nevery_min = 1\nroute = [\"lane\"]\n";
        let sc = crate::scenario::parse_str(src, Path::new("t.toml")).unwrap();
        let mut sim = Simulation::new(&sc.spec, sc.policy.clone(), 1, 0);
        sim.max_inside = 20;
        sim.run();
        assert!(matches!(sim.failure, Some(Failure::Overloaded { .. })));
        let counted: u64 = sim.flows.iter().map(|f| f.inside).sum();
        assert_eq!(counted, sim.inside() as u64, "flows count one the limit refused");
        assert_eq!(sim.inside(), 20);
    }
}
