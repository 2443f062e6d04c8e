//! The event log as Parquet (`--trace-format parquet`): the CSV log's columns and rows,
//! stored by column. Strings are dictionary indices, integers that change little (times in
//! order, serials, lanes) are delta-encoded and only `time_min` takes eight bytes a row, so
//! a year of horgos-2025 is about a sixth of the CSV's 800 MB, and the disk, which the CSV
//! log waits on, no longer sets the pace. Written by hand (thrift.rs, encode.rs): the
//! `parquet` crate would bring some 70 crates for what is a few hundred lines here.
//!
//! Each traced replication writes its row groups into its own part file, starting with
//! the magic for the first; the parts are joined in replication order and the footer,
//! which lists every row group, goes last ([`footer`]).

mod encode;
mod footer;
mod spool;
mod thrift;

pub use footer::{COLUMNS, Group, footer};

use super::disk::Disk;
use super::names::{ACTIVITIES, Activity};
use super::steps::{Format, Held};
use crate::date::StartInstant;
use crate::engine::Time;
use crate::model::{ModelSpec, StageKind};
use footer::{Chunk, DELTA_BINARY_PACKED, PLAIN, RLE_DICTIONARY};
use spool::Spool;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;
use thrift::Thrift;

/// Rows per row group: 3 MB of rows, which stay in cache while each column is taken from
/// them (wall clock, horgos-2025: 0.87 s with 65,536 rows, 1.07 s with 262,144).
const GROUP_ROWS: usize = 1 << 16;

/// A dictionary page's values, PLAIN-encoded, and how many.
#[derive(Debug, Clone, Default)]
struct Dict {
    bytes: Vec<u8>,
    count: u32,
}

impl Dict {
    fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(s);
        self.count += 1;
    }

    fn of<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut d = Dict::default();
        for w in words {
            d.push(w.as_bytes());
        }
        d
    }
}

/// The strings of one model's log, as dictionaries: every row group carries them whole.
#[derive(Debug, Clone)]
pub struct Dictionaries {
    ports: Dict,
    modes: Dict,
    stages: Dict,
    events: Dict,
    /// `STAGE EVENT` for each stage and activity, then each port-level activity's word.
    activities: Dict,
    /// Port and mode of each flow.
    flows: Vec<(u32, u32)>,
    /// The driver pool of each driver stage.
    pub pools: Vec<Option<usize>>,
    /// Driver pools.
    pub pool_count: usize,
}

impl Dictionaries {
    /// The strings of `spec`'s log.
    pub fn new(spec: &ModelSpec) -> Self {
        let words = || ACTIVITIES.iter().map(|a| a.word());
        let mut activities = Dict::default();
        for s in &spec.stages {
            for w in words() {
                activities.push(format!("{} {w}", s.name).as_bytes());
            }
        }
        for w in words() {
            activities.push(w.as_bytes());
        }
        Self {
            ports: Dict::of(spec.ports.iter().map(|p| p.name.as_str())),
            modes: Dict::of(spec.modes.iter().map(|m| m.name.as_str())),
            stages: Dict::of(spec.stages.iter().map(|s| s.name.as_str())),
            events: Dict::of(words()),
            activities,
            flows: spec.flows.iter().map(|f| (f.port as u32, f.mode as u32)).collect(),
            pools: spec
                .stages
                .iter()
                .map(|s| match s.kind {
                    StageKind::Driver { pool } => Some(pool),
                    _ => None,
                })
                .collect(),
            pool_count: spec.pools.len(),
        }
    }
}

/// Milliseconds in `t` minutes (never negative), rounded half away from zero as
/// `f64::round` does, without its library call (callgrind, horgos-2025: 15 instructions a
/// row): the fraction after truncation is exact below 2^52.
#[inline(always)]
fn round_ms(t: Time) -> i64 {
    let x = t * 60_000.0;
    let whole = x as i64;
    whole + i64::from(x - whole as f64 >= 0.5)
}

/// What the Parquet log keeps of a consignment inside.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    flow: u32,
    vehicles: u32,
    /// The row group whose case-id dictionary holds it (`u32::MAX`: none yet), and where.
    group: u32,
    index: u32,
}

/// One column of a row group as it fills: a fixed array, so that storing a row's value
/// needs no bounds check and no growth.
#[derive(Debug)]
struct Col<T>(Box<[T; GROUP_ROWS]>);

impl<T: Copy + Default> Col<T> {
    fn new() -> Self {
        let all: Box<[T]> = vec![T::default(); GROUP_ROWS].into_boxed_slice();
        match all.try_into() {
            Ok(array) => Self(array),
            Err(_) => unreachable!("a vector of GROUP_ROWS values"),
        }
    }

    /// Row `n` (taken modulo the group's size, which the caller keeps it below).
    #[inline(always)]
    fn set(&mut self, n: usize, v: T) {
        self.0[n & (GROUP_ROWS - 1)] = v;
    }

    #[inline(always)]
    fn get(&self, n: usize) -> T {
        self.0[n & (GROUP_ROWS - 1)]
    }
}

/// One row group as it fills, column by column (callgrind, horgos-2025: the encoder then
/// takes each column in one pass, instead of thirteen passes over 48-byte rows copied
/// into lists first).
#[derive(Debug)]
struct Buffers {
    cases: Dict,
    len: usize,
    /// Index in the row group's case-id dictionary.
    case: Col<u32>,
    serial: Col<u64>,
    t: Col<f64>,
    flow: Col<u32>,
    vehicles: Col<u32>,
    /// The activity: its index in [`Dictionaries::activities`].
    activity: Col<u32>,
    /// 0 for none, as the books keep them.
    lane: Col<u32>,
    driver: Col<u32>,
    /// Scratch for the present values of an optional column.
    present: Vec<u32>,
}

impl Buffers {
    /// Buffers for a row group to fill.
    fn filling() -> Self {
        Self {
            cases: Dict::default(),
            len: 0,
            case: Col::new(),
            serial: Col::new(),
            t: Col::new(),
            flow: Col::new(),
            vehicles: Col::new(),
            activity: Col::new(),
            lane: Col::new(),
            driver: Col::new(),
            present: Vec::new(),
        }
    }
}

/// What a finished Parquet part holds: its row groups and its length in bytes.
#[derive(Debug, Clone, Default)]
pub struct Part {
    /// Row groups, offsets from the part's start.
    pub groups: Vec<Group>,
    /// Bytes in the part.
    pub len: u64,
}

/// Widest range of an integer column that takes a dictionary (of at most 16 KB a row
/// group): lanes, drivers and vehicles per consignment fit, and their indices pack in a
/// few bits for about 3 instructions a value, where delta encoding took some 15.
const INT_DICT: u32 = 4096;

/// Stage and event of each activity (`u32::MAX`: a port-level step, with no stage).
#[derive(Debug)]
struct ActivityParts {
    stage: Vec<u32>,
    event: Vec<u32>,
}

impl ActivityParts {
    fn new(dict: &Dictionaries) -> Self {
        let words = ACTIVITIES.len() as u32;
        let codes = (dict.stages.count + 1) * words;
        let stage_of = |c: u32| {
            if c / words < dict.stages.count {
                c / words
            } else {
                NO_STAGE
            }
        };
        Self {
            stage: (0..codes).map(stage_of).collect(),
            event: (0..codes).map(|c| c % words).collect(),
        }
    }
}

/// A stage of [`ActivityParts`] for the port-level steps.
const NO_STAGE: u32 = u32::MAX;

/// Encodes full row groups and writes them, on a thread of its own.
struct Encoder {
    out: Spool,
    /// The replication.
    rep: u64,
    dict: Arc<Dictionaries>,
    parts: ActivityParts,
    /// Milliseconds from 1970 to the run's start.
    epoch_ms: i64,
    /// Scratch for one page.
    page: Vec<u8>,
    groups: Vec<Group>,
    /// Bytes written so far.
    pos: u64,
    error: Option<std::io::Error>,
}

impl Encoder {
    /// An encoder of replication `rep`'s row groups into `out`, starting the file when
    /// `first`.
    fn new(out: Disk, rep: u64, dict: Arc<Dictionaries>, start: StartInstant, first: bool) -> Self {
        let mut p = Self {
            out: Spool::new(out),
            rep,
            parts: ActivityParts::new(&dict),
            dict,
            epoch_ms: start.day * 86_400_000 + i64::from(start.minute) * 60_000,
            page: Vec::new(),
            groups: Vec::new(),
            pos: 0,
            error: None,
        };
        if first {
            p.put(b"PAR1");
        }
        p
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.put(bytes)
        {
            self.error = Some(e);
        }
        self.pos += bytes.len() as u64;
    }

    /// Writes a page (header, then `self.page`); returns its offset.
    fn page(&mut self, dictionary: bool, values: usize, encoding: i32) -> u64 {
        let at = self.pos;
        let len = self.page.len() as i32;
        let mut t = Thrift::default();
        t.i32(1, if dictionary { 2 } else { 0 }).i32(2, len).i32(3, len);
        if dictionary {
            t.begin(7).i32(1, values as i32).i32(2, PLAIN).end();
        } else {
            t.begin(5)
                .i32(1, values as i32)
                .i32(2, encoding)
                .i32(3, 3)
                .i32(4, 3)
                .end();
        }
        let header = t.finish();
        self.put(&header);
        let page = std::mem::take(&mut self.page);
        self.put(&page);
        self.page = page;
        self.page.clear();
        at
    }

    /// The dictionary page of `count` values, already in `self.page`.
    fn dictionary_page(&mut self, count: usize) -> u64 {
        self.page(true, count, PLAIN)
    }

    /// A dictionary column whose dictionary page was written at `dictionary` (from
    /// `start`): the data page of indices `index(0..n)` of a dictionary of `count`,
    /// after the levels already in `self.page`.
    fn indices(
        &mut self,
        start: u64,
        dictionary: u64,
        count: u32,
        rows: usize,
        n: usize,
        index: impl Fn(usize) -> u64,
    ) -> Chunk {
        let w = encode::width(u64::from(count.saturating_sub(1)));
        self.page.push(w);
        encode::hybrid_with(&mut self.page, n, w, index);
        let data = self.page(false, rows, RLE_DICTIONARY);
        Chunk {
            dictionary: Some(dictionary),
            data,
            encoding: RLE_DICTIONARY,
            size: self.pos - start,
        }
    }

    /// A required string column: `dict`, then the indices `index(0..rows)`.
    fn dict_column(&mut self, dict: &Dict, rows: usize, index: impl Fn(usize) -> u64) -> Chunk {
        let start = self.pos;
        self.page.extend_from_slice(&dict.bytes);
        let dictionary = self.dictionary_page(dict.count as usize);
        self.indices(start, dictionary, dict.count, rows, rows, index)
    }

    /// A column of one data page, the page's body being in `self.page`.
    fn data_chunk(&mut self, rows: usize, encoding: i32) -> Chunk {
        let start = self.pos;
        let data = self.page(false, rows, encoding);
        Chunk {
            dictionary: None,
            data,
            encoding,
            size: self.pos - start,
        }
    }

    /// An INT32 column of `values` (none null): a dictionary of the range they span when
    /// it is narrow, else delta-encoded; the levels, if any, already in `self.page`.
    fn small_ints(&mut self, values: &[u32], rows: usize) -> Chunk {
        let (lo, hi) = values.iter().fold((u32::MAX, 0), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if values.is_empty() {
            return self.data_chunk(rows, PLAIN);
        }
        if hi - lo >= INT_DICT {
            encode::delta_with(&mut self.page, values.len(), |i| i64::from(values[i]));
            return self.data_chunk(rows, DELTA_BINARY_PACKED);
        }
        // The levels stay for the data page; the dictionary page goes first.
        let levels = std::mem::take(&mut self.page);
        let start = self.pos;
        for v in lo..=hi {
            self.page.extend_from_slice(&(v as i32).to_le_bytes());
        }
        let dictionary = self.dictionary_page((hi - lo + 1) as usize);
        self.page.extend_from_slice(&levels);
        self.indices(start, dictionary, hi - lo + 1, rows, values.len(), |i| {
            u64::from(values[i] - lo)
        })
    }

    /// An optional INT32 column whose row `i` is `held(i)`, 0 for null.
    fn optional_ints(&mut self, present: &mut Vec<u32>, rows: usize, held: impl Fn(usize) -> u32) -> Chunk {
        present.clear();
        present.extend((0..rows).map(&held).filter(|&v| v != 0));
        encode::levels_with(&mut self.page, rows, |i| held(i) != 0);
        self.small_ints(present, rows)
    }

    /// Writes the row group in `b`, column by column, in [`COLUMNS`] order.
    fn flush(&mut self, b: &mut Buffers) {
        let rows = b.len;
        if rows == 0 {
            return;
        }
        let dict = self.dict.clone();
        let parts = std::mem::replace(
            &mut self.parts,
            ActivityParts {
                stage: Vec::new(),
                event: Vec::new(),
            },
        );
        let flows = &dict.flows;
        let code = |i: usize| b.activity.get(i) as usize;
        let mut chunks = Vec::with_capacity(COLUMNS.len());
        chunks.push(self.dict_column(&b.cases, rows, |i| u64::from(b.case.get(i))));
        encode::delta_constant(&mut self.page, self.rep as i64, rows);
        chunks.push(self.data_chunk(rows, DELTA_BINARY_PACKED));
        encode::delta_with(&mut self.page, rows, |i| b.serial.get(i) as i64);
        chunks.push(self.data_chunk(rows, DELTA_BINARY_PACKED));
        chunks.push(self.dict_column(&dict.ports, rows, |i| u64::from(flows[b.flow.get(i) as usize].0)));
        chunks.push(self.dict_column(&dict.modes, rows, |i| u64::from(flows[b.flow.get(i) as usize].1)));
        let vehicles = &mut b.present;
        vehicles.clear();
        vehicles.extend((0..rows).map(|i| b.vehicles.get(i)));
        chunks.push(self.small_ints(vehicles, rows));
        chunks.push(self.stage_column(&parts, rows, &code, &mut b.present));
        chunks.push(self.dict_column(&dict.events, rows, |i| u64::from(parts.event[code(i)])));
        chunks.push(self.dict_column(&dict.activities, rows, |i| code(i) as u64));
        chunks.push(self.optional_ints(&mut b.present, rows, |i| b.lane.get(i)));
        chunks.push(self.optional_ints(&mut b.present, rows, |i| b.driver.get(i)));
        self.page.reserve(rows * 8);
        for i in 0..rows {
            self.page.extend_from_slice(&b.t.get(i).to_le_bytes());
        }
        chunks.push(self.data_chunk(rows, PLAIN));
        let epoch = self.epoch_ms;
        encode::delta_with(&mut self.page, rows, |i| epoch + round_ms(b.t.get(i)));
        chunks.push(self.data_chunk(rows, DELTA_BINARY_PACKED));
        debug_assert_eq!(chunks.len(), COLUMNS.len());
        self.parts = parts;
        self.groups.push(Group {
            rows: rows as u64,
            chunks,
        });
        b.len = 0;
        b.cases = Dict::default();
    }

    /// The stage column: null for the port-level steps.
    fn stage_column(
        &mut self,
        parts: &ActivityParts,
        rows: usize,
        code: &impl Fn(usize) -> usize,
        present: &mut Vec<u32>,
    ) -> Chunk {
        let stages = &self.dict.clone().stages;
        let start = self.pos;
        self.page.extend_from_slice(&stages.bytes);
        let dictionary = self.dictionary_page(stages.count as usize);
        present.clear();
        present.extend((0..rows).map(|i| parts.stage[code(i)]).filter(|&s| s != NO_STAGE));
        encode::levels_with(&mut self.page, rows, |i| parts.stage[code(i)] != NO_STAGE);
        self.indices(start, dictionary, stages.count, rows, present.len(), |i| {
            u64::from(present[i])
        })
    }

    /// Writes the row group in `b` and hands back its emptied buffers.
    fn encode(&mut self, mut b: Buffers) -> Buffers {
        self.flush(&mut b);
        b
    }

    /// Waits for every byte to be written; the part, or the first write error.
    fn finish(mut self) -> std::io::Result<Part> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.finish()?;
        Ok(Part {
            groups: self.groups,
            len: self.pos,
        })
    }
}

/// Row groups handed to the encoder before the rows wait for it.
const GROUPS_QUEUED: usize = 1;

/// Writes one replication's rows as Parquet row groups: rows gather here, and each full
/// row group is encoded and written on a thread of its own (wall clock, horgos-2025: the
/// encoding is about two thirds of the log's work, and beside the bookkeeping it no longer
/// waits for it).
pub struct Parquet {
    /// The replication's number as text (for case ids).
    rep: Vec<u8>,
    /// Activities per stage, and the first port-level activity.
    words: u32,
    port_level: u32,
    buf: Buffers,
    /// Row groups handed over so far: the number of the one filling.
    sent: u32,
    rows: u64,
    full: Option<SyncSender<Buffers>>,
    spare: Receiver<Buffers>,
    encoder: Option<JoinHandle<std::io::Result<Part>>>,
}

fn encoder_stopped() -> std::io::Error {
    std::io::Error::other("the event log's encoding thread stopped")
}

impl Parquet {
    /// A writer of replication `rep`'s rows to `out`, starting the file when `first`.
    pub fn new(out: Disk, rep: u64, dict: Arc<Dictionaries>, start: StartInstant, first: bool) -> Self {
        let (full, queue) = sync_channel::<Buffers>(GROUPS_QUEUED);
        let (back, spare) = channel::<Buffers>();
        let shared = dict.clone();
        let encoder = std::thread::spawn(move || {
            let mut enc = Encoder::new(out, rep, shared, start, first);
            for b in queue {
                let _ = back.send(enc.encode(b));
            }
            enc.finish()
        });
        let words = ACTIVITIES.len() as u32;
        Self {
            rep: rep.to_string().into_bytes(),
            words,
            port_level: dict.stages.count * words,
            buf: Buffers::filling(),
            sent: 0,
            rows: 0,
            full: Some(full),
            spare,
            encoder: Some(encoder),
        }
    }

    /// Hands the full row group over and takes emptied buffers to fill next.
    fn send(&mut self) {
        let next = self.spare.try_recv().unwrap_or_else(|_| Buffers::filling());
        let full = std::mem::replace(&mut self.buf, next);
        self.sent += 1;
        if let Some(tx) = &self.full
            && tx.send(full).is_err()
        {
            // The encoder stopped (a write failed): `finish` reports why.
            self.full = None;
        }
    }

    /// Writes the last row group and waits for the encoder; returns the part and its rows,
    /// or the first write error.
    pub fn finish(mut self) -> std::io::Result<(Part, u64)> {
        if self.buf.len != 0 {
            self.send();
        }
        self.full = None;
        match self.encoder.take().map(JoinHandle::join) {
            Some(Ok(result)) => result.map(|part| (part, self.rows)),
            _ => Err(encoder_stopped()),
        }
    }
}

impl Format for Parquet {
    type Case = Case;

    fn arrive(&mut self, _serial: u64, flow: usize, vehicles: u32, again: Option<Case>) -> Case {
        let (group, index) = again.map_or((u32::MAX, 0), |c| (c.group, c.index));
        Case {
            flow: flow as u32,
            vehicles,
            group,
            index,
        }
    }

    fn forget(&mut self, _case: Case) {}

    #[inline(always)]
    fn row(&mut self, t: Time, serial: u64, held: &mut Held<Case>, stage: Option<usize>, what: Activity) {
        if self.full.is_none() {
            return;
        }
        let group = self.sent;
        let b = &mut self.buf;
        let c = &mut held.case;
        if c.group != group {
            // `REPLICATION-CONSIGNMENT`, straight into the dictionary page.
            (c.group, c.index) = (group, b.cases.count);
            let mut ints = itoa::Buffer::new();
            let serial = ints.format(serial).as_bytes();
            let len = (self.rep.len() + 1 + serial.len()) as u32;
            let d = &mut b.cases.bytes;
            d.extend_from_slice(&len.to_le_bytes());
            d.extend_from_slice(&self.rep);
            d.push(b'-');
            d.extend_from_slice(serial);
            b.cases.count += 1;
        }
        let n = b.len;
        b.case.set(n, c.index);
        b.serial.set(n, serial);
        b.t.set(n, t);
        b.flow.set(n, c.flow);
        b.vehicles.set(n, c.vehicles);
        let what = what as u32;
        b.activity.set(
            n,
            match stage {
                Some(s) => s as u32 * self.words + what,
                None => self.port_level + what,
            },
        );
        b.lane.set(n, held.lane);
        b.driver.set(n, held.driver);
        b.len = n + 1;
        self.rows += 1;
        if b.len >= GROUP_ROWS {
            self.send();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_as_the_csv_log_rounds_them() {
        for t in [
            0.0,
            1.0 / 120_000.0,
            0.49999999999999994 / 60_000.0,
            19.342984557283827,
            1e7 / 3.0,
            525_600.0,
        ] {
            assert_eq!(round_ms(t), (t * 60_000.0).round() as i64, "{t}");
        }
        for k in 0..100_000u32 {
            let t = f64::from(k) * 0.007_3 + f64::from(k % 7) / 120_000.0;
            assert_eq!(round_ms(t), (t * 60_000.0).round() as i64, "{t}");
        }
    }
}
