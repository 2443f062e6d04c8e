//! `[ports.P.flows.MODE]`: a flow's arrivals (its own, or a shared demand's) and its route.

use super::arrivals;
use super::keys::{Invalid, KeyPath};
use super::routes::{self, PortStages};
use crate::model::{ArrivalSpec, FlowSpec, ModeSpec};
use crate::scenario::format::FlowSection;

/// Checks the flow of mode `mode` (`mode_spec`) at port `port`, written at `path`.
pub(super) fn build(
    f: &FlowSection,
    path: &KeyPath,
    port: usize,
    mode: usize,
    mode_spec: &ModeSpec,
    stages: &PortStages<'_>,
) -> Result<FlowSpec, Invalid> {
    let arrivals = if f.demand.is_some() {
        let own = f.rate.is_some() || f.every_min.is_some() || f.times_min.is_some() || f.observed.is_some();
        let profiles = arrivals::profiles(f).iter().any(|p| p.is_some());
        if own || profiles || f.first_at_min.is_some() {
            return Err(path.child("demand").invalid(
                "a flow fed by a shared demand has no arrivals of its own: remove `rate`, `every_min`, `times_min`, `observed`, `first_at_min` and the profiles (they belong in [demand.NAME])",
            ));
        }
        // Resolved to the demand's index once every port is built.
        ArrivalSpec::Shared(usize::MAX)
    } else {
        arrivals::own(f, path, mode_spec)?
    };
    Ok(FlowSpec {
        port,
        mode,
        arrivals,
        class: f.priority,
        route: routes::build(&f.route, path, mode_spec, stages)?,
    })
}
