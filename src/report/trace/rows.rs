//! The rows of one replication's event log: one CSV row per step of each consignment,
//! appended to a buffer that goes to disk every few hundred kilobytes, so memory stays flat
//! however long the run. Only the consignments inside the ports are remembered (their
//! flow, vehicles, lane and driver).

use super::books::{Drivers, Numbers};
use super::names::{Activity, Names};
use crate::date::{StartInstant, civil_from_days};
use crate::engine::Time;
use crate::model::{Observer, Trace};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::sync::Arc;

/// The header row: case id, activity and timestamp are the three columns process-mining
/// tools ask for; the others say where and what.
pub const HEADER: &str =
    "case_id,replication,consignment,port,mode,vehicles,stage,event,activity,lane,driver,time_min,timestamp\n";

/// Bytes gathered before a write to disk.
const FLUSH_AT: usize = 1 << 18;

/// Serials are distinct integers: one multiply spreads them well enough, and SipHash would
/// cost more than the rest of the row.
#[derive(Default)]
struct SerialHasher(u64);

impl Hasher for SerialHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// What the log remembers of a consignment inside.
#[derive(Debug, Clone, Copy)]
struct Case {
    flow: u32,
    vehicles: u32,
    /// Lane it holds (1-based), 0 for none.
    lane: u32,
    /// Driver it holds (1-based), 0 for none.
    driver: u32,
}

/// Turns the steps of replication `rep` into rows written to `out`.
pub struct Rows<W: Write> {
    /// The replication's number as text.
    rep: Vec<u8>,
    names: Arc<Names>,
    start: StartInstant,
    /// Rows are written for times in `from..to`; the books are kept at all times.
    from: Time,
    to: Time,
    out: W,
    buf: Vec<u8>,
    error: Option<std::io::Error>,
    cases: HashMap<u64, Case, BuildHasherDefault<SerialHasher>>,
    lanes: Vec<Numbers>,
    drivers: Vec<Drivers>,
    /// The last day whose date was formatted, and its `YYYY-MM-DD`.
    day: (i64, [u8; 10]),
    float: zmij::Buffer,
    rows: u64,
}

impl<W: Write> Rows<W> {
    /// A writer for replication `rep` of the model `names` describes, keeping rows in
    /// `from..to` (minutes), with the header first when `header`.
    pub fn new(out: W, rep: u64, names: Arc<Names>, start: StartInstant, window: (Time, Time), header: bool) -> Self {
        let mut buf = Vec::with_capacity(FLUSH_AT + 4096);
        if header {
            buf.extend_from_slice(HEADER.as_bytes());
        }
        Self {
            rep: rep.to_string().into_bytes(),
            lanes: vec![Numbers::default(); names.stages.len()],
            drivers: vec![Drivers::default(); names.pools],
            names,
            start,
            from: window.0,
            to: window.1,
            out,
            buf,
            error: None,
            cases: HashMap::default(),
            day: (i64::MIN, [b'0'; 10]),
            float: zmij::Buffer::new(),
            rows: 0,
        }
    }

    /// Writes what is left and hands back the output, or the first write error.
    pub fn finish(mut self) -> std::io::Result<(W, u64)> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok((self.out, self.rows))
    }

    fn flush(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(&self.buf)
        {
            self.error = Some(e);
        }
        self.buf.clear();
    }

    /// One row, if `t` is in the window.
    fn row(&mut self, t: Time, serial: u64, stage: Option<usize>, what: Activity) {
        if !(t >= self.from && t < self.to) || self.error.is_some() {
            return;
        }
        let Some(c) = self.cases.get(&serial).copied() else {
            return;
        };
        let mut ints = itoa::Buffer::new();
        let serial = ints.format(serial).as_bytes();
        let b = &mut self.buf;
        b.extend_from_slice(&self.rep);
        b.push(b'-');
        b.extend_from_slice(serial);
        b.push(b',');
        b.extend_from_slice(&self.rep);
        b.push(b',');
        b.extend_from_slice(serial);
        b.push(b',');
        let mut ints = itoa::Buffer::new();
        b.extend_from_slice(&self.names.flows[c.flow as usize]);
        b.extend_from_slice(ints.format(c.vehicles).as_bytes());
        b.push(b',');
        let k = what as usize;
        match stage {
            Some(s) => {
                let st = &self.names.stages[s];
                b.extend_from_slice(&st.stage);
                b.extend_from_slice(&st.events[k]);
            }
            None => b.extend_from_slice(&self.names.port_events[k]),
        }
        if c.lane != 0 {
            b.extend_from_slice(ints.format(c.lane).as_bytes());
        }
        b.push(b',');
        if c.driver != 0 {
            b.extend_from_slice(ints.format(c.driver).as_bytes());
        }
        b.push(b',');
        b.extend_from_slice(self.float.format_finite(t).as_bytes());
        b.push(b',');
        self.timestamp(t);
        self.buf.push(b'\n');
        self.rows += 1;
        if self.buf.len() >= FLUSH_AT {
            self.flush();
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmm` of time `t`, rounded to the millisecond.
    fn timestamp(&mut self, t: Time) {
        let ms = (t * 60_000.0).round() as i64 + i64::from(self.start.minute) * 60_000;
        let (day, in_day) = (self.start.day + ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        if day != self.day.0 {
            let d = civil_from_days(day);
            let text = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            let mut date = [b'0'; 10];
            date.copy_from_slice(&text.as_bytes()[..10]);
            self.day = (day, date);
        }
        let b = &mut self.buf;
        b.extend_from_slice(&self.day.1);
        let (h, m, s, milli) = (
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60,
            in_day % 1000,
        );
        let two = |b: &mut Vec<u8>, v: i64| b.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
        b.push(b'T');
        two(b, h);
        b.push(b':');
        two(b, m);
        b.push(b':');
        two(b, s);
        b.push(b'.');
        b.extend_from_slice(&[
            b'0' + (milli / 100) as u8,
            b'0' + (milli / 10 % 10) as u8,
            b'0' + (milli % 10) as u8,
        ]);
    }

    fn case(&mut self, serial: u64) -> Option<&mut Case> {
        self.cases.get_mut(&serial)
    }
}

impl<W: Write> Observer for Rows<W> {
    fn record(&mut self, entry: Trace) {
        match entry {
            Trace::Arrive {
                t,
                serial,
                flow,
                vehicles,
            } => {
                // A diverted consignment arrives again: same case, new port.
                self.cases.insert(
                    serial,
                    Case {
                        flow: flow as u32,
                        vehicles,
                        lane: 0,
                        driver: 0,
                    },
                );
                self.row(t, serial, None, Activity::Arrived);
            }
            Trace::TurnedAway { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::TurnedAway);
                self.cases.remove(&serial);
            }
            Trace::Enter { t, serial, stage, .. } => self.row(t, serial, Some(stage), Activity::Entered),
            Trace::Start { t, serial, stage } => {
                let number = match self.names.stages[stage].pool {
                    Some(p) => Ok(self.drivers[p].take()),
                    None => Err(self.lanes[stage].take()),
                };
                if let Some(c) = self.case(serial) {
                    match number {
                        Ok(d) => c.driver = d,
                        Err(l) => c.lane = l,
                    }
                }
                self.row(t, serial, Some(stage), Activity::Started);
            }
            Trace::Finish { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Finished),
            Trace::Blocked { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Blocked),
            Trace::Unblocked { t, serial, stage } => self.row(t, serial, Some(stage), Activity::Unblocked),
            Trace::Leave { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Left);
                if let Some(c) = self.case(serial) {
                    let lane = std::mem::take(&mut c.lane);
                    self.lanes[stage].give(lane);
                }
            }
            Trace::Depart { t, serial } => {
                self.row(t, serial, None, Activity::Departed);
                self.cases.remove(&serial);
            }
            Trace::Abandon { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Abandoned);
                self.cases.remove(&serial);
            }
            Trace::Divert { t, serial, stage } => {
                self.row(t, serial, Some(stage), Activity::Diverted);
                if let Some(c) = self.case(serial) {
                    c.driver = 0;
                }
            }
            Trace::DriverAway { serial, pool, back, .. } => {
                // The car keeps showing its driver until it has left; the driver's return
                // is booked now.
                let d = self.cases.get(&serial).map_or(0, |c| c.driver);
                self.drivers[pool].away(d, back);
            }
            Trace::DriverBack { pool, .. } => self.drivers[pool].back(),
            Trace::Report { .. } => {}
        }
    }
}
