//! Moving on between stages, and blocking after service: a consignment that has finished
//! but finds the next stage full keeps its server or place where it is until room frees,
//! and those blocked move in, in the order they were blocked, before anyone new.

use super::observer::{Observer, Trace};
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id` has finished at its current stage: move it on, block it, or let it depart.
    pub(super) fn advance(&mut self, now: Time, id: u32, cal: &mut Calendar<Event>) {
        let c = &mut self.cons[id];
        c.ready = now;
        let here = c.stage();
        if O::ACTIVE {
            let serial = c.serial;
            self.log(Trace::Finish {
                t: now,
                serial,
                stage: here,
            });
        }
        let c = &self.cons[id];
        match c.next_stage() {
            None => self.depart(now, id, here, cal),
            Some(next) => {
                let st = &mut self.stages[next];
                if st.has_room() && st.blocked_in.is_empty() {
                    self.move_on(now, id, next, cal);
                } else {
                    st.blocked_in.push_back(id);
                    if self.measuring {
                        st.blocked += 1;
                    }
                    if O::ACTIVE {
                        let serial = self.cons[id].serial;
                        self.log(Trace::Blocked {
                            t: now,
                            serial,
                            stage: here,
                        });
                    }
                }
            }
        }
    }

    /// `id`, finished at its current stage, moves into `next` (which has room), and its old
    /// stage lets go of it. The one place a consignment crosses between stages.
    fn move_on(&mut self, now: Time, id: u32, next: usize, cal: &mut Calendar<Event>) {
        let c = &mut self.cons[id];
        let (from, since, reserved, serial) = (c.stage(), c.entered, std::mem::take(&mut c.on_reserved), c.serial);
        c.pos += 1;
        self.log(Trace::Leave {
            t: now,
            serial,
            stage: from,
        });
        if self.stages[from].breakdowns {
            self.return_lane(id, from);
        }
        self.enter(now, id, next, cal);
        self.leave(now, from, since, reserved, cal);
    }

    /// A consignment that entered stage `s` at `since` (on a reserved server or not) leaves
    /// it, freeing its server and place; consignments blocked upstream of `s` move in, and
    /// the queue is served.
    #[inline(always)]
    pub(super) fn leave(&mut self, now: Time, s: usize, since: Time, on_reserved: bool, cal: &mut Calendar<Event>) {
        let st = &mut self.stages[s];
        if on_reserved {
            st.busy_reserved -= 1;
        }
        st.busy -= 1;
        st.busy_tw.set(now, f64::from(st.busy));
        st.touch_avail(now);
        self.free_place(now, s, since, cal);
    }

    /// A consignment that entered stage `s` at `since` no longer takes a place there (it
    /// left its server, or gave up waiting): those blocked upstream move in, and the queue
    /// is served. Inlined into `leave`: as a call of its own it cost 4 % more instructions
    /// on the M/M/4 benchmark (callgrind).
    #[inline(always)]
    pub(super) fn free_place(&mut self, now: Time, s: usize, since: Time, cal: &mut Calendar<Event>) {
        let st = &mut self.stages[s];
        st.occupancy -= 1;
        st.occupancy_tw.set(now, f64::from(st.occupancy));
        if self.measuring {
            st.stay.add(now - since);
        }
        self.take_blocked(now, s, cal);
        self.dispatch(now, s, cal);
    }

    /// Those blocked upstream of `s` move in, first blocked first, while it has room.
    #[inline(always)]
    pub(super) fn take_blocked(&mut self, now: Time, s: usize, cal: &mut Calendar<Event>) {
        while self.stages[s].has_room() {
            let Some(b) = self.stages[s].blocked_in.pop_front() else {
                break;
            };
            if O::ACTIVE {
                let c = &self.cons[b];
                let (serial, stage) = (c.serial, c.stage());
                self.log(Trace::Unblocked { t: now, serial, stage });
            }
            self.move_on(now, b, s, cal);
        }
    }
}
