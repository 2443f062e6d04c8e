//! The event log's Parquet schema and footer: the columns (the CSV log's, in its order),
//! and the file metadata that lists every row group of every traced replication.

use super::thrift::{Thrift, kind};

/// Parquet physical types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Physical {
    /// 32-bit integer.
    Int32 = 1,
    /// 64-bit integer.
    Int64 = 2,
    /// 64-bit float.
    Double = 5,
    /// Bytes (UTF-8 strings here).
    Bytes = 6,
}

/// One column of the log.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name, the CSV header's.
    pub name: &'static str,
    /// Physical type.
    pub physical: Physical,
    /// Whether it may be null (the CSV's empty fields).
    pub optional: bool,
    /// A timestamp in milliseconds of civil time (no time zone, as the CSV's).
    pub timestamp: bool,
}

const fn col(name: &'static str, physical: Physical, optional: bool) -> Column {
    Column {
        name,
        physical,
        optional,
        timestamp: false,
    }
}

/// The columns, in the CSV header's order.
pub const COLUMNS: [Column; 13] = [
    col("case_id", Physical::Bytes, false),
    col("replication", Physical::Int32, false),
    col("consignment", Physical::Int64, false),
    col("port", Physical::Bytes, false),
    col("mode", Physical::Bytes, false),
    col("vehicles", Physical::Int32, false),
    col("stage", Physical::Bytes, true),
    col("event", Physical::Bytes, false),
    col("activity", Physical::Bytes, false),
    col("lane", Physical::Int32, true),
    col("driver", Physical::Int32, true),
    col("time_min", Physical::Double, false),
    Column {
        timestamp: true,
        ..col("timestamp", Physical::Int64, false)
    },
];

/// Encoding codes.
pub const PLAIN: i32 = 0;
/// Run-length/bit-packed hybrid (levels).
pub const RLE: i32 = 3;
/// Delta-encoded integers.
pub const DELTA_BINARY_PACKED: i32 = 5;
/// Dictionary indices.
pub const RLE_DICTIONARY: i32 = 8;

/// Where one column's pages of a row group are, offsets from the start of its part file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Chunk {
    /// Its dictionary page.
    pub dictionary: Option<u64>,
    /// Its data page.
    pub data: u64,
    /// The data page's encoding: a column may change encoding from one row group to the
    /// next (small integers take a dictionary, wide ones are delta-encoded).
    pub encoding: i32,
    /// Bytes of all its pages, headers included.
    pub size: u64,
}

/// One row group: its rows and its columns' pages.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Rows in it.
    pub rows: u64,
    /// Its columns, in [`COLUMNS`] order.
    pub chunks: Vec<Chunk>,
}

fn schema(t: &mut Thrift) {
    t.list(2, kind::STRUCT, COLUMNS.len() + 1);
    t.open().string(4, "schema").i32(5, COLUMNS.len() as i32).end();
    for c in COLUMNS {
        t.open()
            .i32(1, c.physical as i32)
            .i32(3, i32::from(c.optional))
            .string(4, c.name);
        if c.physical == Physical::Bytes {
            // Converted type UTF8, and the logical type STRING.
            t.i32(6, 0).begin(10).begin(1).end().end();
        }
        if c.timestamp {
            // TIMESTAMP(isAdjustedToUTC = false, MILLIS): a civil date-time.
            t.begin(10)
                .begin(8)
                .bool(1, false)
                .begin(2)
                .begin(1)
                .end()
                .end()
                .end()
                .end();
        }
        t.end();
    }
}

fn encodings(ch: &Chunk) -> &'static [i32] {
    match ch.encoding {
        RLE_DICTIONARY => &[PLAIN, RLE, RLE_DICTIONARY],
        DELTA_BINARY_PACKED => &[PLAIN, RLE, DELTA_BINARY_PACKED],
        _ => &[PLAIN, RLE],
    }
}

fn chunk(t: &mut Thrift, c: &Column, ch: &Chunk, base: u64, rows: u64) {
    let first = base + ch.dictionary.unwrap_or(ch.data);
    t.open().i64(2, first as i64).begin(3);
    t.i32(1, c.physical as i32);
    let enc = encodings(ch);
    t.list(2, kind::I32, enc.len());
    for &e in enc {
        t.elem_i32(e);
    }
    t.list(3, kind::BINARY, 1).elem_string(c.name);
    t.i32(4, 0)
        .i64(5, rows as i64)
        .i64(6, ch.size as i64)
        .i64(7, ch.size as i64);
    t.i64(9, (base + ch.data) as i64);
    if let Some(d) = ch.dictionary {
        t.i64(11, (base + d) as i64);
    }
    t.end().end();
}

/// The footer of a log made of `groups`, each with the offset of its part in the file:
/// the file metadata, its length and the closing magic.
pub fn footer(groups: &[(u64, &Group)], created_by: &str) -> Vec<u8> {
    let mut t = Thrift::default();
    t.i32(1, 1);
    schema(&mut t);
    let rows: u64 = groups.iter().map(|(_, g)| g.rows).sum();
    t.i64(3, rows as i64);
    t.list(4, kind::STRUCT, groups.len());
    for (base, g) in groups {
        t.open().list(1, kind::STRUCT, COLUMNS.len());
        for (c, ch) in COLUMNS.iter().zip(&g.chunks) {
            chunk(&mut t, c, ch, *base, g.rows);
        }
        let bytes: u64 = g.chunks.iter().map(|c| c.size).sum();
        let first = g.chunks.first().map_or(0, |c| c.dictionary.unwrap_or(c.data));
        t.i64(2, bytes as i64)
            .i64(3, g.rows as i64)
            .i64(5, (base + first) as i64);
        t.i64(6, bytes as i64);
        t.end();
    }
    t.string(6, created_by);
    let mut out = t.finish();
    let len = out.len() as u32;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(b"PAR1");
    out
}
