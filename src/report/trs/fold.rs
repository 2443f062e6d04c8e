//! Folding a trace, row by row, into per-port and per-mode accumulators. A consignment's
//! record is kept only while it is inside a port; when it departs, its segments are added
//! to its port and mode, and the record goes. Each row is checked against the record: a
//! consignment's events come in the order of the trace format and move forward in time.

use super::parse::{Event, Row};
use crate::report::check::{Problem, at};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One stage a released consignment went through: minutes waiting for it, in it, and
/// blocked after it (`None` when it was not blocked).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visit {
    /// Interned stage name.
    pub stage: u32,
    /// Entered to started.
    pub wait: f64,
    /// Started to finished.
    pub service: f64,
    /// Blocked to unblocked.
    pub blocked: Option<f64>,
    /// The stage gave it a hired driver (its wait is a wait for a driver).
    pub driver: bool,
}

/// Where a consignment's record is in its life at a port: the last event seen.
#[derive(Debug, Clone)]
struct Open {
    port: u32,
    mode: u32,
    arrived: f64,
    last: Event,
    at: f64,
    /// Stage of the last event, when it is a stage event.
    stage: Option<u32>,
    /// Times of the current stage's entered, started, blocked.
    entered: f64,
    started: f64,
    blocked: f64,
    /// It held a driver when it entered the current stage.
    had_driver: bool,
    visit: Option<Visit>,
    visits: Vec<Visit>,
    /// Diverted, on its way to another port.
    in_transit: bool,
}

/// The measurements of one stage for one port and mode: a value per visit.
#[derive(Debug, Clone, Default)]
pub struct StageAcc {
    /// Interned stage name.
    pub stage: u32,
    /// A driver stage (its waits are waits for a driver; no clearance).
    pub driver: bool,
    /// Waits, one per visit.
    pub wait: Vec<f64>,
    /// Clearance times, one per visit.
    pub service: Vec<f64>,
    /// Blocked times, one per blocked visit.
    pub blocked: Vec<f64>,
}

/// What was measured at one port for one mode.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    /// Release times of the consignments released at or after `after`.
    pub totals: Vec<f64>,
    /// Their stages, in first-seen order.
    pub stages: Vec<StageAcc>,
    /// Stage `a` came right before stage `b` on some consignment's way.
    pub edges: BTreeSet<(u32, u32)>,
    /// Turned away (arrived at or after `after`).
    pub turned_away: u64,
    /// Gave up in a line (arrived at or after `after`).
    pub abandoned: u64,
    /// Drove to another port from a line (arrived at or after `after`).
    pub diverted: u64,
    /// Inside at the end of their replication.
    pub inside: u64,
    /// Seen without their arrival (it is before the trace starts): not measured.
    pub unmeasured: u64,
}

impl Acc {
    fn add(&mut self, total: f64, visits: &[Visit]) {
        self.totals.push(total);
        for v in visits {
            let i = match self.stages.iter().position(|s| s.stage == v.stage) {
                Some(i) => i,
                None => {
                    self.stages.push(StageAcc {
                        stage: v.stage,
                        ..StageAcc::default()
                    });
                    self.stages.len() - 1
                }
            };
            let s = &mut self.stages[i];
            s.driver |= v.driver;
            s.wait.push(v.wait);
            s.service.push(v.service);
            if let Some(b) = v.blocked {
                s.blocked.push(b);
            }
        }
        for w in visits.windows(2) {
            self.edges.insert((w[0].stage, w[1].stage));
        }
    }
}

/// Names met in the trace, each stored once and referred to by number.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Every name, by number.
    pub list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    /// The name numbered `i`.
    pub fn get(&self, i: u32) -> &str {
        &self.list[i as usize]
    }
}

/// The whole trace folded: accumulators by (port, mode) as interned names.
#[derive(Debug, Default)]
pub struct Folded {
    /// Port, mode and stage names.
    pub names: Names,
    /// Accumulators by (port, mode).
    pub accs: BTreeMap<(u32, u32), Acc>,
    /// First release that showed each (port, stage), in order: ties in route order.
    pub first_seen: HashMap<(u32, u32), usize>,
    /// Replications seen.
    pub replications: u64,
}

/// Folds rows one by one (see the module text).
#[derive(Debug, Default)]
pub struct Folder {
    after: f64,
    out: Folded,
    replication: Option<u64>,
    open: HashMap<u64, Open>,
    unmeasured: HashMap<u64, (u32, u32)>,
}

impl Folder {
    /// A folder counting consignments released (departed) at or after minute `after`.
    pub fn new(after: f64) -> Self {
        Self {
            after,
            ..Self::default()
        }
    }

    /// Folds the row on line `line`.
    pub fn row(&mut self, line: usize, r: &Row) -> Result<(), Problem> {
        self.next_replication(line, r)?;
        let port = self.out.names.id(r.port);
        let mode = self.out.names.id(r.mode);
        let stage = (!r.stage.is_empty()).then(|| self.out.names.id(r.stage));
        let serial = r.consignment;
        if self.not_measured(r, port, mode) {
            return Ok(());
        }
        let Some(o) = self.open.get_mut(&serial) else {
            return Ok(());
        };
        check_record(line, r, o, port, mode)?;
        if o.in_transit && r.event == Event::Arrived {
            // A diverted consignment reaches another port: its record there starts afresh.
            *o = Open::arrive(port, mode, r.time);
            return Ok(());
        }
        step(line, r, o, stage)?;
        let arrived = o.arrived;
        self.settle(r, port, mode, arrived);
        Ok(())
    }

    /// Starts a new replication at a row of another one: the consignments still inside
    /// are counted and forgotten. Replications may not go back.
    fn next_replication(&mut self, line: usize, r: &Row) -> Result<(), Problem> {
        if self.replication == Some(r.replication) {
            return Ok(());
        }
        if let Some(prev) = self.replication
            && r.replication < prev
        {
            return Err(at(
                line,
                format!(
                    "field replication: {} after {prev}: rows must be ordered by replication",
                    r.replication
                ),
            ));
        }
        self.end_replication();
        self.replication = Some(r.replication);
        self.out.replications += 1;
        Ok(())
    }

    /// Opens a record at an arrival; true when the row is of a consignment whose arrival
    /// is before the trace's first row (a trace window), which is counted once and then
    /// passed over until it leaves.
    fn not_measured(&mut self, r: &Row, port: u32, mode: u32) -> bool {
        let serial = r.consignment;
        if self.unmeasured.contains_key(&serial) {
            if r.event != Event::Arrived {
                if r.event.ends_stay() {
                    self.unmeasured.remove(&serial);
                }
                return true;
            }
            self.unmeasured.remove(&serial);
        }
        if self.open.contains_key(&serial) {
            return false;
        }
        if r.event == Event::Arrived {
            self.open.insert(serial, Open::arrive(port, mode, r.time));
        } else {
            self.acc(port, mode).unmeasured += 1;
            if !r.event.ends_stay() {
                self.unmeasured.insert(serial, (port, mode));
            }
        }
        true
    }

    /// After a row that ends a consignment's stay: a release is folded in (when at or
    /// after `after`), a consignment that arrived at or after `after` and did not get
    /// through is counted; the record goes (a diverted one stays, in transit).
    fn settle(&mut self, r: &Row, port: u32, mode: u32, arrived: f64) {
        let counted = arrived >= self.after;
        match r.event {
            Event::Departed => {
                if let Some(o) = self.open.remove(&r.consignment)
                    && r.time >= self.after
                {
                    self.release(port, mode, r.time - arrived, &o.visits);
                }
            }
            Event::TurnedAway | Event::Abandoned => {
                self.open.remove(&r.consignment);
                let a = self.acc(port, mode);
                if counted && r.event == Event::TurnedAway {
                    a.turned_away += 1;
                } else if counted {
                    a.abandoned += 1;
                }
            }
            Event::Diverted if counted => self.acc(port, mode).diverted += 1,
            _ => {}
        }
    }

    fn acc(&mut self, port: u32, mode: u32) -> &mut Acc {
        self.out.accs.entry((port, mode)).or_default()
    }

    fn release(&mut self, port: u32, mode: u32, total: f64, visits: &[Visit]) {
        for v in visits {
            let n = self.out.first_seen.len();
            self.out.first_seen.entry((port, v.stage)).or_insert(n);
        }
        self.acc(port, mode).add(total, visits);
    }

    /// Counts the consignments still inside when their replication ended.
    fn end_replication(&mut self) {
        let inside: Vec<(u32, u32)> = self
            .open
            .values()
            .filter(|o| !o.in_transit)
            .map(|o| (o.port, o.mode))
            .collect();
        for (p, m) in inside {
            self.acc(p, m).inside += 1;
        }
        self.open.clear();
        self.unmeasured.clear();
    }

    /// The folded trace, once every row is in.
    pub fn finish(mut self) -> Folded {
        self.end_replication();
        self.out
    }
}

impl Open {
    fn arrive(port: u32, mode: u32, t: f64) -> Self {
        Open {
            port,
            mode,
            arrived: t,
            last: Event::Arrived,
            at: t,
            stage: None,
            entered: t,
            started: t,
            blocked: t,
            had_driver: false,
            visit: None,
            visits: Vec::new(),
            in_transit: false,
        }
    }
}

/// The row belongs to the record: the same port and mode (a diverted consignment arrives
/// afresh at another port), and not earlier than its last event.
fn check_record(line: usize, r: &Row, o: &Open, port: u32, mode: u32) -> Result<(), Problem> {
    if r.time < o.at {
        return Err(at(
            line,
            format!(
                "consignment {}: `{}` at minute {} is before its previous event `{}` at minute {}: a consignment's events must be in time order",
                r.case_id,
                r.event.name(),
                r.time,
                o.last.name(),
                o.at
            ),
        ));
    }
    if o.in_transit && r.event == Event::Arrived {
        return Ok(());
    }
    if (port, mode) != (o.port, o.mode) {
        return Err(at(
            line,
            format!(
                "consignment {}: port `{}` and mode `{}` differ from its `arrived` row's: only a diverted consignment arrives again, at another port",
                r.case_id, r.port, r.mode
            ),
        ));
    }
    Ok(())
}

/// What may follow each event, in words, for messages.
fn expected(last: Event) -> &'static str {
    match last {
        Event::Arrived => "`entered` at its first stage, `turned_away` or `departed`, at the same time",
        Event::Entered => "`started`, `abandoned` or `diverted` at the same stage",
        Event::Started => "`finished` at the same stage (at the same time at a driver stage)",
        Event::Finished => "`blocked` or `left` at the same stage and time",
        Event::Blocked => "`unblocked` at the same stage",
        Event::Unblocked => "`left` at the same stage and time",
        Event::Left => "`entered` at its next stage or `departed`, at the same time",
        Event::Diverted => "`arrived` at another port",
        Event::TurnedAway | Event::Abandoned | Event::Departed => "nothing",
    }
}

/// True when row `r` (at stage `stage`) may follow the record's last event: the trace
/// format's order, at the same stage, and at the same instant where nothing can pass in
/// between (the next stage is entered as the last is left).
fn allowed(r: &Row, o: &Open, stage: Option<u32>) -> bool {
    use Event as E;
    let here = |s: Option<u32>| s.is_some_and(|s| o.stage == Some(s));
    let instant = o.at == r.time;
    let visited = |s: u32| o.visits.iter().any(|v| v.stage == s) || o.visit.is_some_and(|v| v.stage == s);
    let driver = o.visit.is_some_and(|v| v.driver);
    match (o.last, r.event, stage) {
        (E::Arrived | E::Left, E::Entered, Some(s)) => instant && !visited(s),
        (E::Arrived, E::TurnedAway, Some(_)) => instant,
        (E::Arrived | E::Left, E::Departed, None) => instant,
        (E::Entered, E::Started | E::Abandoned | E::Diverted, s) => here(s),
        (E::Started, E::Finished, s) => here(s) && (!driver || instant),
        (E::Finished, E::Blocked | E::Left, s) => here(s) && instant,
        (E::Blocked, E::Unblocked, s) => here(s),
        (E::Unblocked, E::Left, s) => here(s) && instant,
        _ => false,
    }
}

/// Row `r` cannot follow the record's last event: what came, and what may come.
fn out_of_order(line: usize, r: &Row, o: &Open) -> Problem {
    let at_stage = if r.stage.is_empty() {
        String::new()
    } else {
        format!(" at stage `{}`", r.stage)
    };
    at(
        line,
        format!(
            "consignment {}: `{}`{at_stage} at minute {} cannot follow `{}` at minute {}: after `{}` comes {}",
            r.case_id,
            r.event.name(),
            r.time,
            o.last.name(),
            o.at,
            o.last.name(),
            expected(o.last)
        ),
    )
}

/// Moves the record `o` on by row `r` (already checked to belong to it), measuring the
/// current stage's wait, clearance and time blocked as their events come.
fn step(line: usize, r: &Row, o: &mut Open, stage: Option<u32>) -> Result<(), Problem> {
    use Event as E;
    if !allowed(r, o, stage) {
        return Err(out_of_order(line, r, o));
    }
    let t = r.time;
    match r.event {
        E::Entered => {
            o.entered = t;
            o.had_driver = r.driver.is_some();
            o.visit = stage.map(|s| Visit {
                stage: s,
                wait: 0.0,
                service: 0.0,
                blocked: None,
                driver: false,
            });
        }
        E::Started => {
            o.started = t;
            if let Some(v) = &mut o.visit {
                v.wait = t - o.entered;
                // Its driver is taken here: a driver stage.
                v.driver = !o.had_driver && r.driver.is_some();
            }
        }
        E::Finished => {
            if let Some(v) = &mut o.visit {
                v.service = t - o.started;
            }
        }
        E::Blocked => o.blocked = t,
        E::Unblocked => {
            if let Some(v) = &mut o.visit {
                v.blocked = Some(t - o.blocked);
            }
        }
        E::Left => o.visits.extend(o.visit.take()),
        E::Diverted => {
            o.in_transit = true;
            o.visits.clear();
            o.visit = None;
        }
        E::Arrived | E::Departed | E::TurnedAway | E::Abandoned => {}
    }
    o.last = r.event;
    o.at = t;
    if r.event != E::Departed {
        o.stage = stage;
    }
    Ok(())
}
