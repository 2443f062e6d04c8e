//! Running a sweep's (point, replication) pairs, all of them or one shard's share, on the
//! experiment runner's pool, keeping each pair's metric values by its index.

use super::plan::Sweep;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// Each finished pair's metric values (in [`super::Plan::metrics`] order, `None` where its
/// point lacks the metric or a replication did not observe it), by pair index.
pub type Values = BTreeMap<u64, Vec<Option<f64>>>;

/// One machine's share of a sweep: shard `k` of `n` (1-based) runs the pairs whose index
/// is `k - 1` modulo `n`. Dealt round-robin in the runner's (replication, point) order, so
/// every shard gets about the same mix of cheap and costly points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, 1 to `n`.
    pub k: u32,
    /// How many shards.
    pub n: u32,
}

impl Shard {
    /// The whole sweep on one machine.
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Reads `K/N` as `--shard` takes it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("--shard: `{text}` is not K/N with 1 <= K <= N (e.g. 2/4 for the second of four)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Self { k, n })
    }

    /// True when this shard runs pair `pair`.
    pub fn owns(&self, pair: u64) -> bool {
        pair % u64::from(self.n) == u64::from(self.k - 1)
    }

    /// How many of `pairs` pairs this shard runs.
    pub fn share(&self, pairs: u64) -> u64 {
        (0..pairs).filter(|p| self.owns(*p)).count() as u64
    }
}

/// Runs the pairs of `shard` not already in `done` (a resumed checkpoint), each replication
/// r of point i with stream set r of the sweep's seed (common random numbers across points),
/// and returns every value so far and whether the shard is complete (false when
/// `interrupt` stopped it). `progress` counts pairs finished, `done`'s included.
pub fn run(
    sweep: &Sweep,
    shard: Shard,
    done: Values,
    progress: impl Fn(u64) + Sync,
    interrupt: &AtomicBool,
) -> Result<(Values, bool), Error> {
    let plan = &sweep.plan;
    let width = plan.points.len() as u64;
    let todo: Vec<u64> = (0..plan.pairs())
        .filter(|p| shard.owns(*p) && !done.contains_key(p))
        .collect();
    let before = done.len() as u64;
    let mut values = done;
    let job = |i: usize| {
        let pair = todo[i];
        let (point, rep) = ((pair % width) as usize, pair / width);
        let sc = &sweep.scenarios[point];
        let out = crate::experiment::run_replication(&sc.spec, sc.policy.clone(), plan.seed, rep)?;
        let mut row = vec![None; plan.metrics.len()];
        for ((_, v), &m) in out.metrics.iter().zip(&sweep.layout[point]) {
            row[m] = *v;
        }
        Ok(row)
    };
    let keep = |i: usize, row: Vec<Option<f64>>| {
        values.insert(todo[i], row);
        Ok(())
    };
    let complete = crate::experiment::run_pairs(todo.len(), job, keep, (before, progress), interrupt)?;
    Ok((values, complete))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// A 2 × 2 factorial on M/M/4 over two days, two replications per point.
    pub(crate) fn small() -> Sweep {
        let src = r#"
[sweep]
scenario = "mmc.toml"
[design]
kind = "factorial"
[[factors]]
key = "ports.textbook.stages.lanes.servers"
values = [4, 5]
[[factors]]
name = "rate"
key = "ports.textbook.flows.car.rate.per_hour"
range = { min = 40, max = 50, steps = 2 }
"#;
        let def = super::super::file::parse(src, std::path::Path::new("scenarios/sweep-test.toml")).unwrap();
        let o = crate::scenario::Overrides {
            horizon_days: Some(3.0),
            replications: Some(2),
            seed: None,
        };
        super::super::build(&def, o).unwrap()
    }

    fn on(threads: usize, f: impl FnOnce() -> (Values, bool) + Send) -> (Values, bool) {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    /// Interrupted after some runs and resumed from what was kept, on other thread counts
    /// and in shards, the values are those of one uninterrupted run.
    #[test]
    fn interrupted_resumed_and_sharded_runs_keep_the_same_values() {
        let sw = small();
        assert_eq!(
            sw.plan.points,
            vec![vec![4.0, 40.0], vec![4.0, 50.0], vec![5.0, 40.0], vec![5.0, 50.0]]
        );
        let never = AtomicBool::new(false);
        let (whole, done) = on(1, || run(&sw, Shard::WHOLE, Values::new(), |_| {}, &never).unwrap());
        assert!(done);
        assert_eq!(whole.len(), 8);
        let stop = AtomicBool::new(false);
        let (part, done) = on(2, || {
            run(
                &sw,
                Shard::WHOLE,
                Values::new(),
                |n| {
                    if n >= 3 {
                        stop.store(true, Ordering::Relaxed)
                    }
                },
                &stop,
            )
            .unwrap()
        });
        assert!(!done && part.len() >= 3 && part.len() < 8, "{}", part.len());
        let (resumed, done) = on(3, || run(&sw, Shard::WHOLE, part, |_| {}, &never).unwrap());
        assert!(done);
        assert_eq!(resumed, whole);
        let mut merged = Values::new();
        for k in 1..=3 {
            let (v, done) = on(k as usize, || {
                run(&sw, Shard { k, n: 3 }, Values::new(), |_| {}, &never).unwrap()
            });
            assert!(done);
            merged.extend(v);
        }
        assert_eq!(merged, whole);
    }

    #[test]
    fn shards_deal_every_pair_once() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { k: 2, n: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for p in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.owns(p)).count(), 1);
        }
        assert_eq!(shards.iter().map(|s| s.share(20)).sum::<u64>(), 20);
        assert!(Shard::WHOLE.owns(7));
    }
}
