//! Speed of bordersim, through the ordinary scenario path with full statistics on:
//! (a) the M/M/4 benchmark queue at load 0.9 (customers per second),
//! (b) one replication of one year of scenarios/horgos-2024.toml (366 days),
//! (c) `compare` of 4 variants x 20 replications (scenarios/baktu.toml: baseline and three
//!     variants),
//! (d) the disruption scenario beside the port it is measured against: one replication of
//!     a year of scenarios/nur-zholy-2025.toml (the quota episode, then the rest of the
//!     year) and of scenarios/horgos-2025.toml;
//! (e) the price of the time series: the M/M/4 replication with hourly rows beside daily;
//! (f) `compare` of scenarios/horgos-reform.toml (baseline and its four variants, 10
//!     replications each) on a pool of 1 and of 2 threads: runs are dealt to the threads
//!     one at a time, so 2 threads should be at least 1.8 times as fast on an idle machine.
//! Run with `cargo bench --bench engine`; (a) to (e) take well under a minute each on 2
//! cores, (f) about 5 minutes. benches/instructions.sh gives the callgrind counts.

use bordersim::experiment::{compare, run_replication};
use bordersim::scenario::{Overrides, load_set, load_with, parse_str};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn mm4(c: &mut Criterion) {
    // lambda = 1 per minute, mean clearance 3.6 min, 4 lanes; the file's 365 days = about 525,000 customers.
    let sc = load_with(Path::new("scenarios/mmc.toml"), Overrides::default()).unwrap();
    let customers = run_replication(&sc.spec, sc.policy.clone(), sc.seed, 0)
        .unwrap()
        .metrics
        .iter()
        .find(|(k, _)| k.name == "run_arrived")
        .and_then(|(_, v)| *v)
        .unwrap() as u64;
    let mut g = c.benchmark_group("mm4_load_0.9");
    g.throughput(Throughput::Elements(customers));
    g.sample_size(20);
    g.bench_function("one_replication_365_days", |b| {
        b.iter(|| black_box(run_replication(&sc.spec, sc.policy.clone(), sc.seed, 0).unwrap().events))
    });
    g.finish();
}

fn horgos_year(c: &mut Criterion) {
    let sc = load_with(Path::new("scenarios/horgos-2024.toml"), Overrides::default()).unwrap();
    let mut g = c.benchmark_group("horgos");
    g.sample_size(10);
    g.bench_function("one_replication_2024", |b| {
        b.iter(|| black_box(run_replication(&sc.spec, sc.policy.clone(), sc.seed, 0).unwrap().events))
    });
    g.finish();
}

fn compare_4x20(c: &mut Criterion) {
    let set = load_set(Path::new("scenarios/baktu.toml"), Overrides::default()).unwrap();
    // The baseline and its first three variants (green_channel, green_lane, longer_hours),
    // as when this bench was first measured.
    let all: Vec<_> = std::iter::once(&set.baseline).chain(&set.variants).take(4).collect();
    assert_eq!(all.len(), 4);
    let mut g = c.benchmark_group("compare");
    g.sample_size(10);
    g.bench_function("baktu_4_variants_x_20_replications", |b| {
        b.iter(|| black_box(compare(&all, 20, set.baseline.seed, false).unwrap().rows.len()))
    });
    g.finish();
}

fn disruption_year(c: &mut Criterion) {
    let horgos = load_with(Path::new("scenarios/horgos-2025.toml"), Overrides::default()).unwrap();
    let year = Overrides {
        horizon_days: Some(365.0),
        ..Overrides::default()
    };
    let nz = load_with(Path::new("scenarios/nur-zholy-2025.toml"), year).unwrap();
    let mut g = c.benchmark_group("disruption");
    g.sample_size(10);
    g.bench_function("horgos_2025_one_replication", |b| {
        b.iter(|| {
            black_box(
                run_replication(&horgos.spec, horgos.policy.clone(), horgos.seed, 0)
                    .unwrap()
                    .events,
            )
        })
    });
    g.bench_function("nur_zholy_year_one_replication", |b| {
        b.iter(|| black_box(run_replication(&nz.spec, nz.policy.clone(), nz.seed, 0).unwrap().events))
    });
    g.finish();
}

fn report_rows(c: &mut Criterion) {
    let text = std::fs::read_to_string("scenarios/mmc.toml").unwrap();
    let hourly = text.replace("report_interval_min = 1440", "report_interval_min = 60");
    assert_ne!(hourly, text, "mmc.toml's report interval line moved");
    let mut g = c.benchmark_group("mm4_report_rows");
    g.sample_size(20);
    for (name, src) in [("daily", &text), ("hourly", &hourly)] {
        let sc = parse_str(src, Path::new("scenarios/mmc.toml")).unwrap();
        g.bench_function(format!("one_replication_{name}"), |b| {
            b.iter(|| black_box(run_replication(&sc.spec, sc.policy.clone(), sc.seed, 0).unwrap().events))
        });
    }
    g.finish();
}

fn compare_threads(c: &mut Criterion) {
    let set = load_set(Path::new("scenarios/horgos-reform.toml"), Overrides::default()).unwrap();
    let all: Vec<_> = std::iter::once(&set.baseline).chain(&set.variants).collect();
    let mut g = c.benchmark_group("compare_horgos_reform_10");
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| pool.install(|| black_box(compare(&all, 10, set.baseline.seed, false).unwrap().rows.len())))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    mm4,
    horgos_year,
    compare_4x20,
    disruption_year,
    report_rows,
    compare_threads
);
criterion_main!(benches);
