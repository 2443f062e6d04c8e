//! One experiment runner: every (model, replication) pair of a run, a comparison or a sweep
//! on one pool of worker threads, folded in a fixed order.
//!
//! Workers take pairs in (replication, model) order from a shared counter, so a free thread
//! always takes the next pair whatever model it belongs to, and no model waits at a barrier
//! behind another. Replication k is folded into every model at once, as soon as all its
//! pairs are in, in model order: the summary is byte-identical for any number of threads,
//! and the models always hold the same number of replications. [`run_pairs`] is the pool
//! itself, for callers (sweeps, shards) that keep each pair's result by its index instead
//! of folding.

use super::fold::Folds;
use super::replication::{Halt, ReplicationOutcome, run_replication, run_replication_observed};
use super::tracer::{NoTrace, Tracer};
use crate::error::Error;
use crate::model::ModelSpec;
use crate::policy::ClearancePolicy;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// What the workers of [`run_models`] share: the folds and the outcomes that wait for their
/// replication's other models.
struct Board {
    folds: Folds,
    /// Finished pairs not yet folded, by pair index.
    waiting: BTreeMap<usize, ReplicationOutcome>,
    /// Index of the first pair of replication `folds.done()`.
    first: usize,
}

impl Board {
    /// Folds in every replication whose pairs are all in, in order.
    fn fold_ready(&mut self, width: usize) -> Result<(), Error> {
        let (mut lo, mut hi) = (self.first, self.first + width);
        while (lo..hi).all(|i| self.waiting.contains_key(&i)) {
            let row = (lo..hi).filter_map(|i| self.waiting.remove(&i)).collect();
            self.folds.add_row(row)?;
            (lo, hi) = (hi, hi + width);
            self.first = lo;
        }
        Ok(())
    }
}

/// Runs jobs `0..total` on the current rayon pool, each worker taking the next index from a
/// shared counter, and hands each result to `keep` (under a lock, in completion order) with
/// its index. When a job or `keep` fails, no further job starts and the failure of the lowest
/// index is returned, whatever the number of threads. When `interrupt` is set, the jobs
/// under way finish and `Ok(false)` is returned; `Ok(true)` when all ran. `progress` is
/// called with `before` plus the number of jobs finished so far.
pub fn run_pairs<T: Send>(
    total: usize,
    job: impl Fn(usize) -> Result<T, Error> + Sync,
    keep: impl FnMut(usize, T) -> Result<(), Error> + Send,
    (before, progress): (u64, impl Fn(u64) + Sync),
    interrupt: &AtomicBool,
) -> Result<bool, Error> {
    let finished = AtomicU64::new(before);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let board = Mutex::new((keep, None::<(usize, Error)>));
    let lock = |m| Mutex::lock(m).unwrap_or_else(|p| p.into_inner());
    let work = || {
        loop {
            if interrupt.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= total {
                return;
            }
            let out = job(i);
            progress(finished.fetch_add(1, Ordering::Relaxed) + 1);
            let mut b = lock(&board);
            if let Err(e) = out.and_then(|o| (b.0)(i, o)) {
                stop.store(true, Ordering::Relaxed);
                if b.1.as_ref().is_none_or(|(j, _)| i < *j) {
                    b.1 = Some((i, e));
                }
            }
        }
    };
    let workers = rayon::current_num_threads().clamp(1, total.max(1));
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| work());
        }
    });
    let (_, failure) = board.into_inner().unwrap_or_else(|p| p.into_inner());
    match failure {
        Some((_, e)) => Err(e),
        // Every index was taken, and a taken job always runs to its end.
        None => Ok(next.load(Ordering::Relaxed) >= total),
    }
}

/// Runs replications `folds.done() .. replications` of every model (spec, policy, seed) on
/// the current rayon pool. Replication k of model m uses stream set k of its seed. When a
/// replication fails, no further pairs start and the failure of the lowest (replication,
/// model) is returned, whatever the number of threads. When `interrupt` is set, the pairs
/// under way finish, every replication finished for all models is folded in, and the folds
/// are returned to be saved and resumed. `progress` is called with the number of pairs
/// finished so far, those of `folds` included.
pub fn run_models<P: ClearancePolicy + Clone + Send + Sync>(
    models: &[(&ModelSpec, &P, u64)],
    replications: u32,
    folds: Folds,
    progress: impl Fn(u64) + Sync,
    interrupt: &AtomicBool,
) -> Result<Folds, Halt> {
    run_models_traced(models, replications, folds, progress, interrupt, &NoTrace)
}

/// [`run_models`], with `tracer` asked for an observer before each pair: the pairs it
/// watches run with that observer, the others silent. Results are the same either way.
pub fn run_models_traced<P: ClearancePolicy + Clone + Send + Sync, T: Tracer>(
    models: &[(&ModelSpec, &P, u64)],
    replications: u32,
    folds: Folds,
    progress: impl Fn(u64) + Sync,
    interrupt: &AtomicBool,
    tracer: &T,
) -> Result<Folds, Halt> {
    let width = models.len();
    if folds.as_slice().len() != width {
        return Err(Halt::Failed(Error::Internal(format!(
            "{} folds for {width} models",
            folds.as_slice().len()
        ))));
    }
    let start = folds.done();
    let total = replications.saturating_sub(start) as usize * width;
    let mut board = Board {
        folds,
        waiting: BTreeMap::new(),
        first: 0,
    };
    let job = |i: usize| {
        let (spec, policy, seed) = models[i % width];
        let rep = u64::from(start) + (i / width) as u64;
        run_pair(spec, policy, seed, (i % width, rep), tracer)
    };
    let keep = |i: usize, o: ReplicationOutcome| {
        board.waiting.insert(i, o);
        board.fold_ready(width)
    };
    let before = u64::from(start) * width as u64;
    run_pairs(total, job, keep, (before, progress), interrupt).map_err(Halt::Failed)?;
    if board.folds.done() < replications {
        return Err(Halt::Interrupted(board.folds));
    }
    Ok(board.folds)
}

/// One pair, watched if the tracer asks for it.
fn run_pair<P: ClearancePolicy + Clone, T: Tracer>(
    spec: &ModelSpec,
    policy: &P,
    seed: u64,
    (model, rep): (usize, u64),
    tracer: &T,
) -> Result<ReplicationOutcome, Error> {
    match tracer.sink(model, rep)? {
        None => run_replication(spec, policy.clone(), seed, rep),
        Some(sink) => {
            let (out, sink) = run_replication_observed(spec, policy.clone(), seed, rep, sink)?;
            tracer.done(model, rep, sink)?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Fold;

    fn scenario() -> crate::scenario::Scenario {
        let mut sc = crate::scenario::load(std::path::Path::new("scenarios/mmc.toml")).unwrap();
        sc.spec.horizon = 2.0 * 1440.0;
        sc.spec.warmup = 0.0;
        sc
    }

    fn fold(sc: &crate::scenario::Scenario, reps: u32) -> Fold {
        let mut f = Fold::for_model(&sc.spec, sc.policy.clone());
        for rep in 0..reps {
            f.add(run_replication(&sc.spec, sc.policy.clone(), sc.seed, u64::from(rep)).unwrap())
                .unwrap();
        }
        f
    }

    #[test]
    fn folds_with_unequal_counts_cannot_be_run_on() {
        let sc = scenario();
        let e = Folds::new(vec![fold(&sc, 2), fold(&sc, 3)]).unwrap_err();
        assert!(matches!(&e, Error::Internal(m) if m.contains("(2, 3)")), "{e}");
        assert!(Folds::new(Vec::new()).is_err());
        assert!(Folds::new(vec![fold(&sc, 2), fold(&sc, 2)]).is_ok());
    }

    #[test]
    fn any_thread_count_folds_the_same_and_resumes_the_same() {
        let sc = scenario();
        let models = [(&sc.spec, &sc.policy, sc.seed), (&sc.spec, &sc.policy, sc.seed + 1)];
        let never = AtomicBool::new(false);
        let empty = || Folds::new(vec![fold(&sc, 0), fold(&sc, 0)]).unwrap();
        let on = |threads: usize, folds: Folds| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| run_models(&models, 5, folds, |_| {}, &never))
                .ok()
                .unwrap()
        };
        let one = on(1, empty());
        let bytes = postcard::to_stdvec(one.as_slice()).unwrap();
        for threads in [2, 3, 8] {
            assert_eq!(postcard::to_stdvec(on(threads, empty()).as_slice()).unwrap(), bytes);
        }
        // Two replications folded beforehand, one model at a time: the same five.
        let two = Folds::new(vec![fold(&sc, 2), {
            let mut f = Fold::for_model(&sc.spec, sc.policy.clone());
            for rep in 0..2 {
                f.add(run_replication(&sc.spec, sc.policy.clone(), sc.seed + 1, rep).unwrap())
                    .unwrap();
            }
            f
        }])
        .unwrap();
        assert_eq!(postcard::to_stdvec(on(2, two).as_slice()).unwrap(), bytes);
        // An interrupt before anything runs hands back the folds as they were.
        let set = AtomicBool::new(true);
        match run_models(&models, 5, empty(), |_| {}, &set) {
            Err(Halt::Interrupted(f)) => assert_eq!(f.done(), 0),
            _ => panic!("not interrupted"),
        }
    }
}
