//! `[demand.NAME]`: one arrival stream split between ports, at random by share or to the
//! less loaded port. Checked against queueing theory (Poisson thinning gives each port an
//! M/M/1 queue) and against common random numbers.

mod common;

use bordersim::experiment::Experiment;
use bordersim::model::Scope;
use bordersim::scenario::{Overrides, parse_set};
use common::*;
use std::path::Path;

/// Two identical single-lane ports (exponential, mean 10 min) fed by one demand of
/// `per_hour` consignments.
fn two_ports(choice: &str, per_hour: f64, split: (f64, f64), days: f64) -> String {
    format!(
        r#"[simulation]
horizon_days = {days}
warmup_days = {warm}
replications = 10
seed = 7

[modes.truck]
kind = "generic"

[demand.trucks]
mode = "truck"
rate = {{ per_hour = {per_hour} }}
split = {{ a = {}, b = {} }}
choice = "{choice}"

[ports.a.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "exponential", mean = 10 }}

[ports.a.flows.truck]
demand = "trucks"
route = ["lane"]

[ports.b.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "exponential", mean = 10 }}

[ports.b.flows.truck]
demand = "trucks"
route = ["lane"]

[variants.slow_a]
set = {{ "ports.a.stages.lane.clearance" = {{ dist = "exponential", mean = 11 }} }}
"#,
        split.0,
        split.1,
        warm = days / 50.0
    )
}

fn wq(exp: &Experiment, port: usize) -> Vec<f64> {
    values_at(exp, port, Scope::Stage(port), "wait_mean_min")
}

#[test]
fn a_random_split_gives_each_port_an_mm1_queue_at_its_share_of_the_rate() {
    // 9.6/h split 50/50: each port is M/M/1 with lambda 0.08/min, mu 0.1 -> rho 0.8,
    // Wq = rho / (mu - lambda) = 40 min.
    let exp = run(&parse(&two_ports("shares", 9.6, (0.5, 0.5), 400.0)));
    for port in 0..2 {
        let z = z_score(&wq(&exp, port), 40.0);
        assert!(
            z < 4.0,
            "port {port}: Wq {:?} is {z:.1} SE from 40",
            mean_se(&wq(&exp, port))
        );
    }
    // Shares 0.7 / 0.3 of ~ 9.6*24*392 arrivals: binomial, SE of the share about 0.0013.
    let exp = run(&parse(&two_ports("shares", 4.8, (0.7, 0.3), 400.0)));
    let a: f64 = values_at(&exp, 0, Scope::Port, "arrivals").iter().sum();
    let b: f64 = values_at(&exp, 1, Scope::Port, "arrivals").iter().sum();
    let share = a / (a + b);
    let se = (0.7 * 0.3 / (a + b)).sqrt();
    assert!((share - 0.7).abs() < 4.0 * se, "share {share}, se {se}");
}

#[test]
fn balancing_to_the_less_loaded_port_beats_a_random_split() {
    // Join-the-shortest-queue over two M/M/1 servers waits far less than random routing
    // (40 min); it must stay at least a third below it.
    let exp = run(&parse(&two_ports("balance", 9.6, (0.5, 0.5), 200.0)));
    for port in 0..2 {
        let (m, _) = mean_se(&wq(&exp, port));
        assert!(m < 40.0 * 2.0 / 3.0, "port {port}: Wq {m}");
    }
}

fn compare_arrivals(choice: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let src = two_ports(choice, 9.6, (0.5, 0.5), 100.0);
    let set = parse_set(&src, Path::new("t.toml"), Overrides::default()).unwrap();
    let base = run(&set.baseline);
    let slow = run(&set.variants[0]);
    let total = |e: &Experiment| -> Vec<f64> {
        let a = values_at(e, 0, Scope::Port, "arrivals");
        let b = values_at(e, 1, Scope::Port, "arrivals");
        a.iter().zip(&b).map(|(x, y)| x + y).collect()
    };
    (
        total(&base),
        total(&slow),
        values_at(&base, 0, Scope::Port, "arrivals"),
        values_at(&slow, 0, Scope::Port, "arrivals"),
    )
}

#[test]
fn common_random_numbers_keep_the_demand_identical_across_variants() {
    // A slower lane at port a changes nothing about the demand stream, and under a random
    // split nothing about which port each consignment picks.
    let (base, slow, base_a, slow_a) = compare_arrivals("shares");
    assert_eq!(base, slow);
    assert_eq!(base_a, slow_a);
    // Under `balance` the demand is the same but the slower port receives less of it.
    let (base, slow, base_a, slow_a) = compare_arrivals("balance");
    assert_eq!(base, slow);
    assert!(slow_a.iter().sum::<f64>() < base_a.iter().sum::<f64>());
}

/// Three ports sharing one demand equally; `c` clears slowly (one lane, 10 h).
fn three_ports(choice: &str) -> String {
    let port = |name: &str, servers: u32, mean: f64| {
        format!(
            "[ports.{name}.stages.lane]\nkind = \"servers\"\nservers = {servers}\nclearance = {{ dist = \"constant\", value = {mean} }}\n\n[ports.{name}.flows.truck]\ndemand = \"trucks\"\nroute = [\"lane\"]\n\n"
        )
    };
    format!(
        "[simulation]\nhorizon_days = 30\nreplications = 4\nseed = 3\n\n[modes.truck]\nkind = \"generic\"\n\n[demand.trucks]\nmode = \"truck\"\nrate = {{ per_hour = 6 }}\nsplit = {{ a = 0.3333, b = 0.3333, c = 0.3334 }}\nchoice = \"{choice}\"\n\n{}{}{}",
        port("a", 50, 0.01),
        port("b", 50, 0.01),
        port("c", 1, 600.0)
    )
}

#[test]
fn balancing_breaks_ties_at_random_not_by_port_name() {
    // a and b are almost always empty and tie; c is nearly always busy. The tie must split
    // the arrivals evenly between a and b, whatever their names' order.
    let exp = run(&parse(&three_ports("balance")));
    let arrivals = |p: usize| -> f64 { values_at(&exp, p, Scope::Port, "arrivals").iter().sum() };
    let (a, b, c) = (arrivals(0), arrivals(1), arrivals(2));
    let n = a + b;
    let se = (0.25 / n).sqrt();
    assert!((a / n - 0.5).abs() < 4.0 * se, "a {a}, b {b}, c {c}");
    // c takes an arrival only when it is empty too (a three-way tie): at most one per
    // 10-hour clearance, in each of the 4 replications.
    assert!(c <= 4.0 * (30.0 * 1440.0 / 600.0 + 1.0), "the busy port took {c}");
}

#[test]
fn one_ports_route_does_not_shift_the_other_ports_draws() {
    // Under a random split, port a receives the same consignments whatever port b's route
    // is; its optional step must then be drawn identically.
    let src = r#"[simulation]
horizon_days = 20
replications = 3
seed = 5

[modes.truck]
kind = "generic"

[demand.trucks]
mode = "truck"
rate = { per_hour = 6 }
split = { a = 0.5, b = 0.5 }

[ports.a.stages.x]
kind = "dwell"
clearance = { dist = "exponential", mean = 3 }

[ports.a.stages.y]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.a.flows.truck]
demand = "trucks"
route = [{ stage = "x", probability = 0.5 }, "y"]

[ports.b.stages.z]
kind = "dwell"
clearance = { dist = "constant", value = 1 }

[ports.b.flows.truck]
demand = "trucks"
route = ["z"]

[variants.b_optional]
set = { "ports.b.flows.truck.route" = [{ stage = "z", probability = 0.99 }] }
"#;
    let set = parse_set(src, Path::new("t.toml"), Overrides::default()).unwrap();
    let (base, other) = (run(&set.baseline), run(&set.variants[0]));
    let tis = |e: &Experiment| values_at(e, 0, Scope::Port, "time_in_system_mean_min");
    assert_eq!(tis(&base), tis(&other));
}
