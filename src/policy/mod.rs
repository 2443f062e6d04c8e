//! Clearance-time policies: the one seam through which a stage's clearance (or dwell) time
//! is decided.
//!
//! The model asks a policy for every clearance it starts, passing what a customs officer
//! would know at that moment ([`ClearanceRequest`]). The built-in [`DistributionPolicy`]
//! draws from a fixed distribution per stage and mode; other policies (reforms that switch
//! at a date, green channels, queue-responsive officers) implement the same trait.

mod builtin;
mod distribution;

pub use builtin::{BuiltinPolicy, StageSet};
pub use distribution::DistributionPolicy;

use crate::random::StreamRng;

/// What a policy may look at when deciding one clearance time. Plain indices and numbers, so
/// that a policy depends on nothing above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClearanceRequest {
    /// Index of the stage (in the model's stage list).
    pub stage: usize,
    /// Index of the export mode.
    pub mode: usize,
    /// Index of the port.
    pub port: usize,
    /// Vehicles in the consignment (a cage truck carries several).
    pub vehicles: u32,
    /// Priority class of the consignment (0 is served first).
    pub class: u8,
    /// Simulation time in minutes at which the clearance starts.
    pub now: f64,
    /// Consignments waiting at the stage after this one started.
    pub queue_len: u32,
    /// Servers busy at the stage, this one included.
    pub busy: u32,
    /// A uniform number in [0, 1) drawn once per consignment on arrival, from the flow's own
    /// stream. Policies that single out a share of consignments (pre-declared, authorised
    /// operators) compare it with the share, so the same consignments are singled out at
    /// every stage and in every variant (common random numbers).
    pub tag: f64,
}

/// Decides clearance times. `&mut self` so a policy may keep state; the random stream
/// belongs to the stage, so a policy that draws nothing leaves other stages untouched.
///
/// A policy of your own needs only this trait (and `Clone` to run replications):
///
/// ```
/// use bordersim::policy::{ClearancePolicy, ClearanceRequest, DistributionPolicy};
/// use bordersim::random::StreamRng;
///
/// /// Officers speed up by a third when more than ten consignments wait.
/// #[derive(Clone)]
/// struct Hurry {
///     base: DistributionPolicy,
/// }
///
/// impl ClearancePolicy for Hurry {
///     fn clearance_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64 {
///         let t = self.base.clearance_time(req, rng);
///         if req.queue_len > 10 { t / 1.5 } else { t }
///     }
/// }
///
/// let sc = bordersim::scenario::load(std::path::Path::new("scenarios/mmc.toml")).unwrap();
/// let hurry = Hurry { base: sc.distributions.clone() };
/// let exp = bordersim::experiment::run_replications(&sc.spec, &hurry, sc.seed, 2, |_| {}).unwrap();
/// assert_eq!(exp.replications, 2);
/// ```
pub trait ClearancePolicy {
    /// Minutes the consignment in `req` spends in service (or in a dwell) at its stage.
    /// Must be finite and non-negative.
    fn clearance_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64;

    /// The policy in a few words, for an error that must say which policy misbehaved.
    fn name(&self) -> String {
        "a policy of your own".into()
    }

    /// Whether clearance times depend on `ClearanceRequest::tag`. A policy that says no lets
    /// the model skip drawing tags when nothing else needs them; tags have a stream of their
    /// own, so no other draw moves. Policies of your own are assumed to read them.
    fn reads_tags(&self) -> bool {
        true
    }
}
