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

/// A broken policy: from day 2, clearance at the stage named `bad` takes `value` minutes.
#[derive(Clone)]
struct Broken {
    base: DistributionPolicy,
    value: f64,
}

impl ClearancePolicy for Broken {
    fn clearance_time(&mut self, req: &ClearanceRequest, rng: &mut StreamRng) -> f64 {
        let t = self.base.clearance_time(req, rng);
        if req.now >= 2.0 * 1440.0 && req.stage == 1 {
            self.value
        } else {
            t
        }
    }
}

#[test]
fn a_policy_that_returns_an_unusable_time_stops_the_run_with_an_error() {
    // The audit: a policy factor of 1e308 made clearance times infinite, nothing completed
    // and the run exited 0. Validation now bounds built-in factors; a policy of one's own is
    // checked where its times are used.
    let sc = bordersim::scenario::load(std::path::Path::new("scenarios/baktu.toml")).unwrap();
    let stage = &sc.spec.stages[1];
    let name = format!("{}.{}", sc.spec.ports[stage.port].name, stage.name);
    for value in [f64::INFINITY, f64::NAN, -1.0, f64::NEG_INFINITY] {
        let policy = Broken {
            base: sc.distributions.clone(),
            value,
        };
        let e = bordersim::experiment::run_replications(&sc.spec, &policy, sc.seed, 2, |_| {}).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{value}");
        let msg = e.to_string();
        assert!(
            msg.starts_with("replication 0, day 2.") && msg.contains(": the clearance policy (a policy of your own)"),
            "{msg}"
        );
        assert!(msg.contains(&format!("at stage {name}")), "{msg}");
        assert!(
            msg.contains(&format!("gave a clearance time of {value} minutes")),
            "{msg}"
        );
    }
    // A huge but finite time is a valid (if odd) answer: the run completes.
    let policy = Broken {
        base: sc.distributions.clone(),
        value: 1e300,
    };
    assert!(bordersim::experiment::run_replications(&sc.spec, &policy, sc.seed, 1, |_| {}).is_ok());
}
