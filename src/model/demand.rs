//! Shared demand: one arrival stream split between ports, each arrival picking its port by
//! the demand's rule (fixed shares, or the port with the least load per share).

use super::observer::Observer;
use super::sim::{Event, Simulation};
use super::spec::{DemandSpec, SplitRule};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;
use rand::Rng;

/// The flow a consignment of demand `dm` joins, for a uniform draw `u` and each flow's
/// consignments inside now. The candidates are every port (shares) or those with the least
/// load, inside divided by share (balance); one is drawn in proportion to its share, so ties
/// are broken by share, not by order.
pub fn pick_flow(dm: &DemandSpec, inside: impl Fn(usize) -> u64, u: f64) -> usize {
    let load = |f: usize, share: f64| inside(f) as f64 / share;
    let best = match dm.rule {
        SplitRule::Shares => f64::INFINITY,
        SplitRule::Balance => dm.split.iter().map(|&(f, s)| load(f, s)).fold(f64::INFINITY, f64::min),
    };
    let candidate = |&&(f, s): &&(usize, f64)| load(f, s) <= best;
    let total: f64 = dm.split.iter().filter(candidate).map(|x| x.1).sum();
    let target = u * total;
    let mut acc = 0.0;
    let mut flow = usize::MAX;
    for &(f, share) in dm.split.iter().filter(candidate) {
        acc += share;
        flow = f;
        if target < acc {
            break;
        }
    }
    flow
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// A consignment of shared demand `d` arrives: it picks its port's flow by the demand's
    /// rule, then arrives there.
    pub(super) fn on_demand(&mut self, now: Time, d: usize, cal: &mut Calendar<Event>) {
        let spec = self.spec;
        if let Some(t) = self.demand_gens[d].next(&spec.start, now, spec.horizon, &mut self.streams.demand[d]) {
            cal.schedule(t, Event::Demand(d as u32));
        }
        // One draw per arrival under every rule, so the stream stays in step.
        let u: f64 = self.streams.split[d].random();
        let flows = &self.flows;
        let flow = pick_flow(&spec.demands[d], |f| flows[f].inside, u);
        self.admit(now, flow, spec.flows.len() + d, cal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArrivalSpec;

    fn demand(rule: SplitRule) -> DemandSpec {
        DemandSpec {
            name: "d".into(),
            mode: 0,
            arrivals: ArrivalSpec::List(vec![]),
            split: vec![(0, 0.5), (1, 0.25), (2, 0.25)],
            rule,
        }
    }

    #[test]
    fn shares_split_by_the_draw_alone() {
        let d = demand(SplitRule::Shares);
        let busy = |_| 100;
        assert_eq!(pick_flow(&d, busy, 0.0), 0);
        assert_eq!(pick_flow(&d, busy, 0.49), 0);
        assert_eq!(pick_flow(&d, busy, 0.5), 1);
        assert_eq!(pick_flow(&d, busy, 0.99), 2);
    }

    #[test]
    fn balance_picks_the_least_load_per_share_and_breaks_ties_by_share() {
        let d = demand(SplitRule::Balance);
        // Loads per share: 20, 40, 40: flow 0 whatever the draw.
        assert_eq!(pick_flow(&d, |f| [10, 10, 10][f], 0.99), 0);
        // Loads 40, 20, 20: flows 1 and 2 tie and share the draw equally.
        let inside = |f| [20, 5, 5][f];
        assert_eq!(pick_flow(&d, inside, 0.49), 1);
        assert_eq!(pick_flow(&d, inside, 0.5), 2);
    }
}
