//! Speed of bordersim, through the ordinary scenario path with full statistics on:
//! (a) the M/M/4 benchmark queue at load 0.9 (customers per second),
//! (b) one replication of one year of scenarios/horgos-2024.toml (366 days),
//! (c) `compare` of 4 variants x 20 replications (scenarios/baktu.toml: baseline and three
//!     variants),
//! (d) the disruption scenario beside the port it is measured against: one replication of
//!     a year of scenarios/nur-zholy-2025.toml (the quota episode, then the rest of the
//!     year) and of scenarios/horgos-2025.toml.
//! Run with `cargo bench`; each group takes well under a minute on 2 cores.

use bordersim::experiment::{compare, run_replication};
use bordersim::scenario::{Overrides, load_set, load_with};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn mm4(c: &mut Criterion) {
    // lambda = 1 per minute, mean clearance 3.6 min, 4 lanes; 100 days = about 144,000 customers.
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
    g.bench_function("one_replication_100_days", |b| {
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

criterion_group!(benches, mm4, horgos_year, compare_4x20, disruption_year);
criterion_main!(benches);
