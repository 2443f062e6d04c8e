//! The run loop: pop the next event, hand it to the process, stop at the horizon.

use super::calendar::{Calendar, Prioritised, Time};

/// Anything driven by events. The engine owns the loop and the clock; the process owns the
/// meaning of its events. Generic rather than a trait object so the loop is monomorphised
/// and the event dispatch is a plain `match` in the process.
pub trait Process {
    /// The event payload: usually a small `Copy` enum.
    type Event: Prioritised + Copy;

    /// Reacts to one event at time `now`, possibly scheduling more on `calendar`.
    fn handle(&mut self, now: Time, event: Self::Event, calendar: &mut Calendar<Self::Event>);

    /// True when the process wants the run to stop now (e.g. it has outgrown a memory
    /// bound). Checked after every event.
    fn halted(&self) -> bool {
        false
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The next event lay beyond the horizon; the clock was set to the horizon.
    Horizon,
    /// No event was left before the horizon was reached.
    Exhausted,
    /// The process asked to stop; the clock stays at the last event.
    Halted,
}

/// Runs `process` until the calendar is empty or the next event lies after `horizon`.
/// Events at exactly `horizon` still run. Returns the number of events handled and why it
/// stopped.
pub fn run<P: Process>(process: &mut P, calendar: &mut Calendar<P::Event>, horizon: Time) -> (u64, Stop) {
    let mut handled = 0u64;
    while let Some((now, event)) = calendar.pop_due(horizon) {
        process.handle(now, event, calendar);
        handled += 1;
        if process.halted() {
            return (handled, Stop::Halted);
        }
    }
    let stop = if calendar.is_empty() {
        Stop::Exhausted
    } else {
        Stop::Horizon
    };
    calendar.advance_to(horizon);
    (handled, stop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::calendar::Prioritised;

    /// The ticker's only event.
    #[derive(Debug, Clone, Copy)]
    struct Tick;

    impl Prioritised for Tick {
        fn priority(&self) -> u8 {
            0
        }
    }

    /// A counter that re-schedules itself every `step` minutes.
    struct Ticker {
        step: Time,
        seen: Vec<Time>,
    }

    impl Process for Ticker {
        type Event = Tick;
        fn handle(&mut self, now: Time, _: Tick, cal: &mut Calendar<Tick>) {
            self.seen.push(now);
            cal.schedule_in(self.step, Tick);
        }
    }

    #[test]
    fn stops_at_horizon_inclusive() {
        let mut t = Ticker {
            step: 1.0,
            seen: vec![],
        };
        let mut cal = Calendar::default();
        cal.schedule(0.0, Tick);
        let (n, stop) = run(&mut t, &mut cal, 3.0);
        assert_eq!(n, 4);
        assert_eq!(stop, Stop::Horizon);
        assert_eq!(t.seen, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(cal.now(), 3.0);
    }

    #[test]
    fn empty_calendar_exhausts() {
        let mut t = Ticker {
            step: 1.0,
            seen: vec![],
        };
        let mut cal = Calendar::default();
        assert_eq!(run(&mut t, &mut cal, 10.0), (0, Stop::Exhausted));
        assert_eq!(cal.now(), 10.0);
    }
}
