//! Consignments (a cage truck or one self-driven vehicle) and the slab that stores them.

use super::spec::MAX_ROUTE;

/// One consignment inside a port. Its route is drawn on arrival so that the routing draws
/// follow arrival order, which does not depend on the clearance policy: two policy variants
/// with common random numbers send the n-th truck to the same stages.
#[derive(Debug, Clone, Copy)]
pub struct Consignment {
    /// Arrival number within the replication, unique (slab slots are reused).
    pub serial: u64,
    /// Flow index (a port and a mode).
    pub flow: u32,
    /// Vehicles carried.
    pub vehicles: u32,
    /// Uniform [0, 1) attribute drawn on arrival, for policies that single out a share.
    pub tag: f64,
    /// Arrival time, minutes.
    pub arrived: f64,
    /// When it became ready for its current stage (finished the previous one), minutes.
    pub ready: f64,
    /// When it entered its current stage, minutes.
    pub entered: f64,
    /// Stage indices of its route.
    pub path: [u16; MAX_ROUTE],
    /// Number of stages in `path`.
    pub len: u8,
    /// Position in `path` of the current stage.
    pub pos: u8,
    /// Priority class.
    pub class: u8,
    /// Holds a driver from its port's pool.
    pub has_driver: bool,
    /// In the green channel: may use servers reserved for it.
    pub green: bool,
    /// Holds one of its stage's reserved servers.
    pub on_reserved: bool,
    /// While waiting: order of entering the stage, to keep FIFO between the green and the
    /// general line. While in service at a stage with breakdowns: the bits of its lane's
    /// working minutes left before the next failure (model/breakdowns.rs), so the record
    /// stays small.
    pub ticket: u64,
    /// Generation of its slab slot, set by the slab (see [`Handle`]).
    pub generation: u16,
    /// Minutes waited so far in the lines of its route (blocking included), for the
    /// hour-of-day waits and the cost of waiting (model/service.rs).
    pub waited: f64,
}

impl Consignment {
    /// The stage it is at.
    #[inline]
    pub fn stage(&self) -> usize {
        usize::from(self.path[usize::from(self.pos)])
    }

    /// The stage after the current one, if any.
    #[inline]
    pub fn next_stage(&self) -> Option<usize> {
        let p = usize::from(self.pos) + 1;
        (p < usize::from(self.len)).then(|| usize::from(self.path[p]))
    }
}

/// Fixed-slot storage: freed slots are reused, so a long run allocates only while the
/// number of consignments inside the ports grows past anything seen before.
/// A consignment's name in events: its slab slot and the slot's generation when the
/// consignment took it. Slots are reused as consignments leave, so an event that outlives
/// its consignment (a renege timer, a cancelled appointment) would otherwise act on whoever
/// holds the slot next; the generation tells them apart when the event is popped.
///
/// The generation lives in the consignment record's padding and is 16 bits, so records stay
/// 104 bytes and events 8 (a separate generation table cost 4.5 % more instructions on a
/// Horgos year). A slot whose generation would wrap is retired instead of reused, so two
/// consignments never share a handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle {
    /// Slot in the slab.
    pub slot: u32,
    /// Generation of the slot when the handle was issued.
    pub generation: u16,
}

/// Consignments inside the ports, in reusable slots, so the hot loop does not allocate once
/// the slab has grown to the largest number inside at once. Queues hold slots (a consignment
/// in a queue is alive); events hold [`Handle`]s, checked with [`Slab::current`].
#[derive(Debug, Default)]
pub struct Slab {
    items: Vec<Consignment>,
    free: Vec<u32>,
    /// Slots whose generation ran out, never used again.
    retired: usize,
}

impl Slab {
    /// Stores `c` and returns its slot.
    #[inline]
    pub fn insert(&mut self, mut c: Consignment) -> u32 {
        match self.free.pop() {
            Some(id) => {
                let slot = &mut self.items[id as usize];
                c.generation = slot.generation;
                *slot = c;
                id
            }
            None => {
                c.generation = 0;
                self.items.push(c);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Frees the slot of consignment `id`; handles issued for it stop being current.
    #[inline]
    pub fn remove(&mut self, id: u32) {
        let c = &mut self.items[id as usize];
        // A route of no stages never enters the slab, so `len == 0` marks a free slot.
        c.len = 0;
        if c.generation == u16::MAX {
            // Reusing it would bring back generation 0 and with it old handles.
            self.retired += 1;
        } else {
            c.generation += 1;
            self.free.push(id);
        }
    }

    /// A handle to the consignment now in slot `id`, for an event about it.
    #[inline]
    pub fn handle(&self, id: u32) -> Handle {
        Handle {
            slot: id,
            generation: self.items[id as usize].generation,
        }
    }

    /// The slot of the consignment `h` names, if it is still inside.
    #[inline]
    pub fn current(&self, h: Handle) -> Option<u32> {
        // Freeing a slot moves its generation on (or retires it), so only handles issued
        // since it was last filled match.
        let c = self.items.get(h.slot as usize)?;
        (c.generation == h.generation && c.len != 0).then_some(h.slot)
    }

    /// Consignments inside now.
    pub fn len(&self) -> usize {
        self.items.len() - self.free.len() - self.retired
    }

    /// True when no consignment is inside.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<u32> for Slab {
    type Output = Consignment;
    #[inline]
    fn index(&self, id: u32) -> &Consignment {
        &self.items[id as usize]
    }
}

impl std::ops::IndexMut<u32> for Slab {
    #[inline]
    fn index_mut(&mut self, id: u32) -> &mut Consignment {
        &mut self.items[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(serial: u64) -> Consignment {
        Consignment {
            serial,
            flow: 0,
            vehicles: 1,
            tag: 0.0,
            arrived: 0.0,
            ready: 0.0,
            entered: 0.0,
            path: [0; MAX_ROUTE],
            len: 1,
            pos: 0,
            class: 0,
            has_driver: false,
            green: false,
            on_reserved: false,
            ticket: 0,
            generation: 0,
            waited: 0.0,
        }
    }

    #[test]
    fn a_handle_stops_being_current_when_its_slot_is_reused() {
        let mut slab = Slab::default();
        let a = slab.insert(one(1));
        let ha = slab.handle(a);
        assert_eq!(slab.current(ha), Some(a));
        slab.remove(a);
        assert_eq!(slab.current(ha), None, "a freed consignment's event must not act");
        let b = slab.insert(one(2));
        assert_eq!(b, a, "the slot is reused");
        assert_eq!(
            slab.current(ha),
            None,
            "the old handle must not reach the new consignment"
        );
        let hb = slab.handle(b);
        assert_eq!(slab.current(hb), Some(b));
        assert_eq!(slab[b].serial, 2);
        assert_eq!(slab.len(), 1);
    }

    #[test]
    fn a_slot_whose_generation_runs_out_is_retired_not_reused() {
        let mut slab = Slab::default();
        let a = slab.insert(one(0));
        let first = slab.handle(a);
        for i in 0..u32::from(u16::MAX) {
            slab.remove(a);
            assert_eq!(slab.insert(one(u64::from(i) + 1)), a);
        }
        let last = slab.handle(a);
        assert_eq!(last.generation, u16::MAX);
        assert_eq!(slab.current(last), Some(a));
        slab.remove(a);
        assert_eq!(slab.len(), 0);
        let b = slab.insert(one(99));
        assert_ne!(b, a, "the worn-out slot is not handed out again");
        assert_eq!(slab.current(first), None);
        assert_eq!(slab.current(last), None, "a retired slot's last handle is not current");
        assert_eq!(slab.len(), 1);
    }

    #[test]
    fn records_stay_104_bytes_and_events_8() {
        assert_eq!(std::mem::size_of::<Consignment>(), 104);
        assert_eq!(std::mem::size_of::<crate::model::Event>(), 8);
    }
}
