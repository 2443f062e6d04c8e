//! The observation window cut into calendar hours: each hour is a cell with its hour of
//! day, weekday and month, the minutes of it the window covers (its exposure) and the
//! arrivals in it. The fit works on these cells summed into the 24 × 7 × 12 table of
//! (hour, weekday, month), whose exposure counts how often the window holds each one: a
//! 10-day window has three weekdays twice.

use super::Window;
use crate::date::StartInstant;

/// Cells of the (hour, weekday, month) table.
pub(super) const CELLS: usize = 24 * 7 * 12;

/// Levels of all three profiles side by side: hours 0-23, weekdays 24-30, months 31-42, so
/// that one loop serves every profile.
pub(super) const LEVELS: usize = 24 + 7 + 12;

/// Where each profile's levels start among the [`LEVELS`], and how many it has.
pub(super) const PROFILES: [(usize, usize); 3] = [(0, 24), (24, 7), (31, 12)];

/// The table cell of hour `h`, weekday `d` (Monday 0) and month `m` (January 0).
pub(super) fn cell(h: usize, d: usize, m: usize) -> usize {
    h + 24 * (d + 7 * m)
}

/// The three levels (one per profile) of table cell `c`.
pub(super) fn levels(c: usize) -> [usize; 3] {
    [c % 24, 24 + (c / 24) % 7, 31 + c / (24 * 7)]
}

/// One calendar hour of the window.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hour {
    /// Its cell of the table.
    pub cell: usize,
    /// Minutes of it inside the window (60 but at a window edge that is not on the hour).
    pub exposure: f64,
    /// Arrivals in it.
    pub count: f64,
    /// Calendar day of the window it falls on, 0 first.
    pub day: usize,
}

/// The window's hours and their sums into the table.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    /// Every hour of the window, in time order.
    pub hours: Vec<Hour>,
    /// Minutes of exposure of each table cell.
    pub exposure: Vec<f64>,
    /// Arrivals in each table cell.
    pub count: Vec<f64>,
    /// Calendar days the window touches.
    pub days: usize,
    /// Arrivals inside the window.
    pub inside: usize,
}

impl Grid {
    /// Cuts `window` into hours and counts the `times` (minutes from `start`) inside it;
    /// times outside the window are not counted.
    pub fn new(times: &[f64], start: &StartInstant, window: Window) -> Self {
        let mut hours = Vec::new();
        let first_hour = start.abs_hour(window.from);
        let first_day = first_hour.div_euclid(24);
        let mut t = window.from;
        while t < window.to {
            let next = start.next_hour_after(t).min(window.to);
            let day = (start.abs_hour(t).div_euclid(24) - first_day) as usize;
            let c = cell(start.hour_of_day(t), start.weekday(t), start.month0(t));
            hours.push(Hour {
                cell: c,
                exposure: next - t,
                count: 0.0,
                day,
            });
            t = next;
        }
        let mut inside = 0;
        for &x in times.iter().filter(|x| (window.from..window.to).contains(*x)) {
            let i = (start.abs_hour(x) - first_hour) as usize;
            hours[i].count += 1.0;
            inside += 1;
        }
        let (mut exposure, mut count) = (vec![0.0; CELLS], vec![0.0; CELLS]);
        for h in &hours {
            exposure[h.cell] += h.exposure;
            count[h.cell] += h.count;
        }
        let days = hours.last().map_or(0, |h| h.day + 1);
        Self {
            hours,
            exposure,
            count,
            days,
            inside,
        }
    }

    /// Leaves out the hours of the months marked in `drop` (January first): cells the
    /// fit must not see. Returns the arrivals left out.
    pub fn drop_months(&mut self, drop: &[bool; 12]) -> usize {
        let mut dropped = 0.0;
        for h in self.hours.iter_mut().filter(|h| drop[levels(h.cell)[2] - 31]) {
            dropped += h.count;
            h.exposure = 0.0;
            h.count = 0.0;
        }
        for c in (0..CELLS).filter(|c| drop[levels(*c)[2] - 31]) {
            self.exposure[c] = 0.0;
            self.count[c] = 0.0;
        }
        self.inside -= dropped as usize;
        dropped as usize
    }

    /// Minutes of exposure of each of the [`LEVELS`].
    pub fn level_exposure(&self) -> [f64; LEVELS] {
        let mut e = [0.0; LEVELS];
        for (c, x) in self.exposure.iter().enumerate() {
            for l in levels(c) {
                e[l] += x;
            }
        }
        e
    }

    /// Arrivals in each of the [`LEVELS`].
    pub fn level_count(&self) -> [f64; LEVELS] {
        let mut n = [0.0; LEVELS];
        for (c, x) in self.count.iter().enumerate() {
            for l in levels(c) {
                n[l] += x;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ten_day_window_holds_three_weekdays_twice() {
        // 2024-01-01 is a Monday: ten days hold Monday to Wednesday twice.
        let start = StartInstant::parse("2024-01-01").unwrap();
        let g = Grid::new(
            &[30.0, 61.0, 14_399.0],
            &start,
            Window {
                from: 0.0,
                to: 14_400.0,
            },
        );
        assert_eq!(g.hours.len(), 240);
        assert_eq!(g.days, 10);
        let e = g.level_exposure();
        let days: Vec<f64> = e[24..31].iter().map(|m| m / 1440.0).collect();
        assert_eq!(days, [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(e[31], 14_400.0);
        assert_eq!(e[0], 600.0);
        let n = g.level_count();
        assert_eq!((n[0], n[1], n[23], n[24 + 2]), (1.0, 1.0, 1.0, 1.0));
        assert_eq!(g.inside, 3);
    }

    #[test]
    fn a_window_off_the_hour_exposes_part_of_its_edge_hours() {
        let start = StartInstant::parse("2024-01-31T23:00").unwrap();
        let g = Grid::new(&[10.0, 200.0], &start, Window { from: 30.0, to: 150.0 });
        let e: Vec<f64> = g.hours.iter().map(|h| h.exposure).collect();
        assert_eq!(e, [30.0, 60.0, 30.0]);
        // 23:30 on 31 January, then 1 February; neither arrival is inside.
        assert_eq!(levels(g.hours[0].cell), [23, 24 + 2, 31]);
        assert_eq!(levels(g.hours[1].cell), [0, 24 + 3, 32]);
        assert_eq!(g.inside, 0);
        assert_eq!(g.days, 2);
    }
}
