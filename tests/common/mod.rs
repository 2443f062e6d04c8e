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

/// Erlang A (M/M/c+M): arrival rate `lambda`, service rate `mu` per server, `c` servers and
/// exponential patience of rate `theta`, from the birth-death chain truncated where its
/// probabilities vanish.
#[derive(Debug, Clone, Copy)]
pub struct MMcM {
    /// Share of arrivals that give up.
    pub p_abandon: f64,
    /// Mean number waiting.
    pub lq: f64,
    /// Mean wait of those served.
    pub wq_served: f64,
    /// Mean wait of those who give up (until they do).
    pub wq_abandoned: f64,
}

pub fn erlang_a(lambda: f64, mu: f64, c: u32, theta: f64) -> MMcM {
    let c = c as usize;
    let mut p = vec![1.0f64];
    let mut n = 1;
    // Beyond c + lambda/theta the terms fall at least geometrically: stop when negligible.
    while n < c + 10 || p[n - 1] > 1e-18 * p.iter().cloned().fold(0.0, f64::max) {
        let rate = n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * theta;
        p.push(p[n - 1] * lambda / rate);
        n += 1;
    }
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|x| x / total).collect();
    let lq: f64 = p.iter().enumerate().map(|(n, x)| n.saturating_sub(c) as f64 * x).sum();
    let p_abandon = theta * lq / lambda;
    // An arrival (PASTA) that finds n >= c waits at position j = n - c + 1; at position i
    // the line ahead moves at c mu + (i - 1) theta and it gives up at theta, so it is
    // served with probability prod (c mu + (i-1) theta) / (c mu + i theta) and, given the
    // path, waits sum 1 / (c mu + i theta).
    let (mut served, mut wait_served) = (0.0, 0.0);
    for (n, x) in p.iter().enumerate() {
        if n < c {
            served += x;
            continue;
        }
        let (mut prob, mut t) = (1.0, 0.0);
        for i in 1..=(n - c + 1) {
            let r = c as f64 * mu + i as f64 * theta;
            prob *= (c as f64 * mu + (i - 1) as f64 * theta) / r;
            t += 1.0 / r;
        }
        served += x * prob;
        wait_served += x * prob * t;
    }
    let wq_all = lq / lambda;
    MMcM {
        p_abandon,
        lq,
        wq_served: wait_served / served,
        wq_abandoned: (wq_all - wait_served) / p_abandon,
    }
}
