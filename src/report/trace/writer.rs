//! The event log's observer: the simulation thread only appends each step to a chunk; a
//! thread of the log's own turns full chunks into rows, and a third writes the rows to
//! disk, so formatting and the kernel's copying of hundreds of megabytes run beside the
//! simulation and beside each other instead of inside it. Chunks and buffers go round
//! between the threads (a few of each, reused), so memory stays flat and the hot loop does
//! not allocate.

use super::disk::Disk;
use super::line::Block;
use super::names::Names;
use super::packed::{Packed, pack, unpack};
use super::parquet::{Dictionaries, Parquet, Part};
use super::rows::{Rows, Sink};
use super::steps::{Format, Steps};
use crate::date::StartInstant;
use crate::engine::Time;
use crate::model::{Observer, Trace};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Steps per chunk handed to the writing thread.
const CHUNK: usize = 8192;
/// Full chunks that may wait for the writing thread before the simulation waits for it.
const QUEUED: usize = 4;
/// Buffers of rows in use at once: one being filled, the others queued or being written.
const BUFFERS: usize = 3;

/// Hands full blocks of rows to a thread that writes them to disk, and takes back written
/// ones to fill next.
struct Handoff {
    full: Option<SyncSender<(Block, usize)>>,
    written: Receiver<Block>,
    /// Blocks made so far, at most [`BUFFERS`].
    made: usize,
    io: Option<JoinHandle<std::io::Result<()>>>,
}

fn disk_stopped() -> std::io::Error {
    std::io::Error::other("the event log's disk thread stopped")
}

impl Handoff {
    fn new(mut out: Disk) -> Self {
        let (full, queue) = sync_channel::<(Block, usize)>(BUFFERS);
        let (back, written) = channel::<Block>();
        let io = std::thread::spawn(move || {
            let mut result = Ok(());
            for (mut block, len) in queue {
                if result.is_ok() {
                    result = out.put_block(&mut block, len);
                }
                let _ = back.send(block);
            }
            result.and_then(|()| out.finish())
        });
        Self {
            full: Some(full),
            written,
            made: 1,
            io: Some(io),
        }
    }

    /// Waits for every block to be written; the first write error.
    fn close(mut self) -> std::io::Result<()> {
        self.full = None;
        match self.io.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(disk_stopped()),
        }
    }
}

impl Sink for Handoff {
    fn spare(&mut self, size: usize) -> std::io::Result<Block> {
        if let Ok(block) = self.written.try_recv() {
            return Ok(block);
        }
        if self.made < BUFFERS {
            self.made += 1;
            return Ok(Block::new(size));
        }
        self.written.recv().map_err(|_| disk_stopped())
    }

    fn take(&mut self, full: Block, len: usize) -> std::io::Result<()> {
        match &self.full {
            Some(tx) => tx.send((full, len)).map_err(|_| disk_stopped()),
            None => Err(disk_stopped()),
        }
    }
}

/// A log's format and the text it repeats, built once per model.
#[derive(Debug, Clone)]
pub enum Layout {
    /// CSV rows.
    Csv(Arc<Names>),
    /// Parquet columns.
    Parquet(Arc<Dictionaries>),
}

/// What one replication's log holds once written.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Rows.
    pub rows: u64,
    /// For Parquet, the part's row groups (the footer is written when parts are joined).
    pub part: Option<Part>,
}

/// Feeds each chunk of steps to `steps`, handing the emptied chunks back.
fn drain<F: Format>(steps: &mut Steps<F>, queue: Receiver<Vec<Packed>>, back: std::sync::mpsc::Sender<Vec<Packed>>) {
    for mut chunk in queue {
        unpack(&chunk, |entry| steps.record(entry));
        chunk.clear();
        // The simulation may have finished and gone: then the chunk is simply freed.
        let _ = back.send(chunk);
    }
}

/// Writes the event log of one replication from a thread of its own.
pub struct TraceWriter {
    chunk: Vec<Packed>,
    full: Option<SyncSender<Vec<Packed>>>,
    spare: Receiver<Vec<Packed>>,
    worker: Option<JoinHandle<std::io::Result<Written>>>,
}

impl TraceWriter {
    /// Starts the writing thread for replication `rep` of the model `layout` describes:
    /// rows for times in `window` (minutes) go to `out`, which starts the file (a CSV
    /// header, Parquet's magic) when `first`.
    pub fn new(out: Disk, rep: u64, layout: Layout, start: StartInstant, window: (Time, Time), first: bool) -> Self {
        let (full, queue) = sync_channel::<Vec<Packed>>(QUEUED);
        let (back, spare) = channel::<Vec<Packed>>();
        let worker = std::thread::spawn(move || match layout {
            Layout::Csv(names) => {
                let pools = names.stages.iter().map(|s| s.pool).collect();
                let rows = Rows::new(Handoff::new(out), rep, names.clone(), start, first);
                let mut steps = Steps::new(rows, pools, names.pools, window);
                drain(&mut steps, queue, back);
                let (disk, rows) = steps.format.finish()?;
                disk.close().map(|()| Written { rows, part: None })
            }
            Layout::Parquet(dict) => {
                let columns = Parquet::new(out, rep, dict.clone(), start, first);
                let mut steps = Steps::new(columns, dict.pools.clone(), dict.pool_count, window);
                drain(&mut steps, queue, back);
                let (part, rows) = steps.format.finish()?;
                Ok(Written { rows, part: Some(part) })
            }
        });
        Self {
            chunk: Vec::with_capacity(CHUNK + 3),
            full: Some(full),
            spare,
            worker: Some(worker),
        }
    }

    /// Hands the current chunk to the writing thread and takes a spare one.
    fn send(&mut self) {
        let next = self.spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK + 3));
        let chunk = std::mem::replace(&mut self.chunk, next);
        if let Some(tx) = &self.full
            && tx.send(chunk).is_err()
        {
            // The writing thread has stopped (it panicked): `finish` reports it.
            self.full = None;
        }
    }

    /// Writes the rest, waits for the writing thread, and returns what was written or the
    /// first write error.
    pub fn finish(mut self) -> std::io::Result<Written> {
        if !self.chunk.is_empty() {
            self.send();
        }
        self.full = None;
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(std::io::Error::other("the event log's writing thread stopped")),
        }
    }
}

impl Drop for TraceWriter {
    fn drop(&mut self) {
        // A replication that failed: let the writing thread end before its file goes.
        self.full = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

impl Observer for TraceWriter {
    #[inline]
    fn record(&mut self, entry: Trace) {
        pack(&mut self.chunk, entry);
        if self.chunk.len() >= CHUNK {
            self.send();
        }
    }
}
