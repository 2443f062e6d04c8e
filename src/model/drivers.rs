//! Drivers of self-driving exports: a port's pool of hired drivers. A car takes a driver at
//! a `driver` stage, keeps it until it has left the port and been delivered to the transit
//! lot, and the driver is free again after the trip back.

use super::observer::{Observer, Trace};
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// `id` takes a free driver of `pool` at its driver stage and moves on at once: picking
    /// up a driver takes no time.
    pub(super) fn take_driver(&mut self, now: Time, id: u32, pool: usize, cal: &mut Calendar<Event>) {
        let p = &mut self.pools[pool];
        p.free -= 1;
        p.busy_tw.set(now, f64::from(self.spec.pools[pool].size - p.free));
        if self.measuring {
            p.trips += 1;
        }
        self.cons[id].has_driver = true;
        self.advance(now, id, cal);
    }

    /// A car with a driver has left `port`: the driver delivers it to the transit lot, then
    /// comes back.
    pub(super) fn send_driver_back(&mut self, now: Time, port: usize, serial: u64, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        let pool = spec.ports[port]
            .pool
            .expect("validated: a port with a driver stage has a pool");
        let p = &spec.pools[pool];
        let rng = &mut self.streams.drivers[pool];
        let away = p.to_transit_lot.sample(rng) + p.return_trip.sample(rng);
        cal.schedule(now + away, Event::DriverFree(pool as u32));
        self.log(Trace::DriverAway {
            t: now,
            serial,
            pool,
            back: now + away,
        });
    }

    /// A driver is back: the pool takes the car that has waited longest.
    pub(super) fn on_driver_free(&mut self, now: Time, pool: usize, cal: &mut Calendar<Event>) {
        self.log(Trace::DriverBack { t: now, pool });
        let p = &mut self.pools[pool];
        p.free += 1;
        p.busy_tw.set(now, f64::from(self.spec.pools[pool].size - p.free));
        // The driver takes the car that has waited longest, whichever of the pool's stages
        // it waits at.
        while self.pools[pool].free > 0 {
            let mut next: Option<(f64, usize)> = None;
            for &s in &self.pools[pool].stages {
                // A closed stage (a closed port) hands out no driver.
                if self.stages[s].open == 0 {
                    continue;
                }
                if let Some(id) = self.stages[s].queue.peek() {
                    let ready = self.cons[id].ready;
                    if next.is_none_or(|(r, _)| ready < r) {
                        next = Some((ready, s));
                    }
                }
            }
            let Some((_, s)) = next else { break };
            let st = &mut self.stages[s];
            let Some(id) = st.queue.pop() else { break };
            st.queue_tw.set(now, f64::from(st.queue.len()));
            if self.km {
                self.line_moved(now, id, false);
            }
            self.begin(now, id, s, cal);
        }
    }
}
