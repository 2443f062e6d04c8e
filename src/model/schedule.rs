//! Weekly opening schedules: how many servers a stage has open at each minute of the week.

/// Minutes in a week.
pub const WEEK: u32 = 7 * 1440;

/// A piecewise-constant weekly level. `segments` start at minute-of-week 0 and are sorted;
/// consecutive segments always differ, so each boundary is a real change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    segments: Vec<(u32, u32)>,
}

impl Schedule {
    /// The same number of servers around the clock.
    pub fn constant(servers: u32) -> Self {
        Self {
            segments: vec![(0, servers)],
        }
    }

    /// Builds a schedule from a base level and overriding windows `(from, to, servers)` in
    /// minutes of the week (`to` may exceed `WEEK` to wrap past Sunday midnight). Later
    /// windows override earlier ones where they overlap.
    pub fn from_windows(base: u32, windows: &[(u32, u32, u32)]) -> Self {
        let mut minute = vec![base; WEEK as usize];
        for &(from, to, n) in windows {
            for m in from..to {
                minute[(m % WEEK) as usize] = n;
            }
        }
        let mut segments: Vec<(u32, u32)> = Vec::new();
        for (m, &n) in minute.iter().enumerate() {
            if segments.last().is_none_or(|&(_, last)| last != n) {
                segments.push((m as u32, n));
            }
        }
        Self { segments }
    }

    /// True when the level never changes, so no schedule events are needed.
    pub fn is_constant(&self) -> bool {
        self.segments.len() == 1
    }

    /// Servers open at minute-of-week `mow`.
    pub fn at(&self, mow: u32) -> u32 {
        let i = self.segments.partition_point(|&(s, _)| s <= mow);
        self.segments[i.saturating_sub(1)].1
    }

    /// Minutes from `mow` to the next change of level, or `None` for a constant schedule.
    pub fn minutes_to_next_change(&self, mow: u32) -> Option<u32> {
        if self.is_constant() {
            return None;
        }
        let i = self.segments.partition_point(|&(s, _)| s <= mow);
        let next = match self.segments.get(i) {
            Some(&(s, _)) => s,
            // Wrap: the first segment boundary that changes the level next week. Segment 0
            // starts at 0; it is a change only if the last segment differs from it.
            None if self.segments[0].1 != self.segments[self.segments.len() - 1].1 => WEEK,
            None => WEEK + self.segments[1].0,
        };
        Some(next - mow)
    }

    /// Highest level over the week: what the stage can ever open.
    pub fn max(&self) -> u32 {
        self.segments.iter().map(|s| s.1).max().unwrap_or(0)
    }

    /// Average open servers over a week.
    pub fn mean(&self) -> f64 {
        let mut total = 0u64;
        for (i, &(s, n)) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map_or(WEEK, |x| x.0);
            total += u64::from(end - s) * u64::from(n);
        }
        total as f64 / f64::from(WEEK)
    }

    /// The segments, for describing the schedule in words.
    pub fn segments(&self) -> &[(u32, u32)] {
        &self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daytime_lanes_with_night_shift() {
        // 10 lanes 08:00-20:00 every day, 2 at night.
        let windows: Vec<_> = (0..7).map(|d| (d * 1440 + 480, d * 1440 + 1200, 10)).collect();
        let s = Schedule::from_windows(2, &windows);
        assert_eq!(s.at(0), 2);
        assert_eq!(s.at(480), 10);
        assert_eq!(s.at(1199), 10);
        assert_eq!(s.at(1200), 2);
        assert_eq!(s.minutes_to_next_change(0), Some(480));
        assert_eq!(s.minutes_to_next_change(480), Some(720));
        // Sunday 20:00 -> next change is Monday 08:00 of next week.
        assert_eq!(s.minutes_to_next_change(6 * 1440 + 1200), Some(720));
        assert_eq!(s.max(), 10);
        assert!((s.mean() - 6.0).abs() < 1e-12);
    }

    #[test]
    fn wrapping_window_and_constant() {
        // Open 22:00 Sunday to 02:00 Monday only.
        let s = Schedule::from_windows(0, &[(6 * 1440 + 1320, 6 * 1440 + 1560, 3)]);
        assert_eq!(s.at(60), 3);
        assert_eq!(s.at(120), 0);
        assert_eq!(s.minutes_to_next_change(60), Some(60));
        assert_eq!(s.minutes_to_next_change(6 * 1440 + 1330), Some(110 + 120));
        let c = Schedule::constant(4);
        assert!(c.is_constant());
        assert_eq!(c.minutes_to_next_change(100), None);
        // A schedule whose last and first segments are equal wraps to the second boundary.
        let s2 = Schedule::from_windows(1, &[(600, 700, 5)]);
        assert_eq!(s2.minutes_to_next_change(800), Some(WEEK + 600 - 800));
    }
}
