//! A `servers` stage's lanes over the week: `servers` around the clock, overridden by the
//! `schedule` windows.

use super::keys::{Invalid, KeyPath};
use super::limits;
use crate::date::parse_hhmm;
use crate::model::Schedule;
use crate::scenario::format::{Days, StageSection, WindowSection};

/// The weekly schedule of a `servers` stage at `path`.
pub(super) fn servers(s: &StageSection, path: &KeyPath) -> Result<Schedule, Invalid> {
    if s.servers.is_none() && s.schedule.is_empty() {
        return Err(path
            .child("servers")
            .invalid("a `servers` stage needs `servers` (lanes open around the clock) or a `schedule`"));
    }
    let base = s.servers.unwrap_or(0);
    if base > limits::SERVERS {
        return Err(path
            .child("servers")
            .invalid(format!("must be at most {}, got {base}", limits::SERVERS)));
    }
    let mut windows = Vec::new();
    for (i, w) in s.schedule.iter().enumerate() {
        window(w, &path.child("schedule").child(&i.to_string()), &mut windows)?;
    }
    let sched = Schedule::from_windows(base, &windows);
    if sched.max() == 0 {
        return Err(path
            .child("servers")
            .invalid("the stage never opens: at least one server must be open at some time"));
    }
    Ok(sched)
}

/// Adds window `w` (at `wp`) to `windows` as (start, end, servers) in minutes of the week,
/// once per day it names.
fn window(w: &WindowSection, wp: &KeyPath, windows: &mut Vec<(u32, u32, u32)>) -> Result<(), Invalid> {
    if w.servers > limits::SERVERS {
        return Err(wp
            .child("servers")
            .invalid(format!("must be at most {}", limits::SERVERS)));
    }
    let from = parse_hhmm(&w.from).filter(|&m| m < 1440).ok_or_else(|| {
        wp.child("from")
            .invalid(format!("`{}` is not a time: use \"HH:MM\" from 00:00 to 23:59", w.from))
    })?;
    let to = parse_hhmm(&w.to).ok_or_else(|| {
        wp.child("to")
            .invalid(format!("`{}` is not a time: use \"HH:MM\" from 00:00 to 24:00", w.to))
    })?;
    if to == from {
        return Err(wp
            .child("to")
            .invalid("must differ from `from` (use 00:00 to 24:00 for a whole day)"));
    }
    let len = if to > from { to - from } else { to + 1440 - from };
    for d in parse_days(&w.days).map_err(|e| wp.child("days").invalid(e))? {
        windows.push((d * 1440 + from, d * 1440 + from + len, w.servers));
    }
    Ok(())
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Days of week (Monday = 0) named by a window's `days`.
fn parse_days(days: &Days) -> Result<Vec<u32>, String> {
    let allowed =
        "allowed are `all`, `weekdays`, `weekend`, a day (`mon` … `sun`), a range like `mon-fri`, or a list of days";
    let day = |s: &str| {
        DAY_NAMES
            .iter()
            .position(|d| *d == s.to_ascii_lowercase())
            .map(|d| d as u32)
            .ok_or_else(|| format!("`{s}` is not a day: {allowed}"))
    };
    let one = |s: &str| -> Result<Vec<u32>, String> {
        match s {
            "all" => Ok((0..7).collect()),
            "weekdays" => Ok((0..5).collect()),
            "weekend" => Ok(vec![5, 6]),
            _ => match s.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    Ok((0..7)
                        .map(|i| (a + i) % 7)
                        .take(((b + 7 - a) % 7 + 1) as usize)
                        .collect())
                }
                None => Ok(vec![day(s)?]),
            },
        }
    };
    match days {
        Days::One(s) => one(s),
        Days::List(list) if list.is_empty() => Err(format!("the list of days is empty: {allowed}")),
        Days::List(list) => {
            let mut out = Vec::new();
            for s in list {
                out.extend(one(s)?);
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges() {
        assert_eq!(parse_days(&Days::One("mon-fri".into())).unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(parse_days(&Days::One("sat-mon".into())).unwrap(), vec![5, 6, 0]);
        assert_eq!(
            parse_days(&Days::List(vec!["sun".into(), "Wed".into()])).unwrap(),
            vec![6, 2]
        );
        assert!(parse_days(&Days::One("funday".into())).is_err());
    }
}
