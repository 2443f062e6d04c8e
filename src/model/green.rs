//! Lanes reserved for the green channel: a stage with reserved lanes keeps two lines, the
//! green one (pre-declared, authorised operators) and the general one. A free reserved lane
//! takes the first green consignment; a free general lane takes whoever entered first.

use super::observer::Observer;
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id` enters stage `s`, which keeps two lines: it joins its line and the dispatcher
    /// places it. Once reserved lanes are gone (a dated change), the green line drains by
    /// entry order and newcomers join the general line.
    pub(super) fn enter_two_lines(&mut self, now: Time, id: u32, s: usize, cal: &mut Calendar<Event>) {
        self.ticket += 1;
        let c = &mut self.cons[id];
        c.ticket = self.ticket;
        let (green, class) = (c.green, c.class);
        let st = &mut self.stages[s];
        if green && st.reserved > 0 {
            st.green.push(id, class);
        } else {
            st.queue.push(id, class);
        }
        if self.km {
            self.line_moved(now, id, true);
        }
        self.dispatch_reserved(now, s, cal);
        // Served at once or not, its timer runs: if it is in service when it fires, the
        // timer finds it out of the lines and does nothing.
        if self.stages[s].patience {
            self.start_patience(now, id, s, cal);
        }
    }

    /// Dispatching at a stage with servers reserved for the green channel: a free reserved
    /// server takes the first green consignment; a free general server takes whoever entered
    /// first, green or not.
    pub(super) fn dispatch_reserved(&mut self, now: Time, s: usize, cal: &mut Calendar<Event>) {
        loop {
            let st = &self.stages[s];
            if !st.quota.allows() {
                break;
            }
            // Reserved lanes never take the last open lane: someone must serve the general line.
            let reserved = st.reserved.min(st.open.saturating_sub(1));
            // `busy < open` matters only after the reserved count fell below the green
            // consignments still on reserved lanes.
            let reserved_free = st.busy_reserved < reserved && st.busy < st.open;
            let general_free = st.busy - st.busy_reserved < st.open - reserved && st.busy < st.open;
            let take = if reserved_free && !st.green.is_empty() {
                Some((true, true))
            } else if general_free {
                match (st.green.peek(), st.queue.peek()) {
                    (Some(g), Some(q)) => Some((self.cons[g].ticket < self.cons[q].ticket, false)),
                    (Some(_), None) => Some((true, false)),
                    (None, Some(_)) => Some((false, false)),
                    (None, None) => None,
                }
            } else {
                None
            };
            let Some((from_green, on_reserved)) = take else { break };
            let st = &mut self.stages[s];
            let popped = if from_green { st.green.pop() } else { st.queue.pop() };
            let Some(id) = popped else { break };
            if on_reserved {
                st.busy_reserved += 1;
            }
            if self.km {
                self.line_moved(now, id, false);
            }
            self.cons[id].on_reserved = on_reserved;
            self.begin(now, id, s, cal);
        }
        let st = &mut self.stages[s];
        st.queue_tw.set(now, f64::from(st.waiting()));
    }
}
