//! Rows of a trace CSV (the event log `run --trace` writes), split and checked one line at
//! a time so that a trace of any length is read in constant memory.

use crate::report::check::{Problem, at, shown};

/// Column names of a trace, in order.
pub const HEADER: &str =
    "case_id,replication,consignment,port,mode,vehicles,stage,event,activity,lane,driver,time_min,timestamp";

/// Number of columns in [`HEADER`].
const COLUMNS: usize = 13;

/// What happened to a consignment, as the trace names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// It reached the port.
    Arrived,
    /// The first stage was full: it never entered.
    TurnedAway,
    /// It joined a stage's line.
    Entered,
    /// Its clearance (or dwell, or wait for a driver) ended: it was served or took a driver.
    Started,
    /// Its clearance ended.
    Finished,
    /// It finished but the next stage had no room: it holds its lane.
    Blocked,
    /// The next stage made room.
    Unblocked,
    /// It left the stage.
    Left,
    /// It left the port, released.
    Departed,
    /// It gave up in a line and left the port.
    Abandoned,
    /// It gave up in a line and drove to another port.
    Diverted,
}

/// Every event with its name in the trace, in the order the README lists them.
pub const EVENTS: [(&str, Event); 11] = [
    ("arrived", Event::Arrived),
    ("turned_away", Event::TurnedAway),
    ("entered", Event::Entered),
    ("started", Event::Started),
    ("finished", Event::Finished),
    ("blocked", Event::Blocked),
    ("unblocked", Event::Unblocked),
    ("left", Event::Left),
    ("departed", Event::Departed),
    ("abandoned", Event::Abandoned),
    ("diverted", Event::Diverted),
];

impl Event {
    /// The event's name in the trace, for messages.
    pub fn name(self) -> &'static str {
        EVENTS.iter().find(|(_, e)| *e == self).map_or("?", |(n, _)| n)
    }

    /// True when the consignment is no longer at the port after this event.
    pub fn ends_stay(self) -> bool {
        matches!(
            self,
            Event::Departed | Event::TurnedAway | Event::Abandoned | Event::Diverted
        )
    }
}

/// One checked row. Names borrow from the split fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    /// `REP-SERIAL`.
    pub case_id: &'a str,
    /// 0-based replication.
    pub replication: u64,
    /// Serial within the replication.
    pub consignment: u64,
    /// Port name.
    pub port: &'a str,
    /// Mode name.
    pub mode: &'a str,
    /// Stage name, empty for port-level events.
    pub stage: &'a str,
    /// What happened.
    pub event: Event,
    /// Lane held, if any.
    pub lane: Option<u64>,
    /// Hired driver held, if any.
    pub driver: Option<u64>,
    /// Minutes from the start of the run.
    pub time: f64,
}

/// Splits one CSV line into `out` (reusing its strings): fields separated by commas,
/// a field in double quotes may hold commas and doubled quotes.
pub fn split(line_no: usize, line: &str, out: &mut Vec<String>) -> Result<(), Problem> {
    if !line.contains('"') {
        // The usual case: no quoting, so a plain split.
        let mut n = 0;
        for f in line.split(',') {
            if n == out.len() {
                out.push(String::new());
            }
            out[n].clear();
            out[n].push_str(f);
            n += 1;
        }
        out.truncate(n);
        return Ok(());
    }
    let mut n = 0;
    let field = |n: &mut usize, out: &mut Vec<String>| {
        if *n == out.len() {
            out.push(String::new());
        }
        out[*n].clear();
        *n += 1;
        *n - 1
    };
    let mut cur = field(&mut n, out);
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                out[cur].push('"');
            }
            (true, '"') => {
                quoted = false;
                if chars.peek().is_some_and(|&c| c != ',') {
                    return Err(at(line_no, "a quoted field must end at a comma".into()));
                }
            }
            (false, ',') => {
                cur = field(&mut n, out);
                at_start = true;
                continue;
            }
            (_, c) => out[cur].push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err(at(line_no, "a quoted field is not closed on its line".into()));
    }
    out.truncate(n);
    Ok(())
}

/// A whole number field (`min` or more); `None` when empty and `empty_ok`.
fn whole(line: usize, field: &str, s: &str, min: u64, empty_ok: bool) -> Result<Option<u64>, Problem> {
    if s.is_empty() && empty_ok {
        return Ok(None);
    }
    match s.parse::<u64>() {
        Ok(v) if v >= min => Ok(Some(v)),
        _ => Err(at(
            line,
            format!(
                "field {field}: must be a whole number of at least {min}{}, got {}",
                if empty_ok { " or empty" } else { "" },
                shown(s)
            ),
        )),
    }
}

/// A port, mode or stage name as scenarios allow them (they name chart files): 1-64
/// letters, digits, `_` and `-`; empty only where `empty_ok`.
fn name(line: usize, field: &str, s: &str, empty_ok: bool) -> Result<(), Problem> {
    let ok = s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok && (empty_ok || !s.is_empty()) {
        return Ok(());
    }
    Err(at(
        line,
        format!(
            "field {field}: must be a name of 1-64 letters, digits, `_` and `-` as scenarios allow{}, got {}",
            if empty_ok { " (or empty)" } else { "" },
            shown(s)
        ),
    ))
}

/// Checks the split fields of data line `line` and returns the row.
pub fn row(line: usize, f: &[String]) -> Result<Row<'_>, Problem> {
    if f.len() != COLUMNS {
        return Err(at(line, format!("{} fields, expected {COLUMNS} ({HEADER})", f.len())));
    }
    let event = EVENTS
        .iter()
        .find(|(n, _)| *n == f[7])
        .map(|(_, e)| *e)
        .ok_or_else(|| {
            let names: Vec<&str> = EVENTS.iter().map(|(n, _)| *n).collect();
            at(
                line,
                format!(
                    "field event: unknown event {}; events are {}",
                    shown(&f[7]),
                    names.join(", ")
                ),
            )
        })?;
    let time = match f[11].parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => v,
        _ => {
            return Err(at(
                line,
                format!(
                    "field time_min: must be a finite number of minutes, 0 or more, got {}",
                    shown(&f[11])
                ),
            ));
        }
    };
    let replication = whole(line, "replication", &f[1], 0, false)?.unwrap_or_default();
    let consignment = whole(line, "consignment", &f[2], 0, false)?.unwrap_or_default();
    whole(line, "vehicles", &f[5], 1, false)?;
    let (rep, serial) = (&f[1], &f[2]);
    let case_ok = f[0].len() == rep.len() + 1 + serial.len()
        && f[0].starts_with(rep.as_str())
        && f[0].as_bytes().get(rep.len()) == Some(&b'-')
        && f[0].ends_with(serial.as_str());
    if !case_ok {
        return Err(at(
            line,
            format!(
                "field case_id: {} is not REPLICATION-CONSIGNMENT ({replication}-{consignment})",
                shown(&f[0])
            ),
        ));
    }
    for (i, field) in [(3, "port"), (4, "mode"), (6, "stage")] {
        name(line, field, &f[i], i == 6)?;
    }
    Ok(Row {
        case_id: &f[0],
        replication,
        consignment,
        port: &f[3],
        mode: &f[4],
        stage: &f[6],
        event,
        lane: whole(line, "lane", &f[9], 1, true)?,
        driver: whole(line, "driver", &f[10], 1, true)?,
        time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Result<Vec<String>, Problem> {
        let mut v = vec!["stale".to_string(); 20];
        split(2, line, &mut v).map(|_| v)
    }

    #[test]
    fn fields_are_split_and_unquoted() {
        assert_eq!(fields("a,,b").unwrap(), ["a", "", "b"]);
        assert_eq!(
            fields("\"x,y\",\"say \"\"hi\"\"\",z").unwrap(),
            ["x,y", "say \"hi\"", "z"]
        );
        assert_eq!(fields("").unwrap(), [""]);
        assert!(fields("\"open,x").unwrap_err().message.contains("not closed"));
        assert!(fields("\"a\"b,c").is_err());
    }

    #[test]
    fn a_row_is_checked_field_by_field() {
        let good = "0-3,0,3,p,car,1,gate,started,gate started,2,,12.5,2025-01-01T00:12:30.000";
        let f = fields(good).unwrap();
        let r = row(2, &f).unwrap();
        assert_eq!(r.event, Event::Started);
        assert_eq!((r.lane, r.driver, r.time), (Some(2), None, 12.5));
        let bad = |from: &str, to: &str| {
            let f = fields(&good.replacen(from, to, 1)).unwrap();
            row(7, &f).unwrap_err()
        };
        let e = bad("started,", "begun,");
        assert_eq!(e.line, Some(7));
        assert!(
            e.message
                .starts_with("field event: unknown event `begun`; events are arrived, turned_away"),
            "{}",
            e.message
        );
        assert!(
            bad(",12.5,", ",soon,")
                .message
                .contains("field time_min: must be a finite number")
        );
        assert!(bad(",12.5,", ",-1,").message.contains("field time_min"));
        assert!(
            bad(",2,,", ",two,,")
                .message
                .contains("field lane: must be a whole number")
        );
        assert!(bad("0-3,", "0-4,").message.contains("field case_id"));
        assert!(bad(",1,gate", ",0,gate").message.contains("field vehicles"));
        assert!(bad(",gate,", ",gate,x,").message.starts_with("14 fields, expected 13"));
        // Names go into chart file names: nothing that could leave the charts folder.
        let e = bad(",p,", ",../p,");
        assert!(
            e.message.starts_with("field port: must be a name of 1-64 letters"),
            "{}",
            e.message
        );
        assert!(bad(",car,", ",,").message.starts_with("field mode: must be a name"));
        assert!(bad(",gate,", ",ga te,").message.contains("field stage: must be a name of 1-64 letters, digits, `_` and `-` as scenarios allow (or empty), got `ga te`"));
    }
}
