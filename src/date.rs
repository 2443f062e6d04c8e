//! Calendar dates for the simulation clock, without a date-time dependency. A leaf module:
//! it imports nothing of the crate, so the engine, the model and the report layer can all
//! use it without depending on each other.
//!
//! The clock counts minutes from a start instant; hour-of-day, day-of-week and month
//! profiles need to know which calendar minute a simulation time falls on. Proleptic
//! Gregorian calendar, no time zones, no leap seconds.

/// Minutes from the start instant: the engine's clock time (`engine::Time`), named here
/// without importing the engine, so this module stays a leaf every layer may use.
type Time = f64;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    /// Year, e.g. 2025.
    pub year: i32,
    /// Month 1-12.
    pub month: u32,
    /// Day of month 1-31.
    pub day: u32,
}

/// Days since 1970-01-01 for a civil date (H. Hinnant's algorithm).
pub fn days_from_civil(d: CivilDate) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> CivilDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    CivilDate { year, month, day }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The wall-clock instant at which simulation time zero falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartInstant {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Minute of that day, 0-1439.
    pub minute: u32,
}

impl Default for StartInstant {
    /// 2025-01-01 00:00, a Wednesday: an arbitrary but fixed default so profiles work even
    /// when a scenario gives no date.
    fn default() -> Self {
        Self {
            day: days_from_civil(CivilDate {
                year: 2025,
                month: 1,
                day: 1,
            }),
            minute: 0,
        }
    }
}

impl StartInstant {
    /// Minutes from this instant to `later` (negative when `later` is earlier): where a
    /// date written in a scenario falls on the simulation clock that starts here.
    pub fn minutes_until(&self, later: &StartInstant) -> f64 {
        (later.day - self.day) as f64 * 1440.0 + f64::from(later.minute) - f64::from(self.minute)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a date: expected \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM\"");
        let (date, time) = match s.find(['T', ' ']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let mut parts = date.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
            return Err(bad());
        };
        let year = year as i32;
        if !(1900..=2200).contains(&year) {
            return Err(format!("`{s}`: the year must be between 1900 and 2200"));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("`{s}` is not a valid calendar date"));
        }
        let minute = match time {
            None => 0,
            Some(t) => parse_hhmm(t).filter(|&m| m < 1440).ok_or_else(bad)?,
        };
        Ok(Self {
            day: days_from_civil(CivilDate { year, month, day }),
            minute,
        })
    }

    /// Absolute minute (since 1970-01-01 00:00) of simulation time `t`.
    #[inline]
    fn abs_minute(&self, t: Time) -> i64 {
        self.day * 1440 + i64::from(self.minute) + t.floor() as i64
    }

    /// Calendar hour containing time `t`, counted from 1970-01-01 00:00: profiles are
    /// constant within one, so a rate can be cached per hour.
    #[inline]
    pub fn abs_hour(&self, t: Time) -> i64 {
        self.abs_minute(t).div_euclid(60)
    }

    /// Minute of the week of time `t`, Monday 00:00 = 0. Used by weekly lane schedules.
    #[inline]
    pub fn minute_of_week(&self, t: Time) -> u32 {
        // 1970-01-01 was a Thursday, three days after a Monday.
        (self.abs_minute(t) + 3 * 1440).rem_euclid(7 * 1440) as u32
    }

    /// Hour of day 0-23 of time `t`.
    #[inline]
    pub fn hour_of_day(&self, t: Time) -> usize {
        (self.abs_minute(t).rem_euclid(1440) / 60) as usize
    }

    /// Day of week of time `t`, Monday = 0 … Sunday = 6.
    #[inline]
    pub fn weekday(&self, t: Time) -> usize {
        (self.minute_of_week(t) / 1440) as usize
    }

    /// Month of time `t`, January = 0 … December = 11.
    #[inline]
    pub fn month0(&self, t: Time) -> usize {
        (civil_from_days(self.abs_minute(t).div_euclid(1440)).month - 1) as usize
    }

    /// Simulation time of the next full hour strictly after `t`.
    #[inline]
    pub fn next_hour_after(&self, t: Time) -> Time {
        let abs = self.abs_minute(t);
        let next = (abs.div_euclid(60) + 1) * 60;
        t.floor() + (next - abs) as f64
    }

    /// `YYYY-MM-DDTHH:MM` of time `t`, for time-series rows.
    pub fn format(&self, t: Time) -> String {
        let abs = self.abs_minute(t);
        let d = civil_from_days(abs.div_euclid(1440));
        let m = abs.rem_euclid(1440);
        format!("{:04}-{:02}-{:02}T{:02}:{:02}", d.year, d.month, d.day, m / 60, m % 60)
    }
}

/// Exactly `n` ASCII digits as a number, or `None`: stricter than `str::parse`, which also
/// takes a sign (`+9`), so that only the documented fixed-width forms are read.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
}

/// Parses `HH:MM` into minutes; `24:00` is allowed and gives 1440.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let (h, m) = (digits(h, 2)?, digits(m, 2)?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_days() {
        for z in [-1000, 0, 1, 19_000, 20_089, 30_000] {
            assert_eq!(days_from_civil(civil_from_days(z)), z);
        }
        assert_eq!(
            civil_from_days(0),
            CivilDate {
                year: 1970,
                month: 1,
                day: 1
            }
        );
    }

    #[test]
    fn weekday_and_month_of_known_dates() {
        // 2024-01-01 was a Monday; 2025-05-01 a Thursday.
        let s = StartInstant::parse("2024-01-01").unwrap();
        assert_eq!(s.weekday(0.0), 0);
        assert_eq!(s.month0(0.0), 0);
        assert_eq!(s.weekday(6.0 * 1440.0 + 1439.0), 6);
        let may = StartInstant::parse("2025-05-01T08:30").unwrap();
        assert_eq!(may.weekday(0.0), 3);
        assert_eq!(may.hour_of_day(0.0), 8);
        assert_eq!(may.month0(0.0), 4);
        assert_eq!(may.format(90.0), "2025-05-01T10:00");
        assert_eq!(may.next_hour_after(0.0), 30.0);
        // 2024 is a leap year: day 59 is Feb 29, day 60 is Mar 1.
        assert_eq!(s.month0(59.0 * 1440.0), 1);
        assert_eq!(s.month0(60.0 * 1440.0), 2);
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "25-01-01",
            "2025-01-01T25:00",
            "yesterday",
            "",
        ] {
            assert!(StartInstant::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("8:30"), None);
    }

    #[test]
    fn signs_and_spaces_are_not_digits() {
        // str::parse takes a leading sign; the audit found "+9:00" read as 09:00.
        for bad in ["+9:00", "+7:+0", "-1:00", " 9:00", "09: 0", "0x:00", "٠٩:٠٠"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        for bad in [
            "2023-+1-+1",
            "+023-01-01",
            "2023-01-+1",
            "2023-01-01T+9:00",
            "2023-01-01T09:00 ",
        ] {
            assert!(StartInstant::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Strictness as a property: whatever string is accepted is exactly the canonical
        /// text of what it was read as, so no other spelling can slip through.
        #[test]
        fn accepted_text_is_canonical(
            s in "[+ ]?[0-9]{1,4}-[+ ]?[0-9]{1,2}-[+ ]?[0-9]{1,2}([T ][+ ]?[0-9]{1,2}:[+ ]?[0-9]{1,2})?"
        ) {
            if let Ok(st) = StartInstant::parse(&s) {
                let canon = st.format(0.0);
                let ok = canon == s.replacen(' ', "T", 1) || canon == format!("{s}T00:00");
                proptest::prop_assert!(ok, "{s:?} read as {canon}");
            }
            if let Some((_, t)) = s.split_once(['T', ' '])
                && let Some(m) = parse_hhmm(t)
            {
                proptest::prop_assert_eq!(format!("{:02}:{:02}", m / 60, m % 60), t);
            }
        }
    }
}
