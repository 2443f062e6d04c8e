//! The rows of one replication's event log: one CSV row per step of each consignment,
//! appended to a buffer that goes to disk every few hundred kilobytes, so memory stays flat
//! however long the run. Each consignment inside keeps the text its rows start with; which
//! consignments are inside, and their lanes and drivers, are kept by steps.rs.

use super::line::{ALIGN, Block, Line, MIN_PADDED, Text};
use super::names::{Activity, Names};
use super::steps::{Format, Held};
use crate::date::{StartInstant, civil_from_days};
use crate::engine::Time;
use std::io::Write;
use std::sync::Arc;

/// The header row: case id, activity and timestamp are the three columns process-mining
/// tools ask for; the others say where and what.
pub const HEADER: &str =
    "case_id,replication,consignment,port,mode,vehicles,stage,event,activity,lane,driver,time_min,timestamp\n";

/// Bytes gathered before a write to disk.
const WRITE_AT: usize = 1 << 20;

/// Room for the parts of a row that are not names: case id, replication, consignment and
/// vehicles in the case's text; lane, driver, time and timestamp after the names.
const NUMBERS: usize = 256;

/// Where full blocks of rows go. Every block but the last is handed over with a length
/// that is a multiple of [`ALIGN`] (the bytes past it are carried into the next block), so
/// the disk can write it as it is.
pub trait Sink {
    /// A block of `size` bytes to fill next (one written earlier, or a new one).
    fn spare(&mut self, size: usize) -> std::io::Result<Block>;
    /// Takes the first `len` bytes of `full`.
    fn take(&mut self, full: Block, len: usize) -> std::io::Result<()>;
}

/// Writes each block to a [`Write`] in place (tests, and any writer that is fast enough).
pub struct Direct<W> {
    out: W,
    spare: Option<Block>,
}

impl<W: Write> Direct<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self { out, spare: None }
    }

    /// The writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Sink for Direct<W> {
    fn spare(&mut self, size: usize) -> std::io::Result<Block> {
        Ok(self.spare.take().unwrap_or_else(|| Block::new(size)))
    }

    fn take(&mut self, full: Block, len: usize) -> std::io::Result<()> {
        self.out.write_all(&full.bytes()[..len])?;
        self.spare = Some(full);
        Ok(())
    }
}

/// What the CSV log keeps of a consignment inside: where its text is.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Its slot in the case texts.
    slot: u32,
    /// Length of its text `case_id,replication,consignment,port,mode,vehicles,`.
    len: u32,
}

/// The text every row of a case starts with, one fixed-size slot per consignment inside,
/// slots reused as consignments leave: built once on arrival instead of on every row.
struct CaseTexts {
    bytes: Vec<u8>,
    /// Bytes per slot, a multiple of 16.
    stride: usize,
    free: Vec<u32>,
}

impl CaseTexts {
    fn slot(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            let slot = self.bytes.len() / self.stride;
            self.bytes.resize(self.bytes.len() + self.stride, 0);
            slot as u32
        })
    }

    /// Writes the text of consignment `serial` (of `flow`, carrying `vehicles`) into
    /// `slot`; returns its length.
    fn write(&mut self, slot: u32, rep: &[u8], serial: u64, flow: &Text, vehicles: u32) -> u32 {
        let mut ints = itoa::Buffer::new();
        let serial = ints.format(serial).as_bytes();
        let start = slot as usize * self.stride;
        let mut text = std::io::Cursor::new(&mut self.bytes[start..start + self.stride]);
        for part in [rep, b"-", serial, b",", rep, b",", serial, b",", flow.as_bytes()] {
            // The stride has room for any of these (see `Rows::new`).
            let _ = text.write_all(part);
        }
        let _ = write!(text, "{vehicles},");
        text.position() as u32
    }

    /// The slot's text, padded to whole blocks.
    fn padded(&self, case: &Case) -> &[u8] {
        let start = case.slot as usize * self.stride;
        &self.bytes[start..start + ((case.len as usize).div_ceil(16) * 16).max(MIN_PADDED)]
    }
}

/// Turns the steps of replication `rep` into rows handed to `sink`.
pub struct Rows<S: Sink> {
    /// The replication's number as text.
    rep: Vec<u8>,
    names: Arc<Names>,
    start: StartInstant,
    sink: S,
    line: Line,
    /// Room kept for one row.
    slack: usize,
    error: Option<std::io::Error>,
    texts: CaseTexts,
    /// The last day whose date was formatted, and its `YYYY-MM-DD`.
    day: (i64, [u8; 10]),
    float: zmij::Buffer,
    /// `time_min,timestamp\n` of the time `stamp_of` (as bits): the steps of a consignment
    /// often come at one instant (arrived, entered, started), and formatting the time is
    /// the dearest part of a row.
    stamp: [u8; 64],
    stamp_len: usize,
    stamp_of: u64,
    rows: u64,
}

impl<S: Sink> Rows<S> {
    /// A writer for replication `rep` of the model `names` describes, with the header first
    /// when `header`.
    pub fn new(sink: S, rep: u64, names: Arc<Names>, start: StartInstant, header: bool) -> Self {
        let rep = rep.to_string().into_bytes();
        let slack = names.widest() + NUMBERS + 2 * rep.len();
        let mut line = Line::new(WRITE_AT, slack.max(HEADER.len()));
        if header {
            line.bytes(HEADER.as_bytes());
        }
        let widest_flow = names.flows.iter().map(Text::padded).max().unwrap_or(0);
        Self {
            texts: CaseTexts {
                bytes: Vec::new(),
                stride: (2 * rep.len() + widest_flow + 64).div_ceil(16) * 16,
                free: Vec::new(),
            },
            rep,
            names,
            start,
            sink,
            line,
            slack,
            error: None,
            day: (i64::MIN, [b'0'; 10]),
            float: zmij::Buffer::new(),
            stamp: [0; 64],
            stamp_len: 0,
            stamp_of: u64::MAX,
            rows: 0,
        }
    }

    /// Hands over what is left; returns the sink and the rows written, or the first write
    /// error.
    pub fn finish(mut self) -> std::io::Result<(S, u64)> {
        if !self.line.is_empty() {
            let (full, len) = self.take_line();
            if self.error.is_none()
                && let Err(e) = self.sink.take(full, len)
            {
                self.error = Some(e);
            }
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok((self.sink, self.rows)),
        }
    }

    fn take_line(&mut self) -> (Block, usize) {
        std::mem::replace(&mut self.line, Line::reuse(Block::default(), 0, 0)).into_inner()
    }

    /// Hands over the whole blocks gathered and carries the rest into the next block.
    fn flush(&mut self) {
        let (full, len) = self.take_line();
        let size = full.size();
        let whole = len / ALIGN * ALIGN;
        let mut next = match &self.error {
            None => self.sink.spare(size),
            Some(_) => Ok(Block::new(size)),
        }
        .unwrap_or_else(|e| {
            self.error = Some(e);
            Block::new(size)
        });
        next.bytes_mut()[..len - whole].copy_from_slice(&full.bytes()[whole..len]);
        if self.error.is_none()
            && let Err(e) = self.sink.take(full, whole)
        {
            self.error = Some(e);
        }
        self.line = Line::reuse(next, self.slack, len - whole);
    }

    /// `time_min,YYYY-MM-DDTHH:MM:SS.mmm\n` of time `t` (the timestamp rounded to the
    /// millisecond) into the stamp.
    fn restamp(&mut self, t: Time) {
        let ms = (t * 60_000.0).round() as i64 + i64::from(self.start.minute) * 60_000;
        let (day, in_day) = (self.start.day + ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        if day != self.day.0 {
            let d = civil_from_days(day);
            let text = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            let mut date = [b'0'; 10];
            let n = text.len().min(10);
            date[..n].copy_from_slice(&text.as_bytes()[..n]);
            self.day = (day, date);
        }
        let time = self.float.format_finite(t).as_bytes();
        let s = &mut self.stamp;
        s[..time.len()].copy_from_slice(time);
        let mut p = time.len();
        s[p] = b',';
        s[p + 1..p + 11].copy_from_slice(&self.day.1);
        p += 11;
        let digits = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
        let (h, m, sec, milli) = (
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60,
            in_day % 1000,
        );
        let [h0, h1] = digits(h);
        let [m0, m1] = digits(m);
        let [s0, s1] = digits(sec);
        s[p..p + 14].copy_from_slice(&[
            b'T',
            h0,
            h1,
            b':',
            m0,
            m1,
            b':',
            s0,
            s1,
            b'.',
            b'0' + (milli / 100) as u8,
            b'0' + (milli / 10 % 10) as u8,
            b'0' + (milli % 10) as u8,
            b'\n',
        ]);
        self.stamp_len = p + 14;
        self.stamp_of = t.to_bits();
    }
}

impl<S: Sink> Format for Rows<S> {
    type Case = Case;

    /// Its text is built once, into a slot it keeps while inside.
    fn arrive(&mut self, serial: u64, flow: usize, vehicles: u32, again: Option<Case>) -> Case {
        let slot = match again {
            Some(c) => c.slot,
            None => self.texts.slot(),
        };
        let len = self
            .texts
            .write(slot, &self.rep, serial, &self.names.flows[flow], vehicles);
        Case { slot, len }
    }

    fn forget(&mut self, case: Case) {
        self.texts.free.push(case.slot);
    }

    #[inline(always)]
    fn row(&mut self, t: Time, _serial: u64, held: &mut Held<Case>, stage: Option<usize>, what: Activity) {
        if self.error.is_some() {
            return;
        }
        let c = held.case;
        if t.to_bits() != self.stamp_of {
            self.restamp(t);
        }
        let line = &mut self.line;
        line.blocks(self.texts.padded(&c), c.len as usize);
        let k = what as usize;
        match stage {
            Some(s) => line.text(&self.names.stages[s].events[k]),
            None => line.text(&self.names.port_events[k]),
        }
        if held.lane != 0 {
            line.int(held.lane);
        }
        line.byte(b',');
        if held.driver != 0 {
            line.int(held.driver);
        }
        line.byte(b',');
        line.blocks(&self.stamp, self.stamp_len);
        self.rows += 1;
        if self.line.full() {
            self.flush();
        }
    }
}
