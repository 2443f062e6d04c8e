//! Lane breakdowns against exact results. With exponential failures counted in working
//! time, a clearance of work S under the resume rule takes B = S + the repairs of a Poisson
//! number (rate alpha x S) of failures, so M/G/1 with B's first two moments gives the mean
//! wait (Pollaczek-Khinchine); under the restart rule E[B] = (1/alpha + E[R]) (e^(alpha S) - 1)
//! for a constant S, so utilization is lambda E[B]. Each check passes within 4 standard
//! errors of the replications, and the same checks fail with failures or repairs 5 % off.

mod common;

use bordersim::model::Scope;
use common::*;

const Z: f64 = 4.0;

#[derive(Clone, Copy)]
struct Case {
    /// Arrivals per minute.
    lambda: f64,
    /// Work: (mean, exponential?) otherwise constant.
    work: (f64, bool),
    /// Mean working minutes between failures (exponential).
    between: f64,
    /// Repair: (mean, exponential?) otherwise constant.
    repair: (f64, bool),
    restart: bool,
    days: f64,
}

fn dist((mean, exp): (f64, bool)) -> String {
    if exp {
        format!("{{ dist = \"exponential\", mean = {mean} }}")
    } else {
        format!("{{ dist = \"constant\", value = {mean} }}")
    }
}

fn moments((mean, exp): (f64, bool)) -> (f64, f64) {
    (mean, if exp { 2.0 * mean * mean } else { mean * mean })
}

struct Exact {
    /// Mean lane time per clearance.
    b: f64,
    /// Its second moment (resume only).
    b2: Option<f64>,
    /// Failures per clearance.
    failures: f64,
}

fn exact(c: &Case) -> Exact {
    let alpha = 1.0 / c.between;
    let (s1, s2) = moments(c.work);
    let (r1, r2) = moments(c.repair);
    if c.restart {
        assert!(!c.work.1, "restart: constant work only");
        let grow = (alpha * s1).exp() - 1.0;
        Exact {
            b: (1.0 / alpha + r1) * grow,
            b2: None,
            failures: grow,
        }
    } else {
        Exact {
            b: s1 * (1.0 + alpha * r1),
            b2: Some(s2 * (1.0 + alpha * r1).powi(2) + alpha * s1 * r2),
            failures: alpha * s1,
        }
    }
}

fn cases() -> Vec<Case> {
    vec![
        // Exponential work and repairs: rho 0.55.
        Case {
            lambda: 0.1,
            work: (5.0, true),
            between: 30.0,
            repair: (3.0, true),
            restart: false,
            days: 200.0,
        },
        // Constant work and repairs, a failure every 20 working minutes: rho 0.75.
        Case {
            lambda: 0.15,
            work: (4.0, false),
            between: 20.0,
            repair: (5.0, false),
            restart: false,
            days: 200.0,
        },
        // The same lane under restart: E[B] = 25 (e^0.2 - 1) = 5.53, rho 0.66.
        Case {
            lambda: 0.12,
            work: (4.0, false),
            between: 20.0,
            repair: (5.0, false),
            restart: true,
            days: 200.0,
        },
    ]
}

/// Simulated minus exact in standard errors: failures per clearance, utilization, and (resume)
/// the mean wait; with the scenario's mean time between failures and repair scaled.
fn deviations(c: &Case, between_scale: f64, repair_scale: f64, seed: u64) -> Vec<f64> {
    let rule = if c.restart { "restart" } else { "resume" };
    let src = single_stage(c.lambda, 1, &dist(c.work), None, c.days, 12, seed).replace(
        "\n[ports.p.flows.car]",
        &format!(
            "breakdowns = {{ between = {{ dist = \"exponential\", mean = {} }}, repair = {}, rule = \"{rule}\" }}\n\n[ports.p.flows.car]",
            c.between * between_scale,
            dist((c.repair.0 * repair_scale, c.repair.1))
        ),
    );
    let sc = parse(&src);
    assert!(sc.spec.stages[0].breakdowns.is_some());
    let exp = run(&sc);
    let e = exact(c);
    let s = Scope::Stage(0);
    let failures: Vec<f64> = values(&exp, s, "lane_failures")
        .iter()
        .zip(values(&exp, s, "served"))
        .map(|(f, n)| f / n)
        .collect();
    let mut z = vec![
        z_score(&failures, e.failures),
        z_score(&values(&exp, s, "utilization"), c.lambda * e.b),
        z_score(&values(&exp, s, "repair_share"), e.failures * c.repair.0 / e.b),
    ];
    if let Some(b2) = e.b2 {
        z.push(z_score(
            &values(&exp, s, "wait_mean_min"),
            pk_wq(c.lambda, e.b, b2 - e.b * e.b),
        ));
    }
    z
}

#[test]
fn breakdowns_match_the_exact_completion_time_moments() {
    for (i, c) in cases().iter().enumerate() {
        let z = deviations(c, 1.0, 1.0, 500 + i as u64);
        eprintln!("case {i}: {z:.2?}");
        for (name, zi) in ["failures per clearance", "utilization", "repair share", "Wq (P-K)"]
            .iter()
            .zip(&z)
        {
            assert!(
                *zi < Z,
                "case {i}: {name} is {zi:.1} standard errors from the exact value"
            );
        }
    }
}

#[test]
fn five_percent_off_in_failures_or_repairs_fails_the_check() {
    for (i, c) in cases().iter().enumerate() {
        for (b, r) in [(0.95, 1.0), (1.05, 1.0), (1.0, 0.95), (1.0, 1.05)] {
            let z = deviations(c, b, r, 500 + i as u64);
            let worst = z.iter().copied().fold(0.0, f64::max);
            eprintln!("case {i} between x{b} repair x{r}: {z:.2?}");
            assert!(
                worst > Z,
                "case {i}: between x{b}, repair x{r} went unnoticed (max {worst:.1} SE)"
            );
        }
    }
}
