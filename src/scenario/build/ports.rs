//! `[ports.NAME]`: each port's driver pool, stages and flows, indexed model-wide.

use super::flows;
use super::keys::{Invalid, KeyPath, check_name, join};
use super::limits;
use super::modes::Modes;
use super::routes::PortStages;
use super::stages::{self, StageClearance};
use crate::model::{DriverPoolSpec, FlowSpec, PortSpec, StageSpec};
use crate::scenario::dist::build_dist;
use crate::scenario::format::{FlowSection, PortSection};
use std::collections::BTreeMap;

/// A flow fed by a shared demand, to be pointed at it once every port is built.
#[derive(Debug, Clone)]
pub(super) struct Fed {
    /// Flow index.
    pub flow: usize,
    /// The demand's name as the flow writes it.
    pub demand: String,
    /// The flow's key path.
    pub path: KeyPath,
}

/// Every port with its pools, stages and flows; index = model-wide index.
#[derive(Debug, Clone, Default)]
pub(super) struct Ports {
    /// Ports.
    pub ports: Vec<PortSpec>,
    /// Driver pools.
    pub pools: Vec<DriverPoolSpec>,
    /// Stages of every port.
    pub stages: Vec<StageSpec>,
    /// Clearance times of each stage.
    pub clearance: Vec<StageClearance>,
    /// Flows of every port.
    pub flows: Vec<FlowSpec>,
    /// The flows fed by a shared demand.
    pub fed: Vec<Fed>,
}

/// Checks every port, in name order.
pub(super) fn build(ports: &BTreeMap<String, PortSection>, modes: &Modes) -> Result<Ports, Invalid> {
    if ports.is_empty() {
        return Err(KeyPath::root("ports").invalid("define at least one port, e.g. [ports.horgos]"));
    }
    let mut out = Ports::default();
    for (pi, (pname, port)) in ports.iter().enumerate() {
        out.add_port(pi, pname, port, modes)?;
    }
    Ok(out)
}

/// The port's stage names in model order: first appearance along the routes, then any
/// unused stage.
fn stage_order(port: &PortSection) -> Vec<&String> {
    let mut order: Vec<&String> = Vec::new();
    for f in port.flows.values() {
        for n in f.route.iter().flat_map(|step| step.stage_names()) {
            if port.stages.contains_key(n) && !order.contains(&n) {
                order.push(n);
            }
        }
    }
    for n in port.stages.keys() {
        if !order.contains(&n) {
            order.push(n);
        }
    }
    order
}

impl Ports {
    fn add_port(&mut self, pi: usize, pname: &str, port: &PortSection, modes: &Modes) -> Result<(), Invalid> {
        let pp = KeyPath::root("ports").child(pname);
        check_name(&pp, pname)?;
        if port.stages.is_empty() {
            return Err(pp.child("stages").invalid("a port needs at least one stage"));
        }
        if port.flows.is_empty() {
            return Err(pp
                .child("flows")
                .invalid("a port needs at least one flow, e.g. [ports.NAME.flows.MODE]"));
        }
        let order = stage_order(port);
        let pool = self.add_pool(pi, port, &pp)?;
        let mut stage_index = BTreeMap::new();
        for name in order {
            let stp = pp.child("stages").child(name);
            check_name(&stp, name)?;
            let stage = stages::build(&port.stages[name], &stp, name, pi, pool, modes)?;
            stage_index.insert(name.clone(), self.stages.len());
            self.stages.push(stage.spec);
            self.clearance.push(stage.clearance);
        }
        for (mname, f) in &port.flows {
            self.add_flow(pi, &pp, mname, f, modes, &stage_index)?;
        }
        self.ports.push(PortSpec {
            name: pname.to_string(),
            pool,
        });
        Ok(())
    }

    /// The port's driver pool, if it has one: its index into `pools`.
    fn add_pool(&mut self, pi: usize, port: &PortSection, pp: &KeyPath) -> Result<Option<usize>, Invalid> {
        let Some(d) = &port.drivers else { return Ok(None) };
        let dp = pp.child("drivers");
        if !(1..=limits::DRIVERS).contains(&d.count) {
            return Err(dp.child("count").invalid(format!(
                "must be between 1 and {}, got {}",
                limits::DRIVERS,
                d.count
            )));
        }
        self.pools.push(DriverPoolSpec {
            port: pi,
            size: d.count,
            to_transit_lot: build_dist(&d.to_transit_lot, &dp.child("to_transit_lot"))?,
            return_trip: build_dist(&d.return_trip, &dp.child("return_trip"))?,
        });
        Ok(Some(self.pools.len() - 1))
    }

    /// The flow of mode `mname` at port `pi` (at `pp`), whose stages are `stage_index`.
    fn add_flow(
        &mut self,
        pi: usize,
        pp: &KeyPath,
        mname: &str,
        f: &FlowSection,
        modes: &Modes,
        stage_index: &BTreeMap<String, usize>,
    ) -> Result<(), Invalid> {
        let fp = pp.child("flows").child(mname);
        let Some(&mode) = modes.index.get(mname) else {
            return Err(fp.invalid(format!(
                "`{mname}` is not a defined mode: flows are named after a mode, defined are {}",
                if modes.specs.is_empty() {
                    "none (add a [modes.NAME] table)".to_string()
                } else {
                    join(modes.index.keys())
                }
            )));
        };
        let stages = PortStages {
            index: stage_index,
            all: &self.stages,
        };
        let flow = flows::build(f, &fp, pi, mode, &modes.specs[mode], &stages)?;
        for s in flow.route.iter().flat_map(|step| step.stages()) {
            let c = &self.clearance[s];
            if c.default.is_none() && c.by_mode[mode].is_none() {
                return Err(pp.child("stages").child(&self.stages[s].name).child("clearance").invalid(format!(
                    "missing: mode `{mname}` passes this stage, so give `clearance` (minutes), e.g. {{ dist = \"exponential\", mean = 20 }}, or clearance_by_mode.{mname}"
                )));
            }
        }
        if let Some(d) = &f.demand {
            self.fed.push(Fed {
                flow: self.flows.len(),
                demand: d.clone(),
                path: fp,
            });
        }
        self.flows.push(flow);
        Ok(())
    }
}
