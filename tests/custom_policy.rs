//! A clearance policy written outside the crate plugs in through the public API alone.

use bordersim::model::{MetricKey, Scope};
use bordersim::policy::{ClearancePolicy, ClearanceRequest, DistributionPolicy};
use bordersim::random::StreamRng;

/// Clearance twice as fast from day 100 on, for every stage (the README example).
#[derive(Clone)]
struct Reform {
    base: DistributionPolicy,
}

impl ClearancePolicy for Reform {
    fn clearance_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64 {
        let t = self.base.clearance_time(req, rng);
        if req.now >= 100.0 * 1440.0 { t / 2.0 } else { t }
    }
}

#[test]
fn a_custom_policy_changes_results_and_only_after_its_date() {
    let sc = bordersim::scenario::load(std::path::Path::new("scenarios/baktu.toml")).unwrap();
    let base = bordersim::experiment::run_replications(&sc.spec, &sc.policy, sc.seed, 3, |_| {}).unwrap();
    let policy = Reform {
        base: sc.distributions.clone(),
    };
    let reformed = bordersim::experiment::run_replications(&sc.spec, &policy, sc.seed, 3, |_| {}).unwrap();
    let inspection = sc.spec.stages.iter().position(|s| s.name == "inspection").unwrap();
    let key = MetricKey {
        port: 0,
        scope: Scope::Stage(inspection),
        name: "wait_mean_min",
    };
    let (b, r) = (base.get(&key).unwrap().mean, reformed.get(&key).unwrap().mean);
    assert!(r < b, "faster clearance must shorten the inspection wait: {r} vs {b}");

    // Before day 100 the two runs are identical (same streams, same times): compare the
    // hourly queue series up to day 100.
    let s = (&base.series, &reformed.series);
    let n = s.0.defs.len();
    let rows_before = s.0.ends.iter().take_while(|&&e| e <= 100.0 * 1440.0).count();
    assert_eq!(s.0.cells[..rows_before * n], s.1.cells[..rows_before * n]);
    assert_ne!(s.0.cells[rows_before * n..], s.1.cells[rows_before * n..]);
}
