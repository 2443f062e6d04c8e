//! A stage's capacity over time: the weekly schedule, dated periods that override it, and
//! lanes out of service, answered in one place.
//!
//! Every source of capacity change asks the same timeline, so none can erase another: a
//! weekly boundary recomputes the open count from the schedule *and* the dated periods *and*
//! the lanes out of service, instead of overwriting what a dated change or a breakdown set.

use super::schedule::Schedule;
use crate::date::StartInstant;
use crate::engine::Time;

/// What a dated period sets on a stage while it lasts. `None` leaves that quantity to the
/// weekly schedule (servers) or to the stage's own setting (reserved lanes, daily quota).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Setting {
    /// Servers open (0 closes the stage's lanes).
    pub servers: Option<u32>,
    /// Lanes reserved for the green channel.
    pub reserved: Option<u32>,
    /// Daily quota of clearance starts (`Some(u32::MAX)` lifts the stage's quota).
    pub daily_cap: Option<u32>,
    /// Room in the stage (`Some(u32::MAX)` for unlimited).
    pub capacity: Option<u32>,
    /// No clearance starts at all (a closed port), whatever the stage's kind.
    pub closed: bool,
}

/// One dated period `[from, to)` in minutes from the start of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    /// First minute of the period.
    pub from: Time,
    /// First minute after it (`f64::INFINITY` for "from then on").
    pub to: Time,
    /// What holds during it.
    pub set: Setting,
}

impl Period {
    fn covers(&self, t: Time) -> bool {
        self.from <= t && t < self.to
    }
}

/// The capacity of one stage over the run, as the model was built. Later periods win where
/// periods overlap, as later schedule windows do.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Servers over the week.
    pub weekly: Schedule,
    /// Reserved lanes outside any period.
    pub reserved: u32,
    /// Daily quota outside any period (`u32::MAX` for none).
    pub daily_cap: u32,
    /// Room in the stage outside any period (`u32::MAX` for unlimited).
    pub room: u32,
    /// Dated periods, in the order they were given.
    pub periods: Vec<Period>,
}

/// Capacity of a stage at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Servers open, after lanes out of service.
    pub open: u32,
    /// Lanes reserved for the green channel.
    pub reserved: u32,
    /// Daily quota of clearance starts (`u32::MAX` for none).
    pub daily_cap: u32,
    /// Room in the stage, waiting and in service (`u32::MAX` for unlimited).
    pub room: u32,
    /// No clearance may start (a closed port).
    pub closed: bool,
}

impl Timeline {
    /// A timeline with no dated periods: the weekly schedule alone.
    pub fn weekly(weekly: Schedule) -> Self {
        Self {
            weekly,
            reserved: 0,
            daily_cap: u32::MAX,
            room: u32::MAX,
            periods: Vec::new(),
        }
    }

    /// True when nothing ever changes, so no capacity events are needed.
    pub fn is_constant(&self) -> bool {
        self.weekly.is_constant() && self.periods.is_empty()
    }

    /// The capacity at `t` with `down` lanes out of service.
    pub fn at(&self, start: &StartInstant, t: Time, down: u32) -> Capacity {
        let mut servers = None;
        let mut reserved = self.reserved;
        let mut daily_cap = self.daily_cap;
        let mut room = self.room;
        let mut closed = false;
        for p in self.periods.iter().filter(|p| p.covers(t)) {
            servers = p.set.servers.or(servers);
            reserved = p.set.reserved.unwrap_or(reserved);
            daily_cap = p.set.daily_cap.unwrap_or(daily_cap);
            room = p.set.capacity.unwrap_or(room);
            closed |= p.set.closed;
        }
        let scheduled = servers.unwrap_or_else(|| self.weekly.at(start.minute_of_week(t)));
        Capacity {
            open: if closed { 0 } else { scheduled.saturating_sub(down) },
            reserved,
            daily_cap,
            room,
            closed,
        }
    }

    /// The first time after `t` at which the capacity may change, if any.
    pub fn next_change(&self, start: &StartInstant, t: Time) -> Option<Time> {
        // Weekly boundaries fall on whole minutes from a whole-minute start.
        let weekly = self
            .weekly
            .minutes_to_next_change(start.minute_of_week(t))
            .map(|dt| t.floor() + f64::from(dt));
        let dated = self
            .periods
            .iter()
            .flat_map(|p| [p.from, p.to])
            .filter(|&b| b > t && b.is_finite())
            .fold(None, |m: Option<Time>, b| Some(m.map_or(b, |m| m.min(b))));
        match (weekly, dated) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// True when the stage has a daily quota at some time, so midnights matter.
    pub fn has_quota(&self) -> bool {
        self.daily_cap != u32::MAX
            || self
                .periods
                .iter()
                .any(|p| p.set.daily_cap.is_some_and(|c| c != u32::MAX))
    }

    /// The most room the stage ever has (`u32::MAX` for unlimited).
    pub fn max_room(&self) -> u32 {
        self.periods
            .iter()
            .filter_map(|p| p.set.capacity)
            .fold(self.room, u32::max)
    }

    /// The most servers the stage ever has open.
    pub fn max_servers(&self) -> u32 {
        self.periods
            .iter()
            .filter_map(|p| p.set.servers)
            .fold(self.weekly.max(), u32::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> StartInstant {
        StartInstant::parse("2025-01-06").unwrap()
    }

    fn day_lanes() -> Timeline {
        // 4 lanes 08:00-20:00 every day, 1 at night.
        let windows: Vec<_> = (0..7).map(|d| (d * 1440 + 480, d * 1440 + 1200, 4)).collect();
        Timeline::weekly(Schedule::from_windows(1, &windows))
    }

    #[test]
    fn a_weekly_boundary_does_not_erase_a_dated_closure() {
        let mut tl = day_lanes();
        // Closed from day 1 08:00 for two days.
        tl.periods.push(Period {
            from: 1440.0 + 480.0,
            to: 3.0 * 1440.0 + 480.0,
            set: Setting {
                servers: Some(0),
                ..Setting::default()
            },
        });
        let s = start();
        assert_eq!(tl.at(&s, 600.0, 0).open, 4);
        assert_eq!(tl.at(&s, 1440.0 + 480.0, 0).open, 0);
        // Day 1 20:00 and day 2 08:00 are weekly boundaries inside the closure.
        assert_eq!(tl.at(&s, 1440.0 + 1200.0, 0).open, 0);
        assert_eq!(tl.at(&s, 2.0 * 1440.0 + 480.0, 0).open, 0);
        assert_eq!(tl.at(&s, 3.0 * 1440.0 + 480.0, 0).open, 4);
        assert_eq!(tl.next_change(&s, 1440.0 + 1199.0), Some(1440.0 + 1200.0));
        assert_eq!(tl.next_change(&s, 1440.0), Some(1440.0 + 480.0));
    }

    #[test]
    fn lanes_out_of_service_come_off_whatever_is_scheduled() {
        let tl = day_lanes();
        let s = start();
        assert_eq!(tl.at(&s, 600.0, 1).open, 3);
        assert_eq!(tl.at(&s, 0.0, 1).open, 0);
        assert_eq!(tl.at(&s, 0.0, 5).open, 0);
    }

    #[test]
    fn dated_reserved_lanes_and_quota_hold_only_in_their_period() {
        let mut tl = Timeline::weekly(Schedule::constant(2));
        tl.daily_cap = 650;
        tl.periods.push(Period {
            from: 7200.0,
            to: f64::INFINITY,
            set: Setting {
                reserved: Some(1),
                daily_cap: Some(1200),
                ..Setting::default()
            },
        });
        let s = start();
        assert!(!tl.is_constant());
        let before = tl.at(&s, 7199.0, 0);
        assert_eq!((before.open, before.reserved, before.daily_cap), (2, 0, 650));
        let after = tl.at(&s, 7200.0, 0);
        assert_eq!((after.open, after.reserved, after.daily_cap), (2, 1, 1200));
        assert_eq!(tl.next_change(&s, 0.0), Some(7200.0));
        assert_eq!(tl.next_change(&s, 7200.0), None, "an open-ended period never ends");
    }

    #[test]
    fn the_later_period_wins_where_two_overlap() {
        let mut tl = Timeline::weekly(Schedule::constant(3));
        for (from, to, n) in [(100.0, 300.0, 1), (200.0, 400.0, 5)] {
            tl.periods.push(Period {
                from,
                to,
                set: Setting {
                    servers: Some(n),
                    ..Setting::default()
                },
            });
        }
        let s = start();
        let open: Vec<u32> = [50.0, 150.0, 250.0, 350.0, 450.0]
            .iter()
            .map(|&t| tl.at(&s, t, 0).open)
            .collect();
        assert_eq!(open, vec![3, 1, 5, 5, 3]);
        assert_eq!(tl.max_servers(), 5);
    }

    #[test]
    fn weekly_changes_match_the_schedule_from_any_minute() {
        let tl = day_lanes();
        let s = start();
        assert_eq!(tl.next_change(&s, 0.0), Some(480.0));
        assert_eq!(tl.next_change(&s, 480.0), Some(1200.0));
        // From a moment between minutes, the boundary still falls on the whole minute.
        assert_eq!(tl.next_change(&s, 479.5), Some(480.0));
    }
}
