//! `bordersim fit` against arrivals bordersim itself generated from known profiles: the
//! fitted rate and factors recover the true ones within their intervals, the same check
//! fails for a profile 5 % off in some hours, the printed TOML is a flow bordersim reads,
//! and the dispersion check tells Poisson arrivals from batched ones.
//!
//! Family-wise rule: 35 numbers are checked (the rate, 24 hour, 7 weekday and the 3 month
//! factors of January to March), each against its 99.9 % interval (±3.29 standard errors
//! on the log scale), so by Bonferroni the chance that a correct fit fails the check is at
//! most 35 × 0.1 % = 3.5 % for a new seed; the seed here is fixed, so the test is
//! deterministic.

use bordersim::date::StartInstant;
use bordersim::model::{ArrivalSpec, Recorder, Simulation, Trace};
use bordersim::report::fit::flow_body;
use bordersim::scenario::parse_str;
use bordersim::stats::fit::{Factor, Fit, Verdict, Window, fit};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The 0.9995 normal quantile: two-sided 99.9 % intervals.
const Z999: f64 = 3.290_527;

/// Twelve weeks from Monday 6 January 2025.
const DAYS: f64 = 84.0;
const START: &str = "2025-01-06";

/// Consignments a day: about 168 000 in the log, enough that a 5 % error in one busy
/// hour is about four standard errors.
const PER_DAY: f64 = 2000.0;

/// True hour profile (closed 01:00-05:00 would make zeros; kept open but quiet at night).
fn true_hours() -> [f64; 24] {
    let mut h = [0.0; 24];
    for (i, x) in h.iter_mut().enumerate() {
        *x = match i {
            0..=5 => 0.3,
            6..=9 => 1.2,
            10..=16 => 1.8,
            17..=20 => 1.0,
            _ => 0.5,
        };
    }
    h
}

const TRUE_DAYS: [f64; 7] = [1.1, 1.0, 1.0, 1.0, 1.2, 0.8, 0.4];

fn list(v: &[f64]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn scenario(flow: &str) -> String {
    format!(
        "[simulation]\nstart = \"{START}\"\nhorizon_days = {DAYS}\nreplications = 1\nseed = 11\n\n\
         [modes.truck]\nkind = \"generic\"\n\n\
         [ports.p.stages.gate]\nkind = \"dwell\"\nclearance = {{ dist = \"constant\", value = 1 }}\n\n\
         [ports.p.flows.truck]\nroute = [\"gate\"]\n{flow}"
    )
}

/// The arrival times of one replication of `src`, from the simulation's own trace.
fn arrivals(src: &str) -> Vec<f64> {
    let sc = parse_str(src, Path::new("fit-test.toml")).unwrap();
    let mut sim = Simulation::observed(&sc.spec, sc.policy.clone(), sc.seed, 0, Recorder::default());
    sim.run();
    sim.observer()
        .0
        .iter()
        .filter_map(|e| match e {
            Trace::Arrive { t, .. } => Some(*t),
            _ => None,
        })
        .collect()
}

/// The generated log and its fit, made once for all tests.
fn generated() -> &'static (Vec<f64>, Fit) {
    static LOG: OnceLock<(Vec<f64>, Fit)> = OnceLock::new();
    LOG.get_or_init(|| {
        let flow = format!(
            "rate = {{ per_day = {PER_DAY} }}\nhour_of_day = [{}]\nday_of_week = [{}]\n",
            list(&true_hours()),
            list(&TRUE_DAYS)
        );
        let t = arrivals(&scenario(&flow));
        let start = StartInstant::parse(START).unwrap();
        let f = fit(
            &t,
            &start,
            Window {
                from: 0.0,
                to: DAYS * 1440.0,
            },
        )
        .unwrap();
        (t, f)
    })
}

/// `v` scaled to mean 1, as a scenario scales a profile.
fn normalised(v: &[f64]) -> Vec<f64> {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| x / mean).collect()
}

/// The numbers outside their 99.9 % intervals when the truth is `rate`, `hours`, `days`.
fn misses(f: &Fit, rate: f64, hours: &[f64], days: &[f64]) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: String, x: &Factor, truth: f64| {
        if !x.covers(truth, Z999) {
            out.push(format!(
                "{what}: fitted {:.4} (se_log {:.4}), true {truth:.4}",
                x.value, x.se_log
            ));
        }
    };
    check("rate".into(), &f.rate_per_day, rate);
    for (h, (x, t)) in f.hour.factors().unwrap().iter().zip(normalised(hours)).enumerate() {
        check(format!("hour {h}"), x, t);
    }
    for (d, (x, t)) in f.weekday.factors().unwrap().iter().zip(normalised(days)).enumerate() {
        check(format!("weekday {d}"), x, t);
    }
    // The scenario has no month profile: January to March are 1.
    for (m, x) in f.month.factors().unwrap()[..3].iter().enumerate() {
        check(format!("month {m}"), x, 1.0);
    }
    out
}

#[test]
fn fitted_profiles_recover_the_true_ones_within_their_intervals() {
    let (t, f) = generated();
    assert_eq!(f.arrivals, t.len());
    assert!((150_000..190_000).contains(&t.len()), "{}", t.len());
    let m = misses(f, PER_DAY, &true_hours(), &TRUE_DAYS);
    assert!(m.is_empty(), "outside 99.9 % intervals: {m:#?}");
    // January (26 days), February (28) and March (30) are in the window, each long enough
    // for its month factor; the other months are not observed and written as 1.
    let months = f.month.factors().unwrap();
    assert!(months[..3].iter().all(|m| m.observed) && months[3..].iter().all(|m| !m.observed));
    assert_eq!(f.dropped, (0, vec![]));
}

#[test]
fn the_check_fails_for_a_profile_five_percent_off_in_some_hours() {
    let (_, f) = generated();
    // 5 % more in the four morning hours 06-09 (the rest of the profile as it was): the
    // fitted factors must reject it. The 5 % weekday error is caught too.
    let mut hours = true_hours();
    for h in &mut hours[6..10] {
        *h *= 1.05;
    }
    let m = misses(f, PER_DAY, &hours, &TRUE_DAYS);
    assert!(!m.is_empty(), "a 5 % error in hours 06-09 went unnoticed");
    let mut days = TRUE_DAYS;
    days[4] *= 1.05;
    assert!(!misses(f, PER_DAY, &true_hours(), &days).is_empty());
    assert!(!misses(f, PER_DAY * 1.05, &true_hours(), &TRUE_DAYS).is_empty());
}

#[test]
fn a_poisson_log_looks_poisson_and_a_batched_one_over_dispersed() {
    let (t, f) = generated();
    let hourly = f.dispersion.hourly.unwrap();
    assert!((hourly.index - 1.0).abs() < 0.1, "{hourly:?}");
    assert_eq!(f.dispersion.verdict, Verdict::Poisson, "{:?}", f.dispersion);
    assert_eq!(f.widening, hourly.index.max(1.0).sqrt());
    // The same arrivals in threes (a convoy at each arrival): counts three times as
    // variable, dispersion near 3, and intervals widened by about √3.
    let batched: Vec<f64> = t.iter().flat_map(|x| [*x; 3]).collect();
    let start = StartInstant::parse(START).unwrap();
    let b = fit(
        &batched,
        &start,
        Window {
            from: 0.0,
            to: DAYS * 1440.0,
        },
    )
    .unwrap();
    let bh = b.dispersion.hourly.unwrap();
    assert!((bh.index - 3.0).abs() < 0.3, "{bh:?}");
    assert_eq!(b.dispersion.verdict, Verdict::OverDispersed);
    let (h, bh) = (f.hour.factors().unwrap()[12], b.hour.factors().unwrap()[12]);
    assert!((bh.value - h.value).abs() < 1e-9);
    // √3 wider than the Poisson interval of three times the arrivals: as wide as before.
    assert!(
        (bh.se_log / h.se_log - 1.0).abs() < 0.1,
        "{} vs {}",
        bh.se_log,
        h.se_log
    );
}

#[test]
fn the_printed_toml_is_a_flow_bordersim_reads_back() {
    let (_, f) = generated();
    let body = flow_body(f);
    let sc = parse_str(&scenario(&body), Path::new("pasted.toml")).unwrap();
    let ArrivalSpec::Poisson(p) = &sc.spec.flows[0].arrivals else {
        panic!("not a Poisson flow")
    };
    assert!((p.rate * 1440.0 / f.rate_per_day.value - 1.0).abs() < 1e-4);
    for (got, x) in p.hour.iter().zip(f.hour.factors().unwrap()) {
        assert!((got - x.value).abs() < 2e-4, "{got} vs {}", x.value);
    }
    for (got, x) in p.weekday.iter().zip(f.weekday.factors().unwrap()) {
        assert!((got - x.value).abs() < 2e-4);
    }
    for (got, x) in p.month.iter().zip(f.month.factors().unwrap()) {
        assert!((got - x.value).abs() < 2e-4);
    }
}

fn dir() -> std::path::PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fit");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_binary_fits_a_csv_of_modes_and_vehicles_and_writes_pasteable_toml() {
    // Four weeks of the generated log as date-times, every third consignment a car (one
    // vehicle), the others trucks of 6 or 8 vehicles.
    let (t, _) = generated();
    let start = StartInstant::parse(START).unwrap();
    let mut csv = String::from("time,mode,vehicles\n");
    for (i, x) in t.iter().filter(|x| **x < 28.0 * 1440.0).enumerate() {
        let (mode, v) = if i % 3 == 0 {
            ("car", 1)
        } else {
            ("truck", 6 + 2 * (i % 2))
        };
        let whole = x.floor();
        let secs = ((x - whole) * 60.0).floor() as u32;
        csv.push_str(&format!("{}:{secs:02},{mode},{v}\n", start.format(whole)));
    }
    let file = dir().join("gate.csv");
    std::fs::write(&file, csv).unwrap();
    let out = dir().join("fitted.toml");
    let _ = std::fs::remove_file(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["fit", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        // Long lines wrap with an indent of two.
        stdout
            .replace("\n  ", " ")
            .contains("window 2025-01-06T00:00 to 2025-02-03T00:00 (28 days)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Mode car:") && stdout.contains("Mode truck:"),
        "{stdout}"
    );
    let toml = std::fs::read_to_string(&out).unwrap();
    assert!(stdout.contains(&toml), "the file is the printed TOML");
    assert!(toml.contains("# vehicles = { dist = \"empirical\", values = [6, 8], weights = ["));
    assert!(toml.contains("# vehicles = { dist = \"empirical\", values = [1], weights = ["));
    assert!(toml.contains("# month_of_year omitted: the window holds 1 month(s)"));
    // Pasted with the port renamed and a route added, both flows are read; the shares
    // split the rate about 1 : 2.
    let pasted = toml
        .replace("[ports.PORT.flows.car]\n", "[ports.p.flows.car]\nroute = [\"gate\"]\n")
        .replace(
            "[ports.PORT.flows.truck]\n",
            "[ports.p.flows.truck]\nroute = [\"gate\"]\n",
        );
    let src = format!(
        "[simulation]\nstart = \"{START}\"\nhorizon_days = 7\n\n[modes.car]\nkind = \"generic\"\n\n[modes.truck]\nkind = \"generic\"\n\n\
         [ports.p.stages.gate]\nkind = \"dwell\"\nclearance = {{ dist = \"constant\", value = 1 }}\n\n{pasted}"
    );
    let sc = parse_str(&src, Path::new("pasted.toml")).unwrap();
    let rates: Vec<f64> = sc
        .spec
        .flows
        .iter()
        .map(|f| match &f.arrivals {
            ArrivalSpec::Poisson(p) => p.rate * 1440.0,
            _ => panic!("not Poisson"),
        })
        .collect();
    assert_eq!(rates.len(), 2);
    let ratio = rates[1] / rates[0];
    assert!((ratio - 2.0).abs() < 0.05, "{rates:?}");
    assert!(((rates[0] + rates[1]) / PER_DAY - 1.0).abs() < 0.03, "{rates:?}");
}
