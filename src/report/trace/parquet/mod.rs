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
use footer::{Chunk, DELTA_BINARY_PACKED, PLAIN, Physical, RLE_DICTIONARY, Stored};
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

/// One row as it waits for its row group to be written by column: one push a row
/// (callgrind, horgos-2025: fourteen column pushes cost about 75 instructions a row).
#[derive(Debug, Clone, Copy)]
struct Rec {
    serial: u64,
    t: Time,
    /// Index in the row group's case-id dictionary.
    case: u32,
    flow: u32,
    vehicles: u32,
    /// The stage, [`NO_STAGE`] for the port-level steps.
    stage: u32,
    what: u32,
    /// 0 for none, as the books keep them.
    lane: u32,
    driver: u32,
}

/// `Rec::stage` of a port-level step.
const NO_STAGE: u32 = u32::MAX;

/// One row group as it fills, and scratch columns for writing it.
#[derive(Debug, Default)]
struct Buffers {
    cases: Dict,
    rows: Vec<Rec>,
    idx: Vec<u32>,
    present: Vec<u32>,
    ints: Vec<i64>,
}

impl Buffers {
    /// Buffers for a row group to fill.
    fn filling() -> Self {
        Self {
            rows: Vec::with_capacity(GROUP_ROWS),
            ..Self::default()
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

/// Encodes full row groups and writes them, on a thread of its own.
struct Encoder {
    out: Spool,
    /// The replication.
    rep: u64,
    dict: Arc<Dictionaries>,
    /// Milliseconds from 1970 to the run's start.
    epoch_ms: i64,
    buf: Buffers,
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
            dict,
            epoch_ms: start.day * 86_400_000 + i64::from(start.minute) * 60_000,
            buf: Buffers::default(),
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

    /// A dictionary column: its dictionary page, then its indices.
    fn dict_column(&mut self, dict: &Dict, present: Option<&[u32]>, indices: &[u32], rows: usize) -> Chunk {
        let start = self.pos;
        self.page.extend_from_slice(&dict.bytes);
        let dictionary = self.page(true, dict.count as usize, PLAIN);
        if let Some(p) = present {
            encode::levels(&mut self.page, p);
        }
        let w = encode::width(u64::from(dict.count.saturating_sub(1)));
        self.page.push(w);
        encode::hybrid(&mut self.page, indices, w);
        let data = self.page(false, rows, RLE_DICTIONARY);
        Chunk {
            dictionary: Some(dictionary),
            data,
            size: self.pos - start,
        }
    }

    /// A column of one data page, the page's body being in `self.page`.
    fn data_chunk(&mut self, rows: usize, encoding: i32) -> Chunk {
        let start = self.pos;
        let data = self.page(false, rows, encoding);
        Chunk {
            dictionary: None,
            data,
            size: self.pos - start,
        }
    }

    /// An integer column, delta-encoded (PLAIN when it has no values).
    fn int_column(&mut self, present: Option<&[u32]>, values: &[i64], rows: usize) -> Chunk {
        if let Some(p) = present {
            encode::levels(&mut self.page, p);
        }
        let encoding = if values.is_empty() {
            PLAIN
        } else {
            encode::delta(&mut self.page, values);
            DELTA_BINARY_PACKED
        };
        self.data_chunk(rows, encoding)
    }

    /// Writes the row group gathered so far, column by column.
    fn flush(&mut self) {
        let rows = self.buf.rows.len();
        if rows == 0 {
            return;
        }
        let mut b = std::mem::take(&mut self.buf);
        let dict = self.dict.clone();
        let words = ACTIVITIES.len() as u32;
        let mut chunks = Vec::with_capacity(COLUMNS.len());
        for (i, c) in COLUMNS.iter().enumerate() {
            let (idx, present, ints) = (&mut b.idx, &mut b.present, &mut b.ints);
            idx.clear();
            present.clear();
            ints.clear();
            let r = &b.rows;
            let chunk = match i {
                0 => {
                    idx.extend(r.iter().map(|x| x.case));
                    self.dict_column(&b.cases, None, idx, rows)
                }
                1 => {
                    encode::delta_constant(&mut self.page, self.rep as i64, rows);
                    self.data_chunk(rows, DELTA_BINARY_PACKED)
                }
                2 => {
                    ints.extend(r.iter().map(|x| x.serial as i64));
                    self.int_column(None, ints, rows)
                }
                3 | 4 => {
                    let port = i == 3;
                    idx.extend(r.iter().map(|x| {
                        let (p, m) = dict.flows[x.flow as usize];
                        if port { p } else { m }
                    }));
                    self.dict_column(if port { &dict.ports } else { &dict.modes }, None, idx, rows)
                }
                5 => {
                    ints.extend(r.iter().map(|x| i64::from(x.vehicles)));
                    self.int_column(None, ints, rows)
                }
                6 => {
                    present.extend(r.iter().map(|x| u32::from(x.stage != NO_STAGE)));
                    idx.extend(r.iter().filter(|x| x.stage != NO_STAGE).map(|x| x.stage));
                    self.dict_column(&dict.stages, Some(present), idx, rows)
                }
                7 => {
                    idx.extend(r.iter().map(|x| x.what));
                    self.dict_column(&dict.events, None, idx, rows)
                }
                8 => {
                    let port_level = dict.stages.count * words;
                    idx.extend(r.iter().map(|x| match x.stage {
                        NO_STAGE => port_level + x.what,
                        s => s * words + x.what,
                    }));
                    self.dict_column(&dict.activities, None, idx, rows)
                }
                9 | 10 => {
                    let held = |x: &Rec| if i == 9 { x.lane } else { x.driver };
                    present.extend(r.iter().map(|x| u32::from(held(x) != 0)));
                    ints.extend(r.iter().map(held).filter(|&n| n != 0).map(i64::from));
                    self.int_column(Some(present), ints, rows)
                }
                11 => {
                    self.page.reserve(rows * 8);
                    for x in r {
                        self.page.extend_from_slice(&x.t.to_le_bytes());
                    }
                    self.data_chunk(rows, PLAIN)
                }
                _ => {
                    ints.extend(r.iter().map(|x| self.epoch_ms + round_ms(x.t)));
                    self.int_column(None, ints, rows)
                }
            };
            debug_assert_eq!(c.stored == Stored::Dictionary, chunk.dictionary.is_some(), "{}", c.name);
            debug_assert_eq!(c.physical == Physical::Double, i == 11, "{}", c.name);
            chunks.push(chunk);
        }
        self.groups.push(Group {
            rows: rows as u64,
            chunks,
        });
        b.rows.clear();
        b.cases = Dict::default();
        self.buf = b;
    }

    /// Writes the row group in `b` and hands back its emptied buffers.
    fn encode(&mut self, mut b: Buffers) -> Buffers {
        std::mem::swap(&mut self.buf, &mut b);
        self.flush();
        std::mem::swap(&mut self.buf, &mut b);
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
        let encoder = std::thread::spawn(move || {
            let mut enc = Encoder::new(out, rep, dict, start, first);
            for b in queue {
                let _ = back.send(enc.encode(b));
            }
            enc.finish()
        });
        Self {
            rep: rep.to_string().into_bytes(),
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
        if !self.buf.rows.is_empty() {
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
        b.rows.push(Rec {
            serial,
            t,
            case: c.index,
            flow: c.flow,
            vehicles: c.vehicles,
            stage: stage.map_or(NO_STAGE, |s| s as u32),
            what: what as u32,
            lane: held.lane,
            driver: held.driver,
        });
        self.rows += 1;
        if b.rows.len() >= GROUP_ROWS {
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
