//! The `time` column of a gate log: minutes from the scenario start, or a calendar
//! date-time. Strict fixed-width forms, as the scenario's own dates are read, so that a
//! day-month swap or a time zone suffix is refused rather than misread.

use crate::date::{CivilDate, StartInstant, civil_from_days, days_from_civil, parse_hhmm};

/// When one consignment arrived, as the gate log writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GateTime {
    /// Minutes from the scenario's `simulation.start`, 0 or more.
    Minutes(f64),
    /// A calendar date and minute of that day (seconds as a fraction), without time zone:
    /// the wall clock of the port, as the scenario's start is.
    Civil {
        /// The calendar date.
        date: CivilDate,
        /// Minute of the day, 0 ≤ m < 1440, seconds included as a fraction.
        minute_of_day: f64,
    },
}

/// The forms `time` may take, for error messages.
pub const TIME_FORMS: &str = "minutes from the scenario start (e.g. 90 or 90.5), or a date-time YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS (a space may replace the T)";

impl GateTime {
    /// Minutes from 1970-01-01 00:00 for a date-time, or the minutes themselves: a key that
    /// orders the rows of one file (which uses one form throughout).
    pub fn order_key(&self) -> f64 {
        match *self {
            GateTime::Minutes(m) => m,
            GateTime::Civil { date, minute_of_day } => days_from_civil(date) as f64 * 1440.0 + minute_of_day,
        }
    }

    /// Minutes from `start`: a date-time is placed on the simulation clock, minutes are
    /// already on it. Negative for a date-time before the start.
    pub fn minutes_from(&self, start: &StartInstant) -> f64 {
        match *self {
            GateTime::Minutes(m) => m,
            GateTime::Civil { date, minute_of_day } => {
                (days_from_civil(date) - start.day) as f64 * 1440.0 + minute_of_day - f64::from(start.minute)
            }
        }
    }

    /// Whether this is a calendar date-time (the form a file must keep throughout).
    pub fn is_civil(&self) -> bool {
        matches!(self, GateTime::Civil { .. })
    }
}

impl std::fmt::Display for GateTime {
    /// As a planner reads it in a message: the date-time (to the minute), or the minutes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            GateTime::Minutes(m) => write!(f, "minute {m}"),
            GateTime::Civil { date, minute_of_day } => {
                let m = minute_of_day.floor() as u32;
                write!(
                    f,
                    "{:04}-{:02}-{:02}T{:02}:{:02}",
                    date.year,
                    date.month,
                    date.day,
                    m / 60,
                    m % 60
                )
            }
        }
    }
}

/// Reads one `time` field (already trimmed).
pub fn parse(s: &str) -> Result<GateTime, String> {
    if s.is_empty() {
        return Err(format!("the time is empty; a time is {TIME_FORMS}"));
    }
    if s.contains([':', 'T', ' ']) {
        return civil(s);
    }
    let bad = || format!("`{s}` is not a time; a time is {TIME_FORMS}");
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || (digits.contains('.') && frac.is_empty()) {
        return Err(bad());
    }
    let m: f64 = s.parse().map_err(|_| bad())?;
    if !m.is_finite() {
        return Err(bad());
    }
    if s.starts_with('-') {
        return Err(format!(
            "the time `{s}` is negative; minutes count from the scenario start and must be 0 or more"
        ));
    }
    Ok(GateTime::Minutes(m))
}

/// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (optionally `.fff` seconds), `T` or space.
fn civil(s: &str) -> Result<GateTime, String> {
    let bad = || format!("`{s}` is not a time; a time is {TIME_FORMS}");
    let (date, clock) = s.split_once(['T', ' ']).ok_or_else(bad)?;
    if date.len() != 10 {
        return Err(bad());
    }
    let day = StartInstant::parse(date).map_err(|e| {
        if e.contains("year") || e.contains("valid") {
            format!("{e}; a time is {TIME_FORMS}")
        } else {
            bad()
        }
    })?;
    let (hhmm, secs) = match clock.len() {
        5 => (clock, 0.0),
        n if n >= 8 && clock.as_bytes()[5] == b':' => (&clock[..5], seconds(&clock[6..]).ok_or_else(bad)?),
        _ => return Err(bad()),
    };
    let minute = parse_hhmm(hhmm).filter(|&m| m < 1440).ok_or_else(bad)?;
    Ok(GateTime::Civil {
        date: civil_from_days(day.day),
        minute_of_day: f64::from(minute) + secs / 60.0,
    })
}

/// `SS` or `SS.fff`, 00-59, as seconds.
fn seconds(s: &str) -> Option<f64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.len() != 2 || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.contains('.') && frac.is_empty() {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    (v < 60.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil_of(y: i32, mo: u32, d: u32, minute_of_day: f64) -> GateTime {
        GateTime::Civil {
            date: CivilDate {
                year: y,
                month: mo,
                day: d,
            },
            minute_of_day,
        }
    }

    #[test]
    fn reads_every_allowed_form() {
        assert_eq!(parse("0"), Ok(GateTime::Minutes(0.0)));
        assert_eq!(parse("90.5"), Ok(GateTime::Minutes(90.5)));
        assert_eq!(parse("2025-11-03T08:15"), Ok(civil_of(2025, 11, 3, 495.0)));
        assert_eq!(parse("2025-11-03 08:15"), Ok(civil_of(2025, 11, 3, 495.0)));
        assert_eq!(parse("2025-11-03T08:15:30"), Ok(civil_of(2025, 11, 3, 495.5)));
        assert_eq!(
            parse("2025-11-03 23:59:59.4"),
            Ok(civil_of(2025, 11, 3, 1439.0 + 59.4 / 60.0))
        );
    }

    #[test]
    fn refuses_other_spellings_with_the_allowed_forms() {
        for bad in [
            "",
            "abc",
            "1e3",
            "+5",
            "5.",
            ".5",
            "inf",
            "NaN",
            "2025-11-03",
            "03/11/2025 08:15",
            "2025-11-03T8:15",
            "2025-11-03T24:00",
            "2025-11-03T08:15Z",
            "2025-11-03T08:15:60",
            "2025-11-03T08:15:3",
            "2025-02-30T00:00",
            "2025-11-03T08:15:30.",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("YYYY-MM-DDTHH:MM"), "{bad}: {e}");
        }
        assert!(parse("-3").unwrap_err().contains("negative"));
    }

    #[test]
    fn places_date_times_on_the_simulation_clock() {
        let start = StartInstant::parse("2025-11-03T06:00").unwrap();
        assert_eq!(parse("2025-11-04T07:30").unwrap().minutes_from(&start), 1440.0 + 90.0);
        assert_eq!(parse("2025-11-03T05:00").unwrap().minutes_from(&start), -60.0);
        assert_eq!(parse("42").unwrap().minutes_from(&start), 42.0);
        assert_eq!(parse("2025-11-04T07:30:59").unwrap().to_string(), "2025-11-04T07:30");
        assert_eq!(parse("42.5").unwrap().to_string(), "minute 42.5");
        let a = parse("2025-12-31T23:59").unwrap().order_key();
        assert!(parse("2026-01-01T00:00").unwrap().order_key() - a == 1.0);
    }
}
