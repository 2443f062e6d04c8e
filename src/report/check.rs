//! Checking the results files that `chart DIR` reads back. They may have been edited or
//! damaged since they were written, so every value a chart uses is checked on the way in:
//! header, field count, finite non-negative numbers, times that move forward within a
//! series, fractions within [0, 1], and names that match the JSON file beside them. A bad
//! row is refused with its line and field ([`Problem`]), never drawn. The readers live
//! beside their writers (csv.rs, distribution.rs, json_read.rs, compare_read.rs) and use
//! these checks.

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::BufRead;

/// Longest line read from a results CSV; the files bordersim writes stay far below it.
pub const MAX_LINE: usize = 64 * 1024;

/// Longest port, stage, mode, variant or metric name accepted in a results file: longer
/// than any scenario allows, short enough to keep titles and file names sane.
pub const MAX_NAME: usize = 256;

/// Longest scenario name accepted from summary.json or comparison.json (it only titles charts).
pub const MAX_TITLE: usize = 1024;

/// Slack for values that were rounded to six decimals when written.
pub(crate) const ROUNDING: f64 = 1e-6;

/// What is wrong in a results file and where: the 1-based line of a CSV file, or none for a
/// JSON file (whose message names the field instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line, for CSV files.
    pub line: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
}

pub(crate) fn at(line: usize, message: String) -> Problem {
    Problem {
        line: Some(line),
        message,
    }
}

pub(crate) fn json_problem(message: String) -> Problem {
    Problem { line: None, message }
}

/// A value from the file, shortened and with control characters escaped, for a message.
pub(crate) fn shown(s: &str) -> String {
    let mut o: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().count() > 40 {
        o.push('…');
    }
    format!("`{o}`")
}

/// Calls `f` with each line (without its line break) and its 1-based number, refusing
/// lines longer than [`MAX_LINE`] and text that is not UTF-8, so a damaged file is never
/// read whole into memory.
pub(crate) fn for_each_line(
    mut r: impl BufRead,
    mut f: impl FnMut(usize, &str) -> Result<(), Problem>,
) -> Result<usize, Problem> {
    let mut buf = Vec::with_capacity(256);
    let mut n = 0;
    loop {
        buf.clear();
        let got = std::io::Read::take(&mut r, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| at(n + 1, format!("cannot read: {e}")))?;
        if got == 0 {
            return Ok(n);
        }
        n += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        } else if got > MAX_LINE {
            return Err(at(n, format!("line longer than {MAX_LINE} bytes")));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| at(n, "not UTF-8 text".into()))?;
        f(n, line)?;
    }
}

/// A required number field: finite and at least `min`.
pub(crate) fn number(line: usize, field: &str, s: &str, min: f64) -> Result<f64, Problem> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= min => Ok(v),
        Ok(v) if v.is_finite() => Err(at(
            line,
            format!("field {field}: must be at least {}, got {}", min.max(0.0), shown(s)),
        )),
        _ => Err(at(
            line,
            format!("field {field}: must be a finite number, got {}", shown(s)),
        )),
    }
}

/// An optional number field: empty (no value, drawn as a gap) or finite and not negative
/// beyond rounding. `NaN` stands for "empty" in the parsed series.
pub(crate) fn level(line: usize, field: &str, s: &str) -> Result<f64, Problem> {
    if s.is_empty() {
        return Ok(f64::NAN);
    }
    number(line, field, s, -ROUNDING).map(|v| v.max(0.0))
}

/// A name field: letters, digits, `_` and `-` only (what scenario names allow), at most
/// [`MAX_NAME`] characters; empty only where `empty_ok`.
pub(crate) fn name(line: usize, field: &str, s: &str, empty_ok: bool) -> Result<(), Problem> {
    let ok = (empty_ok || !s.is_empty())
        && s.chars().count() <= MAX_NAME
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(at(
            line,
            format!(
                "field {field}: must be a name of letters, digits, '_' and '-' (at most {MAX_NAME}){}, got {}",
                if empty_ok { " or empty" } else { "" },
                shown(s)
            ),
        ))
    }
}

/// Checks the min <= mean <= max order of a row (each rounded to six decimals when written).
pub(crate) fn ordered(line: usize, mean: f64, lo: f64, hi: f64) -> Result<(), Problem> {
    let slack = |a: f64, b: f64| ROUNDING * a.abs().max(b.abs()).max(1.0);
    let bad = |what: &str| at(line, format!("fields min, mean, max: {what}"));
    if lo.is_finite() && hi.is_finite() && lo > hi + slack(lo, hi) {
        return Err(bad("min is larger than max"));
    }
    if mean.is_finite() && lo.is_finite() && mean < lo - slack(mean, lo) {
        return Err(bad("mean is below min"));
    }
    if mean.is_finite() && hi.is_finite() && mean > hi + slack(mean, hi) {
        return Err(bad("mean is above max"));
    }
    Ok(())
}

/// Checks that a row's interval follows the previous row of its series (which ended at
/// `previous_end`): it starts at or after that end.
pub(crate) fn follows(line: usize, previous_end: Option<f64>, start: f64) -> Result<(), Problem> {
    match previous_end {
        Some(prev) if start < prev => Err(at(
            line,
            format!(
                "field interval_start_min: {start} is before the end of this series' previous interval ({prev}): rows of a series must move forward in time"
            ),
        )),
        _ => Ok(()),
    }
}

/// The first line of a CSV file must be its header exactly.
pub(crate) fn expect_header(line: &str, header: &str) -> Result<(), Problem> {
    if line == header {
        Ok(())
    } else {
        Err(at(1, format!("unexpected header {}: expected {header}", shown(line))))
    }
}

/// The JSON value at a dotted `path` below `v` (`None` where a step is missing).
pub(crate) fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// A required string field, at most `max` characters and free of control characters.
pub(crate) fn text<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a str, Problem> {
    let s = get(v, path)
        .and_then(Value::as_str)
        .ok_or_else(|| json_problem(format!("field {path}: must be a string")))?;
    if s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(json_problem(format!(
            "field {path}: must be at most {max} characters without control characters, got {}",
            shown(s)
        )));
    }
    Ok(s)
}

/// A JSON name (see [`name`]) at `path`.
pub(crate) fn json_name(s: &str, path: &str, empty_ok: bool) -> Result<(), Problem> {
    name(0, path, s, empty_ok).map_err(|p| json_problem(p.message))
}

/// An optional number, named `label` in messages: absent or null gives `None`; otherwise
/// it must be finite and at least `min`.
pub(crate) fn opt_number(x: Option<&Value>, label: &str, min: f64) -> Result<Option<f64>, Problem> {
    match x {
        None | Some(Value::Null) => Ok(None),
        Some(x) => match x.as_f64() {
            Some(f) if f.is_finite() && f >= min => Ok(Some(f)),
            _ => Err(json_problem(format!(
                "field {label}: must be a finite number{}, got {}",
                if min == 0.0 { " of at least 0" } else { "" },
                shown(&x.to_string())
            ))),
        },
    }
}

/// The keys of the object at `path` (none when absent), each checked as a name.
pub(crate) fn keys(v: &Value, path: &str) -> Result<BTreeSet<String>, Problem> {
    match get(v, path) {
        None | Some(Value::Null) => Ok(BTreeSet::new()),
        Some(Value::Object(m)) => m
            .keys()
            .map(|k| json_name(k, &format!("{path}.{k}"), false).map(|_| k.clone()))
            .collect(),
        Some(_) => Err(json_problem(format!("field {path}: must be an object"))),
    }
}

pub(crate) fn parse_json(text: &str) -> Result<Value, Problem> {
    let v: Value = serde_json::from_str(text).map_err(|e| Problem {
        line: Some(e.line()),
        message: format!("not valid JSON: {e}"),
    })?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(json_problem("must hold a JSON object".into()))
    }
}
