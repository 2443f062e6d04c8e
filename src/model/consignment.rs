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
    /// Order of entering the stage, to keep FIFO between the green and the general line.
    pub ticket: u64,
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
#[derive(Debug, Default)]
pub struct Slab {
    items: Vec<Consignment>,
    free: Vec<u32>,
}

impl Slab {
    /// Stores `c` and returns its id.
    #[inline]
    pub fn insert(&mut self, c: Consignment) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.items[id as usize] = c;
                id
            }
            None => {
                self.items.push(c);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Releases `id` for reuse.
    #[inline]
    pub fn remove(&mut self, id: u32) {
        self.free.push(id);
    }

    /// Number of consignments currently stored.
    pub fn len(&self) -> usize {
        self.items.len() - self.free.len()
    }

    /// True when no consignment is stored.
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
