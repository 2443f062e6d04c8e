//! Little's law and conservation on the bundled port scenarios (and every variant of the
//! disruption scenario, with its patience and its holding lot).

mod common;

use bordersim::experiment::run_replication;
use bordersim::model::Scope;
use common::*;
use std::path::Path;

const PORT_SCENARIOS: [&str; 4] = [
    "scenarios/horgos-2024.toml",
    "scenarios/baktu.toml",
    "scenarios/two-ports.toml",
    "scenarios/nur-zholy-2025.toml",
];

/// The baseline of `file`, and for the disruption scenario every variant too (patience and
/// a holding lot change what must balance).
fn models(file: &str) -> Vec<bordersim::scenario::Scenario> {
    let set = bordersim::scenario::load_set(Path::new(file), Default::default()).unwrap();
    if file.contains("nur-zholy") {
        std::iter::once(set.baseline).chain(set.variants).collect()
    } else {
        vec![set.baseline]
    }
}

#[test]
fn littles_law_holds_for_each_port_and_stage() {
    for sc in PORT_SCENARIOS.iter().flat_map(|f| models(f)) {
        let file = format!("{} ({})", sc.spec.name, sc.variant);
        let exp = run(&sc);
        let window = sc.spec.horizon - sc.spec.warmup;
        // Port: L = lambda W, with lambda the admitted arrival rate. Over a finite window the
        // law holds up to the consignments in flight at its edges (counted in L but without a
        // finished W): allow their share of all admitted, taking the end inventory for both
        // edges.
        for (port, _) in sc.spec.ports.iter().enumerate() {
            let l = values_at(&exp, port, Scope::Port, "in_system_mean");
            let lambda = values_at(&exp, port, Scope::Port, "admitted_per_min");
            let mut w = values_at(&exp, port, Scope::Port, "time_in_system_mean_min");
            // Where some gave up waiting, their time inside counts too: W is the mix of the
            // completed consignments' time and the others' wait before giving up (here a
            // one-stage port, so that wait is their whole time inside).
            let has = |name: &str| exp.metrics.iter().any(|(k, _)| k.port == port && k.name == name);
            // Those diverted to another port likewise.
            for (share, wait) in [
                ("abandoned_fraction", "abandon_wait_mean_min"),
                ("diverted_fraction", "divert_wait_mean_min"),
            ] {
                if !has(share) {
                    continue;
                }
                let stages: Vec<usize> = (0..sc.spec.stages.len())
                    .filter(|&s| sc.spec.stages[s].port == port)
                    .collect();
                assert_eq!(stages.len(), 1, "{file}: the check assumes one stage");
                let f = values_at(&exp, port, Scope::Port, share);
                let wa = values_at(&exp, port, Scope::Stage(stages[0]), wait);
                w = (0..w.len()).map(|r| (1.0 - f[r]) * w[r] + f[r] * wa[r]).collect();
            }
            let mut inside = vec![0.0; l.len()];
            for f in sc.spec.flows.iter().filter(|f| f.port == port) {
                let v = values_at(&exp, port, Scope::Flow(f.mode), "run_inside_at_end");
                inside.iter_mut().zip(v).for_each(|(a, b)| *a += b);
            }
            let diff: Vec<f64> = (0..l.len()).map(|r| (l[r] - lambda[r] * w[r]) / l[r]).collect();
            let edge = (0..l.len())
                .map(|r| 2.0 * inside[r] / (lambda[r] * window))
                .fold(0.0, f64::max);
            let (m, se) = mean_se(&diff);
            assert!(
                m.abs() <= 4.0 * se + edge,
                "{file} port {port}: L vs lambda W differ by {m:.5} (relative), SE {se:.5}, edge allowance {edge:.5}"
            );
        }
        // Each stage: mean number in the stage = entry rate x mean stay.
        for (s, st) in sc.spec.stages.iter().enumerate() {
            let n = values_at(&exp, st.port, Scope::Stage(s), "in_stage_mean");
            let entered = values_at(&exp, st.port, Scope::Stage(s), "entered");
            let Some(stay) = exp
                .metrics
                .iter()
                .position(|(k, _)| k.scope == Scope::Stage(s) && k.name == "stay_mean_min")
            else {
                continue;
            };
            let stay: Vec<f64> = exp.per_replication[stay].iter().map(|v| v.unwrap()).collect();
            let diff: Vec<f64> = (0..n.len()).map(|r| n[r] - entered[r] / window * stay[r]).collect();
            let (m, se) = mean_se(&diff);
            let scale = mean_se(&n).0.max(1e-9);
            assert!(
                m.abs() <= 4.0 * se + 1e-3 * scale,
                "{file} stage {}: L - lambda W = {m:.5} (L = {scale:.3}), SE {se:.5}",
                st.name
            );
        }
    }
}

#[test]
fn every_arrival_is_completed_inside_or_turned_away() {
    for sc in PORT_SCENARIOS
        .iter()
        .chain(&["scenarios/mmc.toml"])
        .flat_map(|f| models(f))
    {
        let file = format!("{} ({})", sc.spec.name, sc.variant);
        for rep in 0..2 {
            let out = run_replication(&sc.spec, sc.policy.clone(), sc.seed, rep).unwrap();
            let find = |port: usize, scope, name| {
                out.metrics
                    .iter()
                    .find(|(k, _)| k.port == port && k.scope == scope && k.name == name)
                    .and_then(|(_, v)| *v)
            };
            let get = |port: usize, scope, name| find(port, scope, name).unwrap();
            let mut inside = 0.0;
            for f in &sc.spec.flows {
                let (s, p) = (Scope::Flow(f.mode), f.port);
                let arrived = get(p, s, "run_arrived");
                // Those who gave up waiting count where a line has a patience.
                let gave_up = find(p, s, "run_abandoned").unwrap_or(0.0);
                // Those sent to another port where a line diverts.
                let diverted = find(p, s, "run_diverted").unwrap_or(0.0);
                let accounted = get(p, s, "run_completed")
                    + get(p, s, "run_inside_at_end")
                    + get(p, s, "run_turned_away")
                    + gave_up
                    + diverted;
                assert_eq!(
                    arrived, accounted,
                    "{file} rep {rep} mode {}",
                    sc.spec.modes[f.mode].name
                );
                assert!(arrived > 0.0);
                inside += get(p, s, "run_inside_at_end");
            }
            assert_eq!(
                inside as usize, out.inside_at_end,
                "{file}: per-flow counts match the consignments held"
            );
        }
    }
}

#[test]
fn turned_away_consignments_are_conserved_too() {
    // An entrance with little room turns many away; the books must still balance.
    let sc = parse(&single_stage(
        2.0,
        1,
        "{ dist = \"exponential\", mean = 1.0 }",
        Some(3),
        5.0,
        3,
        5,
    ));
    let out = run_replication(&sc.spec, sc.policy.clone(), sc.seed, 0).unwrap();
    let get = |name| {
        out.metrics
            .iter()
            .find(|(k, _)| k.scope == Scope::Flow(0) && k.name == name)
            .unwrap()
            .1
            .unwrap()
    };
    assert!(get("run_turned_away") > 1000.0);
    assert_eq!(
        get("run_arrived"),
        get("run_completed") + get("run_inside_at_end") + get("run_turned_away")
    );
}
