//! Speed of `sweep` against `run` (issue: sweeps spread (point, replication) pairs over the
//! thread pool): a 16-point sweep of scenarios/horgos-2025.toml with 4 replications each
//! (benches/data/sweep-horgos-16.toml), beside one `run` of 64 replications of the scenario
//! itself, each on a pool of 1 and of 2 threads. The sweep should run at the single run's
//! replication rate (within 10 %), and 2 threads should be at least 1.8 times as fast as 1
//! on an otherwise idle machine. Each measurement is a few seconds to tens of seconds, so
//! the groups take a few minutes: `cargo bench --bench sweep`.

use bordersim::experiment::run_replications;
use bordersim::experiment::sweep::{Shard, Values, build, load, run};
use bordersim::scenario::{Overrides, load_with};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const REPLICATIONS: u32 = 4;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

fn sweep_against_run(c: &mut Criterion) {
    let def = load(Path::new("benches/data/sweep-horgos-16.toml")).unwrap();
    let overrides = Overrides {
        replications: Some(REPLICATIONS),
        ..Overrides::default()
    };
    let sweep = build(&def, overrides).unwrap();
    assert_eq!(sweep.plan.points.len(), 16);
    let sc = load_with(Path::new("scenarios/horgos-2025.toml"), Overrides::default()).unwrap();
    let never = AtomicBool::new(false);
    let mut g = c.benchmark_group("sweep_horgos_16x4");
    g.sample_size(10);
    for threads in [1, 2] {
        let p = pool(threads);
        g.bench_function(format!("sweep_16_points_x_4_threads_{threads}"), |b| {
            b.iter(|| {
                p.install(|| {
                    let (values, complete) = run(&sweep, Shard::WHOLE, Values::new(), |_| {}, &never).unwrap();
                    assert!(complete);
                    black_box(values.len())
                })
            })
        });
        g.bench_function(format!("run_64_replications_threads_{threads}"), |b| {
            b.iter(|| {
                p.install(|| {
                    let exp = run_replications(&sc.spec, &sc.policy, sc.seed, 16 * REPLICATIONS, |_| {}).unwrap();
                    black_box(exp.replications)
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sweep_against_run);
criterion_main!(benches);
