//! Gate logs: CSV files of observed arrivals at a port, one row per consignment, that a
//! flow or a shared demand can replay instead of drawing arrivals from a rate.
//!
//! Format: a header row naming the columns; `time` is required, `mode` and `vehicles` are
//! optional, other columns are ignored (real gate logs carry plates, lanes, remarks). Blank
//! lines and lines starting with `#` are skipped. Fields may be double-quoted. Rows must be
//! in time order (non-decreasing). Every error names the file, line and column.

mod fields;
mod time;

pub use time::{GateTime, TIME_FORMS};

use crate::date::StartInstant;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// Largest gate log read, bytes: far more than years of a busy port's rows.
pub const MAX_BYTES: u64 = 1 << 30;
/// Most rows read: five million, some fourteen years of a port clearing a thousand trucks
/// a day, while keeping the rows held in memory under half a gigabyte.
pub const MAX_ROWS: usize = 5_000_000;
/// Most vehicles one consignment may hold, as the scenario's `vehicles` keys allow.
pub const MAX_VEHICLES: u32 = 1000;

/// One observed arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct GateRow {
    /// 1-based line in the file, for errors found later (an unknown mode).
    pub line: usize,
    /// When it arrived.
    pub time: GateTime,
    /// Its mode as written (trimmed), when the file has a `mode` column.
    pub mode: Option<String>,
    /// 1-based column where the mode field starts (0 without one), to locate a mode the
    /// scenario does not define.
    pub mode_column: usize,
    /// Vehicles in it, when the file has a `vehicles` column.
    pub vehicles: Option<u32>,
}

/// A whole gate log, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct GateLog {
    /// The file it was read from.
    pub path: PathBuf,
    /// The rows, in file (and so time) order.
    pub rows: Vec<GateRow>,
    /// Whether the file has a `mode` column.
    pub has_mode: bool,
    /// Whether the file has a `vehicles` column.
    pub has_vehicles: bool,
    /// Whether the times are calendar date-times (else minutes from the start).
    pub civil: bool,
}

impl GateLog {
    /// Minutes from `start` of every row, in row order: the log on the simulation clock.
    pub fn minutes(&self, start: &StartInstant) -> Vec<f64> {
        self.rows.iter().map(|r| r.time.minutes_from(start)).collect()
    }

    /// The distinct modes the log names, sorted: for messages and `check`.
    pub fn modes(&self) -> Vec<&str> {
        let mut m: Vec<&str> = self.rows.iter().filter_map(|r| r.mode.as_deref()).collect();
        m.sort_unstable();
        m.dedup();
        m
    }
}

/// Reads and checks the gate log at `path`.
pub fn read(path: &Path) -> Result<GateLog, Error> {
    let bytes = super::read_limited(path, MAX_BYTES).map_err(|reason| Error::DataRead {
        path: path.to_path_buf(),
        reason,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..off]).unwrap_or("");
        let (line, column) = super::locate::line_col(valid, off);
        Error::Data {
            path: path.to_path_buf(),
            line,
            column,
            message: "the file is not valid UTF-8 text; save it as UTF-8 (plain ASCII is fine)".into(),
        }
    })?;
    parse(&text, path)
}

/// Checks gate-log text `text`; `path` names it in errors and in the result.
pub fn parse(text: &str, path: &Path) -> Result<GateLog, Error> {
    parse_capped(text, path, MAX_ROWS)
}

/// [`parse`] with a row cap of `max_rows`, so the cap's check can be tested on a small file.
fn parse_capped(text: &str, path: &Path, max_rows: usize) -> Result<GateLog, Error> {
    let err = |line: usize, column: usize, message: String| Error::Data {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((hline, htext)) = lines.next() else {
        return Err(err(
            1,
            1,
            "the file is empty; it needs a header row with a `time` column, then one row per arrival".into(),
        ));
    };
    let header = Header::read(htext).map_err(|(c, m)| err(hline, c, m))?;
    let mut rows: Vec<GateRow> = Vec::new();
    let mut last: Option<(usize, String, f64)> = None;
    for (line, l) in lines {
        if rows.len() == max_rows {
            return Err(err(
                line,
                1,
                format!(
                    "more than {max_rows} rows; the largest gate log read has {max_rows}: split the file or replay a shorter period"
                ),
            ));
        }
        let row = header
            .row(line, l, rows.first(), last.as_ref())
            .map_err(|(c, m)| err(line, c, m))?;
        last = Some((line, time_text(&header, l), row.time.order_key()));
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(err(
            hline + 1,
            1,
            "the file has a header but no rows; a gate log needs at least one arrival".into(),
        ));
    }
    Ok(GateLog {
        path: path.to_path_buf(),
        civil: rows[0].time.is_civil(),
        rows,
        has_mode: header.mode.is_some(),
        has_vehicles: header.vehicles.is_some(),
    })
}

/// The `time` field's text of a line already read without error.
fn time_text(h: &Header, line: &str) -> String {
    fields::split(line)
        .ok()
        .and_then(|f| f.get(h.time).map(|f| f.text.trim().to_string()))
        .unwrap_or_default()
}

/// Which field holds which column.
struct Header {
    names: Vec<String>,
    time: usize,
    mode: Option<usize>,
    vehicles: Option<usize>,
}

type Located<T> = Result<T, (usize, String)>;

impl Header {
    /// Reads the header row: names are trimmed and matched without regard to case.
    fn read(line: &str) -> Located<Header> {
        let f = fields::split(line)?;
        let names: Vec<String> = f.iter().map(|f| f.text.trim().to_string()).collect();
        let find = |want: &str| -> Located<Option<usize>> {
            let mut at = f
                .iter()
                .enumerate()
                .filter(|(_, x)| x.text.trim().eq_ignore_ascii_case(want));
            let first = at.next().map(|(i, _)| i);
            if let Some((_, dup)) = at.next() {
                return Err((dup.column, format!("the header names the column `{want}` twice")));
            }
            Ok(first)
        };
        let Some(time) = find("time")? else {
            return Err((
                1,
                format!(
                    "the header has no `time` column (it has: {}); a gate log needs `time`, and may have `mode` and `vehicles`",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        Ok(Header {
            time,
            mode: find("mode")?,
            vehicles: find("vehicles")?,
            names,
        })
    }

    /// Reads one data row, checking its time against the first row's form and the previous
    /// row's time (`last`: line, text, order key).
    fn row(
        &self,
        line: usize,
        text: &str,
        first: Option<&GateRow>,
        last: Option<&(usize, String, f64)>,
    ) -> Located<GateRow> {
        let f = fields::split(text)?;
        if f.len() != self.names.len() {
            let column = f.get(self.names.len()).map_or(text.chars().count() + 1, |x| x.column);
            return Err((
                column,
                format!(
                    "this row has {} fields but the header has {} ({}); every row needs one field per column",
                    f.len(),
                    self.names.len(),
                    self.names.join(", ")
                ),
            ));
        }
        let tf = &f[self.time];
        let t = time::parse(tf.text.trim()).map_err(|m| (tf.column, m))?;
        if let Some(first) = first.filter(|r| r.time.is_civil() != t.is_civil()) {
            let form = |c: bool| if c { "a date-time" } else { "minutes" };
            return Err((
                tf.column,
                format!(
                    "this time is {} but line {} gives {}; a file must use one form throughout",
                    form(t.is_civil()),
                    first.line,
                    form(first.time.is_civil())
                ),
            ));
        }
        if let Some((pl, pt, _)) = last.filter(|(_, _, k)| t.order_key() < *k) {
            return Err((
                tf.column,
                format!(
                    "time `{}` is earlier than `{pt}` on line {pl}; a gate log must be in time order (sort it by time)",
                    tf.text.trim()
                ),
            ));
        }
        let (mode, mode_column) = match self.mode.map(|i| &f[i]) {
            None => (None, 0),
            Some(m) if m.text.trim().is_empty() => {
                return Err((m.column, "the mode is empty; name one of the scenario's modes".into()));
            }
            Some(m) => (Some(m.text.trim().to_string()), m.column),
        };
        let vehicles = self.vehicles.map(|i| vehicles(&f[i])).transpose()?;
        Ok(GateRow {
            line,
            time: t,
            mode,
            mode_column,
            vehicles,
        })
    }
}

/// A `vehicles` field: a whole number 1 to [`MAX_VEHICLES`].
fn vehicles(f: &fields::Field) -> Located<u32> {
    let s = f.text.trim();
    let bad = || {
        (
            f.column,
            format!("vehicles `{s}` is not allowed; vehicles is a whole number from 1 to {MAX_VEHICLES}"),
        )
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 4 {
        return Err(bad());
    }
    let v: u32 = s.parse().map_err(|_| bad())?;
    if !(1..=MAX_VEHICLES).contains(&v) {
        return Err(bad());
    }
    Ok(v)
}

#[cfg(test)]
mod tests;
