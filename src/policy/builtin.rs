//! The built-in clearance policies a scenario can name, composed by nesting.

use super::{ClearancePolicy, ClearanceRequest, DistributionPolicy};
use crate::random::StreamRng;

/// Which stages (by model index) a policy applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSet(Vec<bool>);

impl StageSet {
    /// Every stage of a model with `n` stages.
    pub fn all(n: usize) -> Self {
        Self(vec![true; n])
    }

    /// Just the listed stage indices.
    pub fn of(n: usize, stages: &[usize]) -> Self {
        let mut v = vec![false; n];
        stages.iter().for_each(|&s| v[s] = true);
        Self(v)
    }

    /// True when stage `s` is in the set.
    #[inline]
    pub fn contains(&self, s: usize) -> bool {
        self.0.get(s).copied().unwrap_or(false)
    }
}

/// A policy named in a scenario file. Every variant draws exactly one number sequence from
/// the stage's stream per clearance, whatever it does with it, so variants compared with
/// common random numbers see the same underlying draws.
#[derive(Debug, Clone)]
pub enum BuiltinPolicy {
    /// The scenario's distribution per stage and mode (the baseline).
    Distribution(DistributionPolicy),
    /// Another policy's times multiplied by `factor` at the chosen stages and modes.
    Scaled {
        /// Multiplier, e.g. 1/6 for "6 hours to 1 hour".
        factor: f64,
        /// Stages it applies to.
        stages: StageSet,
        /// Modes it applies to (by index); all when empty.
        modes: Vec<bool>,
        /// The policy whose times are scaled.
        inner: Box<BuiltinPolicy>,
    },
    /// `before` until time `at`, `after` from then on: a clearance that starts before the
    /// switch keeps the old time even if it ends after it.
    Reform {
        /// Switch time, minutes from the start.
        at: f64,
        /// Policy before the switch.
        before: Box<BuiltinPolicy>,
        /// Policy from the switch on.
        after: Box<BuiltinPolicy>,
    },
    /// A share of consignments (pre-declared, authorised operators) is cleared faster.
    GreenChannel {
        /// Share of consignments in the green channel, 0-1.
        share: f64,
        /// Their clearance time multiplier.
        factor: f64,
        /// Stages where the channel applies.
        stages: StageSet,
        /// Policy for everyone else (and the base of green times).
        inner: Box<BuiltinPolicy>,
    },
    /// `during` at one stage for clearances starting in `[from, to)` (a dated change's
    /// policy), `inner` everywhere else and at other times.
    During {
        /// Stage index.
        stage: usize,
        /// First minute.
        from: f64,
        /// First minute after it.
        to: f64,
        /// Policy at the stage in the period.
        during: Box<BuiltinPolicy>,
        /// Policy otherwise.
        inner: Box<BuiltinPolicy>,
    },
    /// Officers speed up (or slow down) as the queue grows, within bounds: the time is
    /// multiplied by `1 + per_waiting * queue_len`, clamped to [min_factor, max_factor].
    QueueResponsive {
        /// Change of the multiplier per consignment waiting (negative: faster).
        per_waiting: f64,
        /// Lowest multiplier.
        min_factor: f64,
        /// Highest multiplier.
        max_factor: f64,
        /// Stages where it applies.
        stages: StageSet,
        /// The policy whose times are adjusted.
        inner: Box<BuiltinPolicy>,
    },
}

impl BuiltinPolicy {
    /// Every policy built from another (scaled, reform, during, green channel,
    /// queue-responsive), kept out of line so the plain distribution stays inlined.
    #[inline(never)]
    fn layered_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64 {
        match self {
            BuiltinPolicy::Distribution(d) => d.clearance_time(req, rng),
            BuiltinPolicy::Scaled {
                factor,
                stages,
                modes,
                inner,
            } => {
                let t = inner.clearance_time(req, rng);
                let mode_ok = modes.is_empty() || modes.get(req.mode).copied().unwrap_or(false);
                if stages.contains(req.stage) && mode_ok {
                    t * *factor
                } else {
                    t
                }
            }
            BuiltinPolicy::Reform { at, before, after } => {
                if req.now < *at {
                    before.clearance_time(req, rng)
                } else {
                    after.clearance_time(req, rng)
                }
            }
            BuiltinPolicy::During {
                stage,
                from,
                to,
                during,
                inner,
            } => {
                if req.stage == *stage && *from <= req.now && req.now < *to {
                    during.clearance_time(req, rng)
                } else {
                    inner.clearance_time(req, rng)
                }
            }
            BuiltinPolicy::GreenChannel {
                share,
                factor,
                stages,
                inner,
            } => {
                let t = inner.clearance_time(req, rng);
                if stages.contains(req.stage) && req.tag < *share {
                    t * *factor
                } else {
                    t
                }
            }
            BuiltinPolicy::QueueResponsive {
                per_waiting,
                min_factor,
                max_factor,
                stages,
                inner,
            } => {
                let t = inner.clearance_time(req, rng);
                if stages.contains(req.stage) {
                    t * (1.0 + *per_waiting * f64::from(req.queue_len)).clamp(*min_factor, *max_factor)
                } else {
                    t
                }
            }
        }
    }
}

impl ClearancePolicy for BuiltinPolicy {
    /// The plain distribution, the usual case, inlined into the event loop; the layered
    /// policies (which call themselves through `inner`) out of line. Callgrind, M/M/4: the
    /// call into the whole match cost about 30 instructions a clearance.
    #[inline(always)]
    fn clearance_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64 {
        match self {
            BuiltinPolicy::Distribution(d) => d.clearance_time(req, rng),
            layered => layered.layered_time(req, rng),
        }
    }

    fn reads_tags(&self) -> bool {
        match self {
            BuiltinPolicy::Distribution(d) => d.reads_tags(),
            BuiltinPolicy::GreenChannel { .. } => true,
            BuiltinPolicy::Scaled { inner, .. } | BuiltinPolicy::QueueResponsive { inner, .. } => inner.reads_tags(),
            BuiltinPolicy::Reform { before, after, .. } => before.reads_tags() || after.reads_tags(),
            BuiltinPolicy::During { during, inner, .. } => during.reads_tags() || inner.reads_tags(),
        }
    }

    fn name(&self) -> String {
        match self {
            BuiltinPolicy::Distribution(_) => "distribution".into(),
            BuiltinPolicy::Scaled { factor, inner, .. } => format!("scaled x{factor:e} of {}", inner.name()),
            BuiltinPolicy::Reform { before, after, .. } => {
                format!("reform from {} to {}", before.name(), after.name())
            }
            BuiltinPolicy::During { during, inner, .. } => {
                format!("{} in a dated period, {} otherwise", during.name(), inner.name())
            }
            BuiltinPolicy::GreenChannel { factor, inner, .. } => {
                format!("green_channel x{factor:e} of {}", inner.name())
            }
            BuiltinPolicy::QueueResponsive { inner, .. } => format!("queue_responsive of {}", inner.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Dist, stream};

    fn base() -> BuiltinPolicy {
        BuiltinPolicy::Distribution(DistributionPolicy::new(
            vec![Dist::Constant(360.0), Dist::Constant(10.0)],
            vec![vec![None], vec![None]],
        ))
    }

    fn req(stage: usize, now: f64, tag: f64, queue_len: u32) -> ClearanceRequest {
        ClearanceRequest {
            stage,
            mode: 0,
            port: 0,
            vehicles: 1,
            class: 0,
            now,
            queue_len,
            busy: 1,
            tag,
        }
    }

    #[test]
    fn reform_switches_at_its_time_and_scaled_picks_its_stages() {
        let after = BuiltinPolicy::Scaled {
            factor: 1.0 / 6.0,
            stages: StageSet::of(2, &[0]),
            modes: vec![],
            inner: Box::new(base()),
        };
        let mut p = BuiltinPolicy::Reform {
            at: 1000.0,
            before: Box::new(base()),
            after: Box::new(after),
        };
        let mut r = stream(1, 0, "t");
        assert_eq!(p.clearance_time(&req(0, 999.999, 0.5, 0), &mut r), 360.0);
        assert_eq!(p.clearance_time(&req(0, 1000.0, 0.5, 0), &mut r), 60.0);
        assert_eq!(p.clearance_time(&req(1, 1000.0, 0.5, 0), &mut r), 10.0);
    }

    #[test]
    fn green_channel_and_queue_response() {
        let mut g = BuiltinPolicy::GreenChannel {
            share: 0.3,
            factor: 0.5,
            stages: StageSet::all(2),
            inner: Box::new(base()),
        };
        let mut r = stream(1, 0, "t");
        assert_eq!(g.clearance_time(&req(1, 0.0, 0.29, 0), &mut r), 5.0);
        assert_eq!(g.clearance_time(&req(1, 0.0, 0.31, 0), &mut r), 10.0);
        let mut q = BuiltinPolicy::QueueResponsive {
            per_waiting: -0.1,
            min_factor: 0.5,
            max_factor: 1.0,
            stages: StageSet::all(2),
            inner: Box::new(base()),
        };
        assert_eq!(q.clearance_time(&req(1, 0.0, 0.0, 0), &mut r), 10.0);
        assert!((q.clearance_time(&req(1, 0.0, 0.0, 3), &mut r) - 7.0).abs() < 1e-12);
        assert_eq!(q.clearance_time(&req(1, 0.0, 0.0, 30), &mut r), 5.0);
    }
}
