//! bordersim against queueing theory. Each check passes when the replications' mean lies
//! within 4 standard errors (of the replications themselves) of the analytic value; the
//! last tests show that the same checks fail when clearance times are off by 5 %.

mod common;

use bordersim::model::Scope;
use common::*;

const Z: f64 = 4.0;

struct Case {
    lambda: f64,
    mu: f64,
    c: u32,
    days: f64,
}

/// The M/M/c cases of facts.md s.2 (time unit: minutes), plus a load of 0.9 with four lanes.
fn cases() -> Vec<Case> {
    vec![
        Case {
            lambda: 0.5,
            mu: 1.0,
            c: 1,
            days: 40.0,
        },
        Case {
            lambda: 0.9,
            mu: 1.0,
            c: 1,
            days: 200.0,
        },
        Case {
            lambda: 2.0,
            mu: 1.0,
            c: 3,
            days: 30.0,
        },
        // 41.7 per hour, 5-minute clearance, 4 to 6 lanes.
        Case {
            lambda: 41.7 / 60.0,
            mu: 1.0 / 5.0,
            c: 4,
            days: 200.0,
        },
        Case {
            lambda: 41.7 / 60.0,
            mu: 1.0 / 5.0,
            c: 6,
            days: 60.0,
        },
        // 20.8 per hour, 15-minute clearance, 6 lanes.
        Case {
            lambda: 20.8 / 60.0,
            mu: 1.0 / 15.0,
            c: 6,
            days: 300.0,
        },
        // The benchmark queue: lambda 1 per minute, 3.6 minutes, 4 lanes: rho = 0.9.
        Case {
            lambda: 1.0,
            mu: 1.0 / 3.6,
            c: 4,
            days: 100.0,
        },
    ]
}

/// Simulated minus analytic, in standard errors, for Wq, Lq, P(wait) and utilization.
fn deviations(case: &Case, service_scale: f64, seed: u64) -> [f64; 4] {
    let dist = format!("{{ dist = \"exponential\", mean = {} }}", service_scale / case.mu);
    let sc = parse(&single_stage(case.lambda, case.c, &dist, None, case.days, 12, seed));
    let exp = run(&sc);
    let a = erlang_c(case.lambda, case.mu, case.c);
    let s = Scope::Stage(0);
    [
        z_score(&values(&exp, s, "wait_mean_min"), a.wq),
        z_score(&values(&exp, s, "queue_mean"), a.lq),
        z_score(&values(&exp, s, "p_wait"), a.p_wait),
        z_score(&values(&exp, s, "utilization"), a.rho),
    ]
}

#[test]
fn mmc_matches_erlang_c() {
    for (i, case) in cases().iter().enumerate() {
        let z = deviations(case, 1.0, 100 + i as u64);
        let a = erlang_c(case.lambda, case.mu, case.c);
        for (name, zi) in ["Wq", "Lq", "P(wait)", "utilization"].iter().zip(z) {
            assert!(
                zi < Z,
                "M/M/{} lambda {} mu {} (rho {:.3}): {name} is {zi:.1} standard errors from Erlang C",
                case.c,
                case.lambda,
                case.mu,
                a.rho
            );
        }
    }
}

#[test]
fn a_five_percent_error_in_clearance_times_fails_the_check() {
    // The same checks must catch a model whose clearance times are 5 % too long: at every
    // load, some metric moves well beyond 4 standard errors.
    for (i, case) in cases().iter().enumerate() {
        let z = deviations(case, 1.05, 100 + i as u64);
        let worst = z.iter().copied().fold(0.0, f64::max);
        assert!(
            worst > Z,
            "case {i}: a 5% slower clearance went unnoticed (max {worst:.1} SE)"
        );
    }
}

#[test]
fn mmck_blocking_matches_theory() {
    // M/M/2/5: lambda 1.5, mu 1 per minute, room for 5 (2 in service, 3 waiting).
    let (lambda, mu, c, k) = (1.5, 1.0, 2, 5);
    let sc = parse(&single_stage(
        lambda,
        c,
        "{ dist = \"exponential\", mean = 1.0 }",
        Some(k),
        30.0,
        12,
        7,
    ));
    let exp = run(&sc);
    let (pb, lq, l) = mmck(lambda, mu, c, k);
    let blocked = values(&exp, Scope::Port, "turned_away_fraction");
    assert!(z_score(&blocked, pb) < Z, "blocking {:?} vs {pb}", mean_se(&blocked));
    let q = values(&exp, Scope::Stage(0), "queue_mean");
    assert!(z_score(&q, lq) < Z, "Lq {:?} vs {lq}", mean_se(&q));
    let n = values(&exp, Scope::Stage(0), "in_stage_mean");
    assert!(z_score(&n, l) < Z, "L {:?} vs {l}", mean_se(&n));
    // And the 5 % check: a slower server blocks measurably more.
    let sc = parse(&single_stage(
        lambda,
        c,
        "{ dist = \"exponential\", mean = 1.05 }",
        Some(k),
        30.0,
        12,
        7,
    ));
    let slow = values(&run(&sc), Scope::Port, "turned_away_fraction");
    assert!(
        z_score(&slow, pb) > Z,
        "a 5% slower server went unnoticed: {:?} vs {pb}",
        mean_se(&slow)
    );
}

#[test]
fn md1_and_mg1_match_pollaczek_khinchine() {
    let lambda = 0.8;
    // M/D/1: constant clearance of 1 minute.
    let sc = parse(&single_stage(
        lambda,
        1,
        "{ dist = \"constant\", value = 1.0 }",
        None,
        60.0,
        12,
        11,
    ));
    let w = values(&run(&sc), Scope::Stage(0), "wait_mean_min");
    let expected = pk_wq(lambda, 1.0, 0.0);
    assert!(z_score(&w, expected) < Z, "M/D/1 Wq {:?} vs {expected}", mean_se(&w));
    // M/G/1 with log-normal clearance, mean 1, cv 1.5.
    let sc = parse(&single_stage(
        lambda,
        1,
        "{ dist = \"lognormal\", mean = 1.0, cv = 1.5 }",
        None,
        200.0,
        12,
        12,
    ));
    let w = values(&run(&sc), Scope::Stage(0), "wait_mean_min");
    let expected = pk_wq(lambda, 1.0, 2.25);
    assert!(z_score(&w, expected) < Z, "M/G/1 Wq {:?} vs {expected}", mean_se(&w));
    // M/E4/1 (Erlang-4 clearance): variance mean^2 / 4.
    let sc = parse(&single_stage(
        lambda,
        1,
        "{ dist = \"erlang\", k = 4, mean = 1.0 }",
        None,
        60.0,
        12,
        13,
    ));
    let w = values(&run(&sc), Scope::Stage(0), "wait_mean_min");
    let expected = pk_wq(lambda, 1.0, 0.25);
    assert!(z_score(&w, expected) < Z, "M/E4/1 Wq {:?} vs {expected}", mean_se(&w));
}

#[test]
fn mmc_via_the_bundled_scenario_file() {
    // scenarios/mmc.toml is the M/M/4 benchmark at load 0.9.
    let sc = bordersim::scenario::load(std::path::Path::new("scenarios/mmc.toml")).expect("bundled scenario");
    let exp = run(&sc);
    let a = erlang_c(1.0, 1.0 / 3.6, 4);
    let w = values(&exp, Scope::Stage(0), "wait_mean_min");
    assert!(z_score(&w, a.wq) < Z, "Wq {:?} vs {}", mean_se(&w), a.wq);
    let tis = values(&exp, Scope::Port, "time_in_system_mean_min");
    assert!(z_score(&tis, a.w) < Z, "W {:?} vs {}", mean_se(&tis), a.w);
}

#[test]
fn the_bundled_mmc_run_prints_intervals_that_cover_erlang_c_and_exclude_five_percent_off() {
    // What a newcomer sees: `bordersim run scenarios/mmc.toml` at the file's own seed,
    // replications and horizon. Each 95 % interval must cover the Erlang C value and be
    // narrow enough to exclude a value 5 % off (one that misses by chance would be a poor
    // teaching example; the file's settings were chosen for width, not this seed's luck).
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mmc-bundled");
    let _ = std::fs::remove_dir_all(&out);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", "scenarios/mmc.toml", "--no-charts", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    let port = &j["ports"]["textbook"];
    let lanes = &port["stages"]["lanes"];
    let a = erlang_c(1.0, 1.0 / 3.6, 4);
    for (name, m, exact) in [
        ("Wq", &lanes["wait_mean_min"], a.wq),
        ("Lq", &lanes["queue_mean"], a.lq),
        ("P(wait)", &lanes["p_wait"], a.p_wait),
        ("utilization", &lanes["utilization"], a.rho),
        ("W", &port["totals"]["time_in_system_mean_min"], a.w),
    ] {
        let (mean, ci) = (m["mean"].as_f64().unwrap(), m["ci95"].as_f64().unwrap());
        assert!((mean - exact).abs() <= ci, "{name}: {mean} ± {ci} misses {exact}");
        assert!((mean - 1.05 * exact).abs() > ci, "{name}: {mean} ± {ci} admits 5 % off");
        assert!((mean - 0.95 * exact).abs() > ci, "{name}: {mean} ± {ci} admits 5 % off");
    }
}
