//! Shared helpers for integration tests: analytic queueing formulas and scenario builders.
#![allow(dead_code)]

use bordersim::experiment::{Experiment, run_replications};
use bordersim::model::{MetricKey, Scope};
use bordersim::scenario::{Scenario, parse_str};
use std::path::Path;

/// Erlang C results for M/M/c with arrival rate `lambda` and service rate `mu` per server.
#[derive(Debug, Clone, Copy)]
pub struct MMc {
    pub p_wait: f64,
    pub wq: f64,
    pub lq: f64,
    pub w: f64,
    pub l: f64,
    pub rho: f64,
}

pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> MMc {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    assert!(rho < 1.0);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    let p_wait = last / (sum + last);
    let wq = p_wait / (f64::from(c) * mu - lambda);
    MMc {
        p_wait,
        wq,
        lq: lambda * wq,
        w: wq + 1.0 / mu,
        l: lambda * (wq + 1.0 / mu),
        rho,
    }
}

/// M/M/c/K: blocking probability, Lq and the mean number in system.
pub fn mmck(lambda: f64, mu: f64, c: u32, k: u32) -> (f64, f64, f64) {
    let a = lambda / mu;
    let mut p = vec![1.0f64];
    for n in 1..=k {
        let prev = p[(n - 1) as usize];
        let servers = f64::from(n.min(c));
        p.push(prev * a / servers);
    }
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|x| x / total).collect();
    let lq = (c..=k).map(|n| f64::from(n - c) * p[n as usize]).sum();
    let l = (0..=k).map(|n| f64::from(n) * p[n as usize]).sum();
    (p[k as usize], lq, l)
}

/// Pollaczek-Khinchine mean wait for M/G/1: lambda E[S^2] / (2 (1 - rho)).
pub fn pk_wq(lambda: f64, mean_s: f64, var_s: f64) -> f64 {
    let rho = lambda * mean_s;
    lambda * (var_s + mean_s * mean_s) / (2.0 * (1.0 - rho))
}

/// A one-stage scenario: Poisson arrivals at `per_min`, `servers` lanes, clearance `dist`
/// (a TOML inline table), optional capacity.
pub fn single_stage(
    per_min: f64,
    servers: u32,
    dist: &str,
    capacity: Option<u32>,
    days: f64,
    reps: u32,
    seed: u64,
) -> String {
    let cap = capacity.map_or(String::new(), |k| format!("capacity = {k}\n"));
    format!(
        r#"[simulation]
name = "single stage"
horizon_days = {days}
warmup_days = {warm}
seed = {seed}
replications = {reps}
report_interval_min = 1440

[modes.car]
kind = "generic"

[ports.p.stages.s]
kind = "servers"
servers = {servers}
{cap}clearance = {dist}

[ports.p.flows.car]
rate = {{ per_hour = {per_hour} }}
route = ["s"]
"#,
        warm = days / 50.0,
        per_hour = per_min * 60.0
    )
}

pub fn parse(src: &str) -> Scenario {
    parse_str(src, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

pub fn run(sc: &Scenario) -> Experiment {
    run_replications(&sc.spec, &sc.policy, sc.seed, sc.replications, |_| {}).unwrap()
}

/// Per-replication values of metric `name` at stage 0 (or port scope) of port 0.
pub fn values(exp: &Experiment, scope: Scope, name: &'static str) -> Vec<f64> {
    values_at(exp, 0, scope, name)
}

/// Mean and standard error of the mean.
pub fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// How many standard errors the replications' mean lies from `expected`.
pub fn z_score(v: &[f64], expected: f64) -> f64 {
    let (m, se) = mean_se(v);
    (m - expected).abs() / se.max(1e-12)
}

/// Per-replication values of metric `name` in `scope` of port `port`.
pub fn values_at(exp: &Experiment, port: usize, scope: Scope, name: &'static str) -> Vec<f64> {
    let key = MetricKey { port, scope, name };
    let i = exp
        .metrics
        .iter()
        .position(|(k, _)| *k == key)
        .unwrap_or_else(|| panic!("no metric {name} at port {port}"));
    exp.per_replication[i].iter().map(|v| v.expect("observed")).collect()
}
