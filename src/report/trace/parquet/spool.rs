//! The Parquet log's bytes go to disk from a thread of their own, as the CSV rows do: a
//! direct write of a megabyte waits for the disk (about 2.5 ms here), and the encoder
//! would otherwise wait with it (callgrind cannot see it; wall clock, horgos-2025: the
//! encoder thread spent about 0.3 s of a 1.5 s run in writes).

use super::super::disk::Disk;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Bytes gathered before they go to the disk thread.
const SEND_AT: usize = 1 << 20;
/// Buffers in flight at once: one being filled, the others queued or being written.
const BUFFERS: usize = 3;

/// Gathers bytes and hands them to the disk thread a megabyte at a time.
pub struct Spool {
    buf: Vec<u8>,
    full: Option<SyncSender<Vec<u8>>>,
    written: Receiver<Vec<u8>>,
    made: usize,
    io: Option<JoinHandle<std::io::Result<()>>>,
}

fn disk_stopped() -> std::io::Error {
    std::io::Error::other("the event log's disk thread stopped")
}

impl Spool {
    /// Starts the disk thread, writing into `out`.
    pub fn new(mut out: Disk) -> Self {
        let (full, queue) = sync_channel::<Vec<u8>>(BUFFERS);
        let (back, written) = channel::<Vec<u8>>();
        let io = std::thread::spawn(move || {
            let mut result = Ok(());
            for mut bytes in queue {
                if result.is_ok() {
                    result = out.put(&bytes);
                }
                bytes.clear();
                let _ = back.send(bytes);
            }
            result.and_then(|()| out.finish())
        });
        Self {
            buf: Vec::with_capacity(SEND_AT + (SEND_AT >> 2)),
            full: Some(full),
            written,
            made: 1,
            io: Some(io),
        }
    }

    /// Appends `bytes`; hands a full buffer over.
    pub fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= SEND_AT {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> std::io::Result<()> {
        let next = match self.written.try_recv() {
            Ok(b) => b,
            Err(_) if self.made < BUFFERS => {
                self.made += 1;
                Vec::with_capacity(self.buf.capacity())
            }
            Err(_) => self.written.recv().map_err(|_| disk_stopped())?,
        };
        let full = std::mem::replace(&mut self.buf, next);
        match &self.full {
            Some(tx) => tx.send(full).map_err(|_| disk_stopped()),
            None => Err(disk_stopped()),
        }
    }

    /// Hands over the rest and waits for every byte to be written; the first write error.
    pub fn finish(mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.full = None;
        match self.io.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(disk_stopped()),
        }
    }
}
