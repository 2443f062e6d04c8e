//! The event calendar: a binary min-heap ordered by (time, priority, sequence).

use super::heap::{Keyed, MinHeap};

/// An event that knows where it stands among simultaneous events: the calendar takes the
/// priority from the event itself, so no call site can pass a number that disagrees with
/// the event's kind.
pub trait Prioritised {
    /// Tie-break among events at the same time: lower runs first.
    fn priority(&self) -> u8;
}

/// Simulation time in minutes since the start of the run.
///
/// One unit everywhere (minutes) so that clearance times, rates and schedules never need
/// converting inside the hot loop.
pub type Time = f64;

/// One pending event with its ordering key packed into two integers: the time's IEEE bits
/// (which order like the times themselves for non-negative values) and the priority in the
/// top byte above a 56-bit sequence number. The heap then compares two `u64`s instead of a
/// float, a byte and a counter; popping the heap is the largest single cost in a profile of
/// the Horgos scenario, whose calendar holds hundreds of pending driver returns.
///
/// The order is SimPy's: earliest time first, then lowest priority number, then the event
/// scheduled first, so simultaneous events always run in the same order and a run is
/// reproducible.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    time: u64,
    rank: u64,
    event: E,
}

impl<E: Copy> Keyed for Entry<E> {
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.rank)
    }
}

/// The future event list plus the clock.
///
/// The clock only moves forward: it is set to the time of each event as it is popped, and an
/// event scheduled in the past is clamped to "now" (debug builds assert instead), so the
/// clock can never go back.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    heap: MinHeap<Entry<E>>,
    now: Time,
    seq: u64,
}

impl<E: Prioritised + Copy> Default for Calendar<E> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E: Prioritised + Copy> Calendar<E> {
    /// A calendar at time zero whose heap is sized up front, so that a run whose number of
    /// pending events stays below `capacity` never allocates.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: MinHeap::with_capacity(capacity),
            now: 0.0,
            seq: 0,
        }
    }

    /// The current simulation time.
    #[inline]
    pub fn now(&self) -> Time {
        self.now
    }

    /// Number of events still pending.
    #[inline]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no event is pending: the run has nothing left to do.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at absolute time `at`. Among events at the same time the lower
    /// [`Prioritised::priority`] runs first; equal priorities run in scheduling order.
    #[inline(always)]
    pub fn schedule(&mut self, at: Time, event: E) {
        let priority = event.priority();
        debug_assert!(at >= self.now, "event scheduled in the past: {at} < {}", self.now);
        // `max` also turns -0.0 and NaN into a valid time: the clock never goes back.
        let time = at.max(self.now);
        self.seq += 1;
        debug_assert!(self.seq < 1 << 56, "more than 2^56 events scheduled");
        self.heap.push(Entry {
            time: time.to_bits(),
            rank: (u64::from(priority) << 56) | self.seq,
            event,
        });
    }

    /// Schedules `event` `delay` minutes from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Time, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Time of the next event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| f64::from_bits(e.time))
    }

    /// Removes the next event and advances the clock to its time.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let entry = self.heap.pop()?;
        self.now = f64::from_bits(entry.time);
        Some((self.now, entry.event))
    }

    /// Removes the next event if it is due at or before `horizon`, advancing the clock to
    /// its time; otherwise leaves the calendar as it is. One look at the heap's top instead
    /// of a peek and then a pop, for the run loop.
    #[inline(always)]
    pub fn pop_due(&mut self, horizon: Time) -> Option<(Time, E)> {
        let top = f64::from_bits(self.heap.peek()?.time);
        if top > horizon {
            return None;
        }
        let entry = self.heap.pop()?;
        self.now = top;
        Some((top, entry.event))
    }

    /// Moves the clock forward to `t` without an event, used to close a run at its horizon.
    pub fn advance_to(&mut self, t: Time) {
        if t > self.now {
            self.now = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test event: its priority and a label.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Ev<T>(u8, T);

    impl<T> Prioritised for Ev<T> {
        fn priority(&self) -> u8 {
            self.0
        }
    }

    #[test]
    fn pops_by_time_then_priority_then_sequence() {
        let mut cal = Calendar::default();
        cal.schedule(5.0, Ev(1, "t5-p1-first"));
        cal.schedule(5.0, Ev(0, "t5-p0"));
        cal.schedule(1.0, Ev(9, "t1"));
        cal.schedule(5.0, Ev(1, "t5-p1-second"));
        let order: Vec<_> = std::iter::from_fn(|| cal.pop().map(|(_, e)| e.1)).collect();
        assert_eq!(order, vec!["t1", "t5-p0", "t5-p1-first", "t5-p1-second"]);
    }

    #[test]
    fn packed_keys_order_like_times() {
        let mut cal = Calendar::default();
        let times = [3.5, 0.0, 1e-300, 1e12, 2.0, 1440.25, 0.5];
        for (i, t) in times.iter().enumerate() {
            cal.schedule(*t, Ev((i % 3) as u8, *t));
        }
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        let popped: Vec<f64> = std::iter::from_fn(|| cal.pop().map(|(_, e)| e.1)).collect();
        assert_eq!(popped, sorted);
    }

    #[test]
    fn clock_follows_popped_events() {
        let mut cal = Calendar::default();
        cal.schedule(2.5, Ev(0, ()));
        cal.schedule_in(1.0, Ev(0, ()));
        assert_eq!(cal.pop().map(|(t, _)| t), Some(1.0));
        assert_eq!(cal.now(), 1.0);
        cal.schedule_in(0.5, Ev(0, ()));
        assert_eq!(cal.pop().map(|(t, _)| t), Some(1.5));
        assert_eq!(cal.pop().map(|(t, _)| t), Some(2.5));
        assert!(cal.is_empty());
    }
}
